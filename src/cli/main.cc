// waymark: the single server program. See cli/cli.h for the subcommands.
#include "cli/cli.h"

int main(int argc, char** argv) { return waymark::cli::Main(argc, argv); }
