#!/usr/bin/env bash
# sdk/template as a plugin author uses it: copied out of the tree, built
# with its Makefile and pkg-config alone (here against the build tree, via a
# sluice.pc made for it), installed to the pc file's plugindir, then loaded
# by sluice and run in a pipeline: dev:generator -> example:upper ->
# file:writer, with the strings checked record by record.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

for tool in make pkg-config cc; do
	command -v "$tool" >/dev/null || bail "$tool not found: it is a build dependency"
done

cd "$SLUICE_TEST_TMP" || bail "no temp dir"
cp -R "$top_srcdir/sdk/template" template || bail "cannot copy sdk/template"
chmod -R u+w template # a distcheck source tree is read-only
rm -f template/*.o template/*.so

# The SDK as an installed sluice.pc would describe it, but pointing at the
# build tree: headers from the source tree, libsluice from .libs.
# PKG_CONFIG_LIBDIR too, so that an installed sluice.pc can never be the
# one found.
mkdir -p pc plugins
cat >pc/sluice.pc <<EOF
plugindir=$SLUICE_TEST_TMP/plugins

Name: sluice
Description: sluice SDK in the build tree (tests/integration/sdk_template.sh)
Version: 0.0.0
Libs: -L$top_builddir/.libs -lsluice
Cflags: -I$top_srcdir/sdk
EOF
export PKG_CONFIG_PATH=$SLUICE_TEST_TMP/pc PKG_CONFIG_LIBDIR=$SLUICE_TEST_TMP/pc

# The outer make's jobserver and flags are not the template's business.
tmake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C template "$@"; }

# -Werror: the SDK headers must be warning-free for a plugin built with
# -Wall -Wextra, as the template's Makefile builds it.
check "template: make builds example.so" tmake CFLAGS="-O2 -g -Werror"
check "template: make install puts it in plugindir" tmake install
check "template: installed as plugindir/example.so" test -f plugins/example.so

# Only the entry point is exported (-fvisibility=hidden).  Names starting
# with "_" are the toolchain's (_init, _fini).
exported=$(nm -D --defined-only template/example.so 2>/dev/null | awk '$2 == "T" && $3 !~ /^_/ {print $3}' | sort | tr '\n' ' ')
is "$exported" "sluice_plugin_entry " "template: exports only sluice_plugin_entry"

stages=$("$SLUICE" stages --plugin-path "$SLUICE_TEST_TMP/plugins" 2>stages.err)
like "$stages" $'(^|\n)example:upper +processor ' "stages: lists example:upper as a processor"
described=$("$SLUICE" describe example:upper --plugin-path "$SLUICE_TEST_TMP/plugins" 2>&1)
like "$described" 'paths' "describe example:upper: shows its paths key"

# name is upper-cased; keep is a string not listed; /missing is absent from
# every record, which the stage must pass over.
cat >upper.json <<'EOF'
{
  "pipeline": "sdk-template",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "seed": 3, "records": 250, "batch_size": 100,
                  "fields": [
                    { "name": "name", "type": "string", "values": ["alice", "Bob", "carol-9", "D\u00e9j\u00e0"] },
                    { "name": "keep", "type": "string", "values": ["lower"] },
                    { "name": "n", "type": "int", "min": 1, "max": 9 } ] } },
    { "id": "shout", "stage": "example:upper", "inputs": ["gen"],
      "config": { "paths": ["/name", "/missing"] } },
    { "id": "out", "stage": "file:writer", "inputs": ["shout"],
      "config": { "path": "out.jsonl" } }
  ]
}
EOF
rc=0
"$SLUICE" run upper.json --plugin-path "$SLUICE_TEST_TMP/plugins" --state-dir state >run.out 2>run.err || rc=$?
is "$rc" 0 "run: exit 0"
[[ $rc == 0 ]] || diag "$(tail -n 20 run.err)"

lines=$(wc -l <out.jsonl 2>/dev/null | tr -d ' ')
is "$lines" 250 "run: 250 records written"
# The writer's JSON is compact ("key":value,...), so a line-wise match is
# exact.  Only ASCII letters change: "Déjà" becomes "DéJà".
upper=$(grep -cE '^\{"seq":[0-9]+,"name":"(ALICE|BOB|CAROL-9|DéJà)","keep":"lower","n":[1-9]\}$' out.jsonl)
is "$upper" 250 "run: every name upper-cased, other fields untouched"
seqs=$(grep -oE '^\{"seq":[0-9]+' out.jsonl | cut -d: -f2 | tr '\n' ' ')
is "$seqs" "$(seq -s ' ' 0 249) " "run: records in order, none lost"
distinct=$(grep -oE '"name":"[^"]*"' out.jsonl | sort -u | tr '\n' ' ')
is "$distinct" '"name":"ALICE" "name":"BOB" "name":"CAROL-9" "name":"DéJà" ' "run: each of the four names seen"

# non_string "error": an INT at a listed path sends the record to error
# handling; without error_records it lands in the state dir's errors.jsonl
# with the stage's code.
sed -e 's|"paths": \["/name", "/missing"\]|"paths": ["/n"], "non_string": "error"|' \
	-e 's|"out.jsonl"|"out2.jsonl"|' -e 's|"sdk-template"|"sdk-template-errors"|' upper.json >errors.json
rc=0
"$SLUICE" run errors.json --plugin-path "$SLUICE_TEST_TMP/plugins" --state-dir state2 >/dev/null 2>run2.err || rc=$?
is "$rc" 0 "non_string error: exit 0"
is "$(wc -l <out2.jsonl 2>/dev/null | tr -d ' ')" 0 "non_string error: nothing reaches the writer"
errors=$(grep -c '"sluice.error.stage":"shout","sluice.error.code":"EXAMPLE_01","sluice.error.message":"/n is int, not string"' state2/errors.jsonl 2>/dev/null)
is "$errors" 250 "non_string error: 250 error records with stage, code and message"

# A bad path is a descriptor error: located, exit 2, before anything runs.
sed -e 's|"/missing"|"/a["|' upper.json >badpath.json
rc=0
msg=$("$SLUICE" validate badpath.json --plugin-path "$SLUICE_TEST_TMP/plugins" 2>&1) || rc=$?
is "$rc" 2 "bad path: validate exits 2"
like "$msg" 'stages\[1\]\.config\.paths\[1\]' "bad path: the message names stages[1].config.paths[1]"
is "$(printf '%s\n' "$msg" | wc -l | tr -d ' ')" 1 "bad path: one line"

check "template: make clean" tmake clean
check "template: clean removed example.so" test ! -e template/example.so

done_testing
