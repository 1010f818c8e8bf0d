#!/usr/bin/env bash
# `make bench`: every target of issue 15 in one run, one table, one JSON result.
#
#   bench/bench.sh                  # every stage (make bench)
#   bench/bench.sh demo             # one stage (or several: bench/bench.sh 100k pg)
#   DURATION=10 bench/bench.sh      # seconds of wrk load per target (default 3)
#   REBUILD=1 bench/bench.sh        # rebuild build/release/waymark first
#   WAYMARK_BIN=/tmp/old/waymark bench/bench.sh   # measure another binary
#
# Stages (each run also starts the nginx reference, the "ref" row):
#   data    make the cached data set if it is missing (also done by the stages that need it)
#   demo    the demo data: /static/waymark.css, /healthz, home, item pages, every module's list
#           pages anonymous and signed in (an API token), idle RSS
#   100k    100,000 published campaigns (EN/FR/ES, one country and one theme each): JSON list with
#           a country filter and newest first, a common word, a rare word, one campaign, the HTML list
#   pg      the same requests on PostgreSQL (a throwaway cluster filled with `waymark copy`), and the
#           time until a new instance over it is ready: with no search index yet (rebuilt), and
#           started from a snapshot of the first one's index (`waymark snapshot-index`)
#   search  ranked faceted search over 1,000,000 documents (bench/search.sh, Xapian only)
#
# Data is generated once, with fixed seeds, under
# ${XDG_CACHE_HOME:-$HOME/.cache}/waymark-bench/v1/ (BENCH_CACHE overrides). Results go to
# bench/results/<date>-<commit>.json; bench/compare A.json B.json shows two side by side.
# Loopback only; servers, the cluster and the temp dir are removed on exit (EXIT trap).
set -euo pipefail

DURATION="${DURATION:-3}"
THREADS="${THREADS:-2}"
# What a browser sends with every request for a page.
BROWSER_ENC="Accept-Encoding: gzip, deflate, br"
CONNECTIONS="${CONNECTIONS:-64}"
DATA_VERSION=v1
N_CAMPAIGNS="${N_CAMPAIGNS:-100000}"
API_CAMPAIGNS="${API_CAMPAIGNS:-2000}"
SEARCH_DOCS="${SEARCH_DOCS:-1000000}"
SEARCH_QUERIES="${SEARCH_QUERIES:-1000}"
SEED=1
READY_LIMIT="${READY_LIMIT:-300}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/waymark-bench/$DATA_VERSION}"
BENCH_EMAIL="bench@example.org"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=bench/lib/server.sh
source "$ROOT/bench/lib/server.sh"

for v in DURATION THREADS CONNECTIONS N_CAMPAIGNS API_CAMPAIGNS SEARCH_DOCS SEARCH_QUERIES READY_LIMIT; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done
STAGES=("$@")
((${#STAGES[@]})) || STAGES=(data demo 100k pg search)
for s in "${STAGES[@]}"; do
  [[ "$s" =~ ^(data|demo|100k|pg|search)$ ]] || die "unknown stage '$s' (data, demo, 100k, pg, search)"
done
want() { local s; for s in "${STAGES[@]}"; do [[ "$s" == "$1" ]] && return 0; done; return 1; }

# --- tools (apt-get when missing, as scripts/install-deps does) -------------
need_pkgs=()
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need_pkgs+=(nginx-light)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
command -v python3 >/dev/null 2>&1 || need_pkgs+=(python3)
if want pg; then
  [[ -x /usr/lib/postgresql/15/bin/initdb ]] || need_pkgs+=(postgresql-15)
  command -v psql >/dev/null 2>&1 || need_pkgs+=(postgresql-client-15)
fi
if ((${#need_pkgs[@]})); then
  log "installing: ${need_pkgs[*]}"
  SUDO=""
  ((EUID == 0)) || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  if ! $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null; then
    # nginx-light is not packaged on every Debian/Ubuntu release; fall back.
    $SUDO apt-get install -y -qq "${need_pkgs[@]/nginx-light/nginx}" >/dev/null
  fi
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

bench_build_release

# --- temp dir, processes, cleanup -------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/waymark-bench.XXXXXX")"
chmod 711 "$TMP"  # the PostgreSQL cluster runs as `postgres` and must traverse it
PIDS=()
PG_DIR=""
cleanup() {
  local rc=$? pid
  set +e
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  [[ -n "$PG_DIR" ]] && "$ROOT/scripts/pg-test-cluster" stop "$PG_DIR" >/dev/null 2>&1
  if ((rc != 0)); then
    for f in "$TMP"/*.err; do
      [[ -s "$f" ]] || continue
      log "last lines of $(basename "$f"):"
      tail -n 5 "$f" >&2
    done
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# start_waymark NAME DB_URL [serve flags...]: sets W_PID and W (its base URL).
start_waymark() {
  local name=$1 db=$2
  shift 2
  "$BIN" serve --listen 127.0.0.1:0 --db "$db" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  W_PID=$!
  PIDS+=("$W_PID")
  local port
  port="$(bench_wait_port "$TMP/$name.out" "$W_PID" "" "$READY_LIMIT")"
  W="http://127.0.0.1:$port"
  bench_wait_http "$W/healthz" "$W_PID" || die "the $name waymark's /healthz did not answer 200"
  log "waymark $name (pid $W_PID) on $W"
}

rss_mb() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# A user of our own with a chosen password (the demo admin must change its
# one-time password before its tokens work), an administrator; prints a token.
bench_token() {
  local db=$1
  printf 'bench-password-%s\n' "$SEED$SEED$SEED" |
    "$BIN" user add --db "$db" --email "$BENCH_EMAIL" --name Bench --org jcwi --role editor --admin \
      --password-stdin >/dev/null 2>&1 || true # already there in a cached database
  "$BIN" token create --db "$db" --email "$BENCH_EMAIL" --name bench | tail -n 1
}

# --- rows -------------------------------------------------------------------
ROWS="$TMP/rows.tsv"
: >"$ROWS"
# row ID STAGE LABEL RPS P50 P99 ERRORS BYTES VALUE UNIT GOAL ("-" for none)
row() { (IFS=$'\t'; echo "$*") >>"$ROWS"; }

to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}

# measure ID STAGE LABEL GOAL URL [curl/wrk header...]: checks for a 200, then wrk.
# With WRK_SCRIPT set (WRK_SCRIPT=f measure ...), wrk runs that Lua script.
measure() {
  local id=$1 stage=$2 label=$3 goal=$4 url=$5
  local hargs=() code out rps p50 p99 non2xx sockerr size h sargs=()
  for h in "${@:6}"; do [[ -n "$h" ]] && hargs+=(-H "$h"); done
  [[ -n "${WRK_SCRIPT:-}" ]] && sargs=(-s "$WRK_SCRIPT")
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "${hargs[@]}" "$url" || true)"
  if [[ "$code" != 200 ]]; then
    log "SKIPPED $label: $url answered $code"
    row "$id" "$stage" "$label (answered $code)" - - - - - - - "$goal"
    return 0
  fi
  size="$(curl -s -o /dev/null -w '%{size_download}' --max-time 10 "${hargs[@]}" "$url" || echo 0)"
  log "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s $label"
  out="$(timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
    "${sargs[@]}" "${hargs[@]}" "$url")" || die "wrk failed on $url"
  printf '%s\n' "$out" >"$TMP/wrk.$id.txt"
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  [[ -n "$rps" && -n "$p50" && -n "$p99" ]] || { printf '%s\n' "$out" >&2; die "could not parse wrk output"; }
  non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")"
  sockerr="$(awk '/Socket errors:/ { s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }' <<<"$out")"
  row "$id" "$stage" "$label" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" "$(( ${non2xx:-0} + ${sockerr:-0} ))" \
    "$size" - - "$goal"
}

# Goals of issue 15 (2 cores, wrk -t2 -c64, ratios to nginx in the same run).
G_STACK="ratio>=0.8"                 # static file from memory, /healthz
G_PAGE="ratio>=0.5,p99<=10"          # home and item pages; list pages with facets, anonymous
G_SIGNED="ratio>=0.25"               # list pages signed in
G_100K="ratio>=0.25,p99<=10"         # JSON list/search and the HTML list page at 100k
G_SEARCH="p50<=3,p99<=15"            # 1M-doc ranked faceted search
G_READY="value<=10"                  # seconds until a new instance serves
G_RSS="value<=30"                    # idle RSS, MB

# --- cached data ------------------------------------------------------------
CAMPAIGNS_DIR="$CACHE/campaigns-$N_CAMPAIGNS-seed$SEED"
SEARCH_DIR="$CACHE/search-$SEARCH_DOCS"

make_campaigns() {
  [[ -f "$CAMPAIGNS_DIR/waymark.db" ]] && return 0
  log "generating $N_CAMPAIGNS campaigns into $CAMPAIGNS_DIR (once; $API_CAMPAIGNS through the API)"
  local part="$CAMPAIGNS_DIR.partial"
  rm -rf "$part"
  mkdir -p "$part"
  start_waymark gen "sqlite:$part/waymark.db" --demo --search-dir "$part/waymark.db.search"
  local gen_pid=$W_PID gen_url=$W
  for _ in $(seq 600); do grep -q '^demo admin: ' "$TMP/gen.out" && break; sleep 0.1; done
  grep -q '^demo admin: ' "$TMP/gen.out" || die "the demo data did not arrive within 60 s"
  local token
  token="$(bench_token "sqlite:$part/waymark.db")"
  [[ "$token" =~ ^wm_ ]] || die "token create printed no token"
  timeout 1800 python3 "$ROOT/bench/lib/gen_campaigns.py" api "$gen_url" "$token" "$API_CAMPAIGNS" "$SEED" 6 ||
    die "creating campaigns through the API failed"
  # Let the demo's queued forecast runs (if any) go: they are not part of the data set.
  stop_pid "$gen_pid"
  timeout 600 python3 "$ROOT/bench/lib/gen_campaigns.py" grow "$part/waymark.db" "$N_CAMPAIGNS" "$SEED" ||
    die "growing the campaigns failed"
  log "indexing them with waymark reindex"
  rm -rf "$part/waymark.db.search"
  timeout 1800 "$BIN" reindex --db "sqlite:$part/waymark.db" --search-dir "$part/waymark.db.search" >&2 ||
    die "waymark reindex failed"
  mv "$part" "$CAMPAIGNS_DIR"
}

make_search_index() {
  [[ -d "$SEARCH_DIR/xapian" ]] && return 0
  log "building the $SEARCH_DOCS-document search index into $SEARCH_DIR (once; 10+ minutes at 1M)"
  rm -rf "$SEARCH_DIR.partial"
  BENCH_DIR="$SEARCH_DIR.partial" QUERIES=100 timeout 7200 "$ROOT/bench/search.sh" "$SEARCH_DOCS" --no-sqlite \
    >"$TMP/search-build.txt" || die "building the search index failed"
  mv "$SEARCH_DIR.partial" "$SEARCH_DIR"
}

if want data || want 100k || want pg; then make_campaigns; fi
if want data || want search; then make_search_index; fi

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- nginx reference --------------------------------------------------------
mkdir -p "$TMP/nginx/html" "$TMP/nginx/tmp"
chmod 755 "$TMP/nginx" "$TMP/nginx/html"
cp "$ROOT/web/static/waymark.css" "$TMP/nginx/html/static.css"  # the body waymark serves
chmod 644 "$TMP/nginx/html/static.css"
NGINX_PORT=""
for _ in $(seq 20); do
  port=$((20000 + RANDOM % 40000))
  if ss -Htln "sport = :$port" 2>/dev/null | grep -q .; then continue; fi
  cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/tmp/body;
  proxy_temp_path $TMP/nginx/tmp/proxy;
  fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
  uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
  scgi_temp_path $TMP/nginx/tmp/scgi;
  types { text/css css; }
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  server { listen 127.0.0.1:$port; root $TMP/nginx/html; }
}
EOF
  "$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" >"$TMP/nginx.err" 2>&1 &
  NGINX_PID=$!
  if bench_wait_http "http://127.0.0.1:$port/static.css" "$NGINX_PID"; then
    NGINX_PORT=$port
    PIDS+=("$NGINX_PID")
    break
  fi
  kill -0 "$NGINX_PID" 2>/dev/null && { kill "$NGINX_PID"; die "nginx runs but does not serve the test file"; }
  wait "$NGINX_PID" 2>/dev/null || true
done
[[ -n "$NGINX_PORT" ]] || die "could not start nginx on a free loopback port"
measure ref ref "nginx static file (reference)" - "http://127.0.0.1:$NGINX_PORT/static.css"

# --- demo data: the HTTP stack, pages, every module's list pages -------------
if want demo; then
  [[ -d "$ROOT/../shared/data/flee" ]] || die "../shared/data/flee is missing (the forecasts demo needs it)"
  printf '{"forecast_demo_dir": "%s"}\n' "$ROOT/../shared/data/flee" >"$TMP/demo.json"
  start_waymark demo "sqlite:$TMP/demo.db" --demo --config "$TMP/demo.json"
  DEMO_PID=$W_PID
  for _ in $(seq 600); do grep -q '^demo admin: ' "$TMP/demo.out" && break; sleep 0.1; done
  # The demo queues one forecast run per Flee case: let them finish (at most 120 s) first.
  runs=""
  for _ in $(seq 240); do
    runs="$(curl -s --max-time 5 "$W/api/v1/forecasts/runs" || true)"
    grep -Eq '"state": ?"(queued|running)"' <<<"$runs" || break
    sleep 0.5
  done
  sleep 1
  row rss demo "idle RSS, demo data (MB)" - - - - - "$(rss_mb "$DEMO_PID")" MB "$G_RSS"
  TOKEN="$(bench_token "sqlite:$TMP/demo.db")"
  [[ "$TOKEN" =~ ^wm_ ]] || die "token create printed no token"
  AUTH="Authorization: Bearer $TOKEN"
  # id|label|goal|path: the first item of each kind the demo makes.
  DEMO_TARGETS=(
    "css|GET /static/waymark.css|$G_STACK|/static/waymark.css"
    "healthz|GET /healthz|$G_STACK|/healthz"
    "home|GET / (home)|$G_PAGE|/"
    "campaign|GET /campaigns/{id}|$G_PAGE|/campaigns/1"
    "practice|GET /practices/{id}|$G_PAGE|/practices/1"
    "library_item|GET /library/{id}|$G_PAGE|/library/1"
    "evidence_item|GET /api/v1/incidents/{id} (evidence item)|$G_PAGE|/api/v1/incidents/1"
    "atlas_case|GET /atlas/cases/{id}|-|/atlas/cases/1"
    "lineage|GET /campaigns/{id}/lineage|-|/campaigns/1/lineage"
    "campaigns_q|GET /campaigns?q=migrant|-|/campaigns?q=migrant"
    "api_campaigns_q|GET /api/v1/campaigns?q=&country|-|/api/v1/campaigns?q=xenophobia&country=ZAF"
    "api_orgs|GET /api/v1/organisations|-|/api/v1/organisations"
    "workshop|GET /futures/workshops/{slug}|-|/futures/workshops/migration-futures-2015"
    "forecast_run|GET /futures/forecasts/{id} (run)|-|/futures/forecasts/1"
    "agenda|GET /consultations/{slug} (agenda)|-|/consultations/2015"
    "agenda_ics|GET /consultations/{slug}.ics|-|/consultations/2015.ics"
    "practices_q|GET /practices?q=migrants&phase|-|/practices?q=migrants&phase=emergency"
    "matrix|GET /practices/matrix|-|/practices/matrix"
    "library_q|GET /library?q=drought (pages)|-|/library?q=drought"
    "workshop_results|GET /futures/workshops/{slug}/results|-|/futures/workshops/migration-futures-2015/results"
  )
  # The list pages (facets where the module has them), anonymous and signed in.
  LIST_PAGES=(
    "campaigns|/campaigns" "practices|/practices" "library|/library" "evidence|/evidence" "atlas|/atlas"
    "consultations|/consultations" "action_points|/action-points" "futures|/futures"
    "forecasts|/futures/forecasts" "organisations|/organisations" "ideas|/ideas" "survey|/survey/results"
  )
  # Pages, signed in or not, are asked for as a browser asks, accepting gzip
  # (the size column is then the compressed size); the stylesheet and
  # /healthz as nginx is asked, so that the reference row compares like with
  # like.
  for t in "${DEMO_TARGETS[@]}"; do
    IFS='|' read -r id label goal path <<<"$t"
    enc="$BROWSER_ENC"
    [[ "$id" == css || "$id" == healthz ]] && enc=""
    measure "$id" demo "$label" "$goal" "$W$path" "$enc"
  done
  for t in "${LIST_PAGES[@]}"; do
    IFS='|' read -r id path <<<"$t"
    measure "list_$id" demo "GET $path (list, anonymous)" "$G_PAGE" "$W$path" "$BROWSER_ENC"
  done
  # The heaviest page once more without compression, to show what it saves.
  measure "list_atlas_plain" demo "GET /atlas (list, anonymous, no gzip)" - "$W/atlas"
  for t in "${LIST_PAGES[@]}"; do
    IFS='|' read -r id path <<<"$t"
    measure "signed_$id" demo "GET $path (list, signed in)" "$G_SIGNED" "$W$path" "$AUTH" "$BROWSER_ENC"
  done
  # The same person asking for pages nobody asked for before (a new query
  # each time): every answer rendered, none from the signed-in page cache.
  for t in "${LIST_PAGES[@]}"; do
    IFS='|' read -r id path <<<"$t"
    WRK_SCRIPT="$ROOT/bench/fresh.lua" measure "fresh_$id" demo "GET $path (list, signed in, rendered each time)" \
      "$G_SIGNED" "$W$path" "$AUTH" "$BROWSER_ENC"
  done
  row rss_load demo "RSS after the demo load (MB)" - - - - - "$(rss_mb "$DEMO_PID")" MB -
  strip -o "$TMP/waymark.stripped" "$BIN" 2>/dev/null &&
    row binary demo "release binary, stripped (MB)" - - - - - \
      "$(awk -v b="$(stat -c %s "$TMP/waymark.stripped")" 'BEGIN { printf "%.2f", b / 1048576 }')" MB -
  stop_pid "$DEMO_PID"
fi

# --- 100,000 campaigns ------------------------------------------------------
# id|label|path: the same requests on both backends.
BIG_TARGETS=(
  "country|JSON list: one country, newest first|/api/v1/campaigns?country=FRA&sort=newest"
  "common|JSON search: a common word (2.8 % of rows)|/api/v1/campaigns?q=solidarity"
  "rare|JSON search: a rare word (17 rows)|/api/v1/campaigns?q=zanzibarite"
  "one|JSON: one campaign by id|/api/v1/campaigns/50000"
  "html|HTML /campaigns list page, no query|/campaigns"
)
if want 100k; then
  log "copying the cached $N_CAMPAIGNS-campaign database (and its index) to $TMP"
  cp -r "$CAMPAIGNS_DIR" "$TMP/big"
  start_waymark big "sqlite:$TMP/big/waymark.db" --search-dir "$TMP/big/waymark.db.search"
  BIG_PID=$W_PID
  total="$(curl -s --max-time 30 "$W/api/v1/campaigns?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
  log "the 100k server lists $total campaigns"
  sleep 1
  row rss_100k 100k "idle RSS, $N_CAMPAIGNS campaigns (MB)" - - - - - "$(rss_mb "$BIG_PID")" MB "$G_RSS"
  for t in "${BIG_TARGETS[@]}"; do
    IFS='|' read -r id label path <<<"$t"
    measure "sqlite_$id" 100k "100k SQLite: $label" "$G_100K" "$W$path"
  done
  stop_pid "$BIG_PID"
fi

# --- the same on PostgreSQL --------------------------------------------------
if want pg; then
  PG_DIR="$TMP/pg"
  log "starting a throwaway PostgreSQL cluster (fsync=off: a test cluster)"
  PG_URL="$("$ROOT/scripts/pg-test-cluster" start "$PG_DIR" 2>"$TMP/pg-cluster.err")" ||
    die "scripts/pg-test-cluster start failed: $(tail -n 3 "$TMP/pg-cluster.err")"
  [[ -d "$TMP/big" ]] || cp -r "$CAMPAIGNS_DIR" "$TMP/big"
  # The cache may predate a migration: bring the source up to this binary's schema first.
  "$BIN" migrate --db "sqlite:$TMP/big/waymark.db" >/dev/null 2>"$TMP/migrate.err" ||
    die "waymark migrate failed: $(tail -n 3 "$TMP/migrate.err")"
  log "waymark copy to PostgreSQL"
  t0=$(date +%s.%N)
  timeout 900 "$BIN" copy --from "sqlite:$TMP/big/waymark.db" --to "$PG_URL" >"$TMP/copy.out" 2>"$TMP/copy.err" ||
    die "waymark copy failed: $(tail -n 3 "$TMP/copy.err")"
  t1=$(date +%s.%N)
  row copy pg "waymark copy of $N_CAMPAIGNS campaigns to PostgreSQL (s)" - - - - - \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" s -
  # A new instance over that database, with no search index yet: time until a
  # search sees every campaign (the index is rebuilt from the database).
  # ready_row ID LABEL T0: waits until a search at $W sees every campaign, then
  # adds the row (seconds since T0).
  ready_row() {
    local id=$1 label=$2 t0=$3 ready="" n t1
    for _ in $(seq $((READY_LIMIT * 4))); do
      n="$(curl -s --max-time 5 "$W/api/v1/campaigns?per_page=1" |
        python3 -c 'import json,sys; print(json.load(sys.stdin).get("total", 0))' 2>/dev/null || echo 0)"
      if ((n >= N_CAMPAIGNS)); then ready=1; break; fi
      kill -0 "$W_PID" 2>/dev/null || die "the PostgreSQL waymark exited"
      sleep 0.25
    done
    t1=$(date +%s.%N)
    if [[ -n "$ready" ]]; then
      row "$id" pg "$label (s)" - - - - - "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" s "$G_READY"
    else
      row "$id" pg "$label (not ready in $READY_LIMIT s)" - - - - - - - "$G_READY"
    fi
  }
  t0=$(date +%s.%N)
  start_waymark pg "$PG_URL" --search-dir "$TMP/pg-search"
  PGW_PID=$W_PID
  ready_row ready "time to ready: new instance, $N_CAMPAIGNS campaigns on PostgreSQL, index rebuilt" "$t0"
  # The way to add an instance: from a copy of a running one's index, taken
  # while it serves (`waymark snapshot-index`); it applies only later changes.
  PGW_URL=$W
  "$BIN" snapshot-index --db "$PG_URL" --search-dir "$TMP/pg-search" --out "$TMP/pg-search-2" \
    >"$TMP/snapshot.out" 2>"$TMP/snapshot.err" || die "waymark snapshot-index failed: $(tail -n 3 "$TMP/snapshot.err")"
  t0=$(date +%s.%N)
  start_waymark pg2 "$PG_URL" --search-dir "$TMP/pg-search-2"
  ready_row ready_snapshot "time to ready: new instance from a snapshot of another's index" "$t0"
  stop_pid "$W_PID"
  W=$PGW_URL
  W_PID=$PGW_PID
  for t in "${BIG_TARGETS[@]}"; do
    IFS='|' read -r id label path <<<"$t"
    goal="of:sqlite_$id>=0.5"
    want 100k || goal="-"
    measure "pg_$id" pg "100k PostgreSQL: $label" "$goal" "$W$path"
  done
  stop_pid "$PGW_PID"
fi

# --- 1M-document search -------------------------------------------------------
if want search; then
  log "search_bench: $SEARCH_QUERIES queries over $SEARCH_DOCS documents"
  BENCH_DIR="$SEARCH_DIR" QUERIES="$SEARCH_QUERIES" timeout 900 "$ROOT/bench/search.sh" "$SEARCH_DOCS" --no-sqlite \
    >"$TMP/search.txt" 2>"$TMP/search.err" || die "bench/search.sh failed: $(tail -n 3 "$TMP/search.err")"
  read -r p50 p99 < <(awk '/^engine \(latency/ { on = 1; next } on && /^xapian \(waymark\)/ { print $3, $5; exit }' "$TMP/search.txt")
  [[ -n "${p50:-}" ]] || die "could not read search_bench's latency row"
  row search1m search "1M docs: ranked faceted search mix (search_bench)" - "$p50" "$p99" - - - - "$G_SEARCH"
fi

LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- report -----------------------------------------------------------------
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY=""
git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || DIRTY="-dirty"
DATE="$(date -u '+%Y-%m-%d')"
mkdir -p "$ROOT/bench/results"
OUT="$ROOT/bench/results/$DATE-$COMMIT$DIRTY.json"
python3 - "$TMP/meta.json" <<EOF
import json, sys
json.dump({
  "commit": "$COMMIT$DIRTY", "date": "$(date -u '+%Y-%m-%dT%H:%M:%SZ')", "nproc": $(nproc),
  "binary_built": "$(date -u -r "$BIN" '+%Y-%m-%dT%H:%M:%SZ')", "binary": "${BIN#"$ROOT"/}",
  "wrk": "-t$THREADS -c$CONNECTIONS -d${DURATION}s", "stages": "${STAGES[*]}",
  "load_before": "$LOAD_BEFORE", "load_after": "$LOAD_AFTER",
  "data": {"campaigns": $N_CAMPAIGNS, "campaigns_via_api": $API_CAMPAIGNS, "search_docs": $SEARCH_DOCS,
           "search_queries": $SEARCH_QUERIES, "seed": $SEED, "version": "$DATA_VERSION"},
}, open(sys.argv[1], "w"))
EOF
echo
echo "Waymark bench — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT$DIRTY, nproc $(nproc)"
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on loopback; load average before $LOAD_BEFORE, after $LOAD_AFTER"
echo
python3 "$ROOT/bench/lib/report.py" "$ROWS" "$TMP/meta.json" "$OUT"
echo
echo "result: ${OUT#"$ROOT"/}   (compare two: bench/compare A.json B.json)"
