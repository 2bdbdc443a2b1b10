#!/usr/bin/env bash
# Offsets (DESIGN §5): `sluice offsets show|reset` on state directories
# prepared by the offset store itself (through tests/drivers/offset_commit),
# and on ones that do not exist, which they must not create; the state
# directory's lock refusing a reset, another origin's offsets refused until
# reset, and a commit on a full disk failing with ENOSPC while the old
# offsets file stays intact.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

cd "$SLUICE_TEST_TMP" || bail "no temp dir"

commit=$top_builddir/tests/drivers/offset_commit
[[ -x $commit ]] || bail "$commit is not built (make check builds it)"

run() { # run CMD... -> sets rc, out, err
	rc=0
	"$@" >out.txt 2>err.txt || rc=$?
	out=$(cat out.txt)
	err=$(cat err.txt)
}

# ---- usage ----------------------------------------------------------------------

for args in "offsets --help" "offsets show --help" "offsets reset --help" "help offsets"; do
	# shellcheck disable=SC2086 # split on purpose
	run "$SLUICE" $args
	is "$rc" 0 "$args: exit 0"
	like "$out" 'Usage: sluice offsets show PIPELINE\.json\|--state-dir DIR \[--json\]' "$args: the usage"
done
run "$SLUICE" --help
like "$out" 'offsets show\|reset' "sluice --help lists offsets"
run "$SLUICE" offsets
is "$rc" 2 "offsets without an action: exit 2"
like "$err" 'sluice offsets: expected show or reset' "offsets without an action: said so"
run "$SLUICE" offsets frob
is "$rc" 2 "unknown action: exit 2"
like "$err" 'unknown action "frob"' "unknown action: named"
run "$SLUICE" offsets show
is "$rc" 2 "show without a pipeline or --state-dir: exit 2"
like "$err" 'sluice offsets show: expected one descriptor path or --state-dir DIR' "show without a pipeline: said so"
run "$SLUICE" offsets reset --json --state-dir x
is "$rc" 2 "reset --json: exit 2"
like "$err" 'sluice offsets reset: unknown option --json' "reset --json: the option named"
echo '{ "pipeline": "p", "stages": [ }' >bad.json
run "$SLUICE" offsets show bad.json
is "$rc" 2 "invalid descriptor: exit 2"
like "$err" '^bad\.json:1:' "invalid descriptor: located"

# ---- show ---------------------------------------------------------------------------

mkdir empty
run "$SLUICE" offsets show --state-dir empty
is "$rc" 0 "show, nothing committed: exit 0"
is "$out" "empty: no offsets committed (the next run starts from the beginning)" "show, nothing committed: said so"
run "$SLUICE" offsets show --state-dir empty --json
is "$out" '{"state_dir":"empty","file":"empty/offsets.json","origin":null,"offsets":{}}' "show --json, nothing committed"

# A state directory that does not exist (never run, or a typo) is looked
# at, not created.
run "$SLUICE" offsets show --state-dir no/such/dir
is "$rc" 0 "show, no state directory: exit 0"
is "$out" "no/such/dir: no such state directory, no offsets committed (the next run starts from the beginning)" \
	"show, no state directory: said so, the path named"
check_fails "show, no state directory: none created" test -e no
run "$SLUICE" offsets show --state-dir no/such/dir --json
is "$out" '{"state_dir":"no/such/dir","file":"no/such/dir/offsets.json","origin":null,"offsets":{}}' \
	"show --json, no state directory: as with nothing committed"
check_fails "show --json, no state directory: none created" test -e no
run "$SLUICE" offsets reset --state-dir no/such/dir
is "$rc" 0 "reset, no state directory: exit 0"
is "$out" "no/such/dir: no such state directory, nothing to reset" "reset, no state directory: said so"
check_fails "reset, no state directory: none created" test -e no
touch notadir
run "$SLUICE" offsets show --state-dir notadir
is "$rc" 1 "show, the state directory a file: exit 1"
is "$err" "sluice offsets show: state directory notadir is not a directory" "show, the state directory a file: said so"

mkdir state
check "store commits two shards" "$commit" state 'src:kinesis:consumer' \
	shardId-000000000000=49590338271490256608559692538361571095921575989136588898 shardId-000000000001=12
check "store merges a third" "$commit" state 'src:kinesis:consumer' 'tab	key=a "quoted" value'
run "$SLUICE" offsets show --state-dir state
is "$rc" 0 "show: exit 0"
is "$out" "state/offsets.json: 3 offset(s) of origin src:kinesis:consumer
shardId-000000000000	49590338271490256608559692538361571095921575989136588898
shardId-000000000001	12
tab	key	a \"quoted\" value" "show: origin, then key TAB value per offset"
run "$SLUICE" offsets show --json --state-dir state
is "$rc" 0 "show --json: exit 0"
got=$(node -e '
const o = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log([o.state_dir, o.file, o.origin, JSON.stringify(o.offsets)].join("|"));' <out.txt)
is "$got" 'state|state/offsets.json|src:kinesis:consumer|{"shardId-000000000000":"49590338271490256608559692538361571095921575989136588898","shardId-000000000001":"12","tab\tkey":"a \"quoted\" value"}' \
	"show --json: state_dir, file, origin and offsets"

# The state directory from the descriptor, as `run` finds it.
cat >p1.json <<'EOF2'
{ "pipeline": "p1", "stages": [
  { "id": "gen", "stage": "dev:generator", "config": { "records": 3 } },
  { "id": "out", "stage": "dev:trash", "inputs": ["gen"] } ] }
EOF2
mkdir -p systemd/p1
check "store commits into \$STATE_DIRECTORY/p1" "$commit" systemd/p1 gen:dev:generator gen=3
STATE_DIRECTORY=$SLUICE_TEST_TMP/systemd run "$SLUICE" offsets show p1.json
is "$out" "$SLUICE_TEST_TMP/systemd/p1/offsets.json: 1 offset(s) of origin gen:dev:generator
gen	3" "show PIPELINE.json: the state directory run uses (\$STATE_DIRECTORY/PIPELINE)"
STATE_DIRECTORY=$SLUICE_TEST_TMP/systemd run "$SLUICE" offsets show p1.json --state-dir state
like "$out" '^state/offsets\.json: 3 offset' "show PIPELINE.json --state-dir: the option wins, as for run"

echo '{"version":1,"origin":"o","offsets":{"a":1}}' >damaged.json
mkdir damaged && mv damaged.json damaged/offsets.json
run "$SLUICE" offsets show --state-dir damaged
is "$rc" 1 "show, damaged file: exit 1"
is "$err" 'sluice offsets show: offsets: damaged/offsets.json: offsets.a must be a string' "show, damaged file: one line naming it"

# ---- another origin's offsets ---------------------------------------------------------

run "$commit" state 'in:file:reader' /var/log/a.log=100
is "$rc" 1 "another origin: refused"
is "$err" "offsets: state/offsets.json was written for origin \"src:kinesis:consumer\", not \"in:file:reader\"; to start over, run: sluice offsets reset --state-dir state" \
	"another origin: one line with the command that resets"
check "another origin: the file untouched" grep -q shardId-000000000001 state/offsets.json

# ---- reset, and the lock ----------------------------------------------------------------

# hold_lock DIR [PID_TOO]: a process holding DIR's lock the way flock(1)
# does, writing its pid into the lock file when asked (as sluice does).
hold_lock() {
	rm -f held
	(
		exec 9<>"$1/lock"
		flock 9
		[[ -z ${2:-} ]] || echo "$BASHPID" >&9
		touch held
		exec sleep 60
	) &
	holder=$!
	at_exit "kill $holder 2>/dev/null"
	wait_until 10 test -e held || bail "the lock holder did not start"
}

hold_lock state
run "$SLUICE" offsets reset --state-dir state
is "$rc" 1 "reset while locked: exit 1"
is "$err" "sluice offsets reset: state directory state is in use (locked by another process): stop the pipeline first" \
	"reset while locked: refused at once, the directory named"
check "reset while locked: the offsets kept" test -e state/offsets.json
kill "$holder"
wait "$holder" 2>/dev/null

hold_lock state with-pid
run "$SLUICE" offsets reset --state-dir state
is "$rc" 1 "reset while a sluice holds it: exit 1"
is "$err" "sluice offsets reset: state directory state is in use (locked by pid $holder): stop the pipeline first" \
	"reset while a sluice holds it: its pid named"
kill "$holder"
wait "$holder" 2>/dev/null

run "$SLUICE" offsets reset --state-dir state
is "$rc" 0 "reset: exit 0"
is "$out" "state: offsets removed; the next run starts from the beginning" "reset: said so"
check "reset: the file is gone" test ! -e state/offsets.json
run "$SLUICE" offsets show --state-dir state
like "$out" 'no offsets committed' "reset: show finds none"
run "$SLUICE" offsets reset --state-dir state
is "$rc" 0 "reset again: exit 0"
is "$out" "state: no offsets committed, nothing to reset" "reset again: nothing to do, said so"
check "after reset, another origin may commit" "$commit" state 'in:file:reader' /var/log/a.log=100

STATE_DIRECTORY=$SLUICE_TEST_TMP/systemd run "$SLUICE" offsets reset p1.json
is "$rc" 0 "reset PIPELINE.json: exit 0"
check "reset PIPELINE.json: its state directory's file removed" test ! -e systemd/p1/offsets.json
STATE_DIRECTORY=$SLUICE_TEST_TMP/systemd-none run "$SLUICE" offsets show p1.json
is "$out" "$SLUICE_TEST_TMP/systemd-none/p1: no such state directory, no offsets committed (the next run starts from the beginning)" \
	"show PIPELINE.json never run: said so"
STATE_DIRECTORY=$SLUICE_TEST_TMP/systemd-none run "$SLUICE" offsets reset p1.json
is "$rc" 0 "reset PIPELINE.json never run: exit 0"
check_fails "show and reset PIPELINE.json never run: no state directory created" test -e systemd-none

# ---- offsets written by a run ------------------------------------------------------------
# The runner only hands each batch's offsets to the store's writer thread;
# the last ones are flushed before the run ends, so `offsets show` right
# after it has the final offset, with or without --sync-offsets.
cat >p200.json <<'EOF2'
{ "pipeline": "p200", "stages": [
  { "id": "gen", "stage": "dev:generator", "config": { "preset": "taxi", "records": 20000, "batch_size": 100 } },
  { "id": "out", "stage": "dev:trash", "inputs": ["gen"] } ] }
EOF2
for mode in background --sync-offsets; do
	args=()
	[[ $mode == background ]] || args=("$mode")
	run "$SLUICE" run p200.json --state-dir "run-$mode" --log-level warn "${args[@]}"
	is "$rc" 0 "run ($mode): exit 0"
	run "$SLUICE" offsets show --state-dir "run-$mode"
	like "$out" $'\t20000$' "run ($mode): show right after it has the last batch's offset"
done
run "$SLUICE" preview p200.json --state-dir run-preview --sync-offsets
is "$rc" 2 "preview --sync-offsets: exit 2 (run only)"

# ---- a full disk ------------------------------------------------------------------------

# A small filesystem of its own: a tmpfs, else an ext2 image on a loop
# device; skipped only where neither can be mounted (not root, no loop).
mkdir small
small_fs=
if mount -t tmpfs -o size=256k,mode=0700 sluice-test "$SLUICE_TEST_TMP/small" 2>tmpfs.err; then
	small_fs=tmpfs
elif dd if=/dev/zero of=small.img bs=1k count=512 status=none &&
	mkfs.ext2 -q -F small.img 2>loop.err && mount -o loop small.img "$SLUICE_TEST_TMP/small" 2>>loop.err; then
	small_fs="ext2 on a loop device"
fi
if [[ -z $small_fs ]]; then
	skip "no small filesystem: tmpfs: $(head -n 1 tmpfs.err); loop: $(head -n 1 loop.err 2>/dev/null)" 8
else
	at_exit "umount '$SLUICE_TEST_TMP/small'"
	diag "full disk on $small_fs"
	check "full disk: a first commit" "$commit" small gen:dev:generator gen=100
	cp small/offsets.json before.json
	# Fill it up; dd stops at ENOSPC.
	dd if=/dev/zero of=small/fill bs=4k status=none 2>/dev/null || true
	run "$commit" small gen:dev:generator gen=200 "big=$(head -c 8000 /dev/zero | tr '\0' x)"
	is "$rc" 1 "full disk: the commit fails"
	like "$err" '^offsets: cannot (write|fsync|close) small/offsets\.json\.tmp: No space left on device$' \
		"full disk: one line with the path and ENOSPC"
	check "full disk: the old offsets file intact" cmp before.json small/offsets.json
	check "full disk: no temp file left" test ! -e small/offsets.json.tmp
	run "$SLUICE" offsets show --state-dir small
	is "$out" "small/offsets.json: 1 offset(s) of origin gen:dev:generator
gen	100" "full disk: show reads the old offsets"
	rm -f small/fill
	check "space again: the commit goes through" "$commit" small gen:dev:generator gen=300
	run "$SLUICE" offsets show --state-dir small
	like "$out" $'\ngen\t300$' "space again: the new offset shown"
fi

done_testing
