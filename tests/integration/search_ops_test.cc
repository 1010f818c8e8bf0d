// The search index as an operator sees it: it is rebuilt when lost, catches
// up after falling behind the database, and `waymark reindex` rebuilds it.
#include <filesystem>

#include "fixture.h"

namespace waymark::it {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class SearchOpsTest : public ServerTest {
 protected:
  // Creates and publishes a campaign (the admin moderates); returns its id.
  long long Publish(const std::string& org, const std::string& title) {
    d().EnsureOrganisation(org);
    HeaderList auth = Bearer(d().AdminToken());
    json body = {{"organisation", org},
                 {"title", {{"en", title}}},
                 {"summary", {{"en", "A campaign made by the search operations test."}}},
                 {"countries", {"KEN"}},
                 {"themes", {"inclusion"}}};
    HttpResponse created = client().SendJson("POST", "/api/v1/campaigns", body, auth);
    EXPECT_EQ(created.status, 201) << created.Describe();
    long long id = created.Json().value("id", 0LL);
    for (const char* step : {"submit", "publish"}) {
      HttpResponse r = client().SendJson("POST", "/api/v1/campaigns/" + std::to_string(id) + "/" + step,
                                         json::object(), auth);
      EXPECT_EQ(r.status, 200) << step << ": " << r.Describe();
    }
    return id;
  }
  long long Total(const std::string& q) {
    HttpResponse r = client().Get("/api/v1/campaigns?q=" + q);
    EXPECT_EQ(r.status, 200) << r.Describe();
    return r.Json().value("total", -1LL);
  }
};

TEST_P(SearchOpsTest, LostIndexIsRebuiltAtStart) {
  Publish(d().Unique("lost"), "Quixotic lighthouse of welcome");
  ASSERT_EQ(Total("quixotic"), 1);

  ASSERT_EQ(d().StopServer(), 0);
  fs::remove_all(d().search_dir());
  d().StartServer();
  EXPECT_EQ(Total("quixotic"), 1) << "the index is rebuilt from the database";
}

TEST_P(SearchOpsTest, IndexBehindTheDatabaseCatchesUpAtStart) {
  Publish(d().Unique("behind"), "Zephyr choir of neighbours");
  ASSERT_EQ(d().StopServer(), 0);
  // Keep the index as it is now, then change the database without it.
  std::string saved = d().dir().File("search-saved");
  fs::remove_all(saved);
  fs::copy(d().search_dir(), saved, fs::copy_options::recursive);
  d().StartServer();
  Publish(d().Unique("behind"), "Wombat festival of languages");
  d().KillServer();  // a crash; the database has the campaign, the old index does not
  fs::remove_all(d().search_dir());
  fs::rename(saved, d().search_dir());

  d().StartServer();
  EXPECT_EQ(Total("zephyr"), 1);
  EXPECT_EQ(Total("wombat"), 1) << "the index applies the changes it missed";
}

TEST_P(SearchOpsTest, ANewInstanceStartsFromASnapshotAndCatchesUp) {
  Publish(d().Unique("snap"), "Quokka parade of newcomers");
  // Taken while the server runs, then a write the copy does not hold.
  std::string snap = d().dir().File("snapshot");
  fs::remove_all(snap);
  CliResult r = d().Cli({"snapshot-index", "--search-dir", d().search_dir(), "--out", snap});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("up to change "), std::string::npos) << r.out;
  Publish(d().Unique("snap"), "Narwhal market of trades");

  ASSERT_EQ(d().StopServer(), 0);
  fs::remove_all(d().search_dir());
  fs::rename(snap, d().search_dir());
  d().StartServer();
  EXPECT_EQ(Total("quokka"), 1);
  EXPECT_EQ(Total("narwhal"), 1) << "the changes after the copy come from the change feed";
  EXPECT_EQ(d().server().Stderr().find("index rebuilt"), std::string::npos)
      << "started from the copy, not rebuilt:\n"
      << d().server().Stderr();
}

TEST_P(SearchOpsTest, SnapshotRefusesWhatItCannotDo) {
  std::string taken = d().dir().File("taken");
  fs::create_directories(taken);
  CliResult exists = d().Cli({"snapshot-index", "--search-dir", d().search_dir(), "--out", taken});
  EXPECT_EQ(exists.exit_code, 2) << exists.Describe();
  EXPECT_NE(exists.err.find("already exists"), std::string::npos) << exists.Describe();
  CliResult missing = d().Cli(
      {"snapshot-index", "--search-dir", d().dir().File("no-such-index"), "--out", d().dir().File("copy")});
  EXPECT_EQ(missing.exit_code, 1) << missing.Describe();
  EXPECT_NE(missing.err.find("no search index"), std::string::npos) << missing.Describe();
  EXPECT_FALSE(fs::exists(d().dir().File("copy")));
  CliResult no_out = d().Cli({"snapshot-index", "--search-dir", d().search_dir()});
  EXPECT_EQ(no_out.exit_code, 2) << no_out.Describe();
  EXPECT_NE(no_out.err.find("--out"), std::string::npos) << no_out.Describe();
}

TEST_P(SearchOpsTest, ReindexRebuildsFromTheDatabase) {
  Publish(d().Unique("reindex"), "Yodelling bakery against rumours");
  ASSERT_EQ(d().StopServer(), 0);

  CliResult r = d().Cli({"reindex", "--search-dir", d().search_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("indexed "), std::string::npos) << r.out;

  d().StartServer();
  EXPECT_EQ(Total("yodelling"), 1);
}

TEST_P(SearchOpsTest, ReindexRefusesWhileTheServerHoldsTheIndex) {
  CliResult r = d().Cli({"reindex", "--search-dir", d().search_dir()});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("search index"), std::string::npos) << r.err;
}

WM_INSTANTIATE_BACKENDS(SearchOpsTest);

}  // namespace
}  // namespace waymark::it
