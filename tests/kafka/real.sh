#!/usr/bin/env bash
# The integration suite on a real Apache Kafka broker (tests/kafka/broker):
#  0. the transaction cases of the kafka/transaction suite that the mock
#     cluster cannot serve (abort, transactional offsets, fencing);
#  1. the shared examples end to end, every expectation checked;
#  2. a restart: state read back from the compacted state topics;
#  3. a replay of every input topic from offset 0 under a new consumer
#     group: every key gets its final status again and nothing new
#     reaches OS (I6);
#  4. fencing: a second instance with the same transactional id fences the
#     first, which stops with exit status 1 once it next writes.
# usage: real.sh BUILD_DIR EXAMPLES_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
examples=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
export UTSJEKK_KAFKA_STATE="$work/broker.state"
pid=
pid2=
cleanup() {
  for p in $pid $pid2; do
    kill -KILL "$p" 2>/dev/null || true
  done
  "$here/broker" stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bootstrap=$("$here/broker" start | sed -n 's/^bootstrap=//p')
[ -n "$bootstrap" ] || { echo "the broker did not start" >&2; exit 1; }
export KAFKA_BROKERS=$bootstrap
echo "real broker at $bootstrap"

# Counts the records of a topic.
count() {
  kcat -C -e -q -b "$bootstrap" -t "$1" -f '.\n' 2>/dev/null | wc -l
}

echo "0. transactions on the real broker"
UTSJEKK_TEST_BROKERS=$bootstrap "$build/tests/kafka/test_kafka_transaction"

echo "1. the examples end to end"
"$here/../e2e/basic.sh" "$build/utsjekk" "$build/harness/utsjekk-replay" \
  "$examples"

echo "2.-3. restart under a new group: every input again, nothing to OS"
oppdrag_before=$(count helved.oppdrag.v1)
statuses_before=$(count helved.status.v1)
inputs=0
for t in aap.utbetaling.v1 teamdagpenger.utbetaling.v1 \
  helved.utbetalinger-tp.v1 tilleggsstonader.utbetaling.v1 \
  historisk.utbetaling.v1 team-mulighetsrommet.tilskudd.utbetaling-v1; do
  inputs=$((inputs + $(count "$t")))
done
[ "$inputs" -ge 20 ] || { echo "only $inputs input records" >&2; exit 1; }
UTSJEKK_ADMIN_PORT=0 "$build/utsjekk" --utsjekk.group-id=utsjekk-replay-$$ \
  >"$work/out" 2>"$work/log" &
pid=$!
deadline=$((SECONDS + 120))
until [ "$(count helved.status.v1)" -ge $((statuses_before + inputs)) ]; do
  if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
    echo "not every input got its status again within 120 s" >&2
    tail -20 "$work/log" >&2
    exit 1
  fi
  sleep 0.5
done
grep -q 'state loader read the state' "$work/log" || {
  echo "utsjekk did not read its state back" >&2
  exit 1
}
oppdrag_after=$(count helved.oppdrag.v1)
if [ "$oppdrag_after" -ne "$oppdrag_before" ]; then
  echo "the replay sent $((oppdrag_after - oppdrag_before)) oppdrag" >&2
  exit 1
fi
kill -TERM "$pid"
wait "$pid"
pid=

# Waits until the instance PID logs LOG 'service started', at most 60 s.
wait_started() {
  local log=$1 pid=$2 name=$3 deadline=$((SECONDS + 60))
  until grep -q 'service started' "$log"; do
    if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "$name did not start" >&2
      tail -20 "$log" >&2
      exit 1
    fi
    sleep 0.2
  done
}

echo "4. a fenced instance stops with exit status 1"
UTSJEKK_ADMIN_PORT=0 "$build/utsjekk" --utsjekk.transactional-id=fence-$$ \
  >"$work/a.out" 2>"$work/a.log" &
pid=$!
wait_started "$work/a.log" "$pid" "the first instance"
UTSJEKK_ADMIN_PORT=0 "$build/utsjekk" --utsjekk.transactional-id=fence-$$ \
  --utsjekk.group-id=fence-other-$$ >"$work/b.out" 2>"$work/b.log" &
pid2=$!
wait_started "$work/b.log" "$pid2" "the second instance"
# The first instance writes again when input arrives: it finds itself
# fenced there and must stop by itself.
sed 's/"key": *"/&fence-/' "$examples/basic.jsonl" >"$work/fence.jsonl"
"$build/harness/utsjekk-replay" --bootstrap "$bootstrap" \
  --input "$work/fence.jsonl" --timeout 20 >"$work/fence.out" 2>&1 || true
deadline=$((SECONDS + 60))
while kill -0 "$pid" 2>/dev/null; do
  if [ $SECONDS -ge $deadline ]; then
    echo "the fenced instance did not stop within 60 s" >&2
    tail -20 "$work/a.log" >&2
    exit 1
  fi
  sleep 0.2
done
status=0
wait "$pid" || status=$?
pid=
if [ "$status" -ne 1 ]; then
  echo "the fenced instance exited with $status, not 1" >&2
  tail -20 "$work/a.log" >&2
  exit 1
fi
grep -q 'lost a core actor' "$work/a.log" || {
  echo "the fenced instance did not say why it stopped" >&2
  exit 1
}
kill -TERM "$pid2"
wait "$pid2" || true
pid2=
echo "real broker suite passed"
