#!/usr/bin/env bash
# The crash suite on a real Apache Kafka broker: generated input over all six
# fagsystemer (new saker, changes, opphør, redeliveries, invalid messages) is
# replayed sak by sak through utsjekk and utsjekk-os on the Kafka transport
# while utsjekk is stopped at random moments and restarted, and utsjekk-os is
# killed twice. Afterwards every key has a terminal status, status order
# holds, no two terminal statuses of a key differ, no delytelseId was sent in
# two different oppdrag (utsjekk-harness check), and what OS pays equals
# what the last message of each sak asked for (utsjekk-ledger-check).
#
# usage: crash.sh BUILD_DIR KILL|TERM [MESSAGES] [SAKER] [STOPS]
set -euo pipefail
build=$(cd "$1" && pwd)
signal=$2
messages=${3:-3000}
saker=${4:-500}
stops=${5:-10}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
start_broker
echo "crash suite ($signal): $messages messages, $saker saker, $stops stops"

"$build/harness/utsjekk-harness" generate --messages "$messages" \
  --saker "$saker" --seed $$ --prefix "c$$" >"$work/input.jsonl"

start_os() {
  # Empty the output first: the child truncates it only once it runs, and
  # wait_line must not find the last run's ledger= line before that.
  : >"$work/os.out"
  UTSJEKK_OS_STATE_DIR="$work/os" UTSJEKK_OS_PORT=${os_port:-0} \
    "$build/os_gateway/utsjekk-os" >"$work/os.out" 2>>"$work/os.log" &
  os_pid=$!
  wait_line "$work/os.out" ledger "$os_pid"
  ledger_url=$(sed -n 's/^ledger=//p' "$work/os.out")
  os_port=${ledger_url##*:}
  os_port=${os_port%%/*}
}

start_utsjekk() {
  : >"$work/utsjekk.out"
  UTSJEKK_OS_TRANSPORT=kafka UTSJEKK_ADMIN_PORT=0 "$build/utsjekk" \
    --utsjekk.kvittering-timeout=5s --utsjekk.resend-outside-opening-hours \
    >"$work/utsjekk.out" 2>>"$work/utsjekk.log" &
  utsjekk_pid=$!
  wait_line "$work/utsjekk.out" bootstrap "$utsjekk_pid"
}

start_os
start_utsjekk
"$build/harness/utsjekk-replay" --bootstrap "$bootstrap" \
  --input "$work/input.jsonl" --timeout 900 >"$work/replay.out" 2>&1 &
replay_pid=$!

# Stop utsjekk at random moments while the replay runs; kill utsjekk-os
# twice on the way.
for i in $(seq 1 "$stops"); do
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.1f", 1 + r % 40 / 10 }')"
  kill -0 "$replay_pid" 2>/dev/null || break
  kill -"$signal" "$utsjekk_pid"
  wait "$utsjekk_pid" || true
  if [ $((i % 5)) -eq 3 ]; then
    kill -KILL "$os_pid"
    wait "$os_pid" || true
    start_os
  fi
  start_utsjekk
done
stopped=$i

status=0
wait "$replay_pid" || status=$?
replay_pid=
tail -1 "$work/replay.out"
if [ "$status" -ne 0 ]; then
  echo "the replay did not finish:" >&2
  tail -5 "$work/replay.out" >&2
  exit 1
fi

# The invariants, from the topics.
"$build/harness/utsjekk-harness" check --bootstrap "$bootstrap" \
  --input "$work/input.jsonl" | tail -5
# What OS pays against what the last message of each sak asked for.
check_ledger "$work/input.jsonl" "$ledger_url"
echo "crash suite ($signal) held over $stopped stops of utsjekk"
