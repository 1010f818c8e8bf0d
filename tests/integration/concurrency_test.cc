// The server under concurrent load: several client threads read every public
// GET route while others write (campaigns created, edited with If-Match,
// submitted and published; posts, "useful" marks, reports, follows). Nothing
// may answer 5xx, the server must keep running and stop cleanly, and the
// state must stay consistent afterwards: each "useful" mark counted once, one
// winner per campaign version, the search index in step with the database,
// the report threshold applied once.
//
// Every phase is bounded by a deadline as well as by a count of rounds, so the
// suite also completes against a much slower server (WAYMARK_BIN pointing at a
// ThreadSanitizer build): it then does fewer rounds, not more time.
#include <atomic>
#include <barrier>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

constexpr int kClients = 8;  // client threads hitting the server at once

// What every client thread saw: request count and the failures (5xx, no
// answer, a broken invariant), shared between threads.
class Tally {
 public:
  void Fail(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    ++failures_;
    if (examples_.size() < 15) examples_.push_back(what);
  }
  // Records a response; a 5xx is a failure.
  void Check(const std::string& what, const HttpResponse& r) {
    ++requests_;
    if (r.status >= 500 || r.status == 0) Fail(what + " answered " + r.Describe());
  }
  long requests() const { return requests_; }
  long failures() const {
    std::lock_guard<std::mutex> lock(mu_);
    return failures_;
  }
  std::string Describe() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out = std::to_string(failures_) + " failures in " + std::to_string(requests_) + " requests";
    for (const auto& e : examples_) out += "\n  - " + e.substr(0, 600);
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::atomic<long> requests_{0};
  long failures_ = 0;
  std::vector<std::string> examples_;
};

// Runs body(i) on `threads` threads, each calling it until `deadline` passes
// or it returns false (at most `max_rounds` times). An exception (a request
// that got no answer in time) is a failure, and ends that thread.
void RunClients(int threads, Clock::time_point deadline, int max_rounds, Tally& tally,
                const std::function<bool(int, int)>& body) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int round = 0; round < max_rounds && Clock::now() < deadline; ++round) {
        try {
          if (!body(t, round)) break;
        } catch (const std::exception& e) {
          tally.Fail("client " + std::to_string(t) + ": " + e.what());
          break;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
}

// A word no demo text contains, unique per call: letters and digits only, so
// the index keeps it as one term.
std::string Word(Deployment& d, const std::string& prefix) {
  std::string w = "zq" + prefix + d.Unique("w");
  std::erase(w, '-');
  return w;
}

struct Client {
  Person person;
  std::string token;
  std::string org;  // the organisation they belong to
};

class ConcurrencyTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.demo = true;
    return o;
  }

  // kClients editors of one organisation (they may create campaigns in it,
  // and post, mark and report like any member), each with an API token; made
  // once per deployment (making people is slow: each hashes a password).
  const std::vector<Client>& Members() {
    static std::map<std::string, std::vector<Client>> cache;
    auto& members = cache[d().db_url()];
    if (members.empty()) {
      PersonSpec spec;
      spec.label = "load-member";
      spec.org = "load-members";
      spec.role = "editor";
      std::vector<Person> people = d().AddPeople(spec, kClients);
      std::vector<std::string> emails;
      for (const auto& p : people) emails.push_back(p.email);
      std::vector<std::string> tokens = d().CreateTokens(emails);
      for (std::size_t i = 0; i < people.size(); ++i) members.push_back({people[i], tokens[i], spec.org});
    }
    return members;
  }

  HttpResponse CreateCampaign(const Client& editor, const std::string& title) {
    return client().SendJson("POST", "/api/v1/campaigns",
                             {{"organisation", editor.org},
                              {"title", {{"en", title}}},
                              {"summary", {{"en", "Written under load."}}},
                              {"countries", {"GRC"}},
                              {"themes", {"inclusion"}}},
                             Bearer(editor.token));
  }
  // POST /api/v1/campaigns/{id}/ACTION with a token.
  HttpResponse Action(const std::string& token, long long id, const std::string& action) {
    return client().Request("POST", "/api/v1/campaigns/" + std::to_string(id) + "/" + action, Bearer(token));
  }
  // A new idea thread by `author`; its id and its first post's id (0, 0 on failure).
  std::pair<long long, long long> NewThread(const Client& author, const std::string& title, Tally* tally) {
    HttpResponse r = client().SendJson(
        "POST", "/api/v1/threads", {{"title", title}, {"body", "Body of " + title}}, Bearer(author.token));
    if (tally) tally->Check("POST /api/v1/threads", r);
    if (r.status != 201) return {0, 0};
    json j = r.Json();
    return {j["id"].get<long long>(), j["posts"][0]["id"].get<long long>()};
  }
  // The number of audit entries with this action about this entity.
  long AuditCount(const std::string& action, const std::string& entity_type, long long id) {
    return std::stol(d().db().QueryValue("SELECT count(*) FROM audit_log WHERE action = '" + action +
                                         "' AND entity_type = '" + entity_type + "' AND entity_id = '" +
                                         std::to_string(id) + "'"));
  }
  // Ids from a JSON list's "items".
  std::vector<long long> Ids(const std::string& target) {
    HttpResponse r = client().Get(target);
    EXPECT_EQ(r.status, 200) << r.Describe();
    std::vector<long long> ids;
    if (r.status != 200) return ids;
    json list = r.Json();
    for (const auto& item : list["items"]) ids.push_back(item["id"].get<long long>());
    return ids;
  }

  // Every public GET route on the demo data, with and without query words,
  // facets and filters.
  std::vector<std::string> PublicReads() {
    std::vector<std::string> urls = {
        "/",
        "/signin",
        "/healthz",
        "/metrics",
        "/static/waymark.css",
        "/campaigns",
        "/campaigns?q=migrant",
        "/campaigns?q=migrant&lang=fr",
        "/campaigns?q=xenophobia&country=GRC",
        "/campaigns?theme=inclusion&status=running&channel=events",
        "/campaigns?country=CHE&country=GBR&year=2015&page=2",
        "/campaigns?q=migracion&org=iom",
        "/campaigns.atom",
        "/campaigns.atom?q=migrant&theme=xenophobia",
        "/api/v1/campaigns",
        "/api/v1/campaigns?q=migrant&country=GBR&per_page=5",
        "/api/v1/campaigns?theme=xenophobia&status=planned&lang=es",
        "/api/v1/campaigns.csv",
        "/api/v1/campaigns.csv?q=migrant&country=GRC",
        "/api/v1/themes",
        "/api/v1/openapi.json",
        "/ideas",
        "/ideas?tag=radio",
        "/discussions?q=radio",
        "/discussions?q=migrant&lang=en",
        "/api/v1/posts?q=migrant",
        "/api/v1/posts?q=rumeurs&lang=fr",
        "/api/v1/threads",
        "/api/v1/threads?kind=idea",
        "/groups",
        "/api/v1/groups",
        "/organisations",
        "/organisations/jcwi",
        "/api/v1/organisations",
        "/api/v1/organisations/iom",
    };
    for (long long id : Ids("/api/v1/campaigns?per_page=50")) {
      std::string c = "/campaigns/" + std::to_string(id);
      std::string a = "/api/v1/campaigns/" + std::to_string(id);
      for (const auto& u : {c, c + "/lineage", c + "/lineage.svg", c + "/history", c + "/discussion", a,
                            a + "/lineage", a + "/revisions", a + "/posts"}) {
        urls.push_back(u);
      }
      // Only the revisions a reader may see (drafts and returns are the editors').
      HttpResponse revisions = client().Get(a + "/revisions");
      EXPECT_EQ(revisions.status, 200) << revisions.Describe();
      if (revisions.status != 200) continue;
      json listed = revisions.Json();
      for (const auto& r : listed["items"]) {
        urls.push_back(c + "/history/" + std::to_string(r["version"].get<long long>()));
      }
    }
    for (long long id : Ids("/api/v1/threads?per_page=50")) {
      urls.push_back("/threads/" + std::to_string(id));
      urls.push_back("/api/v1/threads/" + std::to_string(id));
    }
    for (long long id : Ids("/api/v1/groups")) {
      urls.push_back("/groups/" + std::to_string(id));
      urls.push_back("/api/v1/groups/" + std::to_string(id));
    }
    return urls;
  }
};

// N members mark one post "useful" at once, each twice: the post and its thread count each marker once.
TEST_P(ConcurrencyTest, UsefulMarksCountEachMarkerOnce) {
  const std::vector<Client>& members = Members();
  Tally tally;
  Clock::time_point deadline = Clock::now() + seconds(20);
  for (int round = 0; round < 3 && Clock::now() < deadline; ++round) {
    auto [thread, post] = NewThread(members[0], "Useful " + d().Unique("u"), &tally);
    ASSERT_GT(post, 0) << tally.Describe();
    std::string mark = "/api/v1/posts/" + std::to_string(post) + "/useful";
    std::barrier start(kClients);
    RunClients(kClients, deadline + seconds(30), 1, tally, [&](int t, int) {
      start.arrive_and_wait();
      for (int i = 0; i < 2; ++i) {
        HttpResponse r = client().Request("POST", mark, Bearer(members[t].token));
        tally.Check("POST " + mark, r);
        if (r.status != 200) tally.Fail("POST " + mark + " answered " + r.Describe());
      }
      return true;
    });
    ASSERT_EQ(tally.failures(), 0) << tally.Describe();
    HttpResponse r = client().Get("/api/v1/threads/" + std::to_string(thread));
    ASSERT_EQ(r.status, 200) << r.Describe();
    EXPECT_EQ(r.Json()["posts"][0]["useful_count"], kClients) << r.body.substr(0, 600);
    EXPECT_EQ(r.Json()["useful_count"], kClients) << r.body.substr(0, 600);
    EXPECT_EQ(d().db().QueryValue("SELECT count(*) FROM post_useful WHERE post_id = " + std::to_string(post)),
              std::to_string(kClients));
  }
}

// Concurrent edits, each with If-Match of the same version: exactly one wins
// per version, the others are refused as stale, and the versions go up by one.
TEST_P(ConcurrencyTest, IfMatchEditsHaveOneWinnerPerVersion) {
  const Client& e = Members()[0];
  HttpResponse c = CreateCampaign(e, "Versions " + d().Unique("v"));
  ASSERT_EQ(c.status, 201) << c.Describe();
  std::string url = "/api/v1/campaigns/" + c.Json()["id"].dump();
  Tally tally;
  int version = 1;
  Clock::time_point deadline = Clock::now() + seconds(15);
  int rounds = 0;
  for (; rounds < 10 && Clock::now() < deadline; ++rounds) {
    std::atomic<int> won{0}, stale{0};
    std::mutex mu;
    std::string winner_etag;
    std::barrier start(kClients);
    RunClients(kClients, deadline + seconds(30), 1, tally, [&](int t, int) {
      HeaderList h = Bearer(e.token);
      h.emplace_back("If-Match", "\"" + std::to_string(version) + "\"");
      json body = {{"summary", {{"en", "Round " + std::to_string(rounds) + " by " + std::to_string(t)}}}};
      start.arrive_and_wait();
      HttpResponse r = client().SendJson("PATCH", url, body, h);
      tally.Check("PATCH", r);
      if (r.status == 200) {
        ++won;
        std::lock_guard<std::mutex> lock(mu);
        winner_etag = r.Header("ETag");
      } else if (r.status == 409 || r.status == 412) {
        ++stale;
      } else {
        tally.Fail("PATCH answered " + r.Describe());
      }
      return true;
    });
    ASSERT_EQ(tally.failures(), 0) << tally.Describe();
    ASSERT_EQ(won.load(), 1) << "round " << rounds << ": " << won << " edits of version " << version
                             << " won";
    EXPECT_EQ(stale.load(), kClients - 1);
    ++version;
    ASSERT_EQ(winner_etag, "\"" + std::to_string(version) + "\"");
  }
  HttpResponse now = client().Get(url, Bearer(e.token));
  EXPECT_EQ(now.Header("ETag"), "\"" + std::to_string(1 + rounds) + "\"");
  HttpResponse revs = client().Get(url + "/revisions", Bearer(e.token));
  ASSERT_EQ(revs.status, 200) << revs.Describe();
  int expected = 1;
  json revisions = revs.Json();
  for (const auto& item : revisions["items"]) EXPECT_EQ(item["version"], expected++) << revs.body;
  EXPECT_EQ(expected, 2 + rounds) << revs.body;
}

// Campaigns published from several threads at once: afterwards the index
// finds each of them and counts what the database holds.
TEST_P(ConcurrencyTest, SearchIndexKeepsUpWithConcurrentPublishes) {
  const std::vector<Client>& editors = Members();
  const std::string admin = d().AdminToken();
  std::string run = Word(d(), "idx");
  Tally tally;
  std::mutex mu;
  std::vector<std::string> words;
  Clock::time_point deadline = Clock::now() + seconds(10);
  RunClients(6, deadline, 5, tally, [&](int t, int round) {
    const Client& e = editors[t];
    std::string word = run + "t" + std::to_string(t) + "r" + std::to_string(round);
    HttpResponse c = CreateCampaign(e, "Indexed " + run + " " + word);
    tally.Check("create", c);
    if (c.status != 201) {
      tally.Fail("create answered " + c.Describe());
      return false;
    }
    long long id = c.Json()["id"];
    tally.Check("submit", Action(e.token, id, "submit"));
    HttpResponse p = Action(admin, id, "publish");
    tally.Check("publish", p);
    if (p.status != 200) {
      tally.Fail("publish answered " + p.Describe());
      return false;
    }
    std::lock_guard<std::mutex> lock(mu);
    words.push_back(word);
    return true;
  });
  ASSERT_EQ(tally.failures(), 0) << tally.Describe();
  ASSERT_FALSE(words.empty());
  for (const auto& word : words) {
    HttpResponse r = client().Get("/api/v1/campaigns?q=" + word);
    ASSERT_EQ(r.status, 200) << r.Describe();
    EXPECT_EQ(r.Json()["total"], 1) << word;
  }
  EXPECT_EQ(client().Get("/api/v1/campaigns?per_page=1&q=" + run).Json()["total"], words.size());
  // Everything public and published, in the index and in the database.
  std::string in_db = d().db().QueryValue(
      "SELECT count(*) FROM campaigns WHERE lifecycle = 'published' AND visibility = 'public' AND hidden = "
      "0");
  EXPECT_EQ(client().Get("/api/v1/campaigns?per_page=1").Json()["total"].dump(), in_db);
}

// Reports from distinct members on one post arrive at once, more than the
// threshold: the post is hidden once, with one moderation event.
TEST_P(ConcurrencyTest, ReportThresholdAppliesOnce) {
  const std::vector<Client>& members = Members();
  const int reporters = 6;  // the default threshold is 3
  Tally tally;
  Clock::time_point deadline = Clock::now() + seconds(20);
  for (int round = 0; round < 4 && Clock::now() < deadline; ++round) {
    auto [thread, post] = NewThread(members[kClients - 1], "Reported " + d().Unique("r"), &tally);
    ASSERT_GT(post, 0) << tally.Describe();
    std::barrier start(reporters);
    std::atomic<int> accepted{0};
    RunClients(reporters, deadline + seconds(30), 1, tally, [&](int t, int) {
      start.arrive_and_wait();
      HttpResponse r =
          client().SendJson("POST", "/api/v1/reports",
                            {{"kind", "post"}, {"id", post}, {"reason", "spam " + std::to_string(t)}},
                            Bearer(members[t].token));
      tally.Check("report", r);
      if (r.status == 201) {
        ++accepted;
      } else if (r.status != 404) {  // once hidden, a member can no longer see the post
        tally.Fail("report answered " + r.Describe());
      }
      return true;
    });
    ASSERT_EQ(tally.failures(), 0) << tally.Describe();
    EXPECT_GE(accepted.load(), 3);
    HttpResponse t = client().Get("/api/v1/threads/" + std::to_string(thread));
    ASSERT_EQ(t.status, 200) << t.Describe();
    json shown = t.Json();
    for (const auto& p : shown["posts"]) EXPECT_NE(p["id"], post) << "the reported post is still shown";
    EXPECT_EQ(AuditCount("post.hide", "post", post), 1) << "post " << post << " round " << round;
    EXPECT_EQ(d().db().QueryValue("SELECT count(*) FROM reports WHERE target_kind = 'post' AND target_id = " +
                                  std::to_string(post)),
              std::to_string(accepted.load()));
  }
}

// Readers on every public route, signed-in readers, and writers of every kind
// at once; then the index is checked against what was published, and the
// server must stop cleanly. Last in the file: stopping the server ends the
// deployment the other tests share.
TEST_P(ConcurrencyTest, ReadsAndWritesTogetherNeverFail) {
  std::vector<std::string> reads = PublicReads();
  ASSERT_GT(reads.size(), 60u);
  const std::vector<Client>& members = Members();
  const std::vector<Client> editors = {members[4], members[5]};
  const std::string admin = d().AdminToken();
  std::string run = Word(d(), "mix");
  std::vector<long long> demo_campaigns = Ids("/api/v1/campaigns?per_page=50");
  ASSERT_FALSE(demo_campaigns.empty());

  Tally tally;
  std::mutex mu;
  std::vector<std::string> published;  // unique words of campaigns whose publish was acknowledged
  std::vector<long long> created;      // campaigns created, for the readers
  std::atomic<int> reads_ok{0};

  Clock::time_point deadline = Clock::now() + seconds(10);
  // Threads 0-3 read, 4-5 run the campaign workflow, 6-7 use the exchange.
  RunClients(kClients, deadline, 400, tally, [&](int t, int round) {
    if (t < 4) {
      // Public routes in an order of their own, then a few signed-in ones and the newest campaigns.
      const std::string& url = reads[(round * 7 + t * 13) % reads.size()];
      HttpResponse r = client().Get(url);
      tally.Check("GET " + url, r);
      if (r.status >= 400) tally.Fail("GET " + url + " answered " + std::to_string(r.status));
      ++reads_ok;
      HeaderList auth = Bearer(members[t].token);
      for (const char* u : {"/api/v1/me", "/api/v1/notifications", "/notifications"}) {
        if (round % 5 == t % 5) tally.Check(std::string("GET ") + u, client().Get(u, auth));
      }
      long long newest = 0;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!created.empty()) newest = created[(round + t) % created.size()];
      }
      if (newest > 0 && round % 3 == 0) {
        std::string id = std::to_string(newest);
        // Drafts are 404 to the public; only a 5xx is wrong here.
        for (const auto& u : {"/campaigns/" + id, "/api/v1/campaigns/" + id, "/campaigns/" + id + "/history",
                              "/api/v1/campaigns?q=" + run, "/campaigns?q=" + run + "&country=GRC"}) {
          tally.Check("GET " + u, client().Get(u));
        }
      }
      return true;
    }
    if (t < 6) {
      const Client& e = editors[t - 4];
      std::string word = run + "t" + std::to_string(t) + "r" + std::to_string(round);
      HttpResponse c = CreateCampaign(e, "Load " + run + " " + word);
      tally.Check("create", c);
      if (c.status != 201) {
        tally.Fail("create answered " + c.Describe());
        return false;
      }
      long long id = c.Json()["id"];
      {
        std::lock_guard<std::mutex> lock(mu);
        created.push_back(id);
      }
      std::string url = "/api/v1/campaigns/" + std::to_string(id);
      HeaderList h = Bearer(e.token);
      h.emplace_back("If-Match", c.Header("ETag"));
      HttpResponse p = client().SendJson("PATCH", url, {{"summary", {{"en", "Edited " + word}}}}, h);
      tally.Check("PATCH", p);
      tally.Check("submit", Action(e.token, id, "submit"));
      HttpResponse pub = Action(admin, id, "publish");
      tally.Check("publish", pub);
      if (pub.status == 200) {
        std::lock_guard<std::mutex> lock(mu);
        published.push_back(word);
      } else {
        tally.Fail("publish answered " + pub.Describe());
      }
      return true;
    }
    // The exchange: a thread, replies, a reply under a campaign, marks, a follow, a report.
    const Client& m = members[t];
    auto [thread, first_post] = NewThread(m, "Load idea " + run + " " + std::to_string(round), &tally);
    if (thread == 0) return false;
    std::string tid = std::to_string(thread);
    HttpResponse reply = client().SendJson(
        "POST", "/api/v1/threads/" + tid + "/posts",
        {{"body", "Reply " + std::to_string(round)}, {"quote_of", first_post}}, Bearer(m.token));
    tally.Check("reply", reply);
    long long cid = demo_campaigns[(round + t) % demo_campaigns.size()];
    tally.Check("campaign reply",
                client().SendJson("POST", "/api/v1/campaigns/" + std::to_string(cid) + "/posts",
                                  {{"body", "Under load " + std::to_string(round)}}, Bearer(m.token)));
    for (const Client& other : {members[0], members[1], members[2]}) {
      tally.Check("useful",
                  client().Request("POST", "/api/v1/posts/" + std::to_string(first_post) + "/useful",
                                   Bearer(other.token)));
    }
    tally.Check("follow", client().SendJson("POST", "/api/v1/follows", {{"kind", "campaign"}, {"id", cid}},
                                            Bearer(m.token)));
    if (round % 2 == 1) {
      tally.Check("unfollow", client().SendJson("DELETE", "/api/v1/follows",
                                                {{"kind", "campaign"}, {"id", cid}}, Bearer(m.token)));
    }
    tally.Check("report", client().SendJson("POST", "/api/v1/reports",
                                            {{"kind", "post"}, {"id", first_post}, {"reason", "load test"}},
                                            Bearer(members[3].token)));
    tally.Check("thread", client().Get("/api/v1/threads/" + tid));
    return true;
  });
  std::cout << "[load] " << tally.requests() << " requests (" << reads_ok << " public reads), "
            << created.size() << " campaigns created, " << published.size() << " published\n";
  EXPECT_EQ(tally.failures(), 0) << tally.Describe();
  EXPECT_GT(reads_ok.load(), 0);
  EXPECT_FALSE(published.empty()) << tally.Describe();
  ASSERT_TRUE(server().running()) << "the server died under load";

  // The index is in step with what was published: each word finds its campaign, the run word all of them.
  for (const auto& word : published) {
    HttpResponse r = client().Get("/api/v1/campaigns?q=" + word);
    ASSERT_EQ(r.status, 200) << r.Describe();
    EXPECT_EQ(r.Json()["total"], 1) << word << ": " << r.body.substr(0, 400);
  }
  HttpResponse all = client().Get("/api/v1/campaigns?per_page=1&q=" + run);
  ASSERT_EQ(all.status, 200) << all.Describe();
  EXPECT_EQ(all.Json()["total"], published.size());

  int code = d().StopServer();
  EXPECT_EQ(code, 0) << "the server did not stop cleanly (" << DescribeExit(code) << ")";
  if (code != 0) PrintServerLogOnFailure(&d());
}

WM_INSTANTIATE_BACKENDS(ConcurrencyTest);

}  // namespace
}  // namespace waymark::it
