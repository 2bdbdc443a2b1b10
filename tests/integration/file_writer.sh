#!/usr/bin/env bash
# file:writer through the CLI: creates, appends and never truncates; cuts a
# torn last line left by a crash; the with_attributes envelope; lines
# visible at every batch's end; write and open failures named.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cd "$SLUICE_TEST_TMP" || bail "no temp dir"
umask 022

# write_to NAME PATH [WRITER_CONFIG_EXTRA] [GEN_CONFIG_EXTRA]: runs the taxi
# generator (seed 5, 3 records unless overridden) into file:writer PATH;
# sets rc, and keeps stderr in NAME.err.
write_to() {
	local name=$1 path=$2 extra=${3:-} gen_extra=${4:-'"records": 3'}
	cat >"$name.json" <<EOF
{ "pipeline": "$name",
  "stages": [
    { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "seed": 5, $gen_extra } },
    { "id": "out", "stage": "file:writer", "inputs": ["gen"], "config": { "path": "$path" $extra } } ] }
EOF
	rc=0
	"$SLUICE" run "$name.json" --state-dir "state-$name" >"$name.stdout" 2>"$name.err" || rc=$?
}

nlines() { wc -l <"$1" | tr -d ' '; }

# The records the writer should produce, for comparisons.
write_to reference reference.jsonl
is "$rc" 0 "new file: exit 0"
is "$(nlines reference.jsonl)" 3 "new file: one line per record"
is "$(stat -c %a reference.jsonl)" 644 "new file: mode 0644"
is "$(tail -c 1 reference.jsonl | od -An -c | tr -d ' ')" '\n' "new file: ends with a newline"
seqs=$(node -e '
const l = require("fs").readFileSync("reference.jsonl", "utf8").trim().split("\n");
console.log(l.map(x => JSON.parse(x).seq).join(","));')
is "$seqs" "0,1,2" "new file: each line one JSON record, in order"

# ---- appends, never truncates -----------------------------------------------------

printf 'kept line 1\nkept line 2\n' >append.jsonl
write_to append append.jsonl
is "$rc" 0 "existing file: exit 0"
is "$(head -n 2 append.jsonl)" $'kept line 1\nkept line 2' "existing file: earlier lines kept"
check "existing file: records appended after them" cmp <(tail -n +3 append.jsonl) reference.jsonl
write_to append-again append.jsonl
is "$(nlines append.jsonl)" 8 "second run: appended again"
unlike "$(cat append.err append-again.err)" 'torn' "intact file: nothing cut, nothing said"

# ---- a torn last line is cut off on open ---------------------------------------

printf 'whole 1\nwhole 2\n{"seq":3,"medallion":"AB' >torn.jsonl
write_to torn torn.jsonl
is "$rc" 0 "torn last line: exit 0"
is "$(head -n 2 torn.jsonl)" $'whole 1\nwhole 2' "torn last line: whole lines kept"
check "torn last line: cut off, records follow the last whole line" cmp <(tail -n +3 torn.jsonl) reference.jsonl
like "$(cat torn.err)" 'torn\.jsonl: cut off a torn last line of 24 bytes' "torn last line: logged with its size"

printf 'no newline at all' >torn-all.jsonl
write_to torn-all torn-all.jsonl
check "no newline at all: the whole file was a torn line" cmp torn-all.jsonl reference.jsonl

# A torn line longer than the 64 KiB the writer reads at a time.
{ printf 'first\n'; head -c 200000 /dev/zero | tr '\0' x; } >torn-long.jsonl
write_to torn-long torn-long.jsonl
is "$(head -n 1 torn-long.jsonl)" first "torn line of 200000 bytes: the line before it kept"
check "torn line of 200000 bytes: cut off" cmp <(tail -n +2 torn-long.jsonl) reference.jsonl

: >empty.jsonl
write_to empty empty.jsonl
check "empty file: just the records" cmp empty.jsonl reference.jsonl

# ---- with_attributes --------------------------------------------------------------

write_to attrs attrs.jsonl ', "with_attributes": true'
is "$rc" 0 "with_attributes: exit 0"
shape=$(node -e '
const fs = require("fs");
const ref = fs.readFileSync("reference.jsonl", "utf8").trim().split("\n");
const got = fs.readFileSync("attrs.jsonl", "utf8").trim().split("\n").map(l => JSON.parse(l));
const bad = got.filter((o, i) => Object.keys(o).join(",") !== "attributes,value" ||
  typeof o.attributes !== "object" || o.attributes === null || Array.isArray(o.attributes) ||
  Object.values(o.attributes).some(v => typeof v !== "string") ||
  JSON.stringify(o.value) !== JSON.stringify(JSON.parse(ref[i])));
console.log(got.length === ref.length && bad.length === 0 ? "envelope" : "bad: " + JSON.stringify(bad[0]));')
is "$shape" envelope 'with_attributes: {"attributes": {...}, "value": <record>} per line'
decimals=$(grep -c '"value":{"seq":[0-9]*,.*"fare_amount":[0-9]*\.[0-9][0-9],' attrs.jsonl)
is "$decimals" 3 "with_attributes: the value written as without it (exact decimals)"

# ---- options ------------------------------------------------------------------------

write_to sync sync.jsonl ', "sync": true, "data_format": "json"'
is "$rc" 0 "sync and data_format json: exit 0"
check "sync: the same lines" cmp sync.jsonl reference.jsonl

cat >xml.json <<'EOF'
{ "pipeline": "xml", "stages": [
  { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "records": 1 } },
  { "id": "out", "stage": "file:writer", "inputs": ["gen"], "config": { "path": "x.xml", "data_format": "xml" } } ] }
EOF
rc=0
"$SLUICE" validate xml.json >/dev/null 2>xml.err || rc=$?
is "$rc" 2 "an unknown data_format: refused at validation"
like "$(cat xml.err)" 'stages\[1\]\.config\.data_format' "data_format: the key named"

# ---- the other data formats ---------------------------------------------------------

# delimited with a header: the first record's keys, then values by column;
# the taxi preset's DATETIMEs in RFC 3339.
write_to csv taxi.csv ', "data_format": "delimited", "header": true'
is "$rc" 0 "delimited with a header: exit 0"
keys=$(node -e '
const l = require("fs").readFileSync("reference.jsonl", "utf8").split("\n")[0];
console.log(Object.keys(JSON.parse(l)).join(","));')
is "$(head -n 1 taxi.csv)" "$keys" "delimited: the header line is the first record's keys"
is "$(nlines taxi.csv)" 4 "delimited: a header and a line per record"
like "$(sed -n 2p taxi.csv)" '^0,[^,]*,.*,2013-01-[0-9]+T[0-9:]+Z,' "delimited: values in columns, datetimes in RFC 3339"
write_to csv-again taxi.csv ', "data_format": "delimited", "header": true'
is "$(grep -c '^seq,' taxi.csv)" 1 "delimited: appending to a file with content writes no second header"
is "$(nlines taxi.csv)" 7 "delimited: appended records"

# text: a record without /text is a record error; the run goes on.
write_to notext notext.txt ', "data_format": "text"'
is "$rc" 0 "text without /text: the run goes on"
is "$(cat notext.txt)" "" "text without /text: nothing written"
like "$(cat notext.err)" 'error records: 3 to ' "text without /text: each record an error record"

# ---- lines are out at every batch's end ---------------------------------------------

# 20 records in batches of 5 at 10/s: after about 0.8 s, at least one batch
# is in the file while the run goes on.
cat >flush.json <<'EOF'
{ "pipeline": "flush", "stages": [
  { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "records": 20, "batch_size": 5, "rate": 10 } },
  { "id": "out", "stage": "file:writer", "inputs": ["gen"], "config": { "path": "flush.jsonl" } } ] }
EOF
"$SLUICE" run flush.json --state-dir state-flush >/dev/null 2>&1 &
flush_pid=$!
sleep 0.8
mid=$(cat flush.jsonl 2>/dev/null | wc -l | tr -d ' ')
if ((mid >= 5 && mid < 20)) && [[ $(tail -c 1 flush.jsonl | od -An -c | tr -d ' ') == '\n' ]]; then
	ok "while running: whole batches already in the file ($mid lines)"
else
	not_ok "while running: whole batches already in the file" "$mid lines after 0.8 s"
fi
wait "$flush_pid"
is "$?" 0 "paced run: exit 0"
is "$(nlines flush.jsonl)" 20 "paced run: every record"

# ---- not a regular file: a pipe ---------------------------------------------------------

cat >pipe.json <<'EOF'
{ "pipeline": "pipe", "stages": [
  { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "seed": 5, "records": 3 } },
  { "id": "out", "stage": "file:writer", "inputs": ["gen"], "config": { "path": "/dev/stdout" } } ] }
EOF
"$SLUICE" run pipe.json --state-dir state-pipe 2>/dev/null | cat >piped.jsonl
check "/dev/stdout into a pipe: the records" cmp piped.jsonl reference.jsonl

# ---- failures ---------------------------------------------------------------------------

write_to full /dev/full
is "$rc" 1 "write failure (/dev/full): exit 1"
like "$(cat full.err)" '/dev/full: write: No space left on device' "write failure: path and reason named"

write_to nodir "$SLUICE_TEST_TMP/no/such/dir/out.jsonl"
is "$rc" 1 "missing directory: exit 1"
like "$(cat nodir.err)" 'no/such/dir/out\.jsonl: No such file or directory' "missing directory: path and reason named"

# Two writers on one file would race each other's torn-line repair.
cat >twice.json <<'EOF'
{ "pipeline": "twice", "stages": [
  { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "records": 3 } },
  { "id": "a", "stage": "file:writer", "inputs": ["gen"], "config": { "path": "twice.jsonl" } },
  { "id": "b", "stage": "file:writer", "inputs": ["gen"], "config": { "path": "twice.jsonl" } } ] }
EOF
rc=0
"$SLUICE" run twice.json --state-dir state-twice >/dev/null 2>twice.err || rc=$?
is "$rc" 1 "two writers on one file: exit 1"
like "$(cat twice.err)" 'twice\.jsonl: another writer has it open' "two writers on one file: said so"


# As the error stage a writer keeps the attributes (the reasons) unless told
# otherwise; elsewhere it writes the records alone.
for attrs in default false; do
	extra=
	[[ $attrs == false ]] && extra=', "with_attributes": false'
	cat >errstage-$attrs.json <<EOF
{ "pipeline": "errstage", "stages": [
  { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "seed": 3, "records": 20 } },
  { "id": "out", "stage": "file:writer", "inputs": ["gen"], "config": { "path": "plain-$attrs.jsonl" },
    "preconditions": ["\${record:value('/seq') % 4 != 0}"] } ],
  "error_records": { "stage": "file:writer", "config": { "path": "errs-$attrs.jsonl"$extra } } }
EOF
	rc=0
	"$SLUICE" run errstage-$attrs.json --state-dir state-errstage-$attrs >/dev/null 2>errstage.err || rc=$?
	is "$rc" 0 "error stage ($attrs with_attributes): exit 0"
	is "$(grep -c . errs-$attrs.jsonl)" 5 "error stage ($attrs with_attributes): the 5 failing records"
done
like "$(head -n 1 errs-default.jsonl)" '^\{"attributes":\{.*"sluice\.error\.stage":"out".*\},"value":\{"seq":0,' \
	"error stage: attributes kept by default, with the reason"
like "$(head -n 1 errs-false.jsonl)" '^\{"seq":0,' "error stage: with_attributes false writes the records alone"
like "$(head -n 1 plain-default.jsonl)" '^\{"seq":1,' "an ordinary writer: the records alone by default"

done_testing
