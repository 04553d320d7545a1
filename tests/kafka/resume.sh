#!/usr/bin/env bash
# Offsets go with the journal step (I3), and the journal alone resumes a
# transaction: on a real broker, utsjekk sends every message to an OS that
# does not answer (utsjekk-os is not running), so each transaction stops
# at HOS_OPPDRAG; utsjekk is killed with SIGKILL; then utsjekk-os and a new
# utsjekk start. The new utsjekk must read no input again (the offsets
# were committed with MOTTATT), resume every transaction from its journal
# without resending (the kvittering timeout is far away), apply the
# kvitteringer utsjekk-os gives, and OS must pay exactly what was asked.
# usage: resume.sh BUILD_DIR [MESSAGES]
set -euo pipefail
build=$(cd "$1" && pwd)
messages=${2:-40}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

fail() {
  echo "$1" >&2
  for f in "$work"/*.log; do
    echo "--- $f" >&2
    tail -15 "$f" >&2
  done
  exit 1
}

start_broker
echo "resume suite: $messages messages on a real broker at $bootstrap"

# Every message a new sak: each one is a transaction with an oppdrag.
"$build/harness/utsjekk-harness" generate --messages "$messages" \
  --saker "$messages" --seed $$ --prefix "r$$" --invalid 0 --redelivery 0 \
  --opphor 0 >"$work/input.jsonl"

# Statuses of one kind on the status topic.
count_status() {
  kcat -C -e -q -b "$bootstrap" -t helved.status.v1 -f '%s\n' 2>/dev/null |
    grep -c "\"status\":\"$1\"" || true
}

# Waits until count_status KIND reaches N, at most SECONDS.
wait_status() {
  local kind=$1 n=$2 limit=$3 deadline=$((SECONDS + $3))
  until [ "$(count_status "$kind")" -ge "$n" ]; do
    if ! kill -0 "$utsjekk_pid" 2>/dev/null || [ $SECONDS -ge $deadline ]
    then
      fail "only $(count_status "$kind") of $n $kind within $limit s"
    fi
    sleep 0.5
  done
}

start_utsjekk() {
  : >"$work/utsjekk.out"
  UTSJEKK_OS_TRANSPORT=kafka UTSJEKK_ADMIN_PORT=0 "$build/utsjekk" \
    --utsjekk.kvittering-timeout=600s --utsjekk.resend-outside-opening-hours \
    >"$work/utsjekk.out" 2>"$work/utsjekk-$1.log" &
  utsjekk_pid=$!
  wait_line "$work/utsjekk.out" admin "$utsjekk_pid"
  admin_url=$(sed -n 's/^admin=//p' "$work/utsjekk.out")
}

# A counter of utsjekk's metrics, summed over its labels.
metric() {
  python3 - "$admin_url/internal/metrics" "$1" <<'PY'
import sys, urllib.request
text = urllib.request.urlopen(sys.argv[1], timeout=10).read().decode()
total = 0.0
for line in text.splitlines():
    if line.startswith(sys.argv[2] + "{") or line.startswith(sys.argv[2] + " "):
        total += float(line.rsplit(" ", 1)[1])
print(int(total))
PY
}

echo "1. every transaction reaches OS, and nobody answers"
start_utsjekk first
"$build/harness/utsjekk-replay" --bootstrap "$bootstrap" \
  --input "$work/input.jsonl" --timeout 600 >"$work/replay.log" 2>&1 &
replay_pid=$!
wait_status HOS_OPPDRAG "$messages" 120
[ "$(count_status OK)" -eq 0 ] || fail "an OK without an OS"
kill -KILL "$utsjekk_pid"
wait "$utsjekk_pid" || true

echo "2. OS comes up; a new utsjekk resumes from the journal alone"
UTSJEKK_OS_STATE_DIR="$work/os" UTSJEKK_OS_PORT=0 \
  "$build/os_gateway/utsjekk-os" >"$work/os.out" 2>"$work/os.log" &
os_pid=$!
wait_line "$work/os.out" ledger "$os_pid"
ledger_url=$(sed -n 's/^ledger=//p' "$work/os.out")
start_utsjekk second
wait_status OK "$messages" 120
status=0
wait "$replay_pid" || status=$?
replay_pid=
[ "$status" -eq 0 ] || fail "the replay did not see every final status"

echo "3. nothing read again, nothing resent, OS pays what was asked"
resumed=$(grep -c 'queues a transaction of an earlier run' \
  "$work/utsjekk-second.log" || true)
[ "$resumed" -eq "$messages" ] ||
  fail "$resumed of $messages transactions resumed from the journal"
consumed=$(metric utsjekk_records_consumed_total)
[ "$consumed" -eq 0 ] ||
  fail "the second utsjekk read $consumed input records again"
sent=$(metric utsjekk_oppdrag_sent_total)
[ "$sent" -eq 0 ] || fail "the second utsjekk sent $sent oppdrag again"
check_ledger "$work/input.jsonl" "$ledger_url"
kill -TERM "$utsjekk_pid"
wait "$utsjekk_pid" || fail "utsjekk did not stop cleanly on SIGTERM"
utsjekk_pid=
echo "resume suite passed: $messages transactions resumed from the journal"
