#!/usr/bin/env bash
# Self-test of tests/integration/lib.sh: every server it starts answers a real
# query and listens on loopback only; free_port gives usable ports; a script's
# temp dir and servers are gone after it exits, even when it is killed; a
# failing assertion, an early exit and a missing server (SLUICE_INTEGRATION=1)
# are failures, never passes or skips.

# Snippets for child scripts are single-quoted on purpose (they expand there);
# start_* functions take optional arguments.
# shellcheck disable=SC2016,SC2119
set -euo pipefail
lib=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh
# shellcheck source=tests/integration/lib.sh
. "$lib"

require_integration postgres mariadb kinesalite kinesis-mock node

# Print the addresses listening on TCP port $1, one per line (IPv4 dotted,
# IPv6 as the kernel's hex), from /proc/net/tcp{,6}: no ss/netstat needed.
listen_addrs() {
	local hexport laddr st addr
	printf -v hexport '%04X' "$1"
	{
		while read -r _ laddr _ st _; do
			[[ $st == 0A && ${laddr#*:} == "$hexport" ]] || continue
			addr=${laddr%:*}
			if ((${#addr} == 8)); then
				# IPv4 in host (little-endian) byte order.
				printf '%d.%d.%d.%d\n' "0x${addr:6:2}" "0x${addr:4:2}" "0x${addr:2:2}" "0x${addr:0:2}"
			else
				echo "ipv6:$addr"
			fi
		done < <(tail -q -n +2 /proc/net/tcp /proc/net/tcp6 2>/dev/null)
	} | sort -u
}

# Run a bash snippet in a child script that sources lib.sh; its stdout and
# exit status are left in $child_out and $child_status.
run_child() {
	child_status=0
	child_out=$(bash -c ". '$lib'; $1" 2>"$SLUICE_TEST_TMP/child.err") || child_status=$?
}

# ---- TAP helpers -------------------------------------------------------------

run_child 'ok first; is a a same; like abc "^a" match; done_testing'
is "$child_status" 0 "a passing child script exits 0"
like "$child_out" $'ok 3 - match\n1\\.\\.3' "done_testing prints the plan after the tests"

run_child 'ok first; is "got" "expected" strings; done_testing'
isnt "$child_status" 0 "a failing assertion makes the script fail"
like "$child_out" "not ok 2 - strings" "the failing assertion is a 'not ok' line"
like "$child_out" "# expected: 'expected'" "the failure shows what was expected"

run_child 'set -e; ok first; false; ok never'
isnt "$child_status" 0 "a script dying before done_testing fails"
like "$child_out" $'not ok 2 - test script ended before done_testing[^\n]*\n1\\.\\.2' \
	"its death is a 'not ok' line and the plan counts it"

run_child 'plan 3; ok one; done_testing'
isnt "$child_status" 0 "a plan not met fails"

# ---- require_integration -------------------------------------------------------

run_child 'SLUICE_INTEGRATION=1 SLUICE_PG_BINDIR=/nonexistent; require_integration postgres; ok ran'
isnt "$child_status" 0 "SLUICE_INTEGRATION=1 with a missing server binary fails"
like "$child_out" $'^1\\.\\.1\nnot ok 1 - ' "... with a 'not ok' line, not a skip"
like "$child_out" "postgres: initdb" "... naming what is missing"

run_child 'SLUICE_INTEGRATION=1 SLUICE_NODE_MODULES=/nonexistent; require_integration kinesis-mock; ok ran'
like "$child_out" "not ok 1 - .*"$'\n'"# kinesis-mock: npm package kinesis-local" \
	"SLUICE_INTEGRATION=1 without the npm packages fails"

run_child 'unset SLUICE_INTEGRATION; require_integration postgres; ok ran'
is "$child_status" 0 "without SLUICE_INTEGRATION a server test is skipped"
like "$child_out" "^1\\.\\.0 # SKIP" "... as a TAP skip_all"

run_child 'SLUICE_INTEGRATION=auto SLUICE_MARIADBD=/nonexistent; require_integration mariadb; ok ran'
like "$child_out" "^1\\.\\.0 # SKIP missing: mariadb: mariadbd" \
	"SLUICE_INTEGRATION=auto skips when a server is missing"

# ---- free_port -------------------------------------------------------------------

p1=$(free_port)
p2=$(free_port)
like "$p1" '^[0-9]+$' "free_port prints a port number"
isnt "$p1" "$p2" "free_port never hands out the same port twice"
check "a port from free_port can be listened on at 127.0.0.1" \
	node -e 'const s = require("net").createServer();
		s.on("error", (e) => { console.error(e.message); process.exit(1); });
		s.listen(Number(process.argv[1]), "127.0.0.1", () => s.close());' "$p1"

# ---- PostgreSQL --------------------------------------------------------------------

start_postgres --tls
is "$(pg_sql 'SELECT 1')" 1 "postgres answers select 1 on its Unix socket"
is "$(pg_sql 'SELECT current_database() || $$/$$ || current_user')" "sluice_test/sluice" \
	"postgres: database sluice_test, user sluice"
like "$PGHOST" "^$SLUICE_TEST_TMP/" "postgres' socket is in the temp dir"
is "$(PGPASSWORD=$SLUICE_PG_PASSWORD "$SLUICE_PG_BINDIR/psql" -X -A -t \
	"host=127.0.0.1 port=$PGPORT sslmode=verify-full sslrootcert=$SLUICE_TEST_CA" \
	-c 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()' 2>&1)" t \
	"postgres over TCP with the password and verified TLS"
check_fails "postgres over TCP refuses a wrong password" \
	env PGPASSWORD=wrong "$SLUICE_PG_BINDIR/psql" -X -h 127.0.0.1 -c 'SELECT 1'
is "$(listen_addrs "$PGPORT")" 127.0.0.1 "postgres listens on 127.0.0.1 only"
pg_sql 'CREATE TABLE harness (id int PRIMARY KEY)' && pg_sql 'INSERT INTO harness VALUES (1)'
stop_postgres --kill
start_postgres
is "$(pg_sql 'SELECT count(*) FROM harness')" 1 "postgres restarts after a kill, data kept"

# ---- MariaDB ----------------------------------------------------------------------

start_mariadb --tls
is "$(mariadb_sql 'SELECT 1')" 1 "mariadb answers select 1 on its Unix socket"
like "$SLUICE_MYSQL_SOCKET" "^$SLUICE_TEST_TMP/" "mariadb's socket is in the temp dir"
is "$(mariadb --no-defaults -h "$SLUICE_MYSQL_HOST" -P "$SLUICE_MYSQL_PORT" \
	-u "$SLUICE_MYSQL_USER" -p"$SLUICE_MYSQL_PASSWORD" --ssl-ca="$SLUICE_TEST_CA" \
	--ssl-verify-server-cert -N -B "$SLUICE_MYSQL_DATABASE" \
	-e "SELECT CONCAT(DATABASE(), '/', CURRENT_USER(), '/', VARIABLE_VALUE <> '')
	    FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_cipher'" 2>&1)" \
	"sluice_test/sluice@127.0.0.1/1" "mariadb over TCP as user sluice with verified TLS"
is "$(listen_addrs "$SLUICE_MYSQL_PORT")" 127.0.0.1 "mariadb listens on 127.0.0.1 only"
mariadb_sql 'CREATE TABLE harness (id int PRIMARY KEY); INSERT INTO harness VALUES (1)'
stop_mariadb --kill
start_mariadb
is "$(mariadb_sql 'SELECT COUNT(*) FROM harness')" 1 "mariadb restarts after a kill, data kept"

# ---- kinesalite ---------------------------------------------------------------------

start_kinesalite
check "kinesalite: CreateStream" \
	kinesis_call "$KINESIS_ENDPOINT" CreateStream '{"StreamName":"harness","ShardCount":1}'
like "$(kinesis_call "$KINESIS_ENDPOINT" ListStreams)" '"StreamNames":\["harness"\]' \
	"kinesalite: ListStreams shows the stream"
is "$(listen_addrs "${KINESIS_ENDPOINT##*:}")" 127.0.0.1 "kinesalite listens on 127.0.0.1 only"

# ---- kinesis-mock --------------------------------------------------------------------

start_kinesis_mock
check "kinesis-mock (https, verified): CreateStream" \
	kinesis_call "$KINESIS_MOCK_ENDPOINT" CreateStream '{"StreamName":"harness","ShardCount":1}'
like "$(kinesis_call "$KINESIS_MOCK_ENDPOINT" ListStreams)" '"StreamNames":\["harness"\]' \
	"kinesis-mock (https): ListStreams shows the stream"
like "$(kinesis_call "$KINESIS_MOCK_HTTP_ENDPOINT" ListStreams)" '"StreamNames":\["harness"\]' \
	"kinesis-mock (http): same state"
is "$(listen_addrs "${KINESIS_MOCK_ENDPOINT##*:}")" 127.0.0.1 "kinesis-mock's TLS port is on 127.0.0.1 only"
is "$(listen_addrs "${KINESIS_MOCK_HTTP_ENDPOINT##*:}")" 127.0.0.1 "kinesis-mock's HTTP port is on 127.0.0.1 only"

# ---- cleanup at exit ------------------------------------------------------------------

run_child 'start_kinesalite >&2; echo "$SLUICE_TEST_TMP $SLUICE_KINESALITE_PID"; done_testing >/dev/null'
read -r child_tmp child_pid <<<"$child_out"
is "$child_status" 0 "a child script starting kinesalite exits 0"
ok "child used $child_tmp, server pid $child_pid"
check_fails "its temp dir is gone after it exits" test -e "$child_tmp"
check "its server is stopped" wait_until 5 _pid_gone "$child_pid"

# A script killed outright (no EXIT trap runs): the reaper cleans up.
info=$SLUICE_TEST_TMP/killed.info
# exec: the script's shell becomes the sleep, so killing it kills the script.
bash -c ". '$lib'; start_kinesalite >&2; echo \"\$SLUICE_TEST_TMP \$SLUICE_KINESALITE_PID\" >'$info'; exec sleep 300" \
	>/dev/null 2>&1 &
killed=$!
if wait_until 60 test -s "$info"; then
	read -r child_tmp child_pid <"$info"
	kill -KILL "$killed"
	wait "$killed" 2>/dev/null || true
	check "a SIGKILLed script's server is stopped by the reaper" wait_until 10 _pid_gone "$child_pid"
	check "... and its temp dir removed" wait_until 10 test ! -e "$child_tmp"
else
	kill -KILL "$killed" 2>/dev/null || true
	not_ok "a SIGKILLed script's server is stopped by the reaper" "the child did not start"
	skip "child did not start"
fi

done_testing
