#!/usr/bin/env bash
# HTTP throughput/latency of Waymark on the demo data against an nginx reference:
# the `demo` stage of bench/bench.sh (make bench), kept under its old name.
#
#   bench/http.sh                 # 3 s per target
#   DURATION=10 bench/http.sh     # longer runs, steadier figures
#   REBUILD=1 bench/http.sh       # rebuild build/release/waymark first
#
# See bench/README.md. Not part of `make test`.
set -euo pipefail
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/bench.sh" demo "$@"
