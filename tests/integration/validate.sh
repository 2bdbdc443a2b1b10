#!/usr/bin/env bash
# Broken descriptors: `sluice validate` prints one line naming where the
# problem is, and exits 2; a valid one exits 0.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cd "$SLUICE_TEST_TMP" || bail "no temp dir"

# expect_invalid NAME REGEX JSON: validate must exit 2 with exactly one
# line on stderr matching REGEX, and nothing on stdout.
expect_invalid() {
	local name=$1 regex=$2 file="$SLUICE_TEST_TMP/$1.json" rc=0
	printf '%s\n' "$3" >"$file"
	"$SLUICE" validate "$file" >out.txt 2>err.txt || rc=$?
	is "$rc" 2 "$name: exit status 2"
	is "$(wc -l <err.txt | tr -d ' ')" 1 "$name: one line on stderr"
	like "$(cat err.txt)" "$regex" "$name: message names the place"
	is "$(cat out.txt)" "" "$name: nothing on stdout"
}

gen='{ "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "records": 10 } }'
trash='{ "id": "trash", "stage": "dev:trash", "inputs": ["gen"] }'

expect_invalid syntax '^.*/syntax\.json:3:[0-9]+: ' \
'{ "pipeline": "p",
  "stages": [
    { "id": "gen" ,, }
  ] }'
expect_invalid trailing-comma '^.*/trailing-comma\.json:1:[0-9]+: ' \
	"{ \"pipeline\": \"p\", \"stages\": [ $gen, $trash, ] }"
expect_invalid no-pipeline '^.*no-pipeline\.json: pipeline: required' \
	"{ \"stages\": [ $gen, $trash ] }"
expect_invalid unknown-stage 'stages\[0\]\.stage: plugin "dev" has no stage "generater" \(did you mean "generator"\?\)' \
	'{ "pipeline": "p", "stages": [ { "id": "gen", "stage": "dev:generater" }, '"$trash"' ] }'
expect_invalid unknown-plugin 'stages\[1\]\.stage: no plugin "trsh"' \
	"{ \"pipeline\": \"p\", \"stages\": [ $gen, { \"id\": \"t\", \"stage\": \"trsh\", \"inputs\": [\"gen\"] } ] }"
expect_invalid unknown-key 'stages\[0\]\.config\.recrods: .*did you mean "records"' \
	'{ "pipeline": "p", "stages": [ { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "recrods": 5 } }, '"$trash"' ] }'
expect_invalid wrong-type 'stages\[0\]\.config\.batch_size: expected an integer' \
	'{ "pipeline": "p", "stages": [ { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "batch_size": "ten" } }, '"$trash"' ] }'
expect_invalid missing-required 'stages\[1\]\.config\.path: required' \
	"{ \"pipeline\": \"p\", \"stages\": [ $gen, { \"id\": \"out\", \"stage\": \"file:writer\", \"inputs\": [\"gen\"] } ] }"
expect_invalid no-such-lane 'stages\[1\]\.inputs\[0\]: no lane "gne" \(did you mean "gen"\?\)' \
	"{ \"pipeline\": \"p\", \"stages\": [ $gen, { \"id\": \"trash\", \"stage\": \"dev:trash\", \"inputs\": [\"gne\"] } ] }"
expect_invalid unread-lane 'stages\[0\]: lane "gen" is read by no stage' \
	"{ \"pipeline\": \"p\", \"stages\": [ $gen ] }"
expect_invalid no-origin 'stages: no origin' \
	'{ "pipeline": "p", "stages": [ { "id": "trash", "stage": "dev:trash", "inputs": ["x"] } ] }'
expect_invalid two-origins 'stages\[1\]\.stage: a second origin' \
	"{ \"pipeline\": \"p\", \"stages\": [ $gen, { \"id\": \"gen2\", \"stage\": \"dev:generator\", \"config\": { \"preset\": \"taxi\" } }, { \"id\": \"t\", \"stage\": \"dev:trash\", \"inputs\": [\"gen\", \"gen2\"] } ] }"
expect_invalid origin-with-inputs 'stages\[0\]\.inputs: an origin' \
	"{ \"pipeline\": \"p\", \"stages\": [ { \"id\": \"gen\", \"stage\": \"dev:generator\", \"inputs\": [\"gen\"], \"config\": { \"preset\": \"taxi\" } }, $trash ] }"
expect_invalid destination-without-inputs 'stages\[2\]\.inputs: required' \
	"{ \"pipeline\": \"p\", \"stages\": [ $gen, $trash, { \"id\": \"t2\", \"stage\": \"dev:trash\" } ] }"
expect_invalid duplicate-id 'stages\[1\]\.id: "gen" is already' \
	"{ \"pipeline\": \"p\", \"stages\": [ $gen, { \"id\": \"gen\", \"stage\": \"dev:trash\", \"inputs\": [\"gen\"] } ] }"
expect_invalid error-stage-not-destination 'error_records\.stage: .*must be a destination' \
	"{ \"pipeline\": \"p\", \"stages\": [ $gen, $trash ], \"error_records\": { \"stage\": \"dev:generator\", \"config\": { \"preset\": \"taxi\" } } }"
expect_invalid preset-and-fields 'stages\[0\]\.config' \
	'{ "pipeline": "p", "stages": [ { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "fields": [ { "name": "a", "type": "int" } ] } }, '"$trash"' ] }'
expect_invalid bad-on-record-error 'stages\[1\]\.on_record_error: ' \
	"{ \"pipeline\": \"p\", \"stages\": [ $gen, { \"id\": \"t\", \"stage\": \"dev:trash\", \"inputs\": [\"gen\"], \"on_record_error\": \"ignore\" } ] }"

printf '%s\n' "{ \"pipeline\": \"p\", \"stages\": [ $gen, $trash ] }" >valid.json
rc=0
out=$("$SLUICE" validate valid.json 2>&1) || rc=$?
is "$rc" 0 "a valid descriptor: exit 0"
like "$out" 'pipeline "p" is valid \(2 stages\)' "a valid descriptor: says so"

rc=0
"$SLUICE" validate missing.json >/dev/null 2>err.txt || rc=$?
is "$rc" 2 "a missing file: exit 2"
like "$(cat err.txt)" 'missing\.json' "a missing file: named"

done_testing
