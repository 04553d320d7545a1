#!/usr/bin/env bash
# The state-load measurement on a real broker, small: scripts/bench-state-load
# with N utbetalinger; utsjekk must become ready having loaded all of them,
# and the figures line and the JSON line must carry every figure.
# usage: state_load.sh BUILD_DIR N
set -euo pipefail
build=$(cd "$1" && pwd)
n=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset KAFKA_BROKERS
"$here/../../scripts/bench-state-load" -n "$n" --per-sak 3 \
  --build "$build" --json "$work/figures.jsonl" >"$work/line"
line=$(cat "$work/line")
echo "$line"
# Every figure is there and the whole state was loaded.
fail() {
  echo "state_load: $*" >&2
  exit 1
}
figure() {
  sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<<"$line"
}
[[ $line == state-load\ * ]] || fail "no figures line"
[ "$(figure utbetalinger)" = "$n" ] || fail "utbetalinger is not $n"
[ "$(figure saker)" = $(((n + 2) / 3)) ] || fail "wrong number of saker"
[ "$(figure loaded)" = "$n" ] || fail "utsjekk did not load $n utbetalinger"
[[ $(figure ready_s) =~ ^[0-9]+\.[0-9]{3}$ ]] || fail "no ready time"
[[ $(figure load_ms) =~ ^[0-9]+$ ]] || fail "no load time"
[[ $(figure vmhwm_kib) =~ ^[1-9][0-9]*$ ]] || fail "no peak RSS"
# The JSON line holds the same figures.
python3 - "$work/figures.jsonl" "$n" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
x = json.loads(lines[0])
assert x["benchmark"] == "state-load", x
assert x["utbetalinger"] == int(sys.argv[2]) == x["loaded"], x
assert x["ready_s"] > 0 and x["vmhwm_kib"] > 0, x
assert x["load_ms"] >= 0 and x["fill_s"] > 0, x
PY
echo "state_load: passed"
