// The evidence module's part of the OpenAPI document.
#include "web/evidence/evidence_module.h"
#include "web/openapi.h"

namespace waymark::web {

using namespace openapi;  // NOLINT(google-build-using-namespace): the builders read as a schema language

namespace {

json IncidentFilterParams() {
  return json::array({QueryParam("dataset", "Dataset code (default mmp)"),
                      QueryParam("region", "Region of the incident, as the publisher names it"),
                      QueryParam("country", "Country of the incident (its name)"),
                      QueryParam("route", "Migration route"),
                      QueryParam("cause", "Cause of death code",
                                 {{"type", "string"},
                                  {"enum",
                                   {"drowning", "harsh_conditions", "vehicle_accident", "sickness",
                                    "violence", "accidental", "mixed_or_unknown"}}}),
                      QueryParam("from", "First year or month, inclusive: YYYY or YYYY-MM",
                                 {{"type", "string"}, {"pattern", "^[0-9]{4}(-[0-9]{2})?$"}}),
                      QueryParam("to", "Last year or month, inclusive: YYYY or YYYY-MM",
                                 {{"type", "string"}, {"pattern", "^[0-9]{4}(-[0-9]{2})?$"}})});
}

json DisplacementFilterParams() {
  return json::array(
      {QueryParam("dataset", "Dataset code (default idmc-gidd)"),
       QueryParam("country", "ISO 3166-1 alpha-3 or the publisher's own code (AB9)"),
       QueryParam("cause", "Cause", {{"type", "string"}, {"enum", {"conflict", "disaster", "other"}}}),
       QueryParam("hazard", "Hazard type name, like Flood"),
       QueryParam("kind", "Figure kind, like new_displacements or idps"),
       QueryParam("from", "First year, inclusive: YYYY",
                  {{"type", "string"}, {"pattern", "^[0-9]{4}(-[0-9]{2})?$"}}),
       QueryParam("to", "Last year, inclusive: YYYY",
                  {{"type", "string"}, {"pattern", "^[0-9]{4}(-[0-9]{2})?$"}})});
}

json Concat(json a, const json& b) {
  for (const auto& x : b) a.push_back(x);
  return a;
}

json ListParams() {
  json p = PagingParams();
  p.push_back(
      QueryParam("after_id", "Start after this record id (the previous page's next_after_id)", Int()));
  return p;
}

}  // namespace

void EvidenceModule::AddOpenApi(OpenApiPart& part) const {
  part.tags.push_back("evidence");
  json nullable_int = {{"type", "integer"}, {"nullable", true}};
  json nullable_num = {{"type", "number"}, {"nullable", true}};
  part.schemas["Dataset"] = {
      {"type", "object"},
      {"description", "A dataset and what a reader must cite; records of two datasets are never summed."},
      {"properties",
       {{"code", Str()},
        {"title", Str()},
        {"publisher", Str()},
        {"licence", Str()},
        {"licence_url", Str()},
        {"citation", Str()},
        {"publication", {{"type", "string"}, {"enum", {"records", "aggregates"}}}}}}};
  part.schemas["EvidenceStats"] = {
      {"type", "object"},
      {"required", {"rows", "suppressed", "dataset"}},
      {"properties",
       {{"rows", Arr({{"type", "object"},
                      {"description",
                       "One row per group: each group_by dimension (year and month as integers, null when "
                       "the record has "
                       "none) and each measure as an integer."},
                      {"additionalProperties", true}})},
        {"suppressed", {{"type", "integer"}, {"description", "Figures left out because below min_cell"}}},
        {"group_by", Arr(Str())},
        {"measures", Arr(Str())},
        {"aggregates_only", Bool()},
        {"min_cell", Int()},
        {"dataset", Ref("Dataset")}}}};
  part.schemas["Origin"] = {{"type", "object"}, {"properties", {{"name", Str()}, {"presumed", Bool()}}}};
  part.schemas["Incident"] = {
      {"type", "object"},
      {"description", "Unknown is not zero: a count the publisher left blank is null."},
      {"properties",
       {{"id", Int()},
        {"dataset", Str()},
        {"source_id", Str()},
        {"part", Int()},
        {"incident_ids", Arr(Str())},
        {"kind", {{"type", "string"}, {"enum", {"incident", "split", "cumulative"}}}},
        {"also_split", Bool()},
        {"date", NullableStr()},
        {"date_precision", {{"type", "string"}, {"enum", {"unknown", "year", "month", "week", "day"}}}},
        {"year", nullable_int},
        {"month", nullable_int},
        {"regions", Arr(Str())},
        {"country", Str()},
        {"country_code", NullableStr()},
        {"location", Str()},
        {"latitude", nullable_num},
        {"longitude", nullable_num},
        {"route", Str()},
        {"unsd_grouping", Str()},
        {"dead", nullable_int},
        {"missing", nullable_int},
        {"total", nullable_int},
        {"survivors", nullable_int},
        {"females", nullable_int},
        {"males", nullable_int},
        {"children", nullable_int},
        {"causes", Arr(Str())},
        {"cause_text", Str()},
        {"countries_of_origin", Arr(Ref("Origin"))},
        {"regions_of_origin", Arr(Ref("Origin"))},
        {"information_source", Str()},
        {"urls", Arr(Str())},
        {"source_quality", Arr(Int())},
        {"batch_id", Int()},
        {"version", Int()},
        {"url", Str()},
        {"dataset_info", Ref("Dataset")}}}};
  part.schemas["Displacement"] = {
      {"type", "object"},
      {"properties",
       {{"id", Int()},
        {"dataset", Str()},
        {"source_id", Str()},
        {"country", Str()},
        {"country_name", Str()},
        {"origin", NullableStr()},
        {"origin_name", Str()},
        {"area", Str()},
        {"year", nullable_int},
        {"period_start", NullableStr()},
        {"period_end", NullableStr()},
        {"cause", {{"type", "string"}, {"enum", {"conflict", "disaster", "other"}}}},
        {"hazard_category", Str()},
        {"hazard_sub_category", Str()},
        {"hazard_type", Str()},
        {"hazard_sub_type", Str()},
        {"event_name", Str()},
        {"event_start", NullableStr()},
        {"event_end", NullableStr()},
        {"event_codes", Arr(Str())},
        {"kind", Str()},
        {"value", nullable_int},
        {"rounded", nullable_int},
        {"source", Str()},
        {"latitude", nullable_num},
        {"longitude", nullable_num},
        {"batch_id", Int()},
        {"version", Int()},
        {"url", Str()},
        {"dataset_info", Ref("Dataset")}}}};
  auto list_schema = [&](const std::string& item) {
    return json{{"type", "object"},
                {"required", {"items", "total"}},
                {"properties",
                 {{"items", Arr(Ref(item))},
                  {"total", Int()},
                  {"page", Int()},
                  {"per_page", Int()},
                  {"next_after_id", nullable_int},
                  {"next", NullableStr()},
                  {"dataset", Ref("Dataset")}}}};
  };
  part.schemas["IncidentList"] = list_schema("Incident");
  part.schemas["DisplacementList"] = list_schema("Displacement");
  part.schemas["IncidentPoints"] = {{"type", "object"},
                                    {"properties",
                                     {{"fields", Arr(Str())},
                                      {"precision", Int()},
                                      {"points", Arr(Arr({{"type", "number"}}))},
                                      {"unlocated", Int()},
                                      {"dataset", Ref("Dataset")}}}};
  json problem = {{"type", "object"},
                  {"properties",
                   {{"line", Int()},
                    {"column", Int()},
                    {"field", Str()},
                    {"reason", Str()},
                    {"quarantine_id", nullable_int}}}};
  part.schemas["ImportBatch"] = {
      {"type", "object"},
      {"properties",
       {{"id", Int()},
        {"target", {{"type", "string"}, {"enum", {"incidents", "displacement"}}}},
        {"dataset", Str()},
        {"format", Str()},
        {"filename", Str()},
        {"sha256", Str()},
        {"bytes", Int()},
        {"imported_by", Str()},
        {"started_at", {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}},
        {"finished_at", {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}},
        {"dry_run", Bool()},
        {"accepted", Int()},
        {"updated", Int()},
        {"unchanged", Int()},
        {"rejected", Int()},
        {"columns_used", Arr(Str())},
        {"columns_ignored", Arr(Str())},
        {"status", Str()},
        {"quarantined", Arr({{"type", "object"}, {"additionalProperties", true}})}}}};
  part.schemas["ImportReport"] = {{"type", "object"},
                                  {"properties",
                                   {{"batch_id", Int()},
                                    {"dry_run", Bool()},
                                    {"accepted", Int()},
                                    {"updated", Int()},
                                    {"unchanged", Int()},
                                    {"rejected", Int()},
                                    {"notes", Int()},
                                    {"rejections", Arr(problem)},
                                    {"rejections_truncated", Bool()},
                                    {"batch", Ref("ImportBatch")},
                                    {"url", Str()}}}};

  json stats_params = json::array(
      {ListQuery("group_by", "Dimensions: year, month, region, country, route, cause."),
       ListQuery("measure", "Measures: dead, missing, total, incidents (default dead, missing, total).")});
  part.paths["/api/v1/incidents/stats"]["get"] =
      Op("incidentStats", "Dead and missing migrants, grouped", "evidence",
         {{"200", Resp("The groups", Ref("EvidenceStats"))},
          {"422", ErrResp("Unknown group_by, measure or filter value")}},
         Concat(stats_params, IncidentFilterParams()));
  json dstats_params = json::array({ListQuery("group_by", "Dimensions: year, country, cause, hazard, kind."),
                                    ListQuery("measure",
                                              "Figure kinds: new_displacements, idps, refugees, "
                                              "asylum_seekers, ... (default new_displacements, idps).")});
  part.paths["/api/v1/displacement/stats"]["get"] =
      Op("displacementStats", "Displacement figures, grouped; small cells of aggregates-only data suppressed",
         "evidence",
         {{"200", Resp("The groups", Ref("EvidenceStats"))},
          {"422", ErrResp("Unknown group_by, measure or filter value")}},
         Concat(dstats_params, DisplacementFilterParams()));
  part.paths["/api/v1/incidents"]["get"] =
      Op("listIncidents", "Incident records, paged by id", "evidence",
         {{"200", Resp("A page of incidents", Ref("IncidentList"))},
          {"403", ErrResp("The dataset is published as aggregates only")}},
         Concat(IncidentFilterParams(), ListParams()));
  part.paths["/api/v1/incidents/points"]["get"] = Op(
      "incidentPoints", "Incidents summed by rounded coordinates, for a map", "evidence",
      {{"200", Resp("[lat, lon, dead, missing, total, incidents] per cell", Ref("IncidentPoints"))},
       {"403", ErrResp("The dataset is published as aggregates only")}},
      Concat(
          IncidentFilterParams(),
          json::array({QueryParam("precision", "Decimal places of a degree: 0 (default), 1 or 2", Int())})));
  part.paths["/api/v1/incidents/{id}"]["get"] =
      Op("getIncident", "One incident", "evidence",
         {{"200", Resp("The incident", Ref("Incident"))}, {"404", ErrResp("No such incident")}},
         json::array({PathParam("id", "Incident id", Int())}));
  part.paths["/api/v1/displacement"]["get"] =
      Op("listDisplacement", "Displacement figures, paged by id", "evidence",
         {{"200", Resp("A page of figures", Ref("DisplacementList"))},
          {"403", ErrResp("The dataset is published as aggregates only")}},
         Concat(DisplacementFilterParams(), ListParams()));
  part.paths["/api/v1/displacement/{id}"]["get"] =
      Op("getDisplacement", "One displacement figure", "evidence",
         {{"200", Resp("The figure", Ref("Displacement"))}, {"404", ErrResp("No such figure")}},
         json::array({PathParam("id", "Figure id", Int())}));
  json import_body = {
      {"required", true},
      {"description",
       "The file: a multipart/form-data part named 'file' (with fields target, format, dry_run, hxl_cause), "
       "or the "
       "raw bytes with those as query parameters. The server's max_body_bytes bounds it."},
      {"content",
       {{"multipart/form-data",
         {{"schema",
           {{"type", "object"},
            {"required", {"file", "target"}},
            {"properties",
             {{"file", {{"type", "string"}, {"format", "binary"}}},
              {"target", {{"type", "string"}, {"enum", {"incidents", "displacement"}}}},
              {"format", Str()},
              {"dry_run", Bool()},
              {"hxl_cause", {{"type", "string"}, {"enum", {"conflict", "disaster", "other"}}}}}}}}}},
        {"text/csv", {{"schema", {{"type", "string"}, {"format", "binary"}}}}},
        {"application/json", {{"schema", {{"type", "string"}, {"format", "binary"}}}}},
        {"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
  part.paths["/api/v1/imports"]["post"] = Op(
      "importFile", "Import a file of incidents or displacement figures (data officers)", "evidence",
      {{"201", Resp("Imported: the report", Ref("ImportReport"))},
       {"200", Resp("Dry run: what would happen", Ref("ImportReport"))},
       {"400", ErrResp("A file that cannot be read at all (line and column named)")},
       {"422", ErrResp("A bad target, format or dry_run")}},
      json::array({QueryParam("target", "incidents or displacement (raw body)"),
                   QueryParam("format", "auto (default) or a format name (raw body)"),
                   QueryParam("dry_run", "true: report without writing (raw body)", Bool()),
                   QueryParam("hxl_cause", "conflict, disaster or other: the cause of an HXL file's figures"),
                   QueryParam("filename", "The file's name (raw body)")}),
      import_body, true);
  part.paths["/api/v1/imports"]["get"] =
      Op("listImports", "Import batches, newest first (data officers)", "evidence",
         {{"200",
           Resp("The batches", {{"type", "object"}, {"properties", {{"items", Arr(Ref("ImportBatch"))}}}})}},
         json::array(), nullptr, true);
  part.paths["/api/v1/imports/{id}"]["get"] =
      Op("getImport", "One import batch and its quarantined rows (data officers)", "evidence",
         {{"200", Resp("The batch", Ref("ImportBatch"))}, {"404", ErrResp("No such batch")}},
         json::array({PathParam("id", "Batch id", Int())}), nullptr, true);
}

}  // namespace waymark::web
