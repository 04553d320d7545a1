# Shared by the real-broker scripts that run utsjekk and utsjekk-os as
# processes (crash.sh, resume.sh). Sourced after `set -euo pipefail` with
# `build` (the build folder) and `here` (tests/kafka) set. Gives a work
# folder with its own broker, a cleanup on exit, and the helpers below.
work=$(mktemp -d)
export UTSJEKK_KAFKA_STATE="$work/broker.state"
# The scripts keep the process ids of what they start here.
utsjekk_pid=
os_pid=
replay_pid=
cleanup() {
  for p in $replay_pid $utsjekk_pid $os_pid; do
    kill -KILL "$p" 2>/dev/null || true
  done
  "$here/broker" stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Starts the broker; sets and exports its address.
start_broker() {
  bootstrap=$("$here/broker" start | sed -n 's/^bootstrap=//p')
  [ -n "$bootstrap" ] || { echo "the broker did not start" >&2; exit 1; }
  export KAFKA_BROKERS=$bootstrap
}

# Waits until FILE has a line starting with PREFIX=, at most 60 s, while
# process PID lives.
wait_line() {
  local file=$1 prefix=$2 pid=$3 deadline=$((SECONDS + 60))
  until grep -q "^$prefix=" "$file" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "no $prefix= line from pid $pid" >&2
      return 1
    fi
    sleep 0.1
  done
}

# What OS pays (GET LEDGER_URL) against what the last message of each sak
# of INPUT (utsjekk-harness generate lines) asked for.
check_ledger() {
  local input=$1 ledger_url=$2
  python3 - "$input" >"$work/expect.jsonl" <<'PY'
import json, sys
seen = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    seen.setdefault(r["key"], "FEILET" if r["kind"] == "invalid" else "OK")
for key, status in seen.items():
    print(json.dumps({"key": key, "status": status}))
PY
  python3 - "$ledger_url" >"$work/ledger.json" <<'PY'
import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())
PY
  "$build/os_gateway/utsjekk-ledger-check" --input "$input" \
    --expect "$work/expect.jsonl" --ledger "$work/ledger.json"
}
