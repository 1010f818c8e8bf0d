# Start-up code the bench scripts share (sourced). The caller defines log()
# and die() and sets ROOT (the repository); BIN is the waymark binary
# (WAYMARK_BIN, or build/release/waymark).

BIN="${WAYMARK_BIN:-$ROOT/build/release/waymark}"

# Builds the release binary when it is missing or REBUILD=1.
bench_build_release() {
  if [[ ! -x "$BIN" || "${REBUILD:-0}" == 1 ]]; then
    log "building the release binary (cmake --preset release)"
    (cd "$ROOT" && cmake --preset release >/dev/null && cmake --build --preset release --target waymark)
  fi
  [[ -x "$BIN" ]] || die "no waymark binary at $BIN"
}

# Waits (up to SECONDS, default 30) for `waymark serve` with PID, whose
# stdout goes to OUT, to print its address; prints the port. With a third
# argument, also waits for a line of OUT starting with it (e.g. the demo
# admin, printed once the demo data is in).
bench_wait_port() {
  local out=$1 pid=$2 also=${3:-} seconds=${4:-30} port="" line
  for _ in $(seq $((seconds * 10))); do
    line="$(head -n 1 "$out" 2>/dev/null || true)"
    [[ "$line" =~ ^listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]] && port=${BASH_REMATCH[1]}
    if [[ -n "$port" ]] && { [[ -z "$also" ]] || grep -q "^$also" "$out"; }; then
      echo "$port"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || die "waymark exited during start-up"
    sleep 0.1
  done
  die "waymark did not start (its address${also:+ and '$also'}) within $seconds s"
}

# Waits until URL answers 200 (max ~10 s); gives up early if PID (optional) exits.
bench_wait_http() {
  local url=$1 pid=${2:-}
  for _ in $(seq 100); do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)" == 200 ]]; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}
