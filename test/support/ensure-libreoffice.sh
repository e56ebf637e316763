#!/usr/bin/env bash
# The import tests convert a legacy .doc with LibreOffice Writer (optional for the service: without
# it a .doc is a 415). Installs Debian's libreoffice-writer-nogui when soffice is missing and this
# user may (root or sudo); otherwise says how, and those tests are skipped.
set -euo pipefail
command -v soffice >/dev/null && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; else
    echo "no soffice: install LibreOffice with 'apt-get install -y libreoffice-writer-nogui' for the .doc import tests" >&2
    exit 0
  fi
fi
echo "installing LibreOffice Writer for the .doc import tests (apt-get install libreoffice-writer-nogui)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui
