#!/usr/bin/env bash
# The replica suite (npm run test:replica) takes a pg_basebackup of the machine's PostgreSQL and
# streams from it, over 127.0.0.1 as the postgres user. This makes sure the server allows that:
# wal_level replica or logical (the default) and max_wal_senders > 0 (defaults; changing them
# would need a restart, which is not done here: the script says so and fails), and a
# `host replication all 127.0.0.1/32 trust` line in pg_hba.conf, added once, then a reload.
# Idempotent: a second run changes nothing and does not reload.
set -euo pipefail

PSQL=(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atq)
"${PSQL[@]}" -c 'SELECT 1' >/dev/null

wal_level=$("${PSQL[@]}" -c 'SHOW wal_level')
senders=$("${PSQL[@]}" -c 'SHOW max_wal_senders')
if [ "$wal_level" = minimal ] || [ "$senders" -lt 2 ]; then
  echo "ensure-replication: wal_level=$wal_level max_wal_senders=$senders; a replica needs" \
    "wal_level=replica and max_wal_senders >= 2 (a restart of PostgreSQL applies them)" >&2
  exit 1
fi

hba=$("${PSQL[@]}" -c 'SHOW hba_file')
line='host replication all 127.0.0.1/32 trust'
if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
  if [ ! -w "$hba" ]; then
    echo "ensure-replication: $hba needs the line '$line' (then SELECT pg_reload_conf());" \
      "run this script as root or as the file's owner to add it" >&2
    exit 1
  fi
  echo "ensure-replication: adding '$line' to $hba"
  printf '# the replica suite (test/support/ensure-replication.sh)\n%s\n' "$line" >>"$hba"
  "${PSQL[@]}" -c 'SELECT pg_reload_conf()' >/dev/null
  # the reload is asynchronous: wait until a replication connection is let in
  for _ in $(seq 1 50); do
    psql "host=127.0.0.1 port=5432 user=postgres replication=true" -Atqc IDENTIFY_SYSTEM \
      >/dev/null 2>&1 && break
    sleep 0.1
  done
fi
