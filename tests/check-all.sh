#!/usr/bin/env bash
# The whole test suite in one command (the README's test command, and CI's):
#
#   bash tests/check-all.sh
#
# As root on a fresh Debian 12 machine it installs what building and testing
# need (Debian packages, the Kinesis emulators pinned in package-lock.json),
# then builds twice, out of tree:
#   build/       -Werror, every plugin forced on; `make check` runs the unit
#                and the integration tests against real servers
#                (SLUICE_INTEGRATION=1: a missing server fails, never skips);
#   build-asan/  ASan + UBSan; `make check` runs the whole suite again, so
#                every pipeline the integration tests run is checked too.
# It adds up the results of both runs from automake's .trs files and ends
# with one line, "N passed, N failed, N skipped", which is what CI reads.
# Exit status 0 only if tests ran and none failed.  Re-runnable: packages
# already installed are not fetched again, and both build trees are
# reconfigured and their old results removed.
#
# Environment: SLUICE_JOBS (make -j, default 2), SLUICE_SKIP_INSTALL=1 (skip
# the package steps, for a machine already set up or without root).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
srcdir=$(pwd)
jobs=${SLUICE_JOBS:-2}
export DEBIAN_FRONTEND=noninteractive

passed=0
failed=0
skipped=0
# Steps that failed outside any test (an install, a build): each counts as
# one failure, so a broken build can never end in "0 failed".
problems=()
summary_printed=

step() { printf '\n==> %s (at %ds)\n' "$*" "$SECONDS"; }
problem() {
	printf 'check-all: FAILED: %s\n' "$*" >&2
	problems+=("$*")
}

print_summary() {
	summary_printed=1
	local p
	echo
	for p in "${problems[@]}"; do
		echo "check-all: not a test, but failed: $p"
	done
	failed=$((failed + ${#problems[@]}))
	echo "check-all: finished in ${SECONDS}s"
	echo "$passed passed, $failed failed, $skipped skipped"
}

on_exit() {
	local status=$?
	if [[ -z $summary_printed ]]; then
		# Died on an unexpected error (set -e): still end with the count.
		problem "check-all.sh stopped early (exit status $status)"
		print_summary
		((status != 0)) || status=1
	fi
	exit "$status"
}
trap on_exit EXIT

# ---- packages ---------------------------------------------------------------

build_packages=(autoconf automake libtool libltdl-dev pkg-config gcc make
	libjson-c-dev libpcre2-dev libcurl4-openssl-dev libssl-dev libpq-dev libmariadb-dev
	libcmocka-dev valgrind clang)
# Servers and tools the integration tests run (tests/integration/lib.sh):
# openssl makes their TLS certificates; util-linux's setpriv runs servers
# as an unprivileged user.
test_packages=(mariadb-server postgresql openssl ca-certificates util-linux)

install_packages() {
	local wanted=("${build_packages[@]}" "${test_packages[@]}") missing=() p
	# The machine normally has node 20 (and npm) from elsewhere; Debian's
	# only if there is none.
	command -v node >/dev/null || wanted+=(nodejs)
	command -v npm >/dev/null || wanted+=(npm)
	for p in "${wanted[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			missing+=("$p")
	done
	if ((${#missing[@]} == 0)); then
		echo "all packages present"
		return 0
	fi
	if ((EUID != 0)); then
		problem "missing Debian packages (run as root, or install them): ${missing[*]}"
		return 1
	fi
	echo "installing: ${missing[*]}"
	# Installing mariadb-server or postgresql would start the machine's own
	# database service; tests start their own servers, so keep services
	# from starting (Debian's policy-rc.d), unless a policy is already set.
	local made_policy=
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\n# made by sluice tests/check-all.sh for one apt-get run\nexit 101\n' \
			>/usr/sbin/policy-rc.d
		chmod 0755 /usr/sbin/policy-rc.d
		made_policy=1
	fi
	local rc=0
	apt-get update -q </dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null ||
		rc=$?
	[[ -z $made_policy ]] || rm -f /usr/sbin/policy-rc.d
	if ((rc != 0)); then
		problem "apt-get could not install: ${missing[*]}"
		return 1
	fi
}

# The user test servers run as when we are root (initdb refuses root).
# lib.sh creates it too, but doing it once here avoids concurrent tests
# racing on /etc/passwd.
ensure_server_user() {
	((EUID == 0)) || return 0
	id -u sluicetest >/dev/null 2>&1 ||
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin sluicetest
}

install_node_packages() {
	# --omit=optional: leveldown (kinesalite's optional on-disk store, a
	# native module) is not used: tests keep kinesalite in memory.
	# --ignore-scripts: nothing needs building, and nothing may download.
	npm ci --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=warn </dev/null
}

if [[ ${SLUICE_SKIP_INSTALL:-} != 1 ]]; then
	step "Debian packages"
	install_packages || true
	ensure_server_user || problem "could not create the user sluicetest"
fi
step "node packages (npm ci)"
if ! command -v npm >/dev/null; then
	problem "npm not found: the Kinesis emulators cannot be installed"
elif ! install_node_packages; then
	problem "npm ci failed"
fi

# ---- configure and build ------------------------------------------------------

step "autoreconf"
if [[ -f $srcdir/config.status ]]; then
	# An in-tree build makes configure refuse to build out of tree.
	echo "the source tree was configured in place: make distclean there first"
	make -C "$srcdir" distclean >/dev/null 2>&1 || rm -f "$srcdir/config.status"
fi
autoreconf -fi || problem "autoreconf failed"

# Every plugin configure knows is forced on, so a missing dependency fails the
# build here instead of quietly building fewer plugins (DESIGN §1: `auto` is
# only the default).
plugin_flags=()
if [[ -x $srcdir/configure ]]; then
	configure_help=$("$srcdir/configure" --help)
	for plugin in dev file router fields kinesis mysql postgres; do
		if grep -q -- "--enable-$plugin\b" <<<"$configure_help"; then
			plugin_flags+=("--enable-$plugin=yes")
		fi
	done
fi

# configure_and_build DIR CONFIGURE-ARGS...: 0 when the tree is built.
configure_and_build() {
	local dir=$1
	shift
	mkdir -p "$srcdir/$dir"
	(cd "$srcdir/$dir" && "$srcdir/configure" "$@") || {
		problem "$dir: configure failed (see $dir/config.log)"
		return 1
	}
	make -C "$srcdir/$dir" -j"$jobs" || {
		problem "$dir: build failed"
		return 1
	}
}

# Results of an earlier run must not be counted again.
clean_results() {
	local dir=$srcdir/$1
	[[ -d $dir ]] || return 0
	find "$dir" -name '*.trs' -delete
	rm -f "$dir/test-suite.log"
	if [[ -d $dir/tests ]]; then
		find "$dir/tests" -name '*.log' -delete
	fi
}

# count_results DIR: add DIR's .trs results to the totals; 1 if any failed.
count_results() {
	local dir=$srcdir/$1 p=0 f=0 s=0 result
	while read -r result; do
		case $result in
		PASS | XFAIL) p=$((p + 1)) ;;
		SKIP) s=$((s + 1)) ;;
		*) f=$((f + 1)) ;; # FAIL, XPASS, ERROR
		esac
	done < <(find "$dir" -name '*.trs' -exec sed -n 's/^:test-result: *\([A-Z]*\).*/\1/p' {} +)
	echo "$1: $p passed, $f failed, $s skipped"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if ((p + f == 0)); then
		problem "$1: no test ran"
	fi
	((f == 0))
}

show_failures() {
	local log=$srcdir/$1/test-suite.log
	if [[ -f $log ]]; then
		echo "---- $1/test-suite.log ----"
		cat "$log"
		echo "---- end of $1/test-suite.log ----"
	fi
}

# run_check DIR [MAKE-ARGS...]: make check in DIR, then count its results.
run_check() {
	local dir=$1 rc=0
	shift
	clean_results "$dir"
	# -k: one test that cannot even be made must not stop the others.
	make -C "$srcdir/$dir" -k -j"$jobs" check "$@" || rc=$?
	if ! count_results "$dir"; then
		show_failures "$dir"
	elif ((rc != 0)); then
		show_failures "$dir"
		problem "$dir: make check failed outside the tests (exit status $rc)"
	fi
}

step "build/: -Werror, all plugins"
if configure_and_build build --enable-werror "${plugin_flags[@]}"; then
	step "build/: make check (unit + integration, SLUICE_INTEGRATION=1)"
	SLUICE_INTEGRATION=1 run_check build
fi

# No -Werror here: the sanitizers change code generation enough for GCC to
# warn in new places (-Wmaybe-uninitialized and friends); the build above
# already holds the code to zero warnings.
step "build-asan/: ASan + UBSan"
if configure_and_build build-asan --enable-sanitizers "${plugin_flags[@]}"; then
	step "build-asan/: make check (unit + integration under ASan + UBSan)"
	# A sanitizer report fails the test at once (non-zero exit), its stack
	# trace in the test's log.
	SLUICE_INTEGRATION=1 ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1} \
		UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		run_check build-asan
fi

# The fuzz targets, a few seconds each (tests/fuzz/run.sh builds them with
# clang's libFuzzer, ASan and UBSan): one result per run.
step "fuzz targets (5 s each)"
fuzz_rc=0
bash "$srcdir/tests/fuzz/run.sh" 5 || fuzz_rc=$?
case $fuzz_rc in
0) passed=$((passed + 1)) ;;
77) skipped=$((skipped + 1)) ;;
*) problem "tests/fuzz/run.sh: a fuzz target failed (exit status $fuzz_rc)" ;;
esac

print_summary
((failed == 0 && passed > 0))
