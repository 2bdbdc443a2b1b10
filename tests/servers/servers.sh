# shellcheck shell=bash disable=SC2154 # top_srcdir etc. are lib.sh's
# tests/servers/servers.sh: real servers for the integration tests (DESIGN §7).
# Sourced by tests/integration/lib.sh (which provides the temp dir, ports,
# TAP's diag and the exit cleanup); not meant to be used on its own.
#
# Every server runs in SLUICE_TEST_TMP, listens on 127.0.0.1 or a Unix
# socket only, is waited for (at most SLUICE_SERVER_TIMEOUT seconds, default
# 60) and is stopped when the test script exits, or by the reaper if it is
# killed.  A start_* function that fails prints why (with the end of the
# server's log) as TAP diagnostics and returns 1.
#
#   start_postgres [--tls]  initdb + postgres as an unprivileged user; exports
#       PGHOST (socket dir, trust auth) PGPORT PGUSER PGDATABASE, and
#       SLUICE_PG_HOST=127.0.0.1 SLUICE_PG_PASSWORD (TCP needs the password).
#       pg_sql SQL runs SQL in PGDATABASE and prints rows unaligned.
#       stop_postgres [--immediate|--kill], then start_postgres again restarts
#       on the same data and port (crash/restart tests).
#   start_mariadb [--tls]   mariadb-install-db + mariadbd; creates database
#       sluice_test and user sluice (password SLUICE_MYSQL_PASSWORD) for
#       localhost and 127.0.0.1; exports SLUICE_MYSQL_SOCKET SLUICE_MYSQL_HOST
#       SLUICE_MYSQL_PORT SLUICE_MYSQL_USER SLUICE_MYSQL_PASSWORD
#       SLUICE_MYSQL_DATABASE and the client's MYSQL_UNIX_PORT MYSQL_TCP_PORT.
#       mariadb_sql SQL runs SQL (as the administrator, over the socket) in
#       sluice_test.
#       stop_mariadb [--kill], then start_mariadb again restarts.
#   start_kinesalite [--tls] [--create-stream-ms N ...]: kinesalite in memory
#       (tests/servers/kinesalite.js); exports KINESIS_ENDPOINT.
#   start_kinesis_mock      kinesis-mock (npm kinesis-local); exports
#       KINESIS_MOCK_ENDPOINT (https: HTTP/1.1, or h2 by ALPN) and
#       KINESIS_MOCK_HTTP_ENDPOINT (plain http), both sharing one state.
#   kinesis_call ENDPOINT ACTION [JSON]  one Kinesis JSON API call (dummy
#       credentials, unsigned) printing the response body; fails on non-2xx.
#   --tls servers use one self-signed certificate per script, for 127.0.0.1
#   and localhost: SLUICE_TEST_CA (trust it), SLUICE_TEST_TLS_CERT/_KEY.
#
# Knobs: SLUICE_PG_BINDIR (PostgreSQL's bin directory; default the newest
# /usr/lib/postgresql/*/bin), SLUICE_MARIADBD (the mariadbd binary),
# SLUICE_SERVER_TIMEOUT, KINESIS_MOCK_LOG_LEVEL (default WARN).

# ---- where the servers are ----------------------------------------------------

_pg_bindir() {
	if [[ -n ${SLUICE_PG_BINDIR:-} ]]; then
		echo "$SLUICE_PG_BINDIR"
		return 0
	fi
	# Debian keeps the server binaries off PATH, one directory per version:
	# take the newest.
	local d
	d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	[[ -d $d ]] && echo "$d"
}

_mariadbd_bin() {
	if [[ -n ${SLUICE_MARIADBD:-} ]]; then
		echo "$SLUICE_MARIADBD"
	elif [[ -x /usr/sbin/mariadbd ]]; then
		echo /usr/sbin/mariadbd
	else
		command -v mariadbd
	fi
}

# Print what NAME lacks on this machine (nothing when it is all there).
_missing_for() {
	local d b m
	case $1 in
	postgres)
		d=$(_pg_bindir) || d=
		for b in initdb postgres pg_isready psql; do
			[[ -n $d && -x $d/$b ]] || echo "$b (Debian package postgresql; or set SLUICE_PG_BINDIR)"
		done
		;;
	mariadb)
		b=$(_mariadbd_bin) || b=
		[[ -n $b && -x $b ]] || echo "mariadbd (Debian package mariadb-server; or set SLUICE_MARIADBD)"
		for b in mariadb-install-db mariadb mariadb-admin; do
			command -v "$b" >/dev/null || echo "$b (Debian package mariadb-server)"
		done
		;;
	node) _node_bin >/dev/null || echo "node (Debian package nodejs)" ;;
	kinesalite | kinesis-mock)
		_node_bin >/dev/null || echo "node (Debian package nodejs)"
		m=kinesalite
		[[ $1 == kinesis-mock ]] && m=kinesis-local
		[[ -f $(_node_modules)/$m/package.json ]] ||
			echo "npm package $m in $(_node_modules) (run npm ci in $top_srcdir)"
		;;
	*) echo "unknown server '$1' (harness bug)" ;;
	esac
	if [[ $1 == postgres || $1 == mariadb ]] && ((EUID == 0)); then
		command -v setpriv >/dev/null || echo "setpriv (Debian package util-linux)"
	fi
	if [[ $1 != node && $1 != kinesalite ]]; then
		# TLS certificates (kinesis-mock always serves TLS; --tls for the others).
		command -v openssl >/dev/null || echo "openssl (Debian package openssl)"
	fi
}

# ---- running servers as an unprivileged user ---------------------------------

_server_user=sluicetest

# initdb refuses to run as root and mariadbd should not: as root, servers run
# as a dedicated system user (created here if tests/check-all.sh did not).
_ensure_server_user() {
	((EUID == 0)) || return 0
	local i
	for i in 1 2 3 4 5; do
		id -u "$_server_user" >/dev/null 2>&1 && return 0
		# Two scripts may race here; useradd then fails on the passwd lock.
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin "$_server_user" >/dev/null 2>&1 || sleep "0.$i"
	done
	id -u "$_server_user" >/dev/null 2>&1 ||
		_server_failed "could not create the system user $_server_user for test servers"
}

# Replace the current (sub)shell with CMD run as the server user, in DIR
# (the caller's directory may not be readable by that user).  setpriv execs
# where runuser would fork and wait: a server started this way stays our own
# child.  That matters because PID 1 on these machines was seen not to reap
# orphans: a server that was not our child would linger as a zombie after it
# stopped, and PostgreSQL would take its pid in postmaster.pid for a live
# postmaster and refuse to start again.
_server_exec() {
	local dir=$1
	shift
	cd "$dir" || return 1
	if ((EUID == 0)); then
		HOME=$dir exec setpriv --reuid="$_server_user" --regid="$_server_user" \
			--init-groups -- "$@"
	else
		exec "$@"
	fi
}

_as_server_user() {
	(_server_exec "$@")
}

_server_dir() {
	local dir=$SLUICE_TEST_TMP/$1
	mkdir -p "$dir"
	if ((EUID == 0)); then
		chown "$_server_user:" "$dir"
	fi
	echo "$dir"
}

# ---- TLS: one self-signed certificate per script ------------------------------

_tls_cert() {
	local dir=$SLUICE_TEST_TMP/tls
	if [[ ! -f $dir/cert.pem ]]; then
		mkdir -p "$dir"
		# Valid for the names tests connect to, so verify-full works with
		# SLUICE_TEST_CA; it is its own CA (basicConstraints CA:TRUE).
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-days 2 -subj "/CN=localhost" \
			-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
			-addext "basicConstraints=critical,CA:TRUE" \
			-keyout "$dir/key.pem" -out "$dir/cert.pem" >"$dir/openssl.log" 2>&1 ||
			{
				_server_failed "openssl could not make a test certificate" "$dir/openssl.log"
				return 1
			}
		chmod 0755 "$dir"
		chmod 0644 "$dir/cert.pem"
	fi
	export SLUICE_TEST_CA=$dir/cert.pem SLUICE_TEST_TLS_CERT=$dir/cert.pem \
		SLUICE_TEST_TLS_KEY=$dir/key.pem
}

# Copy the key and certificate into a server's directory, owned by its user.
_tls_install() {
	local dir=$1
	_tls_cert || return 1
	cp "$SLUICE_TEST_TLS_CERT" "$dir/server-cert.pem"
	cp "$SLUICE_TEST_TLS_KEY" "$dir/server-key.pem"
	chmod 0600 "$dir/server-key.pem"
	if ((EUID == 0)); then
		chown "$_server_user:" "$dir/server-cert.pem" "$dir/server-key.pem"
	fi
}

# ---- PostgreSQL ----------------------------------------------------------------

_pg_dir=
_pg_tls=
_pg_created=

start_postgres() {
	local tls='' arg
	for arg in "$@"; do
		case $arg in
		--tls) tls=1 ;;
		*)
			_server_failed "start_postgres: unknown option $arg"
			return 1
			;;
		esac
	done
	local bindir timeout
	bindir=$(_pg_bindir) || { _server_failed "PostgreSQL server binaries not found"; return 1; }
	timeout=$(_server_timeout)
	_ensure_server_user || return 1
	_start_reaper

	if [[ -z $_pg_dir ]]; then
		# First start in this script: a new cluster.
		_pg_dir=$(_server_dir pg)
		_pg_tls=$tls
		local port
		port=$(free_port) || return 1
		export SLUICE_PG_PASSWORD=sluice-test-pw
		printf '%s\n' "$SLUICE_PG_PASSWORD" >"$_pg_dir/pwfile"
		((EUID != 0)) || chown "$_server_user:" "$_pg_dir/pwfile"
		if ! _as_server_user "$_pg_dir" "$bindir/initdb" -D "$_pg_dir/data" \
			--username=sluice --pwfile="$_pg_dir/pwfile" \
			--auth-local=trust --auth-host=scram-sha-256 \
			--encoding=UTF8 --no-locale --no-sync >"$_pg_dir/initdb.log" 2>&1; then
			_server_failed "initdb failed" "$_pg_dir/initdb.log"
			return 1
		fi
		rm -f "$_pg_dir/pwfile"
		# fsync off: a killed server still loses nothing already written to
		# the OS (what crash tests exercise), only a machine crash would.
		# synchronous_commit stays on for that reason.
		cat >>"$_pg_dir/data/postgresql.conf" <<-EOF
			listen_addresses = '127.0.0.1'
			port = $port
			unix_socket_directories = '$_pg_dir'
			fsync = off
			full_page_writes = off
			max_connections = 40
			shared_buffers = 32MB
			timezone = 'UTC'
			log_timezone = 'UTC'
		EOF
		if [[ -n $tls ]]; then
			_tls_install "$_pg_dir" || return 1
			cat >>"$_pg_dir/data/postgresql.conf" <<-EOF
				ssl = on
				ssl_cert_file = '$_pg_dir/server-cert.pem'
				ssl_key_file = '$_pg_dir/server-key.pem'
			EOF
		fi
		# Socket: trust (tests' own psql); TCP: password, as a sink is used.
		cat >"$_pg_dir/data/pg_hba.conf" <<-EOF
			local all all trust
			host all all 127.0.0.1/32 scram-sha-256
		EOF
		export PGHOST=$_pg_dir PGPORT=$port PGUSER=sluice PGDATABASE=postgres
		export SLUICE_PG_HOST=127.0.0.1 SLUICE_PG_BINDIR=$bindir SLUICE_PG_DATA=$_pg_dir/data
	elif [[ -n $tls && -z $_pg_tls ]]; then
		_server_failed "start_postgres --tls: this script's cluster was made without TLS"
		return 1
	fi

	# The postmaster runs in the foreground as our child (see _server_exec),
	# logging to stderr.
	(_server_exec "$_pg_dir" "$bindir/postgres" -D "$_pg_dir/data") \
		</dev/null >>"$_pg_dir/postgres.log" 2>&1 &
	local pid=$!
	disown "$pid"
	# SIGINT is the fast shutdown: it does not wait for clients to leave.
	_register_pid postgres "$pid" INT
	local i
	for ((i = 0; i < timeout * 10; i++)); do
		if ! _pid_alive "$pid"; then
			_server_failed "PostgreSQL exited while starting" "$_pg_dir/postgres.log"
			return 1
		fi
		"$bindir/pg_isready" -q -h "$_pg_dir" -p "$PGPORT" && break
		sleep 0.1
	done
	if ((i >= timeout * 10)); then
		_server_failed "PostgreSQL did not start within ${timeout}s" "$_pg_dir/postgres.log"
		return 1
	fi

	if [[ -z $_pg_created ]]; then
		"$bindir/psql" -X -q -v ON_ERROR_STOP=1 -d postgres \
			-c 'CREATE DATABASE sluice_test' >"$_pg_dir/setup.log" 2>&1 ||
			{
				_server_failed "could not create database sluice_test" "$_pg_dir/setup.log"
				return 1
			}
		export PGDATABASE=sluice_test
		_pg_created=1
	fi
}

pg_sql() {
	"${SLUICE_PG_BINDIR:?start_postgres first}/psql" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"
}

# Stop the server: by default a fast shutdown; --immediate is PostgreSQL's
# own crash (no checkpoint, recovery at the next start); --kill is SIGKILL to
# the postmaster and its processes.  start_postgres starts it again.
stop_postgres() {
	[[ -f $SLUICE_TEST_TMP/run/postgres.pid ]] || return 0
	local pid sig
	read -r pid sig <"$SLUICE_TEST_TMP/run/postgres.pid"
	case ${1:-} in
	--kill)
		# Freeze the postmaster first, so that it forks no backend between
		# listing its children and killing them: a backend left alive keeps
		# the shared memory attached, and the restart then refuses with
		# "pre-existing shared memory block is still in use".
		local children child
		kill -STOP "$pid" 2>/dev/null || true
		wait_until 5 _pid_stopped "$pid" || true
		children=$(_children_of "$pid")
		# shellcheck disable=SC2086 # one pid per word
		kill -KILL "$pid" $children 2>/dev/null || true
		wait_until 10 _pid_gone "$pid"
		for child in $children; do
			wait_until 10 _pid_gone "$child" || true
		done
		;;
	--immediate) _stop_pid "$pid" QUIT ;;
	*) _stop_pid "$pid" INT 60 ;;
	esac
	rm -f "$SLUICE_TEST_TMP/run/postgres.pid"
}

# ---- MariaDB ---------------------------------------------------------------

_my_dir=
_my_args=()

start_mariadb() {
	local tls='' arg
	for arg in "$@"; do
		case $arg in
		--tls) tls=1 ;;
		*)
			_server_failed "start_mariadb: unknown option $arg"
			return 1
			;;
		esac
	done
	local mariadbd timeout
	mariadbd=$(_mariadbd_bin) || { _server_failed "mariadbd not found"; return 1; }
	timeout=$(_server_timeout)
	_ensure_server_user || return 1
	_start_reaper

	if [[ -z $_my_dir ]]; then
		_my_dir=$(_server_dir mariadb)
		local port
		port=$(free_port) || return 1
		# --no-defaults everywhere: the machine's /etc/mysql config is not ours.
		_my_args=(--no-defaults --datadir="$_my_dir/data" --socket="$_my_dir/mysqld.sock"
			--port="$port" --bind-address=127.0.0.1 --pid-file="$_my_dir/mysqld.pid"
			--log-error="$_my_dir/error.log" --tmpdir="$_my_dir"
			--skip-name-resolve --skip-log-bin --innodb-buffer-pool-size=32M
			--innodb-log-file-size=16M --character-set-server=utf8mb4
			--collation-server=utf8mb4_unicode_ci --default-time-zone=+00:00
			--max-connections=60)
		if ((EUID == 0)); then
			_my_args+=(--user="$_server_user")
		fi
		if [[ -n $tls ]]; then
			_tls_install "$_my_dir" || return 1
			_my_args+=(--ssl-cert="$_my_dir/server-cert.pem" --ssl-key="$_my_dir/server-key.pem")
		fi
		# --tmpdir: the bootstrap server's temporary tables are named after
		# its pid and thread; in a shared /tmp, concurrent installs (make -j
		# check) were seen to collide on them.
		if ! TMPDIR=$_my_dir _as_server_user "$_my_dir" mariadb-install-db --no-defaults \
			--datadir="$_my_dir/data" --auth-root-authentication-method=socket \
			--skip-test-db --innodb-log-file-size=16M --tmpdir="$_my_dir" \
			>"$_my_dir/install.log" 2>&1 </dev/null; then
			_server_failed "mariadb-install-db failed" "$_my_dir/install.log"
			return 1
		fi
		export SLUICE_MYSQL_SOCKET=$_my_dir/mysqld.sock SLUICE_MYSQL_HOST=127.0.0.1 \
			SLUICE_MYSQL_PORT=$port SLUICE_MYSQL_USER=sluice \
			SLUICE_MYSQL_PASSWORD=sluice-test-pw SLUICE_MYSQL_DATABASE=sluice_test
		# What the mariadb client and libmariadb read for their defaults.
		export MYSQL_UNIX_PORT=$SLUICE_MYSQL_SOCKET MYSQL_TCP_PORT=$port
	elif [[ -n $tls && ! -f $_my_dir/server-cert.pem ]]; then
		_server_failed "start_mariadb --tls: this script's server was made without TLS"
		return 1
	fi

	# mariadbd drops to --user itself, so it stays our child: its pid is $!.
	(cd "$_my_dir" && exec "$mariadbd" "${_my_args[@]}") </dev/null >>"$_my_dir/stdout.log" 2>&1 &
	local pid=$!
	disown "$pid"
	_register_pid mariadb "$pid" TERM
	local i
	for ((i = 0; i < timeout * 10; i++)); do
		if ! _pid_alive "$pid"; then
			_server_failed "mariadbd exited while starting" "$_my_dir/error.log"
			return 1
		fi
		# ping succeeds once the server answers, whatever the credentials.
		mariadb-admin --no-defaults -S "$_my_dir/mysqld.sock" -u "$(_my_admin)" ping \
			>/dev/null 2>&1 && break
		sleep 0.1
	done
	if ((i >= timeout * 10)); then
		_server_failed "mariadbd did not answer within ${timeout}s" "$_my_dir/error.log"
		return 1
	fi
	local pw=$SLUICE_MYSQL_PASSWORD
	cat >"$_my_dir/setup.sql" <<-EOF
		CREATE DATABASE IF NOT EXISTS sluice_test;
		CREATE USER IF NOT EXISTS 'sluice'@'localhost' IDENTIFIED BY '$pw';
		CREATE USER IF NOT EXISTS 'sluice'@'127.0.0.1' IDENTIFIED BY '$pw';
		GRANT ALL ON *.* TO 'sluice'@'localhost';
		GRANT ALL ON *.* TO 'sluice'@'127.0.0.1';
	EOF
	if ! mariadb --no-defaults -S "$_my_dir/mysqld.sock" -u "$(_my_admin)" \
		<"$_my_dir/setup.sql" >"$_my_dir/setup.log" 2>&1; then
		_server_failed "could not create the sluice_test database and user" "$_my_dir/setup.log"
		return 1
	fi
}

# The administrator: mariadb-install-db gives root and the OS user who ran it
# (the server user) unix_socket authentication; tests' own clients run as
# root, or, without root, as that same user.
_my_admin() {
	if ((EUID == 0)); then echo root; else id -un; fi
}

mariadb_sql() {
	mariadb --no-defaults --default-character-set=utf8mb4 \
		-S "${SLUICE_MYSQL_SOCKET:?start_mariadb first}" -u "$(_my_admin)" -N -B sluice_test -e "$1"
}

# Stop the server: cleanly, or --kill (SIGKILL, InnoDB recovers at restart).
stop_mariadb() {
	[[ -f $SLUICE_TEST_TMP/run/mariadb.pid ]] || return 0
	local pid sig
	read -r pid sig <"$SLUICE_TEST_TMP/run/mariadb.pid"
	if [[ ${1:-} == --kill ]]; then
		_stop_pid "$pid" KILL
	else
		_stop_pid "$pid" TERM 60
	fi
	rm -f "$SLUICE_TEST_TMP/run/mariadb.pid"
}

# ---- Kinesis emulators ------------------------------------------------------

# NAME SIGNAL DIR LOG ARGS...: start node in DIR as our child, registered
# to be stopped with SIGNAL; its pid is left in _node_pid.
_node_pid=
_node_server() {
	local name=$1 sig=$2 dir=$3 log=$4 node modules
	shift 4
	node=$(_node_bin) || { _server_failed "node not found"; return 1; }
	modules=$(_node_modules)
	(cd "$dir" && NODE_PATH=$modules exec "$node" "$@") </dev/null >>"$log" 2>&1 &
	_node_pid=$!
	# Out of the job table: bash would report "Killed" when we stop it.
	disown "$_node_pid"
	_register_pid "$name" "$_node_pid" "$sig"
}

start_kinesalite() {
	local dir log pid timeout tls='' args=()
	timeout=$(_server_timeout)
	while (($#)); do
		case $1 in
		--tls) tls=1 ;;
		*) args+=("$1") ;;
		esac
		shift
	done
	_start_reaper
	dir=$SLUICE_TEST_TMP/kinesalite
	log=$dir/kinesalite.log
	mkdir -p "$dir"
	rm -f "$dir/port"
	if [[ -n $tls ]]; then
		_tls_cert || return 1
		args+=(--tls-cert "$SLUICE_TEST_TLS_CERT" --tls-key "$SLUICE_TEST_TLS_KEY")
	fi
	# The script listens on a port the kernel picks and writes it to a file
	# once it accepts connections: no race for the port, and a ready signal.
	_node_server kinesalite TERM "$dir" "$log" "$top_srcdir/tests/servers/kinesalite.js" \
		--port 0 --ready-file "$dir/port" "${args[@]}" || return 1
	pid=$_node_pid
	local i
	for ((i = 0; i < timeout * 10; i++)); do
		[[ ! -s $dir/port ]] || break
		_pid_alive "$pid" || { _server_failed "kinesalite exited while starting" "$log"; return 1; }
		sleep 0.1
	done
	if [[ ! -s $dir/port ]]; then
		_server_failed "kinesalite did not start within ${timeout}s" "$log"
		return 1
	fi
	local scheme=http
	[[ -z $tls ]] || scheme=https
	KINESIS_ENDPOINT=$scheme://127.0.0.1:$(cat "$dir/port")
	export KINESIS_ENDPOINT
	export SLUICE_KINESALITE_PID=$pid
}

stop_kinesalite() {
	[[ -f $SLUICE_TEST_TMP/run/kinesalite.pid ]] || return 0
	local pid sig
	read -r pid sig <"$SLUICE_TEST_TMP/run/kinesalite.pid"
	_stop_pid "$pid" TERM
	rm -f "$SLUICE_TEST_TMP/run/kinesalite.pid"
}

# kinesis-mock (etspaceman/kinesis-mock) as published on npm: kinesis-local is
# its Scala.js build, one self-contained main.js run by node, nothing fetched
# at install or run time.  It listens on a TLS port (HTTP/1.1 and HTTP/2 by
# ALPN) and a plain HTTP port, both hard-wired to 0.0.0.0: the preload
# tests/servers/loopback-only.js rebinds them to 127.0.0.1.  It wants an
# Authorization header on every call but does not check the signature.
# It holds state in memory only, and after SIGTERM waits up to 30 s for
# connections to drain: it is stopped with SIGKILL.
start_kinesis_mock() {
	local dir log pid timeout tls_port plain_port main
	timeout=$(_server_timeout)
	main=$(_node_modules)/kinesis-local/main.js
	[[ -f $main ]] || { _server_failed "kinesis-local is not installed ($main): run npm ci"; return 1; }
	_start_reaper
	dir=$SLUICE_TEST_TMP/kinesis-mock
	log=$dir/kinesis-mock.log
	mkdir -p "$dir"
	_tls_cert || return 1
	# Its certificate file is JSON {"server": {"key", "cert"}}; ours is valid
	# for 127.0.0.1, so a client can verify it with SLUICE_TEST_CA.
	"$(_node_bin)" -e '
		const fs = require("fs");
		fs.writeFileSync(process.argv[2], JSON.stringify({ server: {
			key: fs.readFileSync(process.argv[1] + "/key.pem", "utf8"),
			cert: fs.readFileSync(process.argv[1] + "/cert.pem", "utf8") } }));' \
		"$(dirname "$SLUICE_TEST_TLS_CERT")" "$dir/server.json"
	tls_port=$(free_port) || return 1
	plain_port=$(free_port) || return 1
	KINESIS_MOCK_TLS_PORT=$tls_port KINESIS_MOCK_PLAIN_PORT=$plain_port \
		KINESIS_MOCK_CERT_PATH=$dir/server.json LOG_LEVEL=${KINESIS_MOCK_LOG_LEVEL:-WARN} \
		SHOULD_PERSIST_DATA=false PERSIST_PATH=$dir/data \
		_node_server kinesis-mock KILL "$dir" "$log" \
		--require "$top_srcdir/tests/servers/loopback-only.js" "$main" || return 1
	pid=$_node_pid
	local i
	for ((i = 0; i < timeout * 10; i++)); do
		if ! _pid_alive "$pid"; then
			_server_failed "kinesis-mock exited while starting" "$log"
			return 1
		fi
		_port_open "$tls_port" && _port_open "$plain_port" && break
		sleep 0.1
	done
	if ((i >= timeout * 10)); then
		_server_failed "kinesis-mock did not listen within ${timeout}s" "$log"
		return 1
	fi
	export KINESIS_MOCK_ENDPOINT=https://127.0.0.1:$tls_port
	export KINESIS_MOCK_HTTP_ENDPOINT=http://127.0.0.1:$plain_port
	export SLUICE_KINESIS_MOCK_PID=$pid
}

stop_kinesis_mock() {
	[[ -f $SLUICE_TEST_TMP/run/kinesis-mock.pid ]] || return 0
	local pid sig
	read -r pid sig <"$SLUICE_TEST_TMP/run/kinesis-mock.pid"
	_stop_pid "$pid" KILL
	rm -f "$SLUICE_TEST_TMP/run/kinesis-mock.pid"
}

kinesis_call() {
	"$(_node_bin)" "$top_srcdir/tests/servers/kinesis-call.js" "$@"
}
