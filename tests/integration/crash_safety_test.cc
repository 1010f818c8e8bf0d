// "A crash never loses a committed write": the server is killed with SIGKILL
// again and again while a client streams writes through the API (creates,
// If-Match edits, submit and publish), and restarted each time on the same
// database and search index. Afterwards every write that was acknowledged
// (a 2xx reached the client) is there, SQLite's integrity check passes, and
// the search index catches up with every acknowledged publish.
//
// Bounded by a number of kills and by a deadline, so a slow (sanitizer) build
// does fewer kills rather than taking longer.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// What the client was told about one campaign.
struct Acked {
  std::string title;
  std::string word;     // unique word in the title
  int version = 0;      // the highest version acknowledged (from ETag)
  std::string summary;  // the summary of that version, when it was an edit
  bool published = false;
};

int VersionOf(const HttpResponse& r) {
  std::string etag = r.Header("ETag");
  if (etag.size() < 3) return 0;
  try {
    return std::stoi(etag.substr(1, etag.size() - 2));
  } catch (...) {
    return 0;
  }
}

class CrashSafetyTest : public ServerTest {};

TEST_P(CrashSafetyTest, AcknowledgedWritesSurviveKill9) {
  std::string org = d().Unique("crash-org");
  Person editor = Editor(org);
  const std::string token = d().CreateToken(editor.email);
  const std::string admin = d().AdminToken();
  std::string run = "zqcrash" + d().Unique("r");
  std::erase(run, '-');

  std::atomic<int> port{server().port()};  // 0 while the server is down
  std::atomic<bool> stop{false};
  std::atomic<long> attempts{0}, acked_writes{0}, server_errors{0};
  std::mutex mu;
  std::map<long long, Acked> acked;  // GUARDED_BY(mu)
  std::string first_5xx;             // GUARDED_BY(mu)

  // The writer: create, edit twice with If-Match, submit, publish; over and
  // over. A request cut off by a kill is simply not acknowledged.
  std::thread writer([&] {
    int n = 0;
    auto send = [&](const std::string& method, const std::string& target, const json& body,
                    HeaderList headers) -> HttpResponse {
      while (!stop) {
        int p = port.load();
        if (p == 0) {
          std::this_thread::sleep_for(milliseconds(10));
          continue;
        }
        ++attempts;
        try {
          HttpClient c(p, seconds(10));
          HttpResponse r =
              body.is_null() ? c.Request(method, target, headers) : c.SendJson(method, target, body, headers);
          if (r.status >= 500) {
            ++server_errors;
            std::lock_guard<std::mutex> lock(mu);
            if (first_5xx.empty()) first_5xx = method + " " + target + ": " + r.Describe();
          }
          return r;
        } catch (const std::exception&) {
          return HttpResponse{};  // cut off: unknown outcome
        }
      }
      return HttpResponse{};
    };
    while (!stop) {
      std::string word = run + "n" + std::to_string(++n);
      std::string title = "Crash " + run + " " + word;
      HttpResponse c = send("POST", "/api/v1/campaigns",
                            {{"organisation", org}, {"title", {{"en", title}}}, {"summary", {{"en", "v1"}}}},
                            {{"Authorization", "Bearer " + token}});
      if (c.status != 201) continue;
      long long id = c.Json()["id"];
      int version = VersionOf(c);
      {
        std::lock_guard<std::mutex> lock(mu);
        acked[id] = {title, word, version, "v1", false};
      }
      ++acked_writes;
      std::string url = "/api/v1/campaigns/" + std::to_string(id);
      for (int edit = 0; edit < 2 && !stop; ++edit) {
        std::string summary = "edit " + std::to_string(edit) + " of " + word;
        HttpResponse p =
            send("PATCH", url, {{"summary", {{"en", summary}}}},
                 {{"Authorization", "Bearer " + token}, {"If-Match", "\"" + std::to_string(version) + "\""}});
        if (p.status == 200) {
          version = VersionOf(p);
          std::lock_guard<std::mutex> lock(mu);
          acked[id].version = version;
          acked[id].summary = summary;
          ++acked_writes;
        } else {
          // Cut off or stale (an edit that committed but was not acknowledged): read the version again.
          HttpResponse g = send("GET", url, nullptr, {{"Authorization", "Bearer " + token}});
          if (g.status == 200) version = VersionOf(g);
        }
      }
      HttpResponse s = send("POST", url + "/submit", nullptr, {{"Authorization", "Bearer " + token}});
      HttpResponse p = send("POST", url + "/publish", nullptr, {{"Authorization", "Bearer " + admin}});
      if (p.status == 200) {
        std::lock_guard<std::mutex> lock(mu);
        acked[id].published = true;
        acked[id].version = std::max(acked[id].version, VersionOf(p));
        ++acked_writes;
      }
      (void)s;
    }
  });

  std::mt19937 random(static_cast<unsigned>(GetParam() == Backend::kSqlite ? 1 : 2));
  Clock::time_point deadline = Clock::now() + seconds(40);
  int kills = 0;
  std::string restart_error;
  for (; kills < 30 && Clock::now() < deadline; ++kills) {
    std::this_thread::sleep_for(milliseconds(100 + random() % 400));
    port = 0;
    d().KillServer();
    try {
      d().StartServer();
    } catch (const std::exception& e) {
      restart_error = e.what();
      break;
    }
    port = server().port();
  }
  std::this_thread::sleep_for(milliseconds(300));
  stop = true;
  writer.join();
  ASSERT_EQ(restart_error, "") << "the server did not start again after kill " << kills + 1;
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(server_errors.load(), 0) << first_5xx;
  }
  ASSERT_GE(kills, 5);
  ASSERT_GT(acked_writes.load(), 0) << attempts << " attempts, none acknowledged";

  // Every acknowledged write is there.
  HttpClient c = client();
  HeaderList auth = Bearer(admin);
  int published = 0;
  for (const auto& [id, a] : acked) {
    HttpResponse r = c.Get("/api/v1/campaigns/" + std::to_string(id), auth);
    ASSERT_EQ(r.status, 200) << "acknowledged campaign " << id << " is gone: " << r.Describe();
    json j = r.Json();
    EXPECT_EQ(j["title"]["en"], a.title);
    int version = VersionOf(r);
    EXPECT_GE(version, a.version) << "campaign " << id << " lost an acknowledged change";
    if (version == a.version && !a.published) {
      EXPECT_EQ(j["summary"]["en"], a.summary) << id;
    }
    if (a.published) {
      EXPECT_EQ(j["lifecycle"], "published") << id;
      ++published;
    }
  }

  // The index catches up with every acknowledged publish (bounded wait).
  Clock::time_point search_deadline = Clock::now() + seconds(30);
  std::vector<std::string> missing;
  do {
    missing.clear();
    for (const auto& [id, a] : acked) {
      if (!a.published) continue;
      HttpResponse r = c.Get("/api/v1/campaigns?q=" + a.word);
      if (r.status != 200 || r.Json()["total"] != 1) missing.push_back(a.word);
    }
    if (!missing.empty()) std::this_thread::sleep_for(milliseconds(500));
  } while (!missing.empty() && Clock::now() < search_deadline);
  EXPECT_TRUE(missing.empty()) << missing.size() << " of " << published
                               << " acknowledged publishes are not found, e.g. " << missing.front();

  std::cout << "[crash] " << kills << " kills, " << attempts << " requests, " << acked_writes
            << " acknowledged writes, " << acked.size() << " campaigns, " << published << " published\n";

  int code = d().StopServer();
  EXPECT_EQ(code, 0) << DescribeExit(code);
  if (GetParam() == Backend::kSqlite) {
    EXPECT_EQ(d().db().QueryValue("PRAGMA integrity_check"), "ok");
  }
}

WM_INSTANTIATE_BACKENDS(CrashSafetyTest);

}  // namespace
}  // namespace waymark::it
