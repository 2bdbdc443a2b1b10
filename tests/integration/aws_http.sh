#!/usr/bin/env bash
# AWS core (plugins/aws/http.c): TLS verification (on by default, a CA file
# by option or AWS_CA_BUNDLE, off only when asked) against kinesalite over
# HTTPS, and proxies: taken from the environment (http_proxy, no_proxy),
# never with the direct option.
# start_* functions take optional arguments.
# shellcheck disable=SC2119
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"
# shellcheck source=tests/servers/aws-servers.sh
. "$top_srcdir/tests/servers/aws-servers.sh"

require_integration kinesalite node

aws_call=$top_builddir/tests/drivers/aws_call
[[ -x $aws_call ]] || bail "$aws_call is not built (make check builds it)"

export AWS_ACCESS_KEY_ID=AKIDSLUICEHTTPTEST AWS_SECRET_ACCESS_KEY=not-checked-here
unset AWS_SESSION_TOKEN AWS_CA_BUNDLE http_proxy https_proxy HTTP_PROXY HTTPS_PROXY \
	no_proxy NO_PROXY ALL_PROXY all_proxy

# run [ENV=VALUE...] -- ARGS...: the driver with a clean environment plus
# ENV; output in $out, exit status in $rc.
run() {
	local envs=()
	while [[ $1 != -- ]]; do
		envs+=("$1")
		shift
	done
	shift
	rc=0
	out=$(env "${envs[@]}" "$aws_call" --base-ms 1 --cap-ms 5 "$@" 2>&1) || rc=$?
}

# ---- TLS ---------------------------------------------------------------------------

start_kinesalite --tls || bail "kinesalite (TLS) did not start"
[[ $KINESIS_ENDPOINT == https://* ]] || bail "kinesalite --tls gave $KINESIS_ENDPOINT"

run -- --endpoint "$KINESIS_ENDPOINT" ListStreams '{}'
is "$rc" 1 "a certificate from an unknown CA is refused by default"
like "$out" '^status=0 attempts=1 kind=local ' "... as a local error, not retried"
like "$out" 'error=local: .*(certificate|SSL)' "... saying it is about the certificate"

run -- --endpoint "$KINESIS_ENDPOINT" --ca-file "$SLUICE_TEST_CA" ListStreams '{}'
like "$out" '^status=200 attempts=1 ' "the CA file from the options verifies the server"

run AWS_CA_BUNDLE="$SLUICE_TEST_CA" -- --endpoint "$KINESIS_ENDPOINT" ListStreams '{}'
like "$out" '^status=200 attempts=1 ' "AWS_CA_BUNDLE verifies the server"

run AWS_CA_BUNDLE=/nonexistent/ca.pem -- --endpoint "$KINESIS_ENDPOINT" --ca-file "$SLUICE_TEST_CA" ListStreams '{}'
like "$out" '^status=200 ' "the option's CA file wins over AWS_CA_BUNDLE"

run -- --endpoint "$KINESIS_ENDPOINT" --no-tls-verify ListStreams '{}'
like "$out" '^status=200 attempts=1 ' "tls verification off (explicitly) accepts the server"

# The certificate is for 127.0.0.1 and localhost: another name for the same
# address must fail host verification.
port=${KINESIS_ENDPOINT##*:}
if getent hosts "$(hostname)" >/dev/null 2>&1 &&
	[[ $(getent hosts "$(hostname)" | awk '{print $1; exit}') == 127.* ]]; then
	run -- --endpoint "https://$(hostname):$port" --ca-file "$SLUICE_TEST_CA" ListStreams '{}'
	like "$out" '^status=0 attempts=1 kind=local ' "a certificate for another host name is refused"
else
	skip "the host name does not resolve to loopback here"
fi
stop_kinesalite

# ---- proxies ------------------------------------------------------------------------

start_aws_fake || bail "aws-fake did not start"
start_http_proxy || bail "http-proxy did not start"

proxied() { grep -o '"requests":[0-9]*' <<<"$(http_proxy_stats)" | cut -d: -f2; }

run http_proxy="$HTTP_PROXY_URL" -- --endpoint "$AWS_FAKE_ENDPOINT" Op '{"id":"p1","plan":["ok"]}'
like "$out" '^status=200 ' "a call with http_proxy set succeeds"
is "$(proxied)" 1 "... through the proxy from the environment"

run http_proxy="$HTTP_PROXY_URL" no_proxy=127.0.0.1 -- --endpoint "$AWS_FAKE_ENDPOINT" Op '{"id":"p2","plan":["ok"]}'
like "$out" '^status=200 ' "with no_proxy naming the host, the call succeeds"
is "$(proxied)" 1 "... without the proxy"

run http_proxy="$HTTP_PROXY_URL" -- --direct --endpoint "$AWS_FAKE_ENDPOINT" Op '{"id":"p3","plan":["ok"]}'
like "$out" '^status=200 ' "a direct client succeeds with http_proxy set"
is "$(proxied)" 1 "... without the proxy"

# That the instance-metadata addresses are never proxied is checked by the
# unit test of the no_proxy list (tests/unit/test_aws_http.c): a test must
# not send requests to the real metadata address of the machine it runs on.

done_testing
