// The idea exchange over HTTP: the Ideas board, replies with quotes, the
// "useful" mark, working groups (members-only, invitations and requests),
// follows and notifications, reports and the moderation queue, and the
// JSON API's validation. Pages are driven like a browser without JavaScript.
#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;

class ExchangeTest : public ServerTest {
 protected:
  // A signed-in browser for `p`.
  Browser As(const Person& p) {
    Browser b = NewBrowser();
    SignIn(b, p.email, p.password);
    return b;
  }

  // The number after `prefix` in a Location header ("/threads/12?msg=..." -> 12).
  static long long IdAfter(const std::string& location, const std::string& prefix) {
    auto pos = location.find(prefix);
    if (pos == std::string::npos) return 0;
    return std::atoll(location.c_str() + pos + prefix.size());
  }

  // Posts an idea through the form; returns the thread id.
  long long PostIdea(Browser& b, const std::string& title, const std::string& body,
                     const std::string& tags = "") {
    HttpResponse form = b.Get("/ideas/new");
    EXPECT_EQ(form.status, 200) << form.Describe();
    HttpResponse r = b.Submit("/ideas", {{"title", title}, {"tags", tags}, {"body", body}, {"lang", "en"}});
    EXPECT_EQ(r.status, 303) << r.Describe();
    return IdAfter(r.Header("Location"), "/threads/");
  }

  // Replies through the form; returns the new post's id.
  long long Reply(Browser& b, long long thread, const std::string& body, FormFields extra = {}) {
    b.Get("/threads/" + std::to_string(thread));
    FormFields fields = {{"body", body}, {"lang", "en"}};
    fields.insert(fields.end(), extra.begin(), extra.end());
    HttpResponse r = b.Submit("/threads/" + std::to_string(thread) + "/posts", fields);
    EXPECT_EQ(r.status, 303) << r.Describe();
    return IdAfter(r.Header("Location"), "#post-");
  }

  json Thread(long long id, const HeaderList& h = {}) {
    HttpResponse r = client().Get("/api/v1/threads/" + std::to_string(id), h);
    EXPECT_EQ(r.status, 200) << r.Describe();
    return r.status == 200 ? r.Json() : json::object();
  }

  static json PostById(const json& thread, long long id) {
    for (const auto& p : thread.value("posts", json::array())) {
      if (p["id"] == id) return p;
    }
    return json();
  }

  // Creates a group through the form as `editor` of `org`; returns its id.
  long long CreateGroup(Browser& b, const std::string& org, bool members_only) {
    std::string slug = d().Unique("group");
    b.Get("/groups/new");
    FormFields f = {{"name", "Group " + slug},
                    {"slug", slug},
                    {"purpose", "Working on *posters*."},
                    {"organisation", org}};
    if (members_only) f.emplace_back("members_only", "1");
    HttpResponse r = b.Submit("/groups/new", f);
    EXPECT_EQ(r.status, 303) << r.Describe();
    return IdAfter(r.Header("Location"), "/groups/");
  }

  json Group(long long id, const std::string& token) {
    HttpResponse r = client().Get("/api/v1/groups/" + std::to_string(id), Bearer(token));
    EXPECT_EQ(r.status, 200) << r.Describe();
    return r.status == 200 ? r.Json() : json::object();
  }

  static std::string StateOf(const json& group, const std::string& org) {
    for (const auto& m : group.value("members", json::array())) {
      if (m["organisation"] == org) return m["state"];
    }
    return "";
  }
};

TEST_P(ExchangeTest, PostingNeedsSignIn) {
  Browser anon = NewBrowser();
  HttpResponse form = anon.Get("/ideas/new");
  ASSERT_EQ(form.status, 303) << form.Describe();
  EXPECT_EQ(form.Header("Location").rfind("/signin?next=", 0), 0u);

  ASSERT_EQ(anon.Get("/ideas").status, 200);  // for the anonymous csrf cookie
  HttpResponse post = anon.Submit("/ideas", {{"title", "Anonymous idea"}, {"body", "text"}});
  ASSERT_EQ(post.status, 303) << post.Describe();
  EXPECT_EQ(post.Header("Location").rfind("/signin?next=", 0), 0u);

  HttpResponse api = client().SendJson("POST", "/api/v1/threads", {{"title", "x"}, {"body", "y"}});
  EXPECT_EQ(api.status, 401) << api.Describe();

  // An idea exists; replying anonymously is refused the same way.
  Person m = Member(d().Unique("exo"));
  Browser b = As(m);
  long long thread = PostIdea(b, "Posters in the metro", "Let us put posters in the metro.");
  ASSERT_GT(thread, 0);
  HttpResponse page = anon.Get("/threads/" + std::to_string(thread));
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_NE(page.body.find("Let us put posters in the metro."), std::string::npos);
  EXPECT_EQ(page.body.find("action=\"/threads/" + std::to_string(thread) + "/posts\""), std::string::npos)
      << "no reply form for anonymous readers";
  HttpResponse reply = anon.Submit("/threads/" + std::to_string(thread) + "/posts", {{"body", "anon"}});
  EXPECT_EQ(reply.status, 303) << reply.Describe();
  EXPECT_EQ(Thread(thread)["post_count"], 1);
  HttpResponse api_reply =
      client().SendJson("POST", "/api/v1/threads/" + std::to_string(thread) + "/posts", {{"body", "anon"}});
  EXPECT_EQ(api_reply.status, 401) << api_reply.Describe();
}

TEST_P(ExchangeTest, ReplyQuotesAnEarlierPost) {
  std::string org = d().Unique("exq");
  Person a = Member(org), b = Member(org);
  Browser ba = As(a), bb = As(b);
  long long thread =
      PostIdea(ba, "Football against racism", "Ask clubs to wear the campaign's shirt.", "sport, Youth");
  ASSERT_GT(thread, 0);
  json t = Thread(thread);
  EXPECT_EQ(t["tags"], json::array({"sport", "youth"}));
  long long first = t["posts"][0]["id"];

  HttpResponse page = bb.Get("/threads/" + std::to_string(thread) + "?quote=" + std::to_string(first));
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_EQ(ExtractInputValue(page.body, "quote_of"), std::to_string(first));
  // The quoted post fills the "quoted passage" field of the reply form.
  auto field = page.body.find("<textarea id=\"quote_text\" name=\"quote_text\"");
  ASSERT_NE(field, std::string::npos) << page.body;
  EXPECT_NE(page.body.find(">Ask clubs to wear the campaign&apos;s shirt.</textarea>", field),
            std::string::npos)
      << page.body.substr(field, 400);

  long long reply = Reply(bb, thread, "Good idea, and the referees too.",
                          {{"quote_of", std::to_string(first)}, {"quote_text", "wear the campaign's shirt"}});
  ASSERT_GT(reply, 0);
  json p = PostById(Thread(thread), reply);
  EXPECT_EQ(p["quote_of"], first);
  EXPECT_EQ(p["quote_text"], "wear the campaign's shirt");

  HttpResponse shown = ba.Get("/threads/" + std::to_string(thread));
  EXPECT_NE(shown.body.find("id=\"post-" + std::to_string(reply) + "\""), std::string::npos);
  EXPECT_NE(shown.body.find("<blockquote class=\"ex-quote\">"), std::string::npos);
  EXPECT_NE(
      shown.body.find("href=\"/threads/" + std::to_string(thread) + "#post-" + std::to_string(first) + "\""),
      std::string::npos);
  EXPECT_NE(shown.body.find("wear the campaign&apos;s shirt"), std::string::npos);
  EXPECT_LT(shown.body.size(), 50u * 1024);
}

TEST_P(ExchangeTest, UsefulIsCountedOncePerUserAndToggles) {
  std::string org = d().Unique("exu");
  Person a = Member(org), b = Member(org), c = Member(org);
  Browser ba = As(a), bb = As(b), bc = As(c);
  long long thread = PostIdea(ba, "Radio spots", "Short radio spots in three languages.");
  long long post = Thread(thread)["posts"][0]["id"];
  std::string next = "/threads/" + std::to_string(thread) + "#post-" + std::to_string(post);
  std::string target = "/posts/" + std::to_string(post) + "/useful";

  for (int i = 0; i < 2; ++i) {
    HttpResponse r = bb.Submit(target, {{"useful", "1"}, {"next", next}});
    ASSERT_EQ(r.status, 303) << r.Describe();
    EXPECT_EQ(r.Header("Location"), next);
  }
  EXPECT_EQ(PostById(Thread(thread), post)["useful_count"], 1);
  ASSERT_EQ(bc.Submit(target, {{"useful", "1"}, {"next", next}}).status, 303);
  EXPECT_EQ(PostById(Thread(thread), post)["useful_count"], 2);
  EXPECT_EQ(Thread(thread)["useful_count"], 2);

  // B's page shows the mark as pressed, with a button that takes it back.
  HttpResponse page = bb.Get("/threads/" + std::to_string(thread));
  EXPECT_NE(page.body.find("aria-pressed=\"true\">"), std::string::npos) << page.body;
  ASSERT_EQ(bb.Submit(target, {{"useful", "0"}, {"next", next}}).status, 303);
  EXPECT_EQ(PostById(Thread(thread), post)["useful_count"], 1);

  // The API: POST twice counts once; DELETE takes it back.
  std::string token = d().CreateToken(b.email);
  std::string api = "/api/v1/posts/" + std::to_string(post) + "/useful";
  HttpResponse m1 = client().Request("POST", api, Bearer(token));
  ASSERT_EQ(m1.status, 200) << m1.Describe();
  EXPECT_EQ(m1.Json()["useful_count"], 2);
  HttpResponse m2 = client().Request("POST", api, Bearer(token));
  EXPECT_EQ(m2.Json()["useful_count"], 2);
  EXPECT_EQ(PostById(Thread(thread, Bearer(token)), post)["useful"], true);
  HttpResponse un = client().Request("DELETE", api, Bearer(token));
  ASSERT_EQ(un.status, 200) << un.Describe();
  EXPECT_EQ(un.Json()["useful_count"], 1);
  EXPECT_EQ(client().Request("POST", "/api/v1/posts/999999999/useful", Bearer(token)).status, 404);
}

TEST_P(ExchangeTest, NonMemberPostingToMembersOnlyGroupIs403) {
  std::string org = d().Unique("exg");
  std::string other = d().Unique("exh");
  Person founder = Editor(org);
  Person outsider = Editor(other);
  Browser bf = As(founder);
  long long group = CreateGroup(bf, org, true);
  ASSERT_GT(group, 0);
  bf.Get("/groups/" + std::to_string(group));
  HttpResponse started = bf.Submit("/groups/" + std::to_string(group) + "/threads",
                                   {{"title", "Our plan"}, {"body", "Members-only plan."}, {"lang", "en"}});
  ASSERT_EQ(started.status, 303) << started.Describe();
  long long thread = IdAfter(started.Header("Location"), "/threads/");

  Browser bo = As(outsider);
  HttpResponse page = bo.Get("/groups/" + std::to_string(group));
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_EQ(page.body.find("Members-only plan."), std::string::npos);
  EXPECT_EQ(page.body.find("Our plan"), std::string::npos) << "thread titles are for members";
  HttpResponse post = bo.Submit("/groups/" + std::to_string(group) + "/threads",
                                {{"title", "Intruder"}, {"body", "Let me in"}, {"lang", "en"}});
  EXPECT_EQ(post.status, 403) << post.Describe();
  EXPECT_EQ(post.Header("Content-Type").rfind("text/html", 0), 0u);
  HttpResponse read = bo.Get("/threads/" + std::to_string(thread));
  // Reading is refused too (the service hides the thread: 404, or 403).
  EXPECT_TRUE(read.status == 403 || read.status == 404) << read.Describe();
  EXPECT_EQ(read.body.find("Members-only plan."), std::string::npos);
  HttpResponse reply = bo.Submit("/threads/" + std::to_string(thread) + "/posts", {{"body", "hello"}});
  EXPECT_EQ(reply.status, 403) << reply.Describe();

  std::string token = d().CreateToken(outsider.email);
  HttpResponse api = client().SendJson("POST", "/api/v1/threads/" + std::to_string(thread) + "/posts",
                                       {{"body", "hello"}}, Bearer(token));
  EXPECT_EQ(api.status, 403) << api.Describe();
  HttpResponse api_thread = client().SendJson(
      "POST", "/api/v1/threads", {{"kind", "group"}, {"group_id", group}, {"title", "t"}, {"body", "b"}},
      Bearer(token));
  EXPECT_EQ(api_thread.status, 403) << api_thread.Describe();
}

TEST_P(ExchangeTest, InvitationAndRequestFlow) {
  std::string org = d().Unique("exi"), invited = d().Unique("exj"), asking = d().Unique("exk");
  Person founder = Editor(org), inv = Editor(invited), ask = Editor(asking);
  Browser bf = As(founder);
  long long group = CreateGroup(bf, org, true);
  ASSERT_GT(group, 0);
  std::string base = "/groups/" + std::to_string(group);
  std::string ftoken = d().CreateToken(founder.email);
  EXPECT_EQ(StateOf(Group(group, ftoken), org), "member");

  // The coordinator invites through the form; the invited editor accepts.
  HttpResponse page = bf.Get(base);
  EXPECT_NE(page.body.find("action=\"" + base + "/invite\""), std::string::npos);
  ASSERT_EQ(bf.Submit(base + "/invite", {{"organisation", invited}}).status, 303);
  EXPECT_EQ(StateOf(Group(group, ftoken), invited), "invited");
  Browser bi = As(inv);
  HttpResponse inv_page = bi.Get(base);
  EXPECT_NE(inv_page.body.find("action=\"" + base + "/accept\""), std::string::npos) << inv_page.body;
  EXPECT_EQ(bi.Submit(base + "/threads", {{"title", "Too early"}, {"body", "x"}}).status, 403);
  ASSERT_EQ(bi.Submit(base + "/accept", {{"organisation", invited}}).status, 303);
  EXPECT_EQ(StateOf(Group(group, ftoken), invited), "member");
  bi.Get(base);
  EXPECT_EQ(bi.Submit(base + "/threads", {{"title", "Now a member"}, {"body", "Hello all"}}).status, 303);

  // Another organisation asks; it cannot accept itself; the coordinator accepts.
  Browser ba = As(ask);
  HttpResponse ask_page = ba.Get(base);
  EXPECT_NE(ask_page.body.find("action=\"" + base + "/request\""), std::string::npos);
  ASSERT_EQ(ba.Submit(base + "/request", {{"organisation", asking}}).status, 303);
  EXPECT_EQ(StateOf(Group(group, ftoken), asking), "requested");
  EXPECT_EQ(ba.Submit(base + "/accept", {{"organisation", asking}}).status, 403);
  ASSERT_EQ(bf.Get(base).status, 200);
  ASSERT_EQ(bf.Submit(base + "/accept", {{"organisation", asking}}).status, 303);
  EXPECT_EQ(StateOf(Group(group, ftoken), asking), "member");

  // The same through the API.
  std::string other = d().Unique("exl");
  Person api_editor = Editor(other);
  std::string atoken = d().CreateToken(api_editor.email);
  HttpResponse req =
      client().SendJson("POST", "/api/v1" + base + "/requests", {{"organisation", other}}, Bearer(atoken));
  ASSERT_EQ(req.status, 200) << req.Describe();
  EXPECT_EQ(StateOf(req.Json(), other), "requested");
  HttpResponse acc =
      client().SendJson("POST", "/api/v1" + base + "/accept", {{"organisation", other}}, Bearer(ftoken));
  ASSERT_EQ(acc.status, 200) << acc.Describe();
  EXPECT_EQ(StateOf(acc.Json(), other), "member");
  HttpResponse bad =
      client().SendJson("POST", "/api/v1" + base + "/invitations", {{"organisation", 7}}, Bearer(ftoken));
  ASSERT_EQ(bad.status, 422) << bad.Describe();
  EXPECT_TRUE(bad.Json()["error"]["fields"].contains("organisation"));
}

TEST_P(ExchangeTest, FollowNotifiesTheFollowerNotTheAuthor) {
  std::string org = d().Unique("exf");
  Person author = Member(org), follower = Member(org);
  Browser ba = As(author), bf = As(follower);
  std::string title = "Theatre in schools " + d().Unique("t");
  long long thread = PostIdea(ba, title, "Forum theatre with pupils.");
  std::string ftoken = d().CreateToken(follower.email);
  std::string atoken = d().CreateToken(author.email);

  HttpResponse page = bf.Get("/threads/" + std::to_string(thread));
  EXPECT_NE(page.body.find("action=\"/follow\""), std::string::npos);
  HttpResponse follow = bf.Submit("/follow", {{"kind", "thread"},
                                              {"id", std::to_string(thread)},
                                              {"follow", "1"},
                                              {"next", "/threads/" + std::to_string(thread)}});
  ASSERT_EQ(follow.status, 303) << follow.Describe();
  EXPECT_EQ(Thread(thread, Bearer(ftoken))["following"], true);

  Reply(ba, thread, "The author adds details.");
  json mine = client().Get("/api/v1/notifications", Bearer(ftoken)).Json();
  ASSERT_GE(mine["items"].size(), 1u) << mine.dump();
  EXPECT_EQ(mine["items"][0]["event"], "post.created");
  EXPECT_EQ(mine["items"][0]["target"]["kind"], "thread");
  EXPECT_EQ(mine["items"][0]["target"]["id"], thread);
  EXPECT_EQ(mine["items"][0]["title"], title);
  EXPECT_GE(mine["unread"], 1);
  json theirs = client().Get("/api/v1/notifications", Bearer(atoken)).Json();
  EXPECT_EQ(theirs["items"].size(), 0u) << "the author is not told of their own post: " << theirs.dump();

  // The page lists it, the layout counts it, and "mark all read" clears it.
  HttpResponse list = bf.Get("/notifications");
  ASSERT_EQ(list.status, 200) << list.Describe();
  EXPECT_NE(list.body.find(title), std::string::npos);
  EXPECT_NE(list.body.find("unread)"), std::string::npos) << "the nav shows the unread count";
  ASSERT_EQ(bf.Submit("/notifications/read", {}).status, 303);
  EXPECT_EQ(client().Get("/api/v1/notifications", Bearer(ftoken)).Json()["unread"], 0);
  EXPECT_EQ(bf.Get("/notifications").body.find("unread)"), std::string::npos);

  // The follower's reply notifies the author (who follows what they start), not the follower.
  Reply(bf, thread, "The follower answers.");
  EXPECT_EQ(client().Get("/api/v1/notifications", Bearer(atoken)).Json()["unread"], 1);
  EXPECT_EQ(client().Get("/api/v1/notifications", Bearer(ftoken)).Json()["unread"], 0);

  // Digest preference.
  bf.Get("/notifications");
  ASSERT_EQ(bf.Submit("/notifications/digest", {{"frequency", "weekly"}}).status, 303);
  EXPECT_NE(bf.Get("/notifications").body.find("value=\"weekly\" checked"), std::string::npos);
  EXPECT_EQ(bf.Submit("/notifications/digest", {{"frequency", "hourly"}}).status, 422);

  // Unfollow through the API.
  HttpResponse un =
      client().SendJson("DELETE", "/api/v1/follows", {{"kind", "thread"}, {"id", thread}}, Bearer(ftoken));
  ASSERT_EQ(un.status, 200) << un.Describe();
  EXPECT_EQ(Thread(thread, Bearer(ftoken))["following"], false);
}

TEST_P(ExchangeTest, ThreeReportsHideAPostUntilAModeratorRestoresIt) {
  std::string org = d().Unique("exr");
  Person author = Member(org);
  Browser ba = As(author);
  long long thread = PostIdea(ba, "Street art", "Murals with migrant artists.");
  std::string text = "Reported reply " + d().Unique("r");
  long long post = Reply(ba, thread, text);
  ASSERT_GT(post, 0);
  std::string path = "/threads/" + std::to_string(thread);

  for (int i = 0; i < 3; ++i) {
    Person r = Member(org);
    Browser br = As(r);
    br.Get(path);
    HttpResponse rep = br.Submit("/report", {{"kind", "post"},
                                             {"id", std::to_string(post)},
                                             {"reason", "spam " + std::to_string(i)},
                                             {"next", path + "#post-" + std::to_string(post)}});
    ASSERT_EQ(rep.status, 303) << rep.Describe();
    EXPECT_NE(rep.Header("Location").find("msg=flash_ex_reported"), std::string::npos)
        << rep.Header("Location");
    if (i == 0) {
      // Reporting twice is answered kindly, not counted twice.
      HttpResponse again = br.Submit(
          "/report", {{"kind", "post"}, {"id", std::to_string(post)}, {"reason", "again"}, {"next", path}});
      ASSERT_EQ(again.status, 303) << again.Describe();
      EXPECT_NE(again.Header("Location").find("already_reported"), std::string::npos);
      EXPECT_NE(client().Get(path).body.find(text), std::string::npos) << "one report does not hide";
    }
  }
  EXPECT_EQ(client().Get(path).body.find(text), std::string::npos) << "hidden from others";
  EXPECT_TRUE(PostById(Thread(thread), post).is_null());
  EXPECT_EQ(ba.Get(path).body.find(text), std::string::npos) << "hidden from its author too";

  // Members cannot see the queue; a moderator of the Ideas board (a platform
  // administrator) can, and restores the post.
  EXPECT_EQ(ba.Get("/moderation").status, 403);
  Person mod = d().Admin();
  Browser bm = As(mod);
  HttpResponse queue = bm.Get("/moderation");
  ASSERT_EQ(queue.status, 200) << queue.Describe();
  EXPECT_NE(queue.body.find(text), std::string::npos) << queue.body;
  EXPECT_NE(queue.body.find("spam 2"), std::string::npos);
  EXPECT_NE(queue.body.find("href=\"/moderation/campaigns\""), std::string::npos);
  EXPECT_NE(bm.Get(path).body.find(text), std::string::npos) << "moderators see hidden posts";
  bm.Get("/moderation");
  HttpResponse restored = bm.Submit(
      "/moderation/resolve", {{"kind", "post"}, {"id", std::to_string(post)}, {"decision", "restore"}});
  ASSERT_EQ(restored.status, 303) << restored.Describe();
  EXPECT_NE(client().Get(path).body.find(text), std::string::npos) << "restored";
  EXPECT_EQ(bm.Get("/moderation").body.find(text), std::string::npos) << "off the queue";

  // Reports through the API: unknown fields and wrong types are 422.
  std::string token = d().CreateToken(author.email);
  HttpResponse bad = client().SendJson("POST", "/api/v1/reports",
                                       {{"kind", "post"}, {"id", "x"}, {"why", "?"}}, Bearer(token));
  ASSERT_EQ(bad.status, 422) << bad.Describe();
  EXPECT_TRUE(bad.Json()["error"]["fields"].contains("id"));
  EXPECT_TRUE(bad.Json()["error"]["fields"].contains("why"));
  HttpResponse ok = client().SendJson("POST", "/api/v1/reports",
                                      {{"kind", "post"}, {"id", post}, {"reason", "api"}}, Bearer(token));
  EXPECT_EQ(ok.status, 201) << ok.Describe();
}

TEST_P(ExchangeTest, ScriptAndHtmlInPostsAreShownAsText) {
  Person a = Member(d().Unique("exs"));
  Browser b = As(a);
  long long thread = PostIdea(b, "<b>Bold</b> title <script>alert('t')</script>",
                              "Hello <script>alert('x')</script> and <img src=x onerror=alert(1)> "
                              "[link](javascript:alert(2))");
  ASSERT_GT(thread, 0);
  HttpResponse page = client().Get("/threads/" + std::to_string(thread));
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_EQ(page.body.find("<script"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("<img"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("javascript:"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("<b>Bold"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;b&gt;Bold&lt;/b&gt; title &lt;script&gt;"), std::string::npos);
  EXPECT_NE(page.body.find("Hello"), std::string::npos);
  // The API gives the text back as typed.
  EXPECT_EQ(Thread(thread)["title"], "<b>Bold</b> title <script>alert('t')</script>");
  HttpResponse list = client().Get("/ideas");
  EXPECT_EQ(list.body.find("<script"), std::string::npos);
}

TEST_P(ExchangeTest, EmptyBodyIs422WithTheTextKept) {
  Person a = Member(d().Unique("exe"));
  Browser b = As(a);
  b.Get("/ideas/new");
  HttpResponse idea =
      b.Submit("/ideas", {{"title", "Kept title"}, {"tags", "kept-tag"}, {"body", "   "}, {"lang", "fr"}});
  ASSERT_EQ(idea.status, 422) << idea.Describe();
  EXPECT_EQ(ExtractInputValue(idea.body, "title"), "Kept title");
  EXPECT_EQ(ExtractInputValue(idea.body, "tags"), "kept-tag");
  EXPECT_NE(idea.body.find("id=\"body-error\""), std::string::npos);
  EXPECT_NE(idea.body.find("aria-invalid=\"true\""), std::string::npos);
  EXPECT_NE(idea.body.find("<option value=\"fr\" lang=\"fr\" selected>"), std::string::npos);

  long long thread = PostIdea(b, "Needs replies", "First post.");
  long long first = Thread(thread)["posts"][0]["id"];
  b.Get("/threads/" + std::to_string(thread));
  HttpResponse reply =
      b.Submit("/threads/" + std::to_string(thread) + "/posts",
               {{"body", ""}, {"quote_of", std::to_string(first)}, {"quote_text", "First post, kept"}});
  ASSERT_EQ(reply.status, 422) << reply.Describe();
  EXPECT_NE(reply.body.find("First post, kept</textarea>"), std::string::npos) << reply.body;
  EXPECT_EQ(ExtractInputValue(reply.body, "quote_of"), std::to_string(first));
  EXPECT_NE(reply.body.find("id=\"body-error\""), std::string::npos);
  EXPECT_NE(reply.body.find("role=\"alert\""), std::string::npos);
  EXPECT_EQ(Thread(thread)["post_count"], 1);

  std::string token = d().CreateToken(a.email);
  HttpResponse api = client().SendJson("POST", "/api/v1/threads/" + std::to_string(thread) + "/posts",
                                       {{"body", ""}}, Bearer(token));
  ASSERT_EQ(api.status, 422) << api.Describe();
  EXPECT_TRUE(api.Json()["error"]["fields"].contains("body"));
}

TEST_P(ExchangeTest, ApiThreadsAndGroups) {
  std::string org = d().Unique("exa");
  Person e = Editor(org);
  std::string token = d().CreateToken(e.email);
  std::string tag = d().Unique("tag");
  HttpResponse created = client().SendJson(
      "POST", "/api/v1/threads",
      {{"title", "API idea"}, {"body", "From the API"}, {"tags", {tag}}, {"lang", "es"}}, Bearer(token));
  ASSERT_EQ(created.status, 201) << created.Describe();
  long long id = created.Json()["id"];
  EXPECT_EQ(created.Header("Location"), "/api/v1/threads/" + std::to_string(id));
  EXPECT_EQ(created.Json()["kind"], "idea");
  EXPECT_EQ(created.Json()["lang"], "es");
  EXPECT_EQ(created.Json()["posts"].size(), 1u);

  HttpResponse list = client().Get("/api/v1/threads?kind=idea&tag=" + tag);
  ASSERT_EQ(list.status, 200) << list.Describe();
  ASSERT_EQ(list.Json()["items"].size(), 1u);
  EXPECT_EQ(list.Json()["items"][0]["id"], id);
  EXPECT_EQ(list.Json()["total"], 1);
  EXPECT_EQ(client().Get("/api/v1/threads?kind=nonsense").status, 422);
  EXPECT_EQ(client().Get("/api/v1/threads?per_page=0").status, 422);
  HttpResponse page = client().Get("/ideas?tag=" + tag);
  EXPECT_NE(page.body.find("API idea"), std::string::npos);

  HttpResponse reply =
      client().SendJson("POST", "/api/v1/threads/" + std::to_string(id) + "/posts",
                        {{"body", "A reply"}, {"quote_of", created.Json()["posts"][0]["id"]}}, Bearer(token));
  ASSERT_EQ(reply.status, 201) << reply.Describe();
  EXPECT_EQ(reply.Json()["body"], "A reply");

  // Unknown fields and wrong types name the field.
  HttpResponse unknown = client().SendJson("POST", "/api/v1/threads",
                                           {{"title", "x"}, {"body", "y"}, {"colour", "red"}}, Bearer(token));
  ASSERT_EQ(unknown.status, 422) << unknown.Describe();
  EXPECT_TRUE(unknown.Json()["error"]["fields"].contains("colour"));
  HttpResponse typed = client().SendJson("POST", "/api/v1/threads",
                                         {{"title", 5}, {"body", "y"}, {"tags", "a"}}, Bearer(token));
  ASSERT_EQ(typed.status, 422) << typed.Describe();
  EXPECT_TRUE(typed.Json()["error"]["fields"].contains("title"));
  EXPECT_TRUE(typed.Json()["error"]["fields"].contains("tags"));
  HttpResponse missing = client().SendJson("POST", "/api/v1/threads", {{"body", "y"}}, Bearer(token));
  ASSERT_EQ(missing.status, 422) << missing.Describe();
  EXPECT_TRUE(missing.Json()["error"]["fields"].contains("title"));
  HttpResponse long_title = client().SendJson(
      "POST", "/api/v1/threads", {{"title", std::string(10000, 'x')}, {"body", "y"}}, Bearer(token));
  ASSERT_EQ(long_title.status, 422) << long_title.Describe();
  EXPECT_NE(long_title.Json()["error"]["fields"]["title"].get<std::string>().find("200"), std::string::npos);
  EXPECT_EQ(client().Get("/api/v1/threads/999999999").status, 404);
  EXPECT_EQ(client().Get("/api/v1/threads/abc").status, 404);
  EXPECT_EQ(client().Get("/threads/abc").status, 404);

  // Groups.
  std::string slug = d().Unique("api-group");
  HttpResponse g = client().SendJson("POST", "/api/v1/groups",
                                     {{"slug", slug},
                                      {"name", "API group"},
                                      {"purpose", "p"},
                                      {"organisation", org},
                                      {"members_only", false}},
                                     Bearer(token));
  ASSERT_EQ(g.status, 201) << g.Describe();
  long long gid = g.Json()["id"];
  EXPECT_EQ(g.Header("Location"), "/api/v1/groups/" + std::to_string(gid));
  HttpResponse dup = client().SendJson(
      "POST", "/api/v1/groups", {{"slug", slug}, {"name", "Again"}, {"organisation", org}}, Bearer(token));
  EXPECT_EQ(dup.status, 409) << dup.Describe();
  HttpResponse bad = client().SendJson(
      "POST", "/api/v1/groups",
      {{"slug", slug}, {"name", "x"}, {"organisation", org}, {"members_only", "yes"}}, Bearer(token));
  ASSERT_EQ(bad.status, 422);
  EXPECT_TRUE(bad.Json()["error"]["fields"].contains("members_only"));
  HttpResponse got = client().Get("/api/v1/groups/" + std::to_string(gid), Bearer(token));
  ASSERT_EQ(got.status, 200) << got.Describe();
  EXPECT_EQ(got.Json()["members_only"], false);
  EXPECT_EQ(got.Json()["can_manage"], true);
  EXPECT_EQ(StateOf(got.Json(), org), "member");
  HttpResponse groups = client().Get("/api/v1/groups?per_page=100");
  ASSERT_EQ(groups.status, 200);
  EXPECT_GE(groups.Json()["items"].size(), 1u);
  HttpResponse follow =
      client().SendJson("POST", "/api/v1/follows", {{"kind", "group"}, {"id", gid}}, Bearer(token));
  EXPECT_EQ(follow.status, 200) << follow.Describe();
  HttpResponse follow_bad =
      client().SendJson("POST", "/api/v1/follows", {{"kind", "group"}, {"id", "1"}}, Bearer(token));
  EXPECT_EQ(follow_bad.status, 422) << follow_bad.Describe();
  EXPECT_EQ(client().Get("/api/v1/notifications").status, 401);

  // The HTML pages for groups and the Ideas board render.
  Browser b = As(e);
  HttpResponse gp = b.Get("/groups/" + std::to_string(gid));
  ASSERT_EQ(gp.status, 200) << gp.Describe();
  EXPECT_NE(gp.body.find("API group"), std::string::npos);
  EXPECT_EQ(b.Get("/groups").status, 200);
  EXPECT_EQ(b.Get("/groups/new").status, 200);
  EXPECT_EQ(client().Get("/groups/999999999").status, 404);
}

TEST_P(ExchangeTest, CampaignDiscussionOfAMissingCampaignIs404) {
  EXPECT_EQ(client().Get("/campaigns/999999999/discussion").status, 404);
  EXPECT_EQ(client().Get("/api/v1/campaigns/999999999/posts").status, 404);
}

WM_INSTANTIATE_BACKENDS(ExchangeTest);

// The discussion under a campaign, on the demo data's published campaigns.
class CampaignDiscussionTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.demo = true;
    return o;
  }
};

TEST_P(CampaignDiscussionTest, MembersDiscussAPublishedCampaign) {
  HttpResponse list = client().Get("/api/v1/campaigns?per_page=1");
  ASSERT_EQ(list.status, 200) << list.Describe();
  ASSERT_GE(list.Json()["items"].size(), 1u) << list.body;
  long long id = list.Json()["items"][0]["id"];
  std::string base = "/campaigns/" + std::to_string(id) + "/discussion";

  HttpResponse anon = client().Get(base);
  ASSERT_EQ(anon.status, 200) << anon.Describe();
  EXPECT_NE(anon.body.find("href=\"/signin?next="), std::string::npos);

  Person m = Member(d().Unique("exc"));
  Browser b = NewBrowser();
  SignIn(b, m.email, m.password);
  ASSERT_EQ(b.Get(base).status, 200);
  HttpResponse empty = b.Submit(base, {{"body", " "}, {"lang", "en"}});
  ASSERT_EQ(empty.status, 422) << empty.Describe();
  HttpResponse posted = b.Submit(base, {{"body", "We adapted this in Lyon."}, {"lang", "en"}});
  ASSERT_EQ(posted.status, 303) << posted.Describe();
  EXPECT_EQ(posted.Header("Location").rfind(base + "#post-", 0), 0u) << posted.Header("Location");
  HttpResponse page = client().Get(base);
  EXPECT_NE(page.body.find("We adapted this in Lyon."), std::string::npos);

  std::string token = d().CreateToken(m.email);
  HttpResponse api = client().SendJson("POST", "/api/v1/campaigns/" + std::to_string(id) + "/posts",
                                       {{"body", "And in Madrid."}, {"lang", "es"}}, Bearer(token));
  ASSERT_EQ(api.status, 201) << api.Describe();
  HttpResponse read = client().Get("/api/v1/campaigns/" + std::to_string(id) + "/posts");
  ASSERT_EQ(read.status, 200) << read.Describe();
  auto j = read.Json();
  EXPECT_EQ(j["thread"]["kind"], "campaign");
  EXPECT_EQ(j["thread"]["campaign_id"], id);
  ASSERT_GE(j["posts"].size(), 2u);
  EXPECT_EQ(j["posts"][j["posts"].size() - 1]["body"], "And in Madrid.");
  EXPECT_EQ(
      client().SendJson("POST", "/api/v1/campaigns/" + std::to_string(id) + "/posts", {{"body", "x"}}).status,
      401);
}

WM_INSTANTIATE_BACKENDS(CampaignDiscussionTest);

}  // namespace
}  // namespace waymark::it
