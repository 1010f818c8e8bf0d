// waymark: the single server program. See cli/cli.h for the subcommands.
#include <cstdlib>
#include <ctime>

#include "cli/cli.h"

int main(int argc, char** argv) {
  // With TZ unset, glibc re-reads /etc/localtime and frees and reallocates its
  // zone name on every mktime or localtime call (libzip calls mktime for each
  // entry of an uploaded zip). Its internal lock makes that safe, but it costs
  // a file check per call and ThreadSanitizer, which cannot see that lock,
  // reports two such calls as a race. Naming the system's zone explicitly
  // keeps the same zone and lets glibc keep it after this first tzset(),
  // made before any thread starts. A TZ already set is left as it is.
  setenv("TZ", ":/etc/localtime", 0);  // NOLINT(concurrency-mt-unsafe): no thread exists yet
  tzset();
  return waymark::cli::Main(argc, argv);
}
