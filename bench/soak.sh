#!/usr/bin/env bash
# Soak test: the release server with demo data under a steady mixed load for
# a bounded time, watched for errors and memory growth.
#
#   bench/soak.sh                       # 10 minutes (make soak)
#   SOAK_SECONDS=120 bench/soak.sh      # shorter
#   REBUILD=1 bench/soak.sh             # rebuild build/release/waymark first
#
# Starts build/release/waymark (SQLite, --demo) on a free loopback port,
# makes an API token for the demo admin, then runs wrk with CONNECTIONS (256)
# connections and bench/soak.lua (reads, searches, feeds, API reads, and one
# write in 20 with the token) in consecutive WINDOW-second (10) windows. After
# each window it prints the requests, the errors (non-2xx/3xx responses plus
# socket errors, timeouts included), p99 latency and the server's RSS.
# Exits non-zero if any window had an error, if the server died, or if its
# RSS at the end exceeds the RSS after warm-up (the first window ending at or
# after WARMUP_SECONDS, 60) by more than RSS_MARGIN_PERCENT (20).
# Everything is torn down on exit. Not part of `make test`.
set -euo pipefail

SOAK_SECONDS="${SOAK_SECONDS:-600}"
WINDOW="${WINDOW:-10}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-256}"
WARMUP_SECONDS="${WARMUP_SECONDS:-60}"
RSS_MARGIN_PERCENT="${RSS_MARGIN_PERCENT:-20}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[soak] %s\n' "$*" >&2; }
die() { printf '[soak] error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=bench/lib/server.sh
source "$ROOT/bench/lib/server.sh"

for v in SOAK_SECONDS WINDOW THREADS CONNECTIONS RSS_MARGIN_PERCENT; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done
[[ "$WARMUP_SECONDS" =~ ^[0-9]+$ ]] || die "WARMUP_SECONDS must be a number of seconds, got '$WARMUP_SECONDS'"

# --- tools and binary ------------------------------------------------------
need_pkgs=()
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
if ((${#need_pkgs[@]})); then
  log "installing: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi
bench_build_release

# --- temp dir and cleanup --------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/waymark-soak.XXXXXX")"
PID=""
cleanup() {
  local rc=$?
  set +e
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null
  fi
  [[ -n "$PID" ]] && wait "$PID" 2>/dev/null
  if ((rc != 0)) && [[ -s "$TMP/waymark.err" ]]; then
    log "the server's errors and 5xx answers (up to 40 lines):"
    grep -E '"level":"error"|"status":5' "$TMP/waymark.err" | head -n 40 >&2
    log "last lines of the server's log (access-log lines of 2xx/3xx answers left out):"
    tail -n 10 "$TMP/waymark.err" >&2
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the server ------------------------------------------------------------
# The access log (a JSON line per response) would grow by hundreds of MB;
# keep only what is not a 2xx/3xx answer.
"$BIN" serve --listen 127.0.0.1:0 --db "sqlite:$TMP/soak.db" --demo >"$TMP/waymark.out" \
  2> >(grep --line-buffered -v -E '"status":[23][0-9][0-9],' >"$TMP/waymark.err") &
PID=$!
# --demo seeds the data after printing the address: wait for that too.
PORT="$(bench_wait_port "$TMP/waymark.out" "$PID" "demo admin: " 60)"
W="http://127.0.0.1:$PORT"
# The demo admin's one-time password must be changed before its tokens work
# (API answers 403 until then), so the writes use an administrator of their
# own, added with a chosen password.
printf 'soak-password-%s\n' "$RANDOM$RANDOM" |
  "$BIN" user add --db "sqlite:$TMP/soak.db" --email soak@example.org --name Soak --org jcwi \
    --role editor --admin --password-stdin >/dev/null || die "could not add the soak user"
TOKEN="$("$BIN" token create --db "sqlite:$TMP/soak.db" --email soak@example.org --name soak | tail -n 1)"
[[ "$TOKEN" =~ ^wm_[A-Za-z0-9_-]+$ ]] || die "token create printed no token"
log "waymark (pid $PID) on 127.0.0.1:$PORT"

# Ids to read, a post to mark, a thread only the writes reply to.
ids() { curl -sf "$W$1" | grep -o '"html_url":"/[a-z]*/[0-9]*"' | grep -o '[0-9]*' | paste -sd, -; }
CAMPAIGNS="$(ids '/api/v1/campaigns?per_page=50')"
THREAD_IDS="$(ids '/api/v1/threads?per_page=50')"
[[ -n "$CAMPAIGNS" && -n "$THREAD_IDS" ]] || die "no demo campaigns or threads to read"
created="$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"title":"Soak replies","body":"The soak test replies here."}' "$W/api/v1/threads")" ||
  die "could not create the thread for replies"
read -r REPLY_THREAD POST_ID < <(python3 -c \
  'import json, sys; t = json.loads(sys.argv[1]); print(t["id"], t["posts"][0]["id"])' "$created") || true
[[ "$REPLY_THREAD" =~ ^[0-9]+$ && "$POST_ID" =~ ^[0-9]+$ ]] || die "could not read the new thread's ids"
ORG=jcwi

# --- the windows -----------------------------------------------------------
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$PID/status" 2>/dev/null || echo 0; }

windows=$(((SOAK_SECONDS + WINDOW - 1) / WINDOW))
log "$windows windows of ${WINDOW}s: wrk -t$THREADS -c$CONNECTIONS --timeout 10s -s bench/soak.lua"
printf '%6s %10s %9s %7s %9s %10s\n' "t(s)" "requests" "req/s" "errors" "p99 ms" "RSS KiB"
TOTAL_REQ=0
TOTAL_ERR=0
BASE_RSS=""
BASE_T=""
START_RSS="$(rss_kib)"
for ((i = 1; i <= windows; i++)); do
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WINDOW}s" --timeout 10s --latency -s "$ROOT/bench/soak.lua" \
    "$W" -- "$TOKEN" "$CAMPAIGNS" "$THREAD_IDS" "$POST_ID" "$REPLY_THREAD" "$ORG" "$THREADS" 2>&1)" ||
    { printf '%s\n' "$out" >&2; die "wrk failed in window $i"; }
  kill -0 "$PID" 2>/dev/null || { printf '%s\n' "$out" >&2; die "the server died in window $i"; }
  req="$(awk '/ requests in / {print $1}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  [[ -n "$req" && -n "$p99" ]] || { printf '%s\n' "$out" >&2; die "could not parse wrk's output"; }
  non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")"
  sockerr="$(awk '/Socket errors:/ { s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }' <<<"$out")"
  err=$((${non2xx:-0} + ${sockerr:-0}))
  rss="$(rss_kib)"
  t=$((i * WINDOW))
  printf '%6d %10d %9s %7d %9s %10d\n' "$t" "$req" "$(awk -v r="$req" -v w="$WINDOW" 'BEGIN { printf "%.0f", r / w }')" \
    "$err" "$(to_ms "$p99")" "$rss"
  if ((err > 0)); then
    grep -E 'Non-2xx|Socket errors' <<<"$out" >&2 || true
  fi
  TOTAL_REQ=$((TOTAL_REQ + req))
  TOTAL_ERR=$((TOTAL_ERR + err))
  if [[ -z "$BASE_RSS" ]] && ((t >= WARMUP_SECONDS || i == windows)); then
    BASE_RSS=$rss
    BASE_T=$t
  fi
done
END_RSS="$(rss_kib)"

# --- verdict ---------------------------------------------------------------
limit=$((BASE_RSS + BASE_RSS * RSS_MARGIN_PERCENT / 100))
echo
echo "requests: $TOTAL_REQ in ${SOAK_SECONDS}s; errors: $TOTAL_ERR"
echo "RSS: $START_RSS KiB at start, $BASE_RSS KiB after warm-up (t=${BASE_T}s), $END_RSS KiB at the end" \
  "(limit $limit KiB, +$RSS_MARGIN_PERCENT%)"
server_errors="$(grep -c '"status":5' "$TMP/waymark.err" || true)"
echo "server log: ${server_errors:-0} 5xx answers"
fail=0
((TOTAL_ERR == 0)) || { log "FAIL: $TOTAL_ERR errors"; fail=1; }
((END_RSS <= limit)) || { log "FAIL: RSS grew from $BASE_RSS to $END_RSS KiB"; fail=1; }
((fail == 0)) && log "ok"
exit "$fail"
