// The evidence module over HTTP: imports through POST /api/v1/imports (who
// may, the report, re-import changes nothing), the stats APIs (shape, years
// as numbers, 422 naming a bad group_by, measure, from or to), paged record
// lists and single records, downloads of a filter (CSV, HXL, JSON, GeoJSON)
// with the dataset's licence and citation, the dashboard page (tables, no
// inline script, the data block), and the embedded browser libraries.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "fixture.h"

namespace waymark::it {
namespace {

using nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kData = WAYMARK_SHARED_DATA;
const std::string kMmp2026 = kData + "/iom-missing-migrants/mmp_website_export_2026.csv";
const std::string kIdmcConflict = kData + "/idmc-gidd/gidd_conflict_idps_country_year_2009-2024.csv";

class EvidenceTest : public ServerTest {
 protected:
  HeaderList Admin() { return Bearer(d().AdminToken()); }

  HttpResponse Import(const std::string& path, const std::string& target, const std::string& extra = "",
                      const HeaderList& auth = {}) {
    HeaderList h = auth.empty() ? Admin() : auth;
    h.emplace_back("Content-Type", "text/csv");
    std::string name = path.substr(path.rfind('/') + 1);
    return client().Request("POST", "/api/v1/imports?target=" + target + "&filename=" + name + extra, h,
                            ReadFile(path));
  }

  // Imports the small MMP file once per deployment.
  void EnsureIncidents() {
    if (imported_for_ == d().db_url()) return;
    HttpResponse r = Import(kMmp2026, "incidents");
    ASSERT_TRUE(r.status == 201 || r.status == 200) << r.Describe();
    imported_for_ = d().db_url();
  }
  static std::string imported_for_;  // the deployment that has the MMP file

  static json Fields(const HttpResponse& r) {
    try {
      return r.Json()["error"].value("fields", json::object());
    } catch (...) {
      return json::object();
    }
  }
};
std::string EvidenceTest::imported_for_;

TEST_P(EvidenceTest, ImportNeedsAnOfficer) {
  WM_SKIP_UNLESS_BACKEND_AVAILABLE(GetParam());
  HttpResponse anon = client().Request("POST", "/api/v1/imports?target=incidents",
                                       {{"Content-Type", "text/csv"}}, "a,b\n1,2\n");
  EXPECT_EQ(anon.status, 401) << anon.Describe();
  Person p = d().AddPerson();
  std::string token = d().CreateToken(p.email);
  HttpResponse member = Import(kMmp2026, "incidents", "", Bearer(token));
  EXPECT_EQ(member.status, 403) << member.Describe();
  HttpResponse batches = client().Get("/api/v1/imports", Bearer(token));
  EXPECT_EQ(batches.status, 403) << batches.Describe();
}

TEST_P(EvidenceTest, ImportReportsEveryRowAndReimportChangesNothing) {
  WM_SKIP_UNLESS_BACKEND_AVAILABLE(GetParam());
  HttpResponse dry = Import(kIdmcConflict, "displacement", "&dry_run=true");
  ASSERT_EQ(dry.status, 200) << dry.Describe();
  json report = dry.Json();
  EXPECT_TRUE(report["dry_run"].get<bool>());
  std::int64_t rows = report["accepted"].get<std::int64_t>() + report["updated"].get<std::int64_t>() +
                      report["unchanged"].get<std::int64_t>() + report["rejected"].get<std::int64_t>();
  EXPECT_GT(rows, 0);

  HttpResponse first = Import(kIdmcConflict, "displacement");
  ASSERT_EQ(first.status, 201) << first.Describe();
  json a = first.Json();
  EXPECT_GT(a["accepted"].get<std::int64_t>() + a["unchanged"].get<std::int64_t>(), 0);
  EXPECT_FALSE(first.Header("Location").empty());
  EXPECT_TRUE(a["rejections"].is_array());
  EXPECT_LE(a["rejections"].size(), 200u);

  HttpResponse again = Import(kIdmcConflict, "displacement");
  ASSERT_EQ(again.status, 201) << again.Describe();
  json b = again.Json();
  EXPECT_EQ(b["accepted"], 0);
  EXPECT_EQ(b["updated"], 0);
  EXPECT_EQ(b["rejected"], a["rejected"]);

  HttpResponse batch =
      client().Get("/api/v1/imports/" + std::to_string(b["batch_id"].get<long long>()), Admin());
  ASSERT_EQ(batch.status, 200) << batch.Describe();
  EXPECT_EQ(batch.Json()["target"], "displacement");
  EXPECT_EQ(batch.Json()["sha256"].get<std::string>().size(), 64u);

  HttpResponse bad = client().Request("POST", "/api/v1/imports?target=people", Admin(), "x");
  EXPECT_EQ(bad.status, 422) << bad.Describe();
  EXPECT_TRUE(Fields(bad).contains("target")) << bad.Describe();
}

TEST_P(EvidenceTest, IncidentStatsShapeAndErrors) {
  WM_SKIP_UNLESS_BACKEND_AVAILABLE(GetParam());
  EnsureIncidents();
  HttpResponse r =
      client().Get("/api/v1/incidents/stats?group_by=year,region&measure=dead,missing,total,incidents");
  ASSERT_EQ(r.status, 200) << r.Describe();
  json body = r.Json();
  ASSERT_TRUE(body["rows"].is_array());
  ASSERT_FALSE(body["rows"].empty()) << r.body;
  const json& row = body["rows"][0];
  EXPECT_TRUE(row["year"].is_number_integer()) << row;
  EXPECT_TRUE(row.contains("region"));
  for (const char* m : {"dead", "missing", "total", "incidents"})
    EXPECT_TRUE(row[m].is_number_integer()) << m;
  EXPECT_TRUE(body["suppressed"].is_number_integer());
  EXPECT_EQ(body["dataset"]["code"], "mmp");
  EXPECT_FALSE(body["dataset"]["licence"].get<std::string>().empty());
  EXPECT_FALSE(body["dataset"]["citation"].get<std::string>().empty());

  HttpResponse group = client().Get("/api/v1/incidents/stats?group_by=year,planet");
  EXPECT_EQ(group.status, 422) << group.Describe();
  EXPECT_TRUE(Fields(group).contains("group_by")) << group.body;
  EXPECT_NE(group.body.find("planet"), std::string::npos);
  HttpResponse measure = client().Get("/api/v1/incidents/stats?measure=weight");
  EXPECT_EQ(measure.status, 422) << measure.Describe();
  EXPECT_TRUE(Fields(measure).contains("measure")) << measure.body;
  HttpResponse from = client().Get("/api/v1/incidents/stats?from=20x6");
  EXPECT_EQ(from.status, 422) << from.Describe();
  EXPECT_TRUE(Fields(from).contains("from")) << from.body;
  HttpResponse to = client().Get("/api/v1/incidents/stats?from=2016&to=2016-13");
  EXPECT_EQ(to.status, 422) << to.Describe();
  EXPECT_TRUE(Fields(to).contains("to")) << to.body;
  EXPECT_FALSE(Fields(to).contains("from")) << to.body;
  HttpResponse month = client().Get("/api/v1/incidents/stats?group_by=month&from=2016-01&to=2016-06");
  EXPECT_EQ(month.status, 200) << month.Describe();

  HttpResponse d = client().Get("/api/v1/displacement/stats?group_by=year,kind&cause=conflict");
  EXPECT_EQ(d.status, 200) << d.Describe();
  HttpResponse dbad = client().Get("/api/v1/displacement/stats?cause=weather");
  EXPECT_EQ(dbad.status, 422) << dbad.Describe();
  EXPECT_TRUE(Fields(dbad).contains("cause")) << dbad.body;
}

TEST_P(EvidenceTest, RecordsArePagedAndReadOneByOne) {
  WM_SKIP_UNLESS_BACKEND_AVAILABLE(GetParam());
  EnsureIncidents();
  HttpResponse page = client().Get("/api/v1/incidents?per_page=5");
  ASSERT_EQ(page.status, 200) << page.Describe();
  json body = page.Json();
  ASSERT_EQ(body["items"].size(), 5u) << page.body.substr(0, 400);
  EXPECT_GE(body["total"].get<long long>(), 5);
  ASSERT_TRUE(body["next_after_id"].is_number_integer());
  HttpResponse next = client().Get(body["next"].get<std::string>());
  ASSERT_EQ(next.status, 200) << next.Describe();
  EXPECT_GT(next.Json()["items"][0]["id"].get<long long>(), body["items"][4]["id"].get<long long>());
  HttpResponse second = client().Get("/api/v1/incidents?per_page=5&page=2");
  ASSERT_EQ(second.status, 200) << second.Describe();
  EXPECT_EQ(second.Json()["items"][0]["id"], next.Json()["items"][0]["id"]);

  long long id = body["items"][0]["id"];
  HttpResponse one = client().Get("/api/v1/incidents/" + std::to_string(id));
  ASSERT_EQ(one.status, 200) << one.Describe();
  EXPECT_EQ(one.Json()["id"], id);
  EXPECT_TRUE(one.Json().contains("dead"));
  EXPECT_EQ(client().Get("/api/v1/incidents/999999999").status, 404);
  EXPECT_EQ(client().Get("/api/v1/incidents/abc").status, 404);
  HttpResponse bad = client().Get("/api/v1/incidents?per_page=0");
  EXPECT_EQ(bad.status, 422) << bad.Describe();

  HttpResponse points = client().Get("/api/v1/incidents/points");
  ASSERT_EQ(points.status, 200) << points.Describe();
  EXPECT_TRUE(points.Json()["points"].is_array());
}

TEST_P(EvidenceTest, DownloadsCarryLicenceAndCitation) {
  WM_SKIP_UNLESS_BACKEND_AVAILABLE(GetParam());
  EnsureIncidents();
  HttpResponse csv = client().Get("/evidence/incidents.csv");
  ASSERT_EQ(csv.status, 200) << csv.Describe();
  EXPECT_NE(csv.Header("Content-Type").find("text/csv"), std::string::npos);
  EXPECT_FALSE(csv.Header("X-Licence").empty());
  EXPECT_FALSE(csv.Header("X-Citation").empty());
  EXPECT_NE(csv.Header("Content-Disposition").find("attachment"), std::string::npos);
  EXPECT_EQ(csv.body.rfind("id,source_id,", 0), 0u) << csv.body.substr(0, 200);
  std::int64_t lines = std::count(csv.body.begin(), csv.body.end(), '\n');
  EXPECT_GT(lines, 1);

  HttpResponse hxl = client().Get("/evidence/incidents.csv?format=hxl");
  ASSERT_EQ(hxl.status, 200) << hxl.Describe();
  std::string second_line = hxl.body.substr(hxl.body.find('\n') + 1, 40);
  EXPECT_EQ(second_line.rfind("#meta+id,#event+id", 0), 0u) << second_line;

  HttpResponse js = client().Get("/evidence/incidents.json?from=2014&to=2030");
  ASSERT_EQ(js.status, 200) << js.Describe();
  json doc = js.Json();
  EXPECT_FALSE(doc["dataset"]["licence"].get<std::string>().empty());
  EXPECT_FALSE(doc["dataset"]["citation"].get<std::string>().empty());
  EXPECT_TRUE(doc["items"].is_array());

  HttpResponse geo = client().Get("/evidence/incidents.geojson");
  ASSERT_EQ(geo.status, 200) << geo.Describe();
  json fc = geo.Json();
  EXPECT_EQ(fc["type"], "FeatureCollection");
  EXPECT_FALSE(fc["metadata"]["dataset"]["licence"].get<std::string>().empty());
  if (!fc["features"].empty()) {
    EXPECT_EQ(fc["features"][0]["geometry"]["type"], "Point");
  }

  EXPECT_EQ(client().Get("/evidence/incidents.json?format=hxl").status, 422);
  EXPECT_EQ(client().Get("/evidence/incidents.csv?from=nope").status, 422);
  HttpResponse dcsv = client().Get("/evidence/displacement.csv");
  EXPECT_TRUE(dcsv.status == 200 || dcsv.status == 403) << dcsv.Describe();
}

TEST_P(EvidenceTest, DashboardIsTablesAndADataBlock) {
  WM_SKIP_UNLESS_BACKEND_AVAILABLE(GetParam());
  EnsureIncidents();
  HttpResponse page = client().Get("/evidence");
  ASSERT_EQ(page.status, 200) << page.Describe();
  EXPECT_EQ(MissingSecurityHeaders(page), "");
  EXPECT_NE(page.body.find("<caption"), std::string::npos);
  EXPECT_NE(page.body.find("id=\"ev-data\""), std::string::npos);
  EXPECT_NE(page.body.find("type=\"application/json\""), std::string::npos);
  // Every <script> is either the data block or loaded from our origin.
  for (std::size_t pos = page.body.find("<script"); pos != std::string::npos;
       pos = page.body.find("<script", pos + 1)) {
    std::string tag = page.body.substr(pos, page.body.find('>', pos) - pos);
    EXPECT_TRUE(tag.find("type=\"application/json\"") != std::string::npos ||
                tag.find("src=\"/static/evidence/") != std::string::npos)
        << tag;
  }
  HttpResponse fr =
      client().Get("/evidence?lang=fr&region=Mediterranean&cause=drowning&from=2016&to=2020-06");
  ASSERT_EQ(fr.status, 200) << fr.Describe();
  EXPECT_NE(fr.body.find("lang=\"fr\""), std::string::npos);
  HttpResponse es = client().Get("/evidence?lang=es&by=month");
  ASSERT_EQ(es.status, 200) << es.Describe();
  EXPECT_EQ(client().Get("/evidence?from=1").status, 422);

  HttpResponse imports = client().Get("/evidence/imports");
  EXPECT_EQ(imports.status, 303) << imports.Describe();
}

TEST_P(EvidenceTest, BrowserLibrariesAreServedWithLongCaching) {
  WM_SKIP_UNLESS_BACKEND_AVAILABLE(GetParam());
  for (const char* file : {"evidence.js", "evidence.css", "uPlot.iife.min.js", "uPlot.min.css", "leaflet.js",
                           "leaflet.css", "topojson-client.min.js", "countries-110m.json"}) {
    HttpResponse r = client().Get(std::string("/static/evidence/") + file);
    ASSERT_EQ(r.status, 200) << file << " " << r.Describe();
    EXPECT_NE(r.Header("Cache-Control").find("max-age=31536000"), std::string::npos) << file;
    std::string etag = r.Header("ETag");
    ASSERT_FALSE(etag.empty()) << file;
    HttpResponse again = client().Get(std::string("/static/evidence/") + file, {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304) << file;
  }
  EXPECT_EQ(client().Get("/static/evidence/nothing.js").status, 404);
  EXPECT_EQ(client().Get("/static/evidence/..%2Fwaymark.css").status, 404);
}

WM_INSTANTIATE_BACKENDS(EvidenceTest);

}  // namespace
}  // namespace waymark::it
