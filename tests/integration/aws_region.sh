#!/usr/bin/env bash
# AWS core (plugins/aws): region resolution down to its last step, the EC2
# instance metadata service (IMDSv2, tests/servers/aws-credentials-fake.js
# on loopback), and the Kinesis endpoint from AWS_ENDPOINT_URL_KINESIS /
# AWS_ENDPOINT_URL, through the aws_call driver's --resolve-only.  The
# metadata endpoint is always the fake: nothing leaves 127.0.0.1.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"
# shellcheck source=tests/servers/aws-servers.sh
. "$top_srcdir/tests/servers/aws-servers.sh"

require_integration node

aws_call=$top_builddir/tests/drivers/aws_call
[[ -x $aws_call ]] || bail "$aws_call is not built (make check builds it)"

while read -r v; do unset "$v"; done < <(compgen -e | grep '^AWS_' || true)
unset KINESIS_ENDPOINT
export HOME=$SLUICE_TEST_TMP/home
mkdir -p "$HOME/.aws"

start_aws_credentials_fake || bail "aws-credentials-fake did not start"
export AWS_EC2_METADATA_SERVICE_ENDPOINT=$AWS_CREDS_FAKE
export AWS_EC2_METADATA_DISABLED=true

resolve() { rc=0; out=$("$aws_call" --resolve-only "$@" 2>&1) || rc=$?; }
count() { grep -o "\"$1\":[0-9]*" <<<"$(creds_fake_stats)" | cut -d: -f2; }

resolve
is "$rc" 1 "no region anywhere, IMDS disabled: an error"
like "$out" '^error=no AWS region: ' "... saying so"

export AWS_EC2_METADATA_DISABLED=false
resolve
like "$out" '^region=eu-north-1 \(instance metadata\) endpoint=https://kinesis.eu-north-1.amazonaws.com \(the region\)$' \
	"the instance's region from IMDS, and the regional endpoint"
is "$(count imdsRegion)" 1 "... one placement/region GET"
is "$(count imdsToken)" 1 "... after one session token PUT"

printf '[default]\nregion = ap-southeast-2\n' >"$HOME/.aws/config"
resolve
like "$out" '^region=ap-southeast-2 \(profile default\) ' "the profile's region comes before IMDS"
is "$(count imdsRegion)" 1 "... IMDS not asked"
AWS_DEFAULT_REGION=us-west-1 resolve
like "$out" '^region=us-west-1 \(AWS_DEFAULT_REGION\) ' "AWS_DEFAULT_REGION before the profile"
AWS_REGION=us-east-2 AWS_DEFAULT_REGION=us-west-1 resolve
like "$out" '^region=us-east-2 \(AWS_REGION\) ' "AWS_REGION before AWS_DEFAULT_REGION"
AWS_REGION=us-east-2 resolve --region eu-west-1
like "$out" '^region=eu-west-1 \(the configuration\) ' "the configuration first"

AWS_ENDPOINT_URL=http://127.0.0.1:4567 resolve
like "$out" ' endpoint=http://127.0.0.1:4567 \(AWS_ENDPOINT_URL\)$' "AWS_ENDPOINT_URL"
AWS_ENDPOINT_URL=http://127.0.0.1:4567 AWS_ENDPOINT_URL_KINESIS=http://127.0.0.1:4568 resolve
like "$out" ' endpoint=http://127.0.0.1:4568 \(AWS_ENDPOINT_URL_KINESIS\)$' \
	"AWS_ENDPOINT_URL_KINESIS before AWS_ENDPOINT_URL"
AWS_ENDPOINT_URL_KINESIS=http://127.0.0.1:4568 resolve --endpoint http://127.0.0.1:4569
like "$out" ' endpoint=http://127.0.0.1:4569 \(the configuration\)$' "the configured endpoint first"

done_testing
