// Who sees which content (issue 8, security probe): revision history,
// moderation scope per organisation, quotes of hidden posts, lineage through
// hidden campaigns, permission before version on conditional writes, and
// bidirectional control characters in titles and names.
#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;

class SecurityContentTest : public ServerTest {
 protected:
  struct Actor {
    Person person;
    std::string token;
    std::string org;
  };
  // Someone with `role` in a fresh organisation (or in `org`), with a token.
  Actor NewActor(const std::string& role = "editor", std::string org = "") {
    if (org.empty()) {
      org = d().Unique("sec");
      d().EnsureOrganisation(org);
    }
    Person p = WithRole(org, role);
    return {p, d().CreateToken(p.email), org};
  }
  Actor Admin() { return {d().Admin(), d().AdminToken(), ""}; }

  static std::string Path(long long id) { return "/api/v1/campaigns/" + std::to_string(id); }
  HttpResponse Act(const std::string& token, long long id, const std::string& action,
                   const json& body = nullptr, const std::string& if_match = "") {
    HeaderList h = Bearer(token);
    if (!if_match.empty()) h.emplace_back("If-Match", if_match);
    if (body.is_null()) return client().Request("POST", Path(id) + "/" + action, h);
    return client().SendJson("POST", Path(id) + "/" + action, body, h);
  }
  long long Create(const Actor& e, const json& title, const std::string& body = "") {
    HttpResponse r = client().SendJson("POST", "/api/v1/campaigns",
                                       {{"organisation", e.org}, {"title", title}, {"body", {{"en", body}}}},
                                       Bearer(e.token));
    EXPECT_EQ(r.status, 201) << r.Describe();
    return r.status == 201 ? r.Json()["id"].get<long long>() : 0;
  }
  // Submits `id` as `e` and publishes it as an administrator.
  void Publish(const Actor& e, long long id) {
    EXPECT_EQ(Act(e.token, id, "submit").status, 200);
    HttpResponse p = Act(d().AdminToken(), id, "publish");
    EXPECT_EQ(p.status, 200) << p.Describe();
  }
  static std::vector<std::string> Actions(const HttpResponse& r) {
    std::vector<std::string> out;
    if (r.status != 200) return out;
    json body = r.Json();
    for (const auto& item : body["items"]) out.push_back(item["action"]);
    return out;
  }
  static json Fields(const HttpResponse& r) {
    try {
      return r.Json()["error"].value("fields", json::object());
    } catch (...) {
      return json::object();
    }
  }
  // Three members report `kind` `id`: hidden from then on.
  void ReportThrice(const std::string& kind, long long id) {
    for (int i = 0; i < 3; ++i) {
      Actor r = NewActor("member");
      HttpResponse rep = client().SendJson(
          "POST", "/api/v1/reports", {{"kind", kind}, {"id", id}, {"reason", "report " + std::to_string(i)}},
          Bearer(r.token));
      ASSERT_EQ(rep.status, 201) << rep.Describe();
    }
  }
};

// F3: the public sees only published revisions, without the moderator's
// note; editors of the organisation and its moderators see every one.
TEST_P(SecurityContentTest, PublicHistoryShowsOnlyPublishedRevisions) {
  Actor e = NewActor();
  long long id = Create(e, {{"en", "History draft"}}, "Keep this. REMOVE-ME passage.");
  ASSERT_GT(id, 0);
  ASSERT_EQ(Act(e.token, id, "submit").status, 200);
  ASSERT_EQ(Act(d().AdminToken(), id, "return", {{"reason", "Take out the MODNOTE passage"}}).status, 200);
  HttpResponse edited = client().SendJson("PATCH", Path(id), {{"body", {{"en", "Keep this."}}}},
                                          {{"Authorization", "Bearer " + e.token}, {"If-Match", "\"3\""}});
  ASSERT_EQ(edited.status, 200) << edited.Describe();
  Publish(e, id);  // v5 submit, v6 publish

  std::vector<std::string> everything = {"create", "submit", "return", "update", "submit", "publish"};
  EXPECT_EQ(Actions(client().Get(Path(id) + "/revisions", Bearer(e.token))), everything);
  Actor home_mod = NewActor("moderator", e.org);
  EXPECT_EQ(Actions(client().Get(Path(id) + "/revisions", Bearer(home_mod.token))), everything);

  Actor other_mod = NewActor("moderator");
  Actor member = NewActor("member", e.org);
  for (const HeaderList& who : {HeaderList{}, Bearer(other_mod.token), Bearer(member.token)}) {
    HttpResponse r = client().Get(Path(id) + "/revisions", who);
    ASSERT_EQ(r.status, 200) << r.Describe();
    EXPECT_EQ(Actions(r), std::vector<std::string>{"publish"});
    EXPECT_EQ(r.body.find("MODNOTE"), std::string::npos) << r.body;
  }
  Browser anon = NewBrowser();
  std::string page = "/campaigns/" + std::to_string(id) + "/history";
  HttpResponse history = anon.Get(page);
  ASSERT_EQ(history.status, 200) << history.Describe();
  EXPECT_EQ(history.body.find(page + "/1\""), std::string::npos) << "drafts are not listed";
  EXPECT_NE(history.body.find(page + "/6\""), std::string::npos);
  for (int v = 1; v <= 5; ++v) EXPECT_EQ(anon.Get(page + "/" + std::to_string(v)).status, 404) << v;
  HttpResponse published = anon.Get(page + "/6");
  ASSERT_EQ(published.status, 200) << published.Describe();
  EXPECT_EQ(published.body.find("REMOVE-ME"), std::string::npos) << "no diff against a draft";
  EXPECT_EQ(published.body.find("MODNOTE"), std::string::npos);

  // The editor still sees the removed passage and the reason in the history.
  Browser b = NewBrowser();
  SignIn(b, e.person.email, e.person.password);
  HttpResponse draft = b.Get(page + "/1");
  ASSERT_EQ(draft.status, 200) << draft.Describe();
  EXPECT_NE(draft.body.find("REMOVE-ME"), std::string::npos);
  EXPECT_NE(b.Get(page + "/3").body.find("MODNOTE"), std::string::npos);
}

// F4: a moderator of one organisation moderates that organisation only;
// members-only groups stay closed to moderators of other organisations.
TEST_P(SecurityContentTest, ModeratorsModerateOnlyTheirOwnOrganisation) {
  Actor e = NewActor();
  long long id = Create(e, {{"en", "Private draft"}});
  ASSERT_GT(id, 0);
  ASSERT_EQ(Act(e.token, id, "submit").status, 200);

  Actor other_mod = NewActor("moderator");
  EXPECT_EQ(client().Get(Path(id), Bearer(other_mod.token)).status, 404);
  EXPECT_EQ(Act(other_mod.token, id, "publish").status, 404);
  EXPECT_EQ(Act(other_mod.token, id, "return", {{"reason", "no"}}).status, 404);
  Browser ob = NewBrowser();
  SignIn(ob, other_mod.person.email, other_mod.person.password);
  HttpResponse queue = ob.Get("/moderation/campaigns");
  ASSERT_EQ(queue.status, 200) << queue.Describe();
  EXPECT_EQ(queue.body.find("/campaigns/" + std::to_string(id) + "/publish"), std::string::npos);

  Actor home_mod = NewActor("moderator", e.org);
  Browser hb = NewBrowser();
  SignIn(hb, home_mod.person.email, home_mod.person.password);
  EXPECT_NE(hb.Get("/moderation/campaigns").body.find("/campaigns/" + std::to_string(id) + "/publish"),
            std::string::npos);
  HttpResponse published = Act(home_mod.token, id, "publish");
  ASSERT_EQ(published.status, 200) << published.Describe();
  // Published: the other moderator now reads it, but still may not archive it.
  EXPECT_EQ(client().Get(Path(id), Bearer(other_mod.token)).status, 200);
  EXPECT_EQ(Act(other_mod.token, id, "archive").status, 403);

  // A members-only group of e's organisation and a thread in it.
  std::string slug = d().Unique("secgroup");
  HttpResponse g = client().SendJson(
      "POST", "/api/v1/groups",
      {{"slug", slug}, {"name", "Group " + slug}, {"members_only", true}, {"organisation", e.org}},
      Bearer(e.token));
  ASSERT_EQ(g.status, 201) << g.Describe();
  long long group = g.Json()["id"];
  HttpResponse t = client().SendJson(
      "POST", "/api/v1/threads",
      {{"kind", "group"}, {"group_id", group}, {"title", "Members only"}, {"body", "GROUPSECRET plans"}},
      Bearer(e.token));
  ASSERT_EQ(t.status, 201) << t.Describe();
  long long thread = t.Json()["id"];
  std::string thread_path = "/api/v1/threads/" + std::to_string(thread);
  EXPECT_EQ(client().Get(thread_path, Bearer(other_mod.token)).status, 404);
  EXPECT_EQ(ob.Get("/threads/" + std::to_string(thread)).status, 404);
  HttpResponse home = client().Get(thread_path, Bearer(home_mod.token));
  EXPECT_EQ(home.status, 200) << home.Describe();
  EXPECT_NE(home.body.find("GROUPSECRET"), std::string::npos);
}

// F9: a quote shows only what the reader may see of the quoted post, and a
// quote must be the quoted post's words.
TEST_P(SecurityContentTest, QuotesFollowTheQuotedPost) {
  Actor a = NewActor("member");
  HttpResponse t =
      client().SendJson("POST", "/api/v1/threads",
                        {{"kind", "idea"}, {"title", "Quotes"}, {"body", "Opening post"}}, Bearer(a.token));
  ASSERT_EQ(t.status, 201) << t.Describe();
  long long thread = t.Json()["id"];
  std::string posts = "/api/v1/threads/" + std::to_string(thread) + "/posts";
  HttpResponse original =
      client().SendJson("POST", posts, {{"body", "These ORIGINAL words\nare mine."}}, Bearer(a.token));
  ASSERT_EQ(original.status, 201) << original.Describe();
  long long quoted = original.Json()["id"];

  Actor b = NewActor("member");
  HttpResponse forged = client().SendJson(
      "POST", posts, {{"body", "Reply"}, {"quote_of", quoted}, {"quote_text", "Words never said"}},
      Bearer(b.token));
  ASSERT_EQ(forged.status, 422) << forged.Describe();
  EXPECT_TRUE(Fields(forged).contains("quote_text")) << forged.body;
  HttpResponse quoting = client().SendJson(
      "POST", posts, {{"body", "I agree"}, {"quote_of", quoted}, {"quote_text", "ORIGINAL words are mine…"}},
      Bearer(b.token));
  ASSERT_EQ(quoting.status, 201) << quoting.Describe();
  long long reply = quoting.Json()["id"];

  ReportThrice("post", quoted);
  std::string api = "/api/v1/threads/" + std::to_string(thread);
  HttpResponse view = client().Get(api);
  ASSERT_EQ(view.status, 200) << view.Describe();
  EXPECT_EQ(view.body.find("ORIGINAL"), std::string::npos) << view.body;
  bool found = false;
  json thread_json = view.Json();
  for (const auto& p : thread_json["posts"]) {
    if (p["id"] != reply) continue;
    found = true;
    EXPECT_TRUE(p["quote_text"].is_null());
    EXPECT_EQ(p["quote_removed"], true);
  }
  EXPECT_TRUE(found);
  HttpResponse page = NewBrowser().Get("/threads/" + std::to_string(thread));
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("ORIGINAL"), std::string::npos);
  EXPECT_NE(page.body.find("[removed]"), std::string::npos);
  // Administrators moderate the Ideas board and see the hidden words.
  EXPECT_NE(client().Get(api, Bearer(d().AdminToken())).body.find("ORIGINAL"), std::string::npos);
}

// F10: lineage leaves out what the reader may not see, with no id or gap.
TEST_P(SecurityContentTest, LineageHidesHiddenCampaignsWithoutATrace) {
  Actor a = NewActor();
  Actor b = NewActor();
  Actor c = NewActor();
  long long root = Create(a, {{"en", "Lineage origin"}});
  Publish(a, root);
  HttpResponse mid = Act(b.token, root, "adapt", {{"organisation", b.org}});
  ASSERT_EQ(mid.status, 201) << mid.Describe();
  long long middle = mid.Json()["id"];
  Publish(b, middle);
  HttpResponse leaf_r = Act(c.token, middle, "adapt", {{"organisation", c.org}});
  ASSERT_EQ(leaf_r.status, 201) << leaf_r.Describe();
  long long leaf = leaf_r.Json()["id"];
  Publish(c, leaf);
  ReportThrice("campaign", middle);
  ASSERT_EQ(client().Get(Path(middle)).status, 404) << "hidden pending a moderator";

  HttpResponse lineage = client().Get(Path(leaf) + "/lineage");
  ASSERT_EQ(lineage.status, 200) << lineage.Describe();
  json nodes = lineage.Json()["nodes"];
  ASSERT_EQ(nodes.size(), 2u) << lineage.body;
  EXPECT_EQ(nodes[0]["id"], root);
  EXPECT_EQ(nodes[0]["depth"], 0);
  EXPECT_EQ(nodes[1]["id"], leaf);
  EXPECT_EQ(nodes[1]["depth"], 1);
  EXPECT_EQ(nodes[1]["adapted_from"], root);
  HttpResponse page = NewBrowser().Get("/campaigns/" + std::to_string(leaf) + "/lineage");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("/campaigns/" + std::to_string(middle) + "\""), std::string::npos);
  HttpResponse leaf_page = NewBrowser().Get("/campaigns/" + std::to_string(leaf));
  EXPECT_EQ(leaf_page.body.find("/campaigns/" + std::to_string(middle) + "\""), std::string::npos);
  // Its own organisation still sees the whole chain.
  HttpResponse own = client().Get(Path(leaf) + "/lineage", Bearer(b.token));
  ASSERT_EQ(own.status, 200);
  EXPECT_EQ(own.Json()["nodes"].size(), 3u);
}

// F11: who may not make a change gets 403, not the current version in a 409.
TEST_P(SecurityContentTest, PermissionIsCheckedBeforeTheVersion) {
  Actor e = NewActor();
  long long id = Create(e, {{"en", "Versioned"}});
  Publish(e, id);  // now at version 3
  Actor stranger = NewActor();
  HttpResponse patch =
      client().SendJson("PATCH", Path(id), {{"title", {{"en", "Theirs"}}}},
                        {{"Authorization", "Bearer " + stranger.token}, {"If-Match", "\"1\""}});
  EXPECT_EQ(patch.status, 403) << patch.Describe();
  EXPECT_EQ(patch.body.find("version 3"), std::string::npos) << patch.body;
  HttpResponse archive = Act(stranger.token, id, "archive", nullptr, "\"1\"");
  EXPECT_EQ(archive.status, 403) << archive.Describe();
  Actor other_mod = NewActor("moderator");
  EXPECT_EQ(Act(other_mod.token, id, "archive", nullptr, "\"1\"").status, 403);
  // Those who may still get the 409.
  EXPECT_EQ(Act(e.token, id, "archive", nullptr, "\"1\"").status, 409);
}

// F18: bidirectional embeddings, overrides and isolates are refused in
// titles and names (422 naming the field); the marks are allowed.
TEST_P(SecurityContentTest, BidiControlsAreRefusedInTitlesAndNames) {
  Actor e = NewActor();
  HttpResponse campaign = client().SendJson(
      "POST", "/api/v1/campaigns", {{"organisation", e.org}, {"title", {{"en", "Invoice \u202Efdp.exe"}}}},
      Bearer(e.token));
  ASSERT_EQ(campaign.status, 422) << campaign.Describe();
  EXPECT_TRUE(Fields(campaign).contains("title.en")) << campaign.body;
  EXPECT_GT(Create(e, {{"en", "Marks \u200Fare fine\u200E"}}), 0);

  HttpResponse thread = client().SendJson(
      "POST", "/api/v1/threads", {{"kind", "idea"}, {"title", "Isolate \u2066here\u2069"}, {"body", "Body"}},
      Bearer(e.token));
  ASSERT_EQ(thread.status, 422) << thread.Describe();
  EXPECT_TRUE(Fields(thread).contains("title")) << thread.body;

  std::string slug = d().Unique("bidi");
  HttpResponse group = client().SendJson(
      "POST", "/api/v1/groups", {{"slug", slug}, {"name", "Group \u202Bname"}, {"organisation", e.org}},
      Bearer(e.token));
  ASSERT_EQ(group.status, 422) << group.Describe();
  EXPECT_TRUE(Fields(group).contains("name")) << group.body;

  // Through the form too, said in the reader's language.
  Browser b = NewBrowser();
  SignIn(b, e.person.email, e.person.password);
  b.Get("/ideas/new");
  HttpResponse form = b.Submit("/ideas", {{"title", "Override \u202Dx"}, {"body", "Body"}, {"lang", "en"}});
  EXPECT_EQ(form.status, 422) << form.Describe();
  EXPECT_NE(form.body.find("bidirectional"), std::string::npos);
}

WM_INSTANTIATE_BACKENDS(SecurityContentTest);

}  // namespace
}  // namespace waymark::it
