#!/usr/bin/env bash
# HTTP throughput/latency benchmark for Waymark against an nginx reference.
#
#   bench/http.sh                 # 10 s per target
#   DURATION=30 bench/http.sh     # 30 s per target
#   REBUILD=1 bench/http.sh       # rebuild build/release/waymark first
#
# Starts a throwaway nginx (static file) and the waymark release binary
# (SQLite, --demo data) on free loopback ports, runs wrk against each target,
# and prints req/s, p50, p99 and the req/s ratio versus nginx from this run.
# Everything is torn down on exit, success or failure. Not part of `make test`.
set -euo pipefail

DURATION="${DURATION:-10}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=bench/lib/server.sh
source "$ROOT/bench/lib/server.sh"

[[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a positive integer (seconds), got '$DURATION'"

# --- tools -----------------------------------------------------------------
need_pkgs=()
command -v wrk >/dev/null 2>&1 || need_pkgs+=(wrk)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need_pkgs+=(nginx-light)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
command -v strip >/dev/null 2>&1 || need_pkgs+=(binutils)
if ((${#need_pkgs[@]})); then
  log "installing: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  if ! apt-get install -y -qq "${need_pkgs[@]}" >/dev/null; then
    # nginx-light is not packaged on every Debian/Ubuntu release; fall back.
    pkgs=("${need_pkgs[@]/nginx-light/nginx}")
    apt-get install -y -qq "${pkgs[@]}" >/dev/null
  fi
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

# --- release binary --------------------------------------------------------
bench_build_release

# --- temp dir and cleanup --------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/waymark-bench.XXXXXX")"
NGINX_PID=""
WAYMARK_PID=""

cleanup() {
  local rc=$?
  set +e
  for pid in "$WAYMARK_PID" "$NGINX_PID"; do
    [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null
  done
  for pid in "$WAYMARK_PID" "$NGINX_PID"; do
    [[ -z "$pid" ]] && continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if ((rc != 0)) && [[ -s "$TMP/waymark.err" ]]; then
    log "last lines of waymark stderr:"
    tail -n 5 "$TMP/waymark.err" >&2
  fi
  if ((rc != 0)) && [[ -s "$TMP/nginx/error.log" ]]; then
    log "last lines of nginx error.log:"
    tail -n 5 "$TMP/nginx/error.log" >&2
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- nginx reference -------------------------------------------------------
mkdir -p "$TMP/nginx/html" "$TMP/nginx/tmp"
# nginx workers drop to an unprivileged user: let them read the document root.
chmod 755 "$TMP" "$TMP/nginx" "$TMP/nginx/html"
# The reference serves the very stylesheet waymark embeds, so bodies match.
if [[ -f "$ROOT/web/static/waymark.css" ]]; then
  cp "$ROOT/web/static/waymark.css" "$TMP/nginx/html/static.css"
else
  head -c 4096 /dev/zero | tr '\0' 'a' >"$TMP/nginx/html/static.css"
fi
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
  server {
    listen 127.0.0.1:$port;
    root $TMP/nginx/html;
  }
}
EOF
  "$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" \
    >"$TMP/nginx/stdout.log" 2>&1 &
  NGINX_PID=$!
  if bench_wait_http "http://127.0.0.1:$port/static.css" "$NGINX_PID"; then
    NGINX_PORT=$port
    break
  fi
  # Still running but not serving: a real problem, not a port clash.
  kill -0 "$NGINX_PID" 2>/dev/null && die "nginx runs but does not serve the test file"
  wait "$NGINX_PID" 2>/dev/null || true
  NGINX_PID=""
done
[[ -n "$NGINX_PORT" ]] || die "could not start nginx on a free loopback port"
log "nginx (pid $NGINX_PID) on 127.0.0.1:$NGINX_PORT"

# --- waymark ---------------------------------------------------------------
# The Flee cases beside the repository, wherever the bench is started from.
[[ -d "$ROOT/../shared/data/flee" ]] || die "../shared/data/flee is missing (the forecasts demo needs it)"
printf '{"forecast_demo_dir": "%s"}\n' "$ROOT/../shared/data/flee" >"$TMP/config.json"
"$BIN" serve --listen 127.0.0.1:0 --db "sqlite:$TMP/bench.db" --demo --config "$TMP/config.json" \
  >"$TMP/waymark.out" 2>"$TMP/waymark.err" &
WAYMARK_PID=$!
WAYMARK_PORT="$(bench_wait_port "$TMP/waymark.out" "$WAYMARK_PID")"
W="http://127.0.0.1:$WAYMARK_PORT"
bench_wait_http "$W/healthz" "$WAYMARK_PID" || die "waymark /healthz did not answer 200"
log "waymark (pid $WAYMARK_PID) on 127.0.0.1:$WAYMARK_PORT"

# The demo queues one forecast run per Flee case (when ../shared/data/flee is
# there): let them finish (at most 120 s) so that they do not share the cores
# with the measurements.
for _ in $(seq 1 240); do
  runs="$(curl -s --max-time 5 "$W/api/v1/forecasts/runs" || true)"
  grep -Eq '"state": ?"(queued|running)"' <<<"$runs" || break
  sleep 0.5
done
grep -Eq '"state": ?"(queued|running)"' <<<"$runs" && die "the demo's forecast runs did not finish within 120 s"

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_BEFORE="$(loadavg)"

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
sleep 1
IDLE_RSS_KIB="$(rss_kib "$WAYMARK_PID")"

# --- targets ---------------------------------------------------------------
NAMES=(
  "nginx static file (reference)"
  "waymark GET /static/waymark.css"
  "waymark GET /healthz"
  "waymark GET /"
  "waymark GET /organisations"
  "waymark GET /api/v1/organisations"
  "waymark GET /campaigns (facets)"
  "waymark GET /campaigns?q=migrant"
  "waymark GET /campaigns/{id}"
  "waymark GET /campaigns/{id}/lineage"
  "waymark GET /api/v1/campaigns?q=&country"
  "waymark GET /ideas"
  "waymark GET /practices (facets)"
  "waymark GET /practices?q=migrants&phase"
  "waymark GET /practices/{id}"
  "waymark GET /practices/matrix"
  "waymark GET /library (facets)"
  "waymark GET /library?q=drought (pages)"
  "waymark GET /library/{id}"
  "waymark GET /atlas (SVG map, layer)"
  "waymark GET /atlas/cases/{id}"
  "waymark GET /survey/results"
  "waymark GET /consultations/{slug} (agenda)"
  "waymark GET /action-points (tracker)"
  "waymark GET /consultations/{slug}.ics"
  "waymark GET /futures/workshops/{slug}"
  "waymark GET /futures/workshops/{slug}/results"
  "waymark GET /futures/forecasts/{id} (run)"
)
URLS=(
  "http://127.0.0.1:$NGINX_PORT/static.css"
  "$W/static/waymark.css"
  "$W/healthz"
  "$W/"
  "$W/organisations"
  "$W/api/v1/organisations"
  "$W/campaigns"
  "$W/campaigns?q=migrant"
  "$W/campaigns/1"
  "$W/campaigns/1/lineage"
  "$W/api/v1/campaigns?q=xenophobia&country=ZAF"
  "$W/ideas"
  "$W/practices"
  "$W/practices?q=migrants&phase=emergency"
  "$W/practices/1"
  "$W/practices/matrix"
  "$W/library"
  "$W/library?q=drought"
  "$W/library/1"
  "$W/atlas"
  "$W/atlas/cases/1"
  "$W/survey/results"
  "$W/consultations/2015"
  "$W/action-points"
  "$W/consultations/2015.ics"
  "$W/futures/workshops/migration-futures-2015"
  "$W/futures/workshops/migration-futures-2015/results"
  "$W/futures/forecasts/1"
)

for url in "${URLS[@]}"; do
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" || true)"
  [[ "$code" == 200 ]] || die "$url answered $code, expected 200"
done

# Convert a wrk duration (e.g. 812.00us, 1.23ms, 2.01s) to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}

RPS=(); P50=(); P99=(); ERRS=(); BYTES=()
for i in "${!URLS[@]}"; do
  log "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency ${URLS[$i]}"
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${URLS[$i]}")"
  printf '%s\n' "$out" >"$TMP/wrk.$i.txt"
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  [[ -n "$rps" && -n "$p50" && -n "$p99" ]] || { printf '%s\n' "$out" >&2; die "could not parse wrk output"; }
  non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")"
  sockerr="$(awk '/Socket errors:/ {
      s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }' <<<"$out")"
  RPS+=("$rps"); P50+=("$(to_ms "$p50")"); P99+=("$(to_ms "$p99")")
  ERRS+=("$(( ${non2xx:-0} + ${sockerr:-0} ))")
  BYTES+=("$(curl -s -o /dev/null -w '%{size_download}' "${URLS[$i]}")")
done

LOAD_RSS_KIB="$(rss_kib "$WAYMARK_PID")"
LOAD_AFTER="$(loadavg)"

# --- binary size -----------------------------------------------------------
SIZE="$(stat -c %s "$BIN")"
strip -o "$TMP/waymark.stripped" "$BIN"
SSIZE="$(stat -c %s "$TMP/waymark.stripped")"
mib() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1048576 }'; }

# --- report ----------------------------------------------------------------
echo
echo "Waymark HTTP benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "nproc: $(nproc)   wrk: -t$THREADS -c$CONNECTIONS -d${DURATION}s (same host, loopback)"
echo "load average (1/5/15 min): before $LOAD_BEFORE; after $LOAD_AFTER (includes wrk and the servers)"
echo "source tree now: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?') (binary built $(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC'))"
echo "waymark: $("$BIN" version 2>/dev/null | head -n 1 || echo '?')   nginx: $("$NGINX" -v 2>&1 | sed 's/.*nginx\///')   db: sqlite (demo data)"
echo
printf '%-36s %7s %11s %9s %9s %8s %7s\n' "target" "bytes" "req/s" "p50 ms" "p99 ms" "vs nginx" "errors"
printf '%-36s %7s %11s %9s %9s %8s %7s\n' "------" "-----" "-----" "------" "------" "--------" "------"
for i in "${!URLS[@]}"; do
  ratio="$(awk -v a="${RPS[$i]}" -v b="${RPS[0]}" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"
  printf '%-36s %7s %11s %9s %9s %8s %7s\n' \
    "${NAMES[$i]}" "${BYTES[$i]}" "${RPS[$i]}" "${P50[$i]}" "${P99[$i]}" "$ratio" "${ERRS[$i]}"
done
echo
echo "release binary:   $SIZE bytes ($(mib "$SIZE") MiB); stripped $SSIZE bytes ($(mib "$SSIZE") MiB)"
echo "waymark RSS:      idle after start $IDLE_RSS_KIB KiB ($(mib $((IDLE_RSS_KIB * 1024))) MiB); after load $LOAD_RSS_KIB KiB ($(mib $((LOAD_RSS_KIB * 1024))) MiB)"
echo "errors = non-2xx/3xx responses + socket errors reported by wrk (should be 0)"
