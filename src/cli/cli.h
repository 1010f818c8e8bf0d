// The `waymark` command line: serve, migrate, user add, org add, token
// create, backup, copy, reindex, digest send, import, forecast run, version. Exit codes:
// 0 ok, 2 usage error, 1 other error, with one clear line on stderr (import
// adds 3: rows were rejected and --strict was given).
#pragma once

namespace waymark::cli {

int Main(int argc, char** argv);

}  // namespace waymark::cli
