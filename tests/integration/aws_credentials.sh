#!/usr/bin/env bash
# AWS core (plugins/aws): the credentials chain against fake credential
# endpoints on loopback (tests/servers/aws-credentials-fake.js: STS, ECS,
# IMDSv2) and temp files, in the AWS SDKs' order; the credentials found sign
# a call to the fake's service, which accepts only what it issued (or the
# static key it was given), so every source is checked end to end.  STS
# answers with short expirations show the refresh before expiry; an
# ExpiredTokenException shows the refresh after it.  No secret ever shows
# in the output.  Every endpoint is overridden: nothing leaves 127.0.0.1.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"
# shellcheck source=tests/servers/aws-servers.sh
. "$top_srcdir/tests/servers/aws-servers.sh"

require_integration node

aws_call=$top_builddir/tests/drivers/aws_call
[[ -x $aws_call ]] || bail "$aws_call is not built (make check builds it)"

# Nothing from the caller's environment: no AWS variable, an empty home.
while read -r v; do unset "$v"; done < <(compgen -e | grep '^AWS_' || true)
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY no_proxy NO_PROXY ALL_PROXY all_proxy
export HOME=$SLUICE_TEST_TMP/home
mkdir -p "$HOME/.aws"

rand() { head -c 30 /dev/urandom | base64 | tr -d '\n/+='; }
static_key=AKIDSLUICESTATIC
static_secret=S3CR3T$(rand)
web_token=JWT$(rand).S3CR3TPAYLOAD.sig
ecs_token=ECS$(rand)
export FAKE_KNOWN_KEYS="$static_key:$static_secret" FAKE_WEB_IDENTITY_TOKEN=$web_token \
	FAKE_ECS_TOKEN=$ecs_token
start_aws_credentials_fake || bail "aws-credentials-fake did not start"
unset FAKE_KNOWN_KEYS FAKE_WEB_IDENTITY_TOKEN FAKE_ECS_TOKEN

# Every credential endpoint points at the fake; IMDS is off unless a test
# turns it on (it is still pointed at the fake, never at 169.254.169.254).
export AWS_ENDPOINT_URL_STS=$AWS_CREDS_FAKE/sts/
export AWS_EC2_METADATA_SERVICE_ENDPOINT=$AWS_CREDS_FAKE
export AWS_EC2_METADATA_DISABLED=true

all_output=$SLUICE_TEST_TMP/all-output
: >"$all_output"

# call [DRIVER-OPTIONS...]: one signed call to the fake's service with the
# chain's credentials; output in $out, exit status in $rc, the fake's
# counts in $stats.
call() {
	rc=0
	out=$("$aws_call" --endpoint "$AWS_CREDS_FAKE" --chain --base-ms 1 --cap-ms 5 \
		--timeout-ms 5000 "$@" TestOperation '{}' 2>&1) || rc=$?
	printf '%s\n' "$out" >>"$all_output"
	stats=$(creds_fake_stats)
}
# count NAME: a counter of the fake's stats.
count() { grep -o "\"$1\":[0-9]*" <<<"$stats" | cut -d: -f2; }

# ---- web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN) ---------------------

printf '%s\n' "$web_token" >"$SLUICE_TEST_TMP/token"
export AWS_WEB_IDENTITY_TOKEN_FILE=$SLUICE_TEST_TMP/token
export AWS_ROLE_ARN=arn:aws:iam::123456789012:role/web
export AWS_ROLE_SESSION_NAME=pod-session
call
like "$out" '^status=200 attempts=1 kind=none .*"issuedBy":"sts","role":"arn:aws:iam::123456789012:role/web"' \
	"web identity: the role's credentials sign an accepted call"
like "$out" 'source=web identity \(role arn:aws:iam::123456789012:role/web\)' "... the source is named"
is "$(count webIdentity)" 1 "... one AssumeRoleWithWebIdentity"
like "$stats" '"roleSessionName":"pod-session"' "... with AWS_ROLE_SESSION_NAME"
like "$stats" '"authorization":false,"tokenMatched":true' "... unsigned, with the token from the file"
like "$stats" '"contentType":"application/x-www-form-urlencoded; charset=utf-8"' "... form-encoded"

printf 'not-the-token\n' >"$SLUICE_TEST_TMP/token"
call
is "$rc" 1 "a token STS refuses fails the call"
like "$out" 'error=.*STS AssumeRoleWithWebIdentity arn:aws:iam::123456789012:role/web: InvalidIdentityToken \(HTTP 400\): The web identity token is not valid' \
	"... with STS's code and message"
unlike "$out" 'not-the-token' "... and not the token"
printf '%s\n' "$web_token" >"$SLUICE_TEST_TMP/token"

# The environment comes before web identity.
AWS_ACCESS_KEY_ID=$static_key AWS_SECRET_ACCESS_KEY=$static_secret call
like "$out" '"issuedBy":"static"' "environment keys win over web identity"
like "$out" 'source=environment' "... source environment"
is "$(count webIdentity)" 1 "... STS not asked"

# Web identity comes before the shared files.
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$static_key" \
	"$static_secret" >"$HOME/.aws/credentials"
call
like "$out" 'source=web identity' "web identity wins over the default profile"
unset AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_ROLE_SESSION_NAME
call
like "$out" 'source=profile default \(shared files\)' "without it, the default profile"

# ---- profiles with role_arn ---------------------------------------------------------

cat >"$HOME/.aws/config" <<CONF
[profile ops]
role_arn = arn:aws:iam::123456789012:role/ops
source_profile = default
external_id = ext-123
role_session_name = ops-session
duration_seconds = 1800
region = eu-west-3

[profile chained]
role_arn = arn:aws:iam::123456789012:role/chained
source_profile = ops

[profile webprofile]
role_arn = arn:aws:iam::123456789012:role/webprofile
web_identity_token_file = $SLUICE_TEST_TMP/token
CONF
before=$(count assumeRole)
call --profile ops
like "$out" '"issuedBy":"sts","role":"arn:aws:iam::123456789012:role/ops"' \
	"profile role_arn + source_profile: AssumeRole's credentials are accepted"
like "$out" 'source=profile ops \(role arn:aws:iam::123456789012:role/ops, source_profile default\)' \
	"... source named"
is "$(count assumeRole)" $((before + 1)) "... one AssumeRole"
like "$stats" "\"externalId\":\"ext-123\",\"durationSeconds\":\"1800\"" "... with external_id and duration_seconds"
like "$stats" '"roleSessionName":"ops-session"' "... and role_session_name"
like "$stats" "\"signedWith\":\"$static_key\",\"region\":\"eu-west-3\"" \
	"... signed (aws4 verified) with the source profile's key, for the profile's region"

call --profile chained
like "$out" '"role":"arn:aws:iam::123456789012:role/chained"' "a role profile sourcing a role profile"
like "$stats" '"signedWith":"ASIASTS[0-9]+"' "... the second AssumeRole signed with the first's credentials"

call --profile webprofile
like "$out" '"role":"arn:aws:iam::123456789012:role/webprofile"' "profile role_arn + web_identity_token_file"

# ---- the configuration's role_arn on top of the chain -------------------------------

export AWS_ACCESS_KEY_ID=$static_key AWS_SECRET_ACCESS_KEY=$static_secret
call --role-arn arn:aws:iam::123456789012:role/sdc --external-id sdc-ext --role-session-name sdc-run
like "$out" '"role":"arn:aws:iam::123456789012:role/sdc"' "role_arn assumed on top of environment keys"
like "$out" 'source=role arn:aws:iam::123456789012:role/sdc \(assumed with credentials from environment\)' \
	"... source says both"
like "$stats" '"roleSessionName":"sdc-run","externalId":"sdc-ext"' "... external id and session name sent"
like "$stats" "\"signedWith\":\"$static_key\"" "... signed with the environment's key"

# (The environment comes before any profile, as in the SDKs: unset for this one.)
AWS_ACCESS_KEY_ID='' AWS_SECRET_ACCESS_KEY='' call --role-arn arn:aws:iam::123456789012:role/sdc \
	--profile ops
like "$out" 'source=role arn:aws:iam::123456789012:role/sdc \(assumed with credentials from profile ops \(role' \
	"... and on top of a role profile's credentials"
like "$stats" '"signedWith":"ASIASTS[0-9]+"' "... signed with the profile role's credentials"

call --role-arn arn:aws:iam::123456789012:role/sdc
like "$stats" '"roleSessionName":"sluice-[0-9]+"' "a default session name, sluice-<time>"

creds_fake_set stsError=AccessDenied
call --role-arn arn:aws:iam::123456789012:role/sdc
is "$rc" 1 "STS refusing the role fails the call"
like "$out" 'error=.*role_arn \(with credentials from environment\): STS AssumeRole arn:aws:iam::123456789012:role/sdc: AccessDenied \(HTTP 403\): fake refusal AccessDenied' \
	"... with STS's code and message"
creds_fake_set stsError=

# The STS endpoint can come from the configuration, AWS_ENDPOINT_URL_STS or
# AWS_ENDPOINT_URL.
AWS_ENDPOINT_URL_STS=http://127.0.0.1:1 call --role-arn arn:aws:iam::123456789012:role/sdc \
	--sts-endpoint "$AWS_CREDS_FAKE/sts/"
like "$out" '^status=200 ' "the configuration's sts endpoint wins over AWS_ENDPOINT_URL_STS"
AWS_ENDPOINT_URL_STS='' AWS_ENDPOINT_URL=$AWS_CREDS_FAKE/sts/ call --role-arn arn:aws:iam::1:role/x
like "$out" '^status=200 ' "AWS_ENDPOINT_URL serves STS when AWS_ENDPOINT_URL_STS is unset"

# ---- refresh ---------------------------------------------------------------------

# Credentials valid for 304 s are refreshed 300 s early: after 3 to 4 s.
creds_fake_set expiresIn=304
before=$(count assumeRole)
call --role-arn arn:aws:iam::123456789012:role/sdc --repeat 3 --sleep-ms 2500
is "$(grep -c '^status=200 attempts=1 ' <<<"$out")" 3 "three calls over 5 s succeed"
is "$(count assumeRole)" $((before + 2)) "... the credentials were fetched again once, before expiry"
callers=$(grep -o '"caller":"[A-Z0-9]*"' <<<"$out" | cut -d'"' -f4)
is "$(sed -n 1p <<<"$callers")" "$(sed -n 2p <<<"$callers")" "... the first two calls share credentials"
isnt "$(sed -n 2p <<<"$callers")" "$(sed -n 3p <<<"$callers")" "... the third uses new ones"
creds_fake_set expiresIn=3600

# The service says the token expired although its Expiration is an hour
# away: the provider is invalidated, fetches anew, and the call succeeds.
creds_fake_set serviceLifetime=1
before=$(count assumeRole)
call --role-arn arn:aws:iam::123456789012:role/sdc --repeat 2 --sleep-ms 1500
like "$(sed -n 3p <<<"$out")" '^status=200 attempts=2 kind=none' \
	"an ExpiredTokenException refreshes the credentials and the retry succeeds"
is "$(count serviceExpired)" 1 "... the service refused the old token once"
is "$(count assumeRole)" $((before + 2)) "... and STS was asked again"
creds_fake_set serviceLifetime=0
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

# ---- ECS container credentials --------------------------------------------------------
# Only AWS_CONTAINER_CREDENTIALS_FULL_URI, pointed at the fake: the relative
# URI would mean 169.254.170.2, which a test never contacts.

rm -f "$HOME/.aws/credentials" "$HOME/.aws/config"
export AWS_CONTAINER_CREDENTIALS_FULL_URI=$AWS_CREDS_FAKE/ecs/v2/credentials/task-1
export AWS_CONTAINER_AUTHORIZATION_TOKEN=$ecs_token
call
like "$out" '"issuedBy":"ecs"' "ECS: the container endpoint's credentials sign an accepted call"
like "$out" 'source=container credentials endpoint' "... source named"
is "$(count ecs)" 1 "... one request, with the authorization token"

printf '%s\n' "$ecs_token" >"$SLUICE_TEST_TMP/ecs-token"
AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$SLUICE_TEST_TMP/ecs-token call
like "$out" '"issuedBy":"ecs"' "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE wins over the variable"

AWS_CONTAINER_AUTHORIZATION_TOKEN=S3CR3TWRONGTOKEN call
is "$rc" 1 "a token the endpoint refuses fails the call"
like "$out" 'error=.*container credentials endpoint: HTTP 403' "... with the status"
unlike "$out" 'S3CR3TWRONGTOKEN' "... and not the token"

printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$static_key" \
	"$static_secret" >"$HOME/.aws/credentials"
call
like "$out" 'source=profile default' "the shared files come before the container endpoint"
rm -f "$HOME/.aws/credentials"

cat >"$HOME/.aws/config" <<CONF
[profile ecsrole]
role_arn = arn:aws:iam::123456789012:role/ecsrole
credential_source = EcsContainer
CONF
call --profile ecsrole
like "$out" '"role":"arn:aws:iam::123456789012:role/ecsrole"' "profile role_arn + credential_source = EcsContainer"
like "$stats" '"signedWith":"ASIAECS[0-9]+"' "... signed with the container's credentials"
rm -f "$HOME/.aws/config"

call --role-arn arn:aws:iam::123456789012:role/from-ecs
like "$out" '"role":"arn:aws:iam::123456789012:role/from-ecs"' "role_arn on top of ECS credentials"
like "$stats" '"signedWith":"ASIAECS[0-9]+"' "... signed with them"

# The metadata endpoints never go through a proxy: with http_proxy set, the
# service call is proxied, the ECS request is not.
start_http_proxy || bail "http-proxy did not start"
before=$(count ecs)
http_proxy=$HTTP_PROXY_URL call
like "$out" '^status=200 ' "with http_proxy set, ECS credentials still come"
is "$(count ecs)" $((before + 1)) "... from the endpoint"
proxied=$(http_proxy_stats)
like "$proxied" '"requests":1,' "... and only the service call went through the proxy"

# ---- EC2 instance metadata (IMDSv2), always the fake ----------------------------------

export AWS_EC2_METADATA_DISABLED=false
call
like "$out" '"issuedBy":"ecs"' "the container endpoint comes before instance metadata"
unset AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN
call
like "$out" '"issuedBy":"imds"' "IMDS: the instance role's credentials sign an accepted call"
like "$out" 'source=instance metadata \(role sluice-instance-role\)' "... source names the role"
is "$(count imdsToken)" 2 "... a session token PUT for each of the two GETs"
is "$(count imdsRole) $(count imdsCredentials)" "1 1" "... the role looked up, its credentials fetched"
like "$stats" '"lastImdsTtl":"21600"' "... the token asked for with a TTL"
is "$(count imdsRejected)" 0 "... no request without a token"

http_proxy=$HTTP_PROXY_URL call
like "$(http_proxy_stats)" '"requests":2,' "IMDS requests never go through the proxy"

# Refreshed before expiry like any temporary credentials.
creds_fake_set expiresIn=304
before=$(count imdsCredentials)
call --repeat 2 --sleep-ms 4500
is "$(grep -c '^status=200 attempts=1 ' <<<"$out")" 2 "two calls 4.5 s apart succeed"
is "$(count imdsCredentials)" $((before + 2)) "... the instance credentials were fetched again"
creds_fake_set expiresIn=3600

printf '[profile imdsrole]\nrole_arn = arn:aws:iam::123456789012:role/imdsrole\ncredential_source = Ec2InstanceMetadata\n' \
	>"$HOME/.aws/config"
call --profile imdsrole
like "$stats" '"roleArn":"arn:aws:iam::123456789012:role/imdsrole".*"signedWith":"ASIAIMDS[0-9]+"' \
	"profile role_arn + credential_source = Ec2InstanceMetadata"
rm -f "$HOME/.aws/config"

AWS_EC2_METADATA_DISABLED=TRUE call
is "$rc" 1 "AWS_EC2_METADATA_DISABLED=true: nothing found"
like "$out" 'no AWS credentials found' "... says so"

port=$(free_port)
AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$port call
like "$out" 'no AWS credentials found' "an instance metadata endpoint that does not answer: nothing found"

# ---- no secrets in the output ---------------------------------------------------------

for secret in "$static_secret" "$web_token" "$ecs_token" S3CR3TPAYLOAD TOKENsts; do
	if grep -qF -- "$secret" "$all_output"; then
		not_ok "no secret in any output (found ${secret:0:6}...)"
	else
		ok "no secret in any output (${secret:0:6}...)"
	fi
done

done_testing
