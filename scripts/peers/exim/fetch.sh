#!/usr/bin/env bash
# Fetches Debian's Exim 4 daemon without installing it (exim4-daemon-light conflicts with the
# postfix package the other peer needs): `apt-get download` + `dpkg -x` into a private folder,
# plus the `Debian-exim` system user its binary has compiled in. Needs root for the user.
#
#   scripts/peers/exim/fetch.sh [DIR]     default: $SMTPILOT_EXIM_ROOT or ~/.cache/smtpilot/exim4
#
# Prints the path of the exim4 binary. Safe to run again (it re-extracts).
set -euo pipefail

root="${1:-${SMTPILOT_EXIM_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/smtpilot/exim4}}"
work="$(mktemp -d "${TMPDIR:-/tmp}/smtpilot-exim-fetch-XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Runtime libraries of the daemon that a minimal machine may lack (libidn12 is not pulled in by
# postfix or dovecot); installing them does not conflict with anything.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for pkg in libidn12 libgnutls-dane0 libgnutls30 libpcre2-8-0 libdb5.3 libnsl2; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

(cd "$work" && apt-get download -qq exim4-daemon-light >/dev/null 2>&1 || apt-get download exim4-daemon-light)
mkdir -p "$root"
dpkg -x "$work"/exim4-daemon-light_*.deb "$root"

if ! id -u Debian-exim >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin Debian-exim
  else
    echo "fetch.sh: the system user Debian-exim is missing; run as root to create it" >&2
  fi
fi

"$root/usr/sbin/exim4" -C /dev/null -bV >/dev/null 2>"$work/bv.err" || { cat "$work/bv.err" >&2; exit 1; }
echo "$root/usr/sbin/exim4"
