#!/usr/bin/env bash
# bench/router.sh — the cost of the router and its expressions: taxi
# records from dev:generator through a router with two conditions and
# three lanes (card, cash, other) to dev:trash, next to the same pipeline
# without the router, in the same invocation.  Prints
#   - nanoseconds per record and per condition (CPU time, best of three,
#     1M records; the difference between the two pipelines)
#   - instructions per record of the router pipeline (callgrind, two
#     sizes, so that start-up cancels out) and of the one without
# Targets (issue 4): <= 100 ns per condition; generator -> router -> trash
# <= 1,700 instructions per record.
# Usage: bench/router.sh [BUILD_DIR]   (default: ./build)
set -euo pipefail
name=router
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

# pipeline KIND RECORDS -> descriptor path; KIND is "plain" or "router".
pipeline() {
    local f="$work/$1-$2.json"
    if [ "$1" = plain ]; then
        cat >"$f" <<JSON
{ "pipeline": "bench-router",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "seed": 1, "records": $2, "batch_size": 1000 } },
    { "id": "trash", "stage": "dev:trash", "inputs": ["gen"] } ] }
JSON
    else
        cat >"$f" <<JSON
{ "pipeline": "bench-router",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "seed": 1, "records": $2, "batch_size": 1000 } },
    { "id": "route", "stage": "router", "inputs": ["gen"],
      "config": { "routes": [
          { "when": "\${record:value('/payment_type') == 'CRD'}", "output": "card" },
          { "when": "\${record:value('/payment_type') == 'CSH'}", "output": "cash" } ],
        "default": "other" } },
    { "id": "trash", "stage": "dev:trash", "inputs": ["route.card", "route.cash", "route.other"] } ] }
JSON
    fi
    echo "$f"
}

N=1000000
echo "sluice bench/router.sh — dev:generator (taxi) -> router (2 conditions, 3 lanes) -> dev:trash"
plain=$(run_cpu "$(pipeline plain $N)")
routed=$(run_cpu "$(pipeline router $N)")
printf '%-34s %14s %14s\n' "" "without router" "with router"
printf '%-34s %14s %14s\n' "CPU seconds, 1M records" "$plain" "$routed"
awk -v p="$plain" -v r="$routed" -v n=$N 'BEGIN {
    d = (r - p) * 1e9 / n; if (d < 0) d = 0
    printf "%-34s %14s %14.0f\n", "router ns per record", "-", d
    printf "%-34s %14s %14.0f   (target <= 100)\n", "router ns per condition", "-", d / 2 }'

if command -v valgrind >/dev/null; then
    ip=$(instructions_per_record pipeline plain)
    ir=$(instructions_per_record pipeline router)
    printf '%-34s %14s %14s   (target <= 1,700 with router)\n' "instructions per record" "$ip" "$ir"
else
    echo "instructions per record: valgrind not installed"
fi
