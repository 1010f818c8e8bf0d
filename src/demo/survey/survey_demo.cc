#include "demo/survey/survey_demo.h"

#include <random>
#include <string>
#include <vector>

namespace waymark::demo {
namespace {

struct DemoBatch {
  const char* org;
  const char* label;
  const char* country;  // of interview
  const char* lang;
  int answers;
  std::vector<const char*> origins;
  std::vector<const char*> destinations;
  int env_percent;  // how often the environment is a reason
  std::vector<const char*> factors;
  enum { kOpen, kClosed, kWithdrawn } end = kOpen;
};

const std::vector<DemoBatch>& Batches() {
  static const std::vector<DemoBatch> batches = {
      {"iom",
       "Demo: Agadez transit centre, 2024",
       "NER",
       "fr",
       90,
       {"NER", "MLI", "BFA", "TCD", "NGA"},
       {"NER", "LBY", "DZA", "ITA"},
       55,
       {"drought", "crops", "heat", "land"},
       DemoBatch::kClosed},
      {"drc",
       "Demo: Dolo Ado camps",
       "ETH",
       "en",
       70,
       {"SOM", "ETH", "SSD"},
       {"ETH", "KEN", "YEM"},
       65,
       {"drought", "floods", "crops"}},
      {"caritas",
       "Demo: Tegucigalpa parish",
       "HND",
       "es",
       60,
       {"HND", "GTM", "SLV", "NIC"},
       {"MEX", "USA", "HND"},
       35,
       {"storms", "floods", "crops", "land"}},
      {"coin",
       "Demo: Dhaka coastal workshop",
       "BGD",
       "en",
       50,
       {"BGD"},
       {"BGD", "IND", "ARE"},
       70,
       {"sea_level", "storms", "floods", "land"}},
      {"aea",
       "Demo: Dakar youth centre",
       "SEN",
       "fr",
       45,
       {"SEN", "GIN", "MLI", "GMB"},
       {"SEN", "ESP", "FRA"},
       30,
       {"land", "crops", "sea_level"}},
      {"drc",
       "Demo: test batch entered twice (withdrawn)",
       "ETH",
       "en",
       40,
       {"SOM", "ETH"},
       {"ETH"},
       50,
       {"drought"},
       DemoBatch::kWithdrawn},
  };
  return batches;
}

template <typename T>
const T& Pick(std::mt19937_64& gen, const std::vector<T>& items) {
  return items[std::uniform_int_distribution<std::size_t>(0, items.size() - 1)(gen)];
}

}  // namespace

Result<int> LoadSurvey(survey::SurveyService& svc, std::uint64_t seed) {
  const accounts::Actor actor = accounts::Actor::System();
  WM_ASSIGN_OR_RETURN(auto existing, svc.ListBatches(actor));
  for (const auto& b : existing) {
    if (b.label.rfind("Demo: ", 0) == 0) return 0;
  }
  std::mt19937_64 gen(seed);
  auto percent = [&gen]() { return std::uniform_int_distribution<int>(0, 99)(gen); };
  const std::vector<std::string> ages = {"under18", "18-29", "18-29", "30-44", "30-44", "45-59", "60plus"};
  const std::vector<std::string> genders = {"woman", "man", "woman", "man", "other", "not_said"};
  const std::vector<std::string> other_reasons = {"work", "work", "family", "conflict", "education", "other"};
  const std::vector<std::string> hows = {"sudden", "slow", "slow", "both", "dont_know"};
  int kept = 0;
  for (const auto& d : Batches()) {
    survey::BatchInput in{d.org, d.label, d.country, d.lang};
    WM_ASSIGN_OR_RETURN(survey::Batch batch, svc.OpenBatch(actor, in));
    for (int i = 0; i < d.answers; ++i) {
      survey::AnswerInput a;
      a.consent = "yes";
      // Most interviews in the batch's language, some in another.
      a.lang = percent() < 80 ? d.lang : std::string(survey::kLanguages[static_cast<std::size_t>(i) % 3]);
      a.origin = Pick(gen, d.origins);
      a.destination = Pick(gen, d.destinations);
      a.year = std::to_string(std::uniform_int_distribution<int>(2012, 2024)(gen));
      if (percent() < 60) a.month = std::to_string(std::uniform_int_distribution<int>(1, 12)(gen));
      a.age_band = Pick(gen, ages);
      if (percent() < 85) a.gender = Pick(gen, genders);
      a.reasons.push_back(Pick(gen, other_reasons));
      if (percent() < 30) a.reasons.push_back(Pick(gen, other_reasons));
      int env = percent();
      if (env < d.env_percent) {
        a.env_reason = env < d.env_percent / 2 ? "main" : "one_of";
        a.env_factors.emplace_back(Pick(gen, d.factors));
        if (percent() < 40) a.env_factors.emplace_back(Pick(gen, d.factors));
        a.env_how = Pick(gen, hows);
      } else {
        a.env_reason = env < 92 ? "no" : "dont_know";
      }
      WM_RETURN_IF_ERROR(svc.Submit(actor, batch.token, a, "").status());
    }
    if (d.end == DemoBatch::kClosed) {
      WM_RETURN_IF_ERROR(svc.CloseBatch(actor, batch.id).status());
    } else if (d.end == DemoBatch::kWithdrawn) {
      WM_RETURN_IF_ERROR(
          svc.WithdrawBatch(actor, batch.id, "Entered twice by mistake during training").status());
      continue;
    }
    kept += d.answers;
  }
  return kept;
}

}  // namespace waymark::demo
