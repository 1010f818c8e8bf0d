// /api/v1/thesaurus: the concepts as JSON. A concept is
// {"id", "slug", "status", "version", "terms": {"en": [...], "fr": [...], "es": [...]},
//  "updated_at"}; writes take {"slug"?, "terms"} and answer with the concept
// (its version also as ETag).
#include <string>
#include <vector>

#include "core/clock.h"
#include "web/request_headers.h"
#include "web/thesaurus/thesaurus_module.h"

namespace waymark::web {

using http::Response;
using nlohmann::json;
using thesaurus::Concept;
using thesaurus::ConceptInput;

namespace {

using Errors = std::map<std::string, std::string>;

Response WithEtag(Response r, std::int64_t version) {
  r.Set("ETag", "\"" + std::to_string(version) + "\"");
  return r;
}

// {"slug"?, "terms"?: {lang: [strings]}} -> input; unknown or ill-typed
// fields go to `errors` under their names.
ConceptInput InputFromJson(const json& body, bool allow_slug, Errors& errors) {
  ConceptInput in;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() != "terms" && it.key() != "slug")
      errors[it.key()] = "is not a field of a concept (slug, terms)";
  }
  if (auto it = body.find("slug"); it != body.end()) {
    if (!allow_slug) {
      errors["slug"] = "cannot be changed after the concept is proposed";
    } else if (it->is_string()) {
      in.slug = it->get<std::string>();
    } else {
      errors["slug"] = "must be a string";
    }
  }
  if (auto it = body.find("terms"); it != body.end()) {
    if (!it->is_object()) {
      errors["terms"] = "must be an object of languages, each a list of terms";
    } else {
      std::map<std::string, std::vector<std::string>> terms;
      for (auto t = it->begin(); t != it->end(); ++t) {
        if (!t->is_array() ||
            !std::all_of(t->begin(), t->end(), [](const json& x) { return x.is_string(); })) {
          errors["terms." + t.key()] = "must be a list of strings";
          continue;
        }
        terms[t.key()] = t->get<std::vector<std::string>>();
      }
      in.terms = std::move(terms);
    }
  }
  return in;
}

}  // namespace

json ThesaurusModule::ConceptJson(const Concept& c) const {
  json terms = json::object();
  for (const auto& [lang, list] : c.terms) terms[lang] = list;
  return json{
      {"id", c.id},           {"slug", c.slug}, {"status", std::string(thesaurus::ToString(c.status))},
      {"version", c.version}, {"terms", terms}, {"updated_at", FormatIso8601(c.updated_at)}};
}

Response ThesaurusModule::ApiList(Context& ctx) {
  auto approved = services_.thesaurus->Approved();
  if (!approved.ok()) return Error(ctx, approved.status());
  auto proposals = services_.thesaurus->Proposals(ctx.actor());
  if (!proposals.ok()) return Error(ctx, proposals.status());
  json items = json::array();
  for (const auto& c : *approved) items.push_back(ConceptJson(c));
  json proposed = json::array();
  for (const auto& c : *proposals) proposed.push_back(ConceptJson(c));
  return Json(ctx, 200, json{{"items", items}, {"total", items.size()}, {"proposals", proposed}});
}

Response ThesaurusModule::ApiGet(Context& ctx) {
  auto id = IdParam(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto c = services_.thesaurus->Get(ctx.actor(), *id);
  if (!c.ok()) return Error(ctx, c.status());
  return WithEtag(Json(ctx, 200, ConceptJson(*c)), c->version);
}

Response ThesaurusModule::ApiPropose(Context& ctx) {
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  if (!body->is_object()) return Error(ctx, Status::InvalidArgument("the body must be a JSON object"));
  Errors errors;
  ConceptInput in = InputFromJson(*body, true, errors);
  if (!errors.empty()) return Error(ctx, Status::Validation(errors, "the concept has invalid fields"));
  auto made = services_.thesaurus->Propose(ctx.actor(), in);
  if (!made.ok()) return Error(ctx, made.status());
  return WithEtag(Json(ctx, 201, ConceptJson(*made)), made->version);
}

Response ThesaurusModule::ApiEdit(Context& ctx) {
  auto id = IdParam(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto body = ParseJsonBody(ctx.req);
  if (!body.ok()) return Error(ctx, body.status());
  if (!body->is_object()) return Error(ctx, Status::InvalidArgument("the body must be a JSON object"));
  auto version = ParseIfMatchVersion(ctx.req.Header("if-match"));
  if (!version.ok()) return Error(ctx, version.status());
  Errors errors;
  ConceptInput in = InputFromJson(*body, false, errors);
  if (!errors.empty()) return Error(ctx, Status::Validation(errors, "the concept has invalid fields"));
  in.expected_version = *version;
  auto saved = services_.thesaurus->Edit(ctx.actor(), *id, in);
  if (!saved.ok()) return Error(ctx, saved.status());
  return WithEtag(Json(ctx, 200, ConceptJson(*saved)), saved->version);
}

Response ThesaurusModule::ApiAction(Context& ctx) {
  auto id = IdParam(ctx);
  if (!id.ok()) return Error(ctx, id.status());
  auto version = ParseIfMatchVersion(ctx.req.Header("if-match"));
  if (!version.ok()) return Error(ctx, version.status());
  std::string action = ctx.req.path.substr(ctx.req.path.rfind('/') + 1);
  auto r = action == "approve" ? services_.thesaurus->Approve(ctx.actor(), *id, *version)
                               : services_.thesaurus->Archive(ctx.actor(), *id, *version);
  if (!r.ok()) return Error(ctx, r.status());
  return WithEtag(Json(ctx, 200, ConceptJson(*r)), r->version);
}

Response ThesaurusModule::ApiImport(Context& ctx) {
  auto inputs = GlossaryInputs();
  if (!inputs.ok()) return Error(ctx, inputs.status());
  auto added = services_.thesaurus->ImportProposals(ctx.actor(), *inputs);
  if (!added.ok()) return Error(ctx, added.status());
  return Json(ctx, 200, json{{"added", *added}});
}

}  // namespace waymark::web
