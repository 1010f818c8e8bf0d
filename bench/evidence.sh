#!/usr/bin/env bash
# Evidence benchmarks: importing the real MMP file, and the incident aggregates on N synthetic
# incidents, on SQLite and on a throwaway PostgreSQL, each against a reference run in the same
# invocation. Measures and prints; never fails on a slow result. Not part of `make test`.
#
#   bench/evidence.sh                  # both parts, N=10000000, SQLite and PostgreSQL
#   bench/evidence.sh import           # the import part only (hyperfine)
#   bench/evidence.sh aggregates       # the aggregates part only (evidence_bench, Google Benchmark)
#   N=1000000 bench/evidence.sh        # fewer synthetic incidents (setup time grows with N)
#   BACKENDS=sqlite bench/evidence.sh  # one backend (sqlite, postgresql, or both: the default)
#   RUNS=20 bench/evidence.sh import   # hyperfine runs per command (default 10, after 1 warm-up)
#   REBUILD=1 bench/evidence.sh        # rebuild the release binaries first
#   BUILD_DIR=build/other bench/evidence.sh   # another release build directory
#   WAYMARK_BIN=/path/to/waymark bench/evidence.sh import   # time another binary's import
#   MMP_FILE=/path/to/file.csv bench/evidence.sh            # another MMP file
#
# Import: hyperfine times `waymark import incidents FILE --db sqlite:...` on a freshly migrated
# copy each run (--prepare copies an empty database migrated once with `waymark migrate`) against
# `sqlite3 ref.db '.import --csv FILE t'` (the bare cost of loading the same CSV into SQLite);
# then a re-import of the same file (every row unchanged); then the same on PostgreSQL (each run
# on a fresh database made from a migrated template), against `psql \copy` of the CSV into a
# table of text columns. Aggregates: bench/evidence_bench.cc (see its header) on each backend.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PART="${1:-all}"
N="${N:-10000000}"
RUNS="${RUNS:-10}"
BACKENDS="${BACKENDS:-sqlite postgresql}"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/release}"
FILE="${MMP_FILE:-$ROOT/../shared/data/iom-missing-migrants/mmp_incidents_2014-2025.csv}"

log() { printf '[evidence-bench] %s\n' "$*" >&2; }
die() { printf '[evidence-bench] error: %s\n' "$*" >&2; exit 1; }

# shellcheck source=bench/lib/server.sh
source "$ROOT/bench/lib/server.sh"
[[ -n "${WAYMARK_BIN:-}" ]] || BIN="$BUILD_DIR/waymark"
BENCH_BIN="$BUILD_DIR/bench/evidence_bench"

case "$PART" in all | import | aggregates) ;; *) die "usage: bench/evidence.sh [all|import|aggregates]" ;; esac
[[ "$N" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$N'"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
for b in $BACKENDS; do [[ "$b" == sqlite || "$b" == postgresql ]] || die "unknown backend '$b'"; done
[[ -r "$FILE" ]] || die "cannot read $FILE (set MMP_FILE)"
FILE="$(cd "$(dirname "$FILE")" && pwd)/$(basename "$FILE")"
want() { [[ " $BACKENDS " == *" $1 "* ]]; }

# --- tools -----------------------------------------------------------------
need_pkgs=()
command -v hyperfine >/dev/null 2>&1 || need_pkgs+=(hyperfine)
command -v sqlite3 >/dev/null 2>&1 || need_pkgs+=(sqlite3)
if [[ "$PART" != aggregates ]] && ((${#need_pkgs[@]})); then
  log "installing: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# --- release binaries ------------------------------------------------------
targets=()
if [[ -z "${WAYMARK_BIN:-}" && (! -x "$BIN" || "${REBUILD:-0}" == 1) ]]; then targets+=(waymark); fi
if [[ "$PART" != import && (! -x "$BENCH_BIN" || "${REBUILD:-0}" == 1) ]]; then targets+=(evidence_bench); fi
if ((${#targets[@]})); then
  log "building ${targets[*]} in $BUILD_DIR (release)"
  (cd "$ROOT" && cmake --preset release -B "$BUILD_DIR" >/dev/null &&
    cmake --build "$BUILD_DIR" --target "${targets[@]}")
fi
[[ -x "$BIN" ]] || die "no waymark binary at $BIN"
[[ "$PART" == import || -x "$BENCH_BIN" ]] || die "no evidence_bench at $BENCH_BIN"

# --- temp dir, PostgreSQL, cleanup -------------------------------------------
TMP="$(mktemp -d /tmp/waymark-evidence-bench.XXXXXX)"
chmod 711 "$TMP"  # the cluster runs as `postgres` when we are root: it must traverse $TMP
PGDIR="$TMP/pg"
PG_STARTED=0
cleanup() {
  local rc=$?
  set +e
  if ((PG_STARTED)); then
    "$ROOT/scripts/pg-test-cluster" stop "$PGDIR" 2>>"$TMP/pg-cluster.err" ||
      { log "pg-test-cluster stop failed:"; tail -n 5 "$TMP/pg-cluster.err" >&2; }
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PG_URL="" PG_PORT=""
if want postgresql; then
  log "starting a throwaway PostgreSQL cluster in $PGDIR"
  PG_STARTED=1
  PG_URL="$("$ROOT/scripts/pg-test-cluster" start "$PGDIR" 2>"$TMP/pg-cluster.err")" || {
    cat "$TMP/pg-cluster.err" >&2
    die "scripts/pg-test-cluster start failed"
  }
  [[ "$PG_URL" =~ ^postgresql://postgres@127\.0\.0\.1:([0-9]+)/ ]] || die "unexpected cluster URL '$PG_URL'"
  PG_PORT=${BASH_REMATCH[1]}
fi
PG_BASE="postgresql://postgres@127.0.0.1:$PG_PORT"
pg() { psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }

echo "Waymark evidence benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "nproc: $(nproc)   load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "source tree: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')   $("$BIN" version)   sqlite $(sqlite3 --version | cut -d' ' -f1)"
echo "binary: $BIN (built $(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC'))"
if [[ -n "$PG_URL" ]]; then
  echo "PostgreSQL $(pg -d postgres -c 'SHOW server_version'): a test cluster (fsync=$(pg -d postgres -c 'SHOW fsync'), synchronous_commit=$(pg -d postgres -c 'SHOW synchronous_commit'), shared_buffers=$(pg -d postgres -c 'SHOW shared_buffers'), work_mem=$(pg -d postgres -c 'SHOW work_mem'), max_parallel_workers_per_gather=$(pg -d postgres -c 'SHOW max_parallel_workers_per_gather')); waymark's SQLite runs synchronous=FULL"
fi
echo

# --- import ------------------------------------------------------------------
# Mean and standard deviation (seconds) of command NAME in hyperfine's CSV export.
mean_of() { awk -F, -v n="$2" 'NR > 1 && $1 == n { print $2 }' "$1"; }
sd_of() { awk -F, -v n="$2" 'NR > 1 && $1 == n { print $3 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
ROWS=()  # "name|csv|reference name"

hyperfine_run() {  # CSV, then hyperfine arguments
  local csv=$1
  shift
  hyperfine --style basic --runs "$RUNS" --warmup 1 --export-csv "$csv" "$@"
  echo
}

import_sqlite() {
  log "import on SQLite: migrating an empty database once"
  "$BIN" migrate --db "sqlite:$TMP/empty.db" >/dev/null
  # A database with the file imported once, for the re-import.
  cp "$TMP/empty.db" "$TMP/imported.db"
  echo "first import (SQLite): $("$BIN" import incidents "$FILE" --db "sqlite:$TMP/imported.db" 2>/dev/null)"
  [[ ! -e "$TMP/imported.db-wal" ]] || die "imported.db left a WAL file behind"
  echo "re-import (SQLite):    $(cp "$TMP/imported.db" "$TMP/y.db" &&
    "$BIN" import incidents "$FILE" --db "sqlite:$TMP/y.db" 2>/dev/null)"
  echo
  hyperfine_run "$TMP/sqlite.csv" \
    --prepare "rm -f $TMP/ref.db" -n "sqlite3 .import (reference)" "sqlite3 $TMP/ref.db '.import --csv $FILE t'" \
    --prepare "rm -f $TMP/x.db-wal $TMP/x.db-shm; cp $TMP/empty.db $TMP/x.db" \
    -n "waymark import (SQLite)" "$BIN import incidents $FILE --db sqlite:$TMP/x.db" \
    --prepare "rm -f $TMP/y.db-wal $TMP/y.db-shm; cp $TMP/imported.db $TMP/y.db" \
    -n "waymark re-import (SQLite)" "$BIN import incidents $FILE --db sqlite:$TMP/y.db"
  ROWS+=("sqlite3 .import (reference)|$TMP/sqlite.csv|sqlite3 .import (reference)")
  ROWS+=("waymark import (SQLite)|$TMP/sqlite.csv|sqlite3 .import (reference)")
  ROWS+=("waymark re-import (SQLite)|$TMP/sqlite.csv|sqlite3 .import (reference)")
}

import_postgresql() {
  log "import on PostgreSQL: migrating a template database once"
  pg -d postgres -c "CREATE DATABASE wm_empty" -c "CREATE DATABASE wm_imported" -c "CREATE DATABASE wm_ref"
  "$BIN" migrate --db "$PG_BASE/wm_empty" >/dev/null
  "$BIN" migrate --db "$PG_BASE/wm_imported" >/dev/null
  echo "first import (PostgreSQL): $("$BIN" import incidents "$FILE" --db "$PG_BASE/wm_imported" 2>/dev/null)"
  # The reference: the CSV into a table of as many text columns as the header has.
  local ncols cols=""
  ncols="$(head -n 1 "$FILE" | tr -d '\r' | awk -F, '{ print NF }')"
  for i in $(seq "$ncols"); do cols+="${cols:+, }c$i text"; done
  local fresh="dropdb -h 127.0.0.1 -p $PG_PORT -U postgres --if-exists wm_run && createdb -h 127.0.0.1 -p $PG_PORT -U postgres"
  hyperfine_run "$TMP/pg.csv" \
    --prepare "psql -X -q -h 127.0.0.1 -p $PG_PORT -U postgres -d wm_ref -c 'DROP TABLE IF EXISTS t' -c 'CREATE TABLE t ($cols)'" \
    -n "psql copy (reference)" \
    "psql -X -q -h 127.0.0.1 -p $PG_PORT -U postgres -d wm_ref -c \"\\copy t FROM '$FILE' WITH (FORMAT csv, HEADER true)\"" \
    --prepare "$fresh -T wm_empty wm_run" \
    -n "waymark import (PostgreSQL)" "$BIN import incidents $FILE --db $PG_BASE/wm_run" \
    --prepare "$fresh -T wm_imported wm_run" \
    -n "waymark re-import (PostgreSQL)" "$BIN import incidents $FILE --db $PG_BASE/wm_run"
  echo "re-import (PostgreSQL): $(dropdb -h 127.0.0.1 -p "$PG_PORT" -U postgres --if-exists wm_run &&
    createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres -T wm_imported wm_run &&
    "$BIN" import incidents "$FILE" --db "$PG_BASE/wm_run" 2>/dev/null)"
  echo "rows loaded by psql \\copy: $(pg -d wm_ref -c 'SELECT COUNT(*) FROM t')"
  echo
  ROWS+=("psql copy (reference)|$TMP/pg.csv|psql copy (reference)")
  ROWS+=("waymark import (PostgreSQL)|$TMP/pg.csv|psql copy (reference)")
  ROWS+=("waymark re-import (PostgreSQL)|$TMP/pg.csv|psql copy (reference)")
}

if [[ "$PART" != aggregates ]]; then
  echo "== import: $(basename "$FILE") ($(stat -c %s "$FILE") bytes), hyperfine --runs $RUNS --warmup 1"
  echo
  want sqlite && import_sqlite
  want postgresql && import_postgresql
  REF_SQLITE=""
  [[ -f "$TMP/sqlite.csv" ]] && REF_SQLITE="$(mean_of "$TMP/sqlite.csv" "sqlite3 .import (reference)")"
  printf '%-32s %9s %9s %16s %18s\n' "command" "mean s" "± s" "vs reference" "vs sqlite3 .import"
  for row in "${ROWS[@]}"; do
    IFS='|' read -r name csv ref <<<"$row"
    m="$(mean_of "$csv" "$name")"
    printf '%-32s %9.3f %9.3f %16s %18s\n' "$name" "$m" "$(sd_of "$csv" "$name")" \
      "$(ratio "$m" "$(mean_of "$csv" "$ref")")" "$([[ -n "$REF_SQLITE" ]] && ratio "$m" "$REF_SQLITE" || echo -)"
  done
  echo "(vs reference: over the same backend's bare CSV load in this invocation; target for the import: under 0.5 s)"
  echo
fi

# --- aggregates ----------------------------------------------------------------
if [[ "$PART" != import ]]; then
  if want sqlite; then
    echo "== aggregates on SQLite, N=$N"
    WAYMARK_BENCH_DB="sqlite:$TMP/agg.db" WAYMARK_BENCH_N="$N" WAYMARK_BENCH_MMP="$FILE" "$BENCH_BIN"
    echo "database file: $(du -m "$TMP/agg.db" | cut -f1) MiB"
    rm -f "$TMP"/agg.db*
    echo
  fi
  if want postgresql; then
    echo "== aggregates on PostgreSQL, N=$N"
    pg -d postgres -c "CREATE DATABASE wm_agg"
    WAYMARK_BENCH_DB="$PG_BASE/wm_agg" WAYMARK_BENCH_N="$N" WAYMARK_BENCH_MMP="$FILE" "$BENCH_BIN"
    echo "database size: $(pg -d wm_agg -c "SELECT pg_database_size('wm_agg') / 1048576") MiB"
    echo
  fi
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
