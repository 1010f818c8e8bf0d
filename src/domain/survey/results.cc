#include "domain/survey/results.h"

#include <algorithm>
#include <cassert>
#include <map>

namespace waymark::survey {
namespace {

// True counts by key: the closed vocabulary's codes first (all listed, in
// order), then any other keys in key order.
class Counter {
 public:
  Counter(std::string name, bool partition) : name_(std::move(name)), partition_(partition) {}
  template <std::size_t N>
  Counter& Vocabulary(const std::string_view (&codes)[N]) {
    for (auto c : codes) {
      order_.emplace_back(c);
      counts_[std::string(c)] = 0;
    }
    return *this;
  }
  void Add(const std::string& key) {
    if (key.empty()) return;
    if (!counts_.count(key)) extra_.push_back(key);
    ++counts_[key];
  }
  Table Build() const {
    Table t;
    t.name = name_;
    t.partition = partition_;
    for (const auto& k : order_) t.cells.push_back({k, counts_.at(k), false});
    std::vector<std::string> extra = extra_;
    std::sort(extra.begin(), extra.end());
    extra.erase(std::unique(extra.begin(), extra.end()), extra.end());
    for (const auto& k : extra) t.cells.push_back({k, counts_.at(k), false});
    return t;
  }

 private:
  std::string name_;
  bool partition_;
  std::vector<std::string> order_;
  std::vector<std::string> extra_;
  std::map<std::string, std::int64_t> counts_;
};

}  // namespace

void Suppress(Table& table, int min_cell) {
  assert(min_cell >= 1);  // the config parser refuses anything smaller
  int suppressed = 0;
  for (auto& c : table.cells) {
    if (c.count > 0 && c.count < min_cell) {
      c.suppressed = true;
      ++suppressed;
    }
  }
  if (table.partition && suppressed == 1) {
    // The one suppressed count would be the total minus the others: hide the
    // smallest other non-zero count as well (ties: the first listed).
    Cell* smallest = nullptr;
    for (auto& c : table.cells) {
      if (c.suppressed || c.count == 0) continue;
      if (!smallest || c.count < smallest->count) smallest = &c;
    }
    if (smallest) smallest->suppressed = true;
  }
  for (auto& c : table.cells) {
    if (c.suppressed) c.count = 0;  // the true value never leaves this function
  }
}

Results Aggregate(const std::vector<Answer>& answers, int min_cell,
                  const std::function<std::string(Id)>& org_slug,
                  const std::function<std::string(const std::string&)>& region_of) {
  Results r;
  r.min_cell = min_cell;
  r.total = static_cast<std::int64_t>(answers.size());
  if (r.total > 0 && r.total < min_cell) {
    r.total = 0;
    r.total_suppressed = true;
    return r;
  }
  Counter env_reason("env_reason", true);
  env_reason.Vocabulary(kEnvReasons);
  Counter env_factor("env_factor", false);
  env_factor.Vocabulary(kEnvFactors);
  // Only asked when the environment was a reason: its cells add up to the
  // "main" and "one_of" answers, plus "not_asked" for the others.
  Counter env_how("env_how", true);
  env_how.Vocabulary(kEnvHows);
  Counter reason("reason", false);
  reason.Vocabulary(kReasons);
  Counter origin("origin", true);
  Counter origin_region("origin_region", true);
  Counter destination("destination", true);
  Counter year("year", true);
  Counter organisation("organisation", true);
  Counter age("age_band", true);
  age.Vocabulary(kAgeBands);
  Counter gender("gender", true);
  gender.Vocabulary(kGenders);
  Counter lang("lang", true);
  lang.Vocabulary(kLanguages);
  for (const auto& a : answers) {
    env_reason.Add(a.env_reason);
    for (const auto& f : a.env_factors) env_factor.Add(f);
    env_how.Add(a.env_how.empty() ? std::string("not_asked") : a.env_how);
    for (const auto& x : a.reasons) reason.Add(x);
    origin.Add(a.origin);
    std::string region = region_of(a.origin);
    origin_region.Add(region.empty() ? std::string("none") : region);
    destination.Add(a.destination);
    year.Add(std::to_string(a.year_left));
    organisation.Add(org_slug(a.org_id));
    age.Add(a.age_band);
    gender.Add(a.gender);
    lang.Add(a.lang);
  }
  for (const Counter* c : {&env_reason, &env_factor, &env_how, &reason, &origin, &origin_region, &destination,
                           &year, &organisation, &age, &gender, &lang}) {
    Table t = c->Build();
    Suppress(t, min_cell);
    r.tables.push_back(std::move(t));
  }
  return r;
}

}  // namespace waymark::survey
