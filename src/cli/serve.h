// `waymark serve`: runs the HTTP server until SIGINT/SIGTERM.
#pragma once

#include "app/config.h"

namespace waymark::cli {

// Returns the process exit code.
int Serve(const app::Config& config, bool demo);

}  // namespace waymark::cli
