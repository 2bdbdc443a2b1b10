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
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
sluice="$build/sluice-uninstalled"
[ -x "$sluice" ] || { echo "bench/router.sh: no $sluice: build first" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench/router.sh: needs GNU time (apt-get install time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

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

# Every run gets a new state directory: a generator resumes from its
# committed offset, and a second run in the same one would make nothing.
state() { mktemp -d -p "$work"; }

run_cpu() { # descriptor -> best CPU seconds of three
    local _
    for _ in 1 2 3; do
        { /usr/bin/time -f '%U %S' "$sluice" run "$1" --state-dir "$(state)" --log-level error >/dev/null; } 2>&1 |
            tail -n 1 | awk '{ printf "%.3f\n", $1 + $2 }'
    done | sort -n | head -n 1
}

instructions() { # descriptor -> count (whole process, children followed)
    local out="$work/cg.out" total=0 f n
    valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$out.%p" \
        "$sluice" run "$1" --state-dir "$(state)" --log-level error >/dev/null 2>"$work/cg.log"
    for f in "$out".*; do
        n=$(awk '/^summary:/ { print $2 }' "$f")
        [ -n "$n" ] && total=$((total + n))
        rm -f "$f"
    done
    echo "$total"
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
    small=20000 large=120000
    per() { # kind -> instructions per record
        local a b
        a=$(instructions "$(pipeline "$1" $small)")
        b=$(instructions "$(pipeline "$1" $large)")
        echo $(((b - a) / (large - small)))
    }
    ip=$(per plain)
    ir=$(per router)
    printf '%-34s %14s %14s   (target <= 1,700 with router)\n' "instructions per record" "$ip" "$ir"
else
    echo "instructions per record: valgrind not installed"
fi
