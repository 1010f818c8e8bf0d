#!/usr/bin/env bash
# Per-request cost of Waymark on each storage backend, SQLite and PostgreSQL, in one invocation.
#
#   bench/backends.sh               # 10 s of load per target and backend
#   DURATION=30 bench/backends.sh   # longer runs, steadier figures
#   REBUILD=1 bench/backends.sh     # rebuild build/release/waymark first
#   WAYMARK_BIN=/path/to/waymark bench/backends.sh   # measure another release binary
#
# Starts a throwaway PostgreSQL cluster (scripts/pg-test-cluster: fsync=off, a test cluster) and two
# waymark release servers with --demo data, one on SQLite and one on that cluster, both with a pool
# of 8 DB connections. Runs wrk against three reads and one write (PATCH via a wrk Lua script) on
# each, and prints req/s, p50 and p99 per backend and the PostgreSQL/SQLite req/s ratio. Every
# target must answer 2xx before it is loaded, and every wrk run must see no non-2xx responses and
# no socket errors, and each server's access log must show only 2xx statuses for the run, or the
# script exits 1 (after printing the table). Everything is torn down on
# exit, success or failure. Not part of `make test`.
set -euo pipefail

DURATION="${DURATION:-10}"
THREADS=2
CONNECTIONS=32

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${WAYMARK_BIN:-$ROOT/build/release/waymark}"
ADMIN_EMAIL="admin@demo.waymark.example"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

[[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a positive integer (seconds), got '$DURATION'"

# --- tools -----------------------------------------------------------------
need_pkgs=()
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
if ((${#need_pkgs[@]})); then
  log "installing: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# --- release binary --------------------------------------------------------
if [[ -z "${WAYMARK_BIN:-}" && (! -x "$BIN" || "${REBUILD:-0}" == 1) ]]; then
  log "building release binary (cmake --preset release)"
  (cd "$ROOT" && cmake --preset release >/dev/null && cmake --build --preset release)
fi
[[ -x "$BIN" ]] || die "no release binary at $BIN"

# --- temp dir and cleanup --------------------------------------------------
TMP="$(mktemp -d /tmp/waymark-backends.XXXXXX)"
# The cluster lives in $TMP/pg and runs as the `postgres` OS user when we are root: it must be able
# to traverse $TMP (but not list it).
chmod 711 "$TMP"
PGDIR="$TMP/pg"
PG_STARTED=0
SQLITE_PID=""
PG_PID=""

cleanup() {
  local rc=$?
  set +e
  for pid in "$SQLITE_PID" "$PG_PID"; do
    [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null
  done
  for pid in "$SQLITE_PID" "$PG_PID"; do
    [[ -z "$pid" ]] && continue
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if ((rc != 0)); then
    for b in sqlite pg; do
      if [[ -s "$TMP/$b.err" ]]; then
        log "last lines of the $b waymark's stderr:"
        tail -n 5 "$TMP/$b.err" >&2
      fi
    done
  fi
  if ((PG_STARTED)); then
    if ! "$ROOT/scripts/pg-test-cluster" stop "$PGDIR" 2>>"$TMP/pg-cluster.err"; then
      log "pg-test-cluster stop failed:"
      tail -n 5 "$TMP/pg-cluster.err" >&2
      # Do not leave the postmaster we started running on a deleted data directory.
      pm="$(head -n 1 "$PGDIR/data/postmaster.pid" 2>/dev/null)"
      if [[ "$pm" =~ ^[0-9]+$ ]]; then
        kill -QUIT "$pm" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pm" 2>/dev/null || break; sleep 0.1; done
      fi
    fi
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- PostgreSQL ------------------------------------------------------------
log "starting a throwaway PostgreSQL cluster in $PGDIR"
PG_STARTED=1
PG_URL="$("$ROOT/scripts/pg-test-cluster" start "$PGDIR" 2>"$TMP/pg-cluster.err")" || {
  cat "$TMP/pg-cluster.err" >&2
  die "scripts/pg-test-cluster start failed"
}
[[ "$PG_URL" =~ ^postgresql://postgres@127\.0\.0\.1:([0-9]+)/ ]] || die "unexpected cluster URL '$PG_URL'"
PG_PORT=${BASH_REMATCH[1]}
# Read the durability settings back from the server rather than trusting the script's comment.
pg_show() { psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "SHOW $1"; }
PG_SETTINGS="fsync=$(pg_show fsync) synchronous_commit=$(pg_show synchronous_commit) full_page_writes=$(pg_show full_page_writes)"
PG_VERSION="$(psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c 'SHOW server_version')"
log "PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT ($PG_SETTINGS)"

# --- waymark servers -------------------------------------------------------
printf '{"db_pool_size": 8}\n' >"$TMP/config.json"

wait_http() {
  local url=$1 pid=$2
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)" == 200 ]]; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# start_waymark NAME DB_URL: sets STARTED_PID and STARTED_PORT.
start_waymark() {
  local name=$1 db=$2 line port=""
  "$BIN" serve --listen 127.0.0.1:0 --db "$db" --demo --config "$TMP/config.json" \
    >"$TMP/$name.out" 2>"$TMP/$name.err" &
  STARTED_PID=$!
  for _ in $(seq 600); do
    line="$(head -n 1 "$TMP/$name.out" 2>/dev/null || true)"
    if [[ -z "$port" && "$line" =~ ^listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]]; then
      port=${BASH_REMATCH[1]}
    fi
    # --demo seeds the data after printing the address; the token needs the demo admin.
    if [[ -n "$port" ]] && grep -q '^demo admin: ' "$TMP/$name.out" 2>/dev/null; then
      break
    fi
    kill -0 "$STARTED_PID" 2>/dev/null || die "the $name waymark exited during start-up"
    sleep 0.1
  done
  [[ -n "$port" ]] || die "the $name waymark did not print its listening address within 60 s"
  grep -q '^demo admin: ' "$TMP/$name.out" || die "the $name waymark did not report its demo data within 60 s"
  wait_http "http://127.0.0.1:$port/healthz" "$STARTED_PID" || die "the $name waymark's /healthz did not answer 200"
  STARTED_PORT=$port
  log "waymark on $name (pid $STARTED_PID) on 127.0.0.1:$port"
}

start_waymark sqlite "sqlite:$TMP/bench.db"
SQLITE_PID=$STARTED_PID
SQLITE_BASE="http://127.0.0.1:$STARTED_PORT"
start_waymark pg "$PG_URL"
PG_PID=$STARTED_PID
PG_BASE="http://127.0.0.1:$STARTED_PORT"

make_token() {
  local db=$1 tok
  tok="$("$BIN" token create --db "$db" --email "$ADMIN_EMAIL" --name bench)" || die "token create failed for $db"
  tok="$(tail -n 1 <<<"$tok")"
  [[ "$tok" =~ ^wm_[A-Za-z0-9_-]+$ ]] || die "unexpected token output for $db"
  printf '%s' "$tok"
}
SQLITE_TOKEN="$(make_token "sqlite:$TMP/bench.db")"
PG_TOKEN="$(make_token "$PG_URL")"

# --- wrk script for the write ----------------------------------------------
# Each request: PATCH /api/v1/organisations/jcwi {"description":"bench N"} with the Bearer token.
# N is unique across wrk threads (counter * threads + thread index), so every PATCH really changes
# the row: read + version-checked UPDATE + audit INSERT.
cat >"$TMP/patch.lua" <<'EOF'
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  token = args[1]
  nthreads = tonumber(args[2])
  counter = 0
  wrk.method = "PATCH"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end
function request()
  counter = counter + 1
  local body = string.format('{"description":"bench %d"}', counter * nthreads + tid)
  return wrk.format(nil, nil, nil, body)
end
EOF

# --- targets ---------------------------------------------------------------
NAMES=(
  "GET /api/v1/organisations/jcwi"
  "GET /api/v1/organisations?per_page=20"
  "GET /api/v1/me (Bearer)"
  "PATCH /api/v1/organisations/jcwi"
)
PATHS=(
  "/api/v1/organisations/jcwi"
  "/api/v1/organisations?per_page=20"
  "/api/v1/me"
  "/api/v1/organisations/jcwi"
)
KINDS=(get get auth patch)
BACKENDS=(sqlite pg)

base_of() { if [[ $1 == sqlite ]]; then echo "$SQLITE_BASE"; else echo "$PG_BASE"; fi; }
token_of() { if [[ $1 == sqlite ]]; then echo "$SQLITE_TOKEN"; else echo "$PG_TOKEN"; fi; }

# Check every target answers 2xx (one request each; the PATCH one is a real write).
for b in "${BACKENDS[@]}"; do
  base="$(base_of "$b")"
  tok="$(token_of "$b")"
  [[ "$base" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || die "refusing a non-loopback target '$base'"
  for i in "${!PATHS[@]}"; do
    url="$base${PATHS[$i]}"
    case "${KINDS[$i]}" in
      get) code="$(curl -s -o "$TMP/check.body" -w '%{http_code}' --max-time 5 "$url" || true)" ;;
      auth) code="$(curl -s -o "$TMP/check.body" -w '%{http_code}' --max-time 5 \
              -H "Authorization: Bearer $tok" "$url" || true)" ;;
      patch) code="$(curl -s -o "$TMP/check.body" -w '%{http_code}' --max-time 5 -X PATCH \
               -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
               --data '{"description":"bench check"}' "$url" || true)" ;;
    esac
    if [[ ! "$code" =~ ^2[0-9][0-9]$ ]]; then
      head -c 300 "$TMP/check.body" >&2 2>/dev/null; echo >&2
      die "$b: ${NAMES[$i]} answered '$code', expected 2xx"
    fi
  done
done
log "all targets answer 2xx on both backends"

# Convert a wrk duration (e.g. 812.00us, 1.23ms, 2.01s) to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}

# Server-side view of one run, from the access log (one JSON line per response on stderr):
# the lines after line FROM of FILE. Prints "responses non2xx p50_ms p99_ms max_ms statuses", where
# statuses lists the non-2xx ones as STATUS:COUNT,... or "-" (duration_ms runs from
# the end of reading the request to the end of writing the response: hand-off to a worker, pool wait,
# queries, rendering; not wrk's or the kernel's queues).
access_stats() {
  local file=$1 from=$2
  tail -n +"$((from + 1))" "$file" |
    awk '/"duration_ms":/ && /"status":/ {
        d = $0; sub(/.*"duration_ms":/, "", d); sub(/[,}].*/, "", d)
        st = $0; sub(/.*"status":/, "", st); sub(/[,}].*/, "", st)
        print d, st }' |
    sort -g -k1,1 |
    awk '{ d[NR] = $1; if ($2 !~ /^2[0-9][0-9]$/) { bad++; by[$2]++ } }
      END {
        if (NR == 0) { print "0 0 - - - -"; exit }
        i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++; if (i50 < 1) i50 = 1
        i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++; if (i99 < 1) i99 = 1
        st = ""; for (k in by) st = st (st == "" ? "" : ",") k ":" by[k]
        printf "%d %d %.2f %.2f %.2f %s\n", NR, bad + 0, d[i50], d[i99], d[NR], (st == "" ? "-" : st) }'
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_BEFORE="$(loadavg)"

# Results, indexed "$backend.$i".
declare -A RPS P50 P99 NON2XX SOCKERR LOGN LOGBAD LOG50 LOG99 LOGMAX LOGST
FAILED=0
# Interleave the backends per target so that a change in machine load hits both alike; the write
# comes last so that the reads see the unmodified demo data.
for i in "${!PATHS[@]}"; do
  for b in "${BACKENDS[@]}"; do
    url="$(base_of "$b")${PATHS[$i]}"
    tok="$(token_of "$b")"
    args=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency)
    case "${KINDS[$i]}" in
      get) cmd=(wrk "${args[@]}" "$url") ;;
      auth) cmd=(wrk "${args[@]}" -H "Authorization: Bearer $tok" "$url") ;;
      patch) cmd=(wrk "${args[@]}" -s "$TMP/patch.lua" "$url" -- "$tok" "$THREADS") ;;
    esac
    log "$b: wrk ${args[*]} $([[ ${KINDS[$i]} == patch ]] && echo "-s patch.lua ")$url"
    log_from="$(wc -l <"$TMP/$b.err")"
    out="$("${cmd[@]}")" || die "wrk failed for $b ${NAMES[$i]}"
    sleep 1  # let responses in flight when wrk stopped reach the access log
    read -r n bad s50 s99 smax st < <(access_stats "$TMP/$b.err" "$log_from")
    LOGN[$b.$i]=$n; LOGBAD[$b.$i]=$bad; LOG50[$b.$i]=$s50; LOG99[$b.$i]=$s99; LOGMAX[$b.$i]=$smax; LOGST[$b.$i]=$st
    printf '%s\n' "$out" >"$TMP/wrk.$b.$i.txt"
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    [[ -n "$rps" && -n "$p50" && -n "$p99" ]] || { printf '%s\n' "$out" >&2; die "could not parse wrk output"; }
    non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")"
    sockerr="$(awk '/Socket errors:/ {
        s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }' <<<"$out")"
    RPS[$b.$i]=$rps
    P50[$b.$i]="$(to_ms "$p50")"
    P99[$b.$i]="$(to_ms "$p99")"
    NON2XX[$b.$i]=${non2xx:-0}
    SOCKERR[$b.$i]=${sockerr:-0}
    if ((NON2XX[$b.$i] + SOCKERR[$b.$i] + LOGBAD[$b.$i] > 0)); then
      FAILED=1
      log "$b: ${NAMES[$i]}: wrk saw ${NON2XX[$b.$i]} non-2xx responses and ${SOCKERR[$b.$i]} socket errors;" \
        "the access log shows ${LOGBAD[$b.$i]} non-2xx statuses (${LOGST[$b.$i]})"
      grep -h 'Socket errors:' "$TMP/wrk.$b.$i.txt" >&2 || true
    fi
  done
done

LOAD_AFTER="$(loadavg)"

# --- report ----------------------------------------------------------------
echo
echo "Waymark backend benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "nproc: $(nproc)   wrk: -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency (same host, loopback)"
echo "load average (1/5/15 min): before $LOAD_BEFORE; after $LOAD_AFTER (includes wrk, waymark and postgres)"
echo "source tree now: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'); binary $BIN built $(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC')"
echo "waymark: $("$BIN" version 2>/dev/null | head -n 1 || echo '?'), db_pool_size 8, --demo data, temp dir on $(df -T "$TMP" | awk 'NR == 2 {print $2}')"
echo "SQLite: WAL, synchronous=FULL (an fsync per commit)"
echo "PostgreSQL $PG_VERSION: throwaway TEST cluster with $PG_SETTINGS"
echo "  -> writes on PostgreSQL skip the fsync that SQLite pays: the PATCH row flatters PostgreSQL."
echo
row() { printf '%-38s %10s %8s %8s   %10s %8s %8s   %9s\n' "$@"; }
row "" "SQLite" "" "" "PostgreSQL" "" "" ""
row "endpoint" "req/s" "p50 ms" "p99 ms" "req/s" "p50 ms" "p99 ms" "PG/SQLite"
row "--------" "-----" "------" "------" "-----" "------" "------" "---------"
for i in "${!PATHS[@]}"; do
  ratio="$(awk -v a="${RPS[pg.$i]}" -v b="${RPS[sqlite.$i]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
  row "${NAMES[$i]}" \
    "${RPS[sqlite.$i]}" "${P50[sqlite.$i]}" "${P99[sqlite.$i]}" \
    "${RPS[pg.$i]}" "${P50[pg.$i]}" "${P99[pg.$i]}" "$ratio"
done
echo
echo "PG/SQLite = PostgreSQL req/s divided by SQLite req/s (above 1: PostgreSQL served more)."
echo "Per-request cost = p50, wrk's median latency with $CONNECTIONS connections kept busy; it includes"
echo "time queued behind the other connections. $CONNECTIONS/(req/s) is NOT reported as a latency."
echo
echo "Server side, from each waymark's access log (duration_ms: request read -> response written)"
row2() { printf '%-38s %10s %8s %8s %9s   %10s %8s %8s %9s\n' "$@"; }
row2 "" "SQLite" "" "" "" "PostgreSQL" "" "" ""
row2 "endpoint" "responses" "p50 ms" "p99 ms" "max ms" "responses" "p50 ms" "p99 ms" "max ms"
row2 "--------" "---------" "------" "------" "------" "---------" "------" "------" "------"
for i in "${!PATHS[@]}"; do
  row2 "${NAMES[$i]}" \
    "${LOGN[sqlite.$i]}" "${LOG50[sqlite.$i]}" "${LOG99[sqlite.$i]}" "${LOGMAX[sqlite.$i]}" \
    "${LOGN[pg.$i]}" "${LOG50[pg.$i]}" "${LOG99[pg.$i]}" "${LOGMAX[pg.$i]}"
done
echo
echo "Errors (all must be 0): wrk non-2xx / wrk socket errors / access-log non-2xx"
printf '%-38s %16s %16s\n' "endpoint" "SQLite" "PostgreSQL"
for i in "${!PATHS[@]}"; do
  printf '%-38s %16s %16s\n' "${NAMES[$i]}" \
    "${NON2XX[sqlite.$i]} / ${SOCKERR[sqlite.$i]} / ${LOGBAD[sqlite.$i]}" \
    "${NON2XX[pg.$i]} / ${SOCKERR[pg.$i]} / ${LOGBAD[pg.$i]}"
done
echo "(wrk itself counts only statuses >= 400 as \"Non-2xx or 3xx\"; the access log catches 1xx/3xx too;"
echo " wrk's socket errors include requests unanswered after its 2 s timeout)"
for i in "${!PATHS[@]}"; do
  for b in "${BACKENDS[@]}"; do
    if [[ "${LOGST[$b.$i]}" != - ]]; then
      echo "non-2xx statuses, $b, ${NAMES[$i]}: ${LOGST[$b.$i]} (status:count)"
    fi
  done
done

if ((FAILED)); then
  die "some runs saw non-2xx responses or socket errors; their rows do not measure the route"
fi
