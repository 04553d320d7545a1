#!/usr/bin/env bash
# utsjekk-harness bench on the embedded cluster the harness hosts:
#  1. bad options exit 2 with a message naming the option;
#  2. a small burst passes: exit 0, throughput and latency in the report,
#     nothing lost or duplicated, OS' ledger as the input asked;
#  3. an OS that loses kvitteringer and answers 12 now and then: every
#     status still ends final and the invariants hold.
# usage: bench.sh BUILD_DIR [MESSAGES]
set -euo pipefail
build=$(cd "$1" && pwd)
messages=${2:-300}
harness=$build/harness/utsjekk-harness
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset KAFKA_BROKERS

# Fails the test with a message.
fail() {
  echo "FAILED: $*" >&2
  exit 1
}

echo "1. bad options exit 2"
for bad in "--messages abc" "--os-12 2" "--bogus 1" "--os-latency 5" \
    "--saker 0" "--invalid 0.6 --opphor 0.6" "--timeout"; do
  status=0
  # shellcheck disable=SC2086
  "$harness" bench $bad >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq 2 ] || fail "bench $bad exited $status, not 2"
  grep -q "utsjekk-harness bench:" "$work/err" ||
    fail "bench $bad gave no message"
done
"$harness" bench --help | grep -q -- "--os-latency" ||
  fail "bench --help lists no options"

# Checks the JSON report $1 with the Python expression $2 over `r`.
check_report() {
  python3 - "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
if not eval(" ".join(sys.argv[2].split())):
    sys.exit("report check failed: " + sys.argv[2] + "\n"
             + json.dumps({k: r[k] for k in ("throughput", "latency",
                                             "outcome", "peak_rss_kib",
                                             "peak_in_flight")}))
PY
}

echo "2. a burst of $messages messages"
"$harness" bench --messages "$messages" --saker $((messages / 3)) \
  --no-baseline --timeout 300 --report "$work/small.json" --quiet \
  >"$work/small.out" || { cat "$work/small.out"; fail "the burst failed"; }
cat "$work/small.out"
[ -s "$work/small.html" ] || fail "no HTML report beside the JSON"
[ -s "$work/small.md" ] || fail "no Markdown report beside the JSON"
check_report "$work/small.json" '
  r["passed"] and r["throughput"] > 0 and r["elapsed_s"] > 0
  and r["latency"]["count"] >= r["outcome"]["keys"]
  and 0 < r["latency"]["p50_ms"] <= r["latency"]["p99_ms"]
      <= r["latency"]["max_ms"]
  and 0 < r["steady_latency"]["count"] < r["latency"]["count"]
  and r["steady_latency"]["max_ms"] <= r["latency"]["max_ms"]
  and r["outcome"]["lost"] == 0 and r["outcome"]["duplicated"] == 0
  and r["outcome"]["ledger_differences"] == 0
  and r["outcome"]["finished"] == r["outcome"]["keys"] > 0
  and r["peak_rss_kib"] > 0 and len(r["timeline"]) > 0
  and r["load"]["cluster"] == "embedded"'

echo "3. lost kvitteringer and 12s"
"$harness" bench --messages $((messages * 2 / 3)) --saker $((messages / 3)) \
  --os-lost 0.05 --os-12 0.05 --os-latency 0:50 --seed 7 --no-baseline \
  --timeout 300 --report "$work/faulty.json" --quiet \
  >"$work/faulty.out" ||
  { cat "$work/faulty.out"; fail "the faulty run failed"; }
cat "$work/faulty.out"
check_report "$work/faulty.json" '
  r["passed"] and r["outcome"]["finished"] == r["outcome"]["keys"] > 0
  and r["outcome"]["lost"] == 0 and r["outcome"]["duplicated"] == 0
  and r["outcome"]["ledger_differences"] == 0
  and r["load"]["os_rate_lost"] == 0.05
  and r["retries"].get("os_12", 0) > 0'
echo "bench on the embedded cluster holds"
