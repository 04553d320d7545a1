#!/usr/bin/env bash
# The command lines of utsjekk-harness and utsjekk-bench-tools, no cluster:
#  1. help asked for goes to stdout with exit 0, stderr empty;
#  2. a usage error goes to stderr with exit 2, stdout empty;
#  3. a number that does not fit is refused, naming the option and its
#     range.
# usage: usage.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
harness=$build/harness/utsjekk-harness
tools=$build/harness/utsjekk-bench-tools
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Fails the test with a message.
fail() {
  echo "FAILED: $*" >&2
  exit 1
}

# Runs "$@" and checks: exit 0, usage on stdout, nothing on stderr.
helps() {
  local status=0
  "$@" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq 0 ] || fail "$* exited $status, not 0"
  grep -q "^usage: " "$work/out" || fail "$* printed no usage on stdout"
  [ ! -s "$work/err" ] || fail "$* wrote to stderr: $(cat "$work/err")"
}

# Runs "$@" and checks: exit 2, message $REASON on stderr, nothing on
# stdout.
refuses() {
  local status=0
  "$@" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq 2 ] || fail "$* exited $status, not 2"
  [ ! -s "$work/out" ] || fail "$* wrote to stdout: $(cat "$work/out")"
  grep -q -- "$REASON" "$work/err" ||
    fail "$* did not say '$REASON': $(cat "$work/err")"
}

echo "1. help on stdout, exit 0"
helps "$harness" --help
helps "$harness" -h
helps "$harness" bench --help
helps "$harness" bench --messages 5 --help
helps "$harness" generate --help
helps "$harness" check --help
helps "$tools" --help
helps "$tools" fill-state --help
helps "$tools" baseline --help
helps "$tools" decode -h

echo "2. usage errors on stderr, exit 2"
REASON="no command" refuses "$harness"
REASON="unknown command frob" refuses "$harness" frob
REASON="unknown option --bogus" refuses "$harness" bench --bogus 1
REASON="no command" refuses "$tools"
REASON="unknown command frob" refuses "$tools" frob
REASON="--records" refuses "$tools" decode --records

echo "3. numbers out of range"
REASON="--timeout takes a whole number in \[1, 31536000\], got '10000000000'" \
  refuses "$harness" bench --timeout 10000000000
REASON="--os-latency takes MIN:MAX in milliseconds, each in \[0, 3600000\]" \
  refuses "$harness" bench --os-latency 0:99999999999999999999
REASON="--seed takes a whole number in \[0, 9223372036854775807\]" \
  refuses "$harness" bench --seed 18446744073709551615
REASON="--messages takes a whole number in \[1, 100000000\], got '-1'" \
  refuses "$harness" generate --messages -1
REASON="--invalid takes a number in \[0, 1\], got 'nan'" \
  refuses "$harness" generate --invalid nan
REASON="--records takes a whole number in \[1, " \
  refuses "$tools" decode --records 99999999999999999999
REASON="--records-per-message takes a number in \[0, 1000\]" \
  refuses "$tools" baseline --records-per-message 1e309
echo "the command lines hold"
