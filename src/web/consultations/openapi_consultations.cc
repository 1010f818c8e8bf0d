// The consultations module's part of the OpenAPI document.
#include "web/consultations/consultations_module.h"
#include "web/openapi.h"

namespace waymark::web {

using nlohmann::json;
using namespace openapi;

namespace {

json NullableInt() { return {{"type", "integer"}, {"nullable", true}}; }

json Enum(json values) { return {{"type", "string"}, {"enum", std::move(values)}}; }

// {"type": "object", "properties": …[, "required": …]}.
json Obj(json properties, json required = nullptr) {
  json o = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.is_null()) o["required"] = std::move(required);
  return o;
}

// An action point's link (as read, with its href; as written, without) and milestone.
json PointLink(bool with_href) {
  json p = {{"kind", Str()}, {"target_id", Int()}, {"label", Str()}};
  if (with_href) p["href"] = Str();
  return Obj(std::move(p));
}

json Milestone() { return Obj({{"date", Str()}, {"text", Str()}, {"reached", Bool()}}); }

}  // namespace

void ConsultationsModule::AddOpenApi(OpenApiPart& part) const {
  part.tags.push_back("consultations");
  json person = {{"type", "object"},
                 {"properties", {{"name", Str()}, {"role", Str()}, {"organisation", Str()}}}};
  json texts = {
      {"type", "object"}, {"additionalProperties", Str()}, {"description", "texts by language (en, fr, es)"}};
  part.schemas["ConsultationSession"] = {
      {"type", "object"},
      {"properties",
       {{"id", Int()},
        {"starts",
         {{"type", "string"}, {"description", "local time in the consultation's zone, YYYY-MM-DDTHH:MM"}}},
        {"ends", Str()},
        {"type", Enum({"plenary", "panel", "breakout", "interactive"})},
        {"title", Str()},
        {"titles", texts},
        {"description", Str()},
        {"descriptions", texts},
        {"moderator", {{"allOf", json::array({person})}, {"nullable", true}}},
        {"speakers", Arr(person)},
        {"conclusions", {{"type", "string"}, {"description", "Markdown"}}},
        {"online_url", Str()}}}};
  part.schemas["Consultation"] = {{"type", "object"},
                                  {"properties",
                                   {{"id", Int()},
                                    {"slug", Str()},
                                    {"title", Str()},
                                    {"year", Int()},
                                    {"edition", Int()},
                                    {"starts_on", Str()},
                                    {"ends_on", Str()},
                                    {"time_zone", Str()},
                                    {"venue", Str()},
                                    {"online_url", Str()},
                                    {"organisers", Arr(Str())},
                                    {"languages", Arr(Str())},
                                    {"participants", Arr(Str())},
                                    {"status", Enum({"planned", "held", "report_published"})},
                                    {"capacity", Int()},
                                    {"version", Int()},
                                    {"sessions", Arr(Ref("ConsultationSession"))},
                                    {"action_points", Arr(Ref("ActionPoint"))}}}};
  part.schemas["ConsultationInput"] = {{"type", "object"},
                                       {"required", {"title", "year", "starts_on"}},
                                       {"properties",
                                        {{"slug", Str()},
                                         {"title", Str()},
                                         {"year", Str()},
                                         {"edition", Str()},
                                         {"starts_on", Str()},
                                         {"ends_on", Str()},
                                         {"time_zone", Str()},
                                         {"venue", Str()},
                                         {"online_url", Str()},
                                         {"organisers", Arr(Str())},
                                         {"languages", Arr(Str())},
                                         {"participants", Arr(Str())},
                                         {"status", Str()},
                                         {"capacity", Str()},
                                         {"version", Int()}}}};
  part.schemas["ConsultationSessionInput"] = {{"type", "object"},
                                              {"required", {"starts", "ends", "type", "title"}},
                                              {"properties",
                                               {{"starts", Str()},
                                                {"ends", Str()},
                                                {"type", Str()},
                                                {"title", texts},
                                                {"description", texts},
                                                {"moderator", person},
                                                {"speakers", Arr(person)},
                                                {"conclusions", Str()},
                                                {"online_url", Str()}}}};
  json update = {{"type", "object"},
                 {"properties",
                  {{"id", Int()},
                   {"point_id", Int()},
                   {"at", Str()},
                   {"text", Str()},
                   {"links", Arr(Str())},
                   {"author", Str()},
                   {"progress", NullableInt()}}}};
  part.schemas["ActionPointUpdate"] = update;
  json statuses = json::array({"open", "in_progress", "done", "dropped", "carried_over"});
  part.schemas["ActionPoint"] = {
      {"type", "object"},
      {"properties",
       {{"id", Int()},
        {"consultation_id", Int()},
        {"year", Int()},
        {"number", Str()},
        {"parent_id", NullableInt()},
        {"text", Str()},
        {"texts", texts},
        {"session_id", NullableInt()},
        {"owners", Arr({{"type", "object"},
                        {"properties",
                         {{"kind", Enum({"iom", "organisation", "all_csos"})},
                          {"organisation", NullableStr()},
                          {"name", Str()}}}})},
        {"target_date", Str()},
        {"status", Enum(statuses)},
        {"progress",
         {{"type", "integer"}, {"description", "0-100; a parent's is its sub-points' weighted sum"}}},
        {"weight", Int()},
        {"overdue", Bool()},
        {"themes", Arr(Str())},
        {"links", Arr(PointLink(true))},
        {"milestones", Arr(Milestone())},
        {"carried_from", NullableInt()},
        {"carried_to", NullableInt()},
        {"version", Int()},
        {"latest", {{"allOf", json::array({Ref("ActionPointUpdate")})}, {"nullable", true}}},
        {"updates", Arr(Ref("ActionPointUpdate"))},
        {"history", Arr({{"type", "object"}})}}}};
  part.schemas["ActionPointInput"] = {
      {"type", "object"},
      {"required", {"number", "text", "owners"}},
      {"properties",
       {{"number", Str()},
        {"parent_id", Int()},
        {"text", texts},
        {"session_id", Int()},
        {"owners",
         Arr({{"description", "\"iom\", \"all_csos\" or an organisation's slug"}, {"type", "string"}})},
        {"target_date", Str()},
        {"weight", Str()},
        {"themes", Arr(Str())},
        {"links", Arr(PointLink(false))},
        {"milestones", Arr(Milestone())}}}};
  part.schemas["ConsultationRegistration"] = {{"type", "object"},
                                              {"properties",
                                               {{"id", Int()},
                                                {"consultation_id", Int()},
                                                {"name", Str()},
                                                {"email", Str()},
                                                {"organisation", Str()},
                                                {"state", Enum({"confirmed", "waitlisted", "cancelled"})},
                                                {"created_at", Str()},
                                                {"token", Str()},
                                                {"cancel_url", Str()}}}};
  part.schemas["ActionPointTracker"] = {
      {"type", "object"},
      {"properties",
       {{"summary",
         {{"type", "object"},
          {"properties",
           {{"since_year", NullableInt()},
            {"total", Int()},
            {"by_status", {{"type", "object"}, {"additionalProperties", Int()}}},
            {"overdue", Int()},
            {"line", Str()}}}}},
        {"today", Str()},
        {"items", Arr(Ref("ActionPoint"))}}}};

  json key = json::array({PathParam("key", "The consultation's slug (\"2015\") or id")});
  json id = json::array({PathParam("id", "Action point id", Int())});
  part.paths["/api/v1/consultations"]["get"] =
      Op("listConsultations", "Every consultation, newest first", "consultations",
         {{"200", Resp("The consultations",
                       {{"type", "object"}, {"properties", {{"items", Arr(Ref("Consultation"))}}}})}},
         json::array());
  part.paths["/api/v1/consultations"]["post"] =
      Op("createConsultation", "Create a consultation (organisers)", "consultations",
         {{"201", Resp("The consultation", Ref("Consultation"))},
          {"403", ErrResp("Not an organiser")},
          {"409", ErrResp("The slug is taken")},
          {"422", ErrResp("A field is missing or wrong; each is named")}},
         json::array(), JsonBody(Ref("ConsultationInput")), true);
  part.paths["/api/v1/consultations/{key}"]["get"] =
      Op("getConsultation", "A consultation with its agenda and action points", "consultations",
         {{"200", Resp("The consultation", Ref("Consultation"))}, {"404", ErrResp("No such consultation")}},
         key);
  part.paths["/api/v1/consultations/{key}"]["put"] =
      Op("updateConsultation", "Edit a consultation (organisers); version guards against lost updates",
         "consultations",
         {{"200", Resp("The consultation", Ref("Consultation"))},
          {"403", ErrResp("Not an organiser")},
          {"404", ErrResp("No such consultation")},
          {"409", ErrResp("Changed meanwhile")},
          {"422", ErrResp("A field is wrong; each is named")}},
         key, JsonBody(Ref("ConsultationInput")), true);
  part.paths["/api/v1/consultations/{key}/sessions"]["post"] =
      Op("addConsultationSession", "Add a session to the agenda (organisers)", "consultations",
         {{"201", Resp("The session", Ref("ConsultationSession"))},
          {"403", ErrResp("Not an organiser")},
          {"404", ErrResp("No such consultation")},
          {"422", ErrResp("Overlapping, ending before it starts, outside the dates, or another bad field")}},
         key, JsonBody(Ref("ConsultationSessionInput")), true);
  part.paths["/api/v1/consultations/{key}/action-points"]["post"] =
      Op("addActionPoint", "Record an action point of the consultation (organisers)", "consultations",
         {{"201", Resp("The action point", Ref("ActionPoint"))},
          {"403", ErrResp("Not an organiser")},
          {"409", ErrResp("The number is taken")},
          {"422", ErrResp("A field is wrong; each is named")}},
         key, JsonBody(Ref("ActionPointInput")), true);
  part.paths["/api/v1/consultations/{key}/registrations"]["post"] = Op(
      "registerForConsultation", "Register for a coming consultation; past capacity, on the waiting list",
      "consultations",
      {{"201", Resp("The registration, with its private cancellation link", Ref("ConsultationRegistration"))},
       {"409", ErrResp("The consultation takes no registrations")},
       {"422", ErrResp("A field is wrong or the address is already registered")}},
      key,
      JsonBody(
          Obj({{"name", Str()}, {"email", Str()}, {"organisation", Str()}}, json::array({"name", "email"}))));
  part.paths["/api/v1/consultations/{key}/registrations"]["get"] =
      Op("listConsultationRegistrations", "The registrations (organisers)", "consultations",
         {{"200",
           Resp("The registrations",
                {{"type", "object"},
                 {"properties", {{"items", Arr(Ref("ConsultationRegistration"))}, {"capacity", Int()}}}})},
          {"403", ErrResp("Not an organiser")}},
         key, nullptr, true);
  part.paths["/api/v1/registrations/{token}"]["delete"] =
      Op("cancelConsultationRegistration", "Cancel a registration through its private link", "consultations",
         {{"200", Resp("The cancelled registration", Ref("ConsultationRegistration"))},
          {"404", ErrResp("No such registration")},
          {"409", ErrResp("Already cancelled")}},
         json::array({PathParam("token", "The registration's private token (48 hex digits)")}));
  json filters = json::array({QueryParam("year", "Year of the consultation", Int()),
                              QueryParam("owner", "iom, all_csos or an organisation's slug"),
                              QueryParam("status", "open, in_progress, done, dropped or carried_over"),
                              QueryParam("theme", "A theme")});
  part.paths["/api/v1/action-points"]["get"] =
      Op("actionPointTracker", "Every action point of every year, filtered, with a summary", "consultations",
         {{"200", Resp("The tracker", Ref("ActionPointTracker"))}, {"422", ErrResp("A filter is wrong")}},
         filters);
  part.paths["/api/v1/action-points/{id}"]["get"] = Op(
      "getActionPoint", "An action point with its progress updates and history", "consultations",
      {{"200", Resp("The action point", Ref("ActionPoint"))}, {"404", ErrResp("No such action point")}}, id);
  part.paths["/api/v1/action-points/{id}/progress"]["post"] = Op(
      "postActionPointProgress", "Post a dated progress update (editors of the point's owners)",
      "consultations",
      {{"201", Resp("The update", Ref("ActionPointUpdate"))},
       {"403", ErrResp("Not an editor of an owner")},
       {"404", ErrResp("No such action point")},
       {"422", ErrResp("A field is wrong; each is named")}},
      id, JsonBody(Obj({{"text", Str()}, {"links", Arr(Str())}, {"progress", Int()}}, json::array({"text"}))),
      true);
  part.paths["/api/v1/action-points/{id}/status"]["post"] =
      Op("setActionPointStatus", "Change the status (moderators of the point's owners)", "consultations",
         {{"200", Resp("The action point", Ref("ActionPoint"))},
          {"403", ErrResp("Not a moderator of an owner")},
          {"409", ErrResp("Changed meanwhile")},
          {"422", ErrResp("A status that does not fit (status_transition)")}},
         id, JsonBody(Obj({{"status", Str()}, {"note", Str()}, {"version", Int()}}, json::array({"status"}))),
         true);
  part.paths["/api/v1/action-points/{id}/carry-over"]["post"] = Op(
      "carryOverActionPoint", "Carry the point over to a later consultation (organisers)", "consultations",
      {{"201", Resp("The new point", Ref("ActionPoint"))},
       {"403", ErrResp("Not an organiser")},
       {"422", ErrResp("The target consultation is not later (carry_over_older), or another bad field")}},
      id, JsonBody(Obj({{"consultation", Str()}, {"number", Str()}}, json::array({"consultation"}))), true);
  json following = {{"type", "object"}, {"properties", {{"id", Int()}, {"following", Bool()}}}};
  part.paths["/api/v1/action-points/{id}/follow"]["put"] =
      Op("followActionPoint", "Follow the point: hear of its status changes in-app and in the digests",
         "consultations",
         {{"200", Resp("Followed", following)},
          {"401", ErrResp("Not signed in")},
          {"404", ErrResp("No such action point")}},
         id, nullptr, true);
  part.paths["/api/v1/action-points/{id}/follow"]["delete"] =
      Op("unfollowActionPoint", "Stop following the point", "consultations",
         {{"200", Resp("Not followed", following)},
          {"401", ErrResp("Not signed in")},
          {"404", ErrResp("No such action point")}},
         id, nullptr, true);
  // A consultation's documents (files kept in the library).
  part.schemas["ConsultationDocument"] = {
      {"type", "object"},
      {"properties",
       {{"id", Int()},
        {"title", Str()},
        {"kind", {{"type", "string"}, {"enum", {"report", "agenda", "other"}}}},
        {"kind_label", Str()},
        {"language", {{"type", "string"}, {"enum", {"en", "fr", "es"}}}},
        {"language_label", Str()},
        {"position", Int()},
        {"library_item_id", Int()},
        {"library_url", Str()},
        {"file",
         {{"type", "object"},
          {"nullable", true},
          {"description", "the library item's file; null when the library no longer shows it"},
          {"properties",
           {{"id", Int()},
            {"filename", Str()},
            {"media_type", Str()},
            {"size", Int()},
            {"url", {{"type", "string"}, {"description", "download route (/library/files/{fid})"}}}}}}}}}};
  json doc_key = json::array(
      {PathParam("key", "The consultation's slug (\"2015\") or id"), PathParam("doc", "Document id", Int())});
  part.paths["/api/v1/consultations/{key}/documents"]["get"] =
      Op("listConsultationDocuments",
         "The consultation's documents, in order, with each file's size and type", "consultations",
         {{"200", Resp("The documents",
                       {{"type", "object"}, {"properties", {{"items", Arr(Ref("ConsultationDocument"))}}}})},
          {"404", ErrResp("No such consultation")}},
         json::array({PathParam("key", "The consultation's slug (\"2015\") or id")}));
  part.paths["/api/v1/consultations/{key}/documents"]["post"] =
      Op("addConsultationDocument",
         "Upload a document (organisers): multipart fields title, kind (report, agenda, other), language "
         "(en, fr, "
         "es) and file. A report or an agenda must be a PDF; the file becomes a published library item",
         "consultations",
         {{"201", Resp("The document", Ref("ConsultationDocument"))},
          {"403", ErrResp("Not an organiser")},
          {"404", ErrResp("No such consultation")},
          {"415", ErrResp("Not sent as multipart/form-data")},
          {"422",
           ErrResp("A field is wrong; each is named (file: cn_not_pdf, cn_file_too_large, cn_file_type)")}},
         json::array({PathParam("key", "The consultation's slug (\"2015\") or id")}),
         {{"required", true},
          {"content",
           {{"multipart/form-data",
             {{"schema",
               {{"type", "object"},
                {"required", {"title", "kind", "language", "file"}},
                {"properties",
                 {{"title", Str()},
                  {"kind", Str()},
                  {"language", Str()},
                  {"file", {{"type", "string"}, {"format", "binary"}}}}}}}}}}}},
         true);
  part.paths["/api/v1/consultations/{key}/documents/{doc}"]["delete"] = Op(
      "removeConsultationDocument", "Remove a document (organisers); its library item is archived",
      "consultations",
      {{"204", Resp("Removed")}, {"403", ErrResp("Not an organiser")}, {"404", ErrResp("No such document")}},
      doc_key, nullptr, true);
}

}  // namespace waymark::web
