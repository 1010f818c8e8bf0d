// Diff: what changed between two states of a campaign, field by field, in a
// readable rendering for the history page and the revision's change list.
#include <set>

#include "domain/campaigns/model.h"

namespace waymark::campaigns {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

std::string Render(const std::vector<OrgRef>& orgs) {
  std::vector<std::string> slugs;
  slugs.reserve(orgs.size());
  for (const auto& o : orgs) slugs.push_back(o.slug);
  return Join(slugs);
}

std::string Render(const std::vector<Figure>& figures) {
  std::vector<std::string> parts;
  parts.reserve(figures.size());
  for (const auto& f : figures) parts.push_back(f.name + ": " + std::to_string(f.value));
  return Join(parts);
}

class Differ {
 public:
  void Add(const std::string& field, const std::string& before, const std::string& after) {
    if (before != after) out_.push_back(FieldChange{field, before, after});
  }
  std::vector<FieldChange> Take() { return std::move(out_); }

 private:
  std::vector<FieldChange> out_;
};

}  // namespace

std::vector<FieldChange> Diff(const Campaign& a, const Campaign& b) {
  Differ d;
  std::set<std::string> langs;
  for (const auto& [lang, t] : a.texts) langs.insert(lang);
  for (const auto& [lang, t] : b.texts) langs.insert(lang);
  // Titles first, then summaries, then bodies: the order a reader scans in.
  auto text_of = [](const Campaign& c, const std::string& lang) {
    auto it = c.texts.find(lang);
    return it == c.texts.end() ? LocalText{} : it->second;
  };
  for (const auto& lang : langs) d.Add("title." + lang, text_of(a, lang).title, text_of(b, lang).title);
  for (const auto& lang : langs) d.Add("summary." + lang, text_of(a, lang).summary, text_of(b, lang).summary);
  for (const auto& lang : langs) d.Add("body." + lang, text_of(a, lang).body, text_of(b, lang).body);
  // The lead organisation is compared by id; its slug is what people read.
  if (a.organisation.id != b.organisation.id) d.Add("organisation", a.organisation.slug, b.organisation.slug);
  d.Add("partners", Render(a.partners), Render(b.partners));
  d.Add("countries", Join(a.countries), Join(b.countries));
  d.Add("themes", Join(a.themes), Join(b.themes));
  d.Add("channels", Join(a.channels), Join(b.channels));
  d.Add("audiences", Join(a.audiences), Join(b.audiences));
  d.Add("start_date", a.start_date.value_or(""), b.start_date.value_or(""));
  d.Add("end_date", a.end_date.value_or(""), b.end_date.value_or(""));
  d.Add("stage", std::string(ToString(a.stage)), std::string(ToString(b.stage)));
  d.Add("lifecycle", std::string(ToString(a.lifecycle)), std::string(ToString(b.lifecycle)));
  d.Add("visibility", std::string(ToString(a.visibility)), std::string(ToString(b.visibility)));
  d.Add("outcomes", a.outcomes, b.outcomes);
  d.Add("figures", Render(a.figures), Render(b.figures));
  d.Add("video_links", Join(a.video_links), Join(b.video_links));
  d.Add("licence", a.licence, b.licence);
  d.Add("contact", a.contact, b.contact);
  d.Add("adapted_from", a.adapted_from ? std::to_string(*a.adapted_from) : "",
        b.adapted_from ? std::to_string(*b.adapted_from) : "");
  d.Add("return_reason", a.return_reason, b.return_reason);
  return d.Take();
}

}  // namespace waymark::campaigns
