// The forecasts module over HTTP, on both backends: a member uploads a
// scenario as a zip made here from ../shared/data/flee/mali (its period cut
// to 60 days so that runs take seconds under the sanitizers), runs it, polls
// the run to completion with a bounded loop, reads the results as JSON and
// CSV and the run page's SVG charts; malformed zips and a malformed CSV
// inside are 422 naming file:line:column; a run is cancelled; over-limit
// runs are 422 naming the field; a what-if copy closes a border and the two
// runs are compared side by side.
#include <zip.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;

struct File {
  std::string path;
  std::string content;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Mali's input and validation folders as a zip's "mali/…" and
// "mali2012/…", with sim_period.csv cut to `days`.
std::vector<File> MaliFiles(int days = 60) {
  std::string root = std::string(WAYMARK_SHARED_DATA) + "/flee/mali/";
  std::vector<File> files;
  for (const char* dir : {"conflict_input/mali", "conflict_validation/mali2012"}) {
    std::string base = std::filesystem::path(dir).filename().string();
    for (const auto& e : std::filesystem::directory_iterator(root + dir)) {
      if (e.path().extension() != ".csv") continue;
      files.push_back({base + "/" + e.path().filename().string(), ReadFile(e.path().string())});
    }
  }
  for (auto& f : files) {
    if (f.path == "mali/sim_period.csv")
      f.content = "StartDate,2012-02-29\nLength," + std::to_string(days) + "\n";
  }
  return files;
}

std::string Zip(const std::vector<File>& files) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  zip_source_keep(src);
  for (const auto& f : files) {
    char* copy = static_cast<char*>(malloc(f.content.size() + 1));
    memcpy(copy, f.content.data(), f.content.size());
    zip_file_add(z, f.path.c_str(), zip_source_buffer(z, copy, f.content.size(), 1), ZIP_FL_OVERWRITE);
  }
  zip_close(z);
  zip_source_open(src);
  zip_source_seek(src, 0, SEEK_END);
  zip_int64_t size = zip_source_tell(src);
  zip_source_seek(src, 0, SEEK_SET);
  std::string out(static_cast<size_t>(size), '\0');
  zip_source_read(src, out.data(), static_cast<zip_uint64_t>(size));
  zip_source_close(src);
  zip_source_free(src);
  zip_error_fini(&err);
  return out;
}

class ForecastsTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.config = {
        {"forecast_max_active_per_user", 4}, {"forecast_max_seeds", 5}, {"forecast_lease_seconds", 6}};
    return o;
  }

  struct Member {
    Person person;
    std::string token;
  };
  Member NewMember() {
    std::string org = d().Unique("fc");
    d().EnsureOrganisation(org);
    Person p = d().AddPerson({.label = "fc", .org = org});
    return {p, d().CreateToken(p.email)};
  }
  HttpResponse Upload(const Member& m, const std::string& zip, const std::string& title = "Mali") {
    HeaderList h = Bearer(m.token);
    h.emplace_back("Content-Type", "application/zip");
    return client().Request("POST", "/api/v1/forecasts/scenarios?title=" + UrlEncode(title), h, zip);
  }
  long long Scenario(const Member& m) {
    HttpResponse r = Upload(m, Zip(MaliFiles()));
    EXPECT_EQ(r.status, 201) << r.Describe();
    return r.status == 201 ? r.Json()["id"].get<long long>() : 0;
  }
  long long StartRun(const Member& m, long long scenario, int seeds = 1) {
    HttpResponse r =
        client().SendJson("POST", "/api/v1/forecasts/scenarios/" + std::to_string(scenario) + "/runs",
                          {{"seeds", seeds}}, Bearer(m.token));
    EXPECT_EQ(r.status, 202) << r.Describe();
    return r.status == 202 ? r.Json()["id"].get<long long>() : 0;
  }
  // Polls the run until it is no longer queued or running (at most ~4 minutes).
  json Wait(const Member& m, long long run) {
    json j;
    for (int i = 0; i < 1200; ++i) {
      HttpResponse r = client().Get("/api/v1/forecasts/runs/" + std::to_string(run), Bearer(m.token));
      if (r.status != 200) {
        ADD_FAILURE() << r.Describe();
        return json::object();
      }
      j = r.Json();
      if (!j["active"].get<bool>()) return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ADD_FAILURE() << "the run did not finish: " << j.dump();
    return j;
  }
};

TEST_P(ForecastsTest, UploadRunAndReadTheResults) {
  Member m = NewMember();
  long long id = Scenario(m);
  ASSERT_GT(id, 0);
  long long run = StartRun(m, id, 2);
  ASSERT_GT(run, 0);
  json done = Wait(m, run);
  ASSERT_EQ(done["state"], "done") << done.dump();
  EXPECT_EQ(done["progress"], 1.0);
  EXPECT_EQ(done["summary"]["camps"].size(), 7u);
  EXPECT_GT(done["summary"]["error"].get<double>(), 0.0);

  HttpResponse results =
      client().Get("/api/v1/forecasts/runs/" + std::to_string(run) + "/results", Bearer(m.token));
  ASSERT_EQ(results.status, 200) << results.Describe();
  json rj = results.Json();
  ASSERT_EQ(rj["days"].size(), 60u);
  EXPECT_EQ(rj["days"][0]["date"], "2012-02-29");
  EXPECT_EQ(rj["days"][59]["simulated"].size(), 7u);
  EXPECT_EQ(rj["route_flows"].size(), 35u);

  std::string base = "/futures/forecasts/" + std::to_string(run);
  HttpResponse csv = client().Get(base + "/series.csv", Bearer(m.token));
  ASSERT_EQ(csv.status, 200) << csv.Describe();
  EXPECT_EQ(csv.body.rfind("day,date,", 0), 0u);
  EXPECT_NE(csv.body.find(",total\r\n"), std::string::npos);
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 61);
  HttpResponse errors = client().Get(base + "/errors.csv", Bearer(m.token));
  ASSERT_EQ(errors.status, 200);
  EXPECT_EQ(errors.body.rfind("day,date,error,error_rescaled", 0), 0u);

  HttpResponse page = client().Get(base, Bearer(m.token));
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_FALSE(page.HasHeader("refresh"));
  EXPECT_GE(std::count(page.body.begin(), page.body.end(), '<'), 100);
  size_t charts = 0;
  for (size_t at = page.body.find("<svg"); at != std::string::npos; at = page.body.find("<svg", at + 1))
    ++charts;
  EXPECT_EQ(charts, 9u) << "7 camps, the error and the map";
  EXPECT_NE(page.body.find("<title id=\"map-t\">"), std::string::npos);
  EXPECT_NE(page.body.find("<desc id=\"err-d\">"), std::string::npos);

  // Unpublished: nobody else sees it; published: everyone does.
  EXPECT_EQ(client().Get(base).status, 404);
  EXPECT_EQ(client().Get("/api/v1/forecasts/scenarios/" + std::to_string(id)).status, 404);
}

TEST_P(ForecastsTest, MalformedUploadsNameTheFile) {
  Member m = NewMember();
  auto field = [](const HttpResponse& r) { return r.Json()["error"]["fields"]["file"].get<std::string>(); };
  HttpResponse junk = Upload(m, "not a zip at all");
  ASSERT_EQ(junk.status, 422) << junk.Describe();
  EXPECT_NE(field(junk).find("not a zip"), std::string::npos);

  std::vector<File> files = MaliFiles();
  for (auto& f : files) {
    if (f.path == "mali/routes.csv")
      f.content = "#name1,name2,distance\nKidal,Timbuktu,100\nKidal,Menaka,-5\n";
  }
  HttpResponse bad_csv = Upload(m, Zip(files));
  ASSERT_EQ(bad_csv.status, 422) << bad_csv.Describe();
  EXPECT_NE(field(bad_csv).find("input/routes.csv:3:"), std::string::npos) << field(bad_csv);

  files = MaliFiles();
  files.push_back({"../../etc/passwd", "x"});
  HttpResponse traversal = Upload(m, Zip(files));
  ASSERT_EQ(traversal.status, 422);
  EXPECT_NE(field(traversal).find("../../etc/passwd"), std::string::npos);

  files = MaliFiles();
  std::erase_if(files, [](const File& f) { return f.path == "mali2012/data_layout.csv"; });
  HttpResponse missing = Upload(m, Zip(files));
  ASSERT_EQ(missing.status, 422);
  EXPECT_NE(field(missing).find("data_layout.csv"), std::string::npos);

  files = MaliFiles();
  for (auto& f : files) {
    if (f.path == "mali2012/nig-abala.csv")
      f.content = "Date,Refugee_numbers\n2012-03-01,12\n2012-0x-05,40\n";
  }
  HttpResponse bad_series = Upload(m, Zip(files));
  ASSERT_EQ(bad_series.status, 422);
  EXPECT_NE(field(bad_series).find("validation/nig-abala.csv:3:"), std::string::npos) << field(bad_series);

  HeaderList h = Bearer(m.token);
  h.emplace_back("Content-Type", "text/plain");
  EXPECT_EQ(client().Request("POST", "/api/v1/forecasts/scenarios?title=x", h, "x").status, 415);
  Person outsider = d().AddPerson({.label = "fcout"});
  HeaderList o = Bearer(d().CreateToken(outsider.email));
  o.emplace_back("Content-Type", "application/zip");
  EXPECT_EQ(client().Request("POST", "/api/v1/forecasts/scenarios?title=x", o, Zip(MaliFiles())).status, 403);
}

TEST_P(ForecastsTest, CancelAndLimits) {
  Member m = NewMember();
  long long id = Scenario(m);
  ASSERT_GT(id, 0);
  HttpResponse many = client().SendJson("POST", "/api/v1/forecasts/scenarios/" + std::to_string(id) + "/runs",
                                        {{"seeds", 6}}, Bearer(m.token));
  ASSERT_EQ(many.status, 422) << many.Describe();
  EXPECT_TRUE(many.Json()["error"]["fields"].contains("seeds"));
  long long run = StartRun(m, id, 5);
  ASSERT_GT(run, 0);
  HttpResponse cancel =
      client().Request("POST", "/api/v1/forecasts/runs/" + std::to_string(run) + "/cancel", Bearer(m.token));
  ASSERT_EQ(cancel.status, 200) << cancel.Describe();
  json end = Wait(m, run);
  EXPECT_EQ(end["state"], "cancelled") << end.dump();
  EXPECT_EQ(client()
                .Request("POST", "/api/v1/forecasts/runs/" + std::to_string(run) + "/cancel", Bearer(m.token))
                .status,
            409);
  // Someone else may not cancel or start runs of it.
  Member other = NewMember();
  EXPECT_EQ(client()
                .SendJson("POST", "/api/v1/forecasts/scenarios/" + std::to_string(id) + "/runs",
                          {{"seeds", 1}}, Bearer(other.token))
                .status,
            404);
  EXPECT_EQ(
      client().Get("/api/v1/forecasts/runs/" + std::to_string(run) + "/results", Bearer(m.token)).status,
      409);
}

TEST_P(ForecastsTest, WhatIfCopyAndCompare) {
  Member m = NewMember();
  long long id = Scenario(m);
  ASSERT_GT(id, 0);
  std::string copy_url = "/api/v1/forecasts/scenarios/" + std::to_string(id) + "/copy";
  HttpResponse bad = client().SendJson(
      "POST", copy_url, {{"changes", {{{"kind", "close_location"}, {"a", "Atlantis"}, {"day", 3}}}}},
      Bearer(m.token));
  ASSERT_EQ(bad.status, 422) << bad.Describe();
  EXPECT_TRUE(bad.Json()["error"]["fields"].contains("changes"));
  HttpResponse bad_day = client().SendJson(
      "POST", copy_url,
      {{"changes", {{{"kind", "close_country"}, {"a", "Mali"}, {"b", "Niger"}, {"day", "x"}}}}},
      Bearer(m.token));
  ASSERT_EQ(bad_day.status, 422);
  EXPECT_TRUE(bad_day.Json()["error"]["fields"].contains("change_day"));
  HttpResponse copy = client().SendJson(
      "POST", copy_url,
      {{"title", "Niger closed"},
       {"changes", {{{"kind", "close_country"}, {"a", "Mali"}, {"b", "Niger"}, {"day", 0}}}}},
      Bearer(m.token));
  ASSERT_EQ(copy.status, 201) << copy.Describe();
  EXPECT_EQ(copy.Json()["parent_id"], id);
  long long copy_id = copy.Json()["id"].get<long long>();
  long long a = StartRun(m, id);
  long long b = StartRun(m, copy_id);
  ASSERT_EQ(Wait(m, a)["state"], "done");
  ASSERT_EQ(Wait(m, b)["state"], "done");
  HttpResponse cmp = client().Get("/futures/forecasts/" + std::to_string(a) + "/compare/" + std::to_string(b),
                                  Bearer(m.token));
  ASSERT_EQ(cmp.status, 200) << cmp.Describe();
  EXPECT_NE(cmp.body.find("Niger closed"), std::string::npos);
  EXPECT_NE(cmp.body.find("Abala"), std::string::npos);
  EXPECT_NE(cmp.body.find("<title id=\"cmperr-t\">"), std::string::npos);
  // Niger's camps get fewer people with the border shut.
  auto niger = [&](long long run) {
    json r =
        client().Get("/api/v1/forecasts/runs/" + std::to_string(run) + "/results", Bearer(m.token)).Json();
    json camps = r["summary"]["camps"];
    double sum = 0;
    for (size_t c = 0; c < camps.size(); ++c) {
      std::string name = camps[c].get<std::string>();
      if (name == "Abala" || name == "Mangaize" || name == "Niamey" || name == "Tabareybarey")
        sum += r["days"][59]["simulated"][c].get<double>();
    }
    return sum;
  };
  EXPECT_LT(niger(b), niger(a));
  // The scenario page links the comparison with the original.
  HttpResponse page =
      client().Get("/futures/forecasts/scenarios/" + std::to_string(copy_id), Bearer(m.token));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("/compare/"), std::string::npos);
}

// A server killed while a run runs: once its heartbeat is older than the
// lease (6 s here), the restarted one marks it interrupted, never leaving it
// "running". Last: it restarts the suite's server.
TEST_P(ForecastsTest, ARunLeftRunningByACrashIsInterruptedAtStartUp) {
  Member m = NewMember();
  HttpResponse r = Upload(m, Zip(MaliFiles(300)));
  ASSERT_EQ(r.status, 201) << r.Describe();
  long long run = StartRun(m, r.Json()["id"].get<long long>(), 5);
  ASSERT_GT(run, 0);
  std::string state;
  for (int i = 0; i < 300 && state != "running"; ++i) {
    state = client().Get("/api/v1/forecasts/runs/" + std::to_string(run), Bearer(m.token)).Json()["state"];
    if (state != "running") std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(state, "running");
  d().KillServer();
  d().StartServer();
  json after;
  for (int i = 0; i < 300; ++i) {
    after = client().Get("/api/v1/forecasts/runs/" + std::to_string(run), Bearer(m.token)).Json();
    if (after["state"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(after["state"], "interrupted") << after.dump();
  EXPECT_FALSE(after["active"].get<bool>());
  // The person may run again: an interrupted run does not count against the limit.
  EXPECT_GT(StartRun(m, r.Json()["id"].get<long long>(), 1), 0);
}

WM_INSTANTIATE_BACKENDS(ForecastsTest);

}  // namespace
}  // namespace waymark::it
