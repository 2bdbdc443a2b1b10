#!/usr/bin/env bash
# A destination with flush (sluice/stage.h): a poll origin's runner writes
# batch N+1 before it flushes batch N, yet every record is delivered once,
# outcomes and retries are those of flush, offsets are committed in batch
# order and only for flushed batches, and the stage's rules hold (at most
# two batches unflushed, flushed in write order, untouched until flushed:
# testkit:deferred fails the run otherwise).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cd "$SLUICE_TEST_TMP" || bail "no temp dir"
kit="--plugin-path $top_builddir/tests/integration/plugins/.libs"

# pipeline NAME GEN_CONFIG SINK_CONFIG [EXTRA_STAGES]
pipeline() {
	cat >"$1.json" <<JSON
{ "pipeline": "$1",
  "retry": { "attempts": 3, "backoff": "1ms", "max_backoff": "5ms" },
  "stages": [
    { "id": "gen", "stage": "dev:generator", "config": $2 },
    { "id": "sink", "stage": "testkit:deferred", "inputs": ["gen"], "config": $3 }${4:+,
    $4}
  ] }
JSON
}

run() { # NAME [ARGS] -> rc, err
	rc=0
	local name=$1
	shift
	# shellcheck disable=SC2086
	"$SLUICE" run "$name.json" $kit --state-dir "state-$name" --log-level warn "$@" >out.txt 2>err.txt || rc=$?
	err=$(cat err.txt)
}

committed() { # NAME -> the generator's committed offset, or "none"
	node -e '
const fs = require("fs"), f = process.argv[1];
console.log(fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f)).offsets[""] ?? "none") : "none");' \
		"state-$1/offsets.json"
}

# What testkit:deferred says when the core breaks sluice/stage.h's rules.
broken='third batch|not the oldest written|changed between write and flush|two threads at once'

flushed() { grep -v '^W' "$1" | cut -d' ' -f2- | tr ' ' '\n' | sed '/^$/d'; }

# ---- the overlap itself ------------------------------------------------------
pipeline all '{ "preset": "taxi", "records": 1000, "batch_size": 100 }' '{ "log": "all.log" }'
run all
is "$rc" 0 "written and flushed: exit 0"
unlike "$err" "$broken" "no stage rule broken (testkit:deferred would say)"
is "$(flushed all.log | sort -n | uniq | wc -l | tr -d ' ')" 1000 "every record flushed"
is "$(flushed all.log | wc -l | tr -d ' ')" 1000 "each once"
is "$(flushed all.log | tr '\n' ' ')" "$(seq -s ' ' 0 999) " "in the origin's order"
is "$(sed -n 1,3p all.log | cut -c1 | tr -d '\n')" "WW0" "batch 2 is written before batch 1 is flushed"
is "$(grep -c '^W' all.log)" 10 "each batch written once"
is "$(committed all)" 1000 "the last batch's offset is committed"

# A destination without flush next to it keeps its synchronous write.
pipeline two '{ "preset": "taxi", "records": 500, "batch_size": 100 }' '{ "log": "two.log" }' \
	'{ "id": "plain", "stage": "testkit:flaky", "inputs": ["gen"], "config": { "log": "two-plain.log" } }'
run two
is "$rc" 0 "with a flaky destination beside it: exit 0"
is "$(flushed two.log | tr '\n' ' ')" "$(seq -s ' ' 0 499) " "the deferred one gets every record once"
is "$(cut -d' ' -f2- two-plain.log | tr ' ' '\n' | wc -l | tr -d ' ')" 500 "the plain one too"

# ---- outcomes come from flush -------------------------------------------------
pipeline errs '{ "preset": "taxi", "records": 300, "batch_size": 100, "corrupt_fraction": 0 }' \
	'{ "log": "errs.log", "error_every": 7 }'
run errs
is "$rc" 0 "record errors at flush: exit 0"
is "$(wc -l <state-errs/errors.jsonl | tr -d ' ')" 43 "each refused record is an error record (seq 0, 7, ... 294)"
like "$(grep '"seq":294' state-errs/errors.jsonl)" '"sluice.error.stage":"sink","sluice.error.code":"TESTKIT_01","sluice.error.message":"seq 294 refused"' \
	"with the stage and the reason given at flush"
is "$(committed errs)" 300 "and the batches committed"

pipeline retry '{ "preset": "taxi", "records": 300, "batch_size": 100 }' \
	'{ "log": "retry.log", "retry_every": 50, "retry_times": 2 }'
run retry
is "$rc" 0 "retries asked at flush: exit 0"
unlike "$err" "$broken" "the retries kept the stage's rules"
is "$(flushed retry.log | sort -n | uniq | wc -l | tr -d ' ')" 300 "every record written in the end"
is "$(grep -cx '0 0 50' retry.log)" 2 "the retried records are offered again, alone"
is "$(flushed retry.log | grep -cx 150)" 3 "a record retried twice is offered three times"
is "$(grep -v '^W' retry.log | awk 'NF == 3 { print $2 "," $3 }' | tr '\n' ' ')" \
	"0,50 0,50 100,150 100,150 200,250 200,250 " "retried records keep the order of their batches"
# Batch 2 is flushed inside batch 1's retries; its own retries come before
# batch 3 is written (the first seq of each flushed offer, in order).
is "$(grep -v '^W' retry.log | cut -d' ' -f2 | tr '\n' ' ')" "0 100 0 0 100 100 200 200 200 " \
	"a batch flushed during the previous one's retries has its retries before the next batch"

# ---- failures: what was not flushed is not committed -------------------------
pipeline fail '{ "preset": "taxi", "records": 1000, "batch_size": 100 }' '{ "log": "fail.log", "fail_at_call": 4 }'
run fail
is "$rc" 1 "a failing flush: exit 1"
like "$err" 'sink: failing call 4 on purpose' "its message is reported"
is "$(committed fail)" 300 "only the batches flushed before it are committed"
pipeline fail '{ "preset": "taxi", "records": 1000, "batch_size": 100 }' '{ "log": "fail2.log" }'
run fail
is "$rc" 0 "the next run: exit 0"
is "$(head -n 1 fail2.log | cut -d' ' -f3)" 300 "it starts at the failed batch"
is "$( (flushed fail.log | head -n 300; flushed fail2.log) | sort -n | uniq | wc -l | tr -d ' ')" 1000 \
	"nothing lost across the two runs"

# A failure in the batch read after the one in flight: that one is
# complete, and committed, as it would be without overlap.
pipeline failnext '{ "preset": "taxi", "records": 1000, "batch_size": 100 }' '{ "log": "failnext.log" }'
node -e '
const fs = require("fs"), d = JSON.parse(fs.readFileSync("failnext.json"));
d.stages[1].preconditions = ["${record:value(\"/seq\") != 250}"];
d.stages[1].on_record_error = "stop_pipeline";
fs.writeFileSync("failnext.json", JSON.stringify(d));'
run failnext
is "$rc" 1 "stop_pipeline in batch 3 while batch 2 is in flight: exit 1"
like "$err" 'precondition failed' "the record error is reported"
is "$(committed failnext)" 200 "batch 2 is complete and committed"
is "$(grep -vc '^W' failnext.log)" 2 "batches 1 and 2 flushed, batch 3 never written"

pipeline stop '{ "preset": "taxi", "records": 1000, "batch_size": 100 }' \
	'{ "log": "stop.log", "retry_forever": 250 }'
run stop
is "$rc" 1 "a record never written: exit 1"
is "$(committed stop)" 200 "batches after the stuck one are not committed"

# ---- the last batch, max_batches, preview: nothing left in flight ------------
pipeline maxb '{ "preset": "taxi", "batch_size": 10 }' '{ "log": "maxb.log" }'
run maxb --max-batches 3
is "$rc" 0 "--max-batches 3: exit 0"
is "$(grep -c '^W' maxb.log)" 3 "exactly 3 batches written"
is "$(committed maxb)" 30 "and committed"

pipeline pv '{ "preset": "taxi", "records": 1000, "batch_size": 100 }' '{ "log": "pv.log" }'
rc=0
# shellcheck disable=SC2086
"$SLUICE" preview pv.json -n 5 --write $kit --state-dir state-pv >/dev/null 2>pv.err || rc=$?
is "$rc" 0 "preview --write: exit 0"
is "$(cut -c1 pv.log | tr -d '\n')" "W0" "preview --write: one batch, written and flushed"

# ---- a stop finishes the batch in flight -------------------------------------
pipeline sig '{ "preset": "taxi", "batch_size": 100 }' '{ "log": "sig.log", "slow_ms": 200 }'
# shellcheck disable=SC2086
"$SLUICE" run sig.json $kit --state-dir state-sig --log-level warn 2>sig.err &
pid=$!
wait_until 10 grep -q '^0' sig.log || true
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
is "$rc" 0 "SIGTERM: exit 0"
unlike "$(cat sig.err)" "$broken" "SIGTERM: no stage rule broken"
is "$(grep -c '^W' sig.log)" "$(grep -vc '^W' sig.log)" "SIGTERM: every batch written was flushed"
is "$(committed sig)" "$(flushed sig.log | wc -l | tr -d ' ')" "SIGTERM: the committed offset covers what was flushed"

# ---- a push origin: write and flush together ----------------------------------
cat >push.json <<'JSON'
{ "pipeline": "push",
  "stages": [
    { "id": "gen", "stage": "testkit:badgen", "config": { "batches": 5, "batch_size": 10 } },
    { "id": "sink", "stage": "testkit:deferred", "inputs": ["gen"], "config": { "log": "push.log" } } ] }
JSON
run push
is "$rc" 0 "push origin: exit 0"
is "$(cut -c1 push.log | tr -d '\n')" "W0W0W0W0W0" "push origin: each batch flushed right after its write"

# The error stage is one instance for all runners: write and flush of one
# runner's error records may not be split by another's (4 threads here;
# a slow flush makes the others wait for the instance).
cat >estage.json <<'JSON'
{ "pipeline": "estage",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "records": 4000, "batch_size": 50, "threads": 4 } },
    { "id": "sink", "stage": "testkit:flaky", "inputs": ["gen"], "config": { "log": "estage-sink.log" },
      "preconditions": ["${record:value('/seq') % 3 != 0}"] } ],
  "error_records": { "stage": "testkit:deferred", "config": { "log": "estage.log", "slow_ms": 1 } } }
JSON
run estage
is "$rc" 0 "an error stage with flush under 4 runners: exit 0"
unlike "$err" "$broken" "its writes and flushes are not interleaved"
is "$(flushed estage.log | sort -n | uniq | wc -l | tr -d ' ')" 1334 "it took every error record (seq 0, 3, ... 3999)"
is "$(flushed estage.log | wc -l | tr -d ' ')" 1334 "each once"

done_testing
