#!/usr/bin/env bash
# Prints the path of pgbench, the raw baseline of bench/http.bench.ts. On Debian it ships with
# the server package (postgresql-NN); when it is missing and this user may install (root or
# sudo), installs postgresql-contrib, which brings it. Otherwise fails, saying how.
set -euo pipefail
find_pgbench() {
  command -v pgbench 2>/dev/null && return 0
  ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -n1 | grep . && return 0
  return 1
}
find_pgbench && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; else
    echo "pgbench is missing: install it with 'apt-get install -y postgresql-contrib'" >&2
    exit 1
  fi
fi
echo "installing pgbench (apt-get install postgresql-contrib)" >&2
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql-contrib >&2
find_pgbench || { echo "pgbench did not install (apt-get install postgresql-contrib)" >&2; exit 1; }
