# shellcheck shell=bash
# tests/integration/lib.sh: the harness every integration test script sources.
#
#   . "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
#
# What it gives a test script (DESIGN §7):
#
# TAP (the automake TAP driver reads stdout):
#   plan N                  print the plan up front (or call done_testing at the end)
#   ok NAME                 record a pass
#   not_ok NAME [DIAG...]   record a failure, each DIAG line printed as "# ..."
#   is GOT EXPECTED NAME    pass when the strings are equal, else show both
#   isnt GOT UNEXPECTED NAME
#   like GOT REGEX NAME     pass when GOT matches the bash ERE
#   unlike GOT REGEX NAME
#   check NAME CMD [ARG...] run CMD; pass when it exits 0, else show its output
#   check_fails NAME CMD... run CMD; pass when it exits non-zero
#   skip REASON [N]         record N (default 1) skipped tests
#   diag MSG...             print "# MSG" (every line)
#   skip_all REASON         "1..0 # SKIP REASON" and exit 0 (before any test)
#   bail REASON             "Bail out! REASON" and exit 1
#   no_tap                  for a script that only wants the servers and the
#                           cleanup (bench/sql-sinks.sh): no plan and no
#                           "not ok" at exit; its exit status is its own
#   done_testing            print the plan if none was given; returns 1 if
#                           anything failed or the plan was not met
#   Assertions always return 0: a failure is recorded and the script goes on,
#   so one broken check under `set -e` does not hide the rest.  A script that
#   exits before done_testing gets a final "not ok" line saying so.
#
# Environment and files:
#   SLUICE_TEST_TMP         a fresh directory for this script, removed at exit
#   at_exit CMD             run CMD (a string, eval'ed) at exit, before cleanup;
#                           do not `trap ... EXIT` yourself: that replaces ours
#   free_port               print a free TCP port on 127.0.0.1, reserved for
#                           this script so concurrent tests never share one
#   SLUICE                  the sluice command of the build tree
#
# Servers (DESIGN §7): tests/servers/servers.sh, sourced below, starts
# PostgreSQL, MariaDB, kinesalite and kinesis-mock (start_postgres, ...; see
# there).  Each runs in SLUICE_TEST_TMP, on 127.0.0.1 or a Unix socket only,
# is waited for (bounded) and stopped at exit, even if the script is killed
# (a reaper process watches it).
#   require_integration NAME...   call before plan: NAME is postgres, mariadb,
#       kinesalite, kinesis-mock or node.  With SLUICE_INTEGRATION=1 a missing
#       server is a failing test; otherwise the script is skipped (unset: always
#       skipped; SLUICE_INTEGRATION=auto: skipped only when missing).
#
# Knobs: SLUICE_TEST_TMPDIR (parent of SLUICE_TEST_TMP, default /tmp: Unix
# socket paths must stay under 108 bytes, and the server user must reach
# it); SLUICE_NODE, SLUICE_NODE_MODULES; the servers' own in servers.sh.

if [[ -n ${_SLUICE_LIB_LOADED:-} ]]; then
	return 0
fi
_SLUICE_LIB_LOADED=1

# automake's AM_TESTS_ENVIRONMENT exports these; a script run by hand finds
# the source tree from here and the build tree in the usual places.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
if [[ -z ${top_builddir:-} ]]; then
	if [[ -x $top_srcdir/build/sluice-uninstalled ]]; then
		top_builddir=$top_srcdir/build
	else
		top_builddir=$top_srcdir
	fi
fi
SLUICE=${SLUICE:-$top_builddir/sluice-uninstalled}
export top_srcdir top_builddir SLUICE

# Output that tests compare must not depend on the caller's locale, and
# servers should log in English; UTF-8 so clients pass UTF-8 data through.
if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then
	export LC_ALL=C.UTF-8
else
	export LC_ALL=C
fi

# ---- TAP ---------------------------------------------------------------------

_tap_count=0
_tap_failed=0
_tap_plan=
_tap_done=

diag() {
	local line
	while IFS= read -r line; do
		printf '# %s\n' "$line"
	done <<<"$*"
}

plan() {
	_tap_plan=$1
	printf '1..%s\n' "$1"
}

skip_all() {
	printf '1..0 # SKIP %s\n' "$*"
	_tap_done=1
	exit 0
}

bail() {
	printf 'Bail out! %s\n' "$*"
	_tap_done=1
	exit 1
}

ok() {
	_tap_count=$((_tap_count + 1))
	printf 'ok %d - %s\n' "$_tap_count" "$*"
}

not_ok() {
	local name=$1
	shift
	_tap_count=$((_tap_count + 1))
	_tap_failed=$((_tap_failed + 1))
	printf 'not ok %d - %s\n' "$_tap_count" "$name"
	local line
	for line in "$@"; do
		diag "$line"
	done
	return 0
}

skip() {
	local reason=$1 n=${2:-1} i
	for ((i = 0; i < n; i++)); do
		_tap_count=$((_tap_count + 1))
		printf 'ok %d # SKIP %s\n' "$_tap_count" "$reason"
	done
}

is() {
	if [[ $1 == "$2" ]]; then
		ok "$3"
	else
		not_ok "$3" "got:      '$1'" "expected: '$2'"
	fi
}

isnt() {
	if [[ $1 != "$2" ]]; then
		ok "$3"
	else
		not_ok "$3" "got '$1', which it should not be"
	fi
}

like() {
	if [[ $1 =~ $2 ]]; then
		ok "$3"
	else
		not_ok "$3" "got:        '$1'" "not matching: /$2/"
	fi
}

unlike() {
	if [[ ! $1 =~ $2 ]]; then
		ok "$3"
	else
		not_ok "$3" "got:      '$1'" "matching: /$2/"
	fi
}

no_tap() {
	_tap_done=1
}

# Run a command with its output kept aside; shown (the last 40 lines) only
# when the outcome is not the expected one.
_check_run() {
	local want=$1 name=$2
	shift 2
	local out=$SLUICE_TEST_TMP/.check.out rc=0
	"$@" >"$out" 2>&1 </dev/null || rc=$?
	if { [[ $want == pass ]] && ((rc == 0)); } || { [[ $want == fail ]] && ((rc != 0)); }; then
		ok "$name"
	else
		not_ok "$name" "command: $*" "exit status: $rc" "$(tail -n 40 "$out")"
	fi
	rm -f "$out"
}

check() { _check_run pass "$@"; }
check_fails() { _check_run fail "$@"; }

done_testing() {
	_tap_done=1
	if [[ -z $_tap_plan ]]; then
		printf '1..%d\n' "$_tap_count"
	elif ((_tap_plan != _tap_count)); then
		diag "planned $_tap_plan tests but ran $_tap_count"
		return 1
	fi
	((_tap_failed == 0))
}

# ---- temp dir, exit hooks, reaper ------------------------------------------

SLUICE_TEST_TMP=$(mktemp -d "${SLUICE_TEST_TMPDIR:-/tmp}/sluice-test.XXXXXX")
# Servers run as an unprivileged user when we are root; they must be able to
# traverse (not list) this directory to reach their own subdirectory.
chmod 0711 "$SLUICE_TEST_TMP"
mkdir "$SLUICE_TEST_TMP/run"
export SLUICE_TEST_TMP

_sluice_exit_hooks=()
_sluice_reaper_pid=

at_exit() {
	_sluice_exit_hooks+=("$1")
}

_pid_alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	# A zombie (an exited child not reaped yet) counts as gone.
	stat=${stat##*) }
	[[ ${stat:0:1} != Z ]]
}

_pid_gone() { ! _pid_alive "$1"; }

# True once PID is stopped (SIGSTOP) or gone.
_pid_stopped() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	[[ ${stat:0:1} == [TtZ] ]]
}

# Print the pids whose parent is PID (procps may not be installed).
_children_of() {
	local f stat rest ppid
	for f in /proc/[0-9]*/stat; do
		stat=$(cat "$f" 2>/dev/null) || continue
		rest=${stat##*) }
		read -r _ ppid _ <<<"$rest"
		if [[ $ppid == "$1" ]]; then
			f=${f#/proc/}
			echo "${f%/stat}"
		fi
	done
}

# Stop one process: SIGNAL, then SIGKILL after a grace period.
_stop_pid() {
	local pid=$1 sig=${2:-TERM} grace=${3:-20} i
	_pid_alive "$pid" || return 0
	kill "-$sig" "$pid" 2>/dev/null || return 0
	for ((i = 0; i < grace * 10; i++)); do
		_pid_alive "$pid" || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		_pid_alive "$pid" || return 0
		sleep 0.1
	done
}

# Each running server leaves "PID SIGNAL" in $SLUICE_TEST_TMP/run/NAME.pid, so
# the reaper can stop it without knowing the server; the starter removes the
# file when it stops the server itself.
_register_pid() {
	printf '%s %s\n' "$2" "${3:-TERM}" >"$SLUICE_TEST_TMP/run/$1.pid"
}

_stop_registered() {
	local f pid sig
	for f in "$SLUICE_TEST_TMP"/run/*.pid; do
		[[ -e $f ]] || continue
		read -r pid sig <"$f" || true
		[[ -n ${pid:-} ]] && _stop_pid "$pid" "${sig:-TERM}"
		rm -f "$f"
	done
}

# Ports reserved by free_port: one directory per port in a shared folder,
# holding the reserving script's pid, so that concurrent test scripts (make
# check -j) never hand out the same port; a dead owner's entry is reclaimed.
_sluice_port_dir=${SLUICE_TEST_TMPDIR:-/tmp}/sluice-ports.$(id -u)

_release_ports() {
	local port
	[[ -f $SLUICE_TEST_TMP/run/ports ]] || return 0
	while read -r port; do
		rm -rf "${_sluice_port_dir:?}/$port"
	done <"$SLUICE_TEST_TMP/run/ports"
}

_sluice_cleanup() {
	local hook
	for hook in "${_sluice_exit_hooks[@]}"; do
		eval "$hook" || true
	done
	_stop_registered
	_release_ports
	if [[ -n $_sluice_reaper_pid ]]; then
		# It ignores TERM (so a Ctrl-C to the group leaves it to clean up).
		kill -KILL "$_sluice_reaper_pid" 2>/dev/null || true
	fi
	rm -rf "$SLUICE_TEST_TMP"
}

_sluice_on_exit() {
	local status=$?
	trap - EXIT
	if [[ -z $_tap_done ]]; then
		# The script died (set -e, a failed start, exit) before done_testing.
		_tap_count=$((_tap_count + 1))
		_tap_failed=$((_tap_failed + 1))
		printf 'not ok %d - test script ended before done_testing (exit status %d)\n' \
			"$_tap_count" "$status"
		[[ -n $_tap_plan ]] || printf '1..%d\n' "$_tap_count"
		((status != 0)) || status=1
	elif ((_tap_failed > 0 && status == 0)); then
		# Test::More's convention: the exit status tells a failure too.
		status=1
	fi
	_sluice_cleanup >/dev/null 2>&1 || true
	exit "$status"
}

trap _sluice_on_exit EXIT
# A signal ends the script through the EXIT trap, so servers are stopped.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# If this script is killed with SIGKILL (or its shell dies another way that
# skips the EXIT trap), nothing would stop its servers: a small watcher does.
_start_reaper() {
	[[ -z $_sluice_reaper_pid ]] || return 0
	local parent=$$
	(
		trap '' INT HUP TERM
		while kill -0 "$parent" 2>/dev/null; do
			sleep 1
		done
		_stop_registered
		_release_ports
		rm -rf "$SLUICE_TEST_TMP"
	) </dev/null >/dev/null 2>&1 &
	_sluice_reaper_pid=$!
}

# ---- free ports -----------------------------------------------------------

# Ask the kernel for a port nobody uses (bind to port 0 on loopback).  node is
# always there for the test command (it runs the Kinesis emulators); python3
# may not be on a fresh machine; /proc/net/tcp is the last resort.
_kernel_port() {
	local node
	node=$(_node_bin) && "$node" -e '
		const s = require("net").createServer();
		s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });' \
		2>/dev/null && return 0
	command -v python3 >/dev/null &&
		python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
			2>/dev/null && return 0
	_proc_port
}

_proc_port() {
	local lo hi port hex used
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
	used=$(awk 'NR > 1 { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
	for _ in $(seq 100); do
		port=$((lo + RANDOM % (hi - lo)))
		printf -v hex '%04X' "$port"
		if ! grep -qx "$hex" <<<"$used"; then
			echo "$port"
			return 0
		fi
	done
	return 1
}

free_port() {
	local port owner attempt
	mkdir -p "$_sluice_port_dir"
	for attempt in $(seq 50); do
		port=$(_kernel_port) || continue
		if mkdir "$_sluice_port_dir/$port" 2>/dev/null; then
			echo "$$" >"$_sluice_port_dir/$port/owner"
			echo "$port" >>"$SLUICE_TEST_TMP/run/ports"
			echo "$port"
			return 0
		fi
		owner=$(cat "$_sluice_port_dir/$port/owner" 2>/dev/null) || owner=
		if [[ -n $owner ]] && ! kill -0 "$owner" 2>/dev/null; then
			rm -rf "${_sluice_port_dir:?}/$port"
		fi
	done
	echo "free_port: no free port found after $attempt attempts" >&2
	return 1
}

# sample TIMES SECONDS CMD...: runs CMD TIMES times, SECONDS apart, and
# prints what it printed, run together (a digit per run, say).
sample() {
	local times=$1 pause=$2 i out=
	shift 2
	for ((i = 0; i < times; i++)); do
		out+=$("$@")
		sleep "$pause"
	done
	printf '%s\n' "$out"
}

# Wait until CMD succeeds, at most TIMEOUT seconds; 0 if it did.
wait_until() {
	local timeout=$1 i
	shift
	for ((i = 0; i < timeout * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

_port_open() {
	# bash's /dev/tcp: a connect that succeeds means the server accepts.
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

_server_timeout() { echo "${SLUICE_SERVER_TIMEOUT:-60}"; }

_server_failed() {
	local what=$1 log=${2:-}
	echo "$what" >&2
	diag "$what"
	if [[ -n $log && -f $log ]]; then
		diag "last lines of $log:"
		diag "$(tail -n 30 "$log")"
	fi
	return 1
}

# ---- node, and require_integration ------------------------------------------

_node_bin() {
	if [[ -n ${SLUICE_NODE:-} ]]; then
		[[ -x $SLUICE_NODE ]] && echo "$SLUICE_NODE"
	else
		command -v node
	fi
}

_node_modules() { echo "${SLUICE_NODE_MODULES:-$top_srcdir/node_modules}"; }

require_integration() {
	local name m missing=
	for name in "$@"; do
		m=$(_missing_for "$name")
		[[ -z $m ]] || missing+="$name: ${m//$'\n'/$'\n'"$name: "}"$'\n'
	done
	missing=${missing%$'\n'}
	case ${SLUICE_INTEGRATION:-} in
	1 | yes | true)
		if [[ -n $missing ]]; then
			# Asked to run against real servers: a missing one is a failure,
			# never a silent skip.
			plan 1
			not_ok "servers needed by this test are present (SLUICE_INTEGRATION=1)" "$missing"
			_tap_done=1
			exit 1
		fi
		;;
	auto)
		[[ -z $missing ]] || skip_all "missing: $(tr '\n' ';' <<<"$missing")"
		;;
	*)
		skip_all "needs $* (set SLUICE_INTEGRATION=1 to run)"
		;;
	esac
}

# shellcheck source=tests/servers/servers.sh
. "$top_srcdir/tests/servers/servers.sh"
