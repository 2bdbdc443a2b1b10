#!/usr/bin/env bash
# examples/taxi-to-mysql.json, the reference scenario's database half, as a
# user runs it against a real MariaDB: the tables from
# examples/taxi-mysql.sql, every record either in card / cash by payment
# type or in the error file with its reason (the precondition for card
# payments without a card, the conversion of a malformed total or pickup
# time), none twice, and examples/taxi-analysis.sql answering.  Only the
# connection (the harness's server) and the record count change.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

require_integration mariadb node
cd "$SLUICE_TEST_TMP" || bail "no temp dir"
start_mariadb || bail "mariadb did not start"

mariadb_sql "$(cat "$top_srcdir/examples/taxi-mysql.sql")"
is "$(mariadb_sql 'SHOW TABLES' | sort | tr '\n' ' ')" "card cash " "taxi-mysql.sql creates card and cash"

N=20000
node -e '
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
p.stages[0].config.records = Number(process.argv[2]);
const db = p.stages.find(s => s.id === "db").config;
Object.assign(db, { socket: process.env.SLUICE_MYSQL_SOCKET, database: "sluice_test", user: "sluice",
                    password: "${env:SLUICE_MYSQL_PASSWORD}" });
p.error_records.config.path = process.cwd() + "/taxi-errors.jsonl";
fs.writeFileSync("taxi.json", JSON.stringify(p, null, 2));' "$top_srcdir/examples/taxi-to-mysql.json" "$N"

rc=0
"$SLUICE" run taxi.json --state-dir state --log-level warn >run.out 2>run.err || rc=$?
is "$rc" 0 "taxi-to-mysql: exit 0" "$(tail -n 5 run.err)"

card=$(mariadb_sql 'SELECT COUNT(*) FROM card')
cash=$(mariadb_sql 'SELECT COUNT(*) FROM cash')
errs=$(grep -c . taxi-errors.jsonl || true)
is "$((card + cash + errs))" "$N" "every record is in card, cash or the error file ($card + $cash + $errs)"
is "$(mariadb_sql "SELECT COUNT(*) FROM card WHERE payment_type <> 'CRD'")" 0 "card holds only card payments"
is "$(mariadb_sql "SELECT COUNT(*) FROM cash WHERE payment_type = 'CRD'")" 0 "cash holds no card payment"
is "$(mariadb_sql 'SELECT COUNT(*) FROM (SELECT seq FROM card UNION ALL SELECT seq FROM cash) t
	GROUP BY seq HAVING COUNT(*) > 1' | wc -l)" 0 "no trip written twice"
is "$(mariadb_sql "SELECT COUNT(*) FROM card WHERE credit_card NOT LIKE 'xxxxxxxxxxxx%'")" 0 \
	"card numbers are masked but for their last 4 digits"

# The corrupt records (1 %, three kinds) are the error records, each with
# its reason: a card payment without a card fails the precondition, a
# malformed amount or time fails its column's conversion.
reasons=$(node -e '
const rs = require("fs").readFileSync("taxi-errors.jsonl", "utf8").trim().split("\n").map(JSON.parse);
const kind = r => r.value.payment_type === "CRD" && r.value.credit_card === null ? "nocard"
  : typeof r.value.total_amount === "string" ? "total" : /Z$/.test(r.value.pickup_datetime) ? "other" : "pickup";
const seen = {};
for (const r of rs) {
  const k = kind(r) + ":" + r.attributes["sluice.error.stage"] + ":" + r.attributes["sluice.error.code"];
  seen[k] = (seen[k] || 0) + 1;
}
console.log(Object.keys(seen).sort().join(" "));' 2>&1)
like "$reasons" '^nocard:db:[A-Z_0-9]+ pickup:db:SQL_04 total:db:SQL_04$' \
	"error records: the three corrupt kinds, each with the stage and its code"

analysis=$(mariadb --no-defaults -S "$SLUICE_MYSQL_SOCKET" -u sluice -p"$SLUICE_MYSQL_PASSWORD" -N -B sluice_test \
	<"$top_srcdir/examples/taxi-analysis.sql" 2>&1)
like "$analysis" "^card	$card	" "taxi-analysis.sql: card trips counted"
like "$analysis" "cash	$cash	" "taxi-analysis.sql: cash trips counted"
like "$analysis" "Visa	[0-9]+	[0-9.]+" "taxi-analysis.sql: tips by card brand"

done_testing
