// Reading a scenario's input folder from an uploaded zip (libzip), with the
// limits that keep a hostile archive from taking the server: a cap on the
// number of entries, on each file's and the total uncompressed size (counted
// while inflating, never trusting the sizes the archive declares), no path
// outside the archive (absolute names, `..`), no links.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "domain/forecasts/model.h"

namespace waymark::forecasts {

struct ZipLimits {
  long long max_archive_bytes = 8LL << 20;
  long long max_total_bytes = 32LL << 20;  // uncompressed, all files
  long long max_file_bytes = 16LL << 20;
  int max_entries = 500;
};

// The files of the folder holding locations.csv as input/<name> and of the
// folder holding data_layout.csv as validation/<name> (they may be the same
// folder). Errors are Validation on the field "file" naming the entry.
Result<std::vector<ScenarioFile>> ReadZip(const std::string& bytes, const ZipLimits& limits);

}  // namespace waymark::forecasts
