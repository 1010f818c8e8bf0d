// `waymark forecast run` on a Flee case: what it prints, the CSV it writes,
// and the one-line file:line:column error (exit 2) for malformed input. No
// database is involved, so the PostgreSQL instance skips.
#include <filesystem>
#include <fstream>
#include <sstream>

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

WM_INSTANTIATE_BACKENDS(ForecastCliTest);

}  // namespace
}  // namespace waymark::it
