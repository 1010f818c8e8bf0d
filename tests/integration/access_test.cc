// Who may do what: administrators, editors, members, anonymous visitors, and
// API tokens (valid, revoked, malformed).
#include "fixture.h"

namespace waymark::it {
namespace {

class AccessTest : public ServerTest {};

TEST_P(AccessTest, AnonymousAdminPagesRedirectToSignIn) {
  HttpResponse r = client().Get("/admin/users?page=2");
  ASSERT_EQ(r.status, 303) << r.Describe();
  EXPECT_EQ(r.Header("Location").rfind("/signin?next=", 0), 0u) << r.Describe();
  // The sign-in form carries the page to come back to, query and all.
  HttpResponse form = client().Get(r.Header("Location"));
  ASSERT_EQ(form.status, 200) << form.Describe();
  EXPECT_EQ(ExtractInputValue(form.body, "next"), "/admin/users?page=2") << r.Header("Location");
  HttpResponse admin = client().Get("/admin");
  ASSERT_EQ(admin.status, 303);
  EXPECT_EQ(ExtractInputValue(client().Get(admin.Header("Location")).body, "next"), "/admin");
}

TEST_P(AccessTest, MemberIsRefusedAdminPages) {
  Person m = Member("drc");
  Browser b = NewBrowser();
  SignIn(b, m.email, m.password);
  for (const char* page : {"/admin", "/admin/users", "/admin/audit", "/admin/organisations/new"}) {
    HttpResponse r = b.Get(page);
    EXPECT_EQ(r.status, 403) << page << "\n" << r.Describe();
    EXPECT_EQ(r.Header("Content-Type").rfind("text/html", 0), 0u) << page;
  }
  HttpResponse post = b.Submit("/admin/organisations", {{"slug", "nope"}, {"name", "Nope"}, {"kind", "cso"}});
  EXPECT_EQ(post.status, 403) << post.Describe();
}

TEST_P(AccessTest, AdminSeesAdminPages) {
  Browser b = NewBrowser();
  SignIn(b, d().Admin().email, d().Admin().password);
  for (const char* page : {"/admin", "/admin/users", "/admin/audit", "/admin/organisations"}) {
    HttpResponse r = b.Get(page);
    EXPECT_EQ(r.status, 200) << page << "\n" << r.Describe();
  }
}

TEST_P(AccessTest, MemberTokenCannotPatchAnotherOrganisation) {
  Person m = Member("drc");
  d().EnsureOrganisation("jcwi");
  std::string token = d().CreateToken(m.email);
  HttpResponse other = client().SendJson("PATCH", "/api/v1/organisations/jcwi", {{"description", "hijacked"}},
                                         IfMatchNow("/api/v1/organisations/jcwi", Bearer(token)));
  ASSERT_EQ(other.status, 403) << other.Describe();
  EXPECT_EQ(other.Json()["error"]["code"], "forbidden");
  // A plain member cannot edit their own organisation either.
  HttpResponse own = client().SendJson("PATCH", "/api/v1/organisations/drc", {{"description", "mine"}},
                                       IfMatchNow("/api/v1/organisations/drc", Bearer(token)));
  EXPECT_EQ(own.status, 403) << own.Describe();
  EXPECT_NE(client().Get("/api/v1/organisations/jcwi").Json()["description"], "hijacked");
}

TEST_P(AccessTest, EditorPatchesOwnOrganisationOnly) {
  Person e = Editor("jcwi");
  d().EnsureOrganisation("drc");
  std::string token = d().CreateToken(e.email);
  std::string text = "Edited by " + e.email;
  HttpResponse own = client().SendJson("PATCH", "/api/v1/organisations/jcwi",
                                       {{"description", text}, {"website", "https://jcwi.example"}},
                                       IfMatchNow("/api/v1/organisations/jcwi", Bearer(token)));
  ASSERT_EQ(own.status, 200) << own.Describe();
  EXPECT_EQ(own.Json()["description"], text);
  EXPECT_EQ(own.Json()["slug"], "jcwi");
  HttpResponse read = client().Get("/api/v1/organisations/jcwi");
  EXPECT_EQ(read.Json()["description"], text);
  EXPECT_EQ(read.Json()["website"], "https://jcwi.example");

  HttpResponse other = client().SendJson("PATCH", "/api/v1/organisations/drc", {{"description", text}},
                                         IfMatchNow("/api/v1/organisations/drc", Bearer(token)));
  EXPECT_EQ(other.status, 403) << other.Describe();
  EXPECT_NE(client().Get("/api/v1/organisations/drc").Json()["description"], text);

  // Observer status is for administrators only.
  HttpResponse observer =
      client().SendJson("PATCH", "/api/v1/organisations/jcwi", {{"council_observer", true}},
                        IfMatchNow("/api/v1/organisations/jcwi", Bearer(token)));
  EXPECT_EQ(observer.status, 422) << observer.Describe();
}

TEST_P(AccessTest, EditorEditsOwnOrganisationThroughTheForm) {
  Person e = Editor("jcwi");
  d().EnsureOrganisation("drc");
  Browser b = NewBrowser();
  SignIn(b, e.email, e.password);
  ASSERT_EQ(b.Get("/organisations/jcwi/edit").status, 200);
  HttpResponse saved = b.Submit(
      "/organisations/jcwi/edit",
      {{"name", "Organisation jcwi"}, {"kind", "cso"}, {"country", "GBR"}, {"description", "form edit"}});
  ASSERT_EQ(saved.status, 303) << saved.Describe();
  EXPECT_EQ(client().Get("/api/v1/organisations/jcwi").Json()["country"], "GBR");
  EXPECT_EQ(b.Get("/organisations/drc/edit").status, 403);
}

TEST_P(AccessTest, AdminCreatesOrganisationsAndDuplicatesConflict) {
  std::string slug = d().Unique("new-org");
  nlohmann::json body = {{"slug", slug}, {"name", "New Org"}, {"kind", "research"}, {"country", "FRA"}};
  HttpResponse created = client().SendJson("POST", "/api/v1/organisations", body, Bearer(d().AdminToken()));
  ASSERT_EQ(created.status, 201) << created.Describe();
  EXPECT_EQ(created.Header("Location"), "/api/v1/organisations/" + slug);
  auto j = created.Json();
  EXPECT_EQ(j["slug"], slug);
  EXPECT_EQ(j["kind"], "research");
  EXPECT_EQ(j["country"], "FRA");
  EXPECT_EQ(j["url"], "/api/v1/organisations/" + slug);
  HttpResponse read = client().Get(created.Header("Location"));
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.Json()["name"], "New Org");
  EXPECT_EQ(client().Get("/organisations/" + slug).status, 200);

  body["name"] = "Another name";
  HttpResponse dup = client().SendJson("POST", "/api/v1/organisations", body, Bearer(d().AdminToken()));
  ASSERT_EQ(dup.status, 409) << dup.Describe();
  EXPECT_EQ(dup.Json()["error"]["code"], "conflict");
  EXPECT_EQ(client().Get("/api/v1/organisations/" + slug).Json()["name"], "New Org");
}

TEST_P(AccessTest, NonAdminsCannotCreateOrganisations) {
  Person e = Editor("jcwi");
  nlohmann::json body = {{"slug", d().Unique("sneaky")}, {"name", "Sneaky"}, {"kind", "cso"}};
  HttpResponse r = client().SendJson("POST", "/api/v1/organisations", body, Bearer(d().CreateToken(e.email)));
  EXPECT_EQ(r.status, 403) << r.Describe();
  HttpResponse anon = client().SendJson("POST", "/api/v1/organisations", body);
  EXPECT_EQ(anon.status, 401) << anon.Describe();
  EXPECT_EQ(client().Get("/api/v1/organisations/" + body["slug"].get<std::string>()).status, 404);
}

TEST_P(AccessTest, ApiWithoutCredentialsIs401WithBearerChallenge) {
  HttpResponse me = client().Get("/api/v1/me");
  ASSERT_EQ(me.status, 401) << me.Describe();
  EXPECT_EQ(me.Header("WWW-Authenticate").rfind("Bearer", 0), 0u) << me.Describe();
  EXPECT_EQ(me.Json()["error"]["code"], "unauthenticated");
  HttpResponse patch = client().SendJson("PATCH", "/api/v1/organisations/whatever", {{"name", "x"}});
  EXPECT_EQ(patch.status, 401) << patch.Describe();

  for (const std::string& authz :
       {std::string("Basic YWRtaW46YWRtaW4="), std::string("Bearer wm_not-a-real-token"),
        std::string("Bearer not-even-prefixed"), std::string("Bearer ")}) {
    HttpResponse r = client().Get("/api/v1/me", {{"Authorization", authz}});
    EXPECT_EQ(r.status, 401) << authz << "\n" << r.Describe();
  }
}

TEST_P(AccessTest, MeViaBearerToken) {
  Person m = Member("drc");
  HttpResponse r = client().Get("/api/v1/me", Bearer(d().CreateToken(m.email)));
  ASSERT_EQ(r.status, 200) << r.Describe();
  auto j = r.Json();
  EXPECT_EQ(j["email"], m.email);
  EXPECT_EQ(j["name"], m.name);
  EXPECT_EQ(j["locale"], "en");
  EXPECT_EQ(j["is_admin"], false);
  EXPECT_TRUE(j["id"].is_number_integer());
  EXPECT_EQ(j["memberships"], nlohmann::json::parse(R"([{"organisation":"drc","role":"member"}])"));
  EXPECT_FALSE(FindSetCookie(r, "wm_session").has_value());

  HttpResponse admin = client().Get("/api/v1/me", Bearer(d().AdminToken()));
  EXPECT_EQ(admin.Json()["is_admin"], true);
}

TEST_P(AccessTest, RevokedTokenIs401) {
  Person m = Member("drc");
  Browser b = NewBrowser();
  SignIn(b, m.email, m.password, "/account");
  HttpResponse made = b.Submit("/account/tokens", {{"name", "laptop"}});
  ASSERT_EQ(made.status, 201) << made.Describe();
  std::string token = ExtractElementText(made.body, "new-token");
  ASSERT_EQ(token.rfind("wm_", 0), 0u) << made.body;
  ASSERT_EQ(client().Get("/api/v1/me", Bearer(token)).status, 200);

  // The revoke form's action names the token's id.
  auto action = made.body.find("/account/tokens/");
  ASSERT_NE(action, std::string::npos) << made.body;
  std::string revoke = made.body.substr(action, made.body.find('"', action) - action);
  ASSERT_NE(revoke.find("/revoke"), std::string::npos) << revoke;
  HttpResponse revoked = b.Submit(revoke, {});
  ASSERT_EQ(revoked.status, 303) << revoked.Describe();

  HttpResponse after = client().Get("/api/v1/me", Bearer(token));
  EXPECT_EQ(after.status, 401) << after.Describe();
  EXPECT_EQ(after.Json()["error"]["code"], "unauthenticated");
  HttpResponse write =
      client().SendJson("PATCH", "/api/v1/organisations/drc", {{"name", "x"}}, Bearer(token));
  EXPECT_EQ(write.status, 401) << write.Describe();
}

TEST_P(AccessTest, SomeoneElsesTokenCannotBeRevoked) {
  Person owner = Member("drc");
  Person intruder = Member("drc");
  std::string token = d().CreateToken(owner.email);
  HttpResponse me = client().Get("/api/v1/me", Bearer(token));
  ASSERT_EQ(me.status, 200);
  Browser b = NewBrowser();
  SignIn(b, owner.email, owner.password, "/account");
  HttpResponse page = b.Get("/account");
  auto action = page.body.find("/account/tokens/");
  ASSERT_NE(action, std::string::npos) << page.body;
  std::string revoke = page.body.substr(action, page.body.find('"', action) - action);

  Browser other = NewBrowser();
  SignIn(other, intruder.email, intruder.password);
  HttpResponse r = other.Submit(revoke, {});
  EXPECT_NE(r.status / 100, 3) << "revoking someone else's token seemed to work:\n" << r.Describe();
  EXPECT_EQ(client().Get("/api/v1/me", Bearer(token)).status, 200);
}

TEST_P(AccessTest, AdminCreatesOrganisationsAndPeopleThroughTheForms) {
  Browser admin = NewBrowser();
  SignIn(admin, d().Admin().email, d().Admin().password, "/admin/organisations/new");
  std::string slug = d().Unique("formorg");
  FormFields org = {
      {"slug", slug},  {"name", "Form Org"}, {"kind", "trade_union"},          {"country", "ESP"},
      {"acronym", ""}, {"website", ""},      {"description", "made in a form"}};
  HttpResponse created = admin.Submit("/admin/organisations", org);
  ASSERT_EQ(created.status, 303) << created.Describe();
  EXPECT_EQ(created.Header("Location").rfind("/organisations/" + slug, 0), 0u) << created.Describe();
  EXPECT_EQ(client().Get("/api/v1/organisations/" + slug).Json()["kind"], "trade_union");
  HttpResponse dup = admin.Submit("/admin/organisations", org);
  EXPECT_EQ(dup.status, 409) << dup.Describe();
  EXPECT_EQ(ExtractInputValue(dup.body, "slug"), slug) << "the form keeps what was typed";

  std::string email = d().Unique("formuser") + "@it.example";
  ASSERT_EQ(admin.Get("/admin/users").status, 200);
  HttpResponse user = admin.Submit("/admin/users", {{"email", email},
                                                    {"name", "Form User"},
                                                    {"organisation", slug},
                                                    {"role", "editor"},
                                                    {"locale", "fr"}});
  ASSERT_EQ(user.status, 201) << user.Describe();
  std::string otp = ExtractElementText(user.body, "one-time-password");
  ASSERT_GE(otp.size(), 10u) << user.body;

  Browser b = NewBrowser();
  HttpResponse first = AttemptSignIn(b, email, otp);
  ASSERT_EQ(first.status, 303) << first.Describe();
  EXPECT_EQ(first.Header("Location"), "/account/password");
  // The API answers once the one-time password is replaced.
  ASSERT_EQ(b.Get("/account/password").status, 200);
  HttpResponse changed = b.Submit("/account/password", {{"current_password", otp},
                                                        {"password", "form user's own passphrase"},
                                                        {"password_confirm", "form user's own passphrase"}});
  ASSERT_EQ(changed.status, 303) << changed.Describe();
  HttpResponse me = b.Get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.Describe();
  EXPECT_EQ(me.Json()["locale"], "fr");
  EXPECT_EQ(me.Json()["memberships"],
            nlohmann::json::parse(R"([{"organisation":")" + slug + R"(","role":"editor"}])"));
}

WM_INSTANTIATE_BACKENDS(AccessTest);

}  // namespace
}  // namespace waymark::it
