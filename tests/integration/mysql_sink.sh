#!/usr/bin/env bash
# The mysql destination against a real MariaDB (issue 7, "done when"):
# routing records to tables by an expression, fields to columns (with
# `columns` overrides and the server's defaults), strings that do not
# convert as record errors, NOT NULL and unique violations refused row by
# row while the rest of the batch lands once (also inside a batch, and four
# bad rows among 300), text values byte for byte (tab, newline, backslash,
# NUL, look-alikes of NULL, unicode), table names from records that
# try an injection refused with every table intact, the Unix socket and TCP,
# TLS require / verify-full against a self-signed server, the server killed
# and restarted mid-run (nothing lost; with upsert no duplicate), upserts
# of a key never going back to an older record while connections are lost
# with batches overlapping, inserts on two connections keeping batch order
# (one key in two batches in flight; connections lost), and
# `sluice validate` on bad configs without any server.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

require_integration mariadb node
cd "$SLUICE_TEST_TMP" || bail "no temp dir"
start_mariadb --tls || bail "mariadb did not start"

sql() { mariadb_sql "$1"; }

# NAME: runs NAME.json with its own state dir; stdout/stderr in NAME.out /
# NAME.err; the exit status in $rc.
rc=0
run() {
	rc=0
	"$SLUICE" run "$1.json" --state-dir "state-$1" --log-level warn >"$1.out" 2>"$1.err" || rc=$?
}

# What the connection keys look like: the password is a secret from the
# environment, never in the descriptor.
PW='"password": "${env:SLUICE_MYSQL_PASSWORD}"'
TCP="\"host\": \"127.0.0.1\", \"port\": $SLUICE_MYSQL_PORT, \"user\": \"sluice\", $PW, \"database\": \"sluice_test\""
SOCK="\"socket\": \"$SLUICE_MYSQL_SOCKET\", \"user\": \"sluice\", $PW, \"database\": \"sluice_test\""

# JS run by node over NAME's files: `copy` (the records as generated, when
# the pipeline wrote copy-NAME.jsonl) and `errs` (its error records).
judge() {
	local name=$1 js=$2
	node -e '
const fs = require("fs");
const name = process.argv[1];
const lines = f => fs.existsSync(f) ? fs.readFileSync(f, "utf8").split("\n").filter(l => l).map(JSON.parse) : [];
const copy = lines("copy-" + name + ".jsonl");
const errs = lines("state-" + name + "/errors.jsonl");
const code = e => e.attributes["sluice.error.code"];
const msg = e => e.attributes["sluice.error.message"];
'"$js" "$name"
}

# ---- routing, mapping, conversion errors ----------------------------------
sql "CREATE TABLE card (seq BIGINT PRIMARY KEY, medallion CHAR(32) NOT NULL, payment_type VARCHAR(3),
	fare DECIMAL(8,2), total_amount DECIMAL(8,2), pickup_datetime DATETIME, passenger_count TINYINT,
	trip_distance DOUBLE, credit_card VARCHAR(20), note VARCHAR(10) DEFAULT 'dflt');
	CREATE TABLE cash LIKE card;"
cat >route.json <<JSON
{ "pipeline": "route",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "seed": 7, "records": 3000, "batch_size": 500, "corrupt_fraction": 0.03 } },
    { "id": "copy", "stage": "file:writer", "inputs": ["gen"], "config": { "path": "copy-route.jsonl" } },
    { "id": "db", "stage": "mysql", "inputs": ["gen"],
      "config": { $TCP,
                  "table": "\${record:value('/payment_type') == 'CRD' ? 'card' : 'cash'}",
                  "columns": [ { "field": "/fare_amount", "column": "fare" } ] } } ] }
JSON
run route
is "$rc" 0 "routing run: exit 0" "$(cat route.err)"

# The generator's corrupt records: (b) a malformed pickup_datetime, (c) a
# total_amount that is no number.  They must be the error records.
expect=$(judge route '
const bad = r => !/Z$/.test(r.pickup_datetime) || typeof r.total_amount === "string";
const good = copy.filter(r => !bad(r));
const crd = good.filter(r => r.payment_type === "CRD");
const cents = rs => rs.reduce((s, r) => s + Math.round(r.total_amount * 100), 0);
const no_card = crd.filter(r => r.credit_card === null).length;
console.log([copy.length, crd.length, good.length - crd.length, copy.length - good.length, cents(crd), no_card].join(" "));')
read -r total n_card n_cash n_bad card_cents n_no_card <<<"$expect"
is "$total" 3000 "the copy holds every generated record"
isnt "$n_bad" 0 "some records are corrupt (else the conversion checks prove nothing)"
is "$(sql 'SELECT COUNT(*) FROM card')" "$n_card" "table card: every good CRD record"
is "$(sql 'SELECT COUNT(*) FROM cash')" "$n_cash" "table cash: every other good record"
is "$(sql 'SELECT CAST(SUM(total_amount) * 100 AS SIGNED) FROM card')" "$card_cents" \
	"card: the DECIMAL totals add up to the cent"
is "$(judge route 'console.log(errs.length + " " + new Set(errs.map(code)).size + " " + code(errs[0] || {attributes: {}}))')" \
	"$n_bad 1 SQL_04" "each corrupt record is one error record, code SQL_04"
like "$(judge route 'console.log(errs.filter(e => typeof e.value.total_amount === "string").map(msg)[0])')" \
	'total_amount.*total_amount.*[0-9]O' "a bad total: the message names field, column and value"
like "$(judge route 'console.log(errs.filter(e => !/Z$/.test(e.value.pickup_datetime)).map(msg)[0])')" \
	'pickup_datetime.*2013-01-3' "a bad pickup time: the message names the field and value"
# Every record exactly once: in card, in cash, or an error record.
landed=$(sql 'SELECT seq FROM card UNION ALL SELECT seq FROM cash' | sort -n)
errs=$(judge route 'errs.forEach(e => console.log(e.value.seq))' | sort -n)
is "$(printf '%s\n%s\n' "$landed" "$errs" | sort -n | uniq | wc -l) $(printf '%s\n%s\n' "$landed" "$errs" | wc -l)" \
	"3000 3000" "every seq once: written or an error record, never both, never twice"
first=$(judge route '
const r = copy.find(r => r.payment_type === "CRD" && /Z$/.test(r.pickup_datetime) && typeof r.total_amount !== "string");
console.log([r.seq, r.pickup_datetime, r.fare_amount.toFixed(2), r.medallion].join(" "));')
read -r seq pickup fare medallion <<<"$first"
is "$(sql "SELECT DATE_FORMAT(pickup_datetime, '%Y-%m-%dT%H:%i:%sZ'), fare, medallion, note FROM card WHERE seq = $seq" | tr '\t' ' ')" \
	"$pickup $fare $medallion dflt" \
	"a row: DATETIME in UTC, fare_amount in column fare (override), default for the unset column"
is "$(sql 'SELECT COUNT(*) FROM card WHERE fare IS NULL') $(sql 'SELECT COUNT(*) FROM card WHERE credit_card IS NULL')" \
	"0 $n_no_card" "card: every fare mapped through the override; NULL card numbers only where generated so"

# ---- NOT NULL and unique violations ------------------------------------------
{
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		case $i in
		4) echo '{"id": 4, "name": null, "email": "u4@x"}' ;;
		7) echo '{"id": 7, "name": "n7", "email": "u2@x"}' ;;
		9) echo '{"id": 9, "name": "n9", "email": "taken@x"}' ;;
		*) echo "{\"id\": $i, \"name\": \"n$i\", \"email\": \"u$i@x\", \"ignored\": true}" ;;
		esac
	done
	echo '{"nothing": "matches"}'
} >people.jsonl
# NAME: the records above, in one batch, into table NAME (made here).
people() {
	sql "CREATE TABLE $1 (id INT NOT NULL, name VARCHAR(20) NOT NULL, email VARCHAR(40) NOT NULL,
		UNIQUE KEY (email)); INSERT INTO $1 VALUES (100, 'old', 'taken@x');"
	cat >"$1.json" <<JSON
{ "pipeline": "$1",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "people.jsonl", "batch_size": 100 } },
    { "id": "db", "stage": "mysql:destination", "inputs": ["in"], "config": { $SOCK, "table": "$1" } } ] }
JSON
	run "$1"
	local how=$2
	is "$rc" 0 "$how: constraint violations: exit 0" "$(cat "$1.err")"
	is "$(sql "SELECT COUNT(*), COUNT(DISTINCT id), GROUP_CONCAT(id ORDER BY id) FROM $1" | tr '\t' ' ')" \
		"10 10 1,2,3,5,6,8,10,11,12,100" "$how: the good rows of the batch landed, each once"
	is "$(judge "$1" 'console.log(errs.map(e => (e.value.id || "-") + ":" + code(e)).sort().join(" "))')" \
		"-:SQL_03 4:SQL_05 7:SQL_05 9:SQL_05" \
		"$how: the refused rows are error records (SQL_05), the unmatched one SQL_03"
	like "$(judge "$1" 'console.log(msg(errs.find(e => e.value.id === 4)))')" \
		"SQLSTATE 23000.*'name' cannot be null" "$how: NOT NULL: the server's SQLSTATE and message"
	like "$(judge "$1" 'console.log(msg(errs.find(e => e.value.id === 9)))')" \
		"SQLSTATE 23000.*Duplicate entry 'taken@x'" "$how: unique: the server's SQLSTATE and message"
	like "$(judge "$1" 'console.log(msg(errs.find(e => e.value.id === 7)))')" \
		"SQLSTATE 23000.*Duplicate entry 'u2@x'" "$how: unique within the batch: the later row refused"
}
people people "array binding"
# The multi-row INSERTs MySQL servers get, on this MariaDB.
SLUICE_MYSQL_NO_BULK=1 people people_multirow "multi-row INSERT"

# ---- text, NULLs, a large batch with bad rows ----------------------------------
# Bytes a text protocol would escape (tab, newline, carriage return,
# backslash, NUL), texts that look like a NULL (\N, NULL), unicode, empty
# strings, NULL in every kind of column: each value as it was sent, once.
sql "CREATE TABLE text_values (id INT PRIMARY KEY, s TEXT, v VARCHAR(20), n INT, b BOOL)"
cat >text_values.jsonl <<'JSONL'
{"id": 1, "s": "tab\there", "v": "a\\b", "n": null, "b": true}
{"id": 2, "s": "new\nline\r\n", "v": "\\N", "n": 0, "b": false}
{"id": 3, "s": "nul\u0000byte", "v": "NULL", "n": -5, "b": null}
{"id": 4, "s": "unicode \u00e9 \u00fc \u4e2d\u6587 \ud83d\ude00", "v": "", "n": null, "b": true}
{"id": 5, "s": "\\", "v": "trailing\\", "n": 1, "b": false}
{"id": 6, "s": null, "v": null, "n": null, "b": null}
{"id": 7, "s": "\t\n\r\\\u0000\\t\\n", "v": "x\ty", "n": 7, "b": true}
{"id": 8, "s": "abcdefg\\hijklmn\topqrstu\nvwxyz01\r23456789\u0000ABCDEFG", "v": "\u00e9\u00e9\u00e9", "n": 8, "b": false}
JSONL
cat >text_values.json <<JSON
{ "pipeline": "text_values",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "text_values.jsonl" } },
    { "id": "db", "stage": "mysql", "inputs": ["in"], "config": { $SOCK, "table": "text_values" } } ] }
JSON
run text_values
is "$rc" 0 "text values: exit 0" "$(cat text_values.err)"
expect=$(node -e '
const fs = require("fs");
const hex = v => v === null ? "NULL" : Buffer.from(v, "utf8").toString("hex").toUpperCase();
const num = v => v === null ? "NULL" : v === true ? 1 : v === false ? 0 : v;
for (const l of fs.readFileSync("text_values.jsonl", "utf8").split("\n").filter(l => l)) {
	const r = JSON.parse(l);
	console.log([r.id, hex(r.s), hex(r.v), num(r.n), num(r.b)].join(" "));
}')
is "$(sql "SELECT id, IFNULL(HEX(s), 'NULL'), IFNULL(HEX(v), 'NULL'), IFNULL(n, 'NULL'), IFNULL(b, 'NULL')
	FROM text_values ORDER BY id" | tr '\t' ' ')" "$expect" \
	"every value byte for byte as sent: escapes, NULL and its look-alikes, unicode"
is "$(judge text_values 'console.log(errs.length)')" 0 "... and no error records"

# A 300-row batch with four bad rows (too long, out of range, a duplicate
# key, NULL into NOT NULL): bisection finds them, each is one SQL_05 with
# the server's own error, the rest land once.
sql "CREATE TABLE warned (id INT PRIMARY KEY, name VARCHAR(8) NOT NULL, amount DECIMAL(5,2))"
node -e '
for (let line = 1; line <= 300; line++) {
	const r = {line, id: line, name: "n" + line, amount: line / 4};
	if (line === 50) r.name = "much too long for it";
	if (line === 100) r.amount = 12345.67;
	if (line === 200) r.id = 10;
	if (line === 250) r.name = null;
	if (line === 275) r.amount = "1.005";
	console.log(JSON.stringify(r));
}' >warned.jsonl
cat >warned.json <<JSON
{ "pipeline": "warned",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "warned.jsonl", "batch_size": 1000 } },
    { "id": "db", "stage": "mysql", "inputs": ["in"], "config": { $SOCK, "table": "warned" } } ] }
JSON
run warned
is "$rc" 0 "a batch with four bad rows: exit 0" "$(cat warned.err)"
is "$(sql 'SELECT COUNT(*), COUNT(DISTINCT id), SUM(id) FROM warned' | tr '\t' ' ')" \
	"296 296 $((300 * 301 / 2 - 50 - 100 - 200 - 250))" "... every good row landed, once"
is "$(judge warned 'console.log(errs.map(e => e.value.line + ":" + code(e)).sort((a, b) => parseInt(a) - parseInt(b)).join(" "))')" \
	"50:SQL_05 100:SQL_05 200:SQL_05 250:SQL_05" "... each bad row is one SQL_05 error record"
is "$(judge warned 'for (const l of [50, 100, 200, 250]) console.log(msg(errs.find(e => e.value.line === l)))' |
	sed -E 's/^SQLSTATE ([0-9A-Z]+): .*: (Data too long|Out of range|Duplicate entry|Column .name. cannot be null).*/\1 \2/')" \
	"22001 Data too long
22003 Out of range
23000 Duplicate entry
23000 Column 'name' cannot be null" "... with the server's SQLSTATE and message for that row"
is "$(sql 'SELECT name, amount FROM warned WHERE id = 10' | tr '\t' ' ')" "n10 2.50" \
	"... the first of two rows with one key is the one kept"
is "$(sql 'SELECT amount FROM warned WHERE id = 275')" "1.01" \
	"... a value only rounded (a note, not an error) lands"

# ---- column types ---------------------------------------------------------------
sql "CREATE TABLE typed (id INT PRIMARY KEY, flag BOOL, small TINYINT UNSIGNED, day DATE, at TIME(3),
	stamp DATETIME(6), raw VARBINARY(8), doc JSON, price DECIMAL(6,2))"
cat >typed.jsonl <<'JSONL'
{"id": 1, "flag": true, "small": 255, "day": "2013-01-13", "at": "04:36:00.5", "stamp": "2013-01-13T05:36:00.123456+01:00", "raw": "ab", "doc": {"k": [1, 2]}, "price": "12.50"}
{"id": 2, "flag": "false", "small": 0, "day": "2013-01-14", "stamp": "2013-01-13 04:36:00", "doc": null}
{"id": 3, "small": 256}
{"id": 4, "small": -1}
{"id": 5, "flag": "maybe"}
{"id": 6, "price": "12345.678"}
JSONL
cat >typed.json <<JSON
{ "pipeline": "typed",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "typed.jsonl" } },
    { "id": "db", "stage": "mysql", "inputs": ["in"], "config": { $SOCK, "table": "typed" } } ] }
JSON
run typed
is "$rc" 0 "column types: exit 0" "$(cat typed.err)"
is "$(sql "SELECT id, flag, small, day, at, stamp, HEX(raw), doc, price FROM typed ORDER BY id" | tr '\t' ' ')" \
	"1 1 255 2013-01-13 04:36:00.500 2013-01-13 04:36:00.123456 6162 {\"k\":[1,2]} 12.50
2 0 0 2013-01-14 NULL 2013-01-13 04:36:00.000000 NULL NULL NULL" \
	"bool as 1/0, unsigned range, date, time, UTC datetime, bytes, a map as JSON, decimal"
is "$(judge typed 'console.log(errs.map(e => e.value.id + ":" + code(e)).sort().join(" "))')" \
	"3:SQL_04 4:SQL_04 5:SQL_04 6:SQL_05" \
	"out of TINYINT UNSIGNED's range and a bad bool: SQL_04; a decimal the column cannot hold: refused by the server"

# ---- injection attempts ------------------------------------------------------
sql 'CREATE TABLE y (id INT); INSERT INTO y VALUES (0); CREATE TABLE `a``b` (id INT, v VARCHAR(10));'
cat >inject.jsonl <<'JSONL'
{"t": "x; DROP TABLE y", "id": 1}
{"t": "a`b", "id": 2, "v": "tick"}
{"t": "y`; DROP TABLE y; -- ", "id": 3}
{"t": "y", "id": 4}
{"t": "Y", "id": 5}
JSONL
cat >inject.json <<JSON
{ "pipeline": "inject",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "inject.jsonl" } },
    { "id": "db", "stage": "mysql", "inputs": ["in"],
      "config": { $SOCK, "schema": "sluice_test", "table": "\${record:value('/t')}" } } ] }
JSON
tables_before=$(sql 'SHOW TABLES' | sort | tr '\n' ' ')
run inject
is "$rc" 0 "injection attempts: exit 0" "$(cat inject.err)"
is "$(sql 'SHOW TABLES' | sort | tr '\n' ' ')" "$tables_before" "every table is still there, none added"
is "$(sql 'SELECT GROUP_CONCAT(id ORDER BY id) FROM y')" "0,4" "table y: its row and the record meant for it"
is "$(sql 'SELECT id, v FROM `a``b`' | tr '\t' ' ')" "2 tick" "a backtick in a table name is quoted, not refused"
is "$(judge inject 'console.log(errs.map(e => e.value.id + ":" + code(e)).sort().join(" "))')" \
	"1:SQL_02 3:SQL_02 5:SQL_02" "names that are no table (names are case-sensitive here) are SQL_02 record errors"
like "$(judge inject 'console.log(msg(errs.find(e => e.value.id === 1)))')" "x; DROP TABLE y" \
	"... naming the table asked for"

# ---- Unix socket and TCP ------------------------------------------------------
# sock_only exists for localhost (the socket), tcp_only for 127.0.0.1 (TCP,
# the server skips name resolution): each connects only one way.
sql "CREATE DATABASE sluice_other; CREATE TABLE sluice_other.z (seq BIGINT, vendor_id VARCHAR(3));
	CREATE USER sock_only@localhost IDENTIFIED BY 'pw2'; GRANT ALL ON *.* TO sock_only@localhost;
	CREATE USER tcp_only@'127.0.0.1' IDENTIFIED BY 'pw2'; GRANT ALL ON *.* TO tcp_only@'127.0.0.1';
	CREATE USER tls_only@'127.0.0.1' IDENTIFIED BY 'pw2' REQUIRE SSL; GRANT ALL ON *.* TO tls_only@'127.0.0.1';"
export PW2=pw2
# NAME CONNECTION-KEYS: 10 taxi records into sluice_other.z.
z_pipeline() {
	cat >"$1.json" <<JSON
{ "pipeline": "$1",
  "stages": [
    { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "records": 10 } },
    { "id": "db", "stage": "mysql", "inputs": ["gen"],
      "config": { $2, "password": "\${env:PW2}", "schema": "sluice_other", "table": "z" } } ] }
JSON
	run "$1"
}
z_count() { sql 'SELECT COUNT(*) FROM sluice_other.z'; }
z_pipeline sock "\"socket\": \"$SLUICE_MYSQL_SOCKET\", \"user\": \"sock_only\""
is "$rc $(z_count)" "0 10" "over the Unix socket (user only known for localhost)" "$(cat sock.err)"
z_pipeline tcp "\"host\": \"127.0.0.1\", \"port\": $SLUICE_MYSQL_PORT, \"user\": \"tcp_only\""
is "$rc $(z_count)" "0 20" "over TCP (user only known for 127.0.0.1)" "$(cat tcp.err)"
z_pipeline tcp_wrong_user "\"host\": \"127.0.0.1\", \"port\": $SLUICE_MYSQL_PORT, \"user\": \"sock_only\""
is "$rc $(z_count)" "1 20" "the socket-only user over TCP: refused, exit 1"
like "$(cat tcp_wrong_user.err)" "Access denied for user 'sock_only'.*error 1045" "... with the server's reason"
unlike "$(cat tcp_wrong_user.err)" "pw2" "... and no password in the message"

# ---- TLS ------------------------------------------------------------------------
TLS_HOST="\"host\": \"127.0.0.1\", \"port\": $SLUICE_MYSQL_PORT, \"user\": \"tls_only\""
z_pipeline tls_require "$TLS_HOST, \"tls\": \"require\""
is "$rc $(z_count)" "0 30" "tls require: a user that needs TLS connects (self-signed certificate)" \
	"$(cat tls_require.err)"
z_pipeline tls_disable "$TLS_HOST"
is "$rc $(z_count)" "1 30" "tls disable: that user is refused (so require did encrypt)"
z_pipeline tls_verify "$TLS_HOST, \"tls\": \"verify-full\", \"tls_ca_file\": \"$SLUICE_TEST_CA\""
is "$rc $(z_count)" "0 40" "tls verify-full with the server's CA" "$(cat tls_verify.err)"
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-key.pem -out other-ca.pem -days 1 \
	-subj /CN=other >/dev/null 2>&1
z_pipeline tls_wrong_ca "$TLS_HOST, \"tls\": \"verify-full\", \"tls_ca_file\": \"$SLUICE_TEST_TMP/other-ca.pem\""
is "$rc $(z_count)" "1 40" "tls verify-full with another CA: refused, exit 1"
like "$(cat tls_wrong_ca.err)" "(certificate|TLS|SSL)" "... saying the certificate is the problem"
z_pipeline tls_require_ca "$TLS_HOST, \"tls\": \"require\", \"tls_ca_file\": \"$SLUICE_TEST_TMP/other-ca.pem\""
is "$rc $(z_count)" "1 40" "tls require with a tls_ca_file: the chain is checked too"

# ---- the server killed and restarted mid-run -----------------------------------
N=30000
sql "CREATE TABLE trips (seq BIGINT PRIMARY KEY, vendor_id VARCHAR(3), total_amount DECIMAL(8,2));
	CREATE TABLE trips_log (seq BIGINT, vendor_id VARCHAR(3), total_amount DECIMAL(8,2));"
cat >kill.json <<JSON
{ "pipeline": "kill",
  "retry": { "attempts": 100, "backoff": "100ms", "max_backoff": "500ms" },
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "records": $N, "batch_size": 200, "rate": 6000, "corrupt_fraction": 0 } },
    { "id": "upsert", "stage": "mysql", "inputs": ["gen"],
      "config": { $TCP, "table": "trips", "operation": "upsert" } },
    { "id": "insert", "stage": "mysql", "inputs": ["gen"], "config": { $SOCK, "table": "trips_log" } } ] }
JSON
"$SLUICE" run kill.json --state-dir state-kill --log-level warn >kill.out 2>kill.err &
pid=$!
trips_started() { (($(sql 'SELECT COUNT(*) FROM trips') > 3000)); }
wait_until 30 trips_started || true
alive=no
kill -0 "$pid" 2>/dev/null && alive=yes
stop_mariadb --kill
sleep 1
start_mariadb || bail "mariadb did not restart"
is "$alive" yes "the server was killed while the pipeline ran"
rc=0
wait "$pid" || rc=$?
is "$rc" 0 "the run finishes after the restart: exit 0" "$(tail -n 5 kill.err)"
like "$(cat kill.err)" "offered again" "the lost connection made the sink offer the batch again"
is "$(sql 'SELECT COUNT(*), COUNT(DISTINCT seq), MIN(seq), MAX(seq) FROM trips' | tr '\t' ' ')" \
	"$N $N 0 $((N - 1))" "upsert: every record once, none lost, no duplicate"
is "$(sql 'SELECT COUNT(DISTINCT seq), MIN(seq), MAX(seq) FROM trips_log' | tr '\t' ' ')" \
	"$N 0 $((N - 1))" "insert: no record lost"
is "$(judge kill 'console.log(errs.length)')" 0 "no error records"
# A second run of the same records: upsert updates rows in place.
sql "UPDATE trips SET vendor_id = 'OLD'"
rc=0
SLUICE_MYSQL_NO_BULK=1 "$SLUICE" run kill.json --state-dir state-kill2 --log-level warn >kill2.out 2>kill2.err || rc=$?
is "$rc" 0 "an upsert of rows that exist (multi-row INSERT): exit 0" "$(cat kill2.err)"
is "$(sql "SELECT COUNT(*), SUM(vendor_id = 'OLD') FROM trips" | tr '\t' ' ')" "$N 0" \
	"upsert again: same rows, every one updated"

# TIMES: kills every session of user sluice, TIMES times 0.4 s apart.
kill_sessions() {
	for _ in $(seq "$1"); do
		for id in $(sql "SELECT id FROM information_schema.processlist WHERE user = 'sluice'"); do
			sql "KILL CONNECTION $id" 2>/dev/null || true
		done
		sleep 0.4
	done
}

# ---- upsert order while connections are lost ------------------------------------
# Batches overlap (the sink's I/O thread writes batch N while the runner
# plans N+1); a lost connection retries a batch after the next one was
# written, and the sink then retries that one too, so that no key's upsert
# goes back to a record of an older batch.  A trigger logs every write;
# 20 times 0.4 s apart, every session of user sluice is killed.  A batch
# whose COMMIT went through while its connection died is written again
# (at least once): its own rows then repeat in order, which is no going
# back; seq DIV 100 is a record's batch (batch_size 100).
sql "CREATE TABLE ord (vendor_id VARCHAR(3) PRIMARY KEY, seq BIGINT);
	CREATE TABLE ord_log (id BIGINT AUTO_INCREMENT PRIMARY KEY, vendor_id VARCHAR(3), seq BIGINT);
	CREATE TRIGGER ord_ins AFTER INSERT ON ord FOR EACH ROW INSERT INTO ord_log (vendor_id, seq) VALUES (NEW.vendor_id, NEW.seq);
	CREATE TRIGGER ord_upd AFTER UPDATE ON ord FOR EACH ROW INSERT INTO ord_log (vendor_id, seq) VALUES (NEW.vendor_id, NEW.seq);"
cat >ord.json <<JSON
{ "pipeline": "ord",
  "retry": { "attempts": 100, "backoff": "50ms", "max_backoff": "200ms" },
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "seed": 3, "batch_size": 100, "rate": 3000, "corrupt_fraction": 0 } },
    { "id": "db", "stage": "mysql", "inputs": ["gen"],
      "config": { $SOCK, "table": "ord", "operation": "upsert", "connect_timeout": "2s" } } ] }
JSON
"$SLUICE" run ord.json --state-dir state-ord --log-level warn >ord.out 2>ord.err &
pid=$!
ord_started() { (($(sql 'SELECT COUNT(*) FROM ord_log') > 0)); }
wait_until 30 ord_started || diag "no rows arrived in ord"
kill_sessions 20
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
is "$rc" 0 "upsert order: the run goes on through lost connections (exit 0)" "$(tail -n 3 ord.err)"
like "$(cat ord.err)" 'offered again' "upsert order: connections were lost and batches retried"
is "$(sql "SELECT COUNT(*) FROM (SELECT seq DIV 100 < LAG(seq) OVER (PARTITION BY vendor_id ORDER BY id) DIV 100
	AS back FROM ord_log) x WHERE back")" 0 "upsert order: no key's row ever went back to an older batch's record"

# ---- inserts on two connections -------------------------------------------------
# Inserts go out on two connections: batch N+1 is executed while N still
# is, and commits keep batch order.  Batch 1 has id 9 first, batch 0 has it
# last, after a row whose trigger sleeps 0.8 s (less than the second the
# sink waits): batch 1 inserts 9, then
# waits for batch 0 to commit, while batch 0 waits in the server for
# batch 1's row.  The server cannot see the first wait, so only the sink's
# bounded wait breaks the two free: batch 0 sends nothing for a second,
# so batch 1 rolls back, and is offered again after batch 0.  The outcome is that of one connection: batch 0's
# id 9 kept, batch 1's refused.
sql "CREATE TABLE lanes (id INT PRIMARY KEY, b INT NOT NULL, slow INT NOT NULL);
	CREATE TRIGGER lanes_slow BEFORE INSERT ON lanes FOR EACH ROW SET @slept = IF(NEW.slow, SLEEP(0.8), 0);"
printf '{"id": %s, "b": %s, "slow": %s}\n' 1 0 0 2 0 1 9 0 0 9 1 0 10 1 0 11 1 0 >lanes.jsonl
cat >lanes.json <<JSON
{ "pipeline": "lanes",
  "stages": [
    { "id": "in", "stage": "file:reader", "config": { "path": "lanes.jsonl", "batch_size": 3 } },
    { "id": "db", "stage": "mysql:destination", "inputs": ["in"], "config": { $SOCK, "table": "lanes" } } ] }
JSON
run lanes
is "$rc" 0 "two connections, one key in two batches: exit 0" "$(cat lanes.err)"
like "$(cat lanes.err)" "sent no statement for" "... the later batch waited for the earlier one, then rolled back"
is "$(sql "SELECT GROUP_CONCAT(id, ':', b ORDER BY id) FROM lanes")" "1:0,2:0,9:0,10:1,11:1" \
	"... every other row landed once; id 9 is the earlier batch's"
is "$(judge lanes 'console.log(errs.map(e => e.value.id + ":" + e.value.b + ":" + code(e)).join(" "))')" "9:1:SQL_05" \
	"... the later batch's id 9 is the error record (SQL_05)"

# Order when a connection is lost: batch 0 sleeps 2 s in a trigger (every
# time it is written), batch 1 is written meanwhile on the other
# connection and waits to commit; then batch 0's session is killed.
# Batch 1 must roll back and come again after batch 0: its rows are never
# seen without batch 0's, not even while batch 0 is written again.
sql "CREATE TABLE lanes_lost (id INT PRIMARY KEY, b INT NOT NULL, slow INT NOT NULL);
	CREATE TRIGGER lanes_lost_slow BEFORE INSERT ON lanes_lost FOR EACH ROW SET @slept = IF(NEW.slow, SLEEP(2), 0);"
printf '{"id": %s, "b": %s, "slow": %s}\n' 1 0 0 2 0 1 3 0 0 4 1 0 5 1 0 6 1 0 >lanes_lost.jsonl
sed -e 's/"lanes"/"lanes_lost"/' -e 's/lanes\.jsonl/lanes_lost.jsonl/' lanes.json >lanes_lost.json
"$SLUICE" run lanes_lost.json --state-dir state-lanes_lost --log-level warn >lanes_lost.out 2>lanes_lost.err &
pid=$!
# The session in the trigger (its user is then the trigger's definer).
sleeper() { sql "SELECT id FROM information_schema.processlist WHERE state = 'User sleep' AND info LIKE 'SET @slept%'"; }
asleep() { [[ -n $(sleeper) ]]; }
check "batch 0 sleeps in its trigger" wait_until 30 asleep
sleep 0.5 # batch 1: written, waiting to commit (less than the second it waits)
check "... and its session is killed" sql "KILL CONNECTION $(sleeper)"
seen=$(sample 8 0.2 sql 'SELECT COUNT(*) FROM lanes_lost WHERE b = 1 AND (SELECT COUNT(*) FROM lanes_lost WHERE b = 0) < 3')
rc=0
wait "$pid" || rc=$?
is "$rc" 0 "two connections, batch 0's lost while batch 1 waits to commit: exit 0" "$(tail -n 3 lanes_lost.err)"
# (Killed late, batch 0 would have stalled batch 1 first: rolled back as well.)
like "$(cat lanes_lost.err)" "(an earlier batch is written again first|stalled); the batch will be offered again" \
	"... batch 1 rolled back, to come after batch 0"
is "$seen" 00000000 "... batch 1's rows never seen without batch 0's"
is "$(sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM lanes_lost") $(judge lanes_lost 'console.log(errs.length)')" \
	"1,2,3,4,5,6 0" "... then both landed, each row once, no error record"

# One of the sink's sessions killed at a time while inserts run on two
# connections: a batch whose predecessor is offered again rolls back too,
# so what is committed is always a prefix of the stream, a gap in seq never
# visible, not even while a batch waits to be offered again.  A batch
# committed just as its connection died is written again, its rows then
# refused as duplicates of themselves: the only error records allowed.
sql "CREATE TABLE lanes_kill (seq BIGINT PRIMARY KEY, vendor_id VARCHAR(3))"
cat >lanes_kill.json <<JSON
{ "pipeline": "lanes_kill",
  "retry": { "attempts": 100, "backoff": "200ms", "max_backoff": "400ms" },
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "seed": 4, "batch_size": 100, "rate": 3000, "corrupt_fraction": 0 } },
    { "id": "db", "stage": "mysql", "inputs": ["gen"],
      "config": { $SOCK, "table": "lanes_kill", "connect_timeout": "2s" } } ] }
JSON
"$SLUICE" run lanes_kill.json --state-dir state-lanes_kill --log-level warn >lanes_kill.out 2>lanes_kill.err &
pid=$!
lanes_kill_started() { (($(sql 'SELECT COUNT(*) FROM lanes_kill') > 0)); }
wait_until 30 lanes_kill_started || diag "no rows arrived in lanes_kill"
gaps=0
for _ in $(seq 30); do
	id=$(sql "SELECT id FROM information_schema.processlist WHERE user = 'sluice' ORDER BY RAND() LIMIT 1")
	[[ -z $id ]] || sql "KILL CONNECTION $id" 2>/dev/null || true
	for _ in 1 2 3; do
		sleep 0.1
		gaps=$((gaps + $(sql 'SELECT COUNT(*) > 0 AND COUNT(*) <> MAX(seq) + 1 FROM lanes_kill')))
	done
done
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
is "$rc" 0 "inserts on two connections: the run goes on through lost connections (exit 0)" \
	"$(tail -n 3 lanes_kill.err)"
like "$(cat lanes_kill.err)" 'offered again' "... connections were lost and batches retried"
is "$gaps $(sql 'SELECT COUNT(*) = MAX(seq) + 1 AND MIN(seq) = 0 FROM lanes_kill')" "0 1" \
	"... the rows committed were always seq 0 to the last one, none missing meanwhile nor at the end"
sql 'SELECT seq FROM lanes_kill' >lanes_kill.seqs
is "$(judge lanes_kill 'const have = new Set(fs.readFileSync("lanes_kill.seqs", "utf8").split("\n"));
	console.log(errs.filter(e => code(e) !== "SQL_05" || !have.has(String(e.value.seq))).length)')" 0 \
	"... every error record is a duplicate of a row committed (a batch written again)"

# A user allowed one connection: the second is refused (error 1226), which
# stops the run naming `connections`; with "connections": 1 it goes through.
sql "CREATE USER 'one'@'localhost' IDENTIFIED BY '$SLUICE_MYSQL_PASSWORD' WITH MAX_USER_CONNECTIONS 1;
	GRANT ALL ON sluice_test.* TO 'one'@'localhost';
	CREATE TABLE lanes_one (seq BIGINT PRIMARY KEY, vendor_id VARCHAR(3))"
rcs=
for n in 2 1; do
	cat >"lanes_one$n.json" <<JSON
{ "pipeline": "lanes_one$n",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "seed": 5, "records": 20000, "batch_size": 100, "corrupt_fraction": 0 } },
    { "id": "db", "stage": "mysql", "inputs": ["gen"],
      "config": { "socket": "$SLUICE_MYSQL_SOCKET", "user": "one", $PW, "database": "sluice_test",
                  "table": "lanes_one", "connections": $n } } ] }
JSON
	sql 'TRUNCATE TABLE lanes_one'
	run "lanes_one$n"
	rcs+=" $rc"
done
is "$rcs" " 1 0" "a user allowed one connection: exit 1 with two, 0 with \"connections\": 1" "$(cat lanes_one1.err)"
is "$(sql 'SELECT COUNT(*) FROM lanes_one')" 20000 "... which wrote every record"
like "$(cat lanes_one2.err)" 'the second connection \("connections": 1 makes do with one\).*max_user_connections' \
	"... with two, the second connection's refusal names the key"

# ---- validate: bad configs, no server needed -----------------------------------
# NAME CONFIG: a descriptor with a mysql stage of this config, validated.
validate() {
	cat >"$1.json" <<JSON
{ "pipeline": "v",
  "stages": [
    { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "records": 1 } },
    { "id": "db", "stage": "mysql", "inputs": ["gen"], "config": $2 } ] }
JSON
	rc=0
	"$SLUICE" validate "$1.json" >"$1.out" 2>&1 || rc=$?
}
validate v_ok '{ "host": "127.0.0.1", "port": 1, "table": "t" }'
is "$rc" 0 "validate: a good config passes, without connecting (nothing listens on port 1)" "$(cat v_ok.out)"
validate v_no_table '{ "host": "127.0.0.1" }'
is "$rc" 2 "validate: no table: exit 2"
like "$(cat v_no_table.out)" 'stages\[1\]\.config\.table: required' "... naming the key"
validate v_typo '{ "tabel": "t", "table": "t" }'
is "$rc" 2 "validate: an unknown key: exit 2"
like "$(cat v_typo.out)" 'tabel' "... naming it"
validate v_tls '{ "table": "t", "tls": "sometimes" }'
is "$rc" 2 "validate: a bad tls mode: exit 2"
like "$(cat v_tls.out)" 'config\.tls' "... naming the key"
validate v_keys '{ "table": "t", "key_columns": ["id"] }'
is "$rc" 2 "validate: key_columns without upsert: exit 2"
like "$(cat v_keys.out)" 'key_columns' "... naming the key"
validate v_expr "{ \"table\": \"\${record:value('/t'\" }"
is "$rc" 2 "validate: a broken table expression: exit 2"
like "$(cat v_expr.out)" 'config\.table' "... naming the key"

done_testing
