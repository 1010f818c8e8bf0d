// The library module of the web layer: the list with search and facets
// (words inside files found with their page), the item page ("Cite this" in
// several styles, citation_* meta tags, downloads that say size and pages,
// each page of a PDF as light HTML text), members' drafts and files,
// imports of BibTeX and RIS reference lists with their report, moderation,
// exports (BibTeX, RIS, CSL-JSON) of one item or of any search, its JSON
// API and the OAI-PMH endpoint (/oai).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/accounts/account_service.h"
#include "domain/library/library_service.h"
#include "domain/search/search.h"
#include "web/module.h"

namespace waymark::web {

class LibraryModule final : public Module {
 public:
  struct Services {
    accounts::AccountService* accounts = nullptr;
    library::LibraryService* library = nullptr;
    const Clock* clock = nullptr;
    std::string base_url;  // for OAI-PMH identifiers and links in exports
  };
  LibraryModule(Site& site, Services services);

  void AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const override;
  void AddOpenApi(OpenApiPart& part) const override;  // openapi_library.cc

 private:
  void RegisterRoutes() override;

  // Pages (pages_library.cc).
  http::Response List(Context& ctx);
  http::Response ItemPage(Context& ctx);
  http::Response NewForm(Context& ctx);
  http::Response Create(Context& ctx);
  http::Response EditForm(Context& ctx);
  http::Response SaveEdit(Context& ctx);
  http::Response Action(Context& ctx);  // submit, publish, return, archive
  http::Response FileUpload(Context& ctx);
  http::Response FileRemove(Context& ctx);
  http::Response FileDownload(Context& ctx);
  http::Response FileText(Context& ctx);
  http::Response ImportForm(Context& ctx);
  http::Response ImportRun(Context& ctx);
  http::Response HistoryPage(Context& ctx);
  http::Response Moderation(Context& ctx);
  http::Response Oai(Context& ctx);  // oai_routes.cc

  // JSON and exports (api_library.cc).
  http::Response ApiList(Context& ctx);
  http::Response ApiGet(Context& ctx);
  http::Response ApiCreate(Context& ctx);
  http::Response ApiPatch(Context& ctx);
  http::Response ApiAction(Context& ctx);
  http::Response ApiImport(Context& ctx);
  http::Response ApiFiles(Context& ctx);
  http::Response ApiFileUpload(Context& ctx);
  http::Response AddUploadedFile(Context& ctx, const std::string& id, const std::string& filename,
                                 const ByteSource& bytes);
  http::Response ApiPages(Context& ctx);
  http::Response ApiTerms(Context& ctx);
  http::Response ExportItem(Context& ctx);    // /library/{id}.bib|.ris|.json
  http::Response ExportSearch(Context& ctx);  // /library/export.{bib,ris,json}?q=...

  // Shared.
  http::Response FormPage(Context& ctx, const library::Item* existing, const nlohmann::json& values,
                          const Status& error, int status);
  Result<library::Item> Find(Context& ctx, const std::string& id_or_slug);
  Result<search::Query> QueryFromRequest(const Context& ctx, int default_per_page) const;
  nlohmann::json Card(const Context& ctx, const library::Item& item,
                      const std::vector<library::Term>& terms) const;
  nlohmann::json ItemJson(const library::Item& item) const;
  nlohmann::json FileJson(const Context& ctx, const library::ItemFile& f) const;
  std::string Label(const std::vector<library::Term>& terms, const std::string& code,
                    const std::string& lang) const;

  Services services_;
  std::string token_key_;  // signs OAI-PMH resumption tokens
};

}  // namespace waymark::web
