// The deterministic values of upstream Flee (../shared/data/flee/golden,
// made with agent movement switched off) matched exactly: the data series
// after merging and corrections, the daily spawn counts, debt and raw
// count, the spawn weights, the location scores, the open links, the day-0
// agents and capacities.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "forecast/csv.h"
#include "forecast/engine.h"
#include "forecast/scenario.h"
#include "forecast/settings.h"

namespace waymark::forecast {
namespace {

const std::string kFlee = std::string(WAYMARK_SHARED_DATA) + "/flee";

struct Case {
  const char* settings;  // file stem
  const char* conflict;
  const char* validation;
};

std::string CaseName(const testing::TestParamInfo<Case>& info) {
  return std::string(info.param.settings[0] == 's' ? "S_" : "F3_") + info.param.conflict;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int Col(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
};

Table ReadTable(const std::string& path) {
  auto rows = ParseCsv(Slurp(path), path);
  EXPECT_TRUE(rows.ok()) << path;
  Table t;
  bool first = true;
  for (const auto& r : *rows) {
    if (r.fields.empty()) continue;
    std::vector<std::string> f;
    for (const auto& x : r.fields) f.push_back(x.text);
    if (first) {
      t.header = f;
      first = false;
    } else {
      t.rows.push_back(f);
    }
  }
  return t;
}

double Num(const std::string& s) { return std::stod(s); }

// The numbers of one "key": {"name": value, ...} block of summary.json.
std::map<std::string, double> JsonBlock(const std::string& json, const std::string& key) {
  std::map<std::string, double> out;
  size_t at = json.find("\"" + key + "\": {");
  if (at == std::string::npos) return out;
  size_t end = json.find('}', at);
  std::string block = json.substr(at, end - at);
  size_t p = block.find('{') + 1;
  while (true) {
    size_t q1 = block.find('"', p);
    if (q1 == std::string::npos) break;
    size_t q2 = block.find('"', q1 + 1);
    size_t colon = block.find(':', q2);
    size_t comma = block.find(',', colon);
    std::string value =
        block.substr(colon + 1, (comma == std::string::npos ? block.size() : comma) - colon - 1);
    out[block.substr(q1 + 1, q2 - q1 - 1)] = std::stod(value);
    if (comma == std::string::npos) break;
    p = comma + 1;
  }
  return out;
}

class GoldenTest : public testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    const Case& c = GetParam();
    auto settings = ReadSettings(kFlee + "/" + c.settings + ".yml");
    ASSERT_TRUE(settings.ok()) << settings.status().message();
    settings_ = *settings;
    settings_.freeze_agents_for_test = true;
    std::string base = kFlee + "/" + c.conflict;
    auto scenario = ReadScenario(base + "/conflict_input/" + c.conflict,
                                 base + "/conflict_validation/" + c.validation, settings_);
    ASSERT_TRUE(scenario.ok()) << scenario.status().message();
    scenario_ = std::move(scenario).value();
    golden_ = kFlee + "/golden/" + c.settings + "/" + c.conflict;
  }
  Settings settings_;
  Scenario scenario_;
  std::string golden_;
};

TEST_P(GoldenTest, DataTablesAfterMergingAndCorrections) {
  Table t = ReadTable(golden_ + "/data_tables.csv");
  std::map<std::string, size_t> next;
  for (const auto& row : t.rows) {
    int s = scenario_.FindSeries(row[0]);
    ASSERT_GE(s, 0) << row[0];
    const Series& series = scenario_.series[static_cast<size_t>(s)];
    size_t i = next[row[0]]++;
    ASSERT_LT(i, series.raw.rows().size()) << row[0];
    EXPECT_EQ(series.raw.rows()[i].day, std::stoi(row[1])) << row[0] << " row " << i;
    EXPECT_NEAR(series.raw.rows()[i].value, Num(row[2]), 1e-6) << row[0] << " row " << i;
    EXPECT_NEAR(series.corrected.rows()[i].value, Num(row[3]), 1e-6) << row[0] << " row " << i;
  }
  for (const auto& [name, n] : next) {
    EXPECT_EQ(scenario_.series[static_cast<size_t>(scenario_.FindSeries(name))].raw.rows().size(), n) << name;
  }
}

TEST_P(GoldenTest, DailyCountsWeightsScoresAndLinks) {
  auto sim = Simulation::Create(scenario_, settings_, 1);
  ASSERT_TRUE(sim.ok()) << sim.status().message();
  Simulation& s = **sim;
  Table daily = ReadTable(golden_ + "/daily.csv");
  Table weights = ReadTable(golden_ + "/spawn_weights.csv");
  Table scores = ReadTable(golden_ + "/scores_links.csv");
  ASSERT_EQ(static_cast<int>(daily.rows.size()), scenario_.length);
  ASSERT_EQ(weights.header.size(), scenario_.locations.size() + 1);
  int mismatches = 0;
  for (int t = 0; t < scenario_.length; ++t) {
    ASSERT_TRUE(s.Step().ok());
    const auto& d = daily.rows[static_cast<size_t>(t)];
    ASSERT_EQ(std::stoi(d[0]), t);
    EXPECT_EQ(s.new_agents(), std::stoll(d[static_cast<size_t>(daily.Col("new_refs"))])) << "day " << t;
    EXPECT_EQ(s.AgentCount(), std::stoll(d[static_cast<size_t>(daily.Col("numAgents"))])) << "day " << t;
    EXPECT_EQ(s.raw_count(), std::stoll(d[static_cast<size_t>(daily.Col("refugees_raw"))])) << "day " << t;
    EXPECT_EQ(s.debt(), std::stoll(d[static_cast<size_t>(daily.Col("refugee_debt"))])) << "day " << t;
    EXPECT_EQ(s.observed_in_camps(), std::stoll(d[static_cast<size_t>(daily.Col("refugees_in_camps_UNHCR"))]))
        << "day " << t;
    for (size_t c = 0; c < s.camps().size(); ++c) {
      const std::string& name = scenario_.locations[static_cast<size_t>(s.camps()[c])].name;
      int col = daily.Col(name + " data");
      ASSERT_GE(col, 0) << name;
      EXPECT_EQ(s.Observed(s.CampSeries(c), t), std::stoll(d[static_cast<size_t>(col)]))
          << name << " day " << t;
    }
    const auto& w = weights.rows[static_cast<size_t>(t)];
    const auto& sc = scores.rows[static_cast<size_t>(t)];
    for (size_t i = 0; i < scenario_.locations.size(); ++i) {
      double gw = Num(w[i + 1]);
      double gs = Num(sc[i + 1]);
      // The files print six significant digits (1.80911e+06): equal at that precision.
      if (std::abs(s.spawn_weights_used()[i] - gw) > 5e-6 * std::max(1.0, gw) ||
          std::abs(s.scores()[i] - gs) > 5e-6 * std::max(1.0, gs)) {
        if (++mismatches < 10) {
          ADD_FAILURE() << scenario_.locations[i].name << " day " << t << ": weight "
                        << s.spawn_weights_used()[i] << " (golden " << gw << "), score " << s.scores()[i]
                        << " (golden " << gs << ")";
        }
      }
    }
    EXPECT_EQ(s.OpenLinks(), std::stoi(sc.back())) << "day " << t;
  }
  EXPECT_EQ(mismatches, 0);
}

TEST_P(GoldenTest, DayZeroAgentsAndCapacities) {
  auto sim = Simulation::Create(scenario_, settings_, 1);
  ASSERT_TRUE(sim.ok());
  ASSERT_TRUE((*sim)->Step().ok());
  std::string json = Slurp(golden_ + "/summary.json");
  auto agents = JsonBlock(json, "day0_agents");
  auto caps = JsonBlock(json, "capacity_after_t0");
  auto csv_caps = JsonBlock(json, "capacity_csv");
  ASSERT_FALSE(agents.empty());
  for (int loc : (*sim)->camps()) {
    const std::string& name = scenario_.locations[static_cast<size_t>(loc)].name;
    EXPECT_EQ((*sim)->day0_agents(loc), static_cast<long long>(agents.at(name))) << name;
    EXPECT_EQ((*sim)->capacity(loc), static_cast<long long>(caps.at(name))) << name;
    EXPECT_EQ(scenario_.locations[static_cast<size_t>(loc)].capacity,
              static_cast<long long>(csv_caps.at(name)))
        << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Flee, GoldenTest,
                         testing::Values(Case{"simsetting", "mali", "mali2012"},
                                         Case{"simsetting", "burundi", "burundi2015"},
                                         Case{"simsetting", "car", "car2013"},
                                         Case{"flee3_validation_simsetting", "mali", "mali2012"},
                                         Case{"flee3_validation_simsetting", "burundi", "burundi2015"},
                                         Case{"flee3_validation_simsetting", "car", "car2013"}),
                         CaseName);

}  // namespace
}  // namespace waymark::forecast
