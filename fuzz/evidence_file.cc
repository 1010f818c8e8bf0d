// Publishers' files as `waymark import` and POST /api/v1/imports read them:
// the first byte picks the target and the format (auto or each named one),
// the rest is the file. Every row must come out as a record or a rejection
// with a line, every record's canonical text must be writable, and nothing
// may crash, whatever the bytes (CSV quoting, BOMs, HXL hashtag rows, JSON
// arrays, UNHCR metadata lines). Reparsing a rejected row's text alone, as
// the quarantine does, is exercised too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "domain/evidence/parse.h"

namespace ev = waymark::evidence;

namespace {

template <typename Record>
void Check(const ev::ParsedRow<Record>& row) {
  if (row.line <= 0) std::abort();
  if (row.rejected() && !row.records.empty()) std::abort();
  for (const auto& p : row.problems) {
    if (p.reason.empty()) std::abort();
  }
  for (const auto& r : row.records) (void)ev::CanonicalText(r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned pick = data[0];
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  ev::ParseOptions opts;
  opts.filename = "fuzz.hxl.csv";
  std::vector<std::string> header;
  std::string format;
  if (pick & 1) {
    const auto& formats = ev::DisplacementFormats();
    std::size_t i = (pick >> 1) % (formats.size() + 1);
    opts.format = i == formats.size() ? "auto" : formats[i];
    ev::RowSink<ev::Displacement> sink{[&](const ev::FileShape& s) {
                                         header = s.header;
                                         format = s.format;
                                         return waymark::Status::Ok();
                                       },
                                       [&](ev::ParsedRow<ev::Displacement>&& row) {
                                         Check(row);
                                         if (row.rejected())
                                           Check(ev::ReparseDisplacement(format, header, row.raw, row.line));
                                         return waymark::Status::Ok();
                                       }};
    (void)ev::ParseDisplacement(in, opts, sink);
  } else {
    const auto& formats = ev::IncidentFormats();
    std::size_t i = (pick >> 1) % (formats.size() + 1);
    opts.format = i == formats.size() ? "auto" : formats[i];
    ev::RowSink<ev::Incident> sink{[&](const ev::FileShape& s) {
                                     header = s.header;
                                     format = s.format;
                                     return waymark::Status::Ok();
                                   },
                                   [&](ev::ParsedRow<ev::Incident>&& row) {
                                     Check(row);
                                     if (row.rejected())
                                       Check(ev::ReparseIncident(format, header, row.raw, row.line));
                                     return waymark::Status::Ok();
                                   }};
    (void)ev::ParseIncidents(in, opts, sink);
  }
  return 0;
}
