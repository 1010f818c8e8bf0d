#include "web/evidence/evidence_web.h"

#include <algorithm>
#include <cctype>

#include "core/clock.h"
#include "core/strings.h"

namespace waymark::web::evidence_web {

using nlohmann::json;
namespace ev = ::waymark::evidence;

Result<Pairs> QueryPairs(const http::Request& req) {
  Pairs out;
  std::string error;
  if (!http::ParseUrlEncoded(req.query, out, error)) return Status::InvalidArgument(error);
  return out;
}

std::string Param(const Pairs& q, std::string_view name) {
  std::string value;
  for (const auto& [k, v] : q) {
    if (k == name) value = std::string(TrimAscii(v));
  }
  return value;
}

std::vector<std::string> ListParam(const Pairs& q, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : q) {
    if (k != name) continue;
    for (std::string_view part : Split(v, ',')) {
      std::string item(TrimAscii(part));
      if (!item.empty()) out.push_back(item);
    }
  }
  return out;
}

std::string Encode(const Pairs& q, const std::vector<std::string>& drop) {
  std::string out;
  for (const auto& [k, v] : q) {
    if (std::find(drop.begin(), drop.end(), k) != drop.end()) continue;
    out += (out.empty() ? "" : "&") + PercentEncode(k) + "=" + PercentEncode(v);
  }
  return out;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && s.size() < 19 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

Result<accounts::Id> PathId(const http::Request& req, const char* name, const std::string& what) {
  auto it = req.params.find(name);
  if (it == req.params.end() || !IsDigits(it->second)) return Status::NotFound("no such " + what);
  return static_cast<accounts::Id>(std::stoll(it->second));
}

Status ParseYearMonth(const std::string& text, const std::string& field, ev::PartialDate& out) {
  out = {};
  if (text.empty()) return Status::Ok();
  auto bad = [&] {
    FieldErrors e;
    e.Add(field, "date_format", "'" + text + "' is not a year (2016) or a month (2016-03)",
          {{"value", text}});
    return e.ToStatus("bad " + field);
  };
  if (text.size() != 4 && text.size() != 7) return bad();
  if (!IsDigits(text.substr(0, 4))) return bad();
  int year = std::stoi(text.substr(0, 4));
  if (year < 1900 || year > 2100) return bad();
  out.year = year;
  out.precision = ev::DatePrecision::kYear;
  if (text.size() == 7) {
    if (text[4] != '-' || !IsDigits(text.substr(5, 2))) return bad();
    int month = std::stoi(text.substr(5, 2));
    if (month < 1 || month > 12) return bad();
    out.month = month;
    out.precision = ev::DatePrecision::kMonth;
  }
  return Status::Ok();
}

namespace {

bool IsDatasetCode(const std::string& code) {
  return !code.empty() && code.size() <= 100 && std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

void CheckText(FieldErrors& e, const std::string& field, const std::string& value) {
  if (value.size() > 200) {
    e.Add(field, "too_long", "is longer than 200 characters", {{"max", "200"}});
  } else if (!IsValidUtf8(value)) {
    e.Add(field, "utf8", "is not valid text (UTF-8)");
  }
}

void CheckDataset(FieldErrors& e, const std::string& field, const std::string& value) {
  if (!IsDatasetCode(value)) {
    e.Add(field, "dataset_unknown", "'" + value + "' is not a dataset code", {{"value", value}});
  }
}

void AddStatus(FieldErrors& e, const Status& s) {
  for (const auto& [field, message] : s.fields()) {
    auto code = s.field_codes().find(field);
    if (code == s.field_codes().end()) {
      e.Add(field, "invalid", message);
    } else {
      e.Add(field, code->second.code, message, code->second.args);
    }
  }
}

}  // namespace

Result<ev::IncidentFilter> IncidentFilterFrom(const Pairs& q) {
  ev::IncidentFilter f;
  FieldErrors e;
  if (std::string d = Param(q, "dataset"); !d.empty()) {
    CheckDataset(e, "dataset", d);
    f.dataset = d;
  }
  f.region = Param(q, "region");
  f.country = Param(q, "country");
  f.route = Param(q, "route");
  CheckText(e, "region", f.region);
  CheckText(e, "country", f.country);
  CheckText(e, "route", f.route);
  if (std::string c = Param(q, "cause"); !c.empty()) {
    f.cause = ev::CauseFromCode(c);
    if (!f.cause) {
      std::string allowed;
      for (int i = 0; i < ev::kCauseCount; ++i) {
        allowed += std::string(i ? ", " : "") + ev::CauseCode(static_cast<ev::Cause>(i));
      }
      e.Add("cause", "unknown_value", "unknown value \"" + c + "\" (allowed: " + allowed + ")",
            {{"value", c}});
    }
  }
  AddStatus(e, ParseYearMonth(Param(q, "from"), "from", f.from));
  AddStatus(e, ParseYearMonth(Param(q, "to"), "to", f.to));
  if (!e.empty()) return e.ToStatus("bad filter");
  return f;
}

Result<ev::DisplacementFilter> DisplacementFilterFrom(const Pairs& q, const std::string& prefix) {
  ev::DisplacementFilter f;
  FieldErrors e;
  if (std::string d = Param(q, prefix + "dataset"); !d.empty()) {
    CheckDataset(e, prefix + "dataset", d);
    f.dataset = d;
  }
  f.country = ToLowerAscii(Param(q, prefix + "country"));
  for (char& c : f.country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!f.country.empty() &&
      (f.country.size() != 3 || !std::all_of(f.country.begin(), f.country.end(), [](char c) {
         return std::isalnum(static_cast<unsigned char>(c));
       }))) {
    e.Add(prefix + "country", "country_unknown", "'" + f.country + "' is not a three-letter country code",
          {{"value", f.country}});
  }
  if (std::string c = Param(q, prefix + "cause"); !c.empty()) {
    if (c == "conflict") {
      f.cause = ev::DisplacementCause::kConflict;
    } else if (c == "disaster") {
      f.cause = ev::DisplacementCause::kDisaster;
    } else if (c == "other") {
      f.cause = ev::DisplacementCause::kOther;
    } else {
      e.Add(prefix + "cause", "unknown_value",
            "unknown value \"" + c + "\" (allowed: conflict, disaster, other)", {{"value", c}});
    }
  }
  f.hazard = Param(q, prefix + "hazard");
  CheckText(e, prefix + "hazard", f.hazard);
  if (std::string k = Param(q, prefix + "kind"); !k.empty()) {
    if (!ev::IsKnownFigureKind(k)) {
      std::string allowed;
      for (const auto& kind : ev::FigureKinds()) allowed += (allowed.empty() ? "" : ", ") + kind;
      e.Add(prefix + "kind", "unknown_value", "unknown value \"" + k + "\" (allowed: " + allowed + ")",
            {{"value", k}});
    }
    f.kind = k;
  }
  ev::PartialDate from, to;
  AddStatus(e, ParseYearMonth(Param(q, "from"), "from", from));
  AddStatus(e, ParseYearMonth(Param(q, "to"), "to", to));
  f.from_year = from.year;
  f.to_year = to.year;
  if (!e.empty()) return e.ToStatus("bad filter");
  return f;
}

ev::StatsRequest StatsRequestFrom(const Pairs& q, const std::vector<std::string>& default_measures) {
  ev::StatsRequest r;
  r.group_by = ListParam(q, "group_by");
  r.measures = ListParam(q, "measure");
  if (r.measures.empty()) r.measures = default_measures;
  return r;
}

Status ImportRequestFrom(const std::function<std::string(std::string_view)>& get, ev::ImportRequest& out) {
  FieldErrors e;
  std::string target(TrimAscii(get("target")));
  if (target == "incidents") {
    out.target = ev::ImportTarget::kIncidents;
  } else if (target == "displacement") {
    out.target = ev::ImportTarget::kDisplacement;
  } else if (target.empty()) {
    e.Add("target", "required", "is required: incidents or displacement");
  } else {
    e.Add("target", "unknown_value", "unknown value \"" + target + "\" (allowed: incidents, displacement)",
          {{"value", target}});
  }
  std::string format(TrimAscii(get("format")));
  out.format = format.empty() ? "auto" : format;
  if (out.format != "auto") {
    const auto& known =
        out.target == ev::ImportTarget::kIncidents ? ev::IncidentFormats() : ev::DisplacementFormats();
    if (std::find(known.begin(), known.end(), out.format) == known.end() && !e.Has("target")) {
      std::string allowed = "auto";
      for (const auto& f : known) allowed += ", " + f;
      e.Add("format", "unknown_value", "unknown value \"" + out.format + "\" (allowed: " + allowed + ")",
            {{"value", out.format}});
    }
  }
  std::string dry = ToLowerAscii(TrimAscii(get("dry_run")));
  if (dry == "1" || dry == "true" || dry == "yes" || dry == "on") {
    out.dry_run = true;
  } else if (dry.empty() || dry == "0" || dry == "false" || dry == "no" || dry == "off") {
    out.dry_run = false;
  } else {
    e.Add("dry_run", "unknown_value", "must be true or false", {{"value", dry}});
  }
  std::string cause(TrimAscii(get("hxl_cause")));
  if (cause == "conflict") {
    out.hxl_cause = ev::DisplacementCause::kConflict;
  } else if (cause == "disaster") {
    out.hxl_cause = ev::DisplacementCause::kDisaster;
  } else if (cause.empty() || cause == "other") {
    out.hxl_cause = ev::DisplacementCause::kOther;
  } else {
    e.Add("hxl_cause", "unknown_value",
          "unknown value \"" + cause + "\" (allowed: conflict, disaster, other)", {{"value", cause}});
  }
  if (!e.empty()) return e.ToStatus("bad import request");
  return Status::Ok();
}

const ev::DatasetInfo* FindDatasetInfo(const std::string& code) { return ev::FindDataset(code); }

json DatasetJson(const std::string& code, const ev::DatasetInfo* info) {
  if (!info) info = ev::FindDataset(code);
  if (!info) {
    return json{{"code", code},
                {"title", code},
                {"publisher", ""},
                {"licence", ""},
                {"licence_url", ""},
                {"citation", ""},
                {"publication", "aggregates"}};
  }
  return json{{"code", info->code},
              {"title", info->title},
              {"publisher", info->publisher},
              {"licence", info->licence},
              {"licence_url", info->licence_url},
              {"citation", info->citation},
              {"publication", info->publication == ev::Publication::kRecords ? "records" : "aggregates"}};
}

namespace {

json Count(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }
json Coord(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
json DateJson(const ev::PartialDate& d) { return d.known() ? json(d.ToString()) : json(nullptr); }

json Origins(const std::vector<ev::Origin>& list) {
  json out = json::array();
  for (const auto& o : list) out.push_back({{"name", o.name}, {"presumed", o.presumed}});
  return out;
}

}  // namespace

json TimeJson(std::int64_t ms) { return ms ? json(FormatIso8601(ms)) : json(nullptr); }

json IncidentJson(const ev::Incident& i) {
  json causes = json::array();
  for (ev::Cause c : i.causes) causes.push_back(ev::CauseCode(c));
  return json{{"id", i.id},
              {"dataset", i.dataset},
              {"source_id", i.source_id},
              {"part", i.part},
              {"incident_ids", i.incident_ids},
              {"kind", ev::IncidentKindName(i.kind)},
              {"also_split", i.also_split},
              {"date", DateJson(i.date)},
              {"date_precision", ev::DatePrecisionName(i.date.precision)},
              {"year", i.year ? json(i.year) : json(nullptr)},
              {"month", i.month ? json(i.month) : json(nullptr)},
              {"regions", i.regions},
              {"country", i.country},
              {"country_code", i.country_code.empty() ? json(nullptr) : json(i.country_code)},
              {"location", i.location},
              {"latitude", Coord(i.latitude)},
              {"longitude", Coord(i.longitude)},
              {"route", i.route},
              {"unsd_grouping", i.unsd_grouping},
              {"dead", Count(i.dead)},
              {"missing", Count(i.missing)},
              {"total", Count(i.total)},
              {"survivors", Count(i.survivors)},
              {"females", Count(i.females)},
              {"males", Count(i.males)},
              {"children", Count(i.children)},
              {"causes", causes},
              {"cause_text", i.cause_text},
              {"countries_of_origin", Origins(i.countries_of_origin)},
              {"regions_of_origin", Origins(i.regions_of_origin)},
              {"information_source", i.information_source},
              {"urls", i.urls},
              {"source_quality", i.source_quality},
              {"batch_id", i.batch_id},
              {"version", i.version},
              {"url", "/api/v1/incidents/" + std::to_string(i.id)}};
}

json DisplacementJson(const ev::Displacement& d) {
  return json{{"id", d.id},
              {"dataset", d.dataset},
              {"source_id", d.source_id},
              {"country", d.country},
              {"country_name", d.country_name},
              {"origin", d.origin.empty() ? json(nullptr) : json(d.origin)},
              {"origin_name", d.origin_name},
              {"area", d.area},
              {"year", d.year ? json(d.year) : json(nullptr)},
              {"period_start", DateJson(d.period_start)},
              {"period_end", DateJson(d.period_end)},
              {"cause", ev::DisplacementCauseName(d.cause)},
              {"hazard_category", d.hazard_category},
              {"hazard_sub_category", d.hazard_sub_category},
              {"hazard_type", d.hazard_type},
              {"hazard_sub_type", d.hazard_sub_type},
              {"event_name", d.event_name},
              {"event_start", DateJson(d.event_start)},
              {"event_end", DateJson(d.event_end)},
              {"event_codes", d.event_codes},
              {"kind", d.kind},
              {"value", Count(d.value)},
              {"rounded", Count(d.rounded)},
              {"source", d.source},
              {"latitude", Coord(d.latitude)},
              {"longitude", Coord(d.longitude)},
              {"batch_id", d.batch_id},
              {"version", d.version},
              {"url", "/api/v1/displacement/" + std::to_string(d.id)}};
}

json StatsJson(const ev::StatsRequest& req, const ev::StatsAnswer& answer, const std::string& dataset) {
  json rows = json::array();
  for (const auto& row : answer.table.rows) {
    json r = json::object();
    for (std::size_t k = 0; k < req.group_by.size() && k < row.keys.size(); ++k) {
      const std::string& name = req.group_by[k];
      const std::string& key = row.keys[k];
      if ((name == "year" || name == "month") && IsDigits(key)) {
        r[name] = std::stoll(key);
      } else if (key.empty()) {
        r[name] = nullptr;  // records without this dimension
      } else {
        r[name] = key;
      }
    }
    for (std::size_t m = 0; m < req.measures.size() && m < row.values.size(); ++m) {
      r[req.measures[m]] = row.values[m];
    }
    rows.push_back(std::move(r));
  }
  return json{{"rows", rows},
              {"suppressed", answer.table.suppressed},
              {"group_by", req.group_by},
              {"measures", req.measures},
              {"aggregates_only", answer.aggregates_only},
              {"min_cell", answer.min_cell},
              {"dataset", DatasetJson(dataset, answer.dataset)}};
}

json ProblemJson(const ev::RowProblem& p) {
  return json{{"line", p.line}, {"column", p.column}, {"field", p.field}, {"reason", p.reason}};
}

json BatchJson(const ev::Batch& b) {
  return json{{"id", b.id},
              {"target", ev::ImportTargetName(b.target)},
              {"dataset", b.dataset},
              {"format", b.format},
              {"filename", b.filename},
              {"sha256", b.sha256},
              {"bytes", b.bytes},
              {"imported_by", b.imported_by_label},
              {"started_at", TimeJson(b.started_at)},
              {"finished_at", TimeJson(b.finished_at)},
              {"dry_run", b.dry_run},
              {"accepted", b.accepted},
              {"updated", b.updated},
              {"unchanged", b.unchanged},
              {"rejected", b.rejected},
              {"columns_used", b.columns_used},
              {"columns_ignored", b.columns_ignored},
              {"status", b.status}};
}

std::string CsvCell(std::string s) {
  if (!s.empty() &&
      (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')) {
    // A negative number stays a number; anything else starting like a formula is defused.
    bool number = s[0] == '-' && s.size() > 1 && s.find_first_not_of("0123456789.", 1) == std::string::npos;
    if (!number) s.insert(s.begin(), '\'');
  }
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out.push_back(c);
  }
  out += '"';
  return out;
}

std::string JsonForScript(const json& j) {
  std::string text = j.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string HeaderSafe(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  return out;
}

}  // namespace waymark::web::evidence_web
