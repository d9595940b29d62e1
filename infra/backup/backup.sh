#!/bin/sh
# Backups of the database: pg_dump in PostgreSQL's custom format (pg_restore reads it) into BACKUP_DIR,
# the newest BACKUP_KEEP kept. docker-compose.yml's `backup` service runs it; docs/operations.md#backups.
#   backup.sh        a service: a dump every day at BACKUP_AT (HH:MM, UTC), and one at start-up when the
#                    newest dump is over a day old or there is none (a first `up` shows at once that it
#                    works; restarts do not push nightly dumps out). A dump that fails (PostgreSQL
#                    restarting, its name not yet resolvable) is tried again BACKUP_RETRY_SECONDS
#                    later (default 60), up to 3 times more. SIGTERM or SIGINT: exit 0.
#   backup.sh once   one dump now: exit 0 when it was written, 1 when not.
# Connects with libpq's variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE). A dump is written
# under a hidden temporary name, read back with pg_restore --list, then renamed: a failed or interrupted
# dump is never counted among the kept ones and removes none of them. Everything goes to stdout and
# stderr (the container's log), never the password.
# POSIX sh: runs on the postgres image's shell (busybox on alpine, dash on Debian).
set -u
umask 077

DIR=${BACKUP_DIR:-/backups}
KEEP=${BACKUP_KEEP:-7}
AT=${BACKUP_AT:-03:00}
RETRY=${BACKUP_RETRY_SECONDS:-60}
MODE=${1:-service}

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() { printf '%s backup: FAILED: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

case $MODE in
  service | once) ;;
  *)
    fail "usage: backup.sh [once]"
    exit 2
    ;;
esac
case $KEEP in
  '' | *[!0-9]* | 0)
    fail "BACKUP_KEEP must be a whole number of at least 1, not '$KEEP'"
    exit 2
    ;;
esac
case $AT in
  [01][0-9]:[0-5][0-9] | 2[0-3]:[0-5][0-9]) ;;
  *)
    fail "BACKUP_AT must be HH:MM (UTC, 00:00 to 23:59), not '$AT'"
    exit 2
    ;;
esac
case $RETRY in
  '' | *[!0-9]* | 0)
    fail "BACKUP_RETRY_SECONDS must be a whole number of at least 1, not '$RETRY'"
    exit 2
    ;;
esac
# expr reads "08" as 8 (shell arithmetic would read it as octal).
AT_SECONDS=$(($(expr "${AT%:*}" + 0) * 3600 + $(expr "${AT#*:}" + 0) * 60))

# The process waited on (pg_dump, sleep) and the temporary file being written, for the signal handler.
child=
partial=
stop() {
  [ -n "$child" ] && kill "$child" 2>/dev/null
  [ -n "$partial" ] && rm -f "$partial"
  if [ "$MODE" = once ]; then
    fail "interrupted; no dump written"
    exit 1
  fi
  log "stopped"
  exit 0
}
trap stop TERM INT

# Runs a command in the background and waits for it, so that a signal is handled at once.
waited() {
  "$@" &
  child=$!
  wait "$child"
  status=$?
  child=
  return "$status"
}

# The dumps this script wrote, newest first (their names sort by time).
dumps() {
  ls -1 "$DIR" | grep -E '^notesbot-[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}Z\.dump$' | sort -r
}

dump() {
  stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
  final="$DIR/notesbot-$stamp.dump"
  partial="$DIR/.notesbot-$stamp.dump.partial"
  log "dumping database ${PGDATABASE:-?} on ${PGHOST:-localhost}"
  if ! waited pg_dump --format=custom --file="$partial"; then
    rm -f "$partial"
    partial=
    fail "pg_dump exited with $status; no dump written, the kept ones are untouched"
    return 1
  fi
  if ! waited pg_restore --list "$partial" >/dev/null; then
    rm -f "$partial"
    partial=
    fail "the dump does not read back (pg_restore --list exited with $status); removed"
    return 1
  fi
  mv -f "$partial" "$final"
  partial=
  log "wrote $final ($(wc -c <"$final" | tr -d ' ') bytes)"
  dumps | tail -n "+$((KEEP + 1))" | while read -r old; do
    rm -f "$DIR/$old" && log "removed $old (keeping the newest $KEEP)"
  done
  return 0
}

# The service's dump: tried again RETRY seconds after a failure, up to 3 times more.
dump_retried() {
  tries=1
  until dump; do
    [ "$tries" -ge 4 ] && return 1
    tries=$((tries + 1))
    log "trying again in $RETRY s (try $tries of 4)"
    waited sleep "$RETRY"
  done
}

mkdir -p "$DIR" || exit 1
# What a dump killed outright (SIGKILL, a crash) left behind.
rm -f "$DIR"/.notesbot-*.dump.partial

if [ "$MODE" = once ]; then
  dump
  exit $?
fi

log "every day at $AT UTC into $DIR, the newest $KEEP kept"
if [ -n "$(find "$DIR" -maxdepth 1 -name 'notesbot-*T*Z.dump' -mtime -1)" ]; then
  log "the newest dump is less than a day old: none at start-up"
else
  dump_retried
fi
while :; do
  now=$(date -u +%s)
  delay=$(((AT_SECONDS - now % 86400 + 86400) % 86400))
  [ "$delay" -eq 0 ] && delay=86400
  log "next dump at $AT UTC, in $delay s"
  waited sleep "$delay"
  dump_retried
done
