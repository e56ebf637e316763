#!/usr/bin/env bash
# The console's browser tests drive Debian's Chromium (a test tool's own browser download does
# not work on this network). Installs it when it is missing and this user may (root or sudo);
# otherwise says how, and the browser tests will fail with the same advice.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; else
    echo "no Chromium at $CHROMIUM: install it with 'apt-get install -y chromium' (or set CHROMIUM_PATH)" >&2
    exit 0
  fi
fi
echo "installing Chromium for the browser tests (apt-get install chromium)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
