#!/usr/bin/env bash
# Installs Haraka (npm) into a private folder for the bounce-corpus generator
# (scripts/corpus/haraka-bounces.ts). Kept out of devDependencies: only that generator runs it, and
# its ~40 packages (one with an optional native build) would otherwise weigh on every `npm ci`.
#
#   scripts/peers/haraka/fetch.sh [DIR]   default: $SMTPILOT_HARAKA_ROOT or ~/.cache/smtpilot/haraka
#
# Prints the folder holding node_modules/haraka. Safe to run again.
set -euo pipefail

root="${1:-${SMTPILOT_HARAKA_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/smtpilot/haraka}}"
mkdir -p "$root"
if [ ! -f "$root/node_modules/haraka/bin/haraka" ]; then
  npm install --prefix "$root" --no-save --no-audit --no-fund --omit=optional haraka@3.3.4 >&2
fi
echo "$root"
