#!/usr/bin/env bash
# Fetches Debian's Sendmail without installing it (sendmail-bin conflicts with the postfix package
# the other peers need): `apt-get download` + `dpkg -x` of sendmail-bin and sendmail-cf (its m4
# configuration kit) into a private folder. The runtime libraries it needs are ordinary packages.
#
#   scripts/peers/sendmail/fetch.sh [DIR]   default: $SMTPILOT_SENDMAIL_ROOT or ~/.cache/smtpilot/sendmail
#
# Prints the path of the sendmail binary. Safe to run again (it re-extracts).
set -euo pipefail

root="${1:-${SMTPILOT_SENDMAIL_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/smtpilot/sendmail}}"
work="$(mktemp -d "${TMPDIR:-/tmp}/smtpilot-sendmail-fetch-XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for pkg in m4 liblockfile1 libwrap0 libldap-2.5-0 libsasl2-2 libdb5.3 libnsl2; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

(cd "$work" && { apt-get download -qq sendmail-bin sendmail-cf >/dev/null 2>&1 || apt-get download sendmail-bin sendmail-cf; })
mkdir -p "$root"
for deb in "$work"/*.deb; do dpkg -x "$deb" "$root"; done

version="$("$root/usr/libexec/sendmail/sendmail" -d0.1 -bt </dev/null 2>&1 || true)"
case "$version" in Version\ 8*) ;; *)
  echo "fetch.sh: the extracted sendmail does not run" >&2
  exit 1
  ;;
esac
echo "$root/usr/libexec/sendmail/sendmail"
