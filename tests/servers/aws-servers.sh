# shellcheck shell=bash disable=SC2154 # top_srcdir etc. are lib.sh's
# tests/servers/aws-servers.sh: the node servers of the AWS core's
# integration tests, on top of lib.sh and servers.sh (source it after
# tests/integration/lib.sh).  Each listens on 127.0.0.1, on a port the
# kernel picks (written to a ready file), and is stopped at exit.
#
#   start_sigv4_proxy TARGET-URL ACCESS-KEY SECRET [REGION]
#       tests/servers/sigv4-proxy.js: verifies every request's SigV4
#       signature with the npm package aws4, then forwards it to TARGET-URL;
#       a mismatch gets 403.  Exports SIGV4_PROXY_ENDPOINT.
#   start_aws_fake [ACCESS-KEY SECRET]
#       tests/servers/aws-fake.js: a scripted AWS JSON service (throttles,
#       5xx, drops); with a key, signatures are checked and bad ones counted.
#       Exports AWS_FAKE_ENDPOINT.
#   start_http_proxy
#       tests/servers/http-proxy.js: a forward proxy counting what it
#       forwards.  Exports HTTP_PROXY_URL (not http_proxy: tests set that).
#   start_aws_credentials_fake
#       tests/servers/aws-credentials-fake.js: fake STS (under /sts/), ECS
#       container credentials (/ecs/) and IMDSv2 (/latest/), and a service
#       that accepts only the credentials they issued (and FAKE_KNOWN_KEYS).
#       Reads FAKE_KNOWN_KEYS, FAKE_WEB_IDENTITY_TOKEN and FAKE_ECS_TOKEN
#       from the environment.  Exports AWS_CREDS_FAKE (its base URL).
#   creds_fake_stats        its counts (JSON)
#   creds_fake_set QUERY    changes its behaviour (see the script)
#   http_proxy_stats        the forward proxy's counts (JSON)
#   aws_fake_attempts ID    the fake's record for call ID (JSON)
#   sigv4_proxy_stats       the proxy's counts (JSON)

# NAME SCRIPT ENV-SECRET ARGS...: start a node server writing its port to a
# ready file; the port is left in _ready_port (no subshell: the server and
# the reaper must belong to this shell).
_ready_port=
_start_ready_node() {
	local name=$1 script=$2 secret=$3 dir log pid i timeout
	shift 3
	timeout=$(_server_timeout)
	_start_reaper
	dir=$SLUICE_TEST_TMP/$name
	log=$dir/$name.log
	mkdir -p "$dir"
	rm -f "$dir/port"
	SIGV4_PROXY_SECRET=$secret _node_server "$name" TERM "$dir" "$log" \
		"$top_srcdir/tests/servers/$script" --port 0 --ready-file "$dir/port" "$@" || return 1
	pid=$_node_pid
	for ((i = 0; i < timeout * 10; i++)); do
		[[ ! -s $dir/port ]] || break
		_pid_alive "$pid" || { _server_failed "$name exited while starting" "$log"; return 1; }
		sleep 0.1
	done
	if [[ ! -s $dir/port ]]; then
		_server_failed "$name did not start within ${timeout}s" "$log"
		return 1
	fi
	_ready_port=$(cat "$dir/port")
}

start_sigv4_proxy() {
	_start_ready_node sigv4-proxy sigv4-proxy.js "$3" \
		--target "$1" --access-key "$2" --region "${4:-us-east-1}" || return 1
	export SIGV4_PROXY_ENDPOINT=http://127.0.0.1:$_ready_port
}

start_aws_fake() {
	local args=()
	[[ -z ${1:-} ]] || args=(--access-key "$1")
	_start_ready_node aws-fake aws-fake.js "${2:-}" "${args[@]}" || return 1
	export AWS_FAKE_ENDPOINT=http://127.0.0.1:$_ready_port
}

start_aws_credentials_fake() {
	_start_ready_node aws-credentials-fake aws-credentials-fake.js "" || return 1
	export AWS_CREDS_FAKE=http://127.0.0.1:$_ready_port
}

creds_fake_stats() {
	_get_json "$AWS_CREDS_FAKE/__stats"
}

creds_fake_set() {
	_get_json "$AWS_CREDS_FAKE/__set?$1" >/dev/null
}

start_http_proxy() {
	_start_ready_node http-proxy http-proxy.js "" || return 1
	export HTTP_PROXY_URL=http://127.0.0.1:$_ready_port
}

# GET a server's JSON status page (node's fetch: no curl command needed).
_get_json() {
	"$(_node_bin)" -e 'fetch(process.argv[1]).then((r) => r.text()).then((t) => console.log(t),
		(e) => { console.error(e.message); process.exit(1); })' "$1"
}

aws_fake_attempts() {
	_get_json "$AWS_FAKE_ENDPOINT/__attempts?id=$1"
}

sigv4_proxy_stats() {
	_get_json "$SIGV4_PROXY_ENDPOINT/__stats"
}

http_proxy_stats() {
	_get_json "$HTTP_PROXY_URL/__stats"
}
