#!/usr/bin/env bash
# The sluice command itself: --version, --help everywhere, exit codes,
# options before or after the descriptor, stages and describe.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cd "$SLUICE_TEST_TMP" || bail "no temp dir"

run() { # run CMD... -> sets rc, out, err
	rc=0
	"$SLUICE" "$@" >out.txt 2>err.txt || rc=$?
	out=$(cat out.txt)
	err=$(cat err.txt)
}

run --version
is "$rc" 0 "--version: exit 0"
like "$out" '^sluice [0-9]+\.[0-9]+\.[0-9]+ \(stage ABI [0-9]+\.[0-9]+\)$' "--version: version and ABI"

run --help
is "$rc" 0 "--help: exit 0"
like "$out" 'Usage: sluice COMMAND' "--help: usage"
for cmd in run validate stages describe; do
	run "$cmd" --help
	is "$rc" 0 "$cmd --help: exit 0"
	like "$out" "Usage: sluice $cmd" "$cmd --help: its own usage"
	run help "$cmd"
	like "$out" "Usage: sluice $cmd" "help $cmd: the same"
done

run
is "$rc" 2 "no command: exit 2"
run frobnicate
is "$rc" 2 "unknown command: exit 2"
like "$err" 'no command "frobnicate"' "unknown command: named"
run validate --no-such-option x.json
is "$rc" 2 "unknown option: exit 2"
like "$err" 'unknown option --no-such-option' "unknown option: named"
run run
is "$rc" 2 "run without a descriptor: exit 2"
run run --log-level loud x.json
is "$rc" 2 "bad --log-level: exit 2"

# ---- stages and describe ----------------------------------------------------
run stages
is "$rc" 0 "stages: exit 0"
like "$out" $'(^|\n)dev:generator +origin +[^\n]+' "stages: dev:generator, an origin, with a summary"
like "$out" $'(^|\n)dev:trash +destination ' "stages: dev:trash, a destination"
like "$out" $'(^|\n)file:writer +destination ' "stages: file:writer, a destination"
bad_lines=$(grep -cvE '^[a-z0-9_-]+:[a-z0-9_-]+ +(origin|processor|destination) ' out.txt || true)
is "$bad_lines" 0 "stages: every line starts with plugin:stage and kind"

run stages --json
is "$rc" 0 "stages --json: exit 0"
names=$(printf '%s' "$out" | node -e '
let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
  const a = JSON.parse(s);
  console.log(a.map(x => x.name + "/" + x.kind).sort().join(" "));
});')
like "$names" 'dev:generator/origin' "stages --json: generator listed with its kind"
like "$names" 'file:writer/destination' "stages --json: file writer listed"

run describe dev:generator
is "$rc" 0 "describe: exit 0"
like "$out" 'dev:generator \(origin\)' "describe: name and kind"
like "$out" 'batch_size +int.*default: 1000' "describe: batch_size type and default"
like "$out" 'preset +enum.*taxi' "describe: preset enum values"
run describe dev:generator --json
default=$(printf '%s' "$out" | node -e '
let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
  const o = JSON.parse(s);
  const k = o.config.find(k => k.name === "batch_size");
  console.log(o.kind + " " + k.type + " " + k.default);
});')
is "$default" "origin int 1000" "describe --json: kind, type and default"
run describe dev:generater
is "$rc" 2 "describe of an unknown stage: exit 2"
like "$err" 'did you mean "generator"' "describe of an unknown stage: did you mean"
# (file was a one-stage plugin until file:reader came; no shipped plugin
# has a single stage now.)
run describe file
is "$rc" 2 "describe: a plugin of several stages by its name alone: exit 2"
like "$err" 'name one as "file:STAGE" \(file:reader' "describe: a plugin of several stages: its stages named"

# ---- run: options before or after the descriptor, exit codes -----------------
cat >p.json <<'JSON'
{ "pipeline": "cli-test",
  "stages": [
    { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "records": 25, "batch_size": 10 } },
    { "id": "out", "stage": "file:writer", "inputs": ["gen"], "config": { "path": "out.jsonl" } } ] }
JSON
run run --state-dir st1 p.json --log-level warn
is "$rc" 0 "run with options before and after: exit 0"
is "$(wc -l <out.jsonl | tr -d ' ')" 25 "run: 25 records written"
check "run: --state-dir created" test -d st1
run run p.json --state-dir st1
is "$(wc -l <out.jsonl | tr -d ' ')" 25 "run again on the same state dir: resumes after record 25, nothing left"
run run p.json --max-batches 1 --state-dir st1b
is "$(wc -l <out.jsonl | tr -d ' ')" 35 "run --max-batches 1 on a new state dir: one batch of 10, appended"

HOME=$SLUICE_TEST_TMP/home run run p.json --log-level error
is "$rc" 0 "run without --state-dir: exit 0"
check "run: default state dir under HOME" test -d "$SLUICE_TEST_TMP/home/.local/state/sluice/cli-test"
STATE_DIRECTORY=$SLUICE_TEST_TMP/sd run run p.json --log-level error
check "run: \$STATE_DIRECTORY used first" test -d "$SLUICE_TEST_TMP/sd/cli-test"

cat >fails.json <<'JSON'
{ "pipeline": "cli-fail",
  "stages": [
    { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "records": 5 } },
    { "id": "out", "stage": "file:writer", "inputs": ["gen"], "config": { "path": "no/such/dir/out.jsonl" } } ] }
JSON
run run fails.json --state-dir st2
is "$rc" 1 "a stage failing at run time: exit 1"
like "$err" 'out.*no/such/dir/out\.jsonl' "a stage failing at run time: stage and path named"

done_testing
