// The practices portal over HTTP, on both backends: the open contribution
// form (no account) with its guards and private status link, bad input
// (422 naming the field, the text kept), moderation (publish, return with
// questions and the contributor's answer, reject, merge, who may moderate),
// members' drafts through the API (If-Match), what the public sees of a
// restricted practice, "we did this too", similar practices, the phase x
// crisis matrix, the CSV, Atom and print outputs, search by text (accents,
// stems) and by facet, and the audit log. The per-address limit on open
// contributions has a deployment of its own (every test sends from
// 127.0.0.1).
#include <chrono>
#include <random>
#include <regex>
#include <thread>
#include <tuple>

#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr int kMinFillMs = 400;  // practices_min_fill_ms of these deployments

// A GIF and a Windows executable's first bytes: neither is a PDF, PNG or JPEG.
const char kGifBytes[] =
    "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
    "\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
const char kExeBytes[] =
    "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00\x00\x00\x00\x00\x00\x00"
    "@\x00\x00\x00This program cannot be run in DOS mode.\r\n";

// A word no other text contains: letters and digits only, so the index keeps it as one term.
std::string Word(Deployment& d, const std::string& prefix) {
  std::string w = "zq" + prefix + d.Unique("w");
  std::erase(w, '-');
  return w;
}

// The status token in a page's /practices/status/<token> link ("" when none).
std::string StatusToken(const std::string& html) {
  static const std::regex link("/practices/status/([0-9a-f]{48})");
  std::smatch m;
  return std::regex_search(html, m, link) ? m[1].str() : "";
}

std::string RandomHex(std::size_t n) {
  static std::mt19937_64 gen(std::random_device{}());
  const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(digits[gen() % 16]);
  return out;
}

// A multipart/form-data body: the fields, then each (name, filename, content type, bytes).
std::string Multipart(
    const std::string& boundary, const FormFields& fields,
    const std::vector<std::tuple<std::string, std::string, std::string, std::string>>& files) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value +
            "\r\n";
  }
  for (const auto& [name, filename, type, bytes] : files) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" +
            filename + "\"\r\nContent-Type: " + type + "\r\n\r\n" + bytes + "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

// Whether `xml` is well formed as far as tags go: every element closed in
// order, one root, no stray '<' or '&'. Enough to catch an unescaped title.
bool WellFormedXml(const std::string& xml, std::string* why) {
  std::vector<std::string> open;
  int roots = 0;
  for (std::size_t i = 0; i < xml.size();) {
    if (xml[i] == '&') {
      std::size_t semi = xml.find(';', i);
      std::string entity = semi == std::string::npos ? "" : xml.substr(i + 1, semi - i - 1);
      static const std::regex ok("(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+)");
      if (!std::regex_match(entity, ok)) {
        *why = "a bare '&' at " + std::to_string(i);
        return false;
      }
      i = semi + 1;
      continue;
    }
    if (xml[i] != '<') {
      ++i;
      continue;
    }
    std::size_t end = xml.find('>', i);
    if (end == std::string::npos) {
      *why = "an unclosed '<' at " + std::to_string(i);
      return false;
    }
    std::string tag = xml.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag.empty() || tag.find('<') != std::string::npos) {
      *why = "a stray '<' before " + std::to_string(end);
      return false;
    }
    if (tag[0] == '?' || tag[0] == '!') continue;
    if (tag[0] == '/') {
      std::string name = tag.substr(1);
      if (open.empty() || open.back() != name) {
        *why = "</" + name + "> closes " + (open.empty() ? std::string("nothing") : "<" + open.back() + ">");
        return false;
      }
      open.pop_back();
      continue;
    }
    std::string name = tag.substr(0, tag.find_first_of(" \t\r\n/"));
    if (open.empty()) ++roots;
    if (tag.back() != '/') open.push_back(name);
  }
  if (!open.empty() || roots != 1) {
    *why = open.empty() ? std::to_string(roots) + " root elements" : "<" + open.back() + "> is never closed";
    return false;
  }
  return true;
}

class PracticesTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.config["practices_min_fill_ms"] = kMinFillMs;
    // Every test sends from 127.0.0.1: the limit has a suite of its own (PracticesLimitTest).
    o.config["practices_max_open_per_hour"] = 100000;
    return o;
  }

  struct Member {
    Person person;
    std::string token;
    std::string org;
  };
  // A person with `role` in a fresh organisation, with an API token.
  Member NewMember(const std::string& role = "member", std::string org = "") {
    if (org.empty()) org = d().Unique("org");
    d().EnsureOrganisation(org);
    Person p = WithRole(org, role);
    return {p, d().CreateToken(p.email), org};
  }
  const std::string& AdminToken() { return d().AdminToken(); }
  // Bearer `token` plus If-Match with the ETag `token`'s GET of `url` answers now.
  HeaderList IfMatchAs(const std::string& url, const std::string& token) {
    HttpResponse got = client().Get(url, Bearer(token));
    EXPECT_FALSE(got.Header("ETag").empty()) << got.Describe();
    HeaderList h = Bearer(token);
    h.emplace_back("If-Match", got.Header("ETag"));
    return h;
  }
  Browser As(const Person& p) {
    Browser b = NewBrowser();
    SignIn(b, p.email, p.password);
    return b;
  }
  Browser AsAdmin() { return As(d().Admin()); }

  static json Fields(const HttpResponse& r) {
    try {
      return r.Json()["error"].value("fields", json::object());
    } catch (...) {
      return json::object();
    }
  }

  // The open form as an anonymous browser: the page's form_stamp.
  std::string OpenForm(Browser& b) {
    HttpResponse page = b.Get("/practices/new");
    EXPECT_EQ(page.status, 200) << page.Describe();
    std::string stamp = ExtractInputValue(page.body, "form_stamp");
    EXPECT_FALSE(stamp.empty()) << "the form has no form_stamp\n" << page.body.substr(0, 2000);
    EXPECT_FALSE(b.csrf().empty()) << "the form has no csrf field";
    return stamp;
  }
  // Waits out the minimum fill time (bounded: a little more than the setting).
  static void WaitFill() { std::this_thread::sleep_for(milliseconds(kMinFillMs + 150)); }

  // A complete open contribution in French, with `word` in its title.
  static FormFields FrenchPractice(const std::string& word) {
    return {{"title.fr", "Accueil des réfugiés " + word},
            {"summary.fr", "Les bénévoles hébergent les travailleurs migrants réfugiés pendant la guerre."},
            {"description.fr", "Un réseau de familles d'accueil dans les villes côtières."},
            {"lead_name", "Association Solidarité " + word},
            {"phases", "emergency"},
            {"crises", "conflict"},
            {"countries_crisis", "LBY"},
            {"contributor_name", "Camille"},
            {"contributor_email", "camille@example.org"}};
  }
  static FormFields SpanishPractice(const std::string& word) {
    return {{"title.es", "Protección de trabajadores migrantes " + word},
            {"summary.es", "Evacuación de los trabajadores migrantes varados durante el terremoto."},
            {"lead_name", "Red Migrante " + word},
            {"phases", "post-crisis"},
            {"crises", "disaster"},
            {"countries_crisis", "MEX"},
            {"contributor_email", "lucia@example.org"}};
  }
  static FormFields EnglishPractice(const std::string& title, const std::string& summary) {
    return {{"title.en", title},
            {"summary.en", summary},
            {"lead_name", "Open Lead"},
            {"phases", "preparedness"},
            {"crises", "disaster"},
            {"countries_crisis", "PHL"},
            {"contributor_email", "someone@example.org"}};
  }

  // POST /practices from a fresh anonymous browser: the form's hidden fields, then `fields`.
  HttpResponse PostOpen(const FormFields& fields, bool wait = true) {
    Browser b = NewBrowser();
    std::string stamp = OpenForm(b);
    if (wait) WaitFill();
    FormFields all = {{"form_kind", "practice"}, {"form_stamp", stamp}};
    all.insert(all.end(), fields.begin(), fields.end());
    return b.Submit("/practices", all);
  }

  struct Opened {
    std::string token;  // the status link's
    long long id = 0;
  };
  // An open contribution that must be accepted; its id from the moderation queue.
  Opened MustOpen(const FormFields& fields, const std::string& word) {
    HttpResponse r = PostOpen(fields);
    EXPECT_EQ(r.status, 201) << r.Describe();
    Opened out;
    out.token = StatusToken(r.body);
    EXPECT_EQ(out.token.size(), 48u) << r.body;
    out.id = QueuedId(word);
    return out;
  }
  // The id of the practice whose title has `word`, as an administrator finds it in /moderation/practices.
  long long QueuedId(const std::string& word) {
    Browser admin = AsAdmin();
    HttpResponse queue = admin.Get("/moderation/practices");
    EXPECT_EQ(queue.status, 200) << queue.Describe();
    std::size_t at = queue.body.find(word);
    EXPECT_NE(at, std::string::npos) << "not in the moderation queue: " << word;
    if (at == std::string::npos) return 0;
    std::size_t href = queue.body.rfind("href=\"/practices/", at);
    if (href == std::string::npos) return 0;
    return std::stoll(queue.body.substr(href + 17));
  }

  HttpResponse ApiAction(const std::string& token, long long id, const std::string& action,
                         const json& body = nullptr, HeaderList extra = {}) {
    std::string target = "/api/v1/practices/" + std::to_string(id) + "/" + action;
    HeaderList h = Bearer(token);
    h.insert(h.end(), extra.begin(), extra.end());
    if (body.is_null()) return client().Request("POST", target, h);
    return client().SendJson("POST", target, body, h);
  }
  void MustPublish(long long id) {
    HttpResponse r = ApiAction(AdminToken(), id, "publish");
    ASSERT_EQ(r.status, 200) << r.Describe();
    EXPECT_EQ(r.Json()["lifecycle"], "published");
  }
  // An open contribution, published by an administrator: its id.
  long long PublishedOpen(const FormFields& fields, const std::string& word) {
    Opened o = MustOpen(fields, word);
    if (o.id > 0) MustPublish(o.id);
    return o.id;
  }

  // A member's draft through the API.
  HttpResponse CreateDraft(const Member& m, json body) {
    if (!body.contains("organisation")) body["organisation"] = m.org;
    return client().SendJson("POST", "/api/v1/practices", body, Bearer(m.token));
  }
  static json DraftBody(const std::string& title) {
    return {{"texts", {{"en", {{"title", title}, {"summary", "Summary of " + title}}}}},
            {"phases", {"preparedness"}},
            {"crises", {"disaster"}},
            {"places", {{{"country", "PHL"}, {"role", "crisis"}}}}};
  }

  // The ids a list answers, after waiting (bounded) until `want` is among them
  // or is not (`present` false), since the index may lag behind a write.
  std::vector<long long> SearchIds(const std::string& query, long long want, bool present = true) {
    std::vector<long long> ids;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      ids.clear();
      HttpResponse r = client().Get("/api/v1/practices?per_page=100&" + query);
      EXPECT_EQ(r.status, 200) << query << "\n" << r.Describe();
      if (r.status != 200) return ids;
      json j = r.Json();
      for (const auto& item : j["items"]) ids.push_back(item["id"].get<long long>());
      bool found = std::find(ids.begin(), ids.end(), want) != ids.end();
      if (found == present || std::chrono::steady_clock::now() > deadline) return ids;
      std::this_thread::sleep_for(milliseconds(200));
    }
  }
  ::testing::AssertionResult Finds(const std::string& query, long long id) {
    auto ids = SearchIds(query, id);
    if (std::find(ids.begin(), ids.end(), id) != ids.end()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << query << " does not find practice " << id;
  }
  ::testing::AssertionResult Misses(const std::string& query, long long id) {
    auto ids = SearchIds(query, id, false);
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << query << " finds practice " << id;
  }
  std::string Lifecycle(long long id) {
    HttpResponse r = client().Get("/api/v1/practices/" + std::to_string(id), Bearer(AdminToken()));
    EXPECT_EQ(r.status, 200) << r.Describe();
    return r.status == 200 ? r.Json()["lifecycle"].get<std::string>() : "";
  }
};

// --- the open form, moderation, search ---

TEST_P(PracticesTest, OpenContributionIsModeratedPublishedAndFoundInFrench) {
  std::string word = Word(d(), "fr");
  Browser b = NewBrowser();
  std::string stamp = OpenForm(b);
  WaitFill();
  FormFields fields = {{"form_kind", "practice"}, {"form_stamp", stamp}};
  for (const auto& f : FrenchPractice(word)) fields.push_back(f);
  HttpResponse sent = b.Submit("/practices", fields);
  ASSERT_EQ(sent.status, 201) << sent.Describe();
  std::string token = StatusToken(sent.body);
  ASSERT_EQ(token.size(), 48u) << sent.body;
  EXPECT_EQ(MissingSecurityHeaders(sent), "");

  // The status link says it is waiting; the public does not see it yet.
  HttpResponse status = NewBrowser().Get("/practices/status/" + token);
  ASSERT_EQ(status.status, 200) << status.Describe();
  EXPECT_NE(status.body.find("Waiting"), std::string::npos) << status.body;
  EXPECT_NE(status.body.find(word), std::string::npos) << status.body;
  long long id = QueuedId(word);
  ASSERT_GT(id, 0);
  EXPECT_EQ(client().Get("/practices/" + std::to_string(id)).status, 404);
  EXPECT_EQ(client().Get("/api/v1/practices/" + std::to_string(id)).status, 404);

  // An administrator publishes it from its page (the form, with the anti-forgery token).
  Browser admin = AsAdmin();
  HttpResponse page = admin.Get("/practices/" + std::to_string(id));
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_NE(page.body.find("/practices/" + std::to_string(id) + "/publish"), std::string::npos);
  HttpResponse published = admin.Submit("/practices/" + std::to_string(id) + "/publish", {});
  ASSERT_EQ(published.status, 303) << published.Describe();
  EXPECT_EQ(Lifecycle(id), "published");
  status = NewBrowser().Get("/practices/status/" + token);
  EXPECT_NE(status.body.find("Published"), std::string::npos) << status.body;

  // Public now, without the contributor.
  HttpResponse pub = client().Get("/practices/" + std::to_string(id));
  ASSERT_EQ(pub.status, 200) << pub.Describe();
  EXPECT_NE(pub.body.find("Accueil des réfugiés " + word), std::string::npos);
  EXPECT_EQ(pub.body.find("camille@example.org"), std::string::npos) << "the contributor's e-mail is public";
  HttpResponse api = client().Get("/api/v1/practices/" + std::to_string(id));
  ASSERT_EQ(api.status, 200) << api.Describe();
  EXPECT_EQ(api.body.find("camille@example.org"), std::string::npos);
  EXPECT_EQ(api.Json()["lead"]["name"], "Association Solidarité " + word);

  // By text: as typed, without accents, another form of the word; each with the unique word as a filter's
  // partner.
  EXPECT_TRUE(Finds("q=" + UrlEncode("réfugiés"), id));
  EXPECT_TRUE(Finds("q=refugies", id));
  EXPECT_TRUE(Finds("q=" + UrlEncode("réfugié"), id));
  EXPECT_TRUE(Finds("q=" + UrlEncode("hébergent"), id));
  EXPECT_TRUE(Finds("q=" + UrlEncode("bénévole"), id)) << "a stemmed form";
  EXPECT_TRUE(Finds("q=travailleur", id)) << "a stemmed form";
  EXPECT_TRUE(Finds("q=" + word, id));
  // By facet.
  for (std::string facet :
       {"phase=emergency", "crisis=conflict", "country=LBY", "region=015", "language=fr"}) {
    EXPECT_TRUE(Finds("q=" + word + "&" + facet, id)) << facet;
  }
  for (std::string facet :
       {"phase=preparedness", "crisis=disaster", "country=MEX", "region=039", "language=es"}) {
    EXPECT_TRUE(Misses("q=" + word + "&" + facet, id)) << facet;
  }
  HttpResponse facets = client().Get("/api/v1/practices?q=" + word);
  ASSERT_EQ(facets.status, 200);
  json f = facets.Json()["facets"];
  EXPECT_EQ(f["phase"]["emergency"], 1) << facets.body;
  EXPECT_EQ(f["country"]["LBY"], 1) << facets.body;
  EXPECT_EQ(f["region"]["015"], 1) << facets.body;
  // The HTML list finds it too.
  HttpResponse list = client().Get("/practices?q=refugies&phase=emergency&language=fr");
  ASSERT_EQ(list.status, 200) << list.Describe();
  EXPECT_NE(list.body.find(word), std::string::npos);
}

TEST_P(PracticesTest, SpanishContributionIsFoundBySpanishWordsAndFacets) {
  std::string word = Word(d(), "es");
  Opened o = MustOpen(SpanishPractice(word), word);
  ASSERT_GT(o.id, 0);
  HttpResponse r = ApiAction(AdminToken(), o.id, "publish");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_TRUE(Finds("q=" + UrlEncode("evacuación"), o.id));
  EXPECT_TRUE(Finds("q=evacuacion", o.id));
  EXPECT_TRUE(Finds("q=trabajador", o.id)) << "a stemmed form";
  EXPECT_TRUE(Finds("q=" + UrlEncode("protección"), o.id));
  for (std::string facet :
       {"phase=post-crisis", "crisis=disaster", "country=MEX", "region=419", "language=es"}) {
    EXPECT_TRUE(Finds("q=" + word + "&" + facet, o.id)) << facet;
  }
  EXPECT_TRUE(Misses("q=" + word + "&language=fr", o.id));
}

// --- bad input ---

TEST_P(PracticesTest, MissingTitleIs422AndKeepsWhatWasTyped) {
  std::string word = Word(d(), "kept");
  FormFields fields = FrenchPractice(word);
  fields.erase(fields.begin());  // no title
  fields.push_back({"contacts", "Téléphone " + word});
  HttpResponse r = PostOpen(fields);
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_NE(r.body.find("href=\"#f-title"), std::string::npos) << "the error names the title\n" << r.body;
  EXPECT_NE(r.body.find("Les bénévoles hébergent"), std::string::npos) << "the summary typed is lost";
  EXPECT_NE(r.body.find("Association Solidarité " + word), std::string::npos) << "the lead typed is lost";
  EXPECT_NE(r.body.find("Téléphone " + word), std::string::npos) << "the contacts typed are lost";
  EXPECT_NE(r.body.find("value=\"emergency\" checked"), std::string::npos) << "the phase ticked is lost";
  EXPECT_NE(r.body.find("name=\"form_stamp\""), std::string::npos) << "the form can be sent again";
}

TEST_P(PracticesTest, BadFieldsAre422NamingTheField) {
  std::string word = Word(d(), "bad");
  auto without = [&](const std::string& name) {
    FormFields f;
    for (const auto& x : FrenchPractice(word)) {
      if (x.first != name) f.push_back(x);
    }
    return f;
  };
  auto with = [&](const std::string& name, const std::string& value) {
    FormFields f = without(name);
    f.push_back({name, value});
    return f;
  };
  HttpResponse r = PostOpen(without("phases"));
  EXPECT_EQ(r.status, 422) << r.Describe();
  EXPECT_NE(r.body.find("href=\"#f-phases\""), std::string::npos) << r.body;

  r = PostOpen(with("phases", "bogus"));
  EXPECT_EQ(r.status, 422) << r.Describe();
  EXPECT_NE(r.body.find("href=\"#f-phases\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("bogus"), std::string::npos) << r.body;

  r = PostOpen(with("countries_crisis", "LBY, XXX"));
  EXPECT_EQ(r.status, 422) << r.Describe();
  EXPECT_NE(r.body.find("href=\"#f-places\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("XXX"), std::string::npos) << "the unknown country is named\n" << r.body;

  r = PostOpen(with("contributor_email", "not-an-email"));
  EXPECT_EQ(r.status, 422) << r.Describe();
  EXPECT_NE(r.body.find("href=\"#f-contributor_email\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("not-an-email"), std::string::npos) << "the address typed is kept";

  r = PostOpen(without("contributor_email"));
  EXPECT_EQ(r.status, 422) << r.Describe();
  EXPECT_NE(r.body.find("href=\"#f-contributor_email\""), std::string::npos) << r.body;
  // Nothing of these reached the queue.
  Browser admin = AsAdmin();
  EXPECT_EQ(admin.Get("/moderation/practices").body.find(word), std::string::npos);
}

TEST_P(PracticesTest, FilesThatAreNotPdfOrImagesAre422NamingThem) {
  std::string word = Word(d(), "file");
  for (const auto& [name, bytes] :
       {std::pair<std::string, std::string>{"report.pdf", std::string(kExeBytes, sizeof(kExeBytes) - 1)},
        std::pair<std::string, std::string>{"photo.pdf", std::string(kGifBytes, sizeof(kGifBytes) - 1)}}) {
    Browser b = NewBrowser();
    std::string stamp = OpenForm(b);
    WaitFill();
    FormFields fields = {{"csrf", b.csrf()}, {"form_kind", "practice"}, {"form_stamp", stamp}};
    for (const auto& f : FrenchPractice(word)) fields.push_back(f);
    std::string boundary = "----wmtest" + RandomHex(16);
    HttpResponse r =
        b.Request("POST", "/practices", {{"Content-Type", "multipart/form-data; boundary=" + boundary}},
                  Multipart(boundary, fields, {{"files", name, "application/pdf", bytes}}));
    EXPECT_EQ(r.status, 422) << name << "\n" << r.Describe();
    EXPECT_NE(r.body.find("href=\"#f-files\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(name), std::string::npos) << "the file is named\n" << r.body;
    EXPECT_NE(r.body.find("Accueil des réfugiés " + word), std::string::npos) << "the title typed is lost";
  }
  // A real PDF goes through and is kept with the practice.
  Browser b = NewBrowser();
  std::string stamp = OpenForm(b);
  WaitFill();
  FormFields fields = {{"csrf", b.csrf()}, {"form_kind", "practice"}, {"form_stamp", stamp}};
  for (const auto& f : FrenchPractice(word)) fields.push_back(f);
  std::string boundary = "----wmtest" + RandomHex(16);
  std::string pdf = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
  HttpResponse ok =
      b.Request("POST", "/practices", {{"Content-Type", "multipart/form-data; boundary=" + boundary}},
                Multipart(boundary, fields, {{"files", "guide.pdf", "application/pdf", pdf}}));
  ASSERT_EQ(ok.status, 201) << ok.Describe();
  long long id = QueuedId(word);
  ASSERT_GT(id, 0);
  HttpResponse got = client().Get("/api/v1/practices/" + std::to_string(id), Bearer(AdminToken()));
  ASSERT_EQ(got.status, 200) << got.Describe();
  ASSERT_EQ(got.Json()["files"].size(), 1u) << got.body;
  EXPECT_EQ(got.Json()["files"][0]["content_type"], "application/pdf");
}

TEST_P(PracticesTest, GuardsRefuseHoneypotHasteAndForgedStamps) {
  std::string word = Word(d(), "guard");
  // The honeypot, filled.
  FormFields fields = FrenchPractice(word);
  fields.push_back({"website", "http://spam.example"});
  HttpResponse r = PostOpen(fields);
  EXPECT_EQ(r.status, 422) << r.Describe();
  EXPECT_NE(r.body.find("id=\"f-form\""), std::string::npos) << "the error is on the form\n" << r.body;
  EXPECT_NE(r.body.find("Accueil des réfugiés " + word), std::string::npos) << "the text typed is lost";

  // Sent as soon as the form was shown.
  r = PostOpen(FrenchPractice(word), /*wait=*/false);
  EXPECT_EQ(r.status, 422) << r.Describe();
  EXPECT_NE(r.body.find("id=\"f-form\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Accueil des réfugiés " + word), std::string::npos) << "the text typed is lost";

  // Forged stamps: made up, another time with the real signature, none at all.
  Browser b = NewBrowser();
  std::string real = OpenForm(b);
  ASSERT_NE(real.find('.'), std::string::npos) << real;
  long long at = std::stoll(real.substr(0, real.find('.')));
  std::string moved = std::to_string(at - 60000) + real.substr(real.find('.'));
  WaitFill();
  for (const std::string& stamp :
       {std::string("1700000000000.") + RandomHex(32), moved, std::string("not-a-stamp"), std::string()}) {
    FormFields f = {{"form_kind", "practice"}, {"form_stamp", stamp}};
    for (const auto& x : FrenchPractice(word)) f.push_back(x);
    HttpResponse forged = b.Submit("/practices", f);
    EXPECT_EQ(forged.status, 422) << "stamp '" << stamp << "'\n" << forged.Describe();
    EXPECT_NE(forged.body.find("id=\"f-form\""), std::string::npos) << forged.body;
  }
  // No anti-forgery token: refused before anything.
  FormFields f = {{"form_kind", "practice"}, {"form_stamp", real}};
  for (const auto& x : FrenchPractice(word)) f.push_back(x);
  EXPECT_EQ(b.PostForm("/practices", f).status, 403);
  Browser admin = AsAdmin();
  EXPECT_EQ(admin.Get("/moderation/practices").body.find(word), std::string::npos)
      << "a refused form was queued";
}

TEST_P(PracticesTest, ForgedAndMalformedStatusLinksAre404WithAMessage) {
  HttpResponse forged = NewBrowser().Get("/practices/status/" + RandomHex(48));
  EXPECT_EQ(forged.status, 404) << forged.Describe();
  EXPECT_NE(forged.body.find("not valid"), std::string::npos) << "the page says why\n" << forged.body;
  for (const std::string& bad : {std::string("abc"), RandomHex(47), RandomHex(49), std::string(48, 'G'),
                                 std::string("ABCDEF") + RandomHex(42)}) {
    HttpResponse r = NewBrowser().Get("/practices/status/" + bad);
    EXPECT_EQ(r.status, 404) << bad << "\n" << r.Describe();
  }
  // Answering through a forged link is refused the same way.
  Browser b = NewBrowser();
  b.Get("/practices/new");
  HttpResponse answer = b.Submit("/practices/status/" + RandomHex(48), {{"answer", "hello"}});
  EXPECT_EQ(answer.status, 404) << answer.Describe();
}

TEST_P(PracticesTest, BadApiParametersAre422NamingThem) {
  HttpResponse r = client().Get("/api/v1/practices?phase=bogus");
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_TRUE(Fields(r).contains("phase")) << r.body;
  r = client().Get("/api/v1/practices?sort=wrong");
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_TRUE(Fields(r).contains("sort")) << r.body;
  r = client().Get("/api/v1/practices?country=XXX");
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_TRUE(Fields(r).contains("country")) << r.body;
  r = client().Get("/api/v1/practices?region=999");
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_TRUE(Fields(r).contains("region")) << r.body;
  r = client().Get("/api/v1/practices?language=de");
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_TRUE(Fields(r).contains("language")) << r.body;
  r = client().Get("/api/v1/practices?per_page=1000");
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_TRUE(Fields(r).contains("per_page")) << r.body;
  EXPECT_EQ(client().Get("/api/v1/practices/matrix?crisis=bogus").status, 422);
  EXPECT_EQ(client().Get("/practices?phase=bogus").status, 422);
  r = client().Get("/api/v1/practices/999999");
  EXPECT_EQ(r.status, 404) << r.Describe();
  EXPECT_EQ(client().Get("/practices/999999").status, 404);
  EXPECT_EQ(client().Get("/api/v1/practices/999999/similar").status, 404);
}

TEST_P(PracticesTest, UiLanguageParameterDoesNotFilterByLanguage) {
  // ?lang= chooses the reader's language; the practices' language is ?language=.
  std::string word = Word(d(), "uilang");
  long long id = PublishedOpen(FrenchPractice(word), word);
  ASSERT_GT(id, 0);
  EXPECT_TRUE(Finds("q=" + word + "&lang=en", id)) << "?lang=en hid a French practice";
  HttpResponse page = client().Get("/practices?q=" + word + "&lang=es");
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_NE(page.body.find(word), std::string::npos) << "?lang=es hid a French practice from the list";
}

// --- moderation ---

TEST_P(PracticesTest, ReturnedWithQuestionsTheContributorAnswers) {
  std::string word = Word(d(), "ret");
  Opened o = MustOpen(FrenchPractice(word), word);
  ASSERT_GT(o.id, 0);
  std::string question = "Dans quelles villes exactement ? " + word;
  Browser admin = AsAdmin();
  admin.Get("/practices/" + std::to_string(o.id));
  HttpResponse ret =
      admin.Submit("/practices/" + std::to_string(o.id) + "/return", {{"questions", question}});
  ASSERT_EQ(ret.status, 303) << ret.Describe();
  EXPECT_EQ(Lifecycle(o.id), "returned");

  Browser contributor = NewBrowser();
  std::string link = "/practices/status/" + o.token;
  HttpResponse status = contributor.Get(link);
  ASSERT_EQ(status.status, 200) << status.Describe();
  EXPECT_NE(status.body.find(question), std::string::npos) << status.body;
  EXPECT_NE(status.body.find("Returned with questions"), std::string::npos) << status.body;
  EXPECT_NE(status.body.find("name=\"answer\""), std::string::npos) << "no form to answer";

  // An empty answer is refused, naming the field.
  HttpResponse empty = contributor.Submit(link, {{"answer", "  "}});
  EXPECT_EQ(empty.status, 422) << empty.Describe();
  EXPECT_NE(empty.body.find("answer"), std::string::npos) << empty.body;

  HttpResponse answered = contributor.Submit(link, {{"answer", "A Misrata et Benghazi."}});
  ASSERT_EQ(answered.status, 303) << answered.Describe();
  EXPECT_EQ(Lifecycle(o.id), "submitted");
  status = contributor.Get(link);
  EXPECT_NE(status.body.find("Waiting"), std::string::npos) << status.body;
  EXPECT_NE(status.body.find("A Misrata et Benghazi."), std::string::npos) << status.body;
  EXPECT_NE(status.body.find(question), std::string::npos) << "the conversation is kept";
  // Back in the queue.
  EXPECT_EQ(QueuedId(word), o.id);
  // An empty question is refused.
  HttpResponse q = ApiAction(AdminToken(), o.id, "return", {{"questions", ""}});
  EXPECT_EQ(q.status, 422) << q.Describe();
  EXPECT_TRUE(Fields(q).contains("questions")) << q.body;
}

TEST_P(PracticesTest, RejectedWithAReasonTheContributorReads) {
  std::string word = Word(d(), "rej");
  Opened o = MustOpen(FrenchPractice(word), word);
  ASSERT_GT(o.id, 0);
  HttpResponse noreason = ApiAction(AdminToken(), o.id, "reject", json::object());
  EXPECT_EQ(noreason.status, 422) << noreason.Describe();
  EXPECT_TRUE(Fields(noreason).contains("reason")) << noreason.body;
  std::string reason = "Hors du champ du portail " + word;
  HttpResponse r = ApiAction(AdminToken(), o.id, "reject", {{"reason", reason}});
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.Json()["lifecycle"], "rejected");
  EXPECT_EQ(client().Get("/practices/" + std::to_string(o.id)).status, 404);
  HttpResponse status = NewBrowser().Get("/practices/status/" + o.token);
  ASSERT_EQ(status.status, 200) << status.Describe();
  EXPECT_NE(status.body.find("Not published"), std::string::npos) << status.body;
  // The page says "the moderators' message says why": the reason must be there.
  EXPECT_NE(status.body.find(reason), std::string::npos) << "the contributor never reads why\n"
                                                         << status.body;
  // A rejected practice is not published afterwards.
  EXPECT_EQ(ApiAction(AdminToken(), o.id, "publish").status, 409);
}

TEST_P(PracticesTest, MergedPracticeRedirectsToTheOneKept) {
  std::string keep_word = Word(d(), "keep");
  std::string dup_word = Word(d(), "dup");
  long long keep = PublishedOpen(FrenchPractice(keep_word), keep_word);
  long long dup = PublishedOpen(FrenchPractice(dup_word), dup_word);
  ASSERT_GT(keep, 0);
  ASSERT_GT(dup, 0);
  HttpResponse self = ApiAction(AdminToken(), dup, "merge", {{"into", dup}, {"reason", "self"}});
  EXPECT_EQ(self.status, 422) << self.Describe();
  EXPECT_TRUE(Fields(self).contains("into")) << self.body;
  HttpResponse m = ApiAction(AdminToken(), dup, "merge", {{"into", keep}, {"reason", "Doublon"}});
  ASSERT_EQ(m.status, 200) << m.Describe();
  EXPECT_EQ(m.Json()["lifecycle"], "merged");
  EXPECT_EQ(m.Json()["merged_into"], keep);
  HttpResponse page = client().Get("/practices/" + std::to_string(dup));
  ASSERT_EQ(page.status, 301) << page.Describe();
  EXPECT_NE(page.Header("Location").find("/practices/" + std::to_string(keep)), std::string::npos)
      << page.Header("Location");
  // The merged one leaves the search; the kept one stays.
  EXPECT_TRUE(Misses("q=" + dup_word, dup));
  EXPECT_TRUE(Finds("q=" + keep_word, keep));
}

TEST_P(PracticesTest, ModeratorsOfAnotherOrganisationModerateNeitherItsPracticesNorOpenOnes) {
  Member author = NewMember("member");
  Member own = NewMember("moderator", author.org);
  Member other = NewMember("moderator");
  json draft = DraftBody("Led by " + author.org);
  HttpResponse c = CreateDraft(author, draft);
  ASSERT_EQ(c.status, 201) << c.Describe();
  long long id = c.Json()["id"];
  ASSERT_EQ(ApiAction(author.token, id, "submit").status, 200);
  // Submitted: the other organisation's moderator may not publish it (nor even see it).
  HttpResponse refused = ApiAction(other.token, id, "publish");
  EXPECT_TRUE(refused.status == 403 || refused.status == 404) << refused.Describe();
  EXPECT_EQ(Lifecycle(id), "submitted");
  // The author may not publish either; the organisation's moderator does.
  EXPECT_EQ(ApiAction(author.token, id, "publish").status, 403);
  ASSERT_EQ(ApiAction(own.token, id, "publish").status, 200);
  HttpResponse archived = ApiAction(own.token, id, "archive", {{"reason", "Ended"}});
  ASSERT_EQ(archived.status, 200) << archived.Describe();
  // Archived (and so visible): publishing it again is the organisation's, not another's.
  HttpResponse again = ApiAction(other.token, id, "publish");
  EXPECT_EQ(again.status, 403) << again.Describe();
  EXPECT_EQ(Lifecycle(id), "archived");

  // An open contribution: administrators only.
  std::string word = Word(d(), "openmod");
  Opened o = MustOpen(FrenchPractice(word), word);
  ASSERT_GT(o.id, 0);
  HttpResponse open = ApiAction(other.token, o.id, "publish");
  EXPECT_TRUE(open.status == 403 || open.status == 404) << open.Describe();
  EXPECT_NE(ApiAction(own.token, o.id, "publish").status, 200);
  EXPECT_EQ(Lifecycle(o.id), "submitted");
  // Through the page's form too.
  Browser ob = As(other.person);
  ob.Get("/practices");
  HttpResponse form = ob.Submit("/practices/" + std::to_string(o.id) + "/publish", {});
  EXPECT_TRUE(form.status == 403 || form.status == 404) << form.Describe();
  MustPublish(o.id);
  ASSERT_EQ(ApiAction(AdminToken(), o.id, "archive", {{"reason", "Old"}}).status, 200);
  EXPECT_EQ(ApiAction(other.token, o.id, "publish").status, 403);
  EXPECT_EQ(Lifecycle(o.id), "archived");
  // The queue of the other moderator does not list them.
  HttpResponse queue = ob.Get("/moderation/practices");
  ASSERT_EQ(queue.status, 200) << queue.Describe();
  EXPECT_EQ(queue.body.find(word), std::string::npos);
}

// --- members' drafts ---

TEST_P(PracticesTest, MembersDraftIsPrivateEditedWithIfMatchSubmittedAndPublished) {
  Member m = NewMember("member");
  Member mod = NewMember("moderator", m.org);
  std::string word = Word(d(), "draft");
  HttpResponse c = CreateDraft(m, DraftBody("Typhoon shelters " + word));
  ASSERT_EQ(c.status, 201) << c.Describe();
  json j = c.Json();
  long long id = j["id"];
  EXPECT_EQ(j["lifecycle"], "draft");
  EXPECT_EQ(j["lead"]["organisation"], m.org);
  EXPECT_FALSE(c.Header("ETag").empty());
  std::string url = "/api/v1/practices/" + std::to_string(id);
  EXPECT_EQ(client().Get(url).status, 404);
  EXPECT_EQ(client().Get("/practices/" + std::to_string(id)).status, 404);
  EXPECT_EQ(client().Get(url, Bearer(NewMember().token)).status, 404) << "another organisation's member";
  EXPECT_EQ(client().Get(url, Bearer(m.token)).status, 200);

  // Creating for an organisation one is not in, and without a title, is refused.
  json foreign_body = DraftBody("Foreign");
  foreign_body["organisation"] = NewMember().org;
  HttpResponse foreign = client().SendJson("POST", "/api/v1/practices", foreign_body, Bearer(m.token));
  EXPECT_TRUE(foreign.status == 422 || foreign.status == 403) << foreign.Describe();
  json untitled = DraftBody("");
  HttpResponse notitle = CreateDraft(m, untitled);
  EXPECT_EQ(notitle.status, 422) << notitle.Describe();
  // Text in English without a title: named as the English title.
  EXPECT_TRUE(Fields(notitle).contains("title.en")) << notitle.body;
  EXPECT_EQ(client().SendJson("POST", "/api/v1/practices", DraftBody("Anon")).status, 401);

  // PATCH with the current ETag, then with a stale one.
  HeaderList h = Bearer(m.token);
  h.emplace_back("If-Match", c.Header("ETag"));
  HttpResponse p = client().SendJson("PATCH", url, {{"texts", {{"en", {{"summary", "Edited " + word}}}}}}, h);
  ASSERT_EQ(p.status, 200) << p.Describe();
  EXPECT_EQ(p.Json()["texts"]["en"]["summary"], "Edited " + word);
  EXPECT_EQ(p.Json()["texts"]["en"]["title"], "Typhoon shelters " + word) << "a part not sent was lost";
  HttpResponse stale = client().SendJson("PATCH", url, {{"texts", {{"en", {{"summary", "Stale"}}}}}}, h);
  EXPECT_EQ(stale.status, 409) << stale.Describe();
  HttpResponse bad = client().SendJson("PATCH", url, {{"phases", {"bogus"}}}, IfMatchAs(url, m.token));
  EXPECT_EQ(bad.status, 422) << bad.Describe();
  EXPECT_TRUE(Fields(bad).contains("phases")) << bad.body;
  HttpResponse unknown = client().SendJson("PATCH", url, {{"colour", "red"}}, IfMatchAs(url, m.token));
  EXPECT_EQ(unknown.status, 422) << unknown.Describe();
  EXPECT_TRUE(Fields(unknown).contains("colour")) << unknown.body;

  // Submit, then the organisation's moderator publishes.
  HttpResponse s = ApiAction(m.token, id, "submit");
  ASSERT_EQ(s.status, 200) << s.Describe();
  EXPECT_EQ(s.Json()["lifecycle"], "submitted");
  EXPECT_EQ(client().Get(url).status, 404);
  Browser mb = As(mod.person);
  HttpResponse queue = mb.Get("/moderation/practices");
  EXPECT_NE(queue.body.find(word), std::string::npos) << "not in the organisation moderator's queue";
  HttpResponse pub = ApiAction(mod.token, id, "publish");
  ASSERT_EQ(pub.status, 200) << pub.Describe();
  EXPECT_EQ(client().Get(url).status, 200);
  EXPECT_TRUE(Finds("q=" + word, id));
  // The history lists each step.
  HttpResponse revs = client().Get(url + "/revisions", Bearer(m.token));
  ASSERT_EQ(revs.status, 200) << revs.Describe();
  std::vector<std::string> actions;
  json rev_items = revs.Json()["items"];
  for (const auto& r : rev_items) actions.push_back(r["action"]);
  EXPECT_NE(std::find(actions.begin(), actions.end(), "publish"), actions.end()) << revs.body.substr(0, 500);
}

// --- sensitivity ---

TEST_P(PracticesTest, RestrictedPracticeShowsOnlyItsSummaryToThePublic) {
  Member m = NewMember("member");
  Member mod = NewMember("moderator", m.org);
  std::string word = Word(d(), "restricted");
  json body = DraftBody("Safe houses " + word);
  body["texts"]["en"]["description"] = "Secret description " + word + "desc";
  body["contacts"] = "Call secretcontact" + word;
  body["places"] = {{{"country", "NER"}, {"role", "transit"}}};
  body["generalised_location"] = "West Africa";
  body["sensitivity"] = "restricted";
  body["links"] = {{{"url", "https://example.org/" + word}, {"label", "secretlink"}}};
  HttpResponse c = CreateDraft(m, body);
  ASSERT_EQ(c.status, 201) << c.Describe();
  long long id = c.Json()["id"];
  ASSERT_EQ(ApiAction(m.token, id, "submit").status, 200);
  ASSERT_EQ(ApiAction(mod.token, id, "publish").status, 200);

  std::string page_url = "/practices/" + std::to_string(id);
  HttpResponse page = client().Get(page_url);
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_NE(page.body.find("Summary of Safe houses " + word), std::string::npos) << "the summary is public";
  EXPECT_EQ(page.body.find(word + "desc"), std::string::npos) << "the description is public";
  EXPECT_EQ(page.body.find("secretcontact"), std::string::npos) << "the contacts are public";
  EXPECT_EQ(page.body.find("Niger"), std::string::npos) << "the places are public";
  EXPECT_EQ(page.body.find("secretlink"), std::string::npos) << "the links are public";
  EXPECT_NE(page.body.find("West Africa"), std::string::npos) << "the generalised location is shown";
  HttpResponse api = client().Get("/api/v1/practices/" + std::to_string(id));
  ASSERT_EQ(api.status, 200) << api.Describe();
  json j = api.Json();
  EXPECT_EQ(j["redacted"], true);
  EXPECT_EQ(j["texts"]["en"]["summary"], "Summary of Safe houses " + word);
  EXPECT_FALSE(j["texts"]["en"].contains("description")) << api.body;
  EXPECT_TRUE(j["places"].empty()) << api.body;
  EXPECT_EQ(j["contacts"], "") << api.body;
  EXPECT_TRUE(j["links"].empty()) << api.body;
  EXPECT_EQ(api.body.find(word + "desc"), std::string::npos);
  // Nor do the list, the CSV and the search find it by the hidden text.
  EXPECT_TRUE(Finds("q=" + word, id));
  EXPECT_TRUE(Misses("q=" + word + "desc", id));
  HttpResponse list = client().Get("/api/v1/practices?q=" + word);
  EXPECT_EQ(list.body.find("secretcontact"), std::string::npos);
  EXPECT_EQ(list.body.find(word + "desc"), std::string::npos);
  HttpResponse csv = client().Get("/api/v1/practices.csv?q=" + word);
  EXPECT_EQ(csv.body.find("NER"), std::string::npos) << csv.body;

  // Moderators (the administrator, the organisation's) read it all.
  HttpResponse full = client().Get("/api/v1/practices/" + std::to_string(id), Bearer(AdminToken()));
  ASSERT_EQ(full.status, 200) << full.Describe();
  EXPECT_EQ(full.Json()["redacted"], false);
  EXPECT_EQ(full.Json()["texts"]["en"]["description"], "Secret description " + word + "desc");
  EXPECT_EQ(full.Json()["contacts"], "Call secretcontact" + word);
  Browser admin = AsAdmin();
  HttpResponse admin_page = admin.Get(page_url);
  EXPECT_NE(admin_page.body.find(word + "desc"), std::string::npos);
  EXPECT_NE(admin_page.body.find("secretcontact"), std::string::npos);
}

TEST_P(PracticesTest, PrivateContactsAreHiddenFromThePublic) {
  Member m = NewMember("member");
  Member mod = NewMember("moderator", m.org);
  std::string word = Word(d(), "contacts");
  json body = DraftBody("Hotline " + word);
  body["texts"]["en"]["description"] = "Open description " + word;
  body["contacts"] = "privatephone" + word;
  body["contacts_private"] = true;
  HttpResponse c = CreateDraft(m, body);
  ASSERT_EQ(c.status, 201) << c.Describe();
  long long id = c.Json()["id"];
  ASSERT_EQ(ApiAction(m.token, id, "submit").status, 200);
  ASSERT_EQ(ApiAction(mod.token, id, "publish").status, 200);
  HttpResponse page = client().Get("/practices/" + std::to_string(id));
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_NE(page.body.find("Open description " + word), std::string::npos) << "the description is shown";
  EXPECT_EQ(page.body.find("privatephone"), std::string::npos) << "private contacts are public";
  HttpResponse api = client().Get("/api/v1/practices/" + std::to_string(id));
  EXPECT_EQ(api.Json()["contacts"], "") << api.body;
  EXPECT_EQ(api.body.find("privatephone"), std::string::npos);
  EXPECT_EQ(api.Json()["redacted"], false);
  HttpResponse full = client().Get("/api/v1/practices/" + std::to_string(id), Bearer(AdminToken()));
  EXPECT_EQ(full.Json()["contacts"], "privatephone" + word);
}

// --- "we did this too", similar ---

TEST_P(PracticesTest, AnotherOrganisationRecordsThatItDidThisToo) {
  std::string word = Word(d(), "adopt");
  long long id = PublishedOpen(FrenchPractice(word), word);
  ASSERT_GT(id, 0);
  Member other = NewMember("member");
  Browser b = As(other.person);
  std::string page_url = "/practices/" + std::to_string(id);
  HttpResponse page = b.Get(page_url);
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_NE(page.body.find("/practices/" + std::to_string(id) + "/adoptions"), std::string::npos)
      << "no form to record it";
  // An unknown country is refused, naming it.
  HttpResponse bad = b.Submit(page_url + "/adoptions", {{"organisation", other.org}, {"country", "XXX"}});
  EXPECT_EQ(bad.status, 422) << bad.Describe();
  EXPECT_NE(bad.body.find("country"), std::string::npos) << bad.body;
  std::string results = "Nous l'avons fait aussi " + word + "adopted";
  HttpResponse added = b.Submit(
      page_url + "/adoptions",
      {{"organisation", other.org}, {"country", "MEX"}, {"start_date", "2017-09"}, {"results", results}});
  ASSERT_EQ(added.status, 303) << added.Describe();
  HttpResponse shown = client().Get(page_url);
  EXPECT_NE(shown.body.find(word + "adopted"), std::string::npos) << "not on the page";
  HttpResponse api = client().Get("/api/v1/practices/" + std::to_string(id));
  ASSERT_EQ(api.status, 200) << api.Describe();
  json adoptions = api.Json()["adoptions"];
  ASSERT_EQ(adoptions.size(), 1u) << api.body;
  EXPECT_EQ(adoptions[0]["organisation"], other.org);
  EXPECT_EQ(adoptions[0]["country"], "MEX");
  EXPECT_EQ(adoptions[0]["results"], results);
  // The public may not record one.
  Browser anon = NewBrowser();
  anon.Get(page_url);
  HttpResponse refused =
      anon.Submit(page_url + "/adoptions", {{"organisation", other.org}, {"country", "MEX"}});
  EXPECT_EQ(refused.status, 303) << refused.Describe();
  EXPECT_EQ(refused.Header("Location").rfind("/signin", 0), 0u) << "the public is sent to sign in";
  EXPECT_EQ(client().Get("/api/v1/practices/" + std::to_string(id)).Json()["adoptions"].size(), 1u);
}

TEST_P(PracticesTest, SimilarPracticesAreOtherPublishedOnes) {
  std::string run = Word(d(), "sim");
  std::vector<long long> ids;
  for (int i = 0; i < 3; ++i) {
    std::string word = run + "n" + std::to_string(i);
    ids.push_back(PublishedOpen(EnglishPractice("Consular evacuation hotline " + word,
                                                "Consular hotline evacuating stranded migrant workers " +
                                                    run + " by charter flights and buses"),
                                word));
    ASSERT_GT(ids.back(), 0);
  }
  // A draft-like one that is never published, with the same words.
  std::string hidden = run + "hidden";
  Opened o = MustOpen(EnglishPractice("Consular evacuation hotline " + hidden,
                                      "Consular hotline evacuating stranded migrant workers " + run),
                      hidden);
  HttpResponse r = client().Get("/api/v1/practices/" + std::to_string(ids[0]) + "/similar");
  ASSERT_EQ(r.status, 200) << r.Describe();
  json items = r.Json()["items"];
  EXPECT_FALSE(items.empty()) << r.body.substr(0, 500);
  bool found_sibling = false;
  for (const auto& item : items) {
    long long sid = item["id"];
    EXPECT_NE(sid, ids[0]) << "a practice is similar to itself";
    EXPECT_NE(sid, o.id) << "an unpublished practice is offered";
    EXPECT_EQ(item["lifecycle"], "published");
    if (sid == ids[1] || sid == ids[2]) found_sibling = true;
  }
  EXPECT_TRUE(found_sibling) << r.body.substr(0, 800);
  // The page shows them too.
  HttpResponse page = client().Get("/practices/" + std::to_string(ids[0]));
  EXPECT_TRUE(page.body.find("/practices/" + std::to_string(ids[1]) + "\"") != std::string::npos ||
              page.body.find("/practices/" + std::to_string(ids[2]) + "\"") != std::string::npos);
  // Not for a practice the reader may not see.
  EXPECT_EQ(client().Get("/api/v1/practices/" + std::to_string(o.id) + "/similar").status, 404);
}

// --- matrix, CSV, Atom, print ---

TEST_P(PracticesTest, MatrixCountsAddUp) {
  std::string word = Word(d(), "matrix");
  FormFields two = EnglishPractice("Two phases " + word, "Preparedness and response " + word);
  two.push_back({"phases", "emergency"});
  long long id = PublishedOpen(two, word);
  ASSERT_GT(id, 0);
  HttpResponse r = client().Get("/api/v1/practices/matrix");
  ASSERT_EQ(r.status, 200) << r.Describe();
  json m = r.Json();
  auto total_of = [&](const std::string& query) {
    HttpResponse l = client().Get("/api/v1/practices?per_page=1" + query);
    EXPECT_EQ(l.status, 200) << l.Describe();
    return l.status == 200 ? l.Json()["total"].get<long long>() : -1;
  };
  EXPECT_EQ(m["total"].get<long long>(), total_of("")) << r.body;
  for (const auto& phase : m["phases"]) {
    std::string p = phase;
    EXPECT_EQ(m["phase_totals"][p].get<long long>(), total_of("&phase=" + p)) << p;
  }
  for (const auto& row : m["rows"]) {
    std::string c = row["crisis"];
    EXPECT_EQ(row["total"].get<long long>(), total_of("&crisis=" + c)) << c;
    long long cells = 0;
    for (const auto& phase : m["phases"]) {
      std::string p = phase;
      long long n = row["phases"][p].get<long long>();
      cells += n;
      EXPECT_EQ(n, total_of("&crisis=" + c + "&phase=" + p)) << c << " x " << p;
    }
    EXPECT_GE(cells, row["total"].get<long long>()) << "a row's cells count fewer than its total";
  }
  // A practice with two phases counts in both columns: filtered to it, both cells are 1.
  HttpResponse mine = client().Get("/api/v1/practices/matrix?q=" + word);
  ASSERT_EQ(mine.status, 200) << mine.Describe();
  json one = mine.Json();
  EXPECT_EQ(one["total"], 1) << mine.body;
  EXPECT_EQ(one["phase_totals"]["preparedness"], 1) << mine.body;
  EXPECT_EQ(one["phase_totals"]["emergency"], 1) << mine.body;
  EXPECT_EQ(one["phase_totals"]["post-crisis"], 0) << mine.body;

  HttpResponse html = client().Get("/practices/matrix");
  ASSERT_EQ(html.status, 200) << html.Describe();
  EXPECT_NE(html.Header("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(html.body.find("<table"), std::string::npos);
  EXPECT_NE(html.body.find("href=\"/practices?phase=preparedness&amp;crisis=disaster\""), std::string::npos)
      << html.body.substr(0, 3000);
  EXPECT_EQ(MissingSecurityHeaders(html), "");
}

TEST_P(PracticesTest, CsvAtomAndPrintStylesheet) {
  std::string word = Word(d(), "feed");
  long long id = PublishedOpen(
      EnglishPractice("=HYPERLINK(\"http://evil.example\") " + word, "+cmd|' /C calc'!A0 <b>x</b>"), word);
  ASSERT_GT(id, 0);
  HttpResponse csv = client().Get("/api/v1/practices.csv?q=" + word);
  ASSERT_EQ(csv.status, 200) << csv.Describe();
  EXPECT_NE(csv.Header("Content-Type").find("text/csv"), std::string::npos);
  std::string header = csv.body.substr(0, csv.body.find("\r\n"));
  EXPECT_EQ(header.rfind("id,slug,title,summary,", 0), 0u) << header;
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < csv.body.size();) {
    std::size_t end = csv.body.find("\r\n", at);
    if (end == std::string::npos) end = csv.body.size();
    lines.push_back(csv.body.substr(at, end - at));
    at = end + 2;
  }
  ASSERT_EQ(lines.size(), 2u) << csv.body;
  EXPECT_EQ(lines[1].rfind(std::to_string(id) + ",", 0), 0u) << lines[1];
  EXPECT_NE(lines[1].find("\"'=HYPERLINK(\"\"http://evil.example\"\") " + word + "\""), std::string::npos)
      << "the formula is not defused: " << lines[1];
  EXPECT_NE(lines[1].find(",'+cmd"), std::string::npos) << "the formula is not defused: " << lines[1];
  EXPECT_EQ(lines[1].find(",=HYPERLINK"), std::string::npos) << lines[1];
  // Every page of the whole export.
  HttpResponse all = client().Get("/api/v1/practices.csv");
  ASSERT_EQ(all.status, 200);
  EXPECT_NE(all.body.find(word), std::string::npos);
  EXPECT_EQ(client().Get("/api/v1/practices.csv?phase=bogus").status, 422);

  HttpResponse atom = client().Get("/practices.atom");
  ASSERT_EQ(atom.status, 200) << atom.Describe();
  EXPECT_NE(atom.Header("Content-Type").find("application/atom+xml"), std::string::npos);
  std::string why;
  EXPECT_TRUE(WellFormedXml(atom.body, &why)) << why << "\n" << atom.body.substr(0, 2000);
  EXPECT_NE(atom.body.find("=HYPERLINK(&quot;http://evil.example&quot;) " + word), std::string::npos)
      << atom.body.substr(0, 2000);
  EXPECT_NE(atom.body.find("&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(atom.body.find("/practices/" + std::to_string(id)), std::string::npos);

  HttpResponse css = client().Get("/practices/print.css");
  ASSERT_EQ(css.status, 200) << css.Describe();
  EXPECT_EQ(css.Header("Content-Type").rfind("text/css", 0), 0u) << css.Header("Content-Type");
  EXPECT_NE(css.body.find("@page"), std::string::npos) << css.body.substr(0, 300);
  HttpResponse page = client().Get("/practices/" + std::to_string(id));
  EXPECT_NE(page.body.find("media=\"print\" href=\"/practices/print.css\""), std::string::npos);
}

// --- audit ---

TEST_P(PracticesTest, PublishAppearsInTheAuditLog) {
  std::string word = Word(d(), "audit");
  long long id = PublishedOpen(FrenchPractice(word), word);
  ASSERT_GT(id, 0);
  Browser admin = AsAdmin();
  HttpResponse audit = admin.Get("/admin/audit");
  ASSERT_EQ(audit.status, 200) << audit.Describe();
  EXPECT_NE(audit.body.find("practice.publish"), std::string::npos) << audit.body.substr(0, 3000);
  EXPECT_NE(audit.body.find("practice:" + std::to_string(id)), std::string::npos)
      << audit.body.substr(0, 3000);
  EXPECT_NE(audit.body.find("practice.submit"), std::string::npos);
  // The publisher is named: the administrator's user id.
  HttpResponse me = client().Get("/api/v1/me", Bearer(AdminToken()));
  ASSERT_EQ(me.status, 200) << me.Describe();
  std::string actor = "user:" + std::to_string(me.Json()["id"].get<long>());
  EXPECT_NE(audit.body.find("<td>" + actor + "</td><td>practice.publish</td>"), std::string::npos)
      << audit.body.substr(0, 3000);
  // The contributor's address is never in the log.
  EXPECT_EQ(audit.body.find("camille@example.org"), std::string::npos);
}

WM_INSTANTIATE_BACKENDS(PracticesTest);

// The per-address limit: a deployment of its own, since every test sends from one address.
class PracticesLimitTest : public PracticesTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.config["practices_min_fill_ms"] = kMinFillMs;
    o.config["practices_max_open_per_hour"] = 5;
    return o;
  }
};

TEST_P(PracticesLimitTest, SixthOpenContributionInAnHourIs429) {
  std::string word = Word(d(), "limit");
  // Six forms shown at once, then sent once the fill time has passed.
  std::vector<Browser> browsers;
  std::vector<std::string> stamps;
  for (int i = 0; i < 6; ++i) {
    browsers.push_back(NewBrowser());
    stamps.push_back(OpenForm(browsers.back()));
  }
  WaitFill();
  for (int i = 0; i < 6; ++i) {
    FormFields f = {{"form_kind", "practice"}, {"form_stamp", stamps[i]}};
    for (const auto& x : FrenchPractice(word + "n" + std::to_string(i))) f.push_back(x);
    HttpResponse r = browsers[i].Submit("/practices", f);
    if (i < 5) {
      EXPECT_EQ(r.status, 201) << "submission " << i + 1 << "\n" << r.Describe();
    } else {
      EXPECT_EQ(r.status, 429) << "submission " << i + 1 << "\n" << r.Describe();
      EXPECT_FALSE(r.Header("Retry-After").empty()) << r.Describe();
      EXPECT_NE(r.body.find("Accueil des réfugiés " + word + "n5"), std::string::npos)
          << "the text typed is lost";
    }
  }
  // Members' drafts are not open contributions: not limited.
  Member m = NewMember("member");
  EXPECT_EQ(CreateDraft(m, DraftBody("Not limited " + word)).status, 201);
}

WM_INSTANTIATE_BACKENDS(PracticesLimitTest);

}  // namespace
}  // namespace waymark::it
