#!/usr/bin/env bash
# `sluice run` metrics and logs (DESIGN §5) through the CLI: the
# --metrics-file document, the end summary table, where error records
# went, the rate-limited per-record error log, and an unwritable
# --metrics-file.  (The progress line needs a terminal: see
# tests/unit/test_metrics.c, which draws it on a pseudo-terminal.)
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cd "$SLUICE_TEST_TMP" || bail "no temp dir"

# 5,000 records in batches of 500; the destination requires a field no
# record has, so every record becomes an error record.
cat >errs.json <<'EOF'
{ "pipeline": "errs",
  "stages": [
    { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "seed": 1, "records": 5000, "batch_size": 500 } },
    { "id": "sink", "stage": "dev:trash", "inputs": ["gen"], "required_fields": ["/nope"] } ] }
EOF

rc=0
"$SLUICE" run errs.json --state-dir state --metrics-file m.json --no-progress >out.txt 2>err.txt || rc=$?
is "$rc" 0 "run with --metrics-file: exit 0"
[[ $rc == 0 ]] || diag "$(tail -n 5 err.txt)"

# ---- the metrics file (json-c's pretty print: one key per line) ----------------
m=$(cat m.json 2>/dev/null)
like "$m" $'\n  "pipeline": "errs",\n' "metrics file: the pipeline"
like "$m" $'\n  "batches": 10,\n  "records": 5000,\n' "metrics file: 10 batches, 5000 records"
like "$m" '"started": "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"' "metrics file: started, RFC 3339 UTC"
like "$m" $'"id": "sink",\n *"stage": "dev:trash",\n *"in": 5000,\n *"out": 0,\n *"errors": 5000,\n *"batches": 10,' \
	"metrics file: the sink's counts"
like "$m" $'"id": "gen",\n *"stage": "dev:generator",\n *"in": 0,\n *"out": 5000,\n *"errors": 0,' \
	"metrics file: the origin's counts"
like "$m" $'"error_records": \\{\n *"total": 5000,\n *"to": \\[\n *\\{\n *"where": "([^"]*/)?state/errors.jsonl",\n *"records": 5000' \
	"metrics file: 5000 error records, to state/errors.jsonl"
if command -v node >/dev/null; then
	check "metrics file: valid JSON" node -e 'JSON.parse(require("fs").readFileSync("m.json", "utf8"))'
else
	skip "node not installed: JSON validity checked by the unit tests"
fi
check_fails "no temp file left beside it" test -e m.json.tmp

# ---- the summary table on stderr ------------------------------------------------
e=$(cat err.txt)
like "$e" $'\nid +stage +in +out +errors +avg ms/batch +max ms/batch\n' "summary: the header"
like "$e" $'\ngen +dev:generator +0 +5,000 +0 +[0-9.]+ +[0-9.]+\n' "summary: the origin's row"
like "$e" $'\nsink +dev:trash +5,000 +0 +5,000 +[0-9.]+ +[0-9.]+\n' "summary: the sink's row"
like "$e" $'\ntotal: 10 batches, 5,000 records in [0-9.]+ s \\([0-9,]+ records/s\\), 5,000 record errors\n' \
	"summary: the totals"
like "$e" $'\nerror records: 5,000 to ([^\n]*/)?state/errors.jsonl(\n|$)' "summary: where the error records went"
is "$(wc -l <state/errors.jsonl | tr -d ' ')" 5000 "errors.jsonl has the 5000 records"

# ---- per-record errors, rate-limited ---------------------------------------------
# The first 10 lines, then one a second; every error is either a line or
# counted in a "similar lines suppressed" figure, the rest at the end.
written=$(grep -c '\[sink\] record error SLUICE_REQUIRED_FIELD: required field /nope is missing' err.txt)
suppressed=$(grep -o '[0-9]* similar lines\? suppressed' err.txt | awk '{ n += $1 } END { print n + 0 }')
is "$((written + suppressed))" 5000 "record errors: logged + suppressed = 5000"
if ((written >= 10 && written < 100)); then
	ok "record errors: $written lines logged, not 5000"
else
	not_ok "record errors: 10 lines, then one a second" "got $written lines"
fi
like "$e" $'\n[^\n]*WARN  \\[sink\\] record error: [0-9]+ similar lines suppressed\n' \
	"record errors: the count still suppressed at the end"

# ---- an unwritable metrics file ---------------------------------------------------
rc=0
"$SLUICE" run errs.json --state-dir state2 --metrics-file no-such-dir/m.json --no-progress >/dev/null 2>err2.txt || rc=$?
is "$rc" 1 "unwritable --metrics-file: exit 1"
like "$(cat err2.txt)" 'ERROR --metrics-file: cannot create no-such-dir/m.json.tmp: No such file or directory' \
	"unwritable --metrics-file: one line saying why"
check_fails "unwritable --metrics-file: nothing ran" test -s state2/errors.jsonl

done_testing
