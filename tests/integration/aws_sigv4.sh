#!/usr/bin/env bash
# AWS core (plugins/aws): requests signed by our SigV4 reach a real Kinesis
# API (kinesalite) through tests/servers/sigv4-proxy.js, which recomputes
# every signature independently with the npm package aws4 and answers 403
# to a mismatch.  So: the signature over content-type;host;x-amz-date;
# x-amz-target (host with its port), with and without a session token, is
# what an independent implementation computes; a wrong secret, region or
# access key is refused and not retried (a client error).
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

start_kinesalite || bail "kinesalite did not start"
key=AKIDSLUICESIGV4TEST
secret=$(head -c 30 /dev/urandom | base64 | tr -d '\n/+=')
start_sigv4_proxy "$KINESIS_ENDPOINT" "$key" "$secret" eu-west-1 || bail "sigv4-proxy did not start"
export AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret
unset AWS_SESSION_TOKEN

# call [ENV=VALUE...] -- ARGS...: run the driver against the proxy; its
# output in $out, its exit status in $rc.
call() {
	local envs=()
	while [[ $1 != -- ]]; do
		envs+=("$1")
		shift
	done
	shift
	rc=0
	out=$(env "${envs[@]}" "$aws_call" --endpoint "$SIGV4_PROXY_ENDPOINT" --region eu-west-1 \
		--base-ms 1 --throttled-base-ms 1 --cap-ms 5 "$@" 2>&1) || rc=$?
}

call -- CreateStream '{"StreamName":"sluice-sigv4","ShardCount":1}'
is "$rc" 0 "CreateStream signed by us is accepted"
like "$out" '^status=200 attempts=1 kind=none' "... at the first attempt"

call -- ListStreams '{}'
like "$out" '"StreamNames":\["sluice-sigv4"\]' "ListStreams through the proxy sees the stream"

call -- PutRecord '{"StreamName":"sluice-sigv4","PartitionKey":"k","Data":"aGVsbG8="}'
like "$out" '^status=200 .*"SequenceNumber":"[0-9]+"' "PutRecord with a body is signed right"

# A body with non-ASCII UTF-8 and escapes: the payload hash covers the bytes.
call -- PutRecord '{"StreamName":"sluice-sigv4","PartitionKey":"clé ✓ \"q\"","Data":"AA=="}'
like "$out" '^status=200 ' "a UTF-8 body is signed right"

call AWS_SESSION_TOKEN=FQoGZXIvYXdzEXAMPLE//token+with/slashes== -- DescribeStream '{"StreamName":"sluice-sigv4"}'
like "$out" '^status=200 .*"StreamStatus":"ACTIVE"' \
	"with a session token, x-amz-security-token is signed and verified"

call -- --repeat 3 DescribeStream '{"StreamName":"sluice-sigv4"}'
is "$(grep -c '^status=200 attempts=1 ' <<<"$out")" 3 "three calls on one client are all signed right"

stats=$(sigv4_proxy_stats)
like "$stats" '"verified":8,"rejected":0' "the proxy verified every request (8) and rejected none"

# ---- what must be refused --------------------------------------------------------

call AWS_SECRET_ACCESS_KEY="${secret}x" -- ListStreams '{}'
is "$rc" 1 "a wrong secret fails the call"
like "$out" '^status=403 attempts=1 kind=client code=InvalidSignatureException' \
	"... with 403 InvalidSignatureException, not retried"
unlike "$out" "$secret" "... and the secret is not in the output"

call -- --region us-west-2 ListStreams '{}'
like "$out" '^status=403 attempts=1 kind=client ' "a request signed for another region is refused"

call AWS_ACCESS_KEY_ID=AKIDOTHER -- ListStreams '{}'
like "$out" '^status=403 attempts=1 kind=client ' "an unknown access key is refused"

stats=$(sigv4_proxy_stats)
like "$stats" '"verified":8,"rejected":3' "the proxy rejected exactly those three"
like "$stats" 'signature mismatch' "... the wrong secret as a signature mismatch"

# The proxy's own check is not a rubber stamp: an unsigned request (the
# harness's kinesis_call sends a dummy signature) is refused too.
if kinesis_call "$SIGV4_PROXY_ENDPOINT" ListStreams >/dev/null 2>&1; then
	not_ok "a dummy signature is refused by the proxy"
else
	ok "a dummy signature is refused by the proxy"
fi

done_testing
