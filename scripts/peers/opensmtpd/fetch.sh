#!/usr/bin/env bash
# Fetches Debian's OpenSMTPD without installing it (opensmtpd conflicts with the postfix package
# the other peers need): `apt-get download` + `dpkg -x` into a private folder, the runtime
# libraries it needs (ordinary packages), and the opensmtpd/opensmtpq system users its binary has
# compiled in. Needs root for the users. OpenSMTPD keeps its queue in /var/spool/smtpd and chroots
# to /var/lib/opensmtpd/empty (paths compiled in); both are created here.
#
#   scripts/peers/opensmtpd/fetch.sh [DIR]   default: $SMTPILOT_OPENSMTPD_ROOT or ~/.cache/smtpilot/opensmtpd
#
# Prints the path of the smtpd binary. Safe to run again (it re-extracts).
set -euo pipefail

root="${1:-${SMTPILOT_OPENSMTPD_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/smtpilot/opensmtpd}}"
work="$(mktemp -d "${TMPDIR:-/tmp}/smtpilot-opensmtpd-fetch-XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for pkg in libevent-2.1-7 libssl3 libdb5.3 libpam0g libcrypt1 zlib1g; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  for name in opensmtpd opensmtpq; do
    getent group "$name" >/dev/null || groupadd --system "$name"
    id -u "$name" >/dev/null 2>&1 ||
      useradd --system --no-create-home --home-dir /var/lib/opensmtpd/empty --shell /usr/sbin/nologin -g "$name" "$name"
  done
  mkdir -p /var/lib/opensmtpd/empty
fi

(cd "$work" && { apt-get download -qq opensmtpd >/dev/null 2>&1 || apt-get download opensmtpd; })
mkdir -p "$root"
dpkg -x "$work"/opensmtpd_*.deb "$root"
echo "$root/usr/sbin/smtpd"
