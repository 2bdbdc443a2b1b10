#!/usr/bin/env bash
# bench/fields.sh — the cost of a fields chain: taxi records from
# dev:generator through fields:set (one expression), fields:mask (keep_last
# 4 on the card number) and fields:convert (fare to decimal scale 1, pickup
# time to a "yyyy-MM-dd HH:mm:ss" string, trip seconds to string) to
# dev:trash, next to the same pipeline without the chain, in the same
# invocation.  Prints
#   - nanoseconds per record of the chain (CPU time, best of three, 1M
#     records; the difference between the two pipelines)
#   - instructions per record of both pipelines (callgrind, two sizes, so
#     that start-up cancels out) and their difference
# Issue 5 asks for the figure; it sets no target.
# Usage: bench/fields.sh [BUILD_DIR]   (default: ./build)
set -euo pipefail
name=fields
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

# pipeline KIND RECORDS -> descriptor path; KIND is "plain" or "fields".
pipeline() {
    local f="$work/$1-$2.json" chain="" last=gen
    if [ "$1" = fields ]; then
        chain=$(cat <<JSON
    { "id": "set", "stage": "fields:set", "inputs": ["gen"],
      "config": { "fields": [ { "path": "/total_cents", "value": "\${record:value('/total_amount') * 100}" } ] } },
    { "id": "mask", "stage": "fields:mask", "inputs": ["set"],
      "config": { "paths": ["/credit_card"], "mask": "keep_last", "keep": 4 } },
    { "id": "convert", "stage": "fields:convert", "inputs": ["mask"],
      "config": { "conversions": [
          { "paths": ["/fare_amount"], "to": "decimal", "scale": 1 },
          { "paths": ["/pickup_datetime"], "to": "string", "pattern": "yyyy-MM-dd HH:mm:ss" },
          { "paths": ["/trip_time_in_secs"], "to": "string" } ] } },
JSON
)
        last=convert
    fi
    cat >"$f" <<JSON
{ "pipeline": "bench-fields",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "seed": 1, "records": $2, "batch_size": 1000 } },
$chain
    { "id": "trash", "stage": "dev:trash", "inputs": ["$last"] } ] }
JSON
    echo "$f"
}

N=${BENCH_RECORDS:-1000000}
echo "sluice bench/fields.sh — dev:generator (taxi) -> fields:set -> fields:mask -> fields:convert (3) -> dev:trash"
plain=$(run_cpu "$(pipeline plain "$N")")
chained=$(run_cpu "$(pipeline fields "$N")")
printf '%-34s %14s %14s\n' "" "without chain" "with chain"
printf '%-34s %14s %14s\n' "CPU seconds, $N records" "$plain" "$chained"
awk -v p="$plain" -v c="$chained" -v n="$N" 'BEGIN {
    d = (c - p) * 1e9 / n; if (d < 0) d = 0
    printf "%-34s %14s %14.0f\n", "chain ns per record", "-", d }'

if command -v valgrind >/dev/null; then
    ip=$(instructions_per_record pipeline plain)
    ic=$(instructions_per_record pipeline fields)
    printf '%-34s %14s %14s\n' "instructions per record" "$ip" "$ic"
    printf '%-34s %14s %14s\n' "chain instructions per record" "-" "$((ic - ip))"
else
    echo "instructions per record: valgrind not installed"
fi
