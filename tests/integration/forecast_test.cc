// `waymark forecast run` on a Flee case: what it prints, the CSV it writes,
// and the one-line file:line:column error (exit 2) for malformed input;
// `waymark forecast validate`: its table of the three cases. No database is
// involved, so the PostgreSQL instance skips.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fixture.h"

namespace waymark::it {
namespace {

const std::string kFlee = std::string(WAYMARK_SHARED_DATA) + "/flee";

class ForecastCliTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() != Backend::kSqlite) GTEST_SKIP() << "no database is involved: once is enough";
  }
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

TEST_P(ForecastCliTest, RunsMaliAndWritesTheCampCsv) {
  std::string out = testing::TempDir() + "/forecast_mali.csv";
  CliResult r =
      RunCli({"forecast", "run", "--input", kFlee + "/mali/conflict_input/mali", "--settings",
              kFlee + "/simsetting.yml", "--days", "15", "--seeds", "2", "--threads", "2", "--out", out},
             "", std::chrono::seconds(120));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("error (averaged relative difference): "), std::string::npos) << r.Describe();
  EXPECT_NE(r.out.find("error rescaled: "), std::string::npos) << r.Describe();
  EXPECT_NE(r.out.find("M agent-days/s per core"), std::string::npos) << r.Describe();
  std::string csv = Slurp(out);
  EXPECT_EQ(
      csv.rfind("day,date,Fassala-Mbera,Mentao,Bobo-Dioulasso,Abala,Mangaize,Niamey,Tabareybarey,total\n"
                "0,2012-02-29,",
                0),
      0u)
      << csv.substr(0, 200);
  int lines = 0;
  for (char c : csv) lines += c == '\n';
  EXPECT_EQ(lines, 16);
}

TEST_P(ForecastCliTest, MalformedInputExits2NamingFileLineAndColumn) {
  std::string dir = testing::TempDir() + "/forecast_bad";
  std::filesystem::remove_all(dir);
  std::filesystem::copy(kFlee + "/mali/conflict_input/mali", dir);
  std::string routes = Slurp(dir + "/routes.csv");
  // Line 3 names a place that is not in locations.csv.
  size_t second = routes.find('\n', routes.find('\n') + 1);
  size_t third = routes.find('\n', second + 1);
  routes.replace(second + 1, third - second - 1, "Kidal,Nowhere,10");
  std::ofstream(dir + "/routes.csv") << routes;
  CliResult r = RunCli(
      {"forecast", "run", "--input", dir, "--validation", kFlee + "/mali/conflict_validation/mali2012"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_EQ(r.err, "waymark: " + dir + "/routes.csv:3:7: unknown location \"Nowhere\"\n") << r.Describe();
  EXPECT_EQ(r.out, "");
}

// The cells of a Markdown table row "| a | b |": {"a", "b"}.
std::vector<std::string> Cells(const std::string& row) {
  std::vector<std::string> cells;
  size_t at = 1;
  while (at < row.size()) {
    size_t bar = row.find('|', at);
    if (bar == std::string::npos) break;
    std::string cell = row.substr(at, bar - at);
    cell.erase(0, cell.find_first_not_of(' '));
    cell.erase(cell.find_last_not_of(' ') + 1);
    cells.push_back(cell);
    at = bar + 1;
  }
  return cells;
}

// A whole cell is a number.
bool IsNumber(const std::string& s) {
  if (s.empty()) return false;
  size_t used = 0;
  try {
    (void)std::stod(s, &used);
  } catch (const std::exception&) {
    return false;
  }
  return used == s.size();
}

TEST_P(ForecastCliTest, ValidatePrintsOneRowPerCaseWithNumbersThatParse) {
  CliResult r =
      RunCli({"forecast", "validate", "--data", kFlee, "--days", "15", "--seeds", "2", "--threads", "2"}, "",
             std::chrono::seconds(180));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("| ", 0) == 0) rows.push_back(Cells(line));
  ASSERT_EQ(rows.size(), 5u) << r.Describe();  // header, alignment, three cases
  const std::vector<std::string> header = {"case",
                                           "days",
                                           "E",
                                           "E rescaled",
                                           "max E(t), t > 12",
                                           "Flee E",
                                           "Flee E rescaled",
                                           "flat7",
                                           "flat30",
                                           "sloped7",
                                           "sloped30",
                                           "ratio7",
                                           "ratio30",
                                           "uniform",
                                           "M agent-days/s per core",
                                           "beats"};
  EXPECT_EQ(rows[0], header);
  const std::vector<std::string> cases = {"burundi", "car", "mali"};
  const std::vector<std::string> flee_e = {"0.585", "0.373", "0.381"};
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& row = rows[i + 2];
    ASSERT_EQ(row.size(), header.size()) << r.Describe();
    EXPECT_EQ(row[0], cases[i]);
    EXPECT_EQ(row[1], "15");
    for (size_t c = 2; c <= 4; ++c) {  // "mean ± sd"
      size_t pm = row[c].find(" ± ");
      ASSERT_NE(pm, std::string::npos) << row[c];
      EXPECT_TRUE(IsNumber(row[c].substr(0, pm))) << row[c];
      EXPECT_TRUE(IsNumber(row[c].substr(pm + std::string(" ± ").size()))) << row[c];
    }
    EXPECT_EQ(row[5], flee_e[i]);
    for (size_t c = 6; c <= 14; ++c) EXPECT_TRUE(IsNumber(row[c])) << header[c] << ": " << row[c];
    EXPECT_GT(std::stod(row[14]), 0) << "speed";
    // 15 days are not Flee's period: no comparison with Flee's figure.
    EXPECT_EQ(row[15].find("Flee"), std::string::npos) << row[15];
  }
}

TEST_P(ForecastCliTest, ValidateRefusesMalformedInputWithExit2) {
  std::string data = testing::TempDir() + "/forecast_validate_bad";
  std::filesystem::remove_all(data);
  std::filesystem::create_directories(data + "/mali/conflict_input");
  std::filesystem::create_directories(data + "/mali/conflict_validation");
  std::filesystem::copy(kFlee + "/mali/conflict_input/mali", data + "/mali/conflict_input/mali");
  std::filesystem::copy(kFlee + "/mali/conflict_validation/mali2012",
                        data + "/mali/conflict_validation/mali2012");
  CliResult r = RunCli({"forecast", "validate", "--data", data, "--cases", "mali"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_NE(r.err.find("simsetting.yml: no such file"), std::string::npos) << r.Describe();
  std::filesystem::copy(kFlee + "/simsetting.yml", data + "/simsetting.yml");
  std::string routes_path = data + "/mali/conflict_input/mali/routes.csv";
  std::string routes = Slurp(routes_path);
  size_t second = routes.find('\n', routes.find('\n') + 1);
  size_t third = routes.find('\n', second + 1);
  routes.replace(second + 1, third - second - 1, "Kidal,Nowhere,10");
  std::ofstream(routes_path) << routes;
  r = RunCli({"forecast", "validate", "--data", data, "--cases", "mali", "--seeds", "1", "--days", "5"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_NE(r.err.find(routes_path + ":3:7: unknown location \"Nowhere\""), std::string::npos)
      << r.Describe();

  // A case that is not one of the three, and a case folder that is missing.
  r = RunCli({"forecast", "validate", "--data", data, "--cases", "mali,syria"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  r = RunCli({"forecast", "validate", "--data", data, "--cases", "car"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_NE(r.err.find("conflict_input/car"), std::string::npos) << r.Describe();
}

WM_INSTANTIATE_BACKENDS(ForecastCliTest);

}  // namespace
}  // namespace waymark::it
