#!/usr/bin/env bash
# utsjekk-harness bench on a real Apache Kafka broker (tests/kafka/broker):
# a burst of MESSAGES (20000) over all six fagsystemer, then the baseline.
# Passes when the harness exits 0 and the report shows nothing lost or
# duplicated, no ledger difference, and throughput, the ratio to the
# baseline, latency percentiles and peak memory filled in. The report goes
# to REPORT (JSON, with the HTML beside it) when given.
# usage: bench.sh BUILD_DIR [MESSAGES] [REPORT]
set -euo pipefail
build=$(cd "$1" && pwd)
messages=${2:-20000}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
report=${3:-$work/bench.json}
export UTSJEKK_KAFKA_STATE="$work/broker.state"
cleanup() {
  "$here/broker" stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bootstrap=$("$here/broker" start | sed -n 's/^bootstrap=//p')
[ -n "$bootstrap" ] || { echo "the broker did not start" >&2; exit 1; }
export KAFKA_BROKERS=$bootstrap
echo "bench on the real broker at $bootstrap: $messages messages"

"$build/harness/utsjekk-harness" bench --messages "$messages" \
  --timeout 1200 --report "$report"
python3 - "$report" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
o, lat = r["outcome"], r["latency"]
checks = {
    "passed": r["passed"],
    "real broker": r["load"]["cluster"] == "kafka",
    "nothing lost": o["lost"] == 0,
    "nothing duplicated": o["duplicated"] == 0,
    "ledger as asked": o["ledger_differences"] == 0,
    "every key final": o["finished"] == o["keys"] > 0,
    "throughput": r["throughput"] > 0,
    "baseline ratio": (r["baseline_ratio"] or 0) > 0,
    "latency": 0 < lat["p50_ms"] <= lat["p90_ms"] <= lat["p99_ms"]
               <= lat["max_ms"],
    "peak memory": r["peak_rss_kib"] > 0,
}
for name, ok in checks.items():
    print(("ok     " if ok else "FAILED ") + name)
sys.exit(0 if all(checks.values()) else 1)
PY
