#include "domain/futures/model.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <utility>

namespace waymark::futures {
namespace {

constexpr std::array<std::pair<Phase, std::string_view>, 4> kPhaseNames{{
    {Phase::kStatements, "statements"},
    {Phase::kRating, "rating"},
    {Phase::kVoting, "voting"},
    {Phase::kClosed, "closed"},
}};
constexpr std::array<std::pair<Kind, std::string_view>, 2> kKindNames{{
    {Kind::kPredicted, "predicted"},
    {Kind::kPreferred, "preferred"},
}};

}  // namespace

std::string_view ToString(Phase p) {
  for (const auto& [v, name] : kPhaseNames) {
    if (v == p) return name;
  }
  return "";
}

std::optional<Phase> ParsePhase(std::string_view s) {
  for (const auto& [v, name] : kPhaseNames) {
    if (name == s) return v;
  }
  return std::nullopt;
}

bool PhaseTransitionAllowed(Phase from, Phase to) {
  return static_cast<int>(to) == static_cast<int>(from) + 1;
}

Status FieldStatus(const std::string& field, const std::string& code, const std::string& message,
                   std::map<std::string, std::string> args) {
  FieldErrors errors;
  errors.Add(field, code, message, std::move(args));
  return errors.ToStatus(field + " " + message);
}

Status WrongPhase(Phase needed, Phase actual) {
  return FieldStatus("phase", "fu_phase_closed",
                     "is " + std::string(ToString(actual)) + ": this is possible only in the " +
                         std::string(ToString(needed)) + " phase");
}

std::string_view ToString(Kind k) {
  for (const auto& [v, name] : kKindNames) {
    if (v == k) return name;
  }
  return "";
}

std::optional<Kind> ParseKind(std::string_view s) {
  for (const auto& [v, name] : kKindNames) {
    if (name == s) return v;
  }
  return std::nullopt;
}

std::pair<double, double> MeanSd(const std::vector<int>& values) {
  if (values.empty()) return {0, 0};
  double sum = 0;
  for (int v : values) sum += v;
  double mean = sum / static_cast<double>(values.size());
  if (values.size() < 2) return {mean, 0};
  double sq = 0;
  for (int v : values) sq += (v - mean) * (v - mean);
  return {mean, std::sqrt(sq / static_cast<double>(values.size() - 1))};
}

Results ComputeResults(const Workshop& w, const std::vector<Statement>& statements,
                       const std::vector<Rating>& ratings, const std::vector<Vote>& votes,
                       std::size_t act_now_limit) {
  Results out;
  out.workshop = w;
  out.statements = static_cast<int>(statements.size());
  std::map<Id, const Statement*> by_id;
  for (const auto& s : statements) by_id[s.id] = &s;
  std::map<std::string, std::set<Id>> group_raters;
  std::map<std::string, std::set<Id>> group_voters;
  std::set<Id> raters;
  std::set<Id> voters;
  std::map<Id, std::vector<int>> likelihood;
  std::map<Id, std::vector<int>> desirability;
  std::map<Id, int> vote_count;
  for (const auto& r : ratings) {
    auto it = by_id.find(r.statement_id);
    if (it == by_id.end()) continue;
    group_raters[it->second->group].insert(r.user_id);
    raters.insert(r.user_id);
    likelihood[r.statement_id].push_back(r.likelihood);
    desirability[r.statement_id].push_back(r.desirability);
  }
  for (const auto& v : votes) {
    auto it = by_id.find(v.statement_id);
    if (it == by_id.end()) continue;
    group_voters[it->second->group].insert(v.user_id);
    voters.insert(v.user_id);
    ++vote_count[v.statement_id];
  }
  auto enough = [](const std::map<std::string, std::set<Id>>& m, const std::string& g) {
    auto it = m.find(g);
    return it != m.end() && static_cast<int>(it->second.size()) >= kMinGroup;
  };
  for (const auto& g : w.groups) {
    GroupCount gc{g, 0, 0, enough(group_raters, g), enough(group_voters, g)};
    if (gc.raters_shown) gc.raters = static_cast<int>(group_raters[g].size());
    if (gc.voters_shown) gc.voters = static_cast<int>(group_voters[g].size());
    out.groups.push_back(gc);
  }
  out.raters_shown = static_cast<int>(raters.size()) >= kMinGroup;
  if (out.raters_shown) out.raters = static_cast<int>(raters.size());
  out.voters_shown = static_cast<int>(voters.size()) >= kMinGroup;
  if (out.voters_shown) out.voters = static_cast<int>(voters.size());

  std::vector<StatementResult> all;
  for (const auto& s : statements) {
    StatementResult r;
    r.statement = s;
    r.ratings_shown = enough(group_raters, s.group);
    if (r.ratings_shown) {
      r.raters = static_cast<int>(likelihood[s.id].size());
      std::tie(r.likelihood, r.likelihood_sd) = MeanSd(likelihood[s.id]);
      std::tie(r.desirability, r.desirability_sd) = MeanSd(desirability[s.id]);
    }
    r.votes_shown = enough(group_voters, s.group);
    if (r.votes_shown) r.votes = vote_count[s.id];
    all.push_back(r);
  }
  std::vector<std::string> areas = w.areas;
  for (const auto& s : statements) {
    if (std::find(areas.begin(), areas.end(), s.area) == areas.end()) areas.push_back(s.area);
  }
  for (const auto& a : areas) {
    AreaResult ar;
    ar.area = a;
    for (const auto& r : all) {
      if (r.statement.area != a) continue;
      (r.statement.kind == Kind::kPredicted ? ar.predicted : ar.preferred).push_back(r);
    }
    out.areas.push_back(ar);
  }
  for (const auto& r : all) {
    if (r.ratings_shown && r.raters > 0) out.plotted.push_back(r);
    if (r.votes_shown && r.votes > 0) out.act_now.push_back(r);
  }
  std::stable_sort(out.act_now.begin(), out.act_now.end(),
                   [](const StatementResult& a, const StatementResult& b) { return a.votes > b.votes; });
  if (out.act_now.size() > act_now_limit) out.act_now.resize(act_now_limit);
  return out;
}

}  // namespace waymark::futures
