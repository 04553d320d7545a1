#!/usr/bin/env bash
# End to end on the Kafka transport to OS: utsjekk on its embedded cluster
# with UTSJEKK_OS_TRANSPORT=kafka, utsjekk-os answering on helved.oppdrag.v1.
# Replays the shared examples (every expectation must hold) and checks that
# OS' ledger pays exactly what the input asked for. Then replays the same
# examples on new saker while utsjekk-os is killed with SIGKILL and
# restarted in the middle: its base must survive, the rest of the replay
# must still hold, and the ledger must be right for both replays.
#
# usage: os_kafka.sh UTSJEKK UTSJEKK_OS REPLAY LEDGER_CHECK EXAMPLES_DIR
set -euo pipefail
utsjekk=$1
utsjekk_os=$2
replay=$3
ledger_check=$4
examples=$5
work=$(mktemp -d)
pid=
os_pid=
replay_pid=
cleanup() {
  for p in $replay_pid $os_pid $pid; do
    if kill -0 "$p" 2>/dev/null; then
      kill -KILL "$p" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Waits until FILE has a line starting with PREFIX, while PID lives, at most
# 30 s; prints the rest of that line.
wait_line() {
  local file=$1 prefix=$2 p=$3 log=$4
  local deadline=$((SECONDS + 30))
  until grep -q "^$prefix" "$file"; do
    if ! kill -0 "$p" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "no '$prefix' line from pid $p:" >&2
      tail -20 "$log" >&2
      exit 1
    fi
    sleep 0.1
  done
  sed -n "s/^$prefix//p" "$file" | head -1
}

# Starts utsjekk-os on the state directory; sets os_pid and ledger.
start_os() {
  local n=$1
  KAFKA_BROKERS=$bootstrap UTSJEKK_OS_STATE_DIR=$work/os-state \
    UTSJEKK_OS_PORT=0 "$utsjekk_os" --os.log-level=debug \
    --os.latency-min=200ms --os.latency-max=600ms \
    >"$work/os$n.out" 2>"$work/os$n.log" &
  os_pid=$!
  ledger=$(wait_line "$work/os$n.out" "ledger=" "$os_pid" "$work/os$n.log")
}

# Stops PID with SIGTERM; it must exit 0 within 30 s.
stop() {
  local p=$1 name=$2
  kill -TERM "$p"
  local deadline=$((SECONDS + 30))
  while kill -0 "$p" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      echo "$name did not stop within 30 s of SIGTERM" >&2
      exit 1
    fi
    sleep 0.1
  done
  local status=0
  wait "$p" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "$name exited with $status after SIGTERM" >&2
    exit 1
  fi
}

# Fetches the ledger into FILE and compares it with the inputs so far.
check_ledger() {
  python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10)
                 .read().decode())' "$ledger" >"$work/ledger.json"
  "$ledger_check" --input "$work/all.jsonl" \
    --expect "$work/all.expected.jsonl" --ledger "$work/ledger.json"
}

UTSJEKK_OS_TRANSPORT=kafka UTSJEKK_ADMIN_PORT=0 \
  UTSJEKK_AUDIT_LOG="$work/audit.log" "$utsjekk" --utsjekk.log-level=debug \
  >"$work/utsjekk.out" 2>"$work/utsjekk.log" &
pid=$!
bootstrap=$(wait_line "$work/utsjekk.out" "bootstrap=" "$pid" \
  "$work/utsjekk.log")
start_os 1

# 1. The shared examples; then what OS pays.
"$replay" --bootstrap "$bootstrap" --input "$examples/basic.jsonl" \
  --expect "$examples/basic.expected.jsonl" --timeout 120
cp "$examples/basic.jsonl" "$work/all.jsonl"
cp "$examples/basic.expected.jsonl" "$work/all.expected.jsonl"
check_ledger

# 2. The same examples on new saker (new keys, sakIds and utbetaling ids;
# the derived Dagpenger uids change with the sakId, so they are not
# checked), with utsjekk-os killed and restarted in the middle.
python3 - "$examples" "$work" <<'EOF'
import json, re, sys
examples, work = sys.argv[1], sys.argv[2]
uuid = re.compile(r'[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}')
def renew(text):
    text = re.sub(r'("sakId": ")([^"]*)"', r'\1\2B"', text)
    return uuid.sub(lambda m: 'b0b0' + m.group(0)[4:], text)
with open(examples + '/basic.jsonl') as src, \
     open(work + '/again.jsonl', 'w') as dst:
    for line in src:
        rec = json.loads(line)
        rec['key'] = 'again-' + rec['key']
        rec['value'] = renew(rec['value'])
        dst.write(json.dumps(rec, ensure_ascii=False) + '\n')
with open(examples + '/basic.expected.jsonl') as src, \
     open(work + '/again.expected.jsonl', 'w') as dst:
    for line in src:
        want = json.loads(line)
        want['key'] = 'again-' + want['key']
        if isinstance(want.get('oppdrag'), dict):
            want['oppdrag'].pop('uids', None)
        dst.write(json.dumps(want, ensure_ascii=False) + '\n')
EOF
"$replay" --bootstrap "$bootstrap" --input "$work/again.jsonl" \
  --expect "$work/again.expected.jsonl" --timeout 180 \
  >"$work/replay2.out" 2>&1 &
replay_pid=$!
# Kill utsjekk-os once a few transactions are through, so others are in
# flight at OS: saved, maybe answered, not yet committed.
deadline=$((SECONDS + 60))
until [ "$(grep -c ' OK' "$work/replay2.out" || true)" -ge 3 ]; do
  if ! kill -0 "$replay_pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
    echo "the second replay made no progress:" >&2
    cat "$work/replay2.out" >&2
    exit 1
  fi
  sleep 0.05
done
kill -KILL "$os_pid"
wait "$os_pid" 2>/dev/null || true
echo "e2e os_kafka: killed utsjekk-os after" \
  "$(grep -c ' OK' "$work/replay2.out" || true) OK statuses; restarting it"
start_os 2
if ! grep -q "loaded its state" "$work/os2.log"; then
  echo "the restarted utsjekk-os did not load its state:" >&2
  tail -20 "$work/os2.log" >&2
  exit 1
fi
status=0
wait "$replay_pid" || status=$?
replay_pid=
cat "$work/replay2.out"
if [ "$status" -ne 0 ]; then
  echo "the second replay failed with $status" >&2
  exit 1
fi
echo "e2e os_kafka: the restarted utsjekk-os repeated" \
  "$(grep -c 'repeated=1' "$work/os2.log" || true) earlier answers"
cat "$work/again.jsonl" >>"$work/all.jsonl"
cat "$work/again.expected.jsonl" >>"$work/all.expected.jsonl"
check_ledger

# I9: no personident of the input in any log, even at debug level.
idents=$(grep -oE '\\"(ident|personident|personIdent)\\": \\"[0-9]+' \
  "$examples/basic.jsonl" | grep -oE '[0-9]{9,}' | sort -u)
[ -n "$idents" ] || { echo "no personidents found in the input" >&2; exit 1; }
for ident in $idents; do
  for log in "$work"/*.log; do
    if grep -q "$ident" "$log"; then
      echo "personident $ident appears in $(basename "$log")" >&2
      exit 1
    fi
  done
done

stop "$os_pid" utsjekk-os
os_pid=
stop "$pid" utsjekk
pid=
echo "e2e os_kafka: all expectations hold and OS pays what the input asked"
