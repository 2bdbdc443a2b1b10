#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer + ASan + UBSan) and runs
# each for a few seconds from its seed corpus: the CI smoke run of
# DESIGN §7.  For a longer hunt, pass more seconds.
#
#   bash tests/fuzz/run.sh [SECONDS]      (default 5 per target)
#
# Environment: SLUICE_FUZZ_DIR, where the binaries, the working corpus and
# any crash input go (default: a new temporary directory, removed when the
# run is clean).  Exit status: 0 clean; 1 a target found something (the
# input that did it is in SLUICE_FUZZ_DIR, printed); 77 clang or libFuzzer
# is not installed (automake's "skipped").
#
# The targets compile core sources directly rather than linking
# libsluice: a fuzz build needs its own instrumentation (-fsanitize=fuzzer)
# on the code under test.
set -euo pipefail

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=${1:-5}

if ! command -v clang >/dev/null; then
	echo "fuzz: clang not found (apt-get install clang); skipped"
	exit 77
fi
if [[ -n ${SLUICE_FUZZ_DIR:-} ]]; then
	work=$SLUICE_FUZZ_DIR
	keep=1
else
	work=$(mktemp -d)
	keep=
fi
mkdir -p "$work"

# The sources each target needs: the code under test and what it calls.
expr_sources=("$srcdir"/core/expr/*.c "$srcdir"/core/record/*.c "$srcdir"/core/arena.c
	"$srcdir"/core/format/number.c "$srcdir"/core/format/datetime.c "$srcdir"/core/format/datetime_pattern.c)
data_format_sources=("$srcdir"/core/format/*.c "$srcdir"/core/record/*.c "$srcdir"/core/arena.c)

: >"$work/config.h" # the sources include it; nothing in them needs its macros
# shellcheck disable=SC2054 # the commas belong to -fsanitize's value
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-D_GNU_SOURCE -std=gnu11 -I"$work" -I"$srcdir/sdk" -I"$srcdir/core")

# build NAME SOURCES...: 0 when built, 77 when libFuzzer is missing.
build() {
	local name=$1
	shift
	# shellcheck disable=SC2046 # pkg-config output is words
	if ! clang "${flags[@]}" "$srcdir/tests/fuzz/$name.c" "$@" $(pkg-config --cflags --libs libpcre2-8) -lm \
		-o "$work/$name" 2>"$work/$name.build.log"; then
		if grep -q "libclang_rt.fuzzer\|fsanitize=fuzzer" "$work/$name.build.log"; then
			echo "fuzz: clang has no libFuzzer here (see $work/$name.build.log); skipped"
			return 77
		fi
		cat "$work/$name.build.log" >&2
		echo "fuzz: $name does not build" >&2
		return 1
	fi
}

# fuzz NAME: runs the target for $seconds from its seeds; 0 when clean.
fuzz() {
	local name=$1 short=${1#fuzz_}
	local corpus=$work/corpus-$short
	mkdir -p "$corpus"
	cp "$srcdir/tests/fuzz/corpus/$short"/* "$corpus/"
	local dict=()
	[[ -f $srcdir/tests/fuzz/$short.dict ]] && dict=(-dict="$srcdir/tests/fuzz/$short.dict")
	if (cd "$work" && ASAN_OPTIONS=detect_leaks=1 "./$name" -max_total_time="$seconds" -max_len=512 \
		-print_final_stats=1 "${dict[@]}" "$corpus" >"$work/$name.log" 2>&1); then
		echo "fuzz: $name: clean, $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name.log" |
			grep -o '[0-9]*$') runs in ${seconds}s"
		return 0
	fi
	tail -n 40 "$work/$name.log" >&2
	echo "fuzz: $name FOUND A PROBLEM; the input is in $work (crash-*, leak-*, timeout-*)" >&2
	keep=1
	return 1
}

# Every target is built before any runs: one that does not build fails the
# run even when another would find nothing.
status=0
build fuzz_expr "${expr_sources[@]}" || status=$?
if ((status == 0)); then
	build fuzz_data_format "${data_format_sources[@]}" || status=$?
fi
if ((status == 0)); then
	fuzz fuzz_expr || status=1
	fuzz fuzz_data_format || status=1
fi
[[ -n $keep ]] || rm -rf "$work"
exit "$status"
