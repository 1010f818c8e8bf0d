// Reading the publishers' files: one streaming parser per family, chosen by
// looking at the header (CSV) or the keys (JSON), columns mapped by name.
//
// A parser never stops at a bad row: each row becomes a ParsedRow, with a
// record or with the problems that name its line, column and reason. Only a
// file it cannot read at all (no header it knows, not UTF-8, a JSON syntax
// error) is an error, InvalidArgument with the line and column.
#pragma once

#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/evidence/model.h"

namespace waymark::evidence {

struct ParseOptions {
  // "auto" or one of IncidentFormats() / DisplacementFormats().
  std::string format = "auto";
  // The file's name (no directories), for an HXL file's dataset code.
  std::string filename;
  // HXL files: the cause their figures are about, when no column says it.
  DisplacementCause hxl_cause = DisplacementCause::kOther;
};

// Called once the header is read (before any row), then once per row.
// An error from either stops the parse and is returned as it is.
template <typename Record>
struct RowSink {
  std::function<Status(const FileShape&)> on_shape;
  std::function<Status(ParsedRow<Record>&&)> on_row;
};

// "mmp-current" (the 25-column allData download), "mmp-legacy" (the
// 2014-2020 export), "mmp-api" (the JSON API), "mmp-2026" (the 2026 website
// export), "hxl".
const std::vector<std::string>& IncidentFormats();
// "idmc-events", "idmc-conflict", "idmc-country-year", "idmc-figures",
// "unhcr-population", "hxl".
const std::vector<std::string>& DisplacementFormats();

Result<FileShape> ParseIncidents(std::istream& in, const ParseOptions& opts, const RowSink<Incident>& sink);
Result<FileShape> ParseDisplacement(std::istream& in, const ParseOptions& opts,
                                    const RowSink<Displacement>& sink);

// One quarantined row again, after a person corrected its text: `raw` is a
// CSV record (or, for "mmp-api", one JSON object) read with `header`.
ParsedRow<Incident> ReparseIncident(const std::string& format, const std::vector<std::string>& header,
                                    const std::string& raw, std::int64_t line);
ParsedRow<Displacement> ReparseDisplacement(const std::string& format, const std::vector<std::string>& header,
                                            const std::string& raw, std::int64_t line);

}  // namespace waymark::evidence
