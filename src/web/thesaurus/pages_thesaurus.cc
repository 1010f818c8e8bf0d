// /thesaurus and its forms. Every page works without JavaScript: terms are
// typed one per line (or separated by semicolons), the preferred first.
#include <algorithm>
#include <string>
#include <vector>

#include "web/thesaurus/thesaurus_module.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;
using thesaurus::Concept;
using thesaurus::ConceptInput;

namespace {

// One term per line or between semicolons, trimmed; empty ones dropped (the
// service trims and checks each).
std::vector<std::string> SplitTerms(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    std::size_t b = cur.find_first_not_of(" \t\r");
    std::size_t e = cur.find_last_not_of(" \t\r");
    if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
    cur.clear();
  };
  for (char ch : text) {
    if (ch == '\n' || ch == ';') {
      flush();
    } else {
      cur += ch;
    }
  }
  flush();
  return out;
}

std::string JoinTerms(const Concept& c, const char* lang, const char* sep) {
  std::string out;
  auto it = c.terms.find(lang);
  if (it == c.terms.end()) return out;
  for (const auto& t : it->second) out += (out.empty() ? "" : sep) + t;
  return out;
}

// The form's terms: only the languages whose field was sent.
ConceptInput FormInput(const Context& ctx) {
  ConceptInput in;
  std::map<std::string, std::vector<std::string>> terms;
  for (const char* lang : thesaurus::kLanguages) {
    std::string field = std::string("terms_") + lang;
    if (ctx.HasForm(field)) terms[lang] = SplitTerms(ctx.Form(field));
  }
  in.terms = std::move(terms);
  if (ctx.HasForm("slug")) in.slug = ctx.Form("slug");
  if (IsDigits(ctx.Form("version"))) in.expected_version = std::stoll(ctx.Form("version"));
  return in;
}

json FormValues(const Context& ctx) {
  return json{{"slug", ctx.Form("slug")},
              {"terms_en", ctx.Form("terms_en")},
              {"terms_fr", ctx.Form("terms_fr")},
              {"terms_es", ctx.Form("terms_es")},
              {"version", ctx.Form("version")}};
}

json ConceptRow(const Concept& c, const thesaurus::ThesaurusService& svc, const accounts::Actor& actor) {
  return json{{"id", c.id},
              {"slug", c.slug},
              {"version", c.version},
              {"en", JoinTerms(c, "en", " · ")},
              {"fr", JoinTerms(c, "fr", " · ")},
              {"es", JoinTerms(c, "es", " · ")},
              {"can_edit", svc.CanEdit(actor, c)},
              {"can_moderate", svc.Moderates(actor)},
              {"edit_url", "/thesaurus/" + std::to_string(c.id) + "/edit"}};
}

}  // namespace

void ThesaurusModule::AddNavigation(const Context& ctx, std::vector<NavItem>& nav) const {
  nav.push_back({19, "/thesaurus", T(ctx, "nav_thesaurus"), true, ""});
}

void ThesaurusModule::RegisterRoutes() {
  Route("GET", "/thesaurus", Access::kPublic, &ThesaurusModule::IndexPage);
  Route("POST", "/thesaurus", Access::kSignedIn, &ThesaurusModule::Propose);
  Route("POST", "/thesaurus/import", Access::kAdmin, &ThesaurusModule::Import);
  Route("GET", "/thesaurus/{id}/edit", Access::kSignedIn, &ThesaurusModule::EditForm);
  Route("POST", "/thesaurus/{id}/edit", Access::kSignedIn, &ThesaurusModule::SaveEdit);
  Route("POST", "/thesaurus/{id}/approve", Access::kSignedIn, &ThesaurusModule::Action);
  Route("POST", "/thesaurus/{id}/archive", Access::kSignedIn, &ThesaurusModule::Action);

  Route("GET", "/api/v1/thesaurus", Access::kPublic, &ThesaurusModule::ApiList);
  Route("POST", "/api/v1/thesaurus", Access::kSignedIn, &ThesaurusModule::ApiPropose);
  Route("POST", "/api/v1/thesaurus/import", Access::kAdmin, &ThesaurusModule::ApiImport);
  Route("GET", "/api/v1/thesaurus/{id}", Access::kPublic, &ThesaurusModule::ApiGet);
  Route("PUT", "/api/v1/thesaurus/{id}", Access::kSignedIn, &ThesaurusModule::ApiEdit);
  Route("POST", "/api/v1/thesaurus/{id}/approve", Access::kSignedIn, &ThesaurusModule::ApiAction);
  Route("POST", "/api/v1/thesaurus/{id}/archive", Access::kSignedIn, &ThesaurusModule::ApiAction);
}

Result<thesaurus::Id> ThesaurusModule::IdParam(const Context& ctx) const {
  const std::string& text = ctx.req.params.at("id");
  if (!IsDigits(text)) return Status::NotFound("no such concept");
  return std::stoll(text);
}

Response ThesaurusModule::RenderIndex(Context& ctx, const json& form, const Status& error, int status) {
  thesaurus::ThesaurusService& svc = *services_.thesaurus;
  accounts::Actor actor = ctx.actor();
  auto approved = svc.Approved();
  if (!approved.ok()) return Error(ctx, approved.status());
  auto proposals = svc.Proposals(actor);
  if (!proposals.ok()) return Error(ctx, proposals.status());
  json concepts = json::array();
  for (const auto& c : *approved) concepts.push_back(ConceptRow(c, svc, actor));
  json proposed = json::array();
  for (const auto& c : *proposals) proposed.push_back(ConceptRow(c, svc, actor));
  json model = {{"concepts", concepts},
                {"has_concepts", !concepts.empty()},
                {"count", concepts.size()},
                {"proposals", proposed},
                {"has_proposals", !proposed.empty()},
                {"signed_in", ctx.user.has_value()},
                {"moderator", svc.Moderates(actor)},
                {"admin", ctx.is_admin() && services_.atlas != nullptr},
                {"form", form},
                {"errors", error.ok() ? json::array() : ErrorList(ctx, error)},
                {"has_errors", !error.ok()}};
  Response r = Page(ctx, "thesaurus/index", T(ctx, "thesaurus_title"), model, status);
  if (!error.ok()) r.Set("Cache-Control", "no-store");
  return r;
}

Response ThesaurusModule::IndexPage(Context& ctx) {
  return RenderIndex(ctx, json::object(), Status::Ok(), 200);
}

Response ThesaurusModule::Propose(Context& ctx) {
  auto made = services_.thesaurus->Propose(ctx.actor(), FormInput(ctx));
  if (made.ok()) return Response::Redirect("/thesaurus?msg=flash_thesaurus_proposed");
  if (made.status().kind() != Status::Kind::kValidation) return Error(ctx, made.status());
  return RenderIndex(ctx, FormValues(ctx), made.status(), 422);
}

Response ThesaurusModule::EditForm(Context& ctx) {
  auto id = IdParam(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto c = services_.thesaurus->Get(ctx.actor(), *id);
  if (!c.ok()) return Error(ctx, c.status());
  if (!services_.thesaurus->CanEdit(ctx.actor(), *c))
    return Error(ctx, Status::PermissionDenied("only moderators edit this concept"));
  json form = {{"slug", c->slug},
               {"terms_en", JoinTerms(*c, "en", "\n")},
               {"terms_fr", JoinTerms(*c, "fr", "\n")},
               {"terms_es", JoinTerms(*c, "es", "\n")},
               {"version", std::to_string(c->version)}};
  json model = {{"id", c->id}, {"form", form}, {"errors", json::array()}, {"has_errors", false}};
  Response r = Page(ctx, "thesaurus/edit", T(ctx, "thesaurus_edit_title"), model);
  r.Set("Cache-Control", "no-store");
  return r;
}

Response ThesaurusModule::SaveEdit(Context& ctx) {
  auto id = IdParam(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  ConceptInput in = FormInput(ctx);
  in.slug.reset();  // shown, not changed
  auto saved = services_.thesaurus->Edit(ctx.actor(), *id, in);
  if (saved.ok()) return Response::Redirect("/thesaurus?msg=flash_thesaurus_saved");
  Status::Kind kind = saved.status().kind();
  if (kind != Status::Kind::kValidation && kind != Status::Kind::kConflict) return Error(ctx, saved.status());
  // The person's text is kept; a conflict says to reload.
  json model = {{"id", *id},
                {"form", FormValues(ctx)},
                {"errors", ErrorList(ctx, saved.status())},
                {"has_errors", true}};
  Response r = Page(ctx, "thesaurus/edit", T(ctx, "thesaurus_edit_title"), model,
                    kind == Status::Kind::kConflict ? 409 : 422);
  r.Set("Cache-Control", "no-store");
  return r;
}

Response ThesaurusModule::Action(Context& ctx) {
  auto id = IdParam(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  std::string action = ctx.req.path.substr(ctx.req.path.rfind('/') + 1);
  std::optional<std::int64_t> version;
  if (IsDigits(ctx.Form("version"))) version = std::stoll(ctx.Form("version"));
  auto r = action == "approve" ? services_.thesaurus->Approve(ctx.actor(), *id, version)
                               : services_.thesaurus->Archive(ctx.actor(), *id, version);
  if (!r.ok()) return Error(ctx, r.status());
  return Response::Redirect("/thesaurus?msg=flash_thesaurus_" + action);
}

Response ThesaurusModule::Import(Context& ctx) {
  auto inputs = GlossaryInputs();
  if (!inputs.ok()) return Error(ctx, inputs.status());
  auto added = services_.thesaurus->ImportProposals(ctx.actor(), *inputs);
  if (!added.ok()) return Error(ctx, added.status());
  return Response::Redirect("/thesaurus?msg=flash_thesaurus_imported");
}

Result<std::vector<ConceptInput>> ThesaurusModule::GlossaryInputs() const {
  if (services_.atlas == nullptr) return Status::NotFound("no glossary to import from");
  WM_ASSIGN_OR_RETURN(std::vector<atlas::GlossaryTerm> glossary, services_.atlas->Glossary());
  std::vector<ConceptInput> out;
  for (const auto& g : glossary) {
    std::map<std::string, std::vector<std::string>> terms;
    for (const auto& [lang, text] : g.texts) {
      std::vector<std::string> list = {text.term};
      list.insert(list.end(), text.aliases.begin(), text.aliases.end());
      if (list.size() > thesaurus::kMaxTermsPerLanguage) list.resize(thesaurus::kMaxTermsPerLanguage);
      terms[lang] = std::move(list);
    }
    ConceptInput in;
    in.slug = g.slug;
    in.terms = std::move(terms);
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace waymark::web
