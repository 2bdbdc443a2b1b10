#!/usr/bin/env bash
# examples/quickstart.json as a user runs it: every record written once,
# routed by payment type into card, cash and other files, in order, with the
# taxi fields, card numbers masked but for their last 4 digits (checked
# against the generator's own records); the same run twice appends.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cd "$SLUICE_TEST_TMP" || bail "no temp dir"
rc=0
"$SLUICE" run "$top_srcdir/examples/quickstart.json" --state-dir state >out.txt 2>err.txt || rc=$?
is "$rc" 0 "quickstart: exit 0"
check "quickstart: wrote card.jsonl" test -s card.jsonl
check "quickstart: wrote cash.jsonl" test -s cash.jsonl
check "quickstart: wrote other.jsonl" test -s other.jsonl
# The three files, merged by seq, are the generator's output.
cat card.jsonl cash.jsonl other.jsonl | node -e '
let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
  const rs = s.trim().split("\n").map(l => [JSON.parse(l).seq, l]).sort((a, b) => a[0] - b[0]);
  process.stdout.write(rs.map(r => r[1]).join("\n") + "\n");
});' >taxi.jsonl
kinds=$(node -e '
const fs = require("fs");
const kinds = f => [...new Set(fs.readFileSync(f, "utf8").trim().split("\n").map(l => JSON.parse(l).payment_type))].sort().join(",");
console.log(kinds("card.jsonl") + " " + kinds("cash.jsonl") + " " + kinds("other.jsonl"));')
like "$kinds" '^CRD CSH [A-Z,]*$' "quickstart: card and cash files hold only their payment type"
unlike "$kinds" ' .*(CRD|CSH)[^ ]*$' "quickstart: the other file holds neither"

# Record by record: seq runs 0..9999 in order; every record has the taxi
# fields in the documented order; amounts add up on sound records.
report=$(node - taxi.jsonl <<'JS'
const fs = require("fs");
const lines = fs.readFileSync(process.argv[2], "utf8").split("\n");
if (lines.pop() !== "") { console.log("no final newline"); process.exit(0); }
const want = ["seq","medallion","hack_license","vendor_id","payment_type","fare_amount","surcharge",
  "mta_tax","tip_amount","tolls_amount","total_amount","rate_code","pickup_datetime","dropoff_datetime",
  "passenger_count","trip_time_in_secs","trip_distance","pickup_longitude","pickup_latitude",
  "dropoff_longitude","dropoff_latitude","credit_card","credit_card_type"].join(",");
let bad = [], sums = 0;
lines.forEach((l, i) => {
  const r = JSON.parse(l);
  if (r.seq !== i) bad.push(`line ${i + 1}: seq ${r.seq}`);
  if (Object.keys(r).join(",") !== want) bad.push(`line ${i + 1}: keys ${Object.keys(r)}`);
  const parts = ["fare_amount","surcharge","mta_tax","tip_amount","tolls_amount"];
  if (typeof r.total_amount === "number" && parts.every(p => typeof r[p] === "number")) {
    const cents = parts.reduce((a, p) => a + Math.round(r[p] * 100), 0);
    if (cents !== Math.round(r.total_amount * 100)) bad.push(`line ${i + 1}: total ${r.total_amount}`);
    sums++;
  }
});
console.log(`${lines.length} ${sums > 9900 ? "sums-ok" : "sums-few:" + sums} ${bad.length ? bad.slice(0, 3).join("; ") : "all-good"}`);
JS
)
is "${report%% *}" 10000 "quickstart: 10000 records"
like "$report" 'sums-ok' "quickstart: totals checked on sound records"
like "$report" 'all-good$' "quickstart: every record in order with the taxi fields"

# The same generator config without the mask and the router: the card
# numbers as they were, to check the masked ones against.
node -e '
const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const gen = p.stages.find(s => s.stage === "dev:generator");
console.log(JSON.stringify({ pipeline: "unmasked", stages: [gen,
  { id: "w", stage: "file:writer", inputs: [gen.id], config: { path: "unmasked.jsonl" } }] }));' \
	"$top_srcdir/examples/quickstart.json" >unmasked.json
check "quickstart: the generator alone runs" "$SLUICE" run unmasked.json --state-dir state-unmasked
masking=$(node - taxi.jsonl unmasked.jsonl <<'JS'
const fs = require("fs");
const read = f => fs.readFileSync(f, "utf8").trim().split("\n").map(l => JSON.parse(l));
const [masked, plain] = [read(process.argv[2]), read(process.argv[3])];
let cards = 0, bad = [];
plain.forEach((p, i) => {
  const m = masked[i].credit_card, c = p.credit_card;
  if (c === null) { if (m !== null) bad.push(`${i}: null became ${m}`); return; }
  cards++;
  if (m !== "x".repeat(c.length - 4) + c.slice(-4)) bad.push(`${i}: ${c} -> ${m}`);
});
console.log(`${plain.length} ${cards > 5000 ? "many-cards" : "few-cards:" + cards} ${bad.slice(0, 3).join("; ") || "all-masked"}`);
JS
)
is "$masking" "10000 many-cards all-masked" "quickstart: every card number masked but for its last 4 digits, nulls left null"
unlike "$(cat card.jsonl cash.jsonl other.jsonl)" '"credit_card":"[0-9]{5}' "quickstart: no card number in clear in any file"

cp card.jsonl card-first.jsonl
"$SLUICE" run "$top_srcdir/examples/quickstart.json" --state-dir state2 >/dev/null 2>&1
n=$(wc -l <card-first.jsonl | tr -d ' ')
is "$(wc -l <card.jsonl | tr -d ' ')" $((2 * n)) "quickstart again (new state dir): appended, never truncated"
cmp -s card-first.jsonl <(tail -n "$n" card.jsonl)
is "$?" 0 "quickstart again: the same seed gives the same bytes"

done_testing
