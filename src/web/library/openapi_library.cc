// The library module's part of the OpenAPI document.
#include "web/library/library_module.h"
#include "web/openapi.h"

namespace waymark::web {

using nlohmann::json;
using namespace openapi;

namespace {

json FilterParams() {
  json p = json::array({QueryParam("q", "Words to search for, in the items and inside their files"),
                        QueryParam("sort", "relevance (default with words) or newest",
                                   {{"type", "string"}, {"enum", {"relevance", "newest"}}})});
  const std::pair<const char*, const char*> lists[] = {
      {"type",
       "Item types: report, article, brief, book, chapter, case_study, map, dataset, video, training"},
      {"theme", "Theme codes (see /api/v1/library-terms)"},
      {"country", "ISO 3166-1 alpha-3 codes"},
      {"region", "UN M49 region or sub-region codes, like 002 or 015"},
      {"language", "Languages of the documents (ISO 639-1: en, fr, ...)"},
      {"year", "Years of publication"},
      {"org", "Contributing organisations (slugs)"}};
  for (const auto& [name, description] : lists) p.push_back(ListQuery(name, description));
  for (const auto& x : PagingParams()) p.push_back(x);
  return p;
}

json TypeEnum() {
  json e = json::array();
  for (const char* t : library::kItemTypes) e.push_back(t);
  return {{"type", "string"}, {"enum", e}};
}

json ReferenceFile(const char* type) {
  return {{"description", "The references"}, {"content", {{type, {{"schema", Str()}}}}}};
}

}  // namespace

void LibraryModule::AddOpenApi(OpenApiPart& part) const {
  part.tags.push_back("library");
  json name = {{"type", "object"},
               {"description", "A person ({family, given}) or an organisation ({literal})"},
               {"properties", {{"family", Str()}, {"given", Str()}, {"literal", Str()}}}};
  json text = {{"type", "object"}, {"properties", {{"title", Str()}, {"abstract", Str()}}}};
  json licences = json::array();
  for (const char* l : library::kLicences) licences.push_back(l);
  json writable = {
      {"organisation",
       {{"type", "string"}, {"description", "Contributing organisation's slug (create only)"}}},
      {"type", TypeEnum()},
      {"texts",
       {{"type", "object"},
        {"description", "Title and abstract by language (en, fr, es)"},
        {"additionalProperties", text}}},
      {"authors", Arr(name)},
      {"publisher", Str()},
      {"publisher_place", Str()},
      {"container_title", {{"type", "string"}, {"description", "Journal, book of a chapter, or series"}}},
      {"volume", Str()},
      {"issue", Str()},
      {"pages", Str()},
      {"edition", Str()},
      {"date", {{"type", "string"}, {"nullable", true}, {"description", "YYYY, YYYY-MM or YYYY-MM-DD"}}},
      {"doc_language", {{"type", "string"}, {"description", "ISO 639-1 code of the document's language"}}},
      {"themes", Arr(Str())},
      {"keywords", Arr(Str())},
      {"countries", Arr(Str())},
      {"regions", Arr(Str())},
      {"doi", {{"type", "string"}, {"description", "10.xxxx/..., doi: or https://doi.org/ forms accepted"}}},
      {"isbn", {{"type", "string"}, {"description", "ISBN-10 or ISBN-13; the check digit is verified"}}},
      {"handle", Str()},
      {"url", Str()},
      {"licence", {{"type", "string"}, {"enum", licences}}}};
  part.schemas["LibraryItemInput"] = {
      {"type", "object"}, {"additionalProperties", false}, {"properties", writable}};
  json file = {{"type", "object"},
               {"properties",
                {{"id", Int()},
                 {"filename", Str()},
                 {"media_type", Str()},
                 {"size", Int()},
                 {"sha256", Str()},
                 {"page_count", Int()},
                 {"text_status",
                  {{"type", "string"}, {"enum", {"pending", "extracted", "no_text", "failed", "not_pdf"}}}},
                 {"text_error", Str()},
                 {"url", Str()}}}};
  part.schemas["LibraryFile"] = file;
  json props = writable;
  props.erase("organisation");
  props["organisation"] = NullableStr();
  props["id"] = Int();
  props["slug"] = Str();
  props["lifecycle"] = {{"type", "string"},
                        {"enum", {"draft", "submitted", "returned", "published", "archived"}}};
  props["moderation_note"] = Str();
  props["version"] = Int();
  props["created_at"] = Str();
  props["updated_at"] = Str();
  props["published_at"] = NullableStr();
  props["files"] = Arr(Ref("LibraryFile"));
  props["links"] = {{"type", "object"}};
  props["snippet_html"] = Str();
  props["found_in_file"] = {{"type", "object"},
                            {"description", "Where the words were found inside a file"},
                            {"properties", {{"file_id", Int()}, {"page", Int()}, {"snippet_html", Str()}}}};
  part.schemas["LibraryItem"] = {{"type", "object"}, {"properties", props}};
  part.schemas["LibraryList"] = {
      {"type", "object"},
      {"properties",
       {{"items", Arr(Ref("LibraryItem"))},
        {"total", Int()},
        {"facets", {{"type", "object"}, {"additionalProperties", {{"type", "object"}}}}},
        {"page", Int()},
        {"per_page", Int()}}}};
  json line = {{"type", "object"}, {"properties", {{"line", Int()}, {"id", Int()}, {"title", Str()}}}};
  part.schemas["LibraryImportReport"] = {
      {"type", "object"},
      {"properties",
       {{"added", Arr(line)},
        {"duplicates",
         Arr(json(
             {{"type", "object"},
              {"properties",
               {{"line", Int()}, {"id", Int()}, {"title", Str()}, {"reason", Str()}, {"filled", Bool()}}}}))},
        {"rejected",
         Arr(json({{"type", "object"},
                   {"properties", {{"line", Int()}, {"column", Int()}, {"message", Str()}}}}))}}}};

  json id = json::array({PathParam("id", "Item id or slug")});
  part.paths["/api/v1/library"]["get"] =
      Op("listLibrary", "Search published items (words inside files too), with facet counts", "library",
         {{"200", Resp("A page of items", Ref("LibraryList"))}, {"422", ErrResp("A parameter is wrong")}},
         FilterParams());
  part.paths["/api/v1/library"]["post"] =
      Op("createLibraryItem", "A member's draft for their organisation", "library",
         {{"201", Resp("The draft", Ref("LibraryItem"))}, {"422", ErrResp("A field is missing or wrong")}},
         json::array(), JsonBody(Ref("LibraryItemInput")), true);
  part.paths["/api/v1/library/import"]["post"] =
      Op("importLibrary", "Import a BibTeX or RIS reference list for an organisation", "library",
         {{"200", Resp("What became of each entry", Ref("LibraryImportReport"))},
          {"400", ErrResp("Unknown format")},
          {"422", ErrResp("Unknown organisation")}},
         json::array({QueryParam("organisation", "The organisation's slug"),
                      QueryParam("format", "bibtex or ris (default from Content-Type)",
                                 {{"type", "string"}, {"enum", {"bibtex", "ris"}}}),
                      QueryParam("submit", "true: send the new items to moderation")}),
         json{{"required", true},
              {"content",
               {{"application/x-bibtex", {{"schema", Str()}}},
                {"application/x-research-info-systems", {{"schema", Str()}}},
                {"text/plain", {{"schema", Str()}}}}}},
         true);
  part.paths["/api/v1/library-terms"]["get"] = Op(
      "libraryTerms", "The theme vocabulary", "library",
      {{"200",
        Resp("Every term", {{"type", "object"}, {"properties", {{"terms", Arr({{"type", "object"}})}}}})}});
  part.paths["/api/v1/library/{id}"]["get"] =
      Op("getLibraryItem", "One item", "library",
         {{"200", Resp("The item", Ref("LibraryItem"))}, {"404", ErrResp("No such item")}}, id);
  json patch_params = id;
  patch_params.push_back(IfMatchHeader(false));
  part.paths["/api/v1/library/{id}"]["patch"] = Op("patchLibraryItem", "Change an item", "library",
                                                   {{"200", Resp("The item", Ref("LibraryItem"))},
                                                    {"404", ErrResp("No such item")},
                                                    {"409", ErrResp("Changed since the If-Match version")},
                                                    {"422", ErrResp("A field is wrong")}},
                                                   patch_params, JsonBody(Ref("LibraryItemInput")), true);
  part.paths["/api/v1/library/{id}/files"]["get"] = Op(
      "libraryFiles", "An item's files with size, pages and text status", "library",
      {{"200", Resp("The files", {{"type", "object"}, {"properties", {{"files", Arr(Ref("LibraryFile"))}}}})},
       {"404", ErrResp("No such item")}},
      id);
  json upload_params = id;
  upload_params.push_back(QueryParam("filename", "The file's name (with a raw body)"));
  part.paths["/api/v1/library/{id}/files"]["post"] =
      Op("uploadLibraryFile",
         "Add a PDF, PNG or JPEG (raw body or multipart field 'file'); a PDF's text is extracted in the "
         "background",
         "library",
         {{"201", Resp("The file", Ref("LibraryFile"))},
          {"404", ErrResp("No such item")},
          {"413", ErrResp("Larger than the limit")},
          {"415", ErrResp("Not a PDF, PNG or JPEG, whatever its name says")}},
         upload_params,
         json{{"required", true},
              {"content",
               {{"application/pdf", {{"schema", {{"type", "string"}, {"format", "binary"}}}}},
                {"multipart/form-data", {{"schema", {{"type", "object"}}}}}}}},
         true);
  part.paths["/api/v1/library/files/{fid}/pages"]["get"] = Op(
      "libraryFilePages", "The extracted text of a file's pages", "library",
      {{"200",
        Resp("The pages", {{"type", "object"},
                           {"properties",
                            {{"file_id", Int()},
                             {"page_count", Int()},
                             {"text_status", Str()},
                             {"pages", Arr(json({{"type", "object"},
                                                 {"properties", {{"page", Int()}, {"text", Str()}}}}))}}}})},
       {"404", ErrResp("No such file")},
       {"422", ErrResp("A parameter is wrong")}},
      json::array({PathParam("fid", "File id", Int()), QueryParam("from", "First page (default 1)", Int()),
                   QueryParam("count", "Pages (1-50, default 10)", Int())}));
  json action_body = {{"type", "object"}, {"properties", {{"reason", Str()}}}};
  const std::pair<const char*, const char*> actions[] = {
      {"submit", "Send a draft to the moderators"},
      {"publish", "Publish (moderators)"},
      {"return", "Return with a reason (moderators; body: reason)"},
      {"archive", "Withdraw, saying why (moderators; body: reason)"}};
  for (const auto& [action, summary] : actions) {
    part.paths["/api/v1/library/{id}/" + std::string(action)]["post"] =
        Op(std::string(action) + "LibraryItem", summary, "library",
           {{"200", Resp("The item", Ref("LibraryItem"))},
            {"404", ErrResp("No such item")},
            {"409", ErrResp("Not in a state that allows it")},
            {"422", ErrResp("A field is missing")}},
           patch_params, JsonBody(action_body, false), true);
  }
  part.paths["/library/{id}/cite.bib"]["get"] =
      Op("libraryItemBibtex", "One item as BibTeX", "library",
         {{"200", ReferenceFile("application/x-bibtex")}, {"404", ErrResp("No such item")}}, id);
  part.paths["/library/{id}/cite.ris"]["get"] = Op(
      "libraryItemRis", "One item as RIS", "library",
      {{"200", ReferenceFile("application/x-research-info-systems")}, {"404", ErrResp("No such item")}}, id);
  part.paths["/library/{id}/cite.json"]["get"] = Op(
      "libraryItemCsl", "One item as CSL-JSON", "library",
      {{"200", ReferenceFile("application/vnd.citationstyles.csl+json")}, {"404", ErrResp("No such item")}},
      id);
  part.paths["/library/export.bib"]["get"] =
      Op("libraryExportBibtex", "Any search as BibTeX (up to 1000 items)", "library",
         {{"200", ReferenceFile("application/x-bibtex")}, {"422", ErrResp("A parameter is wrong")}},
         FilterParams());
  part.paths["/library/export.ris"]["get"] =
      Op("libraryExportRis", "Any search as RIS (up to 1000 items)", "library",
         {{"200", ReferenceFile("application/x-research-info-systems")},
          {"422", ErrResp("A parameter is wrong")}},
         FilterParams());
  part.paths["/library/export.json"]["get"] =
      Op("libraryExportCsl", "Any search as CSL-JSON (up to 1000 items)", "library",
         {{"200", ReferenceFile("application/vnd.citationstyles.csl+json")},
          {"422", ErrResp("A parameter is wrong")}},
         FilterParams());
}

}  // namespace waymark::web
