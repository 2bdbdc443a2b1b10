#!/usr/bin/env bash
# The router (SDC's Stream Selector) through the CLI: records split by
# conditions into lanes "route.<output>" and a default lane; mode all
# copies a record to every lane whose condition holds, mode first to one;
# a condition that fails for a record makes a record error naming the
# expression; `sluice validate` reports a syntax error with its column.
# ${...} in single quotes is the expression language's, not the shell's.
# shellcheck disable=SC2016
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cd "$SLUICE_TEST_TMP" || bail "no temp dir"

# route NAME MODE ROUTES_JSON: taxi records (seed 7, 2000 of them) through
# a router into one file per lane (card, cash, big, other); sets rc.
route() {
	local name=$1 mode=$2 routes=$3
	cat >"$name.json" <<EOF
{ "pipeline": "$name",
  "stages": [
    { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "seed": 7, "records": 2000, "batch_size": 300 } },
    { "id": "route", "stage": "router", "inputs": ["gen"],
      "config": { "routes": $routes, "default": "other", "mode": "$mode" } },
    { "id": "card", "stage": "file:writer", "inputs": ["route.card"], "config": { "path": "$name-card.jsonl" } },
    { "id": "cash", "stage": "file:writer", "inputs": ["route.cash"], "config": { "path": "$name-cash.jsonl" } },
    { "id": "big", "stage": "file:writer", "inputs": ["route.big"], "config": { "path": "$name-big.jsonl" } },
    { "id": "other", "stage": "file:writer", "inputs": ["route.other"], "config": { "path": "$name-other.jsonl" } } ] }
EOF
	touch "$name-card.jsonl" "$name-cash.jsonl" "$name-big.jsonl" "$name-other.jsonl"
	rc=0
	"$SLUICE" run "$name.json" --state-dir "state-$name" >"$name.stdout" 2>"$name.err" || rc=$?
}

nlines() { wc -l <"$1" | tr -d ' '; }

# field_counts FILE FIELD: "value count" lines of FIELD over FILE's records.
field_values() {
	node -e '
const [file, field] = process.argv.slice(1);
const lines = require("fs").readFileSync(file, "utf8").split("\n").filter(Boolean);
const seen = {};
for (const l of lines) { const v = String(JSON.parse(l)[field]); seen[v] = (seen[v] || 0) + 1; }
console.log(Object.keys(seen).sort().join(","));' "$1" "$2"
}

routes='[ { "when": "${record:value(\u0027/payment_type\u0027) == \u0027CRD\u0027}", "output": "card" },
          { "when": "${record:value(\"/payment_type\") eq \"CSH\"}", "output": "cash" },
          { "when": "${record:value(\u0027/fare_amount\u0027) > 20}", "output": "big" } ]'

# ---- mode all ---------------------------------------------------------------------
route all all "$routes"
is "$rc" 0 "mode all: exit 0"
is "$(field_values all-card.jsonl payment_type)" "CRD" "mode all: the card lane has only CRD records"
is "$(field_values all-cash.jsonl payment_type)" "CSH" "mode all: the cash lane has only CSH records"
unlike "$(field_values all-other.jsonl payment_type)" 'CRD|CSH' "mode all: the default lane has neither"
card=$(nlines all-card.jsonl) cash=$(nlines all-cash.jsonl) big=$(nlines all-big.jsonl) other=$(nlines all-other.jsonl)
check "mode all: every lane got records ($card card, $cash cash, $big big, $other other)" \
	test "$card" -gt 0 -a "$cash" -gt 0 -a "$big" -gt 0 -a "$other" -gt 0
is "$(node -e '
const fs = require("fs");
const big = fs.readFileSync("all-big.jsonl", "utf8").split("\n").filter(Boolean).map(JSON.parse);
console.log(big.every(r => Number(r.fare_amount) > 20) ? "yes" : "no");')" yes "mode all: the big lane has fares over 20 only"
# Every record reaches a lane; the default lane only gets records no
# route took.
is "$(cat all-*.jsonl | node -e '
const seqs = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean).map(l => JSON.parse(l).seq);
console.log(new Set(seqs).size);')" 2000 "mode all: every record reaches a lane"
is "$(cat all-card.jsonl all-cash.jsonl all-big.jsonl all-other.jsonl | node -e '
const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean).map(JSON.parse);
const other = new Set(lines.filter(r => !["CRD", "CSH"].includes(r.payment_type) && Number(r.fare_amount) <= 20)
  .map(r => r.seq));
console.log(other.size);')" "$other" "mode all: the default lane holds exactly the records no condition held for"
check "mode all: big records are also in card or cash (copies)" \
	test "$(cat all-card.jsonl all-cash.jsonl all-big.jsonl | node -e '
const seqs = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean).map(l => JSON.parse(l).seq);
console.log(seqs.length - new Set(seqs).size);')" -gt 0

# ---- mode first --------------------------------------------------------------------
route first first "$routes"
is "$rc" 0 "mode first: exit 0"
is "$(cat first-*.jsonl | wc -l | tr -d ' ')" 2000 "mode first: each record in exactly one lane"
check "mode first: the card lane is the same as in mode all" cmp first-card.jsonl all-card.jsonl
is "$(node -e '
const fs = require("fs");
const big = fs.readFileSync("first-big.jsonl", "utf8").split("\n").filter(Boolean).map(JSON.parse);
console.log(big.every(r => r.payment_type !== "CRD" && r.payment_type !== "CSH") ? "yes" : "no");')" yes \
	"mode first: only records no earlier route took reach the big lane"

# ---- a condition that fails for a record ---------------------------------------------
bad='[ { "when": "${record:value(\u0027/payment_type\u0027) * 2 > 1}", "output": "card" },
       { "when": "${false}", "output": "cash" }, { "when": "${false}", "output": "big" } ]'
route bad all "$bad"
is "$rc" 0 "failing condition: the run goes on (record errors)"
is "$(cat bad-*.jsonl | wc -l | tr -d ' ')" 0 "failing condition: no record reaches a lane"
is "$(nlines state-bad/errors.jsonl)" 2000 "failing condition: every record is an error record"
like "$(head -n 1 state-bad/errors.jsonl)" \
	'routes\[0\]\.when: expression \\"\$\{record:value\('"'"'/payment_type'"'"'\) \* 2 > 1\}\\", column 33: cannot convert \\"[A-Z]+\\" to a number' \
	"failing condition: the message names the route, the expression and the column"
like "$(head -n 1 state-bad/errors.jsonl)" 'ROUTER_01' "failing condition: code ROUTER_01"

# ---- validation -------------------------------------------------------------------------
cat >syntax.json <<'EOF'
{ "pipeline": "syntax",
  "stages": [
    { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "records": 1 } },
    { "id": "route", "stage": "router", "inputs": ["gen"],
      "config": { "routes": [ { "when": "${record:value('/payment_type') ==}", "output": "card" } ] } },
    { "id": "card", "stage": "dev:trash", "inputs": ["route.card"] },
    { "id": "rest", "stage": "dev:trash", "inputs": ["route.default"] } ] }
EOF
rc=0
"$SLUICE" validate syntax.json >syntax.out 2>syntax.err || rc=$?
is "$rc" 2 "syntax error: validate exits 2"
like "$(cat syntax.err)" \
	"stages\[1\]\.config\.routes\[0\]\.when: column 35: expected a value \(a literal, a function call or '\('\), got '\}'" \
	"syntax error: location, column and what was expected"
sed -i 's/ ==}/ == "CRD"}/; s/"CRD"/\\"CRD\\"/' syntax.json
rc=0
"$SLUICE" validate syntax.json >syntax.out 2>syntax.err || rc=$?
is "$rc" 0 "fixed: validates (the default lane is \"default\")"

cat >dup.json <<'EOF'
{ "pipeline": "dup",
  "stages": [
    { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "records": 1 } },
    { "id": "route", "stage": "router", "inputs": ["gen"],
      "config": { "routes": [ { "when": "${true}", "output": "a" }, { "when": "${false}", "output": "a" } ] } },
    { "id": "a", "stage": "dev:trash", "inputs": ["route.a", "route.default"] } ] }
EOF
rc=0
"$SLUICE" validate dup.json >dup.out 2>dup.err || rc=$?
is "$rc" 2 "two routes to one lane: refused"
like "$(cat dup.err)" 'routes\[1\]\.output: "a" is the output of routes\[0\] already' "two routes to one lane: named"

# ---- examples/quickstart.json's routing, as a user runs it ------------------------------
mkdir -p example || bail "no example dir"
cd example || bail "no example dir"
rc=0
"$SLUICE" run "$top_srcdir/examples/quickstart.json" --state-dir state >out.txt 2>err.txt || rc=$?
is "$rc" 0 "examples/quickstart.json: exit 0"
is "$(cat card.jsonl cash.jsonl other.jsonl | wc -l | tr -d ' ')" 10000 "examples/quickstart.json: every record once"
is "$(field_values card.jsonl payment_type) $(field_values cash.jsonl payment_type)" "CRD CSH" \
	"examples/quickstart.json: card and cash files by payment type"
cd .. || bail "cd"

# refused CONFIG MESSAGE_RE: the router config is refused with MESSAGE_RE.
refused() {
	cat >refused.json <<EOF
{ "pipeline": "refused",
  "stages": [
    { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "records": 1 } },
    { "id": "route", "stage": "router", "inputs": ["gen"], "config": $1 },
    { "id": "t", "stage": "dev:trash", "inputs": ["route.a", "route.default"] } ] }
EOF
	rc=0
	"$SLUICE" validate refused.json >refused.out 2>refused.err || rc=$?
	is "$rc" 2 "refused: $2"
	like "$(cat refused.err)" "$2" "message: $2"
}
refused '{ "routes": [] }' 'stages\[1\]\.config\.routes: at least one route is needed'
refused '{ "routes": [ { "when": "${true}", "output": "a" } ], "default": "a" }' \
	'routes\[0\]\.output: "a" is the default lane too'
refused '{ "routes": [ { "when": "${true}", "output": "a.b" } ] }' \
	'routes\[0\]\.output: "a\.b" is not a lane name'
refused '{ "routes": [ { "when": "${true}", "output": "" } ] }' 'routes\[0\]\.output: a lane name cannot be empty'
refused '{ "routes": [ { "when": "${true}", "output": "a" } ], "mode": "any" }' \
	'stages\[1\]\.config\.mode: expected one of all, first, got "any"'
refused '{ "routes": [ { "output": "a" } ] }' 'stages\[1\]\.config\.routes\[0\]\.when: required'

done_testing
