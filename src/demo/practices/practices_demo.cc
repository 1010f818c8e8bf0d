#include "demo/practices/practices_demo.h"

#include "core/slug.h"
#include "demo/practices/practices_demo_data.h"

namespace waymark::demo {
namespace {

using practices::Practice;
using practices::PracticeInput;

std::string FirstTitle(const Practice& p) {
  for (const char* lang : practices::kLanguages) {
    auto it = p.texts.find(lang);
    if (it != p.texts.end() && !it->second.title.empty()) return it->second.title;
  }
  return {};
}

PracticeInput InputFrom(const Practice& p) {
  PracticeInput in;
  in.lead_name = p.lead.name;
  in.lead_actor = p.lead.actor_kind;
  in.texts = p.texts;
  std::vector<practices::Party> partners;
  for (auto party : p.partners) {
    party.org_id.reset();  // the service finds registered ones by slug
    partners.push_back(party);
  }
  in.partners = partners;
  in.places = p.places;
  in.generalised_location = p.generalised_location;
  in.start_date = p.start_date.value_or("");
  in.end_date = p.end_date.value_or("");
  in.phases = p.phases;
  in.crises = p.crises;
  in.crisis_other = p.crisis_other;
  in.guidelines = p.guidelines;
  in.themes = p.themes;
  in.targets = p.targets;
  in.types = p.types;
  in.contacts = p.contacts;
  in.links = p.links;
  in.licence = p.licence;
  in.sensitivity = std::string(practices::ToString(p.sensitivity));
  in.contacts_private = p.contacts_private;
  in.summary_only = p.summary_only;
  return in;
}

}  // namespace

Result<int> LoadPractices(practices::PracticeService& svc, const Clock& clock) {
  WM_RETURN_IF_ERROR(svc.SeedVocabularies());
  const auto system = accounts::Actor::System();
  int added = 0;
  for (const auto& d : DemoPractices()) {
    std::string title = FirstTitle(d.practice);
    auto existing = svc.store().FindBySlug(Slugify(title, 60, "practice"));
    if (existing.ok()) continue;
    if (!existing.status().IsNotFound()) return existing.status();
    PracticeInput in = InputFrom(d.practice);
    Practice p;
    if (d.lead_org_slug.empty()) {
      in.contributor_name = d.practice.contributor.name;
      in.contributor_email = d.practice.contributor.email;
      in.contributor_lang = d.practice.contributor.lang;
      practices::OpenGuard guard;
      guard.address_key = "demo";
      guard.form_shown_at = clock.NowMs() - 3600 * 1000;
      auto s = svc.SubmitOpen(accounts::Actor::Anonymous("demo"), in, guard);
      if (!s.ok()) return s.status().WithContext("demo practice '" + title + "'");
      p = s->practice;
    } else {
      in.organisation = d.lead_org_slug;
      auto c = svc.Create(system, in);
      if (!c.ok()) return c.status().WithContext("demo practice '" + title + "'");
      WM_ASSIGN_OR_RETURN(p, svc.Submit(system, c->id));
    }
    if (d.publish) {
      WM_ASSIGN_OR_RETURN(p, svc.Publish(system, p.id));
      for (const auto& a : d.adoptions) {
        practices::Adoption fields;
        fields.country = a.country;
        if (!a.start_date.empty()) fields.start_date = a.start_date;
        fields.results = a.results;
        fields.lang = a.lang;
        auto r = svc.AddAdoption(system, p.id, a.org_slug, fields);
        if (!r.ok()) return r.status().WithContext("demo adoption of '" + title + "'");
      }
    }
    ++added;
  }
  return added;
}

}  // namespace waymark::demo
