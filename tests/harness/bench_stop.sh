#!/usr/bin/env bash
# Stopping utsjekk-harness bench from outside, on the embedded cluster:
#  1. SIGKILL of the harness mid-run: the utsjekk and utsjekk-os it started
#     (the pids it printed) end too, by the kernel's parent-death signal.
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
  grep -q -- "$2" "$1"
}

# Starts a long, slow bench in the background; its output goes to
# $work/$1.out and $work/$1.err, its pid to harness_pid.
start_bench() {
  "$harness" bench --messages 100000 --rate 20 --no-baseline --timeout 600 \
    --report "$work/$1.json" >"$work/$1.out" 2>"$work/$1.err" &
  harness_pid=$!
}

echo "1. SIGKILL of the harness takes its children along"
start_bench kill
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
echo "the children of a stopped harness are gone"
