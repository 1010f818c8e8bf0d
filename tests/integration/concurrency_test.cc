// The server under concurrent load: several client threads read every public
// GET route while others write (campaigns created, edited with If-Match,
// submitted and published; posts, "useful" marks, reports, follows). Nothing
// may answer 5xx, the server must keep running and stop cleanly, and the
// state must stay consistent afterwards: each "useful" mark counted once, one
// winner per campaign version, the search index in step with the database,
// the report threshold applied once. The evidence module's routes are read
// on the publishers' real files (imported once per deployment through the
// API) while the same files are re-imported by several officers at once and
// two officers race on each quarantined row: every row is accounted for in
// every batch, no record is stored twice, the rollup the aggregates read
// stays in step with the records, and each quarantined row is resolved once.
// The Atlas's routes are read while members publish case studies and two
// moderators race on each version of a glossary term.
// The forecasts' routes are read while members upload scenarios, copy them
// as what-ifs, start and cancel runs (through the API and the forms) and
// publish: every acknowledged scenario and run exists, and every run ends
// done or cancelled, none left queued or running.
// The consultations' routes (the demo's 2015 consultation, its calendar, the
// tracker and its files) are read while people register for a coming
// consultation past its capacity, an owner's editors post progress and an
// administrator changes the point's status: the places are never
// overbooked, and each update and status change is one revision.
// The practices module's routes are read while anonymous contributors send
// the open form, members submit drafts and the administrator publishes both:
// each contribution gets its own status link, and the index and the matrix
// count what the database holds. The library's routes (lists, facets, exports,
// OAI-PMH, a PDF's pages as text) are read while members import reference
// lists, upload the same PDF to many items at once, and the administrator
// publishes: the bytes are stored once, each upload is a file of its item,
// and the index finds each published item and its PDF's word with its page.
// The thesaurus's routes are read, and searches it expands are run, while
// members propose concepts and two moderators race to approve each one at
// the same version: one approval per concept, each audited once.
// The futures module's routes are read while participants write through
// every write route of a workshop (API and forms, whatever the phase) and
// its facilitator edits it and moves its phases on: nobody spends more than
// the vote budget, the change counter counts exactly the accepted writes,
// and two requests making the same action point make it once.
//
// Every phase is bounded by a deadline as well as by a count of rounds, so the
// suite also completes against a much slower server (WAYMARK_BIN pointing at a
// ThreadSanitizer build): it then does fewer rounds, not more time.
#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <zip.h>

#include "fixture.h"
#include "pdf/pdf_writer.h"

namespace waymark::it {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

constexpr int kClients = 8;  // client threads hitting the server at once

// The publishers' files the evidence routes are read on (beside the clone).
const std::string kData = WAYMARK_SHARED_DATA;
const std::string kMmp2026 = kData + "/iom-missing-migrants/mmp_website_export_2026.csv";
const std::string kIdmcConflict = kData + "/idmc-gidd/gidd_conflict_idps_country_year_2009-2024.csv";
constexpr long long kMmp2026Rows = 238;       // data rows of kMmp2026
constexpr long long kIdmcConflictRows = 961;  // data rows of kIdmcConflict
// The evidence module's embedded browser files (static_assets.cc).
constexpr const char* kEvidenceAssets[] = {
    "evidence.js", "evidence.css", "uPlot.iife.min.js",      "uPlot.min.css",
    "leaflet.js",  "leaflet.css",  "topojson-client.min.js", "countries-110m.json"};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A route to read and what the public must get: any answer below 400, or
// exactly `refused` (e.g. 403 for the records of an aggregates-only dataset).
struct Read {
  // Implicit: a plain URL is a read that must succeed.
  Read(const char* u) : url(u) {}
  Read(std::string u) : url(std::move(u)) {}
  Read(std::string u, int status) : url(std::move(u)), refused(status) {}
  bool Expected(int status) const { return refused ? status == refused : status > 0 && status < 400; }
  std::string url;
  int refused = 0;
};

// One import's report: its counts and whether they account for `rows` rows.
struct ImportReport {
  int status = 0;
  long long batch_id = 0, accepted = 0, updated = 0, unchanged = 0, rejected = 0;
  std::vector<long long> quarantined;  // quarantine ids of the rejected rows
  long long Rows() const { return accepted + updated + unchanged + rejected; }
  std::string Describe() const {
    return "HTTP " + std::to_string(status) + " batch " + std::to_string(batch_id) + ": accepted " +
           std::to_string(accepted) + ", updated " + std::to_string(updated) + ", unchanged " +
           std::to_string(unchanged) + ", rejected " + std::to_string(rejected);
  }
};

// The evidence the suite imported once per deployment, and what it needs to know of it.
struct Evidence {
  std::string mmp, idmc;                 // the files' bytes
  ImportReport mmp_first, idmc_first;    // the first import of each
  long long incidents = 0, figures = 0;  // records stored after the first imports
  std::vector<long long> incident_ids, figure_ids;
};

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
    // Not the publishers' files (the default, "../shared/data", may resolve
    // to them from the server's working directory): ~45k rows would slow
    // every test. The suite imports two small files itself (EvidenceData).
    o.config["evidence_demo_dir"] = "/nonexistent/waymark-evidence-demo";
    // Open practice contributions from many threads at once, all from 127.0.0.1.
    o.config["practices_min_fill_ms"] = 0;
    o.config["practices_max_open_per_hour"] = 100000;
    // The library's extraction loop runs while the routes are read.
    o.config["library_extract_poll_ms"] = 100;
    // No Flee demo runs competing for the cores; the suite makes its own.
    o.config["forecast_demo_dir"] = "/nonexistent/waymark-flee-demo";
    o.config["forecast_max_active_per_user"] = 3;
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

  // An import through the API as an officer (the administrator), the file as the raw body.
  ImportReport Import(const std::string& target, const std::string& bytes, const std::string& filename,
                      bool dry_run = false) {
    HeaderList h = Bearer(d().AdminToken());
    h.emplace_back("Content-Type", "text/csv");
    HttpResponse r = client().Request(
        "POST",
        "/api/v1/imports?target=" + target + "&filename=" + filename + (dry_run ? "&dry_run=true" : ""), h,
        bytes);
    ImportReport out;
    out.status = r.status;
    if (r.status != 200 && r.status != 201) return out;
    json j = r.Json();
    out.batch_id = j["batch_id"].get<long long>();
    out.accepted = j["accepted"].get<long long>();
    out.updated = j["updated"].get<long long>();
    out.unchanged = j["unchanged"].get<long long>();
    out.rejected = j["rejected"].get<long long>();
    for (const auto& rej : j["rejections"]) {
      if (rej["quarantine_id"].is_number_integer())
        out.quarantined.push_back(rej["quarantine_id"].get<long long>());
    }
    std::sort(out.quarantined.begin(), out.quarantined.end());
    out.quarantined.erase(std::unique(out.quarantined.begin(), out.quarantined.end()), out.quarantined.end());
    return out;
  }

  // A form of the quarantine pages, posted by the administrator (a data
  // officer) with an API token and the double-submit anti-forgery token:
  // each call is a client of its own.
  HttpResponse OfficerForm(const std::string& target, FormFields fields) {
    const std::string csrf = "concurrency0test0csrf0token0of0forty0chars";
    HeaderList h = Bearer(d().AdminToken());
    h.emplace_back("Cookie", "wm_csrf=" + csrf);
    fields.insert(fields.begin(), {"csrf", csrf});
    return client().PostForm(target, fields, h);
  }

  // The 2026 MMP export and IDMC's conflict figures, imported once per
  // deployment through the API (the demo's own evidence import is off: it
  // would load ~45k rows).
  const Evidence& EvidenceData() {
    static std::map<std::string, Evidence> cache;
    Evidence& e = cache[d().db_url()];
    if (e.mmp.empty()) {
      Evidence made;
      made.mmp = ReadFile(kMmp2026);
      made.idmc = ReadFile(kIdmcConflict);
      made.mmp_first = Import("incidents", made.mmp, "mmp_website_export_2026.csv");
      made.idmc_first = Import("displacement", made.idmc, "gidd_conflict_idps_country_year_2009-2024.csv");
      EXPECT_EQ(made.mmp_first.status, 201) << made.mmp_first.Describe();
      EXPECT_EQ(made.idmc_first.status, 201) << made.idmc_first.Describe();
      EXPECT_EQ(made.mmp_first.Rows(), kMmp2026Rows) << made.mmp_first.Describe();
      EXPECT_EQ(made.idmc_first.Rows(), kIdmcConflictRows) << made.idmc_first.Describe();
      made.incidents = std::stoll(d().db().QueryValue("SELECT count(*) FROM evidence_incidents"));
      made.figures = std::stoll(d().db().QueryValue("SELECT count(*) FROM evidence_displacement"));
      EXPECT_EQ(made.incidents, made.mmp_first.accepted) << "the demo must not load evidence itself";
      for (long long id : Ids("/api/v1/incidents?per_page=60")) {
        if (made.incident_ids.size() < 3 || id % 29 == 0) made.incident_ids.push_back(id);
      }
      for (long long id : Ids("/api/v1/displacement?per_page=100")) {
        if (made.figure_ids.size() < 3 || id % 97 == 0) made.figure_ids.push_back(id);
      }
      e = std::move(made);
    }
    return e;
  }

  // Every public route of the evidence module: the dashboard with its
  // filters, the stats, record lists and records, the map's points, the
  // downloads in each format, the embedded files, and the records of an
  // aggregates-only dataset, which the public may not have (403).
  std::vector<Read> EvidenceReads() {
    const Evidence& e = EvidenceData();
    std::vector<Read> reads = {
        "/evidence",
        "/evidence?region=Mediterranean",
        "/evidence?cause=drowning&from=2026&to=2026-03",
        "/evidence?by=month",
        "/evidence?region=Mediterranean&cause=drowning&by=month&lang=fr",
        "/evidence?ddataset=idmc-gidd&dcause=conflict&dkind=idps",
        "/evidence?dkind=new_displacements&dcountry=SYR&from=2015&to=2024&lang=es",
        "/api/v1/incidents/stats",
        "/api/v1/incidents/stats?group_by=year,month&measure=dead,missing",
        "/api/v1/incidents/stats?group_by=region,cause&measure=total,incidents&from=2026-01&to=2026-06",
        "/api/v1/incidents/stats?group_by=country,route&region=Mediterranean&cause=drowning",
        "/api/v1/incidents/stats?group_by=month&measure=incidents&dataset=mmp&from=2026",
        "/api/v1/displacement/stats",
        "/api/v1/displacement/stats?group_by=year,country&measure=idps,new_displacements&cause=conflict",
        "/api/v1/displacement/stats?group_by=kind,cause&from=2015&to=2020",
        "/api/v1/displacement/stats?group_by=hazard,year&country=SYR",
        "/api/v1/displacement/stats?group_by=year&measure=refugees&dataset=unhcr-population",
        "/api/v1/incidents",
        "/api/v1/incidents?per_page=50&page=3",
        "/api/v1/incidents?region=Mediterranean&cause=drowning&per_page=10&page=2",
        "/api/v1/displacement",
        "/api/v1/displacement?per_page=100&page=5",
        "/api/v1/displacement?kind=idps&cause=conflict&from=2020&per_page=20&page=2",
        "/api/v1/incidents/points",
        "/api/v1/incidents/points?precision=2&region=Mediterranean",
        "/evidence/incidents.csv",
        "/evidence/incidents.csv?format=hxl",
        "/evidence/incidents.csv?cause=drowning&from=2026-02",
        "/evidence/incidents.json",
        "/evidence/incidents.geojson",
        "/evidence/displacement.csv",
        "/evidence/displacement.csv?format=hxl",
        "/evidence/displacement.json?kind=idps&from=2020",
        "/evidence/displacement.geojson",
        {"/api/v1/displacement?dataset=unhcr-population", 403},
        {"/evidence/displacement.csv?dataset=unhcr-population", 403},
        {"/evidence/displacement.json?dataset=unhcr-population", 403},
    };
    if (!e.incident_ids.empty()) {
      reads.emplace_back("/api/v1/incidents?after_id=" + std::to_string(e.incident_ids.front()));
    }
    for (long long id : e.incident_ids) reads.emplace_back("/api/v1/incidents/" + std::to_string(id));
    for (long long id : e.figure_ids) reads.emplace_back("/api/v1/displacement/" + std::to_string(id));
    for (const char* file : kEvidenceAssets) reads.emplace_back(std::string("/static/evidence/") + file);
    return reads;
  }

  // Every public GET route on the demo data, with and without query words,
  // facets and filters, and the evidence module's.
  std::vector<Read> PublicReads() {
    std::vector<Read> urls = {
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
    for (Read& r : EvidenceReads()) urls.push_back(std::move(r));
    for (Read& r : PracticeReads()) urls.push_back(std::move(r));
    for (Read& r : LibraryReads()) urls.push_back(std::move(r));
    for (Read& r : SurveyReads()) urls.push_back(std::move(r));
    for (Read& r : AtlasReads()) urls.push_back(std::move(r));
    for (Read& r : ConsultationReads()) urls.push_back(std::move(r));
    for (Read& r : FuturesReads()) urls.push_back(std::move(r));
    for (Read& r : ThesaurusReads()) urls.push_back(std::move(r));
    return urls;
  }

  // Every public route of the thesaurus, and searches its demo concepts expand.
  std::vector<Read> ThesaurusReads() {
    std::vector<Read> reads = {"/thesaurus",
                               "/thesaurus?lang=fr",
                               "/api/v1/thesaurus",
                               "/campaigns?q=xenophobia",
                               "/api/v1/campaigns?q=inmigrante",
                               {"/api/v1/thesaurus/999999999", 404},
                               {"/api/v1/thesaurus/none", 404}};
    HttpResponse list = client().Get("/api/v1/thesaurus");
    if (list.status == 200) {
      int n = 0;
      json items = list.Json()["items"];
      for (const auto& c : items) {
        if (n++ == 5) break;
        reads.emplace_back("/api/v1/thesaurus/" + std::to_string(c["id"].get<long long>()));
      }
    }
    return reads;
  }

  // Every public route of the Atlas: the map page with its filters and
  // layer, the map alone, the glossary and each term, the thematic pages,
  // the JSON (GeoJSON) and each published case study's page and history.
  std::vector<Read> AtlasReads() {
    std::vector<Read> reads = {
        "/atlas",
        "/atlas?layer=none",
        "/atlas?hazard=drought&lang=fr",
        "/atlas?movement=planned-relocation&onset=slow",
        "/atlas/map.svg",
        "/atlas/glossary",
        "/atlas/glossary?lang=es",
        "/atlas/topics/slow-changes",
        "/atlas/topics/when-disaster-strikes",
        "/api/v1/atlas/cases",
        "/api/v1/atlas/cases?hazard=flood&country=BGD",
        "/api/v1/atlas/glossary",
        "/api/v1/atlas/topics",
        "/api/v1/atlas/layers/displacement",
        {"/atlas?hazard=tsunamis", 422},
        {"/api/v1/atlas/cases/999999999", 404},
        {"/atlas/glossary/no-such-term", 404},
    };
    HttpResponse terms = client().Get("/api/v1/atlas/glossary");
    EXPECT_EQ(terms.status, 200) << terms.Describe();
    if (terms.status == 200) {
      json items = terms.Json()["items"];
      for (const auto& t : items) reads.emplace_back("/atlas/glossary/" + t["slug"].get<std::string>());
    }
    HttpResponse cases = client().Get("/api/v1/atlas/cases");
    EXPECT_EQ(cases.status, 200) << cases.Describe();
    if (cases.status == 200) {
      json features = cases.Json()["features"];
      for (const auto& f : features) {
        std::string id = std::to_string(f["id"].get<long long>());
        for (const std::string& u :
             {"/atlas/cases/" + id, "/atlas/cases/" + id + "/history", "/api/v1/atlas/cases/" + id}) {
          reads.emplace_back(u);
        }
      }
    }
    return reads;
  }

  // Every public route of the library: the list with text, facets and
  // sorts, the exports, OAI-PMH, and each published item's page, history,
  // citations, JSON and files (downloads and their pages as light text).
  std::vector<Read> LibraryReads() {
    std::vector<Read> reads = {
        "/library",
        "/library?q=drought",
        "/library?q=s%C3%A9cheresse&lang=fr",
        "/library?type=report&theme=slow-onset",
        "/library?region=002&language=en&sort=newest",
        "/library?year=2021&page=2",
        "/library/export.bib?q=migration",
        "/library/export.ris?type=report",
        "/library/export.json",
        "/api/v1/library",
        "/api/v1/library?q=mangrove&per_page=5",
        "/api/v1/library?country=BGD&sort=newest",
        "/api/v1/library-terms",
        "/oai?verb=Identify",
        "/oai?verb=ListSets",
        "/oai?verb=ListMetadataFormats",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
        "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&set=type:report",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc&from=2000-01-01",
        "/oai?verb=Nonsense",
        {"/api/v1/library?year=abc", 422},
        {"/api/v1/library/999999999", 404},
        {"/library/files/999999999", 404},
    };
    HttpResponse list = client().Get("/api/v1/library?per_page=50");
    EXPECT_EQ(list.status, 200) << list.Describe();
    if (list.status != 200) return reads;
    json items = list.Json()["items"];
    for (const auto& item : items) {
      std::string id = std::to_string(item["id"].get<long long>());
      for (const std::string& u :
           {"/library/" + id, "/library/" + id + "/history", "/library/" + id + "/cite.bib",
            "/library/" + id + "/cite.ris", "/library/" + id + "/cite.json", "/api/v1/library/" + id,
            "/api/v1/library/" + id + "/files"}) {
        reads.emplace_back(u);
      }
      for (const auto& f : item["files"]) {
        std::string fid = std::to_string(f["id"].get<long long>());
        reads.emplace_back("/library/files/" + fid);
        reads.emplace_back("/library/files/" + fid + "/text?from=1");
        reads.emplace_back("/api/v1/library/files/" + fid + "/pages");
      }
    }
    return reads;
  }

  // Every public route of the consultations module on the demo's 2015
  // consultation: the list, the page, the calendars, the tracker with its
  // filters and files, each action point's page and JSON, bad filters.
  std::vector<Read> ConsultationReads() {
    std::vector<Read> reads = {
        "/consultations",
        "/consultations/2015",
        "/consultations/2015?lang=fr",
        "/consultations/2015.ics",
        "/consultations.ics",
        "/action-points",
        "/action-points?year=2015&status=in_progress&lang=es",
        "/action-points?owner=iom&theme=campaigns",
        "/action-points.csv",
        "/action-points.csv?owner=jcwi",
        "/action-points.atom",
        "/api/v1/consultations",
        "/api/v1/consultations/2015",
        "/api/v1/consultations/2015/documents",
        "/api/v1/action-points",
        "/api/v1/action-points?owner=all_csos",
        {"/api/v1/action-points?year=abc", 422},
        {"/action-points?status=finished", 422},
        {"/consultations/no-such-consultation", 404},
        {"/action-points/999999999", 404},
        {"/registrations/000000000000000000000000000000000000000000000000", 404},
    };
    HttpResponse r = client().Get("/api/v1/consultations/2015");
    EXPECT_EQ(r.status, 200) << r.Describe();
    if (r.status == 200) {
      json consultation = r.Json();
      for (const auto& p : consultation["action_points"]) {
        std::string id = std::to_string(p["id"].get<long long>());
        reads.emplace_back("/action-points/" + id);
        reads.emplace_back("/api/v1/action-points/" + id);
      }
    }
    return reads;
  }

  // Every public route of the futures module on the demo's workshop of the
  // 2015 consultation: the list, the board, results, the SVG, the report in
  // its three forms, the event stream, the JSON, unknown ones.
  std::vector<Read> FuturesReads() {
    const std::string w = "/futures/workshops/migration-futures-2015";
    const std::string api = "/api/v1/futures/workshops/migration-futures-2015";
    return {
        "/futures",
        w,
        w + "?lang=es",
        w + "/results",
        w + "/results?lang=fr",
        w + "/results.svg",
        w + "/report",
        w + "/report.md",
        w + "/report.json",
        w + "/events",
        w + "/events?v=1",
        "/api/v1/futures/workshops",
        api,
        api + "/statements",
        api + "/results",
        {"/futures/workshops/no-such-workshop", 404},
        {"/api/v1/futures/workshops/no-such-workshop/results", 404},
    };
  }

  // Every public route of the survey module: the results page, JSON and CSV
  // with filters, a bad filter, an unknown private link.
  std::vector<Read> SurveyReads() {
    return {
        "/survey/results",
        "/survey/results?origin=NER&lang=fr",
        "/survey/results?year=2020&organisation=iom",
        "/api/v1/survey/results",
        "/api/v1/survey/results?origin=BGD",
        "/api/v1/survey/results?organisation=load-members",
        "/api/v1/survey/results.csv",
        "/api/v1/survey/results.csv?year=2021&lang=es",
        {"/api/v1/survey/results?origin=XYZ", 422},
        {"/survey/b/000000000000000000000000000000000000000000000000", 404},
    };
  }

  // Every public route of the practices module: the list with text, facets
  // and filters, the matrix, the feeds, the form, and each published
  // practice's page, history, JSON, revisions and similar practices.
  std::vector<Read> PracticeReads() {
    std::vector<Read> reads = {
        "/practices",
        "/practices?q=migrants",
        "/practices?q=r%C3%A9fugi%C3%A9s&lang=fr",
        "/practices?phase=emergency&crisis=conflict",
        "/practices?region=015&language=fr&sort=newest",
        "/practices?theme=evacuation&page=2",
        "/practices/matrix",
        "/practices/matrix?phase=preparedness&country=PHL",
        "/practices.atom",
        "/practices/print.css",
        "/practices/new",
        "/api/v1/practices",
        "/api/v1/practices?q=migrant&phase=emergency&per_page=5",
        "/api/v1/practices?crisis=disaster&region=035&language=en",
        "/api/v1/practices?q=evacuacion&lang=es&sort=relevance",
        "/api/v1/practices.csv",
        "/api/v1/practices.csv?phase=preparedness&crisis=conflict",
        "/api/v1/practices/matrix",
        "/api/v1/practices/matrix?language=fr",
        "/api/v1/practice-terms",
        {"/api/v1/practices?phase=bogus", 422},
        {"/api/v1/practices/999999999", 404},
    };
    for (long long id : Ids("/api/v1/practices?per_page=50")) {
      std::string p = "/practices/" + std::to_string(id);
      std::string a = "/api/v1/practices/" + std::to_string(id);
      for (const auto& u : {p, p + "/history", a, a + "/similar", a + "/revisions"}) reads.emplace_back(u);
    }
    return reads;
  }

  // An open practice contribution through the form, as an anonymous browser:
  // the answer to POST /practices (201 with a status link when accepted).
  HttpResponse OpenPractice(const std::string& title, Tally& tally) {
    Browser b(client());
    HttpResponse form = b.Get("/practices/new");
    tally.Check("GET /practices/new", form);
    std::string stamp = ExtractInputValue(form.body, "form_stamp");
    HttpResponse r =
        b.Submit("/practices", {{"form_kind", "practice"},
                                {"form_stamp", stamp},
                                {"title.en", title},
                                {"summary.en", "Sent under load by a contributor without an account."},
                                {"lead_name", "Load test association"},
                                {"phases", "emergency"},
                                {"crises", "conflict"},
                                {"countries_crisis", "LBY"},
                                {"contributor_email", "load@example.org"}});
    tally.Check("POST /practices", r);
    return r;
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

// Officers re-import the same files at once, a dry run beside them, while two
// officers race on each quarantined row (one resubmits it corrected, the
// other's resubmission is refused; one discards the other row, the other's
// discard is refused) and readers go through every evidence route, public
// and the officers'. Then: every row is accounted for in every batch, no
// record is stored twice, the rollup the aggregates read matches the
// records, each row is resolved once, and each download is audited once.
TEST_P(ConcurrencyTest, EvidenceImportsAndQuarantineRaces) {
  const Evidence& e = EvidenceData();
  ASSERT_EQ(e.mmp_first.status, 201) << e.mmp_first.Describe();
  ASSERT_EQ(e.idmc_first.status, 201) << e.idmc_first.Describe();
  ASSERT_EQ(e.mmp_first.quarantined.size(), 2u) << "the 2026 export has 2 rejected rows";
  const std::string fixed = std::to_string(e.mmp_first.quarantined[0]);
  const std::string dropped = std::to_string(e.mmp_first.quarantined[1]);
  ASSERT_EQ(d().db().QueryValue("SELECT status FROM evidence_quarantine WHERE id = " + fixed), "open");
  ASSERT_EQ(d().db().QueryValue("SELECT status FROM evidence_quarantine WHERE id = " + dropped), "open");
  // The row's one problem is a negative count: the correction drops the sign.
  std::string corrected = d().db().QueryValue("SELECT raw FROM evidence_quarantine WHERE id = " + fixed);
  std::size_t minus = corrected.find(",-");
  ASSERT_NE(minus, std::string::npos) << corrected;
  corrected.erase(minus + 1, 1);

  const std::vector<Read> reads = EvidenceReads();
  const std::string batch = std::to_string(e.mmp_first.batch_id);
  const std::vector<std::string> officer_reads = {"/api/v1/imports",
                                                  "/api/v1/imports/" + batch,
                                                  "/evidence/imports",
                                                  "/evidence/imports/" + batch,
                                                  "/evidence/quarantine",
                                                  "/evidence/quarantine?status=all",
                                                  "/evidence/quarantine/" + fixed,
                                                  "/evidence/quarantine/" + dropped};
  const HeaderList officer = Bearer(d().AdminToken());
  auto count = [&](const std::string& sql) { return std::stoll(d().db().QueryValue(sql)); };
  const long long exports_before = count("SELECT count(*) FROM audit_log WHERE action = 'evidence.export'");

  constexpr int kReaders = 3;
  constexpr int kWriters = 7;  // 3 re-imports of one file, 1 of another, 1 dry run, 2 quarantine officers
  Tally tally;
  std::mutex mu;
  std::vector<ImportReport> mmp_imports, idmc_imports, dry_runs;
  std::vector<int> resubmits, discards;  // the answers of the racing officers
  std::atomic<int> writers_left{kWriters};
  std::atomic<long> downloads{0};  // downloads answered 200, each to be audited once
  std::barrier start(kWriters);
  std::barrier pair(2);
  const int pass = static_cast<int>((reads.size() + kReaders - 1) / kReaders);
  Clock::time_point began = Clock::now();
  Clock::time_point deadline = began + seconds(30);

  RunClients(kReaders + kWriters, deadline, 4 * pass + 8, tally, [&](int t, int round) {
    if (t < kReaders) {
      // Stop once the writers are done and this reader has had its share of every route.
      if (round >= pass && writers_left.load() == 0) return false;
      const Read& read = reads[(static_cast<std::size_t>(round) * kReaders + t) % reads.size()];
      HttpResponse r = client().Get(read.url);
      tally.Check("GET " + read.url, r);
      if (!read.Expected(r.status)) tally.Fail("GET " + read.url + " answered " + r.Describe());
      if (r.status == 200 &&
          (read.url.starts_with("/evidence/incidents.") || read.url.starts_with("/evidence/displacement."))) {
        ++downloads;
      }
      if (round % 3 == 0) {
        const std::string& u = officer_reads[(round / 3 + t) % officer_reads.size()];
        HttpResponse o = client().Get(u, officer);
        tally.Check("GET " + u + " (officer)", o);
        if (o.status != 200) tally.Fail("GET " + u + " (officer) answered " + o.Describe());
      }
      return true;
    }
    const int w = t - kReaders;
    start.arrive_and_wait();
    try {
      if (w < 3) {
        ImportReport r = Import("incidents", e.mmp, "mmp_website_export_2026.csv");
        std::lock_guard<std::mutex> lock(mu);
        mmp_imports.push_back(r);
      } else if (w == 3) {
        ImportReport r = Import("displacement", e.idmc, "gidd_conflict_idps_country_year_2009-2024.csv");
        std::lock_guard<std::mutex> lock(mu);
        idmc_imports.push_back(r);
      } else if (w == 4) {
        ImportReport r = Import("incidents", e.mmp, "mmp_website_export_2026.csv", true);
        std::lock_guard<std::mutex> lock(mu);
        dry_runs.push_back(r);
      } else {
        // Two officers on the same row, twice: both resubmit the first, then both discard the second.
        pair.arrive_and_wait();
        int a = 0, b = 0;
        try {
          HttpResponse r = OfficerForm("/evidence/quarantine/" + fixed + "/resubmit", {{"raw", corrected}});
          tally.Check("resubmit", r);
          a = r.status;
        } catch (const std::exception& ex) {
          tally.Fail(std::string("resubmit: ") + ex.what());
        }
        pair.arrive_and_wait();
        try {
          HttpResponse r = OfficerForm("/evidence/quarantine/" + dropped + "/discard",
                                       {{"reason", "Duplicate of a corrected row (load test)"}});
          tally.Check("discard", r);
          b = r.status;
        } catch (const std::exception& ex) {
          tally.Fail(std::string("discard: ") + ex.what());
        }
        std::lock_guard<std::mutex> lock(mu);
        resubmits.push_back(a);
        discards.push_back(b);
      }
    } catch (const std::exception& ex) {
      tally.Fail("writer " + std::to_string(w) + ": " + ex.what());
    }
    --writers_left;
    return false;
  });
  const double took = std::chrono::duration<double>(Clock::now() - began).count();
  std::cout << "[evidence] " << tally.requests() << " requests, " << downloads << " downloads, in " << took
            << " s\n";
  EXPECT_EQ(tally.failures(), 0) << tally.Describe();
  ASSERT_EQ(writers_left.load(), 0);
  ASSERT_TRUE(server().running()) << "the server died under load";

  // Every row of every batch accounted for; nothing new in a re-import (no record stored twice).
  ASSERT_EQ(mmp_imports.size(), 3u);
  for (const ImportReport& r : mmp_imports) {
    EXPECT_EQ(r.status, 201) << r.Describe();
    EXPECT_EQ(r.Rows(), kMmp2026Rows) << r.Describe();
    EXPECT_EQ(r.accepted, 0) << r.Describe();
    EXPECT_EQ(r.rejected, e.mmp_first.rejected) << r.Describe();
  }
  ASSERT_EQ(idmc_imports.size(), 1u);
  EXPECT_EQ(idmc_imports[0].status, 201) << idmc_imports[0].Describe();
  EXPECT_EQ(idmc_imports[0].Rows(), kIdmcConflictRows) << idmc_imports[0].Describe();
  EXPECT_EQ(idmc_imports[0].accepted + idmc_imports[0].updated, 0) << idmc_imports[0].Describe();
  ASSERT_EQ(dry_runs.size(), 1u);
  EXPECT_EQ(dry_runs[0].status, 200) << dry_runs[0].Describe();
  EXPECT_EQ(dry_runs[0].batch_id, 0) << "a dry run stores no batch";
  EXPECT_EQ(dry_runs[0].Rows(), kMmp2026Rows) << dry_runs[0].Describe();
  EXPECT_EQ(dry_runs[0].accepted, 0) << dry_runs[0].Describe();
  EXPECT_EQ(count("SELECT count(*) FROM evidence_batches WHERE status <> 'done'"), 0);
  for (const ImportReport& r : mmp_imports) {
    const std::string id = std::to_string(r.batch_id);
    EXPECT_EQ(
        count("SELECT accepted + updated + unchanged + rejected FROM evidence_batches WHERE id = " + id),
        kMmp2026Rows)
        << "batch " << id;
  }
  // Each import audited once (resubmissions make batches of their own, audited as resubmissions).
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'evidence.import'"),
            count("SELECT count(*) FROM evidence_batches WHERE filename NOT LIKE 'quarantine row %'"));

  // One winner per quarantined row; the other officer is refused with 409.
  std::sort(resubmits.begin(), resubmits.end());
  std::sort(discards.begin(), discards.end());
  EXPECT_EQ(resubmits, (std::vector<int>{303, 409}));
  EXPECT_EQ(discards, (std::vector<int>{303, 409}));
  EXPECT_EQ(d().db().QueryValue("SELECT status FROM evidence_quarantine WHERE id = " + fixed), "resubmitted");
  EXPECT_EQ(d().db().QueryValue("SELECT status FROM evidence_quarantine WHERE id = " + dropped), "discarded");
  EXPECT_EQ(AuditCount("evidence.quarantine_resubmit", "evidence_quarantine", std::stoll(fixed)), 1);
  EXPECT_EQ(AuditCount("evidence.quarantine_discard", "evidence_quarantine", std::stoll(dropped)), 1);
  // The refused resubmission wrote nothing: one batch holds the corrected row.
  EXPECT_EQ(
      count("SELECT count(*) FROM evidence_batches WHERE filename LIKE 'quarantine row " + fixed + " %'"), 1)
      << "the losing resubmission of row " << fixed << " still imported it";
  // A bad row imported again waits in the quarantine once, however many imports met it at once.
  EXPECT_EQ(count("SELECT count(*) FROM (SELECT raw FROM evidence_quarantine WHERE status = 'open' "
                  "GROUP BY dataset, target, raw HAVING count(*) > 1) twice"),
            0)
      << "a rejected row is waiting in the quarantine more than once";

  // The records: the first import's, plus what the corrected row added; displacement unchanged.
  const long long added =
      count("SELECT coalesce(sum(accepted), 0) FROM evidence_batches WHERE filename LIKE 'quarantine row %'");
  EXPECT_EQ(count("SELECT count(*) FROM evidence_incidents"), e.incidents + added);
  EXPECT_EQ(count("SELECT count(*) FROM evidence_displacement"), e.figures);
  // The rollup the aggregates read is in step with the records.
  HttpResponse totals = client().Get("/api/v1/incidents/stats?measure=dead,missing,incidents");
  ASSERT_EQ(totals.status, 200) << totals.Describe();
  json row = totals.Json()["rows"][0];
  EXPECT_EQ(row["dead"].get<long long>(),
            count("SELECT coalesce(sum(dead), 0) FROM evidence_incidents WHERE dataset = 'mmp'"));
  EXPECT_EQ(row["missing"].get<long long>(),
            count("SELECT coalesce(sum(missing), 0) FROM evidence_incidents WHERE dataset = 'mmp'"));
  EXPECT_EQ(row["incidents"].get<long long>(),
            count("SELECT count(*) FROM evidence_incidents WHERE dataset = 'mmp'"));
  HttpResponse listed = client().Get("/api/v1/incidents?per_page=1");
  ASSERT_EQ(listed.status, 200) << listed.Describe();
  EXPECT_EQ(listed.Json()["total"].get<long long>(), e.incidents + added);
  // Every download written to the audit log, once.
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'evidence.export'") - exports_before,
            downloads.load());
}

// Open practice contributions sent from several anonymous browsers at once,
// members' drafts submitted, the administrator publishing both, while readers
// go through every practices route: nothing fails, every contribution gets
// its own status link, and afterwards the index finds each published
// practice and counts what the database holds.
TEST_P(ConcurrencyTest, PracticesSubmittedAndPublishedUnderLoad) {
  const std::vector<Client>& members = Members();
  const std::string admin = d().AdminToken();
  const std::vector<Read> reads = PracticeReads();
  std::string run = Word(d(), "pr");
  constexpr int kReaders = 3;
  Tally tally;
  std::mutex mu;
  std::vector<std::string> published;  // words of practices whose publish was acknowledged
  std::set<std::string> tokens;        // status links handed out
  std::atomic<int> writers_left{kClients - kReaders};
  Clock::time_point deadline = Clock::now() + seconds(15);
  const int pass = static_cast<int>(reads.size() / kReaders + 1);

  RunClients(kClients, deadline, 4 * pass + 8, tally, [&](int t, int round) {
    if (t < kReaders) {
      if (round >= pass && writers_left.load() == 0) return false;
      const Read& read = reads[(static_cast<std::size_t>(round) * kReaders + t) % reads.size()];
      HttpResponse r = client().Get(read.url);
      tally.Check("GET " + read.url, r);
      if (!read.Expected(r.status)) tally.Fail("GET " + read.url + " answered " + r.Describe());
      if (round % 4 == 0)
        tally.Check("GET /api/v1/practices?q=" + run, client().Get("/api/v1/practices?q=" + run));
      return true;
    }
    if (round >= 3) {
      --writers_left;
      return false;
    }
    std::string word = run + "t" + std::to_string(t) + "r" + std::to_string(round);
    long long id = 0;
    if (t % 2 == 0) {
      // An open contribution; its id from the database (the form answers only a status link).
      HttpResponse r = OpenPractice("Open practice " + run + " " + word, tally);
      if (r.status != 201) {
        tally.Fail("POST /practices answered " + r.Describe());
        return true;
      }
      static const std::regex link("/practices/status/([0-9a-f]{48})");
      std::smatch m;
      if (!std::regex_search(r.body, m, link)) {
        tally.Fail("no status link in " + r.Describe());
        return true;
      }
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!tokens.insert(m[1].str()).second) tally.Fail("a status link was handed out twice");
      }
      id = std::stoll(d().db().QueryValue("SELECT id FROM practices WHERE slug LIKE '%" + word + "%'"));
    } else {
      // A member's draft, submitted.
      const Client& e = members[t];
      HttpResponse c = client().SendJson(
          "POST", "/api/v1/practices",
          {{"organisation", e.org},
           {"texts",
            {{"en", {{"title", "Member practice " + run + " " + word}, {"summary", "Drafted under load."}}}}},
           {"phases", {"preparedness"}},
           {"crises", {"disaster"}},
           {"places", {{{"country", "PHL"}, {"role", "crisis"}}}}},
          Bearer(e.token));
      tally.Check("POST /api/v1/practices", c);
      if (c.status != 201) {
        tally.Fail("POST /api/v1/practices answered " + c.Describe());
        return true;
      }
      id = c.Json()["id"];
      HttpResponse s =
          client().Request("POST", "/api/v1/practices/" + std::to_string(id) + "/submit", Bearer(e.token));
      tally.Check("submit", s);
      if (s.status != 200) tally.Fail("submit answered " + s.Describe());
    }
    std::string base = "/api/v1/practices/" + std::to_string(id);
    HttpResponse pub = client().Request("POST", base + "/publish", Bearer(admin));
    tally.Check("publish", pub);
    if (pub.status != 200) {
      tally.Fail("publish answered " + pub.Describe());
      return true;
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      published.push_back(word);
    }
    for (const auto& u : {base, base + "/similar", "/practices/" + std::to_string(id)}) {
      HttpResponse r = client().Get(u);
      tally.Check("GET " + u, r);
      if (r.status != 200) tally.Fail("GET " + u + " answered " + r.Describe());
    }
    return true;
  });
  std::cout << "[practices] " << tally.requests() << " requests, " << published.size() << " published\n";
  EXPECT_EQ(tally.failures(), 0) << tally.Describe();
  EXPECT_FALSE(published.empty());
  ASSERT_TRUE(server().running()) << "the server died under load";
  for (const auto& word : published) {
    HttpResponse r = client().Get("/api/v1/practices?q=" + word);
    ASSERT_EQ(r.status, 200) << r.Describe();
    EXPECT_EQ(r.Json()["total"], 1) << word << ": " << r.body.substr(0, 400);
  }
  EXPECT_EQ(client().Get("/api/v1/practices?per_page=1&q=" + run).Json()["total"], published.size());
  std::string in_db = d().db().QueryValue("SELECT count(*) FROM practices WHERE lifecycle = 'published'");
  EXPECT_EQ(client().Get("/api/v1/practices?per_page=1").Json()["total"].dump(), in_db);
  HttpResponse matrix = client().Get("/api/v1/practices/matrix");
  ASSERT_EQ(matrix.status, 200) << matrix.Describe();
  EXPECT_EQ(matrix.Json()["total"].dump(), in_db);
  // Each publish audited once.
  for (const auto& word : published) {
    long long id =
        std::stoll(d().db().QueryValue("SELECT id FROM practices WHERE slug LIKE '%" + word + "%'"));
    EXPECT_EQ(AuditCount("practice.publish", "practice", id), 1) << word;
  }
}

// Answers sent from several threads to two batches while others read the
// results and one member withdraws the second batch midway: every answer
// acknowledged for the first batch is counted, every one acknowledged for the
// second was deleted with it (its withdrawn count equals them), and the
// published total for the organisation is what the database holds.
TEST_P(ConcurrencyTest, SurveyAnswersWithdrawalAndResultsTogether) {
  const std::vector<Client>& members = Members();
  const Client& owner = members[0];
  auto open = [&](const std::string& label) {
    HttpResponse r =
        client().SendJson("POST", "/api/v1/survey/batches",
                          {{"organisation", owner.org}, {"label", label}, {"country", "NER"}, {"lang", "fr"}},
                          Bearer(owner.token));
    EXPECT_EQ(r.status, 201) << r.Describe();
    return r.status == 201 ? r.Json() : json::object();
  };
  std::string run = Word(d(), "sv");
  json kept = open("Kept " + run);
  json dropped = open("Dropped " + run);
  ASSERT_TRUE(kept.contains("token") && dropped.contains("token"));
  const std::vector<Read> reads = SurveyReads();
  constexpr int kReaders = 3;
  constexpr int kAnswersPerWriter = 12;  // under the hourly limit per address and batch
  Tally tally;
  std::atomic<long> kept_ok{0}, dropped_ok{0}, dropped_refused{0};
  std::atomic<bool> withdrawn{false};
  Clock::time_point deadline = Clock::now() + seconds(20);
  RunClients(kClients, deadline, 2 * kAnswersPerWriter + 10, tally, [&](int t, int round) {
    if (t < kReaders) {
      const Read& read = reads[(static_cast<std::size_t>(round) * kReaders + t) % reads.size()];
      HttpResponse r = client().Get(read.url);
      tally.Check("GET " + read.url, r);
      if (!read.Expected(r.status)) tally.Fail("GET " + read.url + " answered " + r.Describe());
      return round < 2 * kAnswersPerWriter || !withdrawn;
    }
    if (t == kReaders && round == 6) {
      HttpResponse w = client().SendJson(
          "POST", "/api/v1/survey/batches/" + std::to_string(dropped["id"].get<long long>()) + "/withdraw",
          {{"reason", "load test"}}, Bearer(owner.token));
      tally.Check("withdraw", w);
      if (w.status != 200) tally.Fail("withdraw answered " + w.Describe());
      withdrawn = true;
    }
    if (round >= 2 * kAnswersPerWriter) return false;
    bool to_kept = round % 2 == 0;
    const json& batch = to_kept ? kept : dropped;
    json answer = {{"consent", "yes"},       {"origin", t % 2 ? "NER" : "MLI"},
                   {"destination", "LBY"},   {"year", "2022"},
                   {"age_band", "18-29"},    {"reasons", {"work"}},
                   {"env_reason", "one_of"}, {"env_factors", {"drought"}},
                   {"env_how", "slow"}};
    HttpResponse r = client().SendJson(
        "POST", "/api/v1/survey/b/" + batch["token"].get<std::string>() + "/answers", answer);
    tally.Check("POST answer", r);
    if (r.status == 201) {
      ++(to_kept ? kept_ok : dropped_ok);
    } else if (!to_kept && (r.status == 404 || r.status == 409)) {
      ++dropped_refused;
    } else {
      tally.Fail("POST answer answered " + r.Describe());
    }
    return true;
  });
  std::cout << "[survey] " << tally.requests() << " requests, " << kept_ok << " kept, " << dropped_ok
            << " deleted with the batch, " << dropped_refused << " refused after it\n";
  EXPECT_EQ(tally.failures(), 0) << tally.Describe();
  ASSERT_TRUE(server().running()) << "the server died under load";
  ASSERT_TRUE(withdrawn);
  EXPECT_GT(kept_ok.load(), 0);
  HttpResponse d1 = client().Get("/api/v1/survey/batches/" + std::to_string(dropped["id"].get<long long>()),
                                 Bearer(owner.token));
  ASSERT_EQ(d1.status, 200) << d1.Describe();
  EXPECT_EQ(d1.Json()["state"], "withdrawn");
  EXPECT_EQ(d1.Json()["answers"], 0);
  EXPECT_EQ(d1.Json()["withdrawn_answers"].get<long>(), dropped_ok.load());
  HttpResponse k1 = client().Get("/api/v1/survey/batches/" + std::to_string(kept["id"].get<long long>()),
                                 Bearer(owner.token));
  ASSERT_EQ(k1.status, 200) << k1.Describe();
  EXPECT_EQ(k1.Json()["answers"].get<long>(), kept_ok.load());
  std::string in_db = d().db().QueryValue(
      "SELECT count(*) FROM survey_answers a JOIN organisations o ON o.id = a.org_id WHERE o.slug = '" +
      owner.org + "'");
  HttpResponse res = client().Get("/api/v1/survey/results?organisation=" + owner.org);
  ASSERT_EQ(res.status, 200) << res.Describe();
  if (kept_ok.load() >= 5) {
    EXPECT_EQ(res.Json()["total"].dump(), in_db);
  }
  EXPECT_EQ(AuditCount("survey_batch.withdraw", "survey_batch", dropped["id"].get<long long>()), 1);
}

// Readers on the consultations' routes while people register for a coming
// consultation with five places (many more than five at once; through the
// API and through the form, some cancelling through their private page), the
// owners' editors post progress on an action point and an administrator
// moves its status back and forth (each through the API and the point's
// forms; the administrator also adds a session and a sub-point through the
// organisers' forms, and edits the consultation, the session and the point,
// adds a milestone and carries a second point over through the edit forms):
// exactly five registrations are confirmed, the rest wait, and the point's
// revisions are its creation plus one per accepted update, status change,
// edit and milestone. An owner's editor also follows and unfollows the point
// meanwhile.
// A multipart/form-data body for a consultation's document.
std::string DocumentBody(const std::vector<std::pair<std::string, std::string>>& fields,
                         const std::string& pdf) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body.append("--b0undary\r\nContent-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n");
    body.append(value).append("\r\n");
  }
  body.append("--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"doc.pdf\"\r\n")
      .append("Content-Type: application/pdf\r\n\r\n")
      .append(pdf)
      .append("\r\n--b0undary--\r\n");
  return body;
}

TEST_P(ConcurrencyTest, ConsultationRegistrationsProgressAndStatusTogether) {
  const std::vector<Client>& members = Members();
  const std::string pdf = pdf::WriteTextPdf({"Consultation under load."}, "Load");
  auto multipart = [](HeaderList h) {
    h.emplace_back("Content-Type", "multipart/form-data; boundary=b0undary");
    return h;
  };
  std::string slug = Word(d(), "cn");
  HttpResponse made = client().SendJson("POST", "/api/v1/consultations",
                                        {{"slug", slug},
                                         {"title", "Load " + slug},
                                         {"year", "2027"},
                                         {"starts_on", "2027-06-10"},
                                         {"venue", "Geneva"},
                                         {"status", "planned"},
                                         {"capacity", "5"}},
                                        Bearer(d().AdminToken()));
  ASSERT_EQ(made.status, 201) << made.Describe();
  HttpResponse point =
      client().SendJson("POST", "/api/v1/consultations/" + slug + "/action-points",
                        {{"number", "1"}, {"text", {{"en", "Under load"}}}, {"owners", {members[0].org}}},
                        Bearer(d().AdminToken()));
  ASSERT_EQ(point.status, 201) << point.Describe();
  long long pid = point.Json()["id"].get<long long>();
  HttpResponse second = client().SendJson(
      "POST", "/api/v1/consultations/" + slug + "/action-points",
      {{"number", "2"}, {"text", {{"en", "Carried later"}}}, {"owners", {"iom"}}}, Bearer(d().AdminToken()));
  ASSERT_EQ(second.status, 201) << second.Describe();
  std::string second_page = "/action-points/" + std::to_string(second.Json()["id"].get<long long>());
  std::string later = Word(d(), "cn");
  ASSERT_EQ(client()
                .SendJson("POST", "/api/v1/consultations",
                          {{"slug", later},
                           {"title", "Later " + later},
                           {"year", "2028"},
                           {"starts_on", "2028-06-10"},
                           {"venue", "Geneva"}},
                          Bearer(d().AdminToken()))
                .status,
            201);
  std::string base = "/api/v1/action-points/" + std::to_string(pid);
  std::vector<Read> reads = ConsultationReads();
  reads.emplace_back("/consultations/" + slug);
  reads.emplace_back("/consultations/" + slug + ".ics");
  reads.emplace_back("/action-points/" + std::to_string(pid));
  reads.emplace_back("/api/v1/consultations/" + slug + "/documents");
  std::string page = "/action-points/" + std::to_string(pid);
  std::string documents = "/api/v1/consultations/" + slug + "/documents";
  // Signed in once, each used by one client thread only.
  Browser admin = NewBrowser();
  SignedIn admin_in = SignIn(admin, d().Admin().email, d().Admin().password, page);
  Browser editor = NewBrowser();
  SignedIn editor_in = SignIn(editor, members[1].person.email, members[1].person.password, page);
  constexpr int kReaders = 3;
  Tally tally;
  std::atomic<long> registered{0}, cancelled{0}, progress_ok{0}, status_ok{0}, edits_ok{0}, documents_ok{0};
  Clock::time_point deadline = Clock::now() + seconds(20);
  RunClients(kClients, deadline, 12, tally, [&](int t, int round) {
    if (t < kReaders) {
      const Read& read = reads[(static_cast<std::size_t>(round) * kReaders + t) % reads.size()];
      HttpResponse r = client().Get(read.url);
      tally.Check("GET " + read.url, r);
      if (!read.Expected(r.status)) tally.Fail("GET " + read.url + " answered " + r.Describe());
      return true;
    }
    if (t == kReaders) {
      // The administrator: open <-> in progress, whatever the version; every
      // other time through the point's form. Early on, a session and a
      // sub-point through the organisers' forms.
      std::string next = round % 2 == 0 ? "in_progress" : "open";
      if (round <= 2) {
        // The documents: uploaded through the API and the organisers' form
        // while the page and the list are read; the first is removed again.
        HttpResponse f;
        if (round == 0) {
          f = client().Request(
              "POST", documents, multipart(Bearer(d().AdminToken())),
              DocumentBody({{"title", "Report"}, {"kind", "report"}, {"language", "en"}}, pdf));
          if (f.status == 201) ++documents_ok;
        } else if (round == 1) {
          f = admin.Request(
              "POST", "/consultations/" + slug + "/documents", multipart({}),
              DocumentBody(
                  {{"csrf", admin_in.csrf}, {"title", "Agenda"}, {"kind", "agenda"}, {"language", "fr"}},
                  pdf));
          if (f.status == 303) ++documents_ok;
        } else {
          json listed = client().Get(documents).Json();
          std::string first =
              listed["items"].empty() ? "0" : std::to_string(listed["items"][0]["id"].get<long long>());
          f = client().Request("DELETE", documents + "/" + first, Bearer(d().AdminToken()));
          if (f.status == 204) --documents_ok;
        }
        tally.Check("document", f);
        if (f.status != 201 && f.status != 303 && f.status != 204)
          tally.Fail("document answered " + f.Describe());
      }
      if (round == 1 || round == 2) {
        HttpResponse f =
            round == 1 ? admin.PostForm("/consultations/" + slug + "/sessions", {{"csrf", admin_in.csrf},
                                                                                 {"from", "09:00"},
                                                                                 {"to", "10:00"},
                                                                                 {"type", "plenary"},
                                                                                 {"title_en", "Opening"}})
                       : admin.PostForm("/consultations/" + slug + "/action-points",
                                        {{"csrf", admin_in.csrf},
                                         {"number", "1.1"},
                                         {"parent", std::to_string(pid)},
                                         {"text_en", "A part of it"},
                                         {"owners", members[0].org}});
        tally.Check("POST organiser form", f);
        if (f.status != 303) tally.Fail("POST organiser form answered " + f.Describe());
      }
      if (round >= 3 && round <= 7) {
        // The edit forms, while the others post progress, change the status
        // and register.
        std::string cpage = "/consultations/" + slug;
        HttpResponse f;
        if (round == 3) {
          f = admin.PostForm(cpage + "/edit", {{"csrf", admin_in.csrf},
                                               {"title", "Load edited " + slug},
                                               {"year", "2027"},
                                               {"starts_on", "2027-06-10"},
                                               {"venue", "Geneva"},
                                               {"status", "planned"},
                                               {"capacity", "5"}});
        } else if (round == 4) {
          json c = client().Get("/api/v1/consultations/" + slug).Json();
          std::string sid =
              c["sessions"].empty() ? "0" : std::to_string(c["sessions"][0]["id"].get<long long>());
          f = admin.PostForm(cpage + "/sessions/" + sid + "/edit", {{"csrf", admin_in.csrf},
                                                                    {"from", "09:30"},
                                                                    {"to", "10:30"},
                                                                    {"type", "panel"},
                                                                    {"title_en", "Opening, moved"}});
        } else if (round == 5) {
          f = admin.PostForm(page + "/edit", {{"csrf", admin_in.csrf},
                                              {"number", "1"},
                                              {"text_en", "Under load, edited"},
                                              {"owners", members[0].org},
                                              {"themes", "load"}});
        } else if (round == 6) {
          f = admin.PostForm(
              page + "/milestones",
              {{"csrf", admin_in.csrf}, {"milestone_date", "2027-12-01"}, {"milestone_text", "Halfway"}});
        } else {
          f = admin.PostForm(second_page + "/carry-over", {{"csrf", admin_in.csrf}, {"carry_to", later}});
        }
        tally.Check("POST edit form", f);
        if (f.status != 303) {
          tally.Fail("POST edit form (round " + std::to_string(round) + ") answered " + f.Describe());
        } else if (round == 5 || round == 6) {
          ++edits_ok;
        }
      }
      HttpResponse r =
          round % 4 < 2
              ? client().SendJson("POST", base + "/status", {{"status", next}}, Bearer(d().AdminToken()))
              : admin.PostForm(page + "/status", {{"csrf", admin_in.csrf}, {"status", next}});
      tally.Check("POST status", r);
      if (r.status == 200 || r.status == 303) {
        ++status_ok;
      } else if (r.status != 422) {
        tally.Fail("POST status answered " + r.Describe());
      }
      return true;
    }
    if (t == kReaders + 1) {
      // An owner's editor: through the API, and every other time the form.
      HttpResponse r =
          round % 2 == 0
              ? client().SendJson("POST", base + "/progress",
                                  {{"text", "Round " + std::to_string(round)}, {"progress", round * 5}},
                                  Bearer(members[static_cast<std::size_t>(round) % members.size()].token))
              : editor.PostForm(page + "/progress", {{"csrf", editor_in.csrf},
                                                     {"text", "Form round " + std::to_string(round)},
                                                     {"progress", std::to_string(round * 5)}});
      tally.Check("POST progress", r);
      if (r.status == 201 || r.status == 303) {
        ++progress_ok;
      } else {
        tally.Fail("POST progress answered " + r.Describe());
      }
      // And follows the point, or stops, through the button and the API,
      // while its status changes notify the followers.
      HttpResponse f =
          round % 2 == 0 ? editor.PostForm(page + "/follow",
                                           {{"csrf", editor_in.csrf}, {"follow", round % 4 == 0 ? "1" : "0"}})
                         : client().Request(round % 4 == 1 ? "PUT" : "DELETE", base + "/follow",
                                            Bearer(members[1].token));
      tally.Check("follow", f);
      if (f.status != 303 && f.status != 200) tally.Fail("follow answered " + f.Describe());
      if (round == 0) {
        // Not an organiser: the upload is refused, nothing is shelved.
        HttpResponse u =
            client().Request("POST", documents, multipart(Bearer(members[1].token)),
                             DocumentBody({{"title", "Mine"}, {"kind", "report"}, {"language", "en"}}, pdf));
        tally.Check("document by a member", u);
        if (u.status != 403) tally.Fail("a member's upload answered " + u.Describe());
      }
      return true;
    }
    std::string email = slug + "-" + std::to_string(t) + "-" + std::to_string(round) + "@example.org";
    if (t % 2 == 0) {
      HttpResponse r = client().SendJson("POST", "/api/v1/consultations/" + slug + "/registrations",
                                         {{"name", "P" + std::to_string(t)}, {"email", email}});
      tally.Check("POST registration", r);
      if (r.status == 201) {
        ++registered;
      } else {
        tally.Fail("POST registration answered " + r.Describe());
      }
      return true;
    }
    // The form, without JavaScript; every third registration is cancelled
    // again through its private page.
    Browser b(client());
    HttpResponse page = b.Get("/consultations/" + slug);
    tally.Check("GET consultation", page);
    HttpResponse r = b.Submit("/consultations/" + slug + "/register", {{"name", "F"}, {"email", email}});
    tally.Check("POST register form", r);
    if (r.status != 303) {
      tally.Fail("POST register form answered " + r.Describe());
      return true;
    }
    ++registered;
    if (round % 3 == 0) {
      std::string mine = r.Header("location");
      mine = mine.substr(0, mine.find('?'));
      HttpResponse shown = b.Get(mine);
      tally.Check("GET registration", shown);
      HttpResponse c = b.Submit(mine + "/cancel", {});
      tally.Check("POST cancel form", c);
      if (c.status == 303) {
        ++cancelled;
      } else {
        tally.Fail("POST cancel form answered " + c.Describe());
      }
    }
    return true;
  });
  std::cout << "[consultations] " << tally.requests() << " requests, " << registered << " registrations ("
            << cancelled << " cancelled), " << progress_ok << " updates, " << status_ok
            << " status changes\n";
  EXPECT_EQ(tally.failures(), 0) << tally.Describe();
  ASSERT_TRUE(server().running()) << "the server died under load";
  HttpResponse list =
      client().Get("/api/v1/consultations/" + slug + "/registrations", Bearer(d().AdminToken()));
  ASSERT_EQ(list.status, 200) << list.Describe();
  long confirmed = 0, waiting = 0;
  json registrations = list.Json();
  for (const auto& r : registrations["items"]) {
    if (r["state"] == "confirmed") ++confirmed;
    if (r["state"] == "waitlisted") ++waiting;
  }
  long active = registered.load() - cancelled.load();
  EXPECT_EQ(confirmed, std::min(5L, active));
  EXPECT_EQ(confirmed + waiting, active);
  EXPECT_EQ(std::stol(d().db().QueryValue("SELECT count(*) FROM action_point_updates WHERE point_id = " +
                                          std::to_string(pid))),
            progress_ok.load());
  EXPECT_EQ(
      std::stol(d().db().QueryValue(
          "SELECT count(*) FROM consultation_revisions WHERE entity_type = 'action_point' AND entity_id = " +
          std::to_string(pid))),
      1 + progress_ok.load() + status_ok.load() + edits_ok.load());
  EXPECT_EQ(AuditCount("action_point.status", "action_point", pid), status_ok.load());
  EXPECT_EQ(AuditCount("action_point.edit", "action_point", pid), edits_ok.load());
  json after = client().Get(base).Json();
  EXPECT_EQ(after["text"], "Under load, edited");
  EXPECT_EQ(after["milestones"].size(), 1u);
  EXPECT_EQ(client().Get("/api/v1" + second_page).Json()["status"], "carried_over");
  json docs = client().Get(documents).Json();
  EXPECT_EQ(static_cast<long>(docs["items"].size()), documents_ok.load()) << docs.dump();
  for (const auto& doc : docs["items"]) {
    HttpResponse file = client().Get(doc["file"]["url"].get<std::string>());
    EXPECT_TRUE(file.status == 200 && file.body == pdf) << file.Describe();
  }
  // The demo's 2015 consultation has its report, a PDF in the library.
  json demo = client().Get("/api/v1/consultations/2015/documents").Json();
  ASSERT_EQ(demo["items"].size(), 1u) << demo.dump();
  EXPECT_EQ(demo["items"][0]["kind"], "report");
  EXPECT_EQ(demo["items"][0]["file"]["media_type"], "application/pdf");
}

// Readers on the futures routes while four participants write through
// every write route of a workshop at once (statements, ratings, votes and
// taking votes back, each through the API and the board's forms, whatever
// the phase: a write in the wrong phase is a 422, never more) and the
// facilitator edits the settings and moves the phases on (API and form);
// then two requests race to make the same act-now item an action point.
// No participant spends more than the budget, the change counter counts
// exactly the accepted writes, and the action point is made once.
TEST_P(ConcurrencyTest, FuturesWorkshopWritesAndReadsTogether) {
  const std::vector<Client>& members = Members();
  const std::string admin_token = d().AdminToken();
  HttpResponse made = client().SendJson("POST", "/api/v1/futures/workshops",
                                        {{"title", "Load " + Word(d(), "fu")},
                                         {"horizon_year", "2045"},
                                         {"consultation", "2015"},
                                         {"groups", {"A", "B"}},
                                         {"vote_budget", "3"}},
                                        Bearer(admin_token));
  ASSERT_EQ(made.status, 201) << made.Describe();
  json w = made.Json();
  const std::string slug = w["slug"];
  const std::string api = "/api/v1/futures/workshops/" + slug;
  const std::string page = "/futures/workshops/" + slug;
  std::vector<Read> reads = FuturesReads();
  for (const std::string& u :
       {page, page + "/results", page + "/report.md", page + "/events", api, api + "/results"})
    reads.emplace_back(u);
  constexpr int kReaders = 3;
  constexpr int kWriters = 4;
  Browser admin = NewBrowser();
  SignedIn admin_in = SignIn(admin, d().Admin().email, d().Admin().password, page);
  std::vector<Browser> browsers;
  std::vector<std::string> csrf;
  for (int i = 0; i < kWriters; ++i) {
    browsers.push_back(NewBrowser());
    csrf.push_back(SignIn(browsers.back(), members[i].person.email, members[i].person.password, page).csrf);
  }
  Tally tally;
  std::atomic<long> statements{0}, ratings{0}, votes{0}, unvotes{0}, phases{0}, settings{0};
  std::atomic<int> member_rounds{0};  // rounds the participants finished, all together
  // Accepts `ok` answers (counted), 422 (a wrong phase, a spent budget) and `also`; anything else fails.
  auto judge = [&](const std::string& what, const HttpResponse& r, std::initializer_list<int> ok,
                   std::atomic<long>* count, int also = 422) {
    tally.Check(what, r);
    if (std::find(ok.begin(), ok.end(), r.status) != ok.end()) {
      if (count) ++*count;
    } else if (r.status != 422 && r.status != also) {
      tally.Fail(what + " answered " + r.Describe());
    }
  };
  Clock::time_point deadline = Clock::now() + seconds(25);
  RunClients(kReaders + 1 + kWriters, deadline, 12, tally, [&](int t, int round) {
    if (t < kReaders) {
      const Read& read = reads[(static_cast<std::size_t>(round) * kReaders + t) % reads.size()];
      HttpResponse r = client().Get(read.url);
      tally.Check("GET " + read.url, r);
      if (!read.Expected(r.status)) tally.Fail("GET " + read.url + " answered " + r.Describe());
      return true;
    }
    if (t == kReaders) {
      // The facilitator: the settings early, then a phase on every third
      // round, keeping pace with the participants (a phase would otherwise
      // race past them).
      while (member_rounds.load() < round * kWriters && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (round == 0) {
        judge("PUT settings",
              client().SendJson("PUT", api, {{"title", "Load renamed"}, {"horizon_year", "2050"}},
                                Bearer(admin_token)),
              {200}, &settings);
      } else if (round == 1) {
        judge("POST settings form",
              admin.PostForm(page + "/settings", {{"csrf", admin_in.csrf},
                                                  {"title", "Load renamed again"},
                                                  {"horizon_year", "2050"},
                                                  {"areas", "Technology\nGovernance\nCities"},
                                                  {"groups", "A\nB"},
                                                  {"vote_budget", "3"}}),
              {303}, &settings);
      } else if (round % 3 == 2) {
        static const char* const kNext[] = {"rating", "voting", "closed"};
        std::string next = kNext[std::min(2, round / 3)];
        HttpResponse r =
            round % 2 == 0 ? client().SendJson("POST", api + "/phase", {{"phase", next}}, Bearer(admin_token))
                           : admin.PostForm(page + "/phase", {{"csrf", admin_in.csrf}, {"phase", next}});
        judge("POST phase " + next, r, {200, 303}, &phases);
      }
      return true;
    }
    int m = t - kReaders - 1;
    struct Done {
      std::atomic<int>& n;
      ~Done() { ++n; }
    } done{member_rounds};
    Browser& b = browsers[static_cast<std::size_t>(m)];
    HeaderList token = Bearer(members[static_cast<std::size_t>(m)].token);
    bool form = (round + m) % 2 == 1;
    std::string text = "Future " + std::to_string(m) + "-" + std::to_string(round);
    judge("POST statement",
          form ? b.PostForm(page + "/statements", {{"csrf", csrf[static_cast<std::size_t>(m)]},
                                                   {"area", "technology"},
                                                   {"group", m % 2 ? "B" : "A"},
                                                   {"kind", "predicted"},
                                                   {"text", text}})
               : client().SendJson(
                     "POST", api + "/statements",
                     {{"area", "technology"}, {"group", "A"}, {"kind", "preferred"}, {"text", text}}, token),
          {201, 303}, &statements);
    HttpResponse listed = client().Get(api + "/statements");
    tally.Check("GET statements", listed);
    if (listed.status != 200) return true;
    json items = listed.Json()["items"];
    if (items.empty()) return true;
    std::string sid =
        std::to_string(items[static_cast<std::size_t>(round + m) % items.size()]["id"].get<long long>());
    std::string one = api + "/statements/" + sid;
    std::string form_one = page + "/statements/" + sid;
    std::string level = std::to_string(1 + (round + m) % 5);
    judge(
        "rate",
        form ? b.PostForm(form_one + "/rating", {{"csrf", csrf[static_cast<std::size_t>(m)]},
                                                 {"likelihood", level},
                                                 {"desirability", "3"}})
             : client().SendJson("PUT", one + "/rating", {{"likelihood", level}, {"desirability", 4}}, token),
        {200, 303}, &ratings);
    judge("vote",
          form ? b.PostForm(form_one + "/vote", {{"csrf", csrf[static_cast<std::size_t>(m)]}})
               : client().SendJson("POST", one + "/votes", json::object(), token),
          {201, 303}, &votes);
    if (round % 3 == 1) {
      // Taking a vote back: 404 when there is none on that statement.
      judge("unvote",
            form ? b.PostForm(form_one + "/unvote", {{"csrf", csrf[static_cast<std::size_t>(m)]}})
                 : client().Request("DELETE", one + "/votes", token),
            {200, 303}, &unvotes, 404);
    }
    return true;
  });
  // A slow server may not have reached the end: the facilitator closes it now.
  for (const char* next : {"rating", "voting", "closed"}) {
    HttpResponse r = client().SendJson("POST", api + "/phase", {{"phase", next}}, Bearer(admin_token));
    if (r.status == 200) ++phases;
  }
  ASSERT_EQ(client().Get(api).Json()["phase"], "closed");
  // Two requests race to make the same statement an action point (API and form).
  HttpResponse listed = client().Get(api + "/statements");
  ASSERT_EQ(listed.status, 200);
  ASSERT_FALSE(listed.Json()["items"].empty()) << tally.Describe();
  std::string sid = std::to_string(listed.Json()["items"][0]["id"].get<long long>());
  std::atomic<long> points{0};
  RunClients(2, Clock::now() + seconds(10), 1, tally, [&](int t, int) {
    HttpResponse r =
        t == 0 ? client().SendJson("POST", api + "/statements/" + sid + "/action-point", json::object(),
                                   Bearer(admin_token))
               : admin.PostForm(page + "/statements/" + sid + "/action-point", {{"csrf", admin_in.csrf}});
    judge("POST action point", r, {201, 303}, &points, 409);
    return true;
  });
  std::cout << "[futures] " << tally.requests() << " requests, " << statements << " statements, " << ratings
            << " ratings, " << votes << " votes (" << unvotes << " taken back), " << phases << " phases\n";
  EXPECT_EQ(tally.failures(), 0) << tally.Describe();
  ASSERT_TRUE(server().running()) << "the server died under load";
  EXPECT_EQ(points.load(), 1);
  std::string wid = std::to_string(w["id"].get<long long>());
  EXPECT_EQ(
      std::stol(d().db().QueryValue("SELECT count(*) FROM futures_statements WHERE workshop_id = " + wid)),
      statements.load());
  EXPECT_EQ(std::stol(d().db().QueryValue("SELECT count(*) FROM futures_votes WHERE workshop_id = " + wid)),
            votes.load() - unvotes.load());
  EXPECT_EQ(std::stol(d().db().QueryValue("SELECT count(*) FROM (SELECT user_id FROM futures_votes WHERE "
                                          "workshop_id = " +
                                          wid + " GROUP BY user_id HAVING count(*) > 3) AS over_budget")),
            0);
  EXPECT_LE(std::stol(d().db().QueryValue("SELECT count(*) FROM futures_ratings WHERE workshop_id = " + wid)),
            ratings.load());
  // The change counter: one step per accepted write.
  EXPECT_EQ(client().Get(api).Json()["version"].get<long long>(),
            1 + statements + ratings + votes + unvotes + phases + settings + points);
}

// A tiny Flee scenario (a conflict zone, a town, a camp; 15 days) as a zip.
std::string TinyForecastZip() {
  std::vector<std::pair<std::string, std::string>> files = {
      {"tiny/sim_period.csv", "StartDate,2020-01-01\nLength,15\n"},
      {"tiny/locations.csv",
       "#name,region,country,latitude,longitude,location_type,conflict_date,population\n"
       "A,r,X,10.0,20.0,conflict_zone,0,5000\nB,r,X,10.5,20.5,town,0,1000\nC,r,Y,11.0,21.0,camp,0,10000\n"},
      {"tiny/routes.csv", "#name1,name2,distance\nA,B,100\nB,C,120\n"},
      {"tiny/data_layout.csv", "total,refugees.csv\nC,c.csv\n"},
      {"tiny/refugees.csv", "Date,Refugee_numbers\n2020-01-01,0\n2020-01-16,300\n"},
      {"tiny/c.csv", "Date,Refugee_numbers\n2020-01-01,0\n2020-01-16,300\n"}};
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  zip_source_keep(src);
  for (const auto& [name, text] : files) {
    char* copy = static_cast<char*>(malloc(text.size() + 1));
    memcpy(copy, text.data(), text.size());
    zip_file_add(z, name.c_str(), zip_source_buffer(z, copy, text.size(), 1), ZIP_FL_OVERWRITE);
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

// Readers on the forecasts' routes while members upload scenarios (API),
// copy a published one as a what-if (API and form), start runs and cancel
// them (API and forms) and the owner publishes and unpublishes it: nothing
// answers 5xx, each acknowledged scenario and run is stored, and once the
// runner is idle every run is done or cancelled.
TEST_P(ConcurrencyTest, ForecastUploadsRunsCopiesAndCancelsTogether) {
  const std::vector<Client>& members = Members();
  const std::string zip = TinyForecastZip();
  std::string word = Word(d(), "fc");
  auto upload = [&](const Client& c, const std::string& title) {
    HeaderList h = Bearer(c.token);
    h.emplace_back("Content-Type", "application/zip");
    return client().Request("POST", "/api/v1/forecasts/scenarios?title=" + UrlEncode(title), h, zip);
  };
  HttpResponse base = upload(members[0], word + " base");
  ASSERT_EQ(base.status, 201) << base.Describe();
  long long base_id = base.Json()["id"].get<long long>();
  std::string page = "/futures/forecasts/scenarios/" + std::to_string(base_id);
  Browser owner = NewBrowser();
  SignedIn owner_in = SignIn(owner, members[0].person.email, members[0].person.password, page);
  ASSERT_EQ(owner.PostForm(page + "/publish", {{"csrf", owner_in.csrf}, {"published", "1"}}).status, 303);
  Browser copier = NewBrowser();
  SignedIn copier_in = SignIn(copier, members[1].person.email, members[1].person.password, page);
  std::vector<std::string> reads = {"/futures/forecasts", page, "/api/v1/forecasts/scenarios",
                                    "/api/v1/forecasts/runs",
                                    "/api/v1/forecasts/scenarios/" + std::to_string(base_id)};
  std::mutex mu;
  std::vector<long long> runs;
  std::atomic<long> scenarios_made{0};
  Tally tally;
  constexpr int kReaders = 3;
  Clock::time_point deadline = Clock::now() + seconds(20);
  RunClients(kClients, deadline, 10, tally, [&](int t, int round) {
    if (t < kReaders) {
      std::string url = reads[static_cast<std::size_t>(round * kReaders + t) % reads.size()];
      HttpResponse r = client().Get(url, round % 2 ? Bearer(members[0].token) : HeaderList{});
      tally.Check("GET " + url, r);
      // The scenario's page and JSON are 404 to the public while the owner has it unpublished.
      bool hidden = r.status == 404 && url.find(std::to_string(base_id)) != std::string::npos;
      if (r.status != 200 && !hidden) tally.Fail("GET " + url + " answered " + r.Describe());
      return true;
    }
    if (t == kReaders) {
      // The owner: runs through the API, every other one cancelled at once.
      HttpResponse r =
          client().SendJson("POST", "/api/v1/forecasts/scenarios/" + std::to_string(base_id) + "/runs",
                            {{"seeds", 2}}, Bearer(members[0].token));
      tally.Check("POST runs", r);
      if (r.status == 202) {
        long long id = r.Json()["id"].get<long long>();
        {
          std::lock_guard<std::mutex> lock(mu);
          runs.push_back(id);
        }
        if (round % 2 == 0) {
          HttpResponse c = client().Request(
              "POST", "/api/v1/forecasts/runs/" + std::to_string(id) + "/cancel", Bearer(members[0].token));
          tally.Check("POST cancel", c);
          if (c.status != 200 && c.status != 409) tally.Fail("POST cancel answered " + c.Describe());
        }
      } else if (r.status != 429) {
        tally.Fail("POST runs answered " + r.Describe());
      }
      return true;
    }
    if (t == kReaders + 1) {
      // The owner's forms: publish/unpublish, a run and its cancellation.
      HttpResponse p = owner.PostForm(page + "/publish",
                                      {{"csrf", owner_in.csrf}, {"published", round % 3 == 2 ? "0" : "1"}});
      tally.Check("POST publish form", p);
      if (p.status != 303) tally.Fail("POST publish form answered " + p.Describe());
      HttpResponse r = owner.PostForm(page + "/runs", {{"csrf", owner_in.csrf}, {"seeds", "1"}});
      tally.Check("POST run form", r);
      if (r.status == 303) {
        std::string loc = r.Header("location");
        long long id = std::stoll(loc.substr(loc.rfind('/') + 1));
        {
          std::lock_guard<std::mutex> lock(mu);
          runs.push_back(id);
        }
        HttpResponse c = owner.PostForm(loc + "/cancel", {{"csrf", owner_in.csrf}});
        tally.Check("POST cancel form", c);
        if (c.status != 303) tally.Fail("POST cancel form answered " + c.Describe());
      } else if (r.status != 429) {
        tally.Fail("POST run form answered " + r.Describe());
      }
      return true;
    }
    // Other members: uploads, and what-if copies through the API and the form
    // (404 while the owner has it unpublished).
    const Client& m = members[static_cast<std::size_t>(t) % members.size()];
    if (round % 3 == 0) {
      HttpResponse r = upload(m, word + " upload " + std::to_string(t) + "-" + std::to_string(round));
      tally.Check("POST scenario", r);
      if (r.status == 201)
        ++scenarios_made;
      else
        tally.Fail("POST scenario answered " + r.Describe());
    } else if (round % 3 == 1 || t != kReaders + 2) {
      HttpResponse r =
          client().SendJson("POST", "/api/v1/forecasts/scenarios/" + std::to_string(base_id) + "/copy",
                            {{"title", word + " copy"},
                             {"changes", {{{"kind", "close_link"}, {"a", "B"}, {"b", "C"}, {"day", round}}}}},
                            Bearer(m.token));
      tally.Check("POST copy", r);
      if (r.status == 201)
        ++scenarios_made;
      else if (r.status != 404)
        tally.Fail("POST copy answered " + r.Describe());
    } else {
      HttpResponse r = copier.PostForm(page + "/copy", {{"csrf", copier_in.csrf},
                                                        {"title", word + " form copy"},
                                                        {"change_kind", "camp_capacity"},
                                                        {"change_a", "C"},
                                                        {"change_value", "50"}});
      tally.Check("POST copy form", r);
      if (r.status == 303)
        ++scenarios_made;
      else if (r.status != 404)
        tally.Fail("POST copy form answered " + r.Describe());
    }
    return true;
  });
  std::cout << "[forecasts] " << tally.requests() << " requests, " << runs.size() << " runs, "
            << scenarios_made << " scenarios\n";
  EXPECT_EQ(tally.failures(), 0) << tally.Describe();
  ASSERT_TRUE(server().running()) << "the server died under load";
  EXPECT_EQ(std::stol(d().db().QueryValue("SELECT count(*) FROM forecast_scenarios WHERE title LIKE '" +
                                          word + "%'")),
            1 + scenarios_made.load());
  // The runner drains the queue: every run ends done or cancelled.
  for (long long id : runs) {
    std::string state;
    for (int i = 0; i < 600; ++i) {
      HttpResponse r = client().Get("/api/v1/forecasts/runs/" + std::to_string(id), Bearer(members[0].token));
      ASSERT_EQ(r.status, 200) << r.Describe();
      state = r.Json()["state"].get<std::string>();
      if (state != "queued" && state != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    EXPECT_TRUE(state == "done" || state == "cancelled") << "run " << id << " is " << state;
  }
}

// Readers on every public route, signed-in readers, and writers of every kind
// at once; then the index is checked against what was published, and the
// server must stop cleanly. Last in the file: stopping the server ends the
// deployment the other tests share.
// Members import reference lists and upload one PDF (the same bytes) to
// their new items at the same time, and the administrator publishes, while
// readers go through every library route: nothing fails, the bytes are
// stored once whatever the race, each acknowledged upload is a file, and
// afterwards the index finds each published item and the PDF's word on its
// page.
TEST_P(ConcurrencyTest, LibraryImportsUploadsAndPublishesUnderLoad) {
  const std::vector<Client>& members = Members();
  const std::string admin = d().AdminToken();
  const std::vector<Read> reads = LibraryReads();
  std::string run = Word(d(), "lib");
  // Over the server's spool threshold (256 KiB): every upload is spooled
  // to a file on an I/O thread and read from it on a worker (issue 12).
  const std::string pdf = pdf::PadPdf(
      pdf::WriteTextPdf({"Coastal erosion.", "Families moved inland after the " + run + " storm."}, run),
      600u << 10);
  constexpr int kReaders = 3;
  Tally tally;
  std::mutex mu;
  std::vector<std::pair<long long, std::string>> published;  // id, word
  std::atomic<int> uploads{0};
  std::atomic<int> writers_left{kClients - kReaders};
  std::barrier start(kClients - kReaders);
  Clock::time_point deadline = Clock::now() + seconds(15);
  const int pass = static_cast<int>(reads.size() / kReaders + 1);

  RunClients(kClients, deadline, 4 * pass + 8, tally, [&](int t, int round) {
    if (t < kReaders) {
      if (round >= pass && writers_left.load() == 0) return false;
      const Read& read = reads[(static_cast<std::size_t>(round) * kReaders + t) % reads.size()];
      HttpResponse r = client().Get(read.url);
      tally.Check("GET " + read.url, r);
      if (!read.Expected(r.status)) tally.Fail("GET " + read.url + " answered " + r.Describe());
      return true;
    }
    if (round >= 3) {
      --writers_left;
      return false;
    }
    // Writers start together, so that their uploads of the same bytes meet.
    if (round == 0) start.arrive_and_wait();
    const Client& e = members[t];
    std::string word = run + "t" + std::to_string(t) + "r" + std::to_string(round);
    // A reference list of two entries, one of them broken.
    HeaderList h = Bearer(e.token);
    h.emplace_back("Content-Type", "application/x-bibtex");
    HttpResponse imported = client().Request("POST", "/api/v1/library/import?organisation=" + e.org, h,
                                             "@techreport{" + word + ", title = {Storm " + word +
                                                 "}, institution = {Load}, year = 2024}\n"
                                                 "@article{broken" +
                                                 word + ", year = 2024}\n");
    tally.Check("POST /api/v1/library/import", imported);
    if (imported.status != 200) {
      tally.Fail("import answered " + imported.Describe());
      return true;
    }
    json report = imported.Json();
    if (report["added"].size() != 1 || report["rejected"].size() != 1) {
      tally.Fail("import report " + report.dump());
      return true;
    }
    long long id = report["added"][0]["id"];
    std::string base = "/api/v1/library/" + std::to_string(id);
    HeaderList up = Bearer(e.token);
    up.emplace_back("Content-Type", "application/pdf");
    HttpResponse file = client().Request("POST", base + "/files?filename=storm.pdf", up, pdf);
    tally.Check("POST files", file);
    if (file.status != 201) {
      tally.Fail("upload answered " + file.Describe());
      return true;
    }
    ++uploads;
    HttpResponse s = client().Request("POST", base + "/submit", Bearer(e.token));
    tally.Check("submit", s);
    HttpResponse p = client().Request("POST", base + "/publish", Bearer(admin));
    tally.Check("publish", p);
    if (s.status != 200 || p.status != 200) {
      tally.Fail("submit/publish answered " + s.Describe() + "\n" + p.Describe());
      return true;
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      published.emplace_back(id, word);
    }
    for (const auto& u :
         {base, "/library/" + std::to_string(id), "/library/" + std::to_string(id) + "/cite.bib"}) {
      HttpResponse r = client().Get(u);
      tally.Check("GET " + u, r);
      if (r.status != 200) tally.Fail("GET " + u + " answered " + r.Describe());
    }
    return true;
  });
  std::cout << "[library] " << tally.requests() << " requests, " << published.size() << " published, "
            << uploads.load() << " uploads\n";
  EXPECT_EQ(tally.failures(), 0) << tally.Describe();
  EXPECT_FALSE(published.empty());
  ASSERT_TRUE(server().running()) << "the server died under load";
  std::string sha =
      d().db().QueryValue("SELECT sha256 FROM library_files WHERE filename = 'storm.pdf' AND item_id = " +
                          std::to_string(published.empty() ? 0 : published[0].first));
  EXPECT_EQ(d().db().QueryValue("SELECT count(*) FROM library_blobs WHERE sha256 = '" + sha + "'"), "1");
  EXPECT_EQ(d().db().QueryValue("SELECT count(*) FROM library_files WHERE sha256 = '" + sha + "'"),
            std::to_string(uploads.load()));
  for (const auto& [id, word] : published) {
    HttpResponse r = client().Get("/api/v1/library?q=" + word);
    ASSERT_EQ(r.status, 200) << r.Describe();
    EXPECT_EQ(r.Json()["total"], 1) << word << ": " << r.body.substr(0, 400);
  }
  std::string in_db = d().db().QueryValue("SELECT count(*) FROM library_items WHERE lifecycle = 'published'");
  EXPECT_EQ(client().Get("/api/v1/library?per_page=1").Json()["total"].dump(), in_db);
  // The PDF's word, once extracted (bounded wait), on its page in every published item holding it.
  Clock::time_point until = Clock::now() + seconds(30);
  json hits;
  for (;;) {
    hits = client().Get("/api/v1/library?per_page=100&q=" + run + "&type=report").Json();
    bool all = hits["total"] == static_cast<long long>(published.size());
    for (const auto& item : hits["items"]) all = all && item.contains("found_in_file");
    if (all || Clock::now() > until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(hits["total"], published.size()) << hits.dump().substr(0, 600);
  for (const auto& item : hits["items"]) {
    ASSERT_TRUE(item.contains("found_in_file")) << item.dump();
    EXPECT_EQ(item["found_in_file"]["page"], 2);
  }
  // Each publish audited once.
  for (const auto& [id, word] : published)
    EXPECT_EQ(AuditCount("library.publish", "library_item", id), 1) << word;
}

// Members write, submit and have published case studies while readers go
// through every Atlas route, and two moderators at a time change one
// glossary term with the same If-Match: nothing fails, each version of the
// term has one winner, and afterwards the GeoJSON list holds every
// published case study and the map links each one.
TEST_P(ConcurrencyTest, AtlasCasesAndGlossaryUnderLoad) {
  const std::vector<Client>& members = Members();
  const std::string admin = d().AdminToken();
  const std::vector<Read> reads = AtlasReads();
  std::string run = Word(d(), "atl");
  std::string slug = "term-" + run;
  auto term_body = [&](int n) {
    return json{
        {"texts", {{"en", {{"term", "load " + run}, {"definition", "Version " + std::to_string(n)}}}}}};
  };
  HeaderList first = Bearer(admin);
  HttpResponse created = client().SendJson("PUT", "/api/v1/atlas/glossary/" + slug, term_body(0), first);
  ASSERT_EQ(created.status, 201) << created.Describe();
  constexpr int kReaders = 3;
  constexpr int kEditors = 2;  // of the term, racing on each version
  Tally tally;
  std::mutex mu;
  std::vector<long long> published;
  std::atomic<int> term_wins{0};
  std::atomic<int> writers_left{kClients - kReaders - kEditors};
  std::barrier editors(kEditors);
  Clock::time_point deadline = Clock::now() + seconds(15);
  const int pass = static_cast<int>(reads.size() / kReaders + 1);

  RunClients(kClients, deadline, 4 * pass + 8, tally, [&](int t, int round) {
    if (t < kReaders) {
      if (round >= pass && writers_left.load() == 0) return false;
      const Read& read = reads[(static_cast<std::size_t>(round) * kReaders + t) % reads.size()];
      HttpResponse r = client().Get(read.url);
      tally.Check("GET " + read.url, r);
      if (!read.Expected(r.status)) tally.Fail("GET " + read.url + " answered " + r.Describe());
      return true;
    }
    if (t < kReaders + kEditors) {
      if (round >= 4) return false;
      // Both editors read the same version, then both write it.
      HttpResponse now = client().Get("/api/v1/atlas/glossary/" + slug);
      editors.arrive_and_wait();
      HeaderList h = Bearer(admin);
      h.emplace_back("If-Match", now.Header("ETag"));
      HttpResponse put =
          client().SendJson("PUT", "/api/v1/atlas/glossary/" + slug, term_body(round * 10 + t), h);
      tally.Check("PUT term", put);
      if (put.status == 200) {
        ++term_wins;
      } else if (put.status != 409) {
        tally.Fail("PUT term answered " + put.Describe());
      }
      editors.arrive_and_wait();
      return true;
    }
    if (round >= 3) {
      --writers_left;
      return false;
    }
    const Client& e = members[t];
    HttpResponse c =
        client().SendJson("POST", "/api/v1/atlas/cases",
                          {{"organisation", e.org},
                           {"texts",
                            {{"en",
                              {{"title", "Load case " + run + " " + std::to_string(t * 10 + round)},
                               {"summary", "Written under load."}}}}},
                           {"geometry", {{"type", "Point"}, {"coordinates", {10.0 + t, 5.0 + round}}}},
                           {"hazards", {"flood"}},
                           {"movements", {"displacement"}}},
                          Bearer(e.token));
    tally.Check("POST /api/v1/atlas/cases", c);
    if (c.status != 201) {
      tally.Fail("create answered " + c.Describe());
      return true;
    }
    long long id = c.Json()["id"];
    std::string base = "/api/v1/atlas/cases/" + std::to_string(id);
    HttpResponse s = client().Request("POST", base + "/submit", Bearer(e.token));
    HttpResponse p = client().Request("POST", base + "/publish", Bearer(admin));
    tally.Check("submit", s);
    tally.Check("publish", p);
    if (s.status != 200 || p.status != 200) {
      tally.Fail("submit/publish answered " + s.Describe() + "\n" + p.Describe());
      return true;
    }
    std::lock_guard<std::mutex> lock(mu);
    published.push_back(id);
    return true;
  });
  std::cout << "[atlas] " << tally.requests() << " requests, " << published.size() << " published, "
            << term_wins.load() << " term versions\n";
  EXPECT_EQ(tally.failures(), 0) << tally.Describe();
  ASSERT_TRUE(server().running()) << "the server died under load";
  EXPECT_FALSE(published.empty());
  HttpResponse term = client().Get("/api/v1/atlas/glossary/" + slug);
  ASSERT_EQ(term.status, 200);
  EXPECT_EQ(term.Json()["version"], 1 + term_wins.load()) << "one winner per version";
  EXPECT_LE(term_wins.load(), 4);
  json fc = client().Get("/api/v1/atlas/cases").Json();
  std::set<long long> listed;
  for (const auto& f : fc["features"]) listed.insert(f["id"].get<long long>());
  std::string atlas = client().Get("/atlas?layer=none").body;
  for (long long id : published) {
    EXPECT_TRUE(listed.count(id)) << id;
    EXPECT_NE(atlas.find("href=\"/atlas/cases/" + std::to_string(id) + "\""), std::string::npos) << id;
    EXPECT_EQ(AuditCount("atlas.case.publish", "atlas_case", id), 1) << id;
  }
}

TEST_P(ConcurrencyTest, ReadsAndWritesTogetherNeverFail) {
  std::vector<Read> reads = PublicReads();
  ASSERT_GT(reads.size(), 100u);
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
      const Read& read = reads[(round * 7 + t * 13) % reads.size()];
      const std::string& url = read.url;
      HttpResponse r = client().Get(url);
      tally.Check("GET " + url, r);
      if (!read.Expected(r.status)) tally.Fail("GET " + url + " answered " + std::to_string(r.status));
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

TEST_P(ConcurrencyTest, ThesaurusProposalsApprovalsAndSearchesTogether) {
  const std::vector<Client>& members = Members();
  const std::string admin = d().AdminToken();
  const std::vector<Read> reads = ThesaurusReads();
  std::string run = Word(d(), "th");
  constexpr int kReaders = 3;
  constexpr int kApprovers = 2;  // racing on each proposal's version
  const int proposers = kClients - kReaders - kApprovers;
  Tally tally;
  std::mutex mu;
  std::vector<long long> proposed;  // guarded by mu
  std::atomic<int> approvals{0};
  std::atomic<int> proposers_left{proposers};
  std::barrier approvers(kApprovers);
  Clock::time_point deadline = Clock::now() + seconds(15);
  const int pass = static_cast<int>(reads.size() / kReaders + 1);

  RunClients(kClients, deadline, 4 * pass + 8, tally, [&](int t, int round) {
    if (t < kReaders) {
      if (round >= pass && proposers_left.load() == 0) return false;
      const Read& read = reads[(static_cast<std::size_t>(round) * kReaders + t) % reads.size()];
      HttpResponse r = client().Get(read.url);
      tally.Check("GET " + read.url, r);
      if (!read.Expected(r.status)) tally.Fail("GET " + read.url + " answered " + r.Describe());
      return true;
    }
    if (t < kReaders + kApprovers) {
      if (round >= 3 * proposers) return false;
      // Both approvers take proposal number `round` (waiting a little for it
      // to be made), at the same version.
      long long id = 0;
      for (int wait = 0; wait < 40 && id == 0; ++wait) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (static_cast<std::size_t>(round) < proposed.size())
            id = proposed[static_cast<std::size_t>(round)];
        }
        if (id == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      approvers.arrive_and_wait();
      if (id != 0) {
        HeaderList h = Bearer(admin);
        h.emplace_back("If-Match", "\"1\"");
        HttpResponse a = client().Request("POST", "/api/v1/thesaurus/" + std::to_string(id) + "/approve", h);
        tally.Check("approve", a);
        if (a.status == 200) {
          ++approvals;
        } else if (a.status != 409) {
          tally.Fail("approve answered " + a.Describe());
        }
      }
      approvers.arrive_and_wait();
      return true;
    }
    if (round >= 3) {
      --proposers_left;
      return false;
    }
    const Client& e = members[static_cast<std::size_t>(t)];
    std::string w = run + "x" + std::to_string(t * 10 + round);
    HttpResponse c = client().SendJson(
        "POST", "/api/v1/thesaurus", {{"terms", {{"en", {w + "en"}}, {"es", {w + "es"}}}}}, Bearer(e.token));
    tally.Check("POST /api/v1/thesaurus", c);
    if (c.status != 201) {
      tally.Fail("propose answered " + c.Describe());
      return true;
    }
    std::lock_guard<std::mutex> lock(mu);
    proposed.push_back(c.Json()["id"].get<long long>());
    return true;
  });
  std::cout << "[thesaurus] " << tally.requests() << " requests, " << proposed.size() << " proposed, "
            << approvals.load() << " approved\n";
  EXPECT_EQ(tally.failures(), 0) << tally.Describe();
  ASSERT_TRUE(server().running()) << "the server died under load";
  EXPECT_EQ(static_cast<int>(proposed.size()), 3 * proposers);
  int approved = 0;
  for (long long id : proposed) {
    HttpResponse c = client().Get("/api/v1/thesaurus/" + std::to_string(id), Bearer(admin));
    ASSERT_EQ(c.status, 200) << c.Describe();
    long audits = AuditCount("thesaurus.concept.approve", "thesaurus_concept", id);
    EXPECT_LE(audits, 1) << "one approval per version: " << id;
    if (c.Json()["status"] == "approved") {
      ++approved;
      EXPECT_EQ(c.Json()["version"], 2) << id;
      EXPECT_EQ(audits, 1) << id;
    }
  }
  EXPECT_EQ(approved, approvals.load());
  EXPECT_GT(approved, 0);
}

WM_INSTANTIATE_BACKENDS(ConcurrencyTest);

}  // namespace
}  // namespace waymark::it
