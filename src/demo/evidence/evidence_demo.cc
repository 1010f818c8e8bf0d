#include "demo/evidence/evidence_demo.h"

#include <filesystem>
#include <fstream>

#include "crypto/crypto.h"

namespace waymark::demo {
namespace {

struct DemoFile {
  const char* path;  // under data_dir
  evidence::ImportTarget target;
};

// Light enough to load at every start of a fresh demo: the primary MMP
// file and the 2025 API records that extend it, IDMC's conflict figures by
// country and year, and its disaster events.
constexpr DemoFile kFiles[] = {
    {"iom-missing-migrants/mmp_incidents_2014-2025.csv", evidence::ImportTarget::kIncidents},
    {"iom-missing-migrants/mmp_api_2025.json", evidence::ImportTarget::kIncidents},
    {"idmc-gidd/gidd_conflict_idps_country_year_2009-2024.csv", evidence::ImportTarget::kDisplacement},
    {"idmc-gidd/gidd_disaster_events_2008-2024.csv", evidence::ImportTarget::kDisplacement},
};

Result<std::string> FileSha256(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot open " + path.string());
  crypto::Sha256 sha;
  char buf[64 * 1024];
  while (in) {
    in.read(buf, sizeof buf);
    sha.Update(std::string_view(buf, static_cast<std::size_t>(in.gcount())));
  }
  return sha.FinalHex();
}

}  // namespace

Result<EvidenceReport> LoadEvidence(evidence::EvidenceService& evidence, const std::string& data_dir) {
  EvidenceReport report;
  const auto actor = accounts::Actor::System();
  auto batches = evidence.ListBatches(actor, 500);
  if (!batches.ok()) return batches.status();
  for (const auto& f : kFiles) {
    std::filesystem::path path = std::filesystem::path(data_dir) / f.path;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      report.skipped.push_back(path.string() + " (not found)");
      continue;
    }
    WM_ASSIGN_OR_RETURN(std::string sha, FileSha256(path));
    bool seen = false;
    for (const auto& b : *batches) seen = seen || (b.sha256 == sha && b.status == "done");
    if (seen) {
      report.skipped.push_back(path.filename().string() + " (already imported)");
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    evidence::ImportRequest req;
    req.target = f.target;
    req.filename = path.filename().string();
    WM_ASSIGN_OR_RETURN(evidence::Batch b, evidence.Import(actor, in, req, {}));
    report.imported.push_back(req.filename + ": accepted " + std::to_string(b.accepted) + ", updated " +
                              std::to_string(b.updated) + ", unchanged " + std::to_string(b.unchanged) +
                              ", rejected " + std::to_string(b.rejected));
  }
  return report;
}

}  // namespace waymark::demo
