#!/usr/bin/env bash
# bench/sql-sinks.sh — the SQL destinations against their servers' own bulk
# load (issue 7).  It starts a PostgreSQL and a MariaDB of its own
# (tests/servers/servers.sh: Unix sockets and 127.0.0.1 only, stopped at
# exit), writes N taxi records (dev:generator, seed 1, none corrupted) once
# to a CSV (file:writer, delimited), and loads the same rows into the same
# table ("taxi": one column per field, primary key seq) of each server, in
# the same invocation:
#   postgres:destination    generator -> sink, batch_size B (a transaction
#   mysql:destination       per batch), connected over the Unix socket
#                           (two connections, as by default); also with the
#                           generator's threads 2 ("2 runners", which push:
#                           a connection each), whose
#                           ratio to the single-stream bulk load is printed
#                           apart from the headline (one runner)
#   psql \copy              the CSV in one COPY: the bulk load
#   LOAD DATA LOCAL INFILE  the CSV (mariadb --local-infile=1): the bulk load
#   one-row INSERTs         the first M rows, one literal INSERT per line of
#                           a SQL file run by psql / mariadb: each row its
#                           own statement, round trip and (autocommit)
#                           commit, what a naive client does
#   dev:generator -> dev:trash  the same pipeline without a sink: the
#                           generator's, runner's and offset commits' share
# Each is the best wall-clock time of R runs on an emptied table; after
# every run the table's count, sum(seq) and sum(total_amount) are checked
# (the sinks' against the bulk load's): a wrong one fails the bench.
# Printed: rows/s, wall seconds, CPU seconds of the client (sluice, psql,
# mariadb) and of the server (PostgreSQL: the postmaster and its exited
# backends; MariaDB: mariadbd), and each sink's rows/s over its bulk
# load's, as measured and net of the pipeline without a sink (the sink's
# wall time less dev:trash's).  Target (issue 7): >= 0.8 of the bulk load.
# The servers are the test servers: PostgreSQL with fsync off (a commit
# flushes nothing), MariaDB with its defaults (innodb_flush_log_at_trx_commit
# 1: a commit flushes the redo log).  Autovacuum is off on the table, so no
# worker's CPU lands in a run's figures.
# Usage: bench/sql-sinks.sh [BUILD_DIR] [N]   (default ./build, 200000; a
# lone number is N).  Environment: BENCH_RECORDS (N), BENCH_BATCH (B, 1000),
# BENCH_INSERT_RECORDS (M, 5000), BENCH_REPEAT (R, 3), BENCH_SINKS
# ("postgres mysql": the servers to measure), BENCH_STATE_DIR (where
# sluice's state directories go; default the temp dir).
# ${...} in single quotes is sluice's or the shell's later, not now:
# shellcheck disable=SC2016,SC2119
set -euo pipefail
shopt -s inherit_errexit
name=sql-sinks
[[ ${1:-} =~ ^[0-9]+$ ]] && set -- "" "$1"
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh" "${1:-}"
N=${2:-${BENCH_RECORDS:-200000}}
B=${BENCH_BATCH:-1000}
M=${BENCH_INSERT_RECORDS:-5000}
R=${BENCH_REPEAT:-3}
sinks=${BENCH_SINKS:-postgres mysql}
for v in "N=$N" "BENCH_BATCH=$B" "BENCH_INSERT_RECORDS=$M" "BENCH_REPEAT=$R"; do
    [[ ${v#*=} =~ ^[1-9][0-9]*$ ]] || { echo "bench/$name.sh: $v: not a positive integer" >&2; exit 2; }
done
((M <= N)) || M=$N

die() {
    echo "bench/$name.sh: $*" >&2
    exit 1
}

for s in $sinks; do
    case $s in
    postgres | mysql)
        "$sluice" describe "$s:destination" >/dev/null 2>&1 ||
            { echo "bench/$name.sh: $s:destination is not in $build: build plugins/$s" >&2; exit 2; } ;;
    *) echo "bench/$name.sh: BENCH_SINKS: unknown sink '$s' (postgres, mysql)" >&2; exit 2 ;;
    esac
done

# The servers, their temp dir and their cleanup come from the integration
# tests' harness; this is no TAP test, and lib.sh's EXIT trap replaces
# bench/lib.sh's, so it removes $work too.
top_srcdir=$(cd "$here/.." && pwd)
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
no_tap
at_exit 'rm -rf "$work"'

# ---- measuring ----------------------------------------------------------------

clk_tck=$(getconf CLK_TCK)
server_pid=

# CPU seconds of $server_pid and of its exited, reaped children.
server_cpu() {
    local stat
    stat=$(cat "/proc/$server_pid/stat")
    # proc(5): utime stime cutime cstime, fields 14-17; 12-15 after "pid (comm) ".
    awk -v t="$clk_tck" '{ printf "%.2f\n", ($12 + $13 + $14 + $15) / t }' <<<"${stat##*) }"
}

# CPU seconds (user + sys) of this shell's ended children.  `times`, not
# /usr/bin/time: the commands below are shell functions; redirected, not
# in $(...), whose subshell would have children of its own.
children_cpu() { # -> $cpu
    times >"$work/times"
    cpu=$(awk 'function s(t) { split(t, a, "m"); return a[1] * 60 + a[2] } NR == 2 { printf "%.2f\n", s($1) + s($2) }' \
        "$work/times")
}

# timed CMD... -> "wall client_cpu server_cpu" (seconds); the command's
# output is kept in $work/cmd.log, shown if it fails.
timed() {
    local t0 t1 c0 c1 s0 s1 cpu
    s0=$(server_cpu)
    children_cpu
    c0=$cpu
    t0=$EPOCHREALTIME
    "$@" >"$work/cmd.log" 2>&1 </dev/null || die "failed: $*"$'\n'"$(tail -n 20 "$work/cmd.log")"
    t1=$EPOCHREALTIME
    children_cpu
    c1=$cpu
    # A backend leaves when its client does; the postmaster reaps it soon.
    sleep 0.2
    s1=$(server_cpu)
    awk -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" -v s0="$s0" -v s1="$s1" \
        'BEGIN { printf "%.3f %.2f %.2f\n", t1 - t0, c1 - c0, s1 - s0 }'
}

# best ROWS RESET CHECK CMD...: R runs of CMD, each after RESET and followed
# by CHECK (which prints the table's count and sums); fails unless the
# count is ROWS and every run's sums are the same.  Prints the fastest
# run's "wall client_cpu server_cpu", and leaves the sums in $work/sums.
best() {
    local rows=$1 reset=$2 check=$3 i sums
    shift 3
    rm -f "$work/sums"
    for ((i = 0; i < R; i++)); do
        $reset
        timed "$@"
        sums=$($check)
        [[ ${sums%% *} == "$rows" ]] || die "expected $rows rows, the table has ${sums%% *} after: $*"
        if [[ -f $work/sums ]]; then
            [[ $sums == "$(cat "$work/sums")" ]] || die "run $i: '$sums', before: '$(cat "$work/sums")': $*"
        fi
        echo "$sums" >"$work/sums"
    done | sort -n | head -n 1
}

# ---- the data -------------------------------------------------------------------

pipeline() { # destination-stage-json records [threads] -> descriptor path
    local f
    f=$(mktemp -p "$work" pipeline.XXXXXX.json)
    cat >"$f" <<JSON
{ "pipeline": "bench-sql",
  "stages": [
    { "id": "gen", "stage": "dev:generator",
      "config": { "preset": "taxi", "seed": 1, "corrupt_fraction": 0, "records": $2, "batch_size": $B,
                  "threads": ${3:-1} } },
    $1 ] }
JSON
    echo "$f"
}

# State directories (offsets committed with fsync after every batch) go
# under BENCH_STATE_DIR when set: a tmpfs there takes the disk's fsync
# time out of every sluice run's figures.
states=$(mktemp -d -p "${BENCH_STATE_DIR:-$work}" sql-sinks-states.XXXXXX)
at_exit 'rm -rf "$states"'
sluice_run() {
    "$sluice" run "$1" --state-dir "$(mktemp -d -p "$states")" --log-level error --no-progress
}

csv=$work/taxi.csv
sluice_run "$(pipeline '{ "id": "csv", "stage": "file:writer", "inputs": ["gen"],
      "config": { "path": "'"$csv"'", "data_format": "delimited", "header": true } }' "$N")" >"$work/csv.log" 2>&1 ||
    die "could not write $csv: $(tail -n 5 "$work/csv.log")"
[[ $(($(wc -l <"$csv") - 1)) == "$N" ]] || die "$csv: expected $N rows"
# No field of a taxi record needs quoting; the INSERT files below rely on it.
! grep -q '"' "$csv" || die "$csv: quoted fields"

# MariaDB's LOAD DATA takes NULL as \N and a DATETIME without "T...Z".
mycsv=$work/taxi-mariadb.csv
sed -e 's/\([0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\)T\([0-9][0-9]:[0-9][0-9]:[0-9][0-9]\)Z/\1 \2/g' \
    -e 's/,,/,\\N,/g' "$csv" >"$mycsv"

# One INSERT per line for the first M rows of a CSV (\N or empty: NULL).
inserts() { # csv -> SQL file path
    local f
    f=$work/inserts-$(basename "$1" .csv).sql
    awk -F, -v m="$M" -v q="'" 'NR == 1 { next } NR > m + 1 { exit }
        { s = "INSERT INTO taxi VALUES ("
          for (i = 1; i <= NF; i++)
              s = s (i > 1 ? "," : "") ($i == "" || $i == "\\N" ? "NULL" : q $i q)
          print s ");" }' "$1" >"$f"
    echo "$f"
}

# The taxi record's fields, in order (plugins/dev/taxi.c); TIMESTAMP is
# each server's own spelling of a time without zone (UTC).
columns() { # timestamp-type decimal-type -> column list
    cat <<SQL
  seq               BIGINT       NOT NULL PRIMARY KEY,
  medallion         CHAR(32)     NOT NULL,
  hack_license      CHAR(32)     NOT NULL,
  vendor_id         VARCHAR(3)   NOT NULL,
  payment_type      VARCHAR(3)   NOT NULL,
  fare_amount       $2 NOT NULL,
  surcharge         $2 NOT NULL,
  mta_tax           $2 NOT NULL,
  tip_amount        $2 NOT NULL,
  tolls_amount      $2 NOT NULL,
  total_amount      $2 NOT NULL,
  rate_code         INT          NOT NULL,
  pickup_datetime   $1 NOT NULL,
  dropoff_datetime  $1 NOT NULL,
  passenger_count   INT          NOT NULL,
  trip_time_in_secs INT          NOT NULL,
  trip_distance     DOUBLE PRECISION NOT NULL,
  pickup_longitude  DOUBLE PRECISION,
  pickup_latitude   DOUBLE PRECISION,
  dropoff_longitude DOUBLE PRECISION,
  dropoff_latitude  DOUBLE PRECISION,
  credit_card       VARCHAR(19),
  credit_card_type  VARCHAR(16)  NOT NULL
SQL
}

# ---- printing -------------------------------------------------------------------

row() { # label rows "wall client server" -> one line ("-" for no server)
    local label=$1 rows=$2 wall client server
    read -r wall client server <<<"$3"
    printf '  %-38s %8d %10s %8.2f %8.2f %8s\n' "$label" "$rows" \
        "$(awk -v n="$rows" -v w="$wall" 'BEGIN { printf "%.0f", n / w }')" "$wall" "$client" "$server"
}

ratio() { # sink-wall bulk-wall generator-wall -> one line
    printf '  %-38s %s   (target >= 0.8)\n' "sink rows/s / bulk load rows/s" \
        "$(awk -v s="$1" -v b="$2" -v g="$3" 'BEGIN { net = s - g; if (net <= 0) net = 0.001
            printf "%.2f as measured, %.2f net of generator -> trash", b / s, b / net }')"
}

# The sink with 2 runners (2 connections) over the single-stream bulk
# load: what parallel streams give, not the headline (that is one runner).
ratio2() { # sink2-wall bulk-wall -> one line
    printf '  %-38s %s\n' "2 runners rows/s / bulk load rows/s" \
        "$(awk -v s="$1" -v b="$2" 'BEGIN { printf "%.2f as measured (bulk load: one stream)", b / s }')"
}

heading() { printf '%s\n  %-38s %8s %10s %8s %8s %8s\n' "$1" "" rows rows/s "wall s" "cli CPU" "srv CPU"; }

echo "sluice bench/sql-sinks.sh — $N taxi records (seed 1), batch_size $B; one-row INSERTs: $M rows;"
echo "best wall-clock time of $R runs each; CPU seconds of the client (sluice/psql/mariadb) and the server"

# The generator alone, timed the same way (no server: its own CPU counts).
server_pid=$$
gen=$(best "$N" : "echo $N" sluice_run "$(pipeline '{ "id": "trash", "stage": "dev:trash", "inputs": ["gen"] }' "$N")")
heading "sluice without a sink"
row "dev:generator -> dev:trash" "$N" "${gen% *} -"

# ---- PostgreSQL -------------------------------------------------------------------

pg() { "$SLUICE_PG_BINDIR/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
pg_reset() { pg -c 'TRUNCATE taxi' >/dev/null; }
pg_check() { pg -F ' ' -c 'SELECT count(*), sum(seq), sum(total_amount) FROM taxi'; }

bench_postgres() {
    start_postgres || die "could not start PostgreSQL"
    server_pid=$(head -n 1 "$SLUICE_PG_DATA/postmaster.pid")
    pg -c "CREATE TABLE taxi (
$(columns TIMESTAMP 'NUMERIC(8,2)')
) WITH (autovacuum_enabled = false)" >/dev/null

    local sink sink2 stage bulk one sums
    bulk=$(best "$N" pg_reset pg_check pg -c "\\copy taxi FROM '$csv' WITH (FORMAT csv, HEADER true)")
    sums=$(cat "$work/sums")
    stage='{ "id": "db", "stage": "postgres:destination", "inputs": ["gen"],
      "config": { "socket": "'"$PGHOST"'", "port": '"$PGPORT"', "database": "'"$PGDATABASE"'",
                  "user": "'"$PGUSER"'", "table": "taxi" } }'
    sink=$(best "$N" pg_reset pg_check sluice_run "$(pipeline "$stage" "$N")")
    [[ $(cat "$work/sums") == "$sums" ]] || die "postgres:destination wrote '$(cat "$work/sums")', \\copy '$sums'"
    sink2=$(best "$N" pg_reset pg_check sluice_run "$(pipeline "$stage" "$N" 2)")
    [[ $(cat "$work/sums") == "$sums" ]] || die "postgres:destination, 2 runners, wrote '$(cat "$work/sums")', \\copy '$sums'"
    one=$(best "$M" pg_reset pg_check pg -f "$(inserts "$csv")")

    heading "PostgreSQL $(pg -c 'SHOW server_version' | cut -d' ' -f1) (Unix socket, fsync off)"
    row "psql \\copy (bulk load)" "$N" "$bulk"
    row "postgres:destination" "$N" "$sink"
    row "postgres:destination, 2 runners" "$N" "$sink2"
    row "one-row INSERTs, autocommit (psql -f)" "$M" "$one"
    ratio "${sink%% *}" "${bulk%% *}" "${gen%% *}"
    ratio2 "${sink2%% *}" "${bulk%% *}"
    stop_postgres
}

# ---- MariaDB --------------------------------------------------------------------------

my() {
    mariadb --no-defaults --default-character-set=utf8mb4 -S "$SLUICE_MYSQL_SOCKET" -u "$SLUICE_MYSQL_USER" \
        -p"$SLUICE_MYSQL_PASSWORD" -N -B "$@" "$SLUICE_MYSQL_DATABASE"
}
my_reset() { my -e 'TRUNCATE TABLE taxi'; }
my_check() { my -e 'SELECT count(*), sum(seq), sum(total_amount) FROM taxi' | tr '\t' ' '; }
# LOAD DATA LOCAL makes bad values warnings: any warning fails the run.
my_load() {
    local out
    out=$(my --local-infile=1 -e "LOAD DATA LOCAL INFILE '$mycsv' INTO TABLE taxi
        FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n' IGNORE 1 LINES; SELECT @@warning_count")
    [[ $out == 0 ]] || { echo "LOAD DATA: $out warnings"; return 1; }
}
my_inserts() { my <"$1"; }

bench_mysql() {
    start_mariadb || die "could not start MariaDB"
    server_pid=$(cat "$(my -e 'SELECT @@pid_file')")
    my -e "CREATE TABLE taxi (
$(columns DATETIME 'DECIMAL(8,2)')
)"

    local sink sink2 stage bulk one sums
    bulk=$(best "$N" my_reset my_check my_load)
    sums=$(cat "$work/sums")
    stage='{ "id": "db", "stage": "mysql:destination", "inputs": ["gen"],
      "config": { "socket": "'"$SLUICE_MYSQL_SOCKET"'", "database": "'"$SLUICE_MYSQL_DATABASE"'",
                  "user": "'"$SLUICE_MYSQL_USER"'", "password": "${env:SLUICE_MYSQL_PASSWORD}", "table": "taxi" } }'
    sink=$(best "$N" my_reset my_check sluice_run "$(pipeline "$stage" "$N")")
    [[ $(cat "$work/sums") == "$sums" ]] || die "mysql:destination wrote '$(cat "$work/sums")', LOAD DATA '$sums'"
    sink2=$(best "$N" my_reset my_check sluice_run "$(pipeline "$stage" "$N" 2)")
    [[ $(cat "$work/sums") == "$sums" ]] || die "mysql:destination, 2 runners, wrote '$(cat "$work/sums")', LOAD DATA '$sums'"
    one=$(best "$M" my_reset my_check my_inserts "$(inserts "$mycsv")")

    heading "MariaDB $(my -e 'SELECT VERSION()' | cut -d- -f1) (Unix socket, innodb_flush_log_at_trx_commit $(my -e 'SELECT @@innodb_flush_log_at_trx_commit'))"
    row "LOAD DATA LOCAL INFILE (bulk load)" "$N" "$bulk"
    row "mysql:destination" "$N" "$sink"
    row "mysql:destination, 2 runners" "$N" "$sink2"
    row "one-row INSERTs, autocommit (mariadb)" "$M" "$one"
    ratio "${sink%% *}" "${bulk%% *}" "${gen%% *}"
    ratio2 "${sink2%% *}" "${bulk%% *}"
    stop_mariadb
}

for s in $sinks; do
    "bench_$s"
done
