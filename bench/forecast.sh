#!/usr/bin/env bash
# Forecast engine speed: agent-days per second per core on Flee's three
# validation cases (Burundi, CAR, Mali; ../shared/data/flee), with the release
# binary. Measures and prints; never fails on a slow result. Not part of
# `make test`.
#
#   bench/forecast.sh                 # each case, 3 seeds on 1 thread, simsetting.yml
#   SEEDS=5 bench/forecast.sh         # more seeds per case
#   THREADS=2 bench/forecast.sh       # seeds in parallel (per-core figure stays per core)
#   SETTINGS=flee3_validation_simsetting bench/forecast.sh   # the Flee 3 suite's parameters
#   REBUILD=1 bench/forecast.sh       # rebuild build/release/waymark first
#   WAYMARK_BIN=/path/to/waymark bench/forecast.sh           # another binary
#
# "per core" divides the agent-days by the CPU time of the threads that ran
# the seeds (CLOCK_THREAD_CPUTIME_ID), so other work on a shared machine
# does not lower it; the wall-clock figure is printed beside it. An
# agent-day is one agent alive on one simulated day (Σ_t agents(t)), the unit
# of FLEE-MODEL.md §11. With hyperfine installed, the wall time of one seed
# per case is also measured with it (RUNS runs after one warm-up).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SEEDS="${SEEDS:-3}"
THREADS="${THREADS:-1}"
RUNS="${RUNS:-5}"
SETTINGS="${SETTINGS:-simsetting}"
DATA="${FLEE_DATA:-$ROOT/../shared/data/flee}"

log() { printf '[forecast-bench] %s\n' "$*" >&2; }
die() { printf '[forecast-bench] error: %s\n' "$*" >&2; exit 1; }

# shellcheck source=bench/lib/server.sh
source "$ROOT/bench/lib/server.sh"
bench_build_release
[[ -d "$DATA" ]] || die "no Flee data at $DATA"

printf '%-8s %14s %10s %22s %18s\n' case agent-days seconds "M agent-days/s/core" "M/s wall (all)"
for c in burundi car mali; do
  line="$("$BIN" forecast run --input "$DATA/$c/conflict_input/$c" --settings "$DATA/$SETTINGS.yml" \
    --seeds "$SEEDS" --threads "$THREADS" | grep '^speed:')"
  # speed: N agent-days in S s: X M agent-days/s per core, Y M/s on all threads; B bytes per agent
  read -r ad secs core wall <<<"$(sed -E 's/^speed: ([0-9]+) agent-days in ([0-9.]+) s: ([0-9.]+) M agent-days\/s per core, ([0-9.]+) M\/s.*/\1 \2 \3 \4/' <<<"$line")"
  printf '%-8s %14s %10s %22s %18s\n' "$c" "$ad" "$secs" "$core" "$wall"
done
log "$(nproc) cores; $SEEDS seeds per case on $THREADS thread(s); settings $SETTINGS.yml; binary $BIN"

if command -v hyperfine >/dev/null 2>&1; then
  cmds=()
  for c in burundi car mali; do
    cmds+=("$BIN forecast run --input $DATA/$c/conflict_input/$c --settings $DATA/$SETTINGS.yml --seeds 1 --threads 1")
  done
  hyperfine --warmup 1 --runs "$RUNS" "${cmds[@]}"
fi
