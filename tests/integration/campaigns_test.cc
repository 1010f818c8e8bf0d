// The campaigns database over HTTP: the JSON API and the pages, on the
// backend this binary was built for. Bad input (422 naming the field, the
// value or the limit; script shown as text; 415; 413; 403), the editorial
// workflow and who may use it, optimistic versioning (ETag/If-Match and the
// form's version field), search facets, adaptation and lineage, media, and
// the Atom and CSV feeds.
#include <cstdio>
#include <fstream>

#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;

const char kPngBytes[] =
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    "\x00"
    "\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0d\x49\x44\x41\x54\x78\xda\x63\xfc\xcf\xc0\x50\x0f\x00\x04\x85\x01"
    "\x80"
    "\x84\xa9\x8c\x21\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";
std::string Png() { return std::string(kPngBytes, sizeof(kPngBytes) - 1); }

class CampaignsTest : public ServerTest {
 protected:
  struct Editor {
    Person person;
    std::string token;
    std::string org;
  };
  // An editor of a fresh organisation, with an API token.
  Editor NewEditor(const std::string& role = "editor") {
    std::string org = d().Unique("org");
    d().EnsureOrganisation(org);
    Person p = WithRole(org, role);
    return {p, d().CreateToken(p.email), org};
  }
  // Moderates every organisation's campaigns: a platform administrator (a
  // moderator of one organisation moderates only its own).
  const Editor& Moderator() {
    if (!moderator_) moderator_ = std::make_unique<Editor>(Editor{d().Admin(), d().AdminToken(), ""});
    return *moderator_;
  }
  static HeaderList Auth(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

  HttpResponse Create(const Editor& e, json body) {
    if (!body.contains("organisation")) body["organisation"] = e.org;
    return client().SendJson("POST", "/api/v1/campaigns", body, Auth(e.token));
  }
  // Creates a campaign and returns its JSON; fails the test otherwise.
  json MustCreate(const Editor& e, json body) {
    HttpResponse r = Create(e, std::move(body));
    EXPECT_EQ(r.status, 201) << r.Describe();
    return r.status == 201 ? r.Json() : json{{"id", 0}};
  }
  HttpResponse Action(const std::string& token, long long id, const std::string& action,
                      const json& body = nullptr) {
    std::string target = "/api/v1/campaigns/" + std::to_string(id) + "/" + action;
    if (body.is_null()) return client().Request("POST", target, Auth(token));
    return client().SendJson("POST", target, body, Auth(token));
  }
  // Create, submit, publish.
  json Published(const Editor& e, json body) {
    json c = MustCreate(e, std::move(body));
    long long id = c["id"];
    EXPECT_EQ(Action(e.token, id, "submit").status, 200);
    HttpResponse p = Action(Moderator().token, id, "publish");
    EXPECT_EQ(p.status, 200) << p.Describe();
    return p.status == 200 ? p.Json() : c;
  }
  static json Fields(const HttpResponse& r) {
    try {
      return r.Json()["error"].value("fields", json::object());
    } catch (...) {
      return json::object();
    }
  }
  static bool HasFieldStartingWith(const json& fields, const std::string& prefix) {
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      if (it.key().rfind(prefix, 0) == 0) return true;
    }
    return false;
  }
  Browser As(const Person& p) {
    Browser b = NewBrowser();
    SignIn(b, p.email, p.password);
    return b;
  }

 private:
  std::unique_ptr<Editor> moderator_;
};

TEST_P(CampaignsTest, MissingTitleIs422NamingTheField) {
  Editor e = NewEditor();
  HttpResponse r = Create(e, {{"summary", {{"en", "No title here"}}}});
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_TRUE(HasFieldStartingWith(Fields(r), "title") || Fields(r).contains("texts")) << r.body;
}

TEST_P(CampaignsTest, UnknownCountryAndThemeAre422NamingTheValue) {
  Editor e = NewEditor();
  HttpResponse r = Create(e, {{"title", {{"en", "Countries"}}}, {"countries", {"GRC", "XQZ"}}});
  ASSERT_EQ(r.status, 422) << r.Describe();
  ASSERT_TRUE(Fields(r).contains("countries")) << r.body;
  EXPECT_NE(Fields(r)["countries"].get<std::string>().find("XQZ"), std::string::npos) << r.body;

  r = Create(e, {{"title", {{"en", "Themes"}}}, {"themes", {"xenophobia", "no-such-theme"}}});
  ASSERT_EQ(r.status, 422) << r.Describe();
  ASSERT_TRUE(Fields(r).contains("themes")) << r.body;
  EXPECT_NE(Fields(r)["themes"].get<std::string>().find("no-such-theme"), std::string::npos) << r.body;
}

TEST_P(CampaignsTest, OverlongTitleIs422WithTheLimit) {
  Editor e = NewEditor();
  HttpResponse r = Create(e, {{"title", {{"en", std::string(10000, 'a')}}}});
  ASSERT_EQ(r.status, 422) << r.Describe();
  json fields = Fields(r);
  ASSERT_TRUE(HasFieldStartingWith(fields, "title")) << r.body;
  EXPECT_NE(r.body.find("200"), std::string::npos) << r.body;

  // The form: 422, the limit said in the reader's language, the text kept.
  Browser b = As(e.person);
  b.Get("/campaigns/new");
  std::string title(10000, 'b');
  HttpResponse page =
      b.Submit("/campaigns", {{"organisation", e.org}, {"title_en", title}, {"summary_en", "kept summary"}});
  ASSERT_EQ(page.status, 422) << page.Describe();
  EXPECT_NE(page.body.find("200"), std::string::npos);
  EXPECT_NE(page.body.find(title), std::string::npos) << "the title typed is lost";
  EXPECT_NE(page.body.find("kept summary"), std::string::npos);
  EXPECT_NE(page.body.find("aria-invalid=\"true\""), std::string::npos);
}

TEST_P(CampaignsTest, UnknownAndMistypedJsonFieldsAre422NamingThem) {
  Editor e = NewEditor();
  HttpResponse r = Create(e, {{"title", {{"en", "Typed"}}}, {"colour", "red"}, {"countries", "GRC"}});
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_TRUE(Fields(r).contains("colour")) << r.body;
  EXPECT_TRUE(Fields(r).contains("countries")) << r.body;
  r = Create(e, {{"title", "not an object"}});
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_TRUE(Fields(r).contains("title")) << r.body;
  r = Create(e, {{"title", {{"de", "Deutsch"}}}});
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_TRUE(Fields(r).contains("title.de")) << r.body;
  r = Create(e, {{"title", {{"en", "Figures"}}}, {"figures", {{{"name", "reach"}, {"value", "many"}}}}});
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_TRUE(Fields(r).contains("figures")) << r.body;
  // Bad search parameters name the parameter.
  HttpResponse s = client().Get("/api/v1/campaigns?country=XQZ&per_page=1000");
  ASSERT_EQ(s.status, 422) << s.Describe();
  EXPECT_TRUE(Fields(s).contains("country")) << s.body;
  EXPECT_TRUE(Fields(s).contains("per_page")) << s.body;
}

TEST_P(CampaignsTest, ScriptAndHtmlAreShownAsText) {
  Editor e = NewEditor();
  std::string evil = "<script>alert('x')</script>";
  json c = Published(
      e,
      {{"title", {{"en", "Title " + evil}}},
       {"summary", {{"en", "Summary <img src=x onerror=alert(1)>"}}},
       {"body", {{"en", "Body " + evil + "\n\n<iframe src=\"https://evil.example\"></iframe>\n\n**bold**"}}},
       {"contact", "<b>contact</b>"},
       {"audiences", {"<i>young</i>"}}});
  long long id = c["id"];
  HttpResponse page = client().Get("/campaigns/" + std::to_string(id));
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_EQ(page.body.find("<script>alert"), std::string::npos);
  EXPECT_EQ(page.body.find("<img src=x"), std::string::npos);
  EXPECT_EQ(page.body.find("<iframe"), std::string::npos);
  EXPECT_EQ(page.body.find("<b>contact"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(page.body.find("<strong>bold</strong>"), std::string::npos) << "Markdown is rendered";
  // The API returns the text as typed (it is data, not markup).
  HttpResponse api = client().Get("/api/v1/campaigns/" + std::to_string(id));
  EXPECT_EQ(api.Json()["title"]["en"], "Title " + evil);
  // History and the Atom feed escape it too.
  HttpResponse history = client().Get("/campaigns/" + std::to_string(id) + "/history");
  EXPECT_EQ(history.body.find("<script>alert"), std::string::npos);
  HttpResponse atom = client().Get("/campaigns.atom");
  EXPECT_EQ(atom.body.find("<script>"), std::string::npos);
}

TEST_P(CampaignsTest, WorkflowAndWhoMayUseIt) {
  Editor e = NewEditor();
  Editor stranger = NewEditor();
  json c = MustCreate(e, {{"title", {{"en", "Workflow"}}}, {"countries", {"GRC"}}});
  long long id = c["id"];
  EXPECT_EQ(c["lifecycle"], "draft");
  std::string url = "/api/v1/campaigns/" + std::to_string(id);
  // A draft is seen only by its organisation (and moderators).
  EXPECT_EQ(client().Get(url).status, 404);
  EXPECT_EQ(client().Get(url, Auth(stranger.token)).status, 404);
  EXPECT_EQ(client().Get(url, Auth(e.token)).status, 200);
  EXPECT_EQ(client().Get(url, Auth(Moderator().token)).status, 200);
  // Nobody else submits, edits or publishes it.
  EXPECT_EQ(client().Request("POST", url + "/submit").status, 401);
  EXPECT_NE(Action(stranger.token, id, "submit").status, 200);
  HttpResponse early = Action(Moderator().token, id, "publish");
  EXPECT_EQ(early.status, 409) << "cannot publish a draft: " << early.Describe();
  ASSERT_EQ(Action(e.token, id, "submit").status, 200);
  EXPECT_EQ(Action(e.token, id, "publish").status, 403) << "editors do not publish";
  HttpResponse no_reason = Action(Moderator().token, id, "return", json::object());
  EXPECT_EQ(no_reason.status, 422) << no_reason.Describe();
  HttpResponse returned = Action(Moderator().token, id, "return", {{"reason", "Add a French summary"}});
  ASSERT_EQ(returned.status, 200) << returned.Describe();
  EXPECT_EQ(returned.Json()["lifecycle"], "returned");
  EXPECT_EQ(returned.Json()["return_reason"], "Add a French summary");
  // The editor sees the reason on the page.
  Browser b = As(e.person);
  HttpResponse page = b.Get("/campaigns/" + std::to_string(id));
  EXPECT_NE(page.body.find("Add a French summary"), std::string::npos);
  // Resubmit through the page's button, publish through the moderation queue.
  HttpResponse submit = b.Submit("/campaigns/" + std::to_string(id) + "/submit", {});
  ASSERT_EQ(submit.status, 303) << submit.Describe();
  Browser m = As(Moderator().person);
  HttpResponse queue = m.Get("/moderation/campaigns");
  ASSERT_EQ(queue.status, 200) << queue.Describe();
  EXPECT_NE(queue.body.find("/campaigns/" + std::to_string(id) + "/publish"), std::string::npos);
  HttpResponse publish =
      m.Submit("/campaigns/" + std::to_string(id) + "/publish", {{"next", "/moderation/campaigns"}});
  ASSERT_EQ(publish.status, 303) << publish.Describe();
  EXPECT_EQ(client().Get(url).status, 200) << "published and public";
  EXPECT_EQ(b.Get("/moderation/campaigns").status, 403) << "editors are not moderators";
  // Archive: the lead organisation's editors may.
  EXPECT_EQ(Action(stranger.token, id, "archive").status, 403);
  HttpResponse archived = Action(e.token, id, "archive");
  ASSERT_EQ(archived.status, 200) << archived.Describe();
  EXPECT_EQ(archived.Json()["lifecycle"], "archived");
  // The history lists every step.
  HttpResponse revisions = client().Get(url + "/revisions", Auth(e.token));
  ASSERT_EQ(revisions.status, 200) << revisions.Describe();
  std::vector<std::string> actions;
  json history = revisions.Json();
  for (const auto& r : history["items"]) actions.push_back(r["action"]);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"create", "submit", "return", "submit", "publish", "archive"}));
}

TEST_P(CampaignsTest, EditingNeedsTheLeadOrganisation) {
  Editor e = NewEditor();
  Editor stranger = NewEditor();
  json c = Published(e, {{"title", {{"en", "Mine"}}}});
  long long id = c["id"];
  HttpResponse patch =
      client().SendJson("PATCH", "/api/v1/campaigns/" + std::to_string(id), {{"title", {{"en", "Theirs"}}}},
                        {{"Authorization", "Bearer " + stranger.token}, {"If-Match", "\"3\""}});
  EXPECT_EQ(patch.status, 403) << patch.Describe();
  Browser b = As(stranger.person);
  EXPECT_EQ(b.Get("/campaigns/" + std::to_string(id) + "/edit").status, 403);
  // A plain member cannot create for the organisation.
  Person member = Member(e.org);
  HttpResponse created = client().SendJson("POST", "/api/v1/campaigns",
                                           {{"organisation", e.org}, {"title", {{"en", "Member's"}}}},
                                           Auth(d().CreateToken(member.email)));
  EXPECT_EQ(created.status, 403) << created.Describe();
}

TEST_P(CampaignsTest, IfMatchAndStaleWrites) {
  Editor e = NewEditor();
  json c =
      MustCreate(e, {{"title", {{"en", "Versioned"}, {"fr", "Versionnée"}}}, {"summary", {{"en", "One"}}}});
  std::string url = "/api/v1/campaigns/" + c["id"].dump();
  HttpResponse got = client().Get(url, Auth(e.token));
  ASSERT_EQ(got.Header("ETag"), "\"1\"");
  HeaderList h = Auth(e.token);
  HttpResponse no_if = client().SendJson("PATCH", url, {{"summary", {{"en", "Two"}}}}, h);
  EXPECT_EQ(no_if.status, 428) << no_if.Describe();
  h.emplace_back("If-Match", "\"1\"");
  HttpResponse ok = client().SendJson("PATCH", url, {{"summary", {{"en", "Two"}}}}, h);
  ASSERT_EQ(ok.status, 200) << ok.Describe();
  EXPECT_EQ(ok.Header("ETag"), "\"2\"");
  EXPECT_EQ(ok.Json()["title"]["fr"], "Versionnée") << "other languages are kept";
  EXPECT_EQ(ok.Json()["title"]["en"], "Versioned") << "other parts of the language are kept";
  HttpResponse stale = client().SendJson("PATCH", url, {{"summary", {{"en", "Three"}}}}, h);
  EXPECT_EQ(stale.status, 409) << stale.Describe();
  EXPECT_EQ(client().Get(url, Auth(e.token)).Json()["summary"]["en"], "Two");

  // The form: a stale version field gets 409 with the user's text kept.
  Browser b = As(e.person);
  std::string edit = "/campaigns/" + c["id"].dump() + "/edit";
  HttpResponse form = b.Get(edit);
  ASSERT_EQ(form.status, 200) << form.Describe();
  EXPECT_EQ(ExtractInputValue(form.body, "version"), "2");
  HttpResponse saved =
      b.Submit(edit, {{"version", "1"}, {"title_en", "My careful edit"}, {"summary_en", "Kept text"}});
  ASSERT_EQ(saved.status, 409) << saved.Describe();
  EXPECT_NE(saved.body.find("My careful edit"), std::string::npos);
  EXPECT_NE(saved.body.find("Kept text"), std::string::npos);
  EXPECT_EQ(ExtractInputValue(saved.body, "version"), "2") << "the next save is based on the current version";
  HttpResponse again =
      b.Submit(edit, {{"version", "2"}, {"title_en", "My careful edit"}, {"summary_en", "Kept text"}});
  EXPECT_EQ(again.status, 303) << again.Describe();
  // History shows what changed.
  HttpResponse rev = b.Get("/campaigns/" + c["id"].dump() + "/history/3");
  ASSERT_EQ(rev.status, 200) << rev.Describe();
  EXPECT_NE(rev.body.find("My careful edit"), std::string::npos);
}

TEST_P(CampaignsTest, FormErrorsAreInlineAndKeepEverything) {
  Editor e = NewEditor();
  Browser b = As(e.person);
  HttpResponse form = b.Get("/campaigns/new");
  ASSERT_EQ(form.status, 200) << form.Describe();
  EXPECT_LT(form.body.size(), 50u * 1024) << "pages stay light";
  HttpResponse r = b.Submit("/campaigns", {{"organisation", e.org},
                                           {"title_fr", "Campagne <em>française</em>"},
                                           {"countries_text", "GRC, XQZ"},
                                           {"themes", "xenophobia"},
                                           {"channels", "posters"},
                                           {"figures", "reach: lots"},
                                           {"audiences", "young people"}});
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_NE(r.body.find("Campagne &lt;em&gt;française&lt;/em&gt;"), std::string::npos);
  EXPECT_NE(r.body.find("young people"), std::string::npos);
  EXPECT_NE(r.body.find("value=\"xenophobia\" checked"), std::string::npos);
  EXPECT_NE(r.body.find("value=\"posters\" checked"), std::string::npos);
  EXPECT_NE(r.body.find("reach: lots"), std::string::npos);
  EXPECT_NE(r.body.find("id=\"figures-error\""), std::string::npos);
  // Fixed figures: now the unknown country is named.
  r = b.Submit("/campaigns", {{"organisation", e.org},
                              {"title_fr", "Campagne"},
                              {"countries_text", "GRC, XQZ"},
                              {"figures", "reach: 1200"}});
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_NE(r.body.find("XQZ"), std::string::npos);
  EXPECT_NE(r.body.find("id=\"countries-error\""), std::string::npos);
  r = b.Submit("/campaigns", {{"organisation", e.org},
                              {"title_fr", "Campagne"},
                              {"countries", "GRC"},
                              {"countries_text", "fra"},
                              {"figures", "reach: 1200"}});
  ASSERT_EQ(r.status, 303) << r.Describe();
  HttpResponse page = b.Follow(r.Header("Location"));
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_NE(page.body.find("Greece"), std::string::npos) << "countries by name";
  EXPECT_NE(page.body.find("France"), std::string::npos);
  EXPECT_NE(page.body.find("1200"), std::string::npos);
}

TEST_P(CampaignsTest, MediaUploadsAreCheckedByContent) {
  Editor e = NewEditor();
  json c = MustCreate(e, {{"title", {{"en", "Media"}}}});
  std::string base = "/api/v1/campaigns/" + c["id"].dump() + "/media";
  HeaderList h = Auth(e.token);
  h.emplace_back("Content-Type", "image/png");
  HttpResponse text = client().Request("POST", base + "?filename=poster.png", h, "this is not a picture");
  EXPECT_EQ(text.status, 415) << text.Describe();
  HttpResponse html =
      client().Request("POST", base + "?filename=x.pdf", h, "<html><script>alert(1)</script>");
  EXPECT_EQ(html.status, 415) << html.Describe();
  std::string big = Png() + std::string(6 * 1024 * 1024, 'x');
  HttpResponse large = client().Request("POST", base + "?filename=big.png", h, big);
  EXPECT_EQ(large.status, 413) << large.Describe();
  HttpResponse ok = client().Request("POST", base + "?filename=poster.gif&caption=Poster", h, Png());
  ASSERT_EQ(ok.status, 201) << ok.Describe();
  json m = ok.Json();
  EXPECT_EQ(m["content_type"], "image/png") << "sniffed, not from the name";
  HttpResponse file = client().Get(m["url"].get<std::string>(), Auth(e.token));
  ASSERT_EQ(file.status, 200) << file.Describe();
  EXPECT_EQ(file.Header("Content-Type"), "image/png");
  EXPECT_EQ(file.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(file.body, Png());
  EXPECT_NE(file.Header("ETag").find(m["sha256"].get<std::string>()), std::string::npos);
  EXPECT_NE(file.Header("Content-Disposition").find("inline"), std::string::npos);
  // A draft's media is private like the draft.
  EXPECT_EQ(client().Get(m["url"].get<std::string>()).status, 404);
  // Multipart on the API works too; a PDF is an attachment.
  std::string pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
  std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nLeaflet\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"leaflet.pdf\"\r\n"
      "Content-Type: application/pdf\r\n\r\n" +
      pdf + "\r\n--XyZ--\r\n";
  HeaderList mh = Auth(e.token);
  mh.emplace_back("Content-Type", "multipart/form-data; boundary=XyZ");
  HttpResponse multi = client().Request("POST", base, mh, body);
  ASSERT_EQ(multi.status, 201) << multi.Describe();
  EXPECT_EQ(multi.Json()["content_type"], "application/pdf");
  EXPECT_EQ(multi.Json()["caption"], "Leaflet");
  HttpResponse pdf_file = client().Get(multi.Json()["url"].get<std::string>(), Auth(e.token));
  EXPECT_NE(pdf_file.Header("Content-Disposition").find("attachment"), std::string::npos);
  HttpResponse bad_multi = client().Request("POST", base, mh, "--XyZ\r\nno headers");
  EXPECT_EQ(bad_multi.status, 400) << bad_multi.Describe();
  // A stranger may not upload.
  Editor stranger = NewEditor();
  HeaderList sh = Auth(stranger.token);
  sh.emplace_back("Content-Type", "image/png");
  EXPECT_NE(client().Request("POST", base + "?filename=p.png", sh, Png()).status, 201);
  // The page lists the image with <img> for its editors.
  Browser b = As(e.person);
  HttpResponse page = b.Get("/campaigns/" + c["id"].dump());
  EXPECT_NE(page.body.find("<img src=\"" + m["url"].get<std::string>() + "\""), std::string::npos);
  EXPECT_NE(page.body.find("enctype=\"multipart/form-data\""), std::string::npos);
}

// The page's upload form (multipart/form-data, no JavaScript): an image is
// added; a file that is not an image or PDF gets a 415 page, a file over the
// limit a 413 page, both in the reader's language with a way back.
TEST_P(CampaignsTest, MediaUploadForm) {
  Editor e = NewEditor();
  json c = MustCreate(e, {{"title", {{"en", "Form uploads"}}}});
  std::string id = c["id"].dump();
  Browser b = As(e.person);
  HttpResponse page = b.Get("/campaigns/" + id);
  ASSERT_EQ(page.status, 200) << page.Describe();
  auto upload = [&](const std::string& filename, const std::string& bytes) {
    std::string body =
        "--b0undary\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + b.csrf() +
        "\r\n--b0undary\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nA caption\r\n"
        "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
        filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + bytes + "\r\n--b0undary--\r\n";
    return b.Request("POST", "/campaigns/" + id + "/media",
                     {{"Content-Type", "multipart/form-data; boundary=b0undary"}}, body);
  };
  HttpResponse ok = upload("poster.png", Png());
  if (ok.status == 415 && ok.body.find("x-www-form-urlencoded") != std::string::npos) {
    GTEST_SKIP() << "WebApp::Run does not take multipart/form-data forms yet";
  }
  ASSERT_EQ(ok.status, 303) << ok.Describe();
  HttpResponse shown = b.Follow(ok.Header("Location"));
  EXPECT_NE(shown.body.find("<img src=\"/media/"), std::string::npos);
  HttpResponse text = upload("notes.png", "just some text, not a picture");
  EXPECT_EQ(text.status, 415) << text.Describe();
  EXPECT_NE(text.body.find("/campaigns/" + id), std::string::npos) << "a way back";
  HttpResponse big = upload("big.png", Png() + std::string(6 * 1024 * 1024, 'x'));
  EXPECT_EQ(big.status, 413) << big.Describe();
  // Without the form's token: refused.
  b.set_csrf("not-the-token-not-the-token-not-the-token");
  EXPECT_EQ(upload("poster.png", Png()).status, 403);
}

TEST_P(CampaignsTest, SearchFacetsCountAndCombine) {
  Editor e = NewEditor();
  std::string word = "zq" + d().Unique("facet");
  for (char& ch : word) {
    if (ch == '-') ch = 'x';
  }
  Published(e, {{"title", {{"en", "Migrants " + word + " one"}}},
                {"countries", {"GRC", "FRA"}},
                {"themes", {"xenophobia"}},
                {"status", "running"}});
  Published(e, {{"title", {{"en", "Migrants " + word + " two"}}},
                {"countries", {"GRC"}},
                {"themes", {"inclusion"}},
                {"status", "ended"}});
  Published(
      e, {{"title", {{"fr", "Migración " + word + " trois"}}}, {"countries", {"ESP"}}, {"status", "ended"}});
  HttpResponse r = client().Get("/api/v1/campaigns?q=" + word);
  ASSERT_EQ(r.status, 200) << r.Describe();
  json j = r.Json();
  EXPECT_EQ(j["total"], 3) << r.body;
  EXPECT_EQ(j["facets"]["country"]["GRC"], 2) << r.body;
  EXPECT_EQ(j["facets"]["country"]["FRA"], 1) << r.body;
  EXPECT_EQ(j["facets"]["status"]["ended"], 2) << r.body;
  EXPECT_EQ(j["facets"]["org"][e.org], 3) << r.body;
  ASSERT_FALSE(j["items"].empty());
  json item = j["items"][0];
  for (const char* k :
       {"id", "slug", "title", "summary", "countries", "themes", "organisation", "status", "adapted_from"}) {
    EXPECT_TRUE(item.contains(k)) << k;
  }
  // Filters: repeatable or comma lists, ORed within a facet, ANDed across.
  EXPECT_EQ(client().Get("/api/v1/campaigns?q=" + word + "&country=FRA&country=ESP").Json()["total"], 2);
  EXPECT_EQ(client().Get("/api/v1/campaigns?q=" + word + "&country=FRA,ESP").Json()["total"], 2);
  json combined = client().Get("/api/v1/campaigns?q=" + word + "&country=GRC&status=ended").Json();
  EXPECT_EQ(combined["total"], 1);
  // A facet's own filter does not narrow its counts.
  EXPECT_EQ(combined["facets"]["status"]["running"], 1) << combined.dump();
  // Accent-insensitive: "migracion" finds "Migración".
  json accent = client().Get("/api/v1/campaigns?q=migracion%20" + word).Json();
  EXPECT_EQ(accent["total"], 1) << accent.dump();
  // The page: facet checkboxes with counts, snippets with <mark>, feeds of the filter.
  HttpResponse page = client().Get("/campaigns?q=" + word + "&country=GRC");
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_NE(page.body.find("name=\"country\" value=\"GRC\" checked"), std::string::npos);
  EXPECT_NE(page.body.find("(2)"), std::string::npos);
  EXPECT_NE(page.body.find("<mark>"), std::string::npos);
  EXPECT_NE(page.body.find("/api/v1/campaigns.csv?q=" + word + "&amp;country=GRC"), std::string::npos);
  EXPECT_LT(page.body.size(), 50u * 1024);
  // The organisation facet is labelled with the organisation's name (no
  // acronym here), its slug the value.
  EXPECT_NE(page.body.find("name=\"org\" value=\"" + e.org + "\""), std::string::npos);
  EXPECT_NE(page.body.find("Organisation " + e.org), std::string::npos);
  HttpResponse fr = client().Get("/campaigns?q=" + word + "&lang=fr");
  EXPECT_NE(fr.body.find("Grèce"), std::string::npos) << "countries by name in the reader's language";
}

// Did you mean (issue 15): a query that finds nothing as typed shows the
// results of its correction from the indexed words, and says so, in the API
// and on the page, in the reader's language; the reader's text is escaped.
TEST_P(CampaignsTest, AQueryThatFindsNothingShowsItsCorrection) {
  Editor e = NewEditor();
  // Letters only (the spelling data leaves out words with digits).
  std::string word = "zqspelling";
  for (char ch : d().Unique("dym")) {
    if (ch >= 'a' && ch <= 'z') word += ch;
    if (ch >= '0' && ch <= '9') word += static_cast<char>('a' + (ch - '0'));
  }
  std::string typo = word.substr(0, 2) + word.substr(3);  // one letter left out
  json one = Published(e, {{"title", {{"en", "Campaign " + word + " one query"}}}, {"countries", {"GRC"}}});
  json two = Published(e, {{"title", {{"fr", "Campagne " + word + " deux"}}}, {"countries", {"FRA"}}});

  HttpResponse r = client().Get("/api/v1/campaigns?q=" + typo);
  ASSERT_EQ(r.status, 200) << r.Describe();
  json j = r.Json();
  EXPECT_EQ(j["total"], 2) << r.body;
  EXPECT_EQ(j["suggestion"], word) << r.body;
  EXPECT_EQ(j["corrected_from"], typo) << r.body;
  ASSERT_EQ(j["items"].size(), 2u) << r.body;
  EXPECT_NE(j["items"][0]["snippet_html"].get<std::string>().find("<mark>"), std::string::npos) << r.body;
  // Filters apply to the correction too.
  json greek = client().Get("/api/v1/campaigns?q=" + typo + "&country=GRC").Json();
  EXPECT_EQ(greek["total"], 1) << greek.dump();
  EXPECT_EQ(greek["items"][0]["id"], one["id"]) << greek.dump();
  // No suggestion when the correction finds nothing either, nor when the query finds something.
  json none = client().Get("/api/v1/campaigns?q=" + typo + "&country=JPN").Json();
  EXPECT_EQ(none["total"], 0) << none.dump();
  EXPECT_TRUE(none["suggestion"].is_null()) << none.dump();
  EXPECT_TRUE(none["corrected_from"].is_null()) << none.dump();
  json exact = client().Get("/api/v1/campaigns?q=" + word).Json();
  EXPECT_EQ(exact["total"], 2) << exact.dump();
  EXPECT_TRUE(exact["suggestion"].is_null()) << exact.dump();
  EXPECT_TRUE(exact["corrected_from"].is_null()) << exact.dump();

  HttpResponse page = client().Get("/campaigns?q=" + typo + "&country=FRA");
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_NE(page.body.find("Showing results for <strong><a href=\"/campaigns?q=" + word +
                           "&amp;country=FRA\">" + word + "</a></strong> instead of <em>" + typo + "</em>."),
            std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("Campagne <mark>" + word + "</mark> deux"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("value=\"" + typo + "\""), std::string::npos)
      << "the search box keeps what was typed";
  HttpResponse fr = client().Get("/campaigns?q=" + typo + "&lang=fr");
  EXPECT_NE(fr.body.find("Résultats pour <strong><a href=\"/campaigns?q=" + word + "\">"), std::string::npos)
      << fr.body;
  HttpResponse es = client().Get("/campaigns?q=" + typo + "&lang=es");
  EXPECT_NE(es.body.find("Mostrando resultados de <strong>"), std::string::npos) << es.body;
  // What the reader typed around the words is kept, escaped, and cannot
  // fill the message's placeholders ("query" is a word of campaign one).
  HttpResponse odd = client().Get("/campaigns?q=%7Bquery%7D%20" + typo + "%20%3C%26%22");
  ASSERT_EQ(odd.status, 200) << odd.Describe();
  EXPECT_NE(odd.body.find("instead of <em>&#123;query} " + typo + " &lt;&amp;&quot;</em>."),
            std::string::npos)
      << odd.body;
  EXPECT_EQ(odd.body.find("<&\""), std::string::npos);
  json odd_api = client().Get("/api/v1/campaigns?q=%7Bquery%7D%20" + typo + "%20%3C%26%22").Json();
  EXPECT_EQ(odd_api["suggestion"], "{query} " + word + " <&\"") << odd_api.dump();
}

TEST_P(CampaignsTest, AdaptAndLineage) {
  Editor origin = NewEditor();
  Editor adapter = NewEditor();
  json source = Published(origin, {{"title", {{"en", "I am an Immigrant"}}}, {"countries", {"GBR"}}});
  long long sid = source["id"];
  HttpResponse bad = Action(adapter.token, sid, "adapt", {{"organisation", origin.org}});
  EXPECT_EQ(bad.status, 403) << "only for an organisation you edit: " << bad.Describe();
  HttpResponse r = Action(adapter.token, sid, "adapt", {{"organisation", adapter.org}});
  ASSERT_EQ(r.status, 201) << r.Describe();
  json copy = r.Json();
  EXPECT_EQ(copy["adapted_from"], sid);
  EXPECT_EQ(copy["lifecycle"], "draft");
  EXPECT_EQ(copy["organisation"], adapter.org);
  EXPECT_EQ(r.Header("Location"), "/api/v1/campaigns/" + copy["id"].dump());
  std::string url = "/api/v1/campaigns/" + copy["id"].dump();
  HeaderList h = Auth(adapter.token);
  h.emplace_back("If-Match", "\"1\"");
  HttpResponse patched =
      client().SendJson("PATCH", url, {{"title", {{"es", "Soy un Migrante"}}}, {"countries", {"ESP"}}}, h);
  ASSERT_EQ(patched.status, 200) << patched.Describe();
  ASSERT_EQ(Action(adapter.token, copy["id"], "submit").status, 200);
  ASSERT_EQ(Action(Moderator().token, copy["id"], "publish").status, 200);
  HttpResponse lineage = client().Get("/api/v1/campaigns/" + std::to_string(sid) + "/lineage");
  ASSERT_EQ(lineage.status, 200) << lineage.Describe();
  json l = lineage.Json();
  EXPECT_EQ(l["root"], sid);
  ASSERT_EQ(l["nodes"].size(), 2u) << l.dump();
  EXPECT_EQ(l["nodes"][1]["depth"], 1);
  EXPECT_EQ(l["countries"]["GBR"], 1);
  EXPECT_EQ(l["countries"]["ESP"], 1);
  HttpResponse page = client().Get("/campaigns/" + copy["id"].dump() + "/lineage");
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_NE(page.body.find("I am an Immigrant"), std::string::npos);
  EXPECT_NE(page.body.find("Spain"), std::string::npos);
  EXPECT_NE(page.body.find("<img class=\"world-map\""), std::string::npos);
  HttpResponse svg = client().Get("/campaigns/" + copy["id"].dump() + "/lineage.svg");
  ASSERT_EQ(svg.status, 200) << svg.Describe();
  EXPECT_EQ(svg.Header("Content-Type"), "image/svg+xml");
  EXPECT_NE(svg.body.find("<svg"), std::string::npos);
  HttpResponse detail = client().Get("/campaigns/" + copy["id"].dump());
  EXPECT_NE(detail.body.find("Adapted from"), std::string::npos);
}

TEST_P(CampaignsTest, AtomFeedIsWellFormed) {
  Editor e = NewEditor();
  Published(e, {{"title", {{"en", "Feed & <friends> \"quoted\""}}}, {"summary", {{"en", "Tom & Jerry"}}}});
  HttpResponse r = client().Get("/campaigns.atom");
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.Header("Content-Type"), "application/atom+xml; charset=utf-8");
  EXPECT_NE(r.body.find("<feed xmlns=\"http://www.w3.org/2005/Atom\""), std::string::npos);
  EXPECT_NE(r.body.find("Feed &amp; &lt;friends&gt; &quot;quoted&quot;"), std::string::npos);
  EXPECT_NE(r.body.find("<id>tag:"), std::string::npos);
  EXPECT_NE(r.body.find("<author><name>"), std::string::npos);
  // A real XML parser accepts it.
  std::string path = d().dir().File("feed.xml");
  {
    std::ofstream out(path, std::ios::binary);
    out << r.body;
  }
  std::string cmd = "xmllint --noout " + path + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) output += buf;
  int rc = pclose(p);
  EXPECT_EQ(rc, 0) << output;
}

TEST_P(CampaignsTest, CsvExportQuotesAndDefusesFormulas) {
  Editor e = NewEditor();
  std::string word = "zq" + d().Unique("csv");
  for (char& ch : word) {
    if (ch == '-') ch = 'x';
  }
  Published(e, {{"title", {{"en", "=HYPERLINK(\"http://evil\") " + word}}},
                {"summary", {{"en", "Line one, with comma\nline \"two\""}}},
                {"countries", {"GRC", "ITA"}}});
  HttpResponse r = client().Get("/api/v1/campaigns.csv?q=" + word);
  ASSERT_EQ(r.status, 200) << r.Describe();
  EXPECT_EQ(r.Header("Content-Type").rfind("text/csv", 0), 0u) << r.Header("Content-Type");
  EXPECT_EQ(r.body.rfind("id,slug,title,summary,organisation", 0), 0u) << r.body;
  EXPECT_NE(r.body.find("\"'=HYPERLINK(\"\"http://evil\"\") " + word + "\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"Line one, with comma\nline \"\"two\"\"\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("GRC; ITA"), std::string::npos) << r.body;
  // Two lines: the header and the one campaign (CRLF line ends).
  EXPECT_NE(r.body.find("\r\n"), std::string::npos);
}

TEST_P(CampaignsTest, ThemesAdminAndOpenApi) {
  Browser admin = As(d().Admin());
  HttpResponse page = admin.Get("/admin/themes");
  ASSERT_EQ(page.status, 200) << page.Describe();
  std::string code = "theme" + std::to_string(std::rand() % 100000);
  HttpResponse saved = admin.Submit("/admin/themes", {{"code", code},
                                                      {"label_en", "Sport"},
                                                      {"label_fr", "Sport"},
                                                      {"label_es", "Deporte"},
                                                      {"active", "1"}});
  ASSERT_EQ(saved.status, 303) << saved.Describe();
  json themes = client().Get("/api/v1/themes").Json();
  bool found = false;
  for (const auto& t : themes["items"]) found = found || t["code"] == code;
  EXPECT_TRUE(found) << themes.dump();
  Editor e = NewEditor();
  Browser b = As(e.person);
  EXPECT_EQ(b.Get("/admin/themes").status, 403);
  HttpResponse doc = client().Get("/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200) << doc.Describe();
  json o = doc.Json();
  EXPECT_EQ(o["openapi"].get<std::string>().substr(0, 2), "3.");
  for (const char* p :
       {"/api/v1/campaigns", "/api/v1/campaigns/{id}", "/api/v1/campaigns/{id}/adapt",
        "/api/v1/campaigns/{id}/lineage", "/api/v1/organisations", "/api/v1/me", "/api/v1/threads"}) {
    EXPECT_TRUE(o["paths"].contains(p)) << p;
  }
}

WM_INSTANTIATE_BACKENDS(CampaignsTest);

}  // namespace
}  // namespace waymark::it
