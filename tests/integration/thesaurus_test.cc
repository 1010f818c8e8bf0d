// The thesaurus over HTTP, on both backends (issue 15): who may propose,
// approve and archive (anonymous callers 401, members may not approve),
// input errors naming the field, the page with its propose form and the
// moderators' buttons, the glossary import, and that approving a concept
// makes a search find the same concept in another language at once, on the
// API and on the (cached) campaigns page.
#include <regex>
#include <string>
#include <vector>

#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;

class ThesaurusTest : public ServerTest {
 protected:
  struct Caller {
    Person person;
    std::string token;
    std::string org;
  };
  Caller NewCaller(const std::string& role) {
    std::string org = d().Unique("th-org");
    d().EnsureOrganisation(org);
    Person p = WithRole(org, role);
    return {p, d().CreateToken(p.email), org};
  }
  // A word no other test uses (letters and digits only).
  std::string Word(const std::string& prefix) {
    std::string w = "zq" + prefix + d().Unique("w");
    std::erase_if(w, [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); });
    return w;
  }
  HttpResponse Propose(const std::string& token, const json& body) {
    return client().SendJson("POST", "/api/v1/thesaurus", body, Bearer(token));
  }
  HttpResponse Act(const std::string& token, long long id, const std::string& action) {
    return client().Request("POST", "/api/v1/thesaurus/" + std::to_string(id) + "/" + action, Bearer(token));
  }
  static json Fields(const HttpResponse& r) {
    try {
      return r.Json()["error"].value("fields", json::object());
    } catch (...) {
      return json::object();
    }
  }
  // A published campaign titled `title` in `lang`.
  long long Publish(const Caller& editor, const std::string& lang, const std::string& title) {
    HttpClient c = client();
    HttpResponse r =
        c.SendJson("POST", "/api/v1/campaigns", {{"title", {{lang, title}}}, {"organisation", editor.org}},
                   Bearer(editor.token));
    EXPECT_EQ(r.status, 201) << r.Describe();
    if (r.status != 201) return 0;
    long long id = r.Json()["id"];
    std::string base = "/api/v1/campaigns/" + std::to_string(id);
    EXPECT_EQ(c.Request("POST", base + "/submit", Bearer(editor.token)).status, 200);
    HttpResponse p = c.Request("POST", base + "/publish", Bearer(d().AdminToken()));
    EXPECT_EQ(p.status, 200) << p.Describe();
    return id;
  }
  std::vector<long long> Found(const std::string& q) {
    HttpResponse r = client().Get("/api/v1/campaigns?per_page=100&q=" + q);
    EXPECT_EQ(r.status, 200) << r.Describe();
    std::vector<long long> ids;
    if (r.status != 200) return ids;
    json list = r.Json();
    for (const auto& c : list["items"]) ids.push_back(c["id"].get<long long>());
    return ids;
  }
};

TEST_P(ThesaurusTest, OnlySignedInPeopleProposeAndOnlyModeratorsApprove) {
  Caller member = NewCaller("member");
  Caller moderator = NewCaller("moderator");
  std::string w = Word("prop");
  json body = {{"terms", {{"en", {w + "en"}}, {"fr", {w + "fr"}}}}};

  HttpResponse anon = client().SendJson("POST", "/api/v1/thesaurus", body);
  EXPECT_EQ(anon.status, 401) << anon.Describe();

  HttpResponse made = Propose(member.token, body);
  ASSERT_EQ(made.status, 201) << made.Describe();
  json c = made.Json();
  EXPECT_EQ(c["status"], "proposed");
  EXPECT_EQ(c["slug"], w + "en");
  long long id = c["id"];
  EXPECT_EQ(made.Header("ETag"), "\"1\"");

  // The proposal is not public; the member sees their own.
  EXPECT_EQ(client().Get("/api/v1/thesaurus/" + std::to_string(id)).status, 404);
  json mine = client().Get("/api/v1/thesaurus", Bearer(member.token)).Json();
  bool listed = false;
  for (const auto& p : mine["proposals"]) listed = listed || p["id"] == id;
  EXPECT_TRUE(listed) << mine.dump();
  EXPECT_EQ(client().Get("/api/v1/thesaurus").Json()["proposals"].size(), 0u);

  EXPECT_EQ(Act("", id, "approve").status, 401);
  HttpResponse self = Act(member.token, id, "approve");
  EXPECT_EQ(self.status, 403) << "a member does not approve: " << self.Describe();

  HttpResponse ok = Act(moderator.token, id, "approve");
  ASSERT_EQ(ok.status, 200) << ok.Describe();
  EXPECT_EQ(ok.Json()["status"], "approved");
  HttpResponse pub = client().Get("/api/v1/thesaurus/" + std::to_string(id));
  ASSERT_EQ(pub.status, 200) << pub.Describe();
  EXPECT_EQ(pub.Json()["terms"]["fr"], json::array({w + "fr"}));

  // Edits are conditional: a stale If-Match is 409, the current one works.
  HeaderList stale = Bearer(moderator.token);
  stale.emplace_back("If-Match", "\"1\"");
  json edit = {{"terms", {{"es", {w + "es"}}}}};
  HttpResponse conflict = client().SendJson("PUT", "/api/v1/thesaurus/" + std::to_string(id), edit, stale);
  EXPECT_EQ(conflict.status, 409) << conflict.Describe();
  HttpResponse member_edit =
      client().SendJson("PUT", "/api/v1/thesaurus/" + std::to_string(id), edit, Bearer(member.token));
  EXPECT_EQ(member_edit.status, 403) << "an approved concept is the moderators' to edit";
  HeaderList current = Bearer(moderator.token);
  current.emplace_back("If-Match", pub.Header("ETag"));
  HttpResponse edited = client().SendJson("PUT", "/api/v1/thesaurus/" + std::to_string(id), edit, current);
  ASSERT_EQ(edited.status, 200) << edited.Describe();
  EXPECT_EQ(edited.Json()["terms"]["es"], json::array({w + "es"}));
  EXPECT_EQ(edited.Json()["terms"]["en"], json::array({w + "en"}));

  HttpResponse archived = Act(moderator.token, id, "archive");
  ASSERT_EQ(archived.status, 200) << archived.Describe();
  EXPECT_EQ(client().Get("/api/v1/thesaurus/" + std::to_string(id)).status, 404);
}

TEST_P(ThesaurusTest, BadInputGetsA4xxNamingTheField) {
  Caller member = NewCaller("member");
  std::string w = Word("bad");
  HttpResponse one = Propose(member.token, {{"terms", {{"en", {w}}}}});
  EXPECT_EQ(one.status, 422) << one.Describe();
  EXPECT_TRUE(Fields(one).contains("terms")) << one.body;
  HttpResponse lang = Propose(member.token, {{"terms", {{"de", {w + "a", w + "b"}}}}});
  EXPECT_EQ(lang.status, 422) << lang.Describe();
  EXPECT_TRUE(Fields(lang).contains("terms.de")) << lang.body;
  HttpResponse typed = Propose(member.token, {{"terms", {{"en", "not a list"}}}});
  EXPECT_EQ(typed.status, 422) << typed.Describe();
  EXPECT_TRUE(Fields(typed).contains("terms.en")) << typed.body;
  HttpResponse unknown = Propose(member.token, {{"terms", {{"en", {w + "a", w + "b"}}}}, {"colour", "red"}});
  EXPECT_EQ(unknown.status, 422) << unknown.Describe();
  EXPECT_TRUE(Fields(unknown).contains("colour")) << unknown.body;
  HttpResponse long_term = Propose(member.token, {{"terms", {{"en", {w, std::string(300, 'x')}}}}});
  EXPECT_EQ(long_term.status, 422) << long_term.Describe();
  EXPECT_TRUE(Fields(long_term).contains("terms.en")) << long_term.body;
  HttpResponse not_json = client().Request(
      "POST", "/api/v1/thesaurus",
      {{"Authorization", "Bearer " + member.token}, {"Content-Type", "application/json"}}, "{\"terms\":");
  EXPECT_EQ(not_json.status, 400) << not_json.Describe();
  ASSERT_EQ(Propose(member.token, {{"slug", w}, {"terms", {{"en", {w + "a", w + "b"}}}}}).status, 201);
  HttpResponse taken = Propose(member.token, {{"slug", w}, {"terms", {{"en", {w + "c", w + "d"}}}}});
  EXPECT_EQ(taken.status, 422) << taken.Describe();
  EXPECT_TRUE(Fields(taken).contains("slug")) << taken.body;
  EXPECT_EQ(client().Get("/api/v1/thesaurus/notanumber").status, 404);
}

TEST_P(ThesaurusTest, ApprovingAConceptFindsItInTheOtherLanguageAtOnce) {
  Caller editor = NewCaller("editor");
  Caller moderator = NewCaller("moderator");
  std::string en = Word("alpha");
  std::string es = Word("beta");
  long long english = Publish(editor, "en", "Posters about " + en);
  long long spanish = Publish(editor, "es", "Carteles sobre " + es);
  ASSERT_GT(english, 0);
  ASSERT_GT(spanish, 0);
  EXPECT_EQ(Found(en), std::vector<long long>{english});
  // The anonymous page, kept by the page cache from now on.
  HttpResponse before = client().Get("/campaigns?q=" + en);
  ASSERT_EQ(before.status, 200);
  EXPECT_EQ(before.body.find(es), std::string::npos);

  HttpResponse made = Propose(editor.token, {{"terms", {{"en", {en}}, {"es", {es}}}}});
  ASSERT_EQ(made.status, 201) << made.Describe();
  long long id = made.Json()["id"];
  EXPECT_EQ(Found(en), std::vector<long long>{english}) << "a proposal is no synonym";
  ASSERT_EQ(Act(moderator.token, id, "approve").status, 200);

  // At once: the reader's own words first, then the other language.
  EXPECT_EQ(Found(en), (std::vector<long long>{english, spanish}));
  EXPECT_EQ(Found(es), (std::vector<long long>{spanish, english}));
  HttpResponse after = client().Get("/campaigns?q=" + en);
  ASSERT_EQ(after.status, 200);
  EXPECT_NE(after.body.find(es), std::string::npos)
      << "the cached page is stale once the concept is approved";
  EXPECT_NE(after.body.find("<mark>" + es + "</mark>"), std::string::npos) << after.body;

  ASSERT_EQ(Act(moderator.token, id, "archive").status, 200);
  EXPECT_EQ(Found(en), std::vector<long long>{english});
}

TEST_P(ThesaurusTest, ThePageProposesAndShowsModeratorsTheirButtons) {
  std::string w = Word("page");
  HttpResponse anon = client().Get("/thesaurus");
  ASSERT_EQ(anon.status, 200) << anon.Describe();
  EXPECT_EQ(anon.body.find("action=\"/thesaurus\""), std::string::npos) << "no form for anonymous readers";
  Browser out = NewBrowser();
  out.Get("/thesaurus");
  HttpResponse anon_post = out.Submit("/thesaurus", {{"terms_en", w + "a\n" + w + "b"}});
  EXPECT_NE(anon_post.status, 200);
  EXPECT_NE(anon_post.Header("Location"), "/thesaurus?msg=flash_thesaurus_proposed");

  Caller member = NewCaller("member");
  Browser b = NewBrowser();
  SignIn(b, member.person.email, member.person.password);
  HttpResponse page = b.Get("/thesaurus");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("action=\"/thesaurus\""), std::string::npos);
  HttpResponse bad = b.Submit("/thesaurus", {{"terms_en", w + "only"}});
  EXPECT_EQ(bad.status, 422) << bad.Describe();
  EXPECT_NE(bad.body.find(w + "only"), std::string::npos) << "the typed text is kept";
  HttpResponse good = b.Submit("/thesaurus", {{"terms_en", w + "one\n" + w + "two"}, {"terms_fr", w + "un"}});
  ASSERT_EQ(good.status, 303) << good.Describe();
  EXPECT_EQ(good.Header("Location"), "/thesaurus?msg=flash_thesaurus_proposed");
  HttpResponse mine = b.Get("/thesaurus");
  EXPECT_NE(mine.body.find(w + "one · " + w + "two"), std::string::npos) << mine.body;
  EXPECT_EQ(mine.body.find("/approve"), std::string::npos) << "members get no approve button";

  Caller moderator = NewCaller("moderator");
  Browser m = NewBrowser();
  SignIn(m, moderator.person.email, moderator.person.password);
  HttpResponse queue = m.Get("/thesaurus");
  std::smatch found;
  std::regex approve("action=\"(/thesaurus/[0-9]+/approve)\"");
  std::string slug_row = queue.body.substr(queue.body.find("id=\"" + w + "one\""));
  ASSERT_TRUE(std::regex_search(slug_row, found, approve)) << queue.body;
  HttpResponse approved = m.Submit(found[1].str(), {});
  ASSERT_EQ(approved.status, 303) << approved.Describe();
  HttpResponse pub = client().Get("/thesaurus");
  EXPECT_NE(pub.body.find(w + "one · " + w + "two"), std::string::npos) << "approved: public";
}

TEST_P(ThesaurusTest, AdministratorsImportTheGlossaryAsProposals) {
  std::string slug = Word("gloss");
  HeaderList admin = Bearer(d().AdminToken());
  json en = {
      {"term", slug + " migration"}, {"definition", "Moving because of it."}, {"aliases", {slug + "s"}}};
  json fr = {{"term", slug + " migration fr"}, {"definition", "Partir à cause de cela."}};
  json body = {{"texts", {{"en", en}, {"fr", fr}}}};
  HttpResponse term = client().SendJson("PUT", "/api/v1/atlas/glossary/" + slug, body, admin);
  ASSERT_EQ(term.status, 201) << term.Describe();
  Caller member = NewCaller("member");
  EXPECT_EQ(client().Request("POST", "/api/v1/thesaurus/import", Bearer(member.token)).status, 403);
  HttpResponse r = client().Request("POST", "/api/v1/thesaurus/import", admin);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_GE(r.Json()["added"].get<int>(), 1);
  HttpResponse again = client().Request("POST", "/api/v1/thesaurus/import", admin);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.Json()["added"], 0) << "what is there is skipped";
  json list = client().Get("/api/v1/thesaurus", admin).Json();
  bool proposed = false;
  for (const auto& c : list["proposals"]) {
    if (c["slug"] == slug) {
      proposed = true;
      EXPECT_EQ(c["terms"]["en"], json::array({slug + " migration", slug + "s"}));
    }
  }
  EXPECT_TRUE(proposed) << list.dump();
}

WM_INSTANTIATE_BACKENDS(ThesaurusTest);

}  // namespace
}  // namespace waymark::it
