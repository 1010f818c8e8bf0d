// The audit log at /admin/audit records sign-ins, failed sign-ins and
// organisation changes.
#include "fixture.h"

namespace waymark::it {
namespace {

class AuditTest : public ServerTest {};

TEST_P(AuditTest, SignInsAndOrganisationChangesAppearInTheAuditLog) {
  Person editor = Editor("jcwi");
  std::string ghost = d().Unique("ghost") + "@it.example";
  Browser failed = NewBrowser();
  ASSERT_EQ(AttemptSignIn(failed, ghost, "wrong-password").status, 401);

  Browser eb = NewBrowser();
  SignedIn es = SignIn(eb, editor.email, editor.password);
  std::string id = d().Unique("audit-marker");
  HttpResponse patch =
      eb.Request("PATCH", "/api/v1/organisations/jcwi",
                 IfMatchNow("/api/v1/organisations/jcwi",
                            {{"Content-Type", "application/json"}, {"X-CSRF-Token", es.csrf}}),
                 nlohmann::json{{"name", "JCWI " + id}}.dump());
  ASSERT_EQ(patch.status, 200) << patch.Describe();
  std::string created = d().Unique("audited");
  HttpResponse create =
      client().SendJson("POST", "/api/v1/organisations",
                        {{"slug", created}, {"name", "Audited"}, {"kind", "cso"}}, Bearer(d().AdminToken()));
  ASSERT_EQ(create.status, 201) << create.Describe();

  Browser ab = NewBrowser();
  SignIn(ab, d().Admin().email, d().Admin().password);
  HttpResponse audit = ab.Get("/admin/audit");
  ASSERT_EQ(audit.status, 200) << audit.Describe();
  const std::string& html = audit.body;
  EXPECT_NE(html.find("session.signin"), std::string::npos) << html;
  EXPECT_NE(html.find("session.signin_failed"), std::string::npos) << html;
  EXPECT_NE(html.find(ghost), std::string::npos) << "the failed attempt's e-mail\n" << html;
  EXPECT_NE(html.find("organisation.update"), std::string::npos) << html;
  EXPECT_NE(html.find("organisation:jcwi"), std::string::npos) << html;
  EXPECT_NE(html.find("JCWI " + id), std::string::npos) << "the changed name in the details\n" << html;
  EXPECT_NE(html.find("organisation.create"), std::string::npos) << html;
  EXPECT_NE(html.find("organisation:" + created), std::string::npos) << html;
  EXPECT_NE(html.find("token.create"), std::string::npos) << html;

  // The editor's sign-in and change are attributed to them.
  HttpResponse me = eb.Get("/api/v1/me");
  std::string actor = "user:" + std::to_string(me.Json()["id"].get<long>());
  EXPECT_NE(html.find("<td>" + actor + "</td><td>organisation.update</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td>" + actor + "</td><td>session.signin</td>"), std::string::npos) << html;
}

TEST_P(AuditTest, OnlyAdministratorsReadTheAuditLog) {
  Person editor = Editor("jcwi");
  Browser b = NewBrowser();
  SignIn(b, editor.email, editor.password);
  EXPECT_EQ(b.Get("/admin/audit").status, 403);
  EXPECT_EQ(client().Get("/admin/audit").status, 303);
}

WM_INSTANTIATE_BACKENDS(AuditTest);

}  // namespace
}  // namespace waymark::it
