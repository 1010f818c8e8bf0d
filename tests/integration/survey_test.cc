// The survey ("asking migrants directly") over HTTP, on both backends: the
// phone form without JavaScript (consent first, then the questions, then
// thanks), consent required, bad fields 422 naming each field (form and
// API), answers never exposed one by one, suppression at the configured
// minimum cell size (evidence_min_cell, 3 here), withdrawal (the aggregates
// follow; another organisation cannot), batches for members only, the
// OpenAPI paths and the audit log. Each test works in organisations of its
// own and filters the results by them, since the deployment is shared.
#include <regex>

#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;

constexpr int kMinCell = 3;

json Answer(const std::string& origin = "NER") {
  return {{"consent", "yes"},     {"lang", "fr"},
          {"origin", origin},     {"destination", "LBY"},
          {"year", "2021"},       {"age_band", "30-44"},
          {"gender", "man"},      {"reasons", {"work"}},
          {"env_reason", "main"}, {"env_factors", {"drought", "crops"}},
          {"env_how", "slow"}};
}

class SurveyTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.config["evidence_min_cell"] = kMinCell;
    return o;
  }

  struct Member {
    Person person;
    std::string token;
    std::string org;
  };
  Member NewMember() {
    std::string org = d().Unique("svorg");
    d().EnsureOrganisation(org);
    Person p = WithRole(org, "member");
    return {p, d().CreateToken(p.email), org};
  }
  // A batch opened through the API: its JSON (id, token, link).
  json OpenBatch(const Member& m, const std::string& label = "Agadez") {
    HttpResponse r = client().SendJson(
        "POST", "/api/v1/survey/batches",
        {{"organisation", m.org}, {"label", label}, {"country", "NER"}, {"lang", "fr"}}, Bearer(m.token));
    EXPECT_EQ(r.status, 201) << r.Describe();
    return r.status == 201 ? r.Json() : json::object();
  }
  HttpResponse PostAnswer(const json& batch, const json& answer) {
    return client().SendJson("POST", "/api/v1/survey/b/" + batch["token"].get<std::string>() + "/answers",
                             answer);
  }
  json Results(const std::string& query) {
    HttpResponse r = client().Get("/api/v1/survey/results?" + query);
    EXPECT_EQ(r.status, 200) << r.Describe();
    return r.status == 200 ? r.Json() : json::object();
  }
  static json Cell(const json& results, const std::string& table, const std::string& key) {
    for (const auto& c : results["tables"][table]["cells"]) {
      if (c["key"] == key) return c;
    }
    return json();
  }
  long AnswersInDb(const std::string& org) {
    return std::stol(d().db().QueryValue(
        "SELECT count(*) FROM survey_answers a JOIN organisations o ON o.id = a.org_id WHERE o.slug = '" +
        org + "'"));
  }
};

TEST_P(SurveyTest, ThePhoneFormWorksWithoutJavaScriptConsentFirst) {
  Member m = NewMember();
  json batch = OpenBatch(m);
  std::string link = "/survey/b/" + batch["token"].get<std::string>();
  Browser phone(client());
  HttpResponse consent = phone.Get(link + "?lang=es");
  ASSERT_EQ(consent.status, 200) << consent.Describe();
  EXPECT_NE(consent.body.find("id=\"consent-text\""), std::string::npos);
  EXPECT_NE(consent.body.find("No pedimos su nombre"), std::string::npos)
      << "the consent statement in Spanish";
  // The consent page asks no question yet.
  EXPECT_EQ(consent.body.find("name=\"origin\""), std::string::npos);
  EXPECT_EQ(consent.body.find("<script"), std::string::npos);
  EXPECT_LT(consent.body.size(), 20000u);
  HttpResponse form = phone.Get(link + "?consent=yes&lang=es");
  ASSERT_EQ(form.status, 200) << form.Describe();
  EXPECT_EQ(form.body.find("<script"), std::string::npos);
  for (const char* field : {"origin", "destination", "year", "month", "age_band", "gender", "reasons",
                            "env_reason", "env_factors", "env_how"}) {
    EXPECT_NE(form.body.find("name=\"" + std::string(field) + "\""), std::string::npos) << field;
  }
  for (const char* never : {"name=\"name\"", "name=\"email\"", "name=\"phone\"", "birth", "<textarea"}) {
    EXPECT_EQ(form.body.find(never), std::string::npos) << never;
  }
  HttpResponse sent = phone.Submit(link, {{"consent", "yes"},
                                          {"lang", "es"},
                                          {"origin", "HND"},
                                          {"destination", "MEX"},
                                          {"year", "2019"},
                                          {"month", "7"},
                                          {"age_band", "18-29"},
                                          {"reasons", "work"},
                                          {"reasons", "environment"},
                                          {"env_reason", "one_of"},
                                          {"env_factors", "storms"},
                                          {"env_factors", "crops"},
                                          {"env_how", "sudden"}});
  ASSERT_EQ(sent.status, 303) << sent.Describe();
  HttpResponse done = phone.Follow(sent.Header("location"));
  ASSERT_EQ(done.status, 200) << done.Describe();
  EXPECT_NE(done.body.find("Gracias. Sus respuestas se guardaron."), std::string::npos);
  EXPECT_EQ(AnswersInDb(m.org), 1);
  EXPECT_EQ(
      d().db().QueryValue("SELECT lang || ' ' || interview_country || ' ' || reasons || ' ' || env_factors "
                          "FROM survey_answers a JOIN organisations o ON o.id = a.org_id WHERE o.slug = '" +
                          m.org + "'"),
      "es NER environment,work crops,storms");
}

TEST_P(SurveyTest, WithoutConsentNothingIsKept) {
  Member m = NewMember();
  json batch = OpenBatch(m);
  std::string link = "/survey/b/" + batch["token"].get<std::string>();
  Browser phone(client());
  ASSERT_EQ(phone.Get(link).status, 200);
  HttpResponse r = phone.Submit(link, {{"origin", "NER"}, {"destination", "LBY"}, {"year", "2020"}});
  EXPECT_EQ(r.status, 422) << r.Describe();
  EXPECT_NE(r.body.find("Consent"), std::string::npos);
  json no = Answer();
  no.erase("consent");
  HttpResponse api = PostAnswer(batch, no);
  ASSERT_EQ(api.status, 422) << api.Describe();
  EXPECT_TRUE(api.Json()["error"]["fields"].contains("consent"));
  EXPECT_EQ(AnswersInDb(m.org), 0);
  HttpResponse declined = phone.Get(link + "/done?declined=1");
  EXPECT_EQ(declined.status, 200);
  EXPECT_NE(declined.body.find("Nothing was kept"), std::string::npos);
}

TEST_P(SurveyTest, BadFieldsGet422NamingEachFieldAndKeepWhatWasTyped) {
  Member m = NewMember();
  json batch = OpenBatch(m);
  std::string link = "/survey/b/" + batch["token"].get<std::string>();
  Browser phone(client());
  ASSERT_EQ(phone.Get(link + "?consent=yes").status, 200);
  HttpResponse r = phone.Submit(link, {{"consent", "yes"},
                                       {"origin", "XXX"},
                                       {"destination", "LBY"},
                                       {"year", "3000"},
                                       {"age_band", "30-44"},
                                       {"reasons", "work"},
                                       {"env_reason", "no"},
                                       {"env_factors", "floods"}});
  ASSERT_EQ(r.status, 422) << r.Describe();
  EXPECT_NE(r.body.find("href=\"#q-origin\""), std::string::npos);
  EXPECT_NE(r.body.find("href=\"#q-year\""), std::string::npos);
  EXPECT_NE(r.body.find("href=\"#q-env_factors\""), std::string::npos);
  EXPECT_NE(r.body.find("<option value=\"LBY\" selected>"), std::string::npos) << "the destination is kept";
  EXPECT_NE(r.body.find("value=\"30-44\" checked"), std::string::npos) << "the age band is kept";
  json bad = Answer();
  bad["age_band"] = "25";
  bad["reasons"] = "work";  // not an array
  HttpResponse api = PostAnswer(batch, bad);
  ASSERT_EQ(api.status, 422) << api.Describe();
  EXPECT_TRUE(api.Json()["error"]["fields"].contains("reasons")) << api.body;
  bad["reasons"] = {"work"};
  bad["month"] = "13";
  api = PostAnswer(batch, bad);
  ASSERT_EQ(api.status, 422) << api.Describe();
  EXPECT_TRUE(api.Json()["error"]["fields"].contains("age_band")) << api.body;
  EXPECT_TRUE(api.Json()["error"]["fields"].contains("month")) << api.body;
  HttpResponse batch_bad =
      client().SendJson("POST", "/api/v1/survey/batches",
                        {{"organisation", m.org}, {"label", ""}, {"country", "XX"}}, Bearer(m.token));
  ASSERT_EQ(batch_bad.status, 422) << batch_bad.Describe();
  EXPECT_TRUE(batch_bad.Json()["error"]["fields"].contains("label"));
  EXPECT_TRUE(batch_bad.Json()["error"]["fields"].contains("country"));
  EXPECT_EQ(AnswersInDb(m.org), 0);
}

TEST_P(SurveyTest, ResultsAreAggregatesSuppressedAtTheConfiguredMinimum) {
  Member m = NewMember();
  json batch = OpenBatch(m);
  std::string q = "organisation=" + m.org;
  ASSERT_EQ(PostAnswer(batch, Answer("NER")).status, 201);
  ASSERT_EQ(PostAnswer(batch, Answer("NER")).status, 201);
  json few = Results(q);
  EXPECT_EQ(few["min_cell"], kMinCell);
  EXPECT_TRUE(few["total_suppressed"].get<bool>());
  EXPECT_TRUE(few["total"].is_null());
  EXPECT_TRUE(few["tables"].empty());
  ASSERT_EQ(PostAnswer(batch, Answer("NER")).status, 201);
  json three = Results(q);
  EXPECT_EQ(three["total"], 3);
  EXPECT_EQ(Cell(three, "origin", "NER")["count"], 3);
  EXPECT_EQ(Cell(three, "env_reason", "main")["count"], 3);
  // One answer from Mali: fewer than 3, and not derivable from the total
  // (its complement is hidden with it).
  ASSERT_EQ(PostAnswer(batch, Answer("MLI")).status, 201);
  json four = Results(q);
  EXPECT_EQ(four["total"], 4);
  EXPECT_TRUE(Cell(four, "origin", "MLI")["suppressed"].get<bool>());
  EXPECT_TRUE(Cell(four, "origin", "MLI")["count"].is_null());
  EXPECT_TRUE(Cell(four, "origin", "NER")["suppressed"].get<bool>());
  // Nothing individual anywhere: no answer ids, tokens or addresses.
  HttpResponse raw = client().Get("/api/v1/survey/results?" + q);
  EXPECT_EQ(raw.body.find(batch["token"].get<std::string>()), std::string::npos);
  EXPECT_EQ(raw.body.find("\"id\""), std::string::npos);
  EXPECT_EQ(raw.body.find("submitted_from"), std::string::npos);
  HttpResponse csv = client().Get("/api/v1/survey/results.csv?" + q);
  ASSERT_EQ(csv.status, 200) << csv.Describe();
  EXPECT_NE(csv.body.find("total,,,4,"), std::string::npos) << csv.body.substr(0, 300);
  EXPECT_NE(csv.body.find("origin,MLI,Mali,,fewer than 3"), std::string::npos) << csv.body;
  HttpResponse page = client().Get("/survey/results?" + q);
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_NE(page.body.find("<svg"), std::string::npos);
  EXPECT_NE(page.body.find("fewer than 3"), std::string::npos);
  EXPECT_EQ(page.body.find("<script"), std::string::npos);
  HttpResponse bad = client().Get("/api/v1/survey/results?origin=XYZ");
  ASSERT_EQ(bad.status, 422) << bad.Describe();
  EXPECT_TRUE(bad.Json()["error"]["fields"].contains("origin"));
  EXPECT_EQ(client().Get("/survey/results?year=abc").status, 422);
}

TEST_P(SurveyTest, WithdrawingABatchMakesTheAggregatesFollowAndOnlyItsOrganisationMay) {
  Member m = NewMember();
  Member other = NewMember();
  json keep = OpenBatch(m, "kept");
  json drop = OpenBatch(m, "dropped");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(PostAnswer(keep, Answer()).status, 201);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(PostAnswer(drop, Answer()).status, 201);
  std::string q = "organisation=" + m.org;
  EXPECT_EQ(Results(q)["total"], 7);
  std::string drop_url = "/api/v1/survey/batches/" + std::to_string(drop["id"].get<long long>());
  HttpResponse denied =
      client().SendJson("POST", drop_url + "/withdraw", {{"reason", "not ours"}}, Bearer(other.token));
  EXPECT_EQ(denied.status, 403) << denied.Describe();
  EXPECT_EQ(client().Get(drop_url, Bearer(other.token)).status, 403);
  HttpResponse no_reason = client().SendJson("POST", drop_url + "/withdraw", json::object(), Bearer(m.token));
  ASSERT_EQ(no_reason.status, 422) << no_reason.Describe();
  EXPECT_TRUE(no_reason.Json()["error"]["fields"].contains("reason"));
  EXPECT_EQ(Results(q)["total"], 7);

  // Through the page, as a signed-in member would.
  Browser b(client());
  SignIn(b, m.person.email, m.person.password);
  std::string page = "/survey/batches/" + std::to_string(drop["id"].get<long long>());
  HttpResponse shown = b.Get(page);
  ASSERT_EQ(shown.status, 200) << shown.Describe();
  EXPECT_NE(shown.body.find(drop["token"].get<std::string>()), std::string::npos);
  HttpResponse w = b.Submit(page + "/withdraw", {{"reason", "Entered twice during training"}});
  ASSERT_EQ(w.status, 303) << w.Describe();
  EXPECT_EQ(Results(q)["total"], 3);
  EXPECT_EQ(AnswersInDb(m.org), 3);
  HttpResponse after = client().Get(drop_url, Bearer(m.token));
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.Json()["state"], "withdrawn");
  EXPECT_EQ(after.Json()["withdrawn_answers"], 4);
  EXPECT_EQ(PostAnswer(drop, Answer()).status, 404) << "a withdrawn batch's link is gone";
  EXPECT_EQ(d().db().QueryValue("SELECT count(*) FROM audit_log WHERE action = 'survey_batch.withdraw' AND "
                                "entity_id = '" +
                                std::to_string(drop["id"].get<long long>()) + "'"),
            "1");
  // Closing stops the link from taking answers.
  std::string keep_url = "/api/v1/survey/batches/" + std::to_string(keep["id"].get<long long>());
  ASSERT_EQ(client().Request("POST", keep_url + "/close", Bearer(m.token)).status, 200);
  EXPECT_EQ(PostAnswer(keep, Answer()).status, 409);
  EXPECT_EQ(Results(q)["total"], 3);
}

TEST_P(SurveyTest, BatchesAreForMembersAndTheApiIsDescribed) {
  Member m = NewMember();
  json batch = OpenBatch(m, "Dakar youth centre");
  EXPECT_EQ(batch["token"].get<std::string>().size(), 48u);
  Browser b(client());
  SignIn(b, m.person.email, m.person.password);
  HttpResponse list = b.Get("/survey/batches");
  ASSERT_EQ(list.status, 200) << list.Describe();
  EXPECT_NE(list.body.find("Dakar youth centre"), std::string::npos);
  HttpResponse made =
      b.Submit("/survey/batches", {{"organisation", m.org}, {"label", ""}, {"country", "SEN"}});
  EXPECT_EQ(made.status, 422) << made.Describe();
  made = b.Submit("/survey/batches",
                  {{"organisation", m.org}, {"label", "Thiès"}, {"country", "SEN"}, {"lang", "fr"}});
  ASSERT_EQ(made.status, 303) << made.Describe();
  EXPECT_EQ(client().Get("/survey/batches").status / 100, 3) << "signed-in only";
  HttpResponse listed = client().Get("/api/v1/survey/batches", Bearer(m.token));
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.Json()["items"].size(), 2u);
  json spec = client().Get("/api/v1/openapi.json").Json();
  for (const char* path : {"/api/v1/survey/results", "/api/v1/survey/results.csv", "/api/v1/survey/batches",
                           "/api/v1/survey/batches/{id}/withdraw", "/api/v1/survey/b/{token}/answers"}) {
    EXPECT_TRUE(spec["paths"].contains(path)) << path;
  }
}

WM_INSTANTIATE_BACKENDS(SurveyTest);

}  // namespace
}  // namespace waymark::it
