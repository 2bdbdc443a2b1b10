#!/usr/bin/env bash
# The runner's delivery rules (DESIGN §4, §5): only unfinished records are
# re-offered; a destination that keeps failing stops the run with exit 1;
# record errors become error records with the stage's attributes, as each
# stage's on_record_error says; required fields; a push origin's runners
# with one instance of each stage per runner; the error stage.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cd "$SLUICE_TEST_TMP" || bail "no temp dir"
kit="--plugin-path $top_builddir/tests/integration/plugins/.libs"

# pipeline NAME GEN_CONFIG MIDDLE_STAGES LAST_INPUT FLAKY_CONFIG [EXTRA_TOP]
pipeline() {
	cat >"$1.json" <<JSON
{ "pipeline": "$1",
  "retry": { "attempts": 3, "backoff": "1ms", "max_backoff": "5ms" },
  "stages": [
    { "id": "gen", "stage": "dev:generator", "config": $2 },
    $3
    { "id": "sink", "stage": "testkit:flaky", "inputs": ["$4"], "config": $5 }
  ]${6:+, $6} }
JSON
}

run() { # NAME -> rc, err
	rc=0
	# shellcheck disable=SC2086
	"$SLUICE" run "$1.json" $kit --state-dir "state-$1" --log-level warn >out.txt 2>err.txt || rc=$?
	err=$(cat err.txt)
}

# ---- retries: only the unfinished records are offered again ------------------
pipeline retry '{ "preset": "taxi", "records": 30, "batch_size": 30 }' '' gen \
	'{ "log": "retry.log", "retry_every": 10, "retry_times": 2 }'
run retry
is "$rc" 0 "retries that succeed: exit 0"
is "$(sed -n 1p retry.log | wc -w)" 31 "first offer: the whole batch (30 records)"
is "$(sed -n 2p retry.log | cut -d' ' -f2-)" "0 10 20" "second offer: only the records asked to retry"
is "$(sed -n 3p retry.log | cut -d' ' -f2-)" "0 10 20" "third offer: the same, still unfinished"
is "$(wc -l <retry.log | tr -d ' ')" 3 "no fourth offer: all were written"

# ---- a destination that keeps failing: exit 1, no more offers ----------------
pipeline stuck '{ "preset": "taxi", "records": 20, "batch_size": 10 }' '' gen \
	'{ "log": "stuck.log", "retry_forever": 3 }'
run stuck
is "$rc" 1 "a record never written: exit 1"
like "$err" 'sink: 1 record\(s\) still not written after 3 attempts' "the stage and the attempts are named"
is "$(wc -l <stuck.log | tr -d ' ')" 3 "offered exactly retry.attempts times, and no later batch"
is "$(sed -n 3p stuck.log | cut -d' ' -f2-)" "3" "the last offers carry only the stuck record"
committed=$(node -e '
const fs = require("fs"), f = "state-stuck/offsets.json";
console.log(fs.existsSync(f) ? JSON.stringify(JSON.parse(fs.readFileSync(f)).offsets) : "none");')
like "$committed" '^(none|\{\})$' "the stuck batch's offset was not committed"

# ---- record errors become error records -------------------------------------
pipeline errs '{ "preset": "taxi", "records": 50, "batch_size": 25, "corrupt_fraction": 0 }' '' gen \
	'{ "log": "errs.log", "error_every": 7 }'
run errs
is "$rc" 0 "record errors: the run goes on (exit 0)"
errors_file=state-errs/errors.jsonl
check "errors.jsonl in the state directory" test -s "$errors_file"
summary=$(node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
console.log(lines.map(l => [l.value.seq, l.attributes["sluice.error.stage"], l.attributes["sluice.error.code"],
  l.attributes["sluice.error.message"]].join("|")).join(";"));' "$errors_file")
is "$summary" "0|sink|TESTKIT_01|seq 0 refused;7|sink|TESTKIT_01|seq 7 refused;14|sink|TESTKIT_01|seq 14 refused;21|sink|TESTKIT_01|seq 21 refused;28|sink|TESTKIT_01|seq 28 refused;35|sink|TESTKIT_01|seq 35 refused;42|sink|TESTKIT_01|seq 42 refused;49|sink|TESTKIT_01|seq 49 refused" \
	"each refused record, whole, with stage, code and message"
like "$err" 'error records: 8 to .*errors\.jsonl' "the end summary says where error records went"

# ---- a processor's errors, and on_record_error ------------------------------
reject='{ "id": "rej", "stage": "testkit:reject", "inputs": ["gen"], "config": { "every": 5 }, "on_record_error": "ON_ERROR" },'
pipeline to_error '{ "preset": "taxi", "records": 20, "batch_size": 20 }' "${reject/ON_ERROR/to_error}" rej \
	'{ "log": "to_error.log" }'
run to_error
is "$(wc -l <state-to_error/errors.jsonl | tr -d ' ')" 4 "processor errors (to_error): 4 error records"
is "$(wc -w <to_error.log | tr -d ' ')" 17 "processor errors: the 16 others went on"
like "$(head -n 1 state-to_error/errors.jsonl)" '"sluice.error.stage":"rej".*"sluice.error.code":"TESTKIT_02"' \
	"processor errors: the processor's id and code"
pipeline discard '{ "preset": "taxi", "records": 20, "batch_size": 20 }' "${reject/ON_ERROR/discard}" rej \
	'{ "log": "discard.log" }'
run discard
is "$rc" 0 "on_record_error discard: exit 0"
check_fails "on_record_error discard: no error records" test -e state-discard/errors.jsonl
pipeline stop '{ "preset": "taxi", "records": 20, "batch_size": 20 }' "${reject/ON_ERROR/stop_pipeline}" rej \
	'{ "log": "stop.log" }'
run stop
is "$rc" 1 "on_record_error stop_pipeline: exit 1"
like "$err" 'rej: record error TESTKIT_02: seq 0 rejected' "on_record_error stop_pipeline: the record named"
check_fails "on_record_error stop_pipeline: nothing written" test -s stop.log

# ---- an origin's error records (sluice_batch_add_error), and on_record_error --
# testkit:badgen pushes 3 batches of 10 records from its own thread and sends
# seq n (n > 0, a multiple of error_every) to error handling.
badgen() { # NAME ERROR_EVERY ON_ERROR [EXTRA_TOP]
	cat >"$1.json" <<JSON
{ "pipeline": "$1",
  "stages": [
    { "id": "gen", "stage": "testkit:badgen", "config": { "error_every": $2 }, "on_record_error": "$3" },
    { "id": "sink", "stage": "testkit:flaky", "inputs": ["gen"], "config": { "log": "$1.log" } }
  ]${4:+, $4} }
JSON
}
committed_offset() { # NAME: the committed offset under "", or "none"
	node -e '
const fs = require("fs"), f = process.argv[1];
console.log(fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f)).offsets[""] ?? "none") : "none");' "state-$1/offsets.json"
}
badgen oerr 4 to_error
run oerr
is "$rc" 0 "origin errors (to_error): exit 0"
is "$(cut -d' ' -f2- oerr.log | tr '\n' ' ')" "0 1 2 3 5 6 7 9 10 11 13 14 15 17 18 19 21 22 23 25 26 27 29 " \
	"origin errors: the other records went on"
is "$(node -e '
const ls = require("fs").readFileSync("state-oerr/errors.jsonl", "utf8").trim().split("\n").map(JSON.parse);
console.log(ls.map(l => [l.value.seq, l.attributes["sluice.error.stage"], l.attributes["sluice.error.code"],
  l.attributes["sluice.error.message"]].join("|")).join(";"));')" \
	"4|gen|TESTKIT_03|seq 4 unreadable;8|gen|TESTKIT_03|seq 8 unreadable;12|gen|TESTKIT_03|seq 12 unreadable;16|gen|TESTKIT_03|seq 16 unreadable;20|gen|TESTKIT_03|seq 20 unreadable;24|gen|TESTKIT_03|seq 24 unreadable;28|gen|TESTKIT_03|seq 28 unreadable" \
	"origin errors: error records with the origin's id, code and message"
is "$(committed_offset oerr)" 30 "origin errors: every batch committed"
badgen oerr_stage 4 to_error \
	'"error_records": { "stage": "file:writer", "config": { "path": "oerr-stage.jsonl", "with_attributes": true } }'
run oerr_stage
is "$(wc -l <oerr-stage.jsonl | tr -d ' ')" 7 "origin errors: the error stage takes them"
check_fails "origin errors with an error stage: no errors.jsonl" test -e state-oerr_stage/errors.jsonl
badgen odiscard 4 discard
run odiscard
is "$rc" 0 "origin errors (discard): exit 0"
check_fails "origin errors (discard): no error records" test -e state-odiscard/errors.jsonl
is "$(cut -d' ' -f2- odiscard.log | wc -w | tr -d ' ')" 23 "origin errors (discard): the others went on"
badgen ostop 15 stop_pipeline
run ostop
is "$rc" 1 "origin errors (stop_pipeline): exit 1"
like "$err" 'gen: record error TESTKIT_03: seq 15 unreadable \(on_record_error is stop_pipeline\)' \
	"origin errors (stop_pipeline): the record named"
is "$(cut -d' ' -f2- ostop.log | tr '\n' ' ')" "0 1 2 3 4 5 6 7 8 9 " "stop_pipeline: the failing batch reached no stage"
is "$(committed_offset ostop)" 10 "stop_pipeline: the failing batch's offset not committed"
rc=0
# shellcheck disable=SC2086
"$SLUICE" preview oerr.json -n 10 $kit --state-dir state-opv >opv.txt 2>opv.err || rc=$?
is "$rc" 0 "preview of origin errors: exit 0"
like "$(cat opv.txt)" '== error records: 2' "preview: the origin's error records"
like "$(cat opv.txt)" '"sluice.error.stage":"gen","sluice.error.code":"TESTKIT_03","sluice.error.message":"seq 8 unreadable"' \
	"preview: with the origin's reason"

# ---- required fields ----------------------------------------------------------
cat >required.json <<'JSON'
{ "pipeline": "required",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "records": 2000, "batch_size": 500, "corrupt_fraction": 0 } },
    { "id": "sink", "stage": "testkit:flaky", "inputs": ["gen"], "config": { "log": "required.log" },
      "required_fields": ["/medallion", "/tip_amount"] },
    { "id": "sink2", "stage": "testkit:flaky", "inputs": ["gen"], "config": { "log": "required2.log" },
      "required_fields": ["/no_such_field"] } ] }
JSON
run required
is "$rc" 0 "required fields: exit 0"
is "$(cat required.log | wc -w)" $((2000 + 4)) "records with the required fields all reach the stage"
is "$(cat required2.log | tr -d '0-9 \n')" "" "records without a required field never reach the stage"
is "$(wc -l <state-required/errors.jsonl | tr -d ' ')" 2000 "each becomes an error record"
like "$(head -n 1 state-required/errors.jsonl)" '"sluice.error.stage":"sink2","sluice.error.code":"SLUICE_REQUIRED_FIELD","sluice.error.message":"required field /no_such_field is missing"' \
	"naming the stage and the missing field"

# ---- a push origin: runners, one instance per runner, the same records -------
cat >threads.json <<'JSON'
{ "pipeline": "threads",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "seed": 3, "records": 25000, "batch_size": 1000, "threads": 4 } },
    { "id": "sink", "stage": "testkit:flaky", "inputs": ["gen"], "config": { "log": "threads.log" } },
    { "id": "out", "stage": "file:writer", "inputs": ["gen"], "config": { "path": "threads.jsonl" } } ] }
JSON
sed -e 's/"threads": 4/"threads": 1/; s/threads\.jsonl/single.jsonl/; s/threads\.log/single.log/; s/"pipeline": "threads"/"pipeline": "single"/' \
	threads.json >single.json
run threads
is "$rc" 0 "4 threads: exit 0"
is "$(cut -d' ' -f1 threads.log | sort -u | tr '\n' ' ')" "0 1 2 3 " "4 runners: 4 instances of the destination"
run single
cmp -s <(sort single.jsonl) <(sort threads.jsonl)
is "$?" 0 "4 threads make the same 25000 records as one"
is "$(wc -l <threads.jsonl | tr -d ' ')" 25000 "each exactly once"
bad=$(node -e '
const fs = require("fs"); let bad = 0;
for (const l of fs.readFileSync("threads.jsonl", "utf8").trim().split("\n")) { try { JSON.parse(l) } catch (e) { bad++ } }
console.log(bad);')
is "$bad" 0 "the shared file writer's lines never interleave"

# ---- the error stage --------------------------------------------------------
pipeline estage '{ "preset": "taxi", "records": 30, "batch_size": 30 }' '' gen \
	'{ "log": "estage.log", "error_every": 3 }' \
	'"error_records": { "stage": "file:writer", "config": { "path": "estage-errors.jsonl", "with_attributes": true } }'
run estage
is "$rc" 0 "error stage: exit 0"
is "$(wc -l <estage-errors.jsonl | tr -d ' ')" 10 "error stage: took every error record"
check_fails "error stage: no errors.jsonl besides it" test -e state-estage/errors.jsonl

# ---- a whole-call failure stops the run --------------------------------------
pipeline failcall '{ "preset": "taxi", "records": 100, "batch_size": 10 }' '' gen \
	'{ "log": "failcall.log", "fail_at_call": 3 }'
run failcall
is "$rc" 1 "a destination failing a call: exit 1"
like "$err" 'sink: failing call 3 on purpose' "its message is reported"
is "$(wc -l <failcall.log | tr -d ' ')" 3 "no batch after the failed one"

# ---- retry settings are checked ------------------------------------------------
pipeline badretry '{ "preset": "taxi", "records": 1 }' '' gen '{ "log": "x.log" }'
sed -i 's/"attempts": 3/"attempts": 0/' badretry.json
rc=0
# shellcheck disable=SC2086
"$SLUICE" validate badretry.json $kit >/dev/null 2>err.txt || rc=$?
is "$rc" 2 "retry.attempts 0: invalid"
like "$(cat err.txt)" 'retry\.attempts: ' "retry.attempts 0: located"

# ---- preview: each stage shown, nothing written, nothing committed -----------
pipeline pv '{ "preset": "taxi", "records": 100, "batch_size": 50 }' "${reject/ON_ERROR/to_error}" rej \
	'{ "log": "pv.log" }'
rc=0
# shellcheck disable=SC2086
"$SLUICE" preview pv.json -n 10 $kit --state-dir state-pv >pv.txt 2>pv.err || rc=$?
is "$rc" 0 "preview: exit 0"
like "$(cat pv.txt)" '== gen \(dev:generator\) -> lane gen: 10 record\(s\)' "preview: the origin's records, at most -n"
like "$(cat pv.txt)" '== rej \(testkit:reject\) -> lane rej: 8 record\(s\)' "preview: the processor's lane"
like "$(cat pv.txt)" '== sink \(testkit:flaky\) was given 8 record\(s\)' "preview: what the destination was given"
like "$(cat pv.txt)" '== error records: 2' "preview: the error records"
like "$(cat pv.txt)" '"sluice.error.message":"seq 5 rejected"' "preview: with their reason"
is "$(cat pv.log 2>/dev/null)" "" "preview: the destination wrote nothing"
check_fails "preview: no error records written" test -e state-pv/errors.jsonl
stages=$("$SLUICE" preview pv.json -n 4 --json $kit --state-dir state-pv 2>/dev/null | node -e '
let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
  const o = JSON.parse(s);
  console.log(o.stages.map(x => x.id + ":" + (x.records || x.input).length).join(" ") + " errors:" + o.errors.length);
});')
is "$stages" "gen:4 rej:3 sink:3 errors:1" "preview --json: every stage's output"
# shellcheck disable=SC2086
"$SLUICE" preview pv.json -n 10 --write $kit --state-dir state-pv >/dev/null 2>&1
is "$(wc -l <pv.log | tr -d ' ')" 1 "preview --write: the destination wrote once"
is "$(wc -l <state-pv/errors.jsonl | tr -d ' ')" 2 "preview --write: error records written"

# ---- signals: the batch in flight finishes; a second signal aborts -----------
cat >sig.json <<'JSON'
{ "pipeline": "sig",
  "stages": [
    { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "batch_size": 100 } },
    { "id": "sink", "stage": "testkit:flaky", "inputs": ["gen"], "config": { "log": "sig.log", "slow_ms": 300 } } ] }
JSON
# shellcheck disable=SC2086
"$SLUICE" run sig.json $kit --state-dir state-sig --log-level warn 2>sig.err &
pid=$!
wait_until 10 test -s sig.log || true
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
is "$rc" 0 "SIGTERM: exit 0 after the batch in flight"
is "$(awk '{ print NF - 1 }' sig.log | sort -u)" 100 "SIGTERM: every batch was written whole"
sed 's/sig\.log/sig2.log/; s/"slow_ms": 300/"slow_ms": 3000/' sig.json >sig2.json
# shellcheck disable=SC2086
"$SLUICE" run sig2.json $kit --state-dir state-sig2 --log-level warn 2>sig2.err &
pid=$!
wait_until 10 test -s sig2.log || true
# The first batch is written: wait until the second is well inside its slow
# write, so the first signal cannot fall between two batches.
sleep 0.5
kill -TERM "$pid"
# Two signals close together may be merged into one while pending; the
# batch in flight sleeps 3 s, so half a second apart is safely two.
sleep 0.5
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
is "$rc" 1 "a second signal: abort, exit 1"

# The stop deadline: batches still in flight after it are aborted.
sed 's/sig\.log/sig3.log/; s/"slow_ms": 300/"slow_ms": 5000/' sig.json >sig3.json
# shellcheck disable=SC2086
"$SLUICE" run sig3.json $kit --state-dir state-sig3 --stop-timeout 1s --log-level warn 2>sig3.err &
pid=$!
wait_until 10 test -s sig3.log || true
sleep 0.5 # inside the second batch's 5 s write, as above
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
is "$rc" 1 "--stop-timeout passed with a batch in flight: exit 1"
like "$(cat sig3.err)" 'stop deadline passed' "... saying so"

# A push origin's threads: one signal finishes their batches and ends the run.
cat >sigt.json <<'JSON'
{ "pipeline": "sigt",
  "stages": [
    { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "batch_size": 50, "threads": 3 } },
    { "id": "sink", "stage": "testkit:flaky", "inputs": ["gen"], "config": { "log": "sigt.log", "slow_ms": 200 } } ] }
JSON
# shellcheck disable=SC2086
"$SLUICE" run sigt.json $kit --state-dir state-sigt --log-level warn 2>sigt.err &
pid=$!
wait_until 10 test -s sigt.log || true
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
is "$rc" 0 "SIGTERM with 3 threads: exit 0"
is "$(awk '{ print NF - 1 }' sigt.log | sort -u)" 50 "SIGTERM with 3 threads: every batch whole"

# ---- preconditions ------------------------------------------------------------
cat >pre.json <<'JSON'
{ "pipeline": "pre",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "seed": 11, "records": 3000, "batch_size": 500, "corrupt_fraction": 0.3 } },
    { "id": "all", "stage": "file:writer", "inputs": ["gen"], "config": { "path": "pre-all.jsonl" } },
    { "id": "sink", "stage": "testkit:flaky", "inputs": ["gen"], "config": { "log": "pre.log" },
      "preconditions": ["${record:value('/payment_type') != 'CRD' || record:value('/credit_card') != null}"] } ] }
JSON
run pre
is "$rc" 0 "preconditions: exit 0"
expected=$(node -e '
const rs = require("fs").readFileSync("pre-all.jsonl", "utf8").trim().split("\n").map(JSON.parse);
console.log(rs.filter(r => r.payment_type === "CRD" && r.credit_card === null).map(r => r.seq).join(" "));')
got=$(node -e '
const rs = require("fs").readFileSync("state-pre/errors.jsonl", "utf8").trim().split("\n").map(JSON.parse);
console.log(rs.map(r => r.value.seq).join(" "));')
isnt "$expected" "" "some records are CRD without a card"
is "$got" "$expected" "exactly the records failing the precondition became error records"
like "$(head -n 1 state-pre/errors.jsonl)" '"sluice.error.stage":"sink","sluice.error.code":"SLUICE_PRECONDITION","sluice.error.message":"precondition failed: \$\{record:value' \
	"naming the stage and the failing expression"
is "$(($(wc -w <pre.log) - $(wc -l <pre.log)))" "$((3000 - $(wc -w <<<"$expected")))" "the other records reached the stage"
sed 's/"preconditions": \["\${record:value/"preconditions": ["${record:value(/' pre.json >badpre.json
rc=0
# shellcheck disable=SC2086
"$SLUICE" validate badpre.json $kit >/dev/null 2>err.txt || rc=$?
is "$rc" 2 "a precondition's syntax error: invalid"
like "$(cat err.txt)" 'stages\[2\]\.preconditions\[0\]: column [0-9]+' "... located to the column"

done_testing
