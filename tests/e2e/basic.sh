#!/usr/bin/env bash
# End to end on the embedded default (or on KAFKA_BROKERS when set): start
# utsjekk, replay the shared
# examples over Kafka the way benefit systems send them, check every
# expected outcome (statuses and the oppdrag on helved.oppdrag.v1), check
# that no personident reached the log, and stop utsjekk with SIGTERM.
#
# usage: basic.sh UTSJEKK REPLAY EXAMPLES_DIR
set -euo pipefail
utsjekk=$1
replay=$2
examples=$3
work=$(mktemp -d)
# Extra options for utsjekk, e.g. a group id of its own on a shared broker.
read -r -a UTSJEKK_E2E_ARGS <<<"${UTSJEKK_E2E_ARGS:-}"
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A free loopback port, to check that the bootstrap port can be pinned.
port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')

UTSJEKK_EMBEDDED_KAFKA_PORT=$port UTSJEKK_ADMIN_PORT=0 \
  "$utsjekk" --utsjekk.log-level=debug \
  "${UTSJEKK_E2E_ARGS[@]}" >"$work/out" 2>"$work/log" &
pid=$!

# Wait for the bootstrap line, at most 30 s.
deadline=$((SECONDS + 30))
until grep -q '^bootstrap=' "$work/out"; do
  if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
    echo "utsjekk did not start:" >&2
    tail -20 "$work/log" >&2
    exit 1
  fi
  sleep 0.1
done
bootstrap=$(sed -n 's/^bootstrap=//p' "$work/out")
if [ -n "${KAFKA_BROKERS:-}" ]; then
  [ "$bootstrap" = "$KAFKA_BROKERS" ] || {
    echo "bootstrap=$bootstrap, expected KAFKA_BROKERS=$KAFKA_BROKERS" >&2
    exit 1
  }
elif [ "$bootstrap" != "127.0.0.1:$port" ]; then
  echo "bootstrap=$bootstrap, expected the pinned 127.0.0.1:$port" >&2
  exit 1
fi

"$replay" --bootstrap "$bootstrap" --input "$examples/basic.jsonl" \
  --expect "$examples/basic.expected.jsonl" --timeout 120

# I9: no personident of the input in the log, even at debug level.
idents=$(grep -oE '\\"(ident|personident|personIdent)\\": \\"[0-9]+' \
  "$examples/basic.jsonl" | grep -oE '[0-9]{9,}' | sort -u)
[ -n "$idents" ] || { echo "no personidents found in the input" >&2; exit 1; }
for ident in $idents; do
  if grep -q "$ident" "$work/log"; then
    echo "personident $ident appears in the log" >&2
    exit 1
  fi
done

# A graceful stop: SIGTERM, exit status 0 within 30 s.
kill -TERM "$pid"
deadline=$((SECONDS + 30))
while kill -0 "$pid" 2>/dev/null; do
  if [ $SECONDS -ge $deadline ]; then
    echo "utsjekk did not stop within 30 s of SIGTERM" >&2
    exit 1
  fi
  sleep 0.1
done
status=0
wait "$pid" || status=$?
pid=
if [ "$status" -ne 0 ]; then
  echo "utsjekk exited with $status after SIGTERM" >&2
  exit 1
fi
echo "e2e basic: all expectations hold"
