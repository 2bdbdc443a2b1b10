#!/usr/bin/env bash
# AWS core (plugins/aws): retries and backoff against a fake AWS JSON service
# (tests/servers/aws-fake.js) that throttles, fails with 5xx, drops
# connections and hangs, as scripted by each request's body.  Throttling,
# 5xx, network errors and timeouts are retried (a fresh signature each
# time, checked by the fake with aws4), up to the attempts allowed and the
# retry budget; client errors are never retried; a connection is reused.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"
# shellcheck source=tests/servers/aws-servers.sh
. "$top_srcdir/tests/servers/aws-servers.sh"

require_integration node

aws_call=$top_builddir/tests/drivers/aws_call
[[ -x $aws_call ]] || bail "$aws_call is not built (make check builds it)"

key=AKIDSLUICERETRYTEST
secret=$(head -c 30 /dev/urandom | base64 | tr -d '\n/+=')
start_aws_fake "$key" "$secret" || bail "aws-fake did not start"
export AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret
unset AWS_SESSION_TOKEN

# call ID PLAN [OPTIONS...]: one call whose body scripts the fake's answers
# (PLAN is a JSON array's inside); output in $out, exit status in $rc, the
# fake's record of the call in $seen.  Backoff is shortened to milliseconds.
call() {
	local id=$1 plan=$2
	shift 2
	rc=0
	out=$("$aws_call" --endpoint "$AWS_FAKE_ENDPOINT" --base-ms 1 --throttled-base-ms 2 \
		--cap-ms 20 "$@" TestOperation "{\"id\":\"$id\",\"plan\":[$plan]}" 2>&1) || rc=$?
	seen=$(aws_fake_attempts "$id")
}

# ---- retried, then succeeding ------------------------------------------------------

call throttle '"throttle","throttle","ok"'
like "$out" '^status=200 attempts=3 kind=none' "ThrottlingException twice, then success: 3 attempts"
like "$seen" '"attempts":3,' "... the fake saw 3 requests"
like "$seen" '"badSignatures":0' "... each one signed right"

call pte '"pte","ok"'
like "$out" '^status=200 attempts=2 ' "a namespaced ProvisionedThroughputExceededException is retried"

call header '"header","ok"'
like "$out" '^status=200 attempts=2 ' "a throttling code in X-Amzn-ErrorType alone is retried"

call fivexx '"500","503","ok"'
like "$out" '^status=200 attempts=3 ' "500 then 503 (plain text) are retried"

call drop '"drop","drop","ok"'
like "$out" '^status=200 attempts=3 ' "connections dropped without an answer are retried"
like "$seen" '"attempts":3,"connections":3' "... each retry on a new connection"

# A hung request: the total timeout ends it and the retry, more than a second
# later, carries a new X-Amz-Date: every attempt is signed afresh.
call hang '"hang","ok"' --timeout-ms 1200
like "$out" '^status=200 attempts=2 ' "a request timing out is retried"
like "$seen" '"badSignatures":0' "... the retry is signed right"
dates=$(grep -o '"dates":\[[^]]*\]' <<<"$seen")
like "$dates" '^"dates":\["[0-9T]+Z","[0-9T]+Z"\]$' "... both attempts carry X-Amz-Date"
d1=$(cut -d'"' -f4 <<<"$dates")
d2=$(cut -d'"' -f6 <<<"$dates")
isnt "$d1" "$d2" "... and the retry's signature date is a new one"

# ---- retried until the limits ---------------------------------------------------------

call always_throttle '"throttle"'
is "$rc" 1 "throttled on every attempt: the call fails"
like "$out" '^status=400 attempts=3 kind=throttling code=ThrottlingException' \
	"... after the standard mode's 3 attempts"
like "$seen" '"attempts":3,' "... the fake saw exactly 3"

call always_503 '"503"' --max-attempts 5
like "$out" '^status=503 attempts=5 kind=transient ' "--max-attempts 5: five attempts at a 503"
like "$seen" '"attempts":5,' "... the fake saw exactly 5"

# A retry budget of 12 tokens pays for two retries (5 each): the third
# retry is refused although attempts remain.
call budget '"500"' --max-attempts 10 --budget 12
like "$out" '^status=500 attempts=3 kind=transient .* budget=2 ' \
	"the retry budget stops retries once spent (2 retries for 12 tokens)"

# ---- never retried ------------------------------------------------------------------

call validation '"client","ok"'
is "$rc" 1 "a ValidationException fails the call"
like "$out" '^status=400 attempts=1 kind=client code=ValidationException' "... at once, not retried"
like "$seen" '"attempts":1,' "... the fake saw one request"
like "$out" 'error=ValidationException \(HTTP 400\): 1 validation error detected \[request id fake-' \
	"... the message and request id are reported"

call notfound '"notfound","ok"'
like "$out" '^status=400 attempts=1 kind=client code=ResourceNotFoundException' \
	"a namespaced ResourceNotFoundException is not retried"

call expired '"expired","ok"'
like "$out" '^status=400 attempts=1 kind=expired-token code=ExpiredTokenException' \
	"an expired token with credentials that cannot refresh is not retried"

# ---- connections ------------------------------------------------------------------

call reuse '"ok"' --repeat 3
is "$(grep -c '^status=200 attempts=1 ' <<<"$out")" 3 "three calls on one client succeed"
like "$seen" '"attempts":3,"connections":1' "... over one kept-alive connection"

port=$(free_port)
rc=0
out=$("$aws_call" --endpoint "http://127.0.0.1:$port" --base-ms 1 --cap-ms 5 TestOperation '{}' 2>&1) || rc=$?
like "$out" '^status=0 attempts=3 kind=transient ' "a refused connection is retried, then fails"

done_testing
