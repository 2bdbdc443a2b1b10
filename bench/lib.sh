# shellcheck shell=bash
# bench/lib.sh — what the benchmarks share: the build to measure, a state
# directory per run, CPU time (best of three) and instruction counts
# (callgrind).  Source it after setting `name` (for messages):
#     name=core . "$(dirname "$0")/lib.sh" "$@"
# It sets `sluice` and `work` (removed at exit) from BUILD_DIR ($1, default
# ./build).

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
sluice="$build/sluice-uninstalled"
[ -x "$sluice" ] || { echo "bench/$name.sh: no $sluice: build first" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench/$name.sh: needs GNU time (apt-get install time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every run gets a new state directory: a generator resumes from its
# committed offset, and a second run in the same one would make nothing.
fresh_state() { mktemp -d -p "$work" state.XXXXXX; }

# CPU time is noisy on shared machines: the best of three runs.
run_timed() { # descriptor -> "cpu_seconds max_rss_kib"
    local _ out
    for _ in 1 2 3; do
        out=$( { /usr/bin/time -f '%U %S %M' "$sluice" run "$1" --state-dir "$(fresh_state)" --log-level error \
            --no-progress >/dev/null; } 2>&1 | tail -n 1)
        awk '{ printf "%.3f %d\n", $1 + $2, $3 }' <<<"$out"
    done | sort -n | head -n 1
}

run_cpu() { # descriptor -> best CPU seconds of three
    local cpu _rss
    read -r cpu _rss < <(run_timed "$1")
    echo "$cpu"
}

# Instructions of the whole process, libraries and plugins included; the
# wrapper scripts exec the binary, so children are followed.
instructions() { # descriptor -> count
    local out="$work/cg.out" total=0 f n
    valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$out.%p" \
        "$sluice" run "$1" --state-dir "$(fresh_state)" --log-level error --no-progress >/dev/null 2>"$work/cg.log"
    for f in "$out".*; do
        n=$(awk '/^summary:/ { print $2 }' "$f")
        [ -n "$n" ] && total=$((total + n))
        rm -f "$f"
    done
    echo "$total"
}

# Instructions per record of the pipelines MAKE_DESCRIPTOR ARGS... RECORDS
# gives: two sizes, so that start-up cancels out.
bench_small=20000
bench_large=120000
instructions_per_record() { # make_descriptor [args...] -> count
    local a b
    a=$(instructions "$("$@" "$bench_small")")
    b=$(instructions "$("$@" "$bench_large")")
    echo $(((b - a) / (bench_large - bench_small)))
}
