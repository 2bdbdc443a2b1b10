#!/usr/bin/env bash
# bench/core.sh — the core's cost per record: 1M taxi records from
# dev:generator to dev:trash.  Prints, each next to its baseline in the same
# invocation (a generator that stops at once, so start-up is subtracted):
#   - records per CPU second (user+sys time, best of three runs)
#   - instructions per record (valgrind --tool=callgrind, two sizes, the
#     difference divided by the difference in records: start-up cancels out)
#   - peak RSS
# Targets (issue 2): >= 2M records/CPU-s, <= 1,500 instructions/record,
# <= 64 MiB.  Usage: bench/core.sh [BUILD_DIR]   (default: ./build)
set -euo pipefail
name=core
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

pipeline() { # records batch_size -> descriptor path
    local f="$work/gen-$1.json"
    cat >"$f" <<JSON
{ "pipeline": "bench-core",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "seed": 1, "records": $1, "batch_size": ${2:-1000} } },
    { "id": "trash", "stage": "dev:trash", "inputs": ["gen"] } ] }
JSON
    echo "$f"
}

N=1000000
echo "sluice bench/core.sh — dev:generator (taxi) -> dev:trash"
read -r base_cpu base_rss < <(run_timed "$(pipeline 0)")
read -r cpu rss < <(run_timed "$(pipeline $N)")
rate=$(awk -v n=$N -v c="$cpu" -v b="$base_cpu" 'BEGIN { d = c - b; if (d <= 0) d = 0.001; printf "%.0f", n / d }')
printf '%-34s %14s %14s\n' "" "baseline" "1M records"
printf '%-34s %14s %14s\n' "CPU seconds (user+sys)" "$base_cpu" "$cpu"
printf '%-34s %14s %14s   (target >= 2,000,000)\n' "records per CPU second" "-" "$rate"
printf '%-34s %14s %14s   (target <= 65,536)\n' "peak RSS (KiB)" "$base_rss" "$rss"

if command -v valgrind >/dev/null; then
    small=20000 large=120000
    i_small=$(instructions "$(pipeline $small)")
    i_large=$(instructions "$(pipeline $large)")
    per=$(( (i_large - i_small) / (large - small) ))
    printf '%-34s %14s %14s\n' "instructions (callgrind)" "$small: $i_small" "$large: $i_large"
    printf '%-34s %14s %14s   (target <= 1,500)\n' "instructions per record" "-" "$per"
else
    echo "instructions per record: valgrind not installed"
fi
