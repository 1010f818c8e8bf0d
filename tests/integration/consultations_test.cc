// The consultations module over HTTP, on both backends: organisers build a
// consultation and its agenda through the API (overlaps and bad fields are
// 422 naming the field), the agenda as iCalendar parsed by a real parser
// (Debian's python3-icalendar), registration without JavaScript with its
// waiting list, cancellation, e-mails (a real SMTP server on loopback) and
// the organisers' CSV, and the action points: owners' editors post progress
// and moderators change status through the forms, the public tracker's
// filters, summary, overdue flag, CSV, JSON and Atom feed, carry-over only
// forward. Each test works with consultations and organisations of its own,
// since the deployment is shared.
#include <cstdio>
#include <fstream>
#include <regex>

#include "fixture.h"
#include "pdf/pdf_writer.h"
#include "support/smtp_sink.h"

namespace waymark::it {
namespace {

using nlohmann::json;

SmtpSink& Sink() {
  static SmtpSink sink;  // one per test process, stopped at exit
  return sink;
}

// Runs `script` with the system's Python (where python3-icalendar lives) on
// `file`; its standard output, or "exit N" on failure.
std::string RunPython(const std::string& script, const std::string& file) {
  std::string py = file + ".py";
  std::ofstream(py) << script;
  std::string out;
  FILE* p = ::popen(("/usr/bin/python3 " + py + " " + file + " 2>&1").c_str(), "r");
  if (!p) return "popen failed";
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = ::pclose(p);
  if (rc != 0) out += "\nexit " + std::to_string(rc);
  return out;
}

class ConsultationsTest : public ServerTest {
 protected:
  DeploymentOptions Options() const override {
    DeploymentOptions o;
    o.config = {{"smtp_host", "127.0.0.1"},
                {"smtp_port", Sink().port()},
                {"smtp_starttls", "none"},
                {"smtp_from", "Waymark <noreply@waymark.test>"},
                {"base_url", "https://waymark.test"},
                // Small, so that an oversize document is quick to send.
                {"media_max_bytes", 200000}};
    return o;
  }

  HeaderList Admin() { return Bearer(d().AdminToken()); }

  // A consultation of its own (slug unique in the deployment).
  json NewConsultation(const std::string& status = "held", int capacity = 0, const std::string& year = "2015",
                       const std::string& day = "09-18") {
    std::string slug = d().Unique("cn");
    HttpResponse r = client().SendJson("POST", "/api/v1/consultations",
                                       {{"slug", slug},
                                        {"title", "Consultation " + slug},
                                        {"year", year},
                                        {"starts_on", year + "-" + day},
                                        {"time_zone", "Europe/Zurich"},
                                        {"venue", "Geneva"},
                                        {"online_url", "https://meet.example.org/" + slug},
                                        {"organisers", {"IOM"}},
                                        {"participants", {"Org A", "Org B"}},
                                        {"status", status},
                                        {"capacity", std::to_string(capacity)}},
                                       Admin());
    EXPECT_EQ(r.status, 201) << r.Describe();
    return r.status == 201 ? r.Json() : json::object();
  }
  HttpResponse AddSession(const json& c, const std::string& from, const std::string& to,
                          const std::string& type = "plenary", const std::string& title = "Opening") {
    std::string day = c["starts_on"].get<std::string>();
    return client().SendJson(
        "POST", "/api/v1/consultations/" + c["slug"].get<std::string>() + "/sessions",
        {{"starts", day + "T" + from},
         {"ends", day + "T" + to},
         {"type", type},
         {"title", {{"en", title}, {"fr", title + " (fr)"}}},
         {"description", {{"en", "About " + title + ", with commas; and semicolons"}}},
         {"moderator", {{"name", "Ana Moderator"}, {"role", "Chair"}, {"organisation", "IOM"}}},
         {"speakers", {{{"name", "Bo Speaker"}, {"organisation", "Org A"}}}},
         {"conclusions", "We **agreed**."}},
        Admin());
  }
  json AddPoint(const json& c, const std::string& number, const json& owners,
                const json& extra = json::object()) {
    json body = {{"number", number},
                 {"text", {{"en", "Point " + number}, {"fr", "Point " + number + " (fr)"}}},
                 {"owners", owners},
                 {"target_date", "2016-09-30"}};
    body.update(extra);
    HttpResponse r = client().SendJson(
        "POST", "/api/v1/consultations/" + c["slug"].get<std::string>() + "/action-points", body, Admin());
    EXPECT_EQ(r.status, 201) << r.Describe();
    return r.status == 201 ? r.Json() : json::object();
  }
};

TEST_P(ConsultationsTest, OrganisersBuildTheAgendaAndBadSessionsNameTheField) {
  json c = NewConsultation();
  std::string slug = c["slug"];
  ASSERT_EQ(AddSession(c, "09:15", "10:45").status, 201);
  HttpResponse overlap = AddSession(c, "10:30", "11:00");
  ASSERT_EQ(overlap.status, 422) << overlap.Describe();
  EXPECT_TRUE(overlap.Json()["error"]["fields"].contains("starts")) << overlap.body;
  HttpResponse backwards = AddSession(c, "12:00", "11:00");
  ASSERT_EQ(backwards.status, 422);
  EXPECT_TRUE(backwards.Json()["error"]["fields"].contains("ends")) << backwards.body;
  HttpResponse type = AddSession(c, "12:00", "13:00", "keynote");
  ASSERT_EQ(type.status, 422);
  EXPECT_TRUE(type.Json()["error"]["fields"].contains("type"));
  ASSERT_EQ(AddSession(c, "11:00", "12:30", "breakout", "Group A").status, 201);
  ASSERT_EQ(AddSession(c, "11:00", "12:30", "breakout", "Group B").status, 201);
  HttpResponse wrong_type = client().SendJson("POST", "/api/v1/consultations/" + slug + "/sessions",
                                              {{"starts", 5}, {"title", json::array()}}, Admin());
  EXPECT_EQ(wrong_type.status, 422) << wrong_type.Describe();

  Person outsider = d().AddPerson({.label = "outsider"});
  HttpResponse refused = client().SendJson("POST", "/api/v1/consultations", {{"title", "x"}},
                                           Bearer(d().CreateToken(outsider.email)));
  EXPECT_EQ(refused.status, 403) << refused.Describe();
  EXPECT_EQ(client().SendJson("POST", "/api/v1/consultations", {{"title", "x"}}).status, 401);

  HttpResponse got = client().Get("/api/v1/consultations/" + slug + "?lang=fr");
  ASSERT_EQ(got.status, 200) << got.Describe();
  json j = got.Json();
  ASSERT_EQ(j["sessions"].size(), 3u);
  EXPECT_EQ(j["sessions"][0]["title"], "Opening (fr)");
  EXPECT_EQ(j["sessions"][0]["moderator"]["name"], "Ana Moderator");
  EXPECT_EQ(client().Get("/api/v1/consultations/no-such-one").status, 404);

  HttpResponse page = client().Get("/consultations/" + slug);
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_NE(page.body.find("<strong>agreed</strong>"), std::string::npos) << "conclusions as Markdown";
  EXPECT_NE(page.body.find("Bo Speaker"), std::string::npos);
  EXPECT_EQ(page.body.find("<script"), std::string::npos);
  HttpResponse list = client().Get("/consultations");
  EXPECT_NE(list.body.find("/consultations/" + slug), std::string::npos);

  json doc = client().Get("/api/v1/openapi.json").Json();
  for (const char* p :
       {"/api/v1/consultations", "/api/v1/consultations/{key}", "/api/v1/consultations/{key}/sessions",
        "/api/v1/consultations/{key}/action-points", "/api/v1/consultations/{key}/registrations",
        "/api/v1/action-points", "/api/v1/action-points/{id}", "/api/v1/action-points/{id}/progress",
        "/api/v1/action-points/{id}/status", "/api/v1/action-points/{id}/carry-over"}) {
    EXPECT_TRUE(doc["paths"].contains(p)) << p;
  }
  EXPECT_EQ(
      d().db().QueryValue("SELECT count(*) FROM audit_log WHERE action = 'consultation.session_add' AND "
                          "entity_id = '" +
                          std::to_string(c["id"].get<long long>()) + "'"),
      "3");
}

TEST_P(ConsultationsTest, TheCalendarFilesParseInARealParser) {
  json c = NewConsultation("planned", 0, "2026", "10-27");  // the day after the clocks go back
  std::string slug = c["slug"];
  ASSERT_EQ(
      AddSession(c, "09:15", "10:45", "plenary", std::string("Ouverture très longue ") + std::string(60, 'x'))
          .status,
      201);
  ASSERT_EQ(AddSession(c, "16:00", "17:30", "interactive", "Futures").status, 201);
  HttpResponse ics = client().Get("/consultations/" + slug + ".ics");
  ASSERT_EQ(ics.status, 200) << ics.Describe();
  EXPECT_EQ(ics.Header("content-type"), "text/calendar; charset=utf-8");
  // Every line ends with CRLF and holds at most 75 octets.
  std::size_t start = 0;
  while (start < ics.body.size()) {
    std::size_t end = ics.body.find("\r\n", start);
    ASSERT_NE(end, std::string::npos) << "a line without CRLF";
    EXPECT_LE(end - start, 75u) << ics.body.substr(start, end - start);
    ASSERT_EQ(ics.body.find('\n', start), end + 1) << "a bare LF";
    start = end + 2;
  }
  EXPECT_EQ(client().Get("/consultations/" + slug + ".ics").body, ics.body) << "stable output, stable UIDs";
  std::string file = d().dir().File(slug + ".ics");
  std::ofstream(file, std::ios::binary) << ics.body;
  std::string out = RunPython(
      "import sys, icalendar\n"
      "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n"
      "for e in cal.walk('VEVENT'):\n"
      "    print(e['UID'], e['DTSTART'].dt.isoformat(), e['DTEND'].dt.isoformat(), e.get('URL'), "
      "e.get('LOCATION'),\n"
      "          str(e['SUMMARY'])[:11], str(e['DESCRIPTION']).split(chr(10))[0])\n",
      file);
  // Geneva is on UTC+1 again on 27 October 2026.
  EXPECT_NE(out.find("2026-10-27T08:15:00+00:00 2026-10-27T09:45:00+00:00 https://meet.example.org/" + slug +
                     " Geneva Ouverture t"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("2026-10-27T15:00:00+00:00"), std::string::npos) << out;
  EXPECT_NE(out.find("About Futures, with commas; and semicolons"), std::string::npos) << out;
  std::smatch uid;
  ASSERT_TRUE(std::regex_search(out, uid, std::regex("consultation-session-[0-9]+@waymark\\.test"))) << out;

  HttpResponse all = client().Get("/consultations.ics");
  ASSERT_EQ(all.status, 200);
  std::string all_file = d().dir().File("all-" + slug + ".ics");
  std::ofstream(all_file, std::ios::binary) << all.body;
  std::string count = RunPython(
      "import sys, icalendar\n"
      "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n"
      "uids = [str(e['UID']) for e in cal.walk('VEVENT')]\n"
      "print('unique' if len(uids) == len(set(uids)) else 'duplicate', len(uids))\n",
      all_file);
  EXPECT_EQ(count.rfind("unique", 0), 0u) << count;
  EXPECT_NE(all.body.find(uid.str()), std::string::npos);
  EXPECT_EQ(client().Get("/consultations/nothing-here.ics").status, 404);
}

TEST_P(ConsultationsTest, RegistrationWithAWaitingListWorksWithoutJavaScript) {
  json c = NewConsultation("planned", 1, "2027", "06-10");
  std::string slug = c["slug"];
  std::string ann = d().Unique("ann") + "@example.org";
  std::string ben = d().Unique("ben") + "@example.org";
  Browser first = NewBrowser();
  HttpResponse page = first.Get("/consultations/" + slug);
  ASSERT_EQ(page.status, 200);
  ASSERT_NE(page.body.find("action=\"/consultations/" + slug + "/register\""), std::string::npos);
  HttpResponse bad =
      first.Submit("/consultations/" + slug + "/register", {{"name", ""}, {"email", "not-an-address"}});
  ASSERT_EQ(bad.status, 422) << bad.Describe();
  EXPECT_NE(bad.body.find("id=\"form-error\""), std::string::npos);
  EXPECT_NE(bad.body.find("not-an-address"), std::string::npos) << "the form keeps what was typed";
  HttpResponse ok = first.Submit("/consultations/" + slug + "/register",
                                 {{"name", "Ann"}, {"email", ann}, {"organisation", "Org A"}});
  ASSERT_EQ(ok.status, 303) << ok.Describe();
  std::string location = ok.Header("location");
  ASSERT_EQ(location.rfind("/registrations/", 0), 0u) << location;
  std::string mine = location.substr(0, location.find('?'));
  HttpResponse confirmed = first.Follow(location);
  EXPECT_NE(confirmed.body.find("your place is confirmed"), std::string::npos) << "the flash message";
  ASSERT_EQ(confirmed.status, 200);
  EXPECT_NE(confirmed.body.find("id=\"registration-state\">Confirmed"), std::string::npos);
  EXPECT_EQ(confirmed.Header("cache-control"), "no-store");

  Browser second = NewBrowser();
  second.Get("/consultations/" + slug);
  HttpResponse waiting =
      second.Submit("/consultations/" + slug + "/register", {{"name", "Ben"}, {"email", ben}});
  ASSERT_EQ(waiting.status, 303) << waiting.Describe();
  std::string bens = waiting.Header("location");
  EXPECT_NE(second.Follow(bens).body.find("On the waiting list"), std::string::npos);
  HttpResponse twice = client().SendJson("POST", "/api/v1/consultations/" + slug + "/registrations",
                                         {{"name", "Ann again"}, {"email", ann}});
  ASSERT_EQ(twice.status, 422) << twice.Describe();
  EXPECT_TRUE(twice.Json()["error"]["fields"].contains("email"));

  std::vector<std::string> mails = Sink().Messages(2);
  ASSERT_GE(mails.size(), 2u);
  bool ann_mail = false, ben_mail = false;
  for (const auto& m : mails) {
    if (m.find(ann) != std::string::npos && m.find("https://waymark.test" + mine) != std::string::npos)
      ann_mail = true;
    if (m.find(ben) != std::string::npos && m.find("waiting list") != std::string::npos) ben_mail = true;
  }
  EXPECT_TRUE(ann_mail && ben_mail) << mails.size() << " messages:\n" << (mails.empty() ? "" : mails[0]);

  // Ann cancels: Ben gets her place.
  HttpResponse cancel = first.Submit(mine + "/cancel", {});
  ASSERT_EQ(cancel.status, 303) << cancel.Describe();
  EXPECT_NE(second.Get(bens).body.find("id=\"registration-state\">Confirmed"), std::string::npos);
  EXPECT_EQ(client().Request("DELETE", "/api/v1" + mine).status, 409) << "already cancelled";

  HttpResponse csv = client().Get("/consultations/" + slug + "/registrations.csv", Admin());
  ASSERT_EQ(csv.status, 200) << csv.Describe();
  EXPECT_EQ(csv.body.rfind("id,name,email,organisation,state,registered_at\r\n", 0), 0u) << csv.body;
  EXPECT_NE(csv.body.find(ann + ",Org A,cancelled"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find(ben + ",,confirmed"), std::string::npos) << csv.body;
  Person outsider = d().AddPerson({.label = "csv"});
  EXPECT_EQ(
      client()
          .Get("/api/v1/consultations/" + slug + "/registrations", Bearer(d().CreateToken(outsider.email)))
          .status,
      403);
  json held = NewConsultation();
  EXPECT_EQ(
      client()
          .SendJson("POST", "/api/v1/consultations/" + held["slug"].get<std::string>() + "/registrations",
                    {{"name", "Late"}, {"email", "late@example.org"}})
          .status,
      409);
}

TEST_P(ConsultationsTest, ActionPointsAreFollowedThroughFormsTrackerAndFeeds) {
  std::string org = d().Unique("owner");
  d().EnsureOrganisation(org);
  Person editor = WithRole(org, "editor");
  Person moderator = WithRole(org, "moderator");
  Person member = WithRole(org, "member");
  json c = NewConsultation();
  std::string theme = d().Unique("theme");
  json parent = AddPoint(c, "3", {org}, {{"themes", {theme}}});
  json a = AddPoint(c, "3.1", {org}, {{"parent_id", parent["id"]}, {"weight", "3"}});
  json b = AddPoint(c, "3.2", {org, "iom"}, {{"parent_id", parent["id"]}, {"weight", "1"}});
  std::string pa = "/action-points/" + std::to_string(a["id"].get<long long>());
  std::string pb = "/action-points/" + std::to_string(b["id"].get<long long>());

  // A member sees no form and may not post; an editor posts through the form.
  Browser m = NewBrowser();
  SignedIn min = SignIn(m, member.email, member.password, pb);
  EXPECT_EQ(min.landing.body.find("action=\"" + pb + "/progress\""), std::string::npos);
  EXPECT_EQ(m.PostForm(pb + "/progress", {{"csrf", min.csrf}, {"text", "x"}}).status, 403);
  Browser e = NewBrowser();
  SignedIn ein = SignIn(e, editor.email, editor.password, pb);
  ASSERT_NE(ein.landing.body.find("action=\"" + pb + "/progress\""), std::string::npos);
  EXPECT_EQ(ein.landing.body.find("action=\"" + pb + "/status\""), std::string::npos)
      << "editors do not change status";
  HttpResponse bad = e.PostForm(pb + "/progress", {{"csrf", ein.csrf}, {"text", ""}, {"progress", "140"}});
  ASSERT_EQ(bad.status, 422) << bad.Describe();
  EXPECT_NE(bad.body.find("id=\"form-error\""), std::string::npos);
  HttpResponse posted = e.PostForm(pb + "/progress", {{"csrf", ein.csrf},
                                                      {"text", "Half of the **guidance** is drafted."},
                                                      {"links", "https://example.org/draft"},
                                                      {"progress", "40"}});
  ASSERT_EQ(posted.status, 303) << posted.Describe();
  HttpResponse shown = e.Follow(posted.Header("location"));
  EXPECT_NE(shown.body.find("<strong>guidance</strong>"), std::string::npos);
  EXPECT_NE(shown.body.find("Progress posted."), std::string::npos);

  // The moderator moves 3.1 to done through the form; a move that does not fit is 422 naming status.
  Browser mo = NewBrowser();
  SignedIn moin = SignIn(mo, moderator.email, moderator.password, pa);
  ASSERT_NE(moin.landing.body.find("action=\"" + pa + "/status\""), std::string::npos);
  HttpResponse done =
      mo.PostForm(pa + "/status", {{"csrf", moin.csrf}, {"status", "done"}, {"note", "finished"}});
  ASSERT_EQ(done.status, 303) << done.Describe();
  HttpResponse again = mo.PostForm(pa + "/status", {{"csrf", moin.csrf}, {"status", "dropped"}});
  ASSERT_EQ(again.status, 422) << again.Describe();
  EXPECT_NE(again.body.find("cannot go from done to dropped"), std::string::npos);
  HttpResponse api_bad = client().SendJson("POST", "/api/v1" + pa + "/status", {{"status", "carried_over"}},
                                           Bearer(d().CreateToken(moderator.email)));
  ASSERT_EQ(api_bad.status, 422);
  EXPECT_TRUE(api_bad.Json()["error"]["fields"].contains("status"));
  EXPECT_EQ(client()
                .SendJson("POST", "/api/v1" + pa + "/status", {{"status", "in_progress"}},
                          Bearer(d().CreateToken(editor.email)))
                .status,
            403);

  // The tracker: the owner's filter, the weighted progress, the overdue flag.
  HttpResponse tracker = client().Get("/api/v1/action-points?owner=" + org);
  ASSERT_EQ(tracker.status, 200) << tracker.Describe();
  json t = tracker.Json();
  ASSERT_EQ(t["items"].size(), 3u) << t.dump();
  EXPECT_EQ(t["items"][0]["number"], "3");
  EXPECT_EQ(t["items"][0]["progress"], 85);  // (3*100 + 1*40) / 4
  EXPECT_EQ(t["items"][0]["overdue"], true);
  EXPECT_EQ(t["items"][1]["overdue"], false) << "done";
  EXPECT_EQ(t["summary"]["total"], 1);
  EXPECT_EQ(t["items"][2]["latest"]["text"], "Half of the **guidance** is drafted.");
  EXPECT_EQ(client().Get("/api/v1/action-points?theme=" + theme).Json()["items"].size(), 1u);
  HttpResponse bad_filter = client().Get("/api/v1/action-points?year=abc&status=finished");
  ASSERT_EQ(bad_filter.status, 422);
  EXPECT_TRUE(bad_filter.Json()["error"]["fields"].contains("year"));
  EXPECT_TRUE(bad_filter.Json()["error"]["fields"].contains("status"));
  EXPECT_EQ(client().Get("/action-points?owner=nobody-at-all").status, 422);
  HttpResponse html = client().Get("/action-points?owner=" + org + "&lang=es");
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.body.find("Desde 2015:"), std::string::npos);
  EXPECT_NE(html.body.find("atrasado"), std::string::npos);
  EXPECT_EQ(html.body.find("<script"), std::string::npos);
  HttpResponse csv = client().Get("/action-points.csv?owner=" + org);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.rfind("year,number,text,owners,status,progress,target_date,overdue,", 0), 0u);
  EXPECT_NE(csv.body.find("2015,3,Point 3,"), std::string::npos) << csv.body;
  HttpResponse atom = client().Get("/action-points.atom");
  ASSERT_EQ(atom.status, 200);
  EXPECT_EQ(atom.Header("content-type"), "application/atom+xml; charset=utf-8");
  EXPECT_NE(atom.body.find("Half of the **guidance** is drafted."), std::string::npos);
  HttpResponse point = client().Get("/api/v1" + pb);
  ASSERT_EQ(point.status, 200);
  EXPECT_EQ(point.Json()["updates"].size(), 1u);
  EXPECT_EQ(point.Json()["history"][0]["action"], "progress");
  EXPECT_EQ(d().db().QueryValue(
                "SELECT count(*) FROM audit_log WHERE action = 'action_point.status' AND entity_id = '" +
                std::to_string(a["id"].get<long long>()) + "'"),
            "1");
}

TEST_P(ConsultationsTest, PointsAreCarriedOverOnlyToALaterConsultation) {
  json older = NewConsultation("held", 0, "2015");
  json later = NewConsultation("planned", 0, "2016", "06-14");
  json p = AddPoint(later, "1", {"iom"});
  std::string carry = "/api/v1/action-points/" + std::to_string(p["id"].get<long long>()) + "/carry-over";
  HttpResponse back = client().SendJson("POST", carry, {{"consultation", older["slug"]}}, Admin());
  ASSERT_EQ(back.status, 422) << back.Describe();
  EXPECT_TRUE(back.Json()["error"]["fields"].contains("consultation"));
  json q = AddPoint(older, "7", {"all_csos"});
  std::string carry_q = "/api/v1/action-points/" + std::to_string(q["id"].get<long long>()) + "/carry-over";
  HttpResponse fwd =
      client().SendJson("POST", carry_q, {{"consultation", later["slug"]}, {"number", "2"}}, Admin());
  ASSERT_EQ(fwd.status, 201) << fwd.Describe();
  EXPECT_EQ(fwd.Json()["carried_from"], q["id"]);
  json was = client().Get("/api/v1/action-points/" + std::to_string(q["id"].get<long long>())).Json();
  EXPECT_EQ(was["status"], "carried_over");
  EXPECT_EQ(was["carried_to"], fwd.Json()["id"]);
  EXPECT_EQ(client().SendJson("POST", carry_q, {{"consultation", "no-such"}}, Admin()).status, 422);
}

TEST_P(ConsultationsTest, OrganisersUseFormsWithoutJavaScript) {
  Browser b = NewBrowser();
  SignedIn in = SignIn(b, d().Admin().email, d().Admin().password, "/consultations");
  ASSERT_NE(in.landing.body.find("action=\"/consultations\""), std::string::npos)
      << "the new-consultation form";
  EXPECT_EQ(in.landing.body.find("<script"), std::string::npos);
  HttpResponse bad = b.PostForm("/consultations", {{"csrf", in.csrf}, {"title", "Forms"}, {"year", "1900"}});
  ASSERT_EQ(bad.status, 422) << bad.Describe();
  EXPECT_NE(bad.body.find("id=\"n-year\""), std::string::npos);
  EXPECT_NE(bad.body.find("value=\"Forms\""), std::string::npos) << "what was typed is kept";
  HttpResponse made = b.PostForm("/consultations", {{"csrf", in.csrf},
                                                    {"title", "Forms consultation"},
                                                    {"year", "2028"},
                                                    {"starts_on", "2028-05-02"},
                                                    {"ends_on", "2028-05-03"},
                                                    {"venue", "Dakar"},
                                                    {"time_zone", "Africa/Dakar"},
                                                    {"status", "planned"},
                                                    {"capacity", "30"}});
  ASSERT_EQ(made.status, 303) << made.Describe();
  std::string page = made.Header("location");
  page = page.substr(0, page.find('?'));
  HttpResponse shown = b.Get(page);
  ASSERT_NE(shown.body.find("action=\"" + page + "/sessions\""), std::string::npos);
  HttpResponse session = b.PostForm(page + "/sessions", {{"csrf", in.csrf},
                                                         {"date", "2028-05-02"},
                                                         {"from", "09:00"},
                                                         {"to", "10:30"},
                                                         {"type", "plenary"},
                                                         {"title_en", "Opening"},
                                                         {"speakers", "Awa Diop; Director; Org A\nBo Li"}});
  ASSERT_EQ(session.status, 303) << session.Describe();
  HttpResponse overlap = b.PostForm(page + "/sessions", {{"csrf", in.csrf},
                                                         {"date", "2028-05-02"},
                                                         {"from", "10:00"},
                                                         {"to", "11:00"},
                                                         {"type", "panel"},
                                                         {"title_en", "Too early"}});
  ASSERT_EQ(overlap.status, 422) << overlap.Describe();
  EXPECT_NE(overlap.body.find("overlaps the session"), std::string::npos);
  EXPECT_NE(overlap.body.find("value=\"Too early\""), std::string::npos);
  HttpResponse point = b.PostForm(page + "/action-points", {{"csrf", in.csrf},
                                                            {"number", "1"},
                                                            {"text_en", "Meet again"},
                                                            {"owners", "iom, all_csos"},
                                                            {"target_date", "2029-01-31"}});
  ASSERT_EQ(point.status, 303) << point.Describe();
  EXPECT_EQ(point.Header("location").rfind("/action-points/", 0), 0u);
  json got = client().Get("/api/v1" + page).Json();
  ASSERT_EQ(got["sessions"].size(), 1u);
  EXPECT_EQ(got["sessions"][0]["speakers"][0]["role"], "Director");
  EXPECT_EQ(got["time_zone"], "Africa/Dakar");
  ASSERT_EQ(got["action_points"].size(), 1u);
  EXPECT_EQ(got["action_points"][0]["owners"].size(), 2u);
  // Others see no organisers' forms and may not post them.
  Person outsider = d().AddPerson({.label = "notorganiser"});
  Browser o = NewBrowser();
  SignedIn oin = SignIn(o, outsider.email, outsider.password, page);
  EXPECT_EQ(oin.landing.body.find("/sessions\""), std::string::npos);
  EXPECT_EQ(o.PostForm(page + "/action-points", {{"csrf", oin.csrf}, {"number", "2"}}).status, 403);
}

TEST_P(ConsultationsTest, OrganisersEditAndCarryOverWithForms) {
  json c = NewConsultation("held", 0, "2015");
  json later = NewConsultation("planned", 0, "2016", "10-20");
  json older = NewConsultation("held", 0, "2014");
  std::string slug = c["slug"];
  std::string page = "/consultations/" + slug;
  ASSERT_EQ(AddSession(c, "09:15", "10:45").status, 201);
  ASSERT_EQ(AddSession(c, "11:00", "12:00", "panel", "Second").status, 201);
  json p = AddPoint(c, "1", {"iom"});
  std::string pb = "/action-points/" + std::to_string(p["id"].get<long long>());

  Browser b = NewBrowser();
  SignedIn in = SignIn(b, d().Admin().email, d().Admin().password, page);
  ASSERT_NE(in.landing.body.find("href=\"" + page + "/edit\""), std::string::npos);

  // The consultation: filled in from the record; a bad field comes back named, with what was typed.
  HttpResponse edit = b.Get(page + "/edit");
  ASSERT_EQ(edit.status, 200) << edit.Describe();
  EXPECT_EQ(edit.body.find("<script"), std::string::npos);
  EXPECT_NE(edit.body.find("value=\"Geneva\""), std::string::npos);
  EXPECT_NE(edit.body.find("<option value=\"held\" selected>"), std::string::npos);
  // The version the page was drawn from (adding sessions bumped it).
  std::string version = std::to_string(client().Get("/api/v1" + page).Json()["version"].get<long long>());
  EXPECT_NE(edit.body.find("name=\"version\" value=\"" + version + "\""), std::string::npos);
  std::map<std::string, std::string> form = {{"csrf", in.csrf},
                                             {"version", version},
                                             {"title", "Renamed"},
                                             {"year", "2015"},
                                             {"starts_on", "2015-09-18"},
                                             {"ends_on", "2015-09-17"},
                                             {"time_zone", "Europe/Zurich"},
                                             {"venue", "Palais"},
                                             {"status", "report_published"},
                                             {"capacity", "0"}};
  HttpResponse bad = b.PostForm(page + "/edit", FormFields(form.begin(), form.end()));
  ASSERT_EQ(bad.status, 422) << bad.Describe();
  EXPECT_NE(bad.body.find("href=\"#e-ends_on\""), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("value=\"Palais\""), std::string::npos) << "what was typed is kept";
  form["ends_on"] = "2015-09-18";
  HttpResponse saved = b.PostForm(page + "/edit", FormFields(form.begin(), form.end()));
  ASSERT_EQ(saved.status, 303) << saved.Describe();
  json got = client().Get("/api/v1" + page).Json();
  EXPECT_EQ(got["title"], "Renamed");
  EXPECT_EQ(got["venue"], "Palais");
  EXPECT_EQ(got["status"], "report_published");
  EXPECT_EQ(b.PostForm(page + "/edit", FormFields(form.begin(), form.end())).status, 409)
      << "the version the form was based on is stale";

  // A session: the overlap is refused on the form.
  std::string second = std::to_string(got["sessions"][1]["id"].get<long long>());
  std::string sedit = page + "/sessions/" + second + "/edit";
  HttpResponse sform = b.Get(sedit);
  ASSERT_EQ(sform.status, 200) << sform.Describe();
  EXPECT_NE(sform.body.find("value=\"Second\""), std::string::npos);
  EXPECT_NE(sform.body.find("<option value=\"panel\" selected>"), std::string::npos);
  std::map<std::string, std::string> sfields = {
      {"csrf", in.csrf}, {"date", "2015-09-18"}, {"from", "10:00"},           {"to", "11:30"},
      {"type", "panel"}, {"title_en", "Moved"},  {"conclusions", "We *met*."}};
  HttpResponse overlap = b.PostForm(sedit, FormFields(sfields.begin(), sfields.end()));
  ASSERT_EQ(overlap.status, 422) << overlap.Describe();
  EXPECT_NE(overlap.body.find("href=\"#s-starts\""), std::string::npos);
  EXPECT_NE(overlap.body.find("value=\"Moved\""), std::string::npos);
  sfields["from"] = "13:00";
  sfields["to"] = "14:00";
  ASSERT_EQ(b.PostForm(sedit, FormFields(sfields.begin(), sfields.end())).status, 303);
  got = client().Get("/api/v1" + page).Json();
  EXPECT_EQ(got["sessions"][1]["title"], "Moved");
  EXPECT_EQ(got["sessions"][1]["from"], "13:00");
  EXPECT_EQ(b.Get(page + "/sessions/999999999/edit").status, 404);

  // The point: edited, a milestone added, carried over.
  HttpResponse pform = b.Get(pb + "/edit");
  ASSERT_EQ(pform.status, 200) << pform.Describe();
  EXPECT_NE(pform.body.find("value=\"iom\""), std::string::npos);
  json pj = client().Get("/api/v1" + pb).Json();
  HttpResponse pbad = b.PostForm(pb + "/edit", {{"csrf", in.csrf},
                                                {"version", std::to_string(pj["version"].get<long long>())},
                                                {"number", "1"},
                                                {"text_en", "Kept text"},
                                                {"owners", "nobody-such-org"}});
  ASSERT_EQ(pbad.status, 422) << pbad.Describe();
  EXPECT_NE(pbad.body.find("href=\"#p-owners\""), std::string::npos);
  EXPECT_NE(pbad.body.find("Kept text"), std::string::npos);
  HttpResponse pok = b.PostForm(pb + "/edit", {{"csrf", in.csrf},
                                               {"version", std::to_string(pj["version"].get<long long>())},
                                               {"number", "1"},
                                               {"text_en", "Edited text"},
                                               {"owners", "iom, all_csos"},
                                               {"target_date", "2017-01-31"},
                                               {"themes", "inclusion"}});
  ASSERT_EQ(pok.status, 303) << pok.Describe();
  pj = client().Get("/api/v1" + pb).Json();
  EXPECT_EQ(pj["text"], "Edited text");
  EXPECT_EQ(pj["owners"].size(), 2u);
  EXPECT_EQ(pj["target_date"], "2017-01-31");

  std::string pv = std::to_string(pj["version"].get<long long>());
  HttpResponse mbad =
      b.PostForm(pb + "/milestones", {{"csrf", in.csrf}, {"version", pv}, {"milestone_text", "Draft ready"}});
  ASSERT_EQ(mbad.status, 422) << mbad.Describe();
  EXPECT_NE(mbad.body.find("id=\"m-date\""), std::string::npos);
  EXPECT_NE(mbad.body.find("value=\"Draft ready\""), std::string::npos);
  HttpResponse mok = b.PostForm(pb + "/milestones", {{"csrf", in.csrf},
                                                     {"version", pv},
                                                     {"milestone_date", "2016-03-01"},
                                                     {"milestone_text", "Draft ready"}});
  ASSERT_EQ(mok.status, 303) << mok.Describe();
  pj = client().Get("/api/v1" + pb).Json();
  ASSERT_EQ(pj["milestones"].size(), 1u);
  EXPECT_EQ(pj["milestones"][0]["date"], "2016-03-01");
  EXPECT_EQ(pj["text"], "Edited text") << "a milestone leaves the rest as it was";

  HttpResponse shown = b.Get(pb);
  EXPECT_NE(shown.body.find("action=\"" + pb + "/carry-over\""), std::string::npos);
  HttpResponse backwards =
      b.PostForm(pb + "/carry-over", {{"csrf", in.csrf}, {"carry_to", older["slug"].get<std::string>()}});
  ASSERT_EQ(backwards.status, 422) << backwards.Describe();
  EXPECT_NE(backwards.body.find("id=\"c-to\""), std::string::npos);
  EXPECT_NE(backwards.body.find("must be a later consultation"), std::string::npos) << backwards.body;
  HttpResponse unknown = b.PostForm(pb + "/carry-over", {{"csrf", in.csrf}, {"carry_to", "no-such-one"}});
  EXPECT_EQ(unknown.status, 422) << unknown.Describe();
  HttpResponse carried =
      b.PostForm(pb + "/carry-over",
                 {{"csrf", in.csrf}, {"carry_to", later["slug"].get<std::string>()}, {"carry_number", "4"}});
  ASSERT_EQ(carried.status, 303) << carried.Describe();
  std::string next = carried.Header("location");
  next = next.substr(0, next.find('?'));
  json nj = client().Get("/api/v1" + next).Json();
  EXPECT_EQ(nj["number"], "4");
  EXPECT_EQ(nj["carried_from"], p["id"]);
  EXPECT_EQ(client().Get("/api/v1" + pb).Json()["status"], "carried_over");
  EXPECT_EQ(b.Get(pb).body.find("/carry-over\""), std::string::npos) << "nothing leaves carried_over";

  // Others get no edit pages and may not post the forms.
  Person outsider = d().AddPerson({.label = "noteditor"});
  Browser o = NewBrowser();
  SignedIn oin = SignIn(o, outsider.email, outsider.password, next);
  EXPECT_EQ(oin.landing.body.find("/edit\""), std::string::npos);
  EXPECT_EQ(o.Get(page + "/edit").status, 403);
  EXPECT_EQ(o.Get(next + "/edit").status, 403);
  EXPECT_EQ(o.PostForm(next + "/edit", {{"csrf", oin.csrf}, {"number", "9"}}).status, 403);
  EXPECT_EQ(o.PostForm(next + "/milestones",
                       {{"csrf", oin.csrf}, {"milestone_date", "2017-01-01"}, {"milestone_text", "x"}})
                .status,
            403);
  EXPECT_EQ(o.PostForm(next + "/carry-over", {{"csrf", oin.csrf}, {"carry_to", slug}}).status, 403);
  EXPECT_EQ(o.PostForm(sedit, FormFields(sfields.begin(), sfields.end())).status, 403);
}

TEST_P(ConsultationsTest, FollowersOfWhatAPointLinksToHearOfItsStatus) {
  Person follower = d().AddPerson({.label = "follower"});
  std::string follower_token = d().CreateToken(follower.email);
  // Starting an idea thread follows it.
  HttpResponse thread = client().SendJson(
      "POST", "/api/v1/threads", {{"kind", "idea"}, {"title", "Rescue at sea"}, {"body", "Who works on it?"}},
      Bearer(follower_token));
  ASSERT_EQ(thread.status, 201) << thread.Describe();
  long long thread_id = thread.Json()["id"].get<long long>();
  json c = NewConsultation();
  json p = AddPoint(c, "1", {"iom"},
                    {{"links", {{{"kind", "thread"}, {"target_id", thread_id}, {"label", "The idea"}}}}});
  ASSERT_EQ(p["links"][0]["href"], "/threads/" + std::to_string(thread_id));
  HttpResponse moved = client().SendJson(
      "POST", "/api/v1/action-points/" + std::to_string(p["id"].get<long long>()) + "/status",
      {{"status", "in_progress"}}, Admin());
  ASSERT_EQ(moved.status, 200) << moved.Describe();
  HttpResponse notes = client().Get("/api/v1/notifications", Bearer(follower_token));
  ASSERT_EQ(notes.status, 200) << notes.Describe();
  EXPECT_NE(notes.body.find("action_point.status"), std::string::npos) << notes.body;
  EXPECT_NE(notes.body.find("2015/1: Point 1 (in_progress)"), std::string::npos) << notes.body;
  Browser b = NewBrowser();
  SignedIn in = SignIn(b, follower.email, follower.password, "/notifications");
  EXPECT_NE(in.landing.body.find("Action point status changed"), std::string::npos);
}

TEST_P(ConsultationsTest, FollowersOfAPointHearOfItsStatusOnce) {
  Person follower = d().AddPerson({.label = "pointfollower"});
  Person both = d().AddPerson({.label = "bothfollower"});
  std::string both_token = d().CreateToken(both.email);
  HttpResponse thread = client().SendJson(
      "POST", "/api/v1/threads", {{"kind", "idea"}, {"title", "Followed twice"}, {"body", "Also the point"}},
      Bearer(both_token));
  ASSERT_EQ(thread.status, 201) << thread.Describe();
  json c = NewConsultation();
  json p =
      AddPoint(c, "1", {"iom"},
               {{"links", {{{"kind", "thread"}, {"target_id", thread.Json()["id"]}, {"label", "Idea"}}}}});
  std::string pb = "/action-points/" + std::to_string(p["id"].get<long long>());

  // The button, without JavaScript.
  Browser b = NewBrowser();
  SignedIn in = SignIn(b, follower.email, follower.password, pb);
  ASSERT_NE(in.landing.body.find("action=\"" + pb + "/follow\""), std::string::npos);
  EXPECT_NE(in.landing.body.find("name=\"follow\" value=\"1\""), std::string::npos);
  EXPECT_EQ(b.PostForm(pb + "/follow", {{"csrf", in.csrf}, {"follow", "maybe"}}).status, 422);
  HttpResponse followed = b.PostForm(pb + "/follow", {{"csrf", in.csrf}, {"follow", "1"}});
  ASSERT_EQ(followed.status, 303) << followed.Describe();
  EXPECT_NE(b.Get(pb).body.find("name=\"follow\" value=\"0\""), std::string::npos)
      << "now an unfollow button";
  EXPECT_EQ(client().Get(pb).body.find(pb + "/follow\""), std::string::npos) << "no button signed out";

  // The API.
  EXPECT_EQ(client().Request("PUT", "/api/v1" + pb + "/follow").status, 401);
  EXPECT_EQ(client().Request("PUT", "/api/v1/action-points/999999999/follow", Bearer(both_token)).status,
            404);
  json doc = client().Get("/api/v1/openapi.json").Json();
  EXPECT_TRUE(doc["paths"]["/api/v1/action-points/{id}/follow"].contains("put"));
  EXPECT_TRUE(doc["paths"]["/api/v1/action-points/{id}/follow"].contains("delete"));
  HttpResponse put = client().Request("PUT", "/api/v1" + pb + "/follow", Bearer(both_token));
  ASSERT_EQ(put.status, 200) << put.Describe();
  EXPECT_EQ(put.Json()["following"], true);

  HttpResponse moved =
      client().SendJson("POST", "/api/v1" + pb + "/status", {{"status", "in_progress"}}, Admin());
  ASSERT_EQ(moved.status, 200) << moved.Describe();
  json notes = client().Get("/api/v1/notifications", Bearer(d().CreateToken(follower.email))).Json();
  int seen = 0;
  for (const auto& n : notes["items"]) {
    if (n["event"] != "action_point.status") continue;
    ++seen;
    EXPECT_EQ(n["html_url"], pb) << n.dump();
  }
  EXPECT_EQ(seen, 1) << notes.dump();
  json both_notes = client().Get("/api/v1/notifications", Bearer(both_token)).Json();
  seen = 0;
  for (const auto& n : both_notes["items"]) seen += n["event"] == "action_point.status" ? 1 : 0;
  EXPECT_EQ(seen, 1) << "following the point and what it links to: told once; " << both_notes.dump();
  HttpResponse page = b.Get("/notifications");
  EXPECT_NE(page.body.find("href=\"" + pb + "\""), std::string::npos);

  // Unfollowed: no more news.
  HttpResponse unfollowed = b.PostForm(pb + "/follow", {{"csrf", in.csrf}, {"follow", "0"}});
  ASSERT_EQ(unfollowed.status, 303) << unfollowed.Describe();
  HttpResponse del = client().Request("DELETE", "/api/v1" + pb + "/follow", Bearer(both_token));
  ASSERT_EQ(del.status, 200) << del.Describe();
  EXPECT_EQ(del.Json()["following"], false);
  ASSERT_EQ(client().SendJson("POST", "/api/v1" + pb + "/status", {{"status", "done"}}, Admin()).status, 200);
  notes = client().Get("/api/v1/notifications", Bearer(d().CreateToken(follower.email))).Json();
  seen = 0;
  for (const auto& n : notes["items"]) seen += n["event"] == "action_point.status" ? 1 : 0;
  EXPECT_EQ(seen, 1) << notes.dump();
}

// A multipart/form-data body: text fields, then the file part.
std::string Multipart(const std::vector<std::pair<std::string, std::string>>& fields,
                      const std::string& filename, const std::string& type, const std::string& bytes) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body.append("--b0undary\r\nContent-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n");
    body.append(value).append("\r\n");
  }
  body.append("--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
      .append(filename)
      .append("\"\r\nContent-Type: ")
      .append(type)
      .append("\r\n\r\n")
      .append(bytes)
      .append("\r\n--b0undary--\r\n");
  return body;
}

HeaderList WithMultipart(HeaderList h) {
  h.emplace_back("Content-Type", "multipart/form-data; boundary=b0undary");
  return h;
}

TEST_P(ConsultationsTest, OrganisersUploadDocumentsThatAreDownloadedFromTheLibrary) {
  d().EnsureOrganisation("iom");
  json c = NewConsultation();
  std::string slug = c["slug"].get<std::string>();
  std::string api = "/api/v1/consultations/" + slug + "/documents";
  std::string pdf = pdf::WriteTextPdf({"Report of the consultation.", "Second page."}, "Report");

  // A text file as a report, a missing title, a member: refused, naming the field.
  HttpResponse text = client().Request("POST", api, WithMultipart(Admin()),
                                       Multipart({{"title", "Notes"}, {"kind", "report"}, {"language", "en"}},
                                                 "notes.txt", "text/plain", "hello"));
  EXPECT_EQ(text.status, 422) << text.Describe();
  EXPECT_TRUE(text.Json()["error"]["fields"].contains("file")) << text.body;
  HttpResponse untitled =
      client().Request("POST", api, WithMultipart(Admin()),
                       Multipart({{"kind", "report"}, {"language", "xx"}}, "r.pdf", "application/pdf", pdf));
  EXPECT_EQ(untitled.status, 422) << untitled.Describe();
  EXPECT_TRUE(untitled.Json()["error"]["fields"].contains("title")) << untitled.body;
  EXPECT_TRUE(untitled.Json()["error"]["fields"].contains("language")) << untitled.body;
  HttpResponse big = client().Request("POST", api, WithMultipart(Admin()),
                                      Multipart({{"title", "Big"}, {"kind", "report"}, {"language", "en"}},
                                                "big.pdf", "application/pdf", pdf::PadPdf(pdf, 300000)));
  EXPECT_EQ(big.status, 422) << big.Describe();
  EXPECT_TRUE(big.Json()["error"]["fields"].contains("file")) << big.body;
  Person member = d().AddPerson({.label = "docmember"});
  std::string member_token = d().CreateToken(member.email);
  HttpResponse anon = client().Request(
      "POST", api, WithMultipart({}),
      Multipart({{"title", "R"}, {"kind", "report"}, {"language", "en"}}, "r.pdf", "application/pdf", pdf));
  EXPECT_EQ(anon.status, 401) << anon.Describe();
  HttpResponse not_organiser = client().Request(
      "POST", api, WithMultipart(Bearer(member_token)),
      Multipart({{"title", "R"}, {"kind", "report"}, {"language", "en"}}, "r.pdf", "application/pdf", pdf));
  EXPECT_EQ(not_organiser.status, 403) << not_organiser.Describe();

  // Uploaded, listed with size and type, downloaded byte for byte.
  HttpResponse up =
      client().Request("POST", api, WithMultipart(Admin()),
                       Multipart({{"title", "Report 2015"}, {"kind", "report"}, {"language", "en"}},
                                 "report.pdf", "application/pdf", pdf));
  ASSERT_EQ(up.status, 201) << up.Describe();
  json doc = up.Json();
  EXPECT_EQ(doc["kind"], "report");
  EXPECT_EQ(doc["file"]["media_type"], "application/pdf");
  EXPECT_EQ(doc["file"]["size"], static_cast<long long>(pdf.size()));
  HttpResponse list = client().Get(api);
  ASSERT_EQ(list.status, 200) << list.Describe();
  ASSERT_EQ(list.Json()["items"].size(), 1u);
  std::string url = list.Json()["items"][0]["file"]["url"].get<std::string>();
  HttpResponse back = client().Get(url);
  ASSERT_EQ(back.status, 200) << back.Describe();
  EXPECT_TRUE(back.body == pdf) << "the downloaded file differs from the upload";
  HttpResponse page = client().Get("/consultations/" + slug);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Report 2015"), std::string::npos);
  EXPECT_NE(page.body.find("href=\"" + url + "\""), std::string::npos);
  EXPECT_NE(page.body.find("application/pdf"), std::string::npos);
  // The library holds it as a published item.
  HttpResponse item =
      client().Get("/api/v1/library/" + std::to_string(doc["library_item_id"].get<long long>()));
  EXPECT_EQ(item.status, 200) << item.Describe();

  // The organisers' form (multipart, no JavaScript): a text file as an
  // agenda shows the form again naming the file; a PDF is added.
  Browser b = NewBrowser();
  SignedIn in = SignIn(b, d().Admin().email, d().Admin().password, "/consultations/" + slug + "/edit");
  EXPECT_NE(in.landing.body.find("enctype=\"multipart/form-data\""), std::string::npos);
  HttpResponse refused =
      b.Request("POST", "/consultations/" + slug + "/documents", WithMultipart({}),
                Multipart({{"csrf", in.csrf}, {"title", "Agenda"}, {"kind", "agenda"}, {"language", "fr"}},
                          "a.txt", "text/plain", "not a pdf"));
  EXPECT_EQ(refused.status, 422) << refused.Describe();
  EXPECT_NE(refused.body.find("href=\"#d-file\""), std::string::npos) << refused.body;
  HttpResponse added = b.Request(
      "POST", "/consultations/" + slug + "/documents", WithMultipart({}),
      Multipart({{"csrf", in.csrf}, {"title", "Ordre du jour"}, {"kind", "agenda"}, {"language", "fr"}},
                "agenda.pdf", "application/pdf", pdf::WriteTextPdf({"Agenda."}, "Agenda")));
  EXPECT_EQ(added.status, 303) << added.Describe();
  list = client().Get(api);
  ASSERT_EQ(list.Json()["items"].size(), 2u);
  EXPECT_EQ(list.Json()["items"][1]["language"], "fr");
  EXPECT_EQ(list.Json()["items"][1]["position"], 2);

  // Removed: by the API (organisers only) and by the form; the library
  // item is archived, so its file is no longer public.
  std::string one = api + "/" + std::to_string(doc["id"].get<long long>());
  EXPECT_EQ(client().Request("DELETE", one, Bearer(member_token)).status, 403);
  HttpResponse del = client().Request("DELETE", one, Admin());
  EXPECT_EQ(del.status, 204) << del.Describe();
  EXPECT_EQ(client().Request("DELETE", one, Admin()).status, 404);
  EXPECT_EQ(client().Get(url).status, 404);
  std::string second = std::to_string(list.Json()["items"][1]["id"].get<long long>());
  HttpResponse removed =
      b.PostForm("/consultations/" + slug + "/documents/" + second + "/delete", {{"csrf", in.csrf}});
  EXPECT_EQ(removed.status, 303) << removed.Describe();
  EXPECT_EQ(client().Get(api).Json()["items"].size(), 0u);
}

WM_INSTANTIATE_BACKENDS(ConsultationsTest);

}  // namespace
}  // namespace waymark::it
