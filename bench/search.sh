#!/usr/bin/env bash
# Search benchmark: Waymark's Xapian index against SQLite FTS5 (bm25 + GROUP BY
# facet counts), same synthetic EN/FR/ES documents and queries, one run.
#
#   bench/search.sh                 # 100000 documents
#   bench/search.sh 1000000         # 1M documents (building takes 10+ minutes)
#   QUERIES=2000 bench/search.sh    # more queries (default 1000)
#   BENCH_DIR=/tmp/sb bench/search.sh 1000000   # keep the indexes there and
#                                   # reuse them on the next run with the same N
#   BUILD_DIR=build/x-release bench/search.sh   # another release build directory
#   bench/search.sh 100000 --check 5000 --no-sqlite   # extra flags go to search_bench
#
# Builds the search_bench target of the release configuration (CMake preset
# "release"), generates the documents, indexes them with both engines, runs the
# queries one at a time and prints latency percentiles (wall clock and CPU
# time), the SQLite/Xapian ratio and the indexing rate. Not part of `make test`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-100000}"
shift || true
QUERIES="${QUERIES:-1000}"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/release}"

log() { printf '[search-bench] %s\n' "$*" >&2; }
die() { printf '[search-bench] error: %s\n' "$*" >&2; exit 1; }

[[ "$N" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$N'"
[[ "$QUERIES" =~ ^[1-9][0-9]*$ ]] || die "QUERIES must be a positive integer, got '$QUERIES'"

log "building search_bench in $BUILD_DIR (release)"
(cd "$ROOT" && cmake --preset release -B "$BUILD_DIR" >/dev/null && cmake --build "$BUILD_DIR" --target search_bench >/dev/null)
BIN="$BUILD_DIR/bench/search_bench"
[[ -x "$BIN" ]] || die "no $BIN after the build"

KEEP=()
if [[ -n "${BENCH_DIR:-}" ]]; then
  DIR="$BENCH_DIR"
  mkdir -p "$DIR"
  KEEP=(--keep)
else
  DIR="$(mktemp -d "${TMPDIR:-/tmp}/waymark-search-bench.XXXXXX")"
  trap 'rm -rf "$DIR"' EXIT
fi

log "$N documents, $QUERIES queries, indexes in $DIR (free: $(df -h --output=avail "$DIR" | tail -n 1 | tr -d ' '))"
echo "Waymark search benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "nproc: $(nproc)   load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "source tree: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')   xapian $(pkg-config --modversion xapian-core 2>/dev/null || echo '?')   sqlite $(pkg-config --modversion sqlite3 2>/dev/null || echo '?')"
echo
"$BIN" --docs "$N" --queries "$QUERIES" --dir "$DIR" "${KEEP[@]}" "$@"
