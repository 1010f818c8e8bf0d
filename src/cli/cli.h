// The `waymark` command line: serve, migrate, user add, org add, token
// create, backup, version. Exit codes: 0 ok, 2 usage error, 1 other error,
// with one clear line on stderr.
#pragma once

namespace waymark::cli {

int Main(int argc, char** argv);

}  // namespace waymark::cli
