#!/usr/bin/env bash
# Stopping utsjekk-harness bench from outside, on the embedded cluster:
#  1. SIGKILL of the harness mid-run: the utsjekk and utsjekk-os it started
#     (the pids it printed) end too, by the kernel's parent-death signal;
#  2. SIGINT while utsjekk starts: "interrupted", exit 130, no report, the
#     children stopped;
#  3. SIGINT mid-run: exit 130, verdict INTERRUPTED, no baseline, a report
#     marked interrupted where keys never sent count as "not sent", not
#     lost; the children stopped.
# usage: bench_stop.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
harness=$build/harness/utsjekk-harness
work=$(mktemp -d)
harness_pid=
cleanup() {
  if [ -n "$harness_pid" ]; then
    kill -KILL "$harness_pid" 2>/dev/null || true
  fi
  # The harness' own work folders, left behind by a SIGKILL.
  sed -n 's/.*logs in \(\/[^ ]*\)$/\1/p' "$work"/*.err 2>/dev/null |
    while read -r dir; do
      case $dir in */utsjekk-bench.*) rm -rf "$dir" ;; esac
    done
  rm -rf "$work"
}
trap cleanup EXIT
unset KAFKA_BROKERS

# Fails the test with a message and the harness' output.
fail() {
  echo "FAILED: $*" >&2
  tail -n 20 "$work"/*.err >&2 2>/dev/null || true
  exit 1
}

# Whether process $1 is gone: no such process, or a zombie nobody reaped.
gone() {
  local state
  state=$(sed -n 's/^.*) \(.\) .*$/\1/p' "/proc/$1/stat" 2>/dev/null) ||
    return 0
  [ -z "$state" ] || [ "$state" = Z ]
}

# Waits until command "$2..." succeeds, polling, for at most $1 seconds.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# The pid the harness printed for child $2 in file $1.
pid_of() {
  sed -n "s/^bench: started $2 pid=\([0-9]*\)$/\1/p" "$1"
}

# Whether file $1 has a line matching $2.
has_line() {
  grep -qs -- "$2" "$1"
}

# Starts a long, slow bench in the background with options "$2...";
# its output goes to $work/$1.out and $work/$1.err, its pid to harness_pid.
start_bench() {
  local name=$1
  shift
  "$harness" bench --messages 20000 --rate 20 --timeout 600 \
    --report "$work/$name.json" "$@" >"$work/$name.out" \
    2>"$work/$name.err" &
  harness_pid=$!
}

# Waits for the harness to end and checks its exit status is $1.
harness_exits() {
  wait_until 120 gone "$harness_pid" || fail "the harness did not end"
  local status=0
  wait "$harness_pid" || status=$?
  harness_pid=
  [ "$status" -eq "$1" ] || fail "the harness exited $status, not $1"
}

echo "1. SIGKILL of the harness takes its children along"
start_bench kill --no-baseline
wait_until 180 has_line "$work/kill.err" "^bench: started utsjekk pid=" ||
  fail "utsjekk was not started"
wait_until 120 has_line "$work/kill.err" "^bench: .*s sent [1-9]" ||
  fail "the run did not begin"
os_pid=$(pid_of "$work/kill.err" utsjekk-os)
utsjekk_pid=$(pid_of "$work/kill.err" utsjekk)
[ -n "$os_pid" ] && [ -n "$utsjekk_pid" ] || fail "no child pids printed"
kill -KILL "$harness_pid"
wait "$harness_pid" 2>/dev/null || true
harness_pid=
wait_until 60 gone "$utsjekk_pid" ||
  fail "utsjekk $utsjekk_pid outlived the harness"
wait_until 60 gone "$os_pid" ||
  fail "utsjekk-os $os_pid outlived the harness"

echo "2. SIGINT while utsjekk starts"
# A stand-in for utsjekk that never gets ready.
printf '#!/bin/sh\nexec sleep 600\n' >"$work/never-ready"
chmod +x "$work/never-ready"
start_bench starting --utsjekk "$work/never-ready"
wait_until 120 has_line "$work/starting.err" "^bench: started utsjekk pid=" ||
  fail "the stand-in for utsjekk was not started"
kill -INT "$harness_pid"
harness_exits 130
has_line "$work/starting.err" "interrupted while waiting for utsjekk" ||
  fail "an interrupted start does not say so"
! has_line "$work/starting.err" "timeout\|did not get ready" ||
  fail "an interrupted start reads as a timeout"
[ ! -e "$work/starting.json" ] || fail "an interrupted start wrote a report"
for name in utsjekk-os utsjekk; do
  pid=$(pid_of "$work/starting.err" $name)
  wait_until 30 gone "$pid" || fail "$name $pid was not stopped"
done

echo "3. SIGINT mid-run"
start_bench running
wait_until 180 has_line "$work/running.err" "^bench: .*s sent [1-9]" ||
  fail "the run did not begin"
kill -INT "$harness_pid"
harness_exits 130
has_line "$work/running.out" "^INTERRUPTED: " ||
  fail "the verdict does not say INTERRUPTED"
! has_line "$work/running.err" "baseline over" ||
  fail "an interrupted run ran the baseline"
python3 - "$work/running.json" <<'PY' || fail "the report is not marked"
import json, sys
r = json.load(open(sys.argv[1]))
o = r["outcome"]
assert r["interrupted"] and not r["passed"], "not marked interrupted"
assert r["baseline"] is None, "a baseline in an interrupted run"
assert 0 < o["keys"] <= 20000, o
# Stopped after a few seconds at 20/s: most keys were never sent, and
# those are not lost.
assert o["not_sent"] > o["keys"] // 2, o
assert o["lost"] + o["finished"] + o["not_sent"] == o["keys"], o
PY
for name in utsjekk-os utsjekk; do
  pid=$(pid_of "$work/running.err" $name)
  wait_until 30 gone "$pid" || fail "$name $pid was not stopped"
done
echo "a stopped harness stops its children and says it was interrupted"
