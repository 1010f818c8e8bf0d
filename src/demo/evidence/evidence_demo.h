// Demo data of the evidence module: the real publishers' files beside the
// clone (../shared/data by default), imported as a data officer would. A
// file already imported (same sha256) is skipped; a missing folder is not an
// error (the demo then has no evidence, and says so).
#pragma once

#include <string>
#include <vector>

#include "domain/evidence/evidence_service.h"

namespace waymark::demo {

struct EvidenceReport {
  std::vector<std::string> imported;  // "mmp_incidents_2014-2025.csv: accepted 19255, ..."
  std::vector<std::string> skipped;   // files not found or already imported
};

Result<EvidenceReport> LoadEvidence(evidence::EvidenceService& evidence, const std::string& data_dir);

}  // namespace waymark::demo
