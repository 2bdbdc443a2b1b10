#!/usr/bin/env bash
# The postgres destination against a real PostgreSQL (issue 7, "Done
# when"): table routing by an expression, column mapping (same name,
# case-insensitive match, `columns` overrides, defaults, ignored fields),
# type conversion errors, NOT NULL / unique / range violations becoming
# error records while the rest of the batch lands exactly once, COPY's
# text escaping, upsert, injection attempts refused with the tables
# intact, TLS require and verify-full against a self-signed server, failures
# classified (a wrong password stops at once, no server is retried), the
# server killed and restarted mid-run with no record lost (and with upsert
# on the key no duplicate), upserts of a key never going back to an older
# record while connections are lost with batches overlapping, inserts on
# two connections keeping batch order (one key in two batches in flight; a
# connection lost), and `sluice validate` refusing bad config.
# ${...} in single quotes is the expression language's, not the shell's.
# shellcheck disable=SC2016
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

require_integration postgres node
cd "$SLUICE_TEST_TMP" || bail "no temp dir"
start_postgres --tls || bail "PostgreSQL did not start"

# pipeline NAME: the descriptor on stdin, with @CONN@ replaced by the
# connection keys (TCP, password from the environment) and @PORT@ by the
# port, written to NAME.json.  Error records go to NAME.errors.jsonl.
CONN='"host": "127.0.0.1", "port": @PORT@, "database": "sluice_test", "user": "sluice", "password": "${env:SLUICE_PG_PASSWORD}"'
pipeline() {
	local text
	text=$(cat)
	text=${text//@CONN@/$CONN}
	printf '%s\n' "${text//@PORT@/$PGPORT}" >"$1.json"
}

# run NAME: runs NAME.json in state dir state-NAME; sets rc, output in
# NAME.out / NAME.err.
run() {
	rc=0
	"$SLUICE" run "$1.json" --state-dir "state-$1" >"$1.out" 2>"$1.err" || rc=$?
}

# errors NAME FIELD: the error records of NAME as "FIELD-value:code",
# sorted, one line.
errors() {
	node -e '
const fs = require("fs");
const [name, field] = process.argv.slice(1);
const f = name + ".errors.jsonl";
const lines = fs.existsSync(f) ? fs.readFileSync(f, "utf8").split("\n").filter(Boolean) : [];
console.log(lines.map(JSON.parse).map(e => e.value[field] + ":" + e.attributes["sluice.error.code"]).sort().join(" "));' "$1" "$2"
}

# error_message NAME FIELD VALUE: the message of the error record whose
# FIELD is VALUE.
error_message() {
	node -e '
const [name, field, value] = process.argv.slice(1);
for (const l of require("fs").readFileSync(name + ".errors.jsonl", "utf8").split("\n").filter(Boolean)) {
  const e = JSON.parse(l);
  if (String(e.value[field]) === value) console.log(e.attributes["sluice.error.message"]);
}' "$1" "$2" "$3"
}

ERRORS_TO='"error_records": { "stage": "file:writer", "config": { "path": "NAME.errors.jsonl", "with_attributes": true } }'

# ==== routing, mapping, conversion (taxi) ===========================================
N=3000
pg_sql 'CREATE TABLE card (seq int8 PRIMARY KEY, vendor_id text, payment_type varchar(3) NOT NULL,
  fare_amount numeric(8,2), total_amount numeric(8,2), rate_code int2, pickup_datetime timestamptz,
  dropoff_datetime timestamp, passenger_count int4, trip_distance float8, credit_card text,
  "Credit_Card_Type" text, driver text, loaded text DEFAULT $$default$$)'
pg_sql 'CREATE TABLE cash (LIKE card INCLUDING ALL)'
pipeline taxi <<JSON
{ "pipeline": "taxi",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "seed": 7, "records": $N, "batch_size": 500, "corrupt_fraction": 0.02 } },
    { "id": "raw", "stage": "file:writer", "inputs": ["gen"], "config": { "path": "taxi.raw.jsonl" } },
    { "id": "pg", "stage": "postgres:destination", "inputs": ["gen"],
      "config": { @CONN@,
        "table": "\${record:value('/payment_type') == 'CRD' ? 'card' : 'cash'}",
        "columns": [ { "field": "/hack_license", "column": "driver" } ] } } ],
  ${ERRORS_TO/NAME/taxi} }
JSON
run taxi
is "$rc" 0 "taxi: exit 0"
pg_sql "COPY (SELECT 'card', seq, vendor_id, payment_type, fare_amount, total_amount, rate_code,
  to_char(pickup_datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
  to_char(dropoff_datetime, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), passenger_count, trip_distance,
  coalesce(credit_card, 'NULL'), \"Credit_Card_Type\", driver, loaded FROM card
  UNION ALL SELECT 'cash', seq, vendor_id, payment_type, fare_amount, total_amount, rate_code,
  to_char(pickup_datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
  to_char(dropoff_datetime, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), passenger_count, trip_distance,
  coalesce(credit_card, 'NULL'), \"Credit_Card_Type\", driver, loaded FROM cash) TO STDOUT" >taxi.db
# Every generated record: in its table with its values, or an error record
# SQL_04 because it was corrupted on purpose (a malformed pickup_datetime
# or total_amount string); nothing twice.
is "$(node -e '
const fs = require("fs");
const lines = f => fs.readFileSync(f, "utf8").split("\n").filter(Boolean);
const raw = lines("taxi.raw.jsonl").map(JSON.parse);
const db = {}; let bad = [];
for (const l of lines("taxi.db")) {
  const c = l.split("\t");
  if (db[c[1]]) bad.push("twice " + c[1]);
  db[c[1]] = c;
}
const errs = {};
for (const l of lines("taxi.errors.jsonl")) {
  const e = JSON.parse(l);
  errs[e.value.seq] = e.attributes["sluice.error.code"] + " " + e.attributes["sluice.error.message"];
}
let written = 0, corrupt = 0;
for (const r of raw) {
  const row = db[r.seq];
  const broken = typeof r.pickup_datetime === "string" && !/^2013-01-[0-3]\dT/.test(r.pickup_datetime) ||
                 typeof r.total_amount === "string";
  if (broken) {
    corrupt++;
    if (row) bad.push(r.seq + " corrupt but written");
    else if (!/^SQL_04 field .\/(pickup_datetime|total_amount). for column "(pickup_datetime|total_amount)"/.test(errs[r.seq] || ""))
      bad.push(r.seq + " error " + errs[r.seq]);
    continue;
  }
  if (!row) { bad.push(r.seq + " missing " + (errs[r.seq] || "")); continue; }
  written++;
  const want = [r.payment_type === "CRD" ? "card" : "cash", String(r.seq), r.vendor_id, r.payment_type,
    r.fare_amount.toFixed(2), r.total_amount.toFixed(2), String(r.rate_code), r.pickup_datetime,
    r.dropoff_datetime, String(r.passenger_count), String(r.trip_distance),
    r.credit_card === null ? "NULL" : r.credit_card, r.credit_card_type, r.hack_license, "default"];
  if (JSON.stringify(row) !== JSON.stringify(want))
    bad.push(r.seq + " got " + row.join("|") + " want " + want.join("|"));
}
if (Object.keys(errs).length !== corrupt) bad.push(Object.keys(errs).length + " errors for " + corrupt + " corrupt");
console.log((written > 2500 && corrupt > 20 ? "ok" : "few " + written + " " + corrupt) + " " + (bad.slice(0, 3).join("; ") || "good"))')" \
	"ok good" "taxi: each record in card or cash by payment_type with its values (decimals exact, timestamps UTC, case-insensitive column, override, default), corrupt ones SQL_04 errors"
is "$(pg_sql "SELECT count(*) FROM card WHERE payment_type <> 'CRD'")|$(pg_sql "SELECT count(*) FROM cash WHERE payment_type = 'CRD'")" \
	"0|0" "taxi: no CRD row in cash and no other in card"

# ==== data errors: only the refused rows are error records ===========================
# One batch of 300 records (file:reader): the server refuses NOT NULL,
# unique, varchar length and numeric overflow violations; the sink refuses
# out-of-range and non-numeric values before sending.  The unique
# constraint is on `code`, not on id, so a row written twice would show.
pg_sql 'CREATE TABLE strict (id int4 NOT NULL, name text NOT NULL, qty int2, price numeric(6,2),
  code varchar(6) UNIQUE, note varchar(4))'
pg_sql "INSERT INTO strict VALUES (-1, 'existing', 1, 1, 'TAKEN', NULL)"
node -e '
const out = [];
for (let i = 0; i < 300; i++) {
  const r = { id: i, name: "n" + i, qty: i % 100, price: (i * 1.25).toFixed(2), code: "c" + i };
  switch (i) {
  case 10: r.name = null; break;                 // 23502 NOT NULL
  case 20: delete r.name; break;                 // absent: DEFAULT (NULL) -> 23502 too
  case 30: r.code = "c29"; break;                // 23505 with record 29 (the first lands)
  case 40: r.code = "TAKEN"; break;              // 23505 with the existing row
  case 50: r.qty = 40000; break;                 // int2 range: SQL_04
  case 60: r.qty = "12x"; break;                 // not a number: SQL_04
  case 70: r.note = "toolong"; break;            // 22001 varchar(4)
  case 80: r.price = "12345.67"; break;          // 22003 numeric(6,2) overflow
  case 299: r.name = null; break;                // the last row too
  }
  out.push(JSON.stringify(r));
}
require("fs").writeFileSync("strict.jsonl", out.join("\n") + "\n");'
pipeline strict <<JSON
{ "pipeline": "strict",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "strict.jsonl", "batch_size": 1000 } },
    { "id": "pg", "stage": "postgres", "inputs": ["in"], "config": { @CONN@, "table": "strict" } } ],
  ${ERRORS_TO/NAME/strict} }
JSON
run strict
is "$rc" 0 "strict: exit 0"
is "$(errors strict id)" "10:SQL_05 20:SQL_05 299:SQL_05 30:SQL_05 40:SQL_05 50:SQL_04 60:SQL_04 70:SQL_05 80:SQL_05" \
	"strict: exactly the bad records are error records, by the server (SQL_05) or the sink (SQL_04)"
is "$(pg_sql 'SELECT count(*), count(DISTINCT id), min(id), max(id) FROM strict')" "292|292|-1|298" \
	"strict: the 291 good records landed once each, next to the existing row"
is "$(pg_sql "SELECT id FROM strict WHERE code IN ('c29', 'TAKEN') ORDER BY id")" "$(printf -- '-1\n29')" \
	"strict: a unique value's first holder kept it"
like "$(error_message strict id 30)" '^SQLSTATE 23505: duplicate key value violates unique constraint "strict_code_key" \(Key \(code\)=\(c29\) already exists\.\)' \
	"strict: a unique violation carries the SQLSTATE, the server's message and its detail"
like "$(error_message strict id 10)" '^SQLSTATE 23502: null value in column "name"' "strict: NOT NULL: SQLSTATE 23502"
like "$(error_message strict id 70)" '^SQLSTATE 22001: ' "strict: too long for varchar(4): SQLSTATE 22001"
like "$(error_message strict id 50)" "column \"qty\".*40000" "strict: out of int2's range: names column and value"

# ==== COPY's text format, and the INSERT path, round trip ============================
# Values with every byte COPY escapes, \N as text, quotes, UTF-8 and an
# empty string, written by COPY (insert) and by INSERT (upsert); a NUL
# byte, which PostgreSQL text cannot hold, is an error record either way.
pg_sql 'CREATE TABLE texts (id int4 PRIMARY KEY, s text, j jsonb, b bool, d date, t time, f float4, by bytea)'
pg_sql 'CREATE TABLE texts_up (LIKE texts INCLUDING ALL)'
node -e '
const vals = ["tab\there", "new\nline", "cr\rhere", "back\\slash", "\\N", "\\.", "", "quote\" and \u0027",
  "ünïcødé ✓ 😀", "mixed \\t\t\\n\n", "end\\", null, "nul\u0000byte"];
const out = vals.map((s, i) => JSON.stringify({ id: i, s, by: s, j: { k: s, n: [1, 2.5] }, b: i % 2 === 0,
  d: "2024-02-29", t: "23:59:59.5", f: i === 5 ? "NaN" : i + 0.5 }));
require("fs").writeFileSync("texts.jsonl", out.join("\n") + "\n");
require("fs").writeFileSync("texts.want", JSON.stringify(vals.slice(0, 12)) + "\n");'
for op in insert upsert; do
	table=texts
	[[ $op == upsert ]] && table=texts_up
	pipeline "texts-$op" <<JSON
{ "pipeline": "texts-$op",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "texts.jsonl" } },
    { "id": "pg", "stage": "postgres", "inputs": ["in"],
      "config": { @CONN@, "table": "$table", "operation": "$op" } } ],
  ${ERRORS_TO/NAME/texts-$op} }
JSON
	run "texts-$op"
	is "$rc" 0 "texts ($op): exit 0"
	pg_sql "SELECT json_agg(s ORDER BY id) FROM $table" >"texts-$op.got"
	is "$(node -e 'const f = n => JSON.stringify(JSON.parse(require("fs").readFileSync(n, "utf8")));
console.log(f(process.argv[1]) === f("texts.want") ? "same" : f(process.argv[1]))' "texts-$op.got")" same \
		"texts ($op): every string reads back as written"
	is "$(pg_sql "SELECT count(*) FROM $table WHERE j->>'k' IS NOT DISTINCT FROM s AND j->'n' = '[1, 2.5]'
	  AND b = (id % 2 = 0) AND d = '2024-02-29' AND t = '23:59:59.5' AND f = CASE WHEN id = 5 THEN 'NaN' ELSE id + 0.5 END
	  AND convert_from(by, 'UTF8') IS NOT DISTINCT FROM s")" \
		12 "texts ($op): json, bool, date, time, float (NaN too) and bytea columns"
	like "$(errors "texts-$op" id):$(error_message "texts-$op" id 12)" '^12:SQL_05:SQLSTATE 22021: ' \
		"texts ($op): a NUL byte is an error record (22021)"
done

# ==== which relation a name finds ======================================================
pg_sql 'CREATE SCHEMA other'
pg_sql 'CREATE TABLE other.trips (id int4, doubled int4 GENERATED ALWAYS AS (id * 2) STORED)'
pg_sql 'CREATE TABLE "CamelT" (id int4)'
pg_sql 'CREATE TABLE camelt (id int4)'
pg_sql 'CREATE TABLE base (id int4, via text)'
pg_sql 'CREATE VIEW base_view AS SELECT id, via FROM base'
printf '%s\n' '{"t":"TRIPS","id":1,"doubled":99}' '{"t":"CamelT","id":2}' '{"t":"CAMELT","id":3}' \
	'{"t":"base_view","id":4,"via":"view"}' '{"t":"base","id":5}' >rel.jsonl
pipeline rel-schema <<JSON
{ "pipeline": "rel-schema",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "rel.jsonl" } },
    { "id": "pg", "stage": "postgres", "inputs": ["in"], "config": { @CONN@, "schema": "Other", "table": "\${record:value('/t')}" } } ],
  ${ERRORS_TO/NAME/rel-schema} }
JSON
run rel-schema
is "$rc|$(pg_sql 'SELECT id, doubled FROM other.trips')|$(errors rel-schema t)" \
	"0|1|2|CAMELT:SQL_02 CamelT:SQL_02 base:SQL_02 base_view:SQL_02" \
	"schema Other, table TRIPS: other.trips (lower-case forms), a generated column left to the server; other names are not in that schema"
sed 's/"schema": "Other", //; s/rel-schema/rel-public/g' rel-schema.json >rel-public.json
run rel-public
is "$rc|$(pg_sql 'SELECT id FROM "CamelT"')|$(pg_sql 'SELECT id FROM camelt')|$(pg_sql 'SELECT id, via FROM base ORDER BY id' | tr '\n' ' ')|$(errors rel-public t)" \
	"0|2|3|4|view 5| |TRIPS:SQL_02" \
	"no schema: the current one; an exact name first, else its lower-case form; a view written through (INSERT)"

# ==== upsert ===========================================================================
pg_sql 'CREATE TABLE up (a int4, b text, v int4, w text DEFAULT $$w$$, PRIMARY KEY (a, b))'
pg_sql "INSERT INTO up VALUES (1, 'x', 100, 'old'), (2, 'y', 200, 'old')"
pg_sql 'CREATE TABLE nokey (a int4, v int4)'
printf '%s\n' '{"a":1,"b":"x","v":1}' '{"a":3,"b":"z","v":3}' '{"a":3,"b":"z","v":4}' '{"a":2,"b":"y"}' \
	'{"a":4,"b":"k"}' '{"a":5,"v":5}' >up.jsonl
pipeline up <<JSON
{ "pipeline": "up",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "up.jsonl" } },
    { "id": "pg", "stage": "postgres", "inputs": ["in"], "config": { @CONN@, "table": "up", "operation": "upsert" } } ],
  ${ERRORS_TO/NAME/up} }
JSON
run up
is "$rc" 0 "upsert: exit 0"
is "$(pg_sql 'SELECT a, b, v, w FROM up ORDER BY a' | tr '\n' ' ')" "1|x|1|old 2|y|200|old 3|z|4|w 4|k||w " \
	"upsert: existing rows updated (only the fields given), new ones inserted, one key twice in a batch: the later wins"
is "$(errors up a)" "5:SQL_06" "upsert: a record without a key field is SQL_06"
pipeline nokey <<JSON
{ "pipeline": "nokey",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "up.jsonl" } },
    { "id": "pg", "stage": "postgres", "inputs": ["in"], "config": { @CONN@, "table": "nokey", "operation": "upsert" } } ] }
JSON
run nokey
is "$rc" 1 "upsert into a table without primary key nor key_columns: exit 1"
like "$(cat nokey.err)" 'nokey' "... naming the table"
is "$(pg_sql 'SELECT count(*) FROM nokey')" 0 "... and nothing written"

# ==== wide rows: statements under the 65,535-parameter limit =============================
# 700 upserted rows of 100 columns are 70,000 values: more than one
# INSERT may carry.
pg_sql "CREATE TABLE wide (id int4 PRIMARY KEY, $(seq -s, -f 'c%g int4' 1 99))"
node -e '
const out = [];
for (let i = 0; i < 700; i++) { const r = { id: i }; for (let c = 1; c < 100; c++) r["c" + c] = i * c; out.push(JSON.stringify(r)); }
require("fs").writeFileSync("wide.jsonl", out.join("\n") + "\n");'
pipeline wide <<JSON
{ "pipeline": "wide",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "wide.jsonl", "batch_size": 1000 } },
    { "id": "pg", "stage": "postgres", "inputs": ["in"], "config": { @CONN@, "table": "wide", "operation": "upsert" } } ] }
JSON
run wide
is "$rc|$(pg_sql 'SELECT count(*), sum(c99) FROM wide')" "0|700|$((99 * 699 * 700 / 2))" \
	"wide: 700 rows x 100 columns upserted in one batch, split under the parameter limit"

# ==== injection attempts ================================================================
pg_sql 'CREATE TABLE y (id int4)'
pg_sql 'INSERT INTO y VALUES (42)'
pg_sql 'CREATE TABLE inj (id int4, "we""ird" text, "Mixed Case" text)'
printf '%s\n' '{"t":"x; DROP TABLE y","id":1}' '{"t":"y\"; DROP TABLE y; --","id":2}' \
	'{"t":"inj","id":3,"we\"ird":"quoted","mixed case":"spaced"}' \
	'{"t":"inj","a\"); DROP TABLE y; --":"x"}' \
	'{"t":"inj","id":6,"we\"ird":"x\u0027); DROP TABLE y; --"}' >inj.jsonl
pipeline inj <<JSON
{ "pipeline": "inj",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "inj.jsonl" } },
    { "id": "pg", "stage": "postgres", "inputs": ["in"], "config": { @CONN@, "table": "\${record:value('/t')}" } } ],
  ${ERRORS_TO/NAME/inj} }
JSON
run inj
is "$rc" 0 "injection: exit 0"
is "$(errors inj t)" 'inj:SQL_03 x; DROP TABLE y:SQL_02 y"; DROP TABLE y; --:SQL_02' \
	"injection: a table expression giving SQL is no table (SQL_02), a field named like SQL matches no column (SQL_03)"
is "$(pg_sql 'SELECT id FROM y')" 42 "injection: table y intact"
is "$(pg_sql 'SELECT id, "we""ird", "Mixed Case" FROM inj ORDER BY id' | tr '\n' ' ')" \
	"3|quoted|spaced 6|x'); DROP TABLE y; --| " "injection: a column named with a quote is written, values are data"
# A NUL byte cannot be in a PostgreSQL name: "inj<NUL>x" is no table, not "inj".
printf '%s\n' '{"t":"inj\u0000x","id":5}' >inj-nul.jsonl
sed 's/inj\.jsonl/inj-nul.jsonl/; s/inj\.errors/inj-nul.errors/; s/"inj"/"inj-nul"/' inj.json >inj-nul.json
run inj-nul
like "$rc $(errors inj-nul id)" '^0 5:SQL_0[12]$' "injection: a table name with a NUL byte is a record error"

# ==== TLS ==============================================================================
# init_query records whether the session is encrypted (pg_stat_ssl).
pg_sql 'CREATE TABLE tls_log (run text, ssl bool)'
pg_sql 'CREATE TABLE tls_rows (id int4)'
echo '{"id":1}' >one.jsonl
tls_run() { # NAME TLS-KEYS
	pipeline "$1" <<JSON
{ "pipeline": "$1",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "one.jsonl" } },
    { "id": "pg", "stage": "postgres", "inputs": ["in"],
      "config": { @CONN@, "table": "tls_rows", $2,
        "init_query": "INSERT INTO tls_log SELECT '$1', ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()" } } ],
  "retry": { "attempts": 2, "backoff": "10ms" } }
JSON
	run "$1"
}
tls_run tls-disable '"tls": "disable"'
is "$rc|$(pg_sql "SELECT ssl FROM tls_log WHERE run = 'tls-disable'")" "0|f" "tls disable: written, not encrypted"
tls_run tls-require '"tls": "require"'
is "$rc|$(pg_sql "SELECT ssl FROM tls_log WHERE run = 'tls-require'")" "0|t" "tls require (self-signed server): written over TLS"
tls_run tls-verify "\"tls\": \"verify-full\", \"tls_ca_file\": \"$SLUICE_TEST_CA\""
is "$rc|$(pg_sql "SELECT ssl FROM tls_log WHERE run = 'tls-verify'")" "0|t" "tls verify-full with the server's CA: written over TLS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=other \
	-keyout other-key.pem -out other-ca.pem >/dev/null 2>&1
tls_run tls-wrong-ca '"tls": "verify-full", "tls_ca_file": "other-ca.pem"'
is "$rc" 1 "tls verify-full with another CA: exit 1"
like "$(cat tls-wrong-ca.err)" 'connecting to postgres: .*certificate verify failed' \
	"... at once (fatal, not retried), saying why"
is "$(pg_sql "SELECT count(*) FROM tls_log WHERE run = 'tls-wrong-ca'")" 0 "... without a session"

# ==== connection failures ================================================================
sed 's/"host": "127.0.0.1", "port": [0-9]*, //' tls-disable.json >socket.json
sed -i "s|\"database\"|\"socket\": \"$PGHOST\", \"database\"|; s/tls-disable/socket/g" socket.json
run socket
is "$rc|$(pg_sql "SELECT ssl FROM tls_log WHERE run = 'socket'")" "0|f" "socket: connects through the socket directory"
sed 's/${env:SLUICE_PG_PASSWORD}/wrong/; s/tls-disable/badpw/g' tls-disable.json >badpw.json
run badpw
is "$rc" 1 "wrong password: exit 1"
like "$(cat badpw.err)" 'connecting to postgres: .*password authentication failed' "... at once (fatal), saying why"
unlike "$(cat badpw.err)" 'offered again' "... not retried"
sed 's/"sluice_test"/"no_such_db"/; s/tls-disable/nodb/g' tls-disable.json >nodb.json
run nodb
like "$rc $(cat nodb.err)" '^1 .*connecting to postgres: .*no_such_db' "unknown database: exit 1 at once, naming it"
sed 's/"init_query": "[^"]*"/"init_query": "SELEC 1"/; s/tls-disable/badinit/g' tls-disable.json >badinit.json
run badinit
like "$rc $(cat badinit.err)" '^1 .*connecting to postgres: init_query: .*SELEC' "a failing init_query: exit 1 at once, naming it"
sed 's/"init_query": "[^"]*"/"init_query": "COPY tls_rows FROM STDIN"/; s/tls-disable/copyinit/g' tls-disable.json >copyinit.json
run copyinit
like "$rc $(cat copyinit.err)" '^1 .*init_query: .*COPY is not expected' "an init_query starting a COPY: exit 1, not a hang"
port=$(free_port)
sed "s/\"port\": $PGPORT/\"port\": $port/; s/tls-disable/noserver/g" tls-disable.json >noserver.json
run noserver
is "$rc" 1 "no server listening: exit 1 once retries ran out"
like "$(cat noserver.err)" 'offered again' "... after offering the batch again (retry, not fatal)"

# ==== the server killed and restarted mid-run ===========================================
# An endless paced generator.  Once rows arrive the server is killed
# (SIGKILL, no shutdown); once the sink has noticed, it is started again;
# once more rows arrive, sluice is stopped (SIGTERM: the batch in flight is
# finished and committed).  Every record up to the committed offset must
# be in the table: at least once for insert, exactly once for upsert on the
# key.  Each step waits for a condition, never for a time.
# rows_over N TABLE: true once TABLE has more than N rows.
rows_over() { [[ $(pg_sql "SELECT count(*) > $1 FROM $2" 2>/dev/null) == t ]]; }
pg_sql 'CREATE TABLE kill_insert (seq int8, fare_amount numeric(8,2))'
pg_sql 'CREATE TABLE kill_upsert (seq int8 PRIMARY KEY, fare_amount numeric(8,2))'
for op in insert upsert; do
	pipeline "kill-$op" <<JSON
{ "pipeline": "kill-$op",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "seed": 3, "batch_size": 100, "rate": 2000, "corrupt_fraction": 0 } },
    { "id": "pg", "stage": "postgres", "inputs": ["gen"],
      "config": { @CONN@, "table": "kill_$op", "operation": "$op", "connect_timeout": "2s" } } ],
  "retry": { "attempts": 100, "backoff": "100ms", "max_backoff": "500ms" } }
JSON
	"$SLUICE" run "kill-$op.json" --state-dir "state-kill-$op" >"kill-$op.out" 2>"kill-$op.err" &
	pid=$!
	wait_until 60 rows_over 500 "kill_$op" || diag "no rows arrived in kill_$op"
	stop_postgres --kill
	wait_until 60 grep -q 'offered again' "kill-$op.err" || diag "the sink did not notice the kill"
	start_postgres || bail "PostgreSQL did not restart"
	before=$(pg_sql "SELECT count(*) FROM kill_$op")
	wait_until 60 rows_over "$((before + 500))" "kill_$op" || diag "no rows after the restart"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	is "$rc" 0 "kill ($op): the run goes on after the restart and stops cleanly (exit 0)"
	like "$(cat "kill-$op.err")" 'offered again' "kill ($op): the lost connection was noticed and the batch retried"
	committed=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).offsets[""])' \
		"state-kill-$op/offsets.json")
	got=$(pg_sql "SELECT count(DISTINCT seq), min(seq), max(seq) FROM kill_$op")
	is "$got" "$committed|0|$((committed - 1))" "kill ($op): every record up to the committed offset ($committed) is in the table"
	[[ $op == upsert ]] && is "$(pg_sql 'SELECT count(*) FROM kill_upsert')" "$committed" "kill (upsert): none twice"
done

# ==== upsert order while connections are lost ============================================
# Batches overlap (the sink's I/O thread writes batch N while the runner
# plans N+1), and a lost connection retries a batch after the next one was
# written: the sink then retries that one too, so that no key's upsert goes
# back to a record of an older batch.  A trigger logs every write; 25 times
# 0.4 s apart, every session of the run is terminated.  A batch whose COMMIT
# went through while its connection died is written again (at least
# once): its own rows then repeat in order, which is no going back; seq /
# 100 is a record's batch (batch_size 100).
pg_sql 'CREATE TABLE ord (vendor_id text PRIMARY KEY, seq int8)'
pg_sql 'CREATE TABLE ord_log (id bigserial PRIMARY KEY, vendor_id text, seq int8)'
pg_sql 'CREATE FUNCTION ord_log() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN INSERT INTO ord_log (vendor_id, seq) VALUES (NEW.vendor_id, NEW.seq); RETURN NEW; END $$'
pg_sql 'CREATE TRIGGER ord_log AFTER INSERT OR UPDATE ON ord FOR EACH ROW EXECUTE FUNCTION ord_log()'
pipeline ord <<JSON
{ "pipeline": "ord",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "seed": 3, "batch_size": 100, "rate": 3000, "corrupt_fraction": 0 } },
    { "id": "pg", "stage": "postgres", "inputs": ["gen"],
      "config": { @CONN@, "table": "ord", "operation": "upsert", "connect_timeout": "2s" } } ],
  "retry": { "attempts": 100, "backoff": "50ms", "max_backoff": "200ms" } }
JSON
"$SLUICE" run ord.json --state-dir state-ord >ord.out 2>ord.err &
pid=$!
wait_until 60 test -n "$(pg_sql 'SELECT 1 FROM ord_log LIMIT 1')" || diag "no rows arrived in ord"
for _ in $(seq 25); do
	pg_sql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = 'sluice_test' AND pid <> pg_backend_pid() AND application_name = 'sluice'" >/dev/null
	sleep 0.4
done
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
is "$rc" 0 "upsert order: the run goes on through lost connections (exit 0)" "$(tail -n 3 ord.err)"
like "$(cat ord.err)" 'offered again' "upsert order: connections were lost and batches retried"
is "$(pg_sql "SELECT count(*) FROM (SELECT seq / 100 < lag(seq) OVER (PARTITION BY vendor_id ORDER BY id) / 100
	AS back FROM ord_log) x WHERE back")" 0 "upsert order: no key's row ever went back to an older batch's record"

# ==== inserts on two connections ==========================================================
# Inserts go out on two connections: batch N+1 is written while N still
# is, and commits keep batch order.  (As in mysql_sink.sh.)  Batch 1 has id 9 first, batch 0 has it last, after a
# row whose trigger sleeps 0.8 s (less than the second the sink waits):
# batch 1 inserts 9, then waits for batch 0 to commit, while batch 0 waits
# in the server for batch 1's row.  The server cannot see the first wait;
# batch 0 sends nothing for a second, so batch 1 rolls back, and is
# offered again after batch 0: batch 0's id 9 kept, batch 1's refused.
pg_sql 'CREATE TABLE lanes (id int PRIMARY KEY, b int NOT NULL, slow float8 NOT NULL)'
pg_sql 'CREATE FUNCTION lanes_slow() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN PERFORM pg_sleep(NEW.slow); RETURN NEW; END $$'
pg_sql 'CREATE TRIGGER lanes_slow BEFORE INSERT ON lanes FOR EACH ROW EXECUTE FUNCTION lanes_slow()'
printf '{"id": %s, "b": %s, "slow": %s}\n' 1 0 0 2 0 0.8 9 0 0 9 1 0 10 1 0 11 1 0 >lanes.jsonl
pipeline lanes <<JSON
{ "pipeline": "lanes",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "lanes.jsonl", "batch_size": 3 } },
    { "id": "pg", "stage": "postgres", "inputs": ["in"], "config": { @CONN@, "table": "lanes" } } ],
  ${ERRORS_TO/NAME/lanes} }
JSON
run lanes
is "$rc" 0 "two connections, one key in two batches: exit 0" "$(cat lanes.err)"
like "$(cat lanes.err)" "sent no statement for" "... the later batch waited for the earlier one, then rolled back"
is "$(pg_sql "SELECT string_agg(id || ':' || b, ',' ORDER BY id) FROM lanes")" "1:0,2:0,9:0,10:1,11:1" \
	"... every other row landed once; id 9 is the earlier batch's"
is "$(errors lanes b)" "1:SQL_05" "... the later batch's id 9 is the error record (SQL_05)"

# Batch 0 sleeps 2 s in the trigger (every time it is written), batch 1 is
# written meanwhile and waits to commit; then batch 0's session is
# terminated.  Batch 1 must roll back and come again after batch 0: its
# rows are never seen without batch 0's.
pg_sql 'CREATE TABLE lanes_lost (LIKE lanes INCLUDING ALL)'
pg_sql 'CREATE TRIGGER lanes_lost_slow BEFORE INSERT ON lanes_lost FOR EACH ROW EXECUTE FUNCTION lanes_slow()'
printf '{"id": %s, "b": %s, "slow": %s}\n' 1 0 0 2 0 2 3 0 0 4 1 0 5 1 0 6 1 0 >lanes_lost.jsonl
sed -e 's/"lanes"/"lanes_lost"/' -e 's/lanes\.jsonl/lanes_lost.jsonl/' -e 's/lanes\.errors/lanes_lost.errors/' \
	lanes.json >lanes_lost.json
"$SLUICE" run lanes_lost.json --state-dir state-lanes_lost >lanes_lost.out 2>lanes_lost.err &
pid=$!
sleeper() { pg_sql "SELECT pid FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND application_name = 'sluice'"; }
asleep() { [[ -n $(sleeper) ]]; }
check "batch 0 sleeps in its trigger" wait_until 30 asleep
sleep 0.5 # batch 1: written, waiting to commit (less than the second it waits)
is "$(pg_sql "SELECT pg_terminate_backend($(sleeper))")" t "... and its session is terminated"
seen=$(sample 8 0.2 pg_sql 'SELECT count(*) FROM lanes_lost WHERE b = 1 AND (SELECT count(*) FROM lanes_lost WHERE b = 0) < 3')
rc=0
wait "$pid" || rc=$?
is "$rc" 0 "two connections, batch 0's lost while batch 1 waits to commit: exit 0" "$(tail -n 3 lanes_lost.err)"
# (Killed late, batch 0 would have stalled batch 1 first: rolled back as well.)
like "$(cat lanes_lost.err)" "(an earlier batch is written again first|stalled); the batch will be offered again" \
	"... batch 1 rolled back, to come after batch 0"
is "$seen" 00000000 "... batch 1's rows never seen without batch 0's"
is "$(pg_sql "SELECT string_agg(id::text, ',' ORDER BY id) FROM lanes_lost") $(errors lanes_lost b)" "1,2,3,4,5,6 " \
	"... then both landed, each row once, no error record"

# A table with a foreign key is written one batch after the other: batch
# 0's row is slow to insert, batch 1's row refers to it (one table: a
# second one would make batch 1 wait to read its columns).  Written while
# batch 0 is uncommitted, the check would fail with 23503.
pg_sql 'CREATE TABLE fk (id int PRIMARY KEY, parent int REFERENCES fk, slow float8 NOT NULL DEFAULT 0)'
pg_sql 'CREATE TRIGGER fk_slow BEFORE INSERT ON fk FOR EACH ROW EXECUTE FUNCTION lanes_slow()'
printf '%s\n' '{"id": 1, "slow": 0.5}' '{"id": 2, "parent": 1}' >fk.jsonl
pipeline fk <<JSON
{ "pipeline": "fk",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "fk.jsonl", "batch_size": 1 } },
    { "id": "pg", "stage": "postgres", "inputs": ["in"], "config": { @CONN@, "table": "fk" } } ],
  ${ERRORS_TO/NAME/fk} }
JSON
run fk
is "$rc $(pg_sql "SELECT string_agg(id::text, ',' ORDER BY id) FROM fk") $(errors fk id)" "0 1,2 " \
	"a foreign key to the batch before's row holds (no 23503): such a table is written serially" "$(cat fk.err)"

# ==== validate ============================================================================
validate() { # NAME CONFIG: sets rc and out
	printf '{ "pipeline": "v", "stages": [ { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "records": 1 } },
  { "id": "pg", "stage": "postgres", "inputs": ["gen"], "config": %s } ] }\n' "$2" >"$1.json"
	rc=0
	out=$("$SLUICE" validate "$1.json" 2>&1) || rc=$?
}
validate v-ok '{ "host": "127.0.0.1", "table": "t", "tls": "verify-full", "tls_ca_file": "ca.pem" }'
is "$rc" 0 "validate: a good config passes without a server"
validate v-tls '{ "table": "t", "tls": "verify" }'
like "$rc $out" '^2 .*stages\[1\]\.config\.tls: .*verify-full' "validate: an unknown tls mode, located, with the modes"
validate v-table '{ "host": "127.0.0.1" }'
like "$rc $out" '^2 .*stages\[1\]\.config\.table: required' "validate: a missing table"
validate v-op '{ "table": "t", "operation": "merge" }'
like "$rc $out" '^2 .*stages\[1\]\.config\.operation: ' "validate: an unknown operation"
validate v-stage '{ "table": "t", "tabel": "u" }'
like "$rc $out" '^2 .*tabel.*did you mean "table"' "validate: an unknown key, with a suggestion"

done_testing
