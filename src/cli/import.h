// `waymark import incidents|displacement FILE`: streams a publisher's file
// into the evidence module, printing rejections (line, column, reason) on
// stderr, a progress bar on a terminal, and exactly one last line on stdout:
// "accepted A, updated U, unchanged C, rejected R".
#pragma once

#include <string>

#include "app/runtime.h"

namespace waymark::cli {

struct ImportFlags {
  std::string target;  // "incidents" or "displacement"
  std::string file;    // a path, or "-" for standard input
  std::string format = "auto";
  std::string cause;   // HXL: conflict, disaster or other
  std::string report;  // write every row's outcome to this CSV file
  bool dry_run = false;
  bool strict = false;
};

// Exit codes: 0 done (rejections are in quarantine), 3 when rows were
// rejected and --strict, 2 for a file or flag it cannot use, 1 otherwise.
int RunImport(app::Runtime& runtime, const ImportFlags& flags);

}  // namespace waymark::cli
