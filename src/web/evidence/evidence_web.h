// What the evidence module's pages, API and downloads share: reading the
// filters and the stats request from a query string, and writing records,
// stats, batches and datasets as JSON. The domain knows no HTTP or JSON, so
// both directions live here.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "domain/evidence/evidence_service.h"
#include "http/message.h"

namespace waymark::web::evidence_web {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Every decoded (name, value) of the query string; InvalidArgument when malformed.
Result<Pairs> QueryPairs(const http::Request& req);
// The last value of `name`, trimmed, or "".
std::string Param(const Pairs& q, std::string_view name);
// Every value of `name`, repeated or as comma lists, trimmed, non-empty.
std::vector<std::string> ListParam(const Pairs& q, std::string_view name);
// `q` without the pairs named in `drop`, encoded again ("a=1&b=2").
std::string Encode(const Pairs& q, const std::vector<std::string>& drop = {});

bool IsDigits(std::string_view s);
// A path id ("12") or NotFound naming `what`.
Result<accounts::Id> PathId(const http::Request& req, const char* name, const std::string& what);

// "YYYY" or "YYYY-MM" (years 1900-2100); Validation naming `field` otherwise.
Status ParseYearMonth(const std::string& text, const std::string& field, evidence::PartialDate& out);

// ?dataset=&region=&country=&route=&cause=&from=&to= (Validation naming a bad one).
Result<evidence::IncidentFilter> IncidentFilterFrom(const Pairs& q);
// ?dataset=&country=&cause=&hazard=&kind=&from=&to=, each name with `prefix`
// except from and to (the dashboard's displacement form uses "d").
Result<evidence::DisplacementFilter> DisplacementFilterFrom(const Pairs& q, const std::string& prefix = "");
// ?group_by=&measure= (repeatable or comma lists); `default_measures` when none.
evidence::StatsRequest StatsRequestFrom(const Pairs& q, const std::vector<std::string>& default_measures);

// The dataset's code, title, publisher, licence and citation (a code Waymark
// does not know, such as an HXL file's, gets its code and empty texts).
nlohmann::json DatasetJson(const std::string& code, const evidence::DatasetInfo* info = nullptr);
const evidence::DatasetInfo* FindDatasetInfo(const std::string& code);

nlohmann::json IncidentJson(const evidence::Incident& i);
nlohmann::json DisplacementJson(const evidence::Displacement& d);
// {"rows": [{key: value..., measure: n...}], "suppressed", "dataset", ...}:
// years and months as numbers.
nlohmann::json StatsJson(const evidence::StatsRequest& req, const evidence::StatsAnswer& answer,
                         const std::string& dataset);
nlohmann::json ProblemJson(const evidence::RowProblem& p);
nlohmann::json BatchJson(const evidence::Batch& b);

// target (incidents|displacement, required), format (default auto), dry_run
// (1/true/yes/on), hxl_cause (conflict|disaster|other) from `get`, which
// answers a field's value or "". Validation naming a bad field.
Status ImportRequestFrom(const std::function<std::string(std::string_view)>& get,
                         evidence::ImportRequest& out);

// The dashboard's files by name ("leaflet.js") -> their URL with a version
// ("/static/evidence/leaflet.js?v=<hash>"); static_assets.cc.
const nlohmann::json& StaticUrls();

// "2016-03-05T10:00:00Z" or null for 0.
nlohmann::json TimeJson(std::int64_t ms);

// A CSV cell (RFC 4180) with spreadsheet formulas defused.
std::string CsvCell(std::string s);
// JSON text safe inside <script type="application/json">: <, > and & escaped.
std::string JsonForScript(const nlohmann::json& j);
// A header value made of printable ASCII (other bytes become '?').
std::string HeaderSafe(std::string_view s);

}  // namespace waymark::web::evidence_web
