#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include "geo/geojson.h"
#include "geo/world_map.h"

namespace waymark::geo {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using Kind = Geometry::Kind;

// The specific error: its kind and its whole message.
template <typename T>
::testing::AssertionResult FailsWith(const Result<T>& r, Status::Kind kind, const std::string& message) {
  if (r.ok()) return ::testing::AssertionFailure() << "succeeded; expected: " << message;
  if (r.status().kind() != kind || r.status().message() != message) {
    return ::testing::AssertionFailure() << KindName(r.status().kind()) << " \"" << r.status().message()
                                         << "\"; expected " << KindName(kind) << " \"" << message << "\"";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult Invalid(std::string_view text, const std::string& message,
                                   const Limits& limits = {}) {
  return FailsWith(ParseGeoJson(text, limits), Status::Kind::kValidation, message);
}

Geometry Parsed(std::string_view text) {
  auto r = ParseGeoJson(text);
  EXPECT_TRUE(r.ok()) << r.status().message() << " for " << text;
  return r.ok() ? *r : Geometry{};
}

constexpr std::string_view kSquare = R"({"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]})";

// ---------------------------------------------------------------- GeoJSON

TEST(ParseGeoJson, Point) {
  const Geometry g = Parsed(R"({"type":"Point","coordinates":[12.5,-3.25]})");
  EXPECT_EQ(g.kind, Kind::kPoint);
  EXPECT_EQ(g, Geometry::Point({12.5, -3.25}));
}

TEST(ParseGeoJson, AltitudeIgnoredAndBboxIgnored) {
  const Geometry g = Parsed(R"({"type":"Point","bbox":[1,2,1,2],"coordinates":[1,2,300,4]})");
  EXPECT_EQ(g, Geometry::Point({1, 2}));
}

TEST(ParseGeoJson, MultiPointAndLines) {
  const Geometry mp = Parsed(R"({"type":"MultiPoint","coordinates":[[1,2],[3,4]]})");
  ASSERT_EQ(mp.parts.size(), 2U);
  EXPECT_EQ(mp.parts[1], (std::vector<Ring>{{{3, 4}}}));

  const Geometry ls = Parsed(R"({"type":"LineString","coordinates":[[1,2],[3,4],[5,6]]})");
  EXPECT_EQ(ls, Geometry::LineString({{1, 2}, {3, 4}, {5, 6}}));

  const Geometry mls = Parsed(R"({"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6],[7,8]]]})");
  EXPECT_EQ(mls.kind, Kind::kMultiLineString);
  ASSERT_EQ(mls.parts.size(), 2U);
  EXPECT_EQ(mls.parts[1], (std::vector<Ring>{{{5, 6}, {7, 8}}}));
}

TEST(ParseGeoJson, PolygonWithHole) {
  const Geometry g = Parsed(
      R"({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[2,4],[4,4],[4,2],[2,2]]]})");
  EXPECT_EQ(g.kind, Kind::kPolygon);
  ASSERT_EQ(g.parts.size(), 1U);
  ASSERT_EQ(g.parts[0].size(), 2U);
  EXPECT_EQ(g.parts[0][1][1], (Position{2, 4}));
}

TEST(ParseGeoJson, MultiPolygon) {
  const Geometry g = Parsed(
      R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]})");
  EXPECT_EQ(g.kind, Kind::kMultiPolygon);
  ASSERT_EQ(g.parts.size(), 2U);
  EXPECT_EQ(g.parts[1][0][0], (Position{5, 5}));
}

TEST(ParseGeoJson, FeatureAndFeatureCollection) {
  const Geometry expected = Parsed(kSquare);
  EXPECT_EQ(Parsed(R"({"type":"Feature","properties":{"name":"x"},"geometry":)" + std::string(kSquare) + "}"),
            expected);
  EXPECT_EQ(Parsed(R"({"type":"FeatureCollection","features":[{"type":"Feature","id":7,"properties":null,)"
                   R"("geometry":)" +
                   std::string(kSquare) + "}]}"),
            expected);
}

TEST(ParseGeoJson, AntimeridianPolygonKeptAsGiven) {
  const Geometry g =
      Parsed(R"({"type":"Polygon","coordinates":[[[170,-10],[-170,-10],[-170,10],[170,10],[170,-10]]]})");
  EXPECT_EQ(g.parts[0][0][1], (Position{-170, -10}));
}

TEST(ParseGeoJson, ErrorsNameTheirPath) {
  EXPECT_TRUE(Invalid(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,95],[0,0]]]})",
                      "coordinates[0][3]: latitude 95 is outside -90..90"));
  EXPECT_TRUE(Invalid(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]})",
                      "coordinates[0]: a ring needs at least 4 positions"));
  EXPECT_TRUE(Invalid(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]})",
                      "coordinates[0]: a ring must end where it starts"));
  EXPECT_TRUE(Invalid(R"({"type":"Circle","coordinates":[0,0],"radius":5})",
                      "type: 'Circle' is not a GeoJSON geometry type"));
  EXPECT_TRUE(Invalid(R"({"type":"Point","coordinates":[181,0]})",
                      "coordinates: longitude 181 is outside -180..180"));
  EXPECT_TRUE(
      Invalid(R"({"type":"Point","coordinates":[1]})", "coordinates: a position needs at least 2 numbers"));
  EXPECT_TRUE(Invalid(R"({"type":"Point","coordinates":[1,"2"]})",
                      "coordinates[1]: expected a number, found a string"));
  EXPECT_TRUE(Invalid(R"({"type":"Point"})", "coordinates: missing"));
  EXPECT_TRUE(Invalid(R"({"coordinates":[0,0]})", "type: missing"));
  EXPECT_TRUE(Invalid(R"({"type":7})", "type: expected a string"));
  EXPECT_TRUE(Invalid(R"([1,2])", "top level: expected a GeoJSON object, found an array"));
  EXPECT_TRUE(Invalid(R"({"type":"LineString","coordinates":[[0,0]]})",
                      "coordinates: a line needs at least 2 positions"));
  EXPECT_TRUE(
      Invalid(R"({"type":"MultiPolygon","coordinates":[]})", "coordinates: expected at least one polygon"));
  EXPECT_TRUE(
      Invalid(R"({"type":"Polygon","coordinates":[]})", "coordinates: a polygon needs at least one ring"));
  EXPECT_TRUE(Invalid(R"({"type":"GeometryCollection","geometries":[]})",
                      "type: 'GeometryCollection' is not supported here"));
  EXPECT_TRUE(
      Invalid(R"({"type":"Feature","geometry":null})", "geometry: the feature has no geometry (null)"));
  EXPECT_TRUE(Invalid(R"({"type":"Feature","geometry":{"type":"Point","coordinates":[0,-91]}})",
                      "geometry.coordinates: latitude -91 is outside -90..90"));
  EXPECT_TRUE(Invalid(R"({"type":"FeatureCollection","features":[]})",
                      "features: expected exactly one feature, found 0"));
  EXPECT_TRUE(Invalid(R"({"type":"FeatureCollection","features":[{"type":"Feature","geometry":)"
                      R"({"type":"MultiPoint","coordinates":[[0,0],[1]]}}]})",
                      "features[0].geometry.coordinates[1]: a position needs at least 2 numbers"));
  // A control character in the type is not repeated as such.
  EXPECT_TRUE(Invalid("{\"type\":\"Poly\\u0001\"}", "type: 'Poly?' is not a GeoJSON geometry type"));
}

TEST(ParseGeoJson, ValidationCarriesTheField) {
  auto r = ParseGeoJson(R"({"type":"Point","coordinates":[0,95]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().fields().at("geojson"), "coordinates: latitude 95 is outside -90..90");
}

TEST(ParseGeoJson, SyntaxErrorsGiveLineAndColumn) {
  auto r = ParseGeoJson("{\n  \"type\": \"Point\",\n  \"coordinates\": [1, 2,]\n}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_THAT(r.status().message(), StartsWith("line 3, column 24: syntax error"));

  r = ParseGeoJson("");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), StartsWith("line 1, column 1: "));

  r = ParseGeoJson("{\"type\": tru}");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(),
              StartsWith("line 1, column 13: syntax error while parsing value - invalid literal"));

  // JSON has no NaN or infinity; a number too large for a double is where
  // infinity could sneak in.
  EXPECT_TRUE(FailsWith(ParseGeoJson(R"({"type":"Point","coordinates":[1e400,0]})"),
                        Status::Kind::kInvalidArgument,
                        "line 1, column 36: number overflow parsing '1e400'"));
  r = ParseGeoJson(R"({"type":"Point","coordinates":[NaN,0]})");
  EXPECT_EQ(r.status().kind(), Status::Kind::kInvalidArgument);
  EXPECT_THAT(r.status().message(),
              StartsWith("line 1, column 32: syntax error while parsing value - invalid literal"));
}

TEST(ParseGeoJson, Limits) {
  std::string many = R"({"type":"MultiPoint","coordinates":[)";
  for (int i = 0; i < 20001; ++i) many += i == 0 ? "[0,0]" : ",[0,0]";
  many += "]}";
  EXPECT_TRUE(Invalid(many, "coordinates: more than 20000 positions"));
  EXPECT_TRUE(
      Invalid(R"({"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[[0,0],[1,1],[2,2]]}})",
              "geometry.coordinates: more than 2 positions", Limits{.max_positions = 2}));

  EXPECT_TRUE(FailsWith(ParseGeoJson(kSquare, Limits{.max_bytes = 20}), Status::Kind::kPayloadTooLarge,
                        "GeoJSON is larger than 20 bytes"));

  EXPECT_TRUE(FailsWith(ParseGeoJson("{\"a\":\n [[[[[[[[0]]]]]]]]}"), Status::Kind::kInvalidArgument,
                        "line 2, column 9: nested deeper than 8 levels"));
  // Brackets inside strings do not count.
  EXPECT_TRUE(ParseGeoJson(R"({"type":"Point","x":"[[[[[[[[[[[[","coordinates":[0,0]})").ok());
  // A FeatureCollection of a MultiPolygon fits the default depth exactly.
  EXPECT_TRUE(ParseGeoJson(R"({"type":"FeatureCollection","features":[{"type":"Feature","geometry":)"
                           R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}}]})")
                  .ok());
}

TEST(ParseGeoJson, NeverCrashesOnTruncationsOrGarbage) {
  const std::string doc =
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"n":"\u00e9\"x"},)"
      R"("geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]],[[0.1,0.1],[0.2,0.1],)"
      R"([0.2,0.2],[0.1,0.1]]],[[[5,5],[6,5],[6,6],[5,5]]]]}}]})";
  ASSERT_TRUE(ParseGeoJson(doc).ok());
  for (std::size_t n = 0; n < doc.size(); ++n) {
    auto r = ParseGeoJson(std::string_view(doc).substr(0, n));
    EXPECT_FALSE(r.ok()) << n;
  }
  std::mt19937 rng(12);  // fixed seed: the same inputs every run
  const std::string alphabet = "{}[]\":,0123456789.-eE \ntypePointcoordinatesPolygon\\u\xff\x80";
  for (int i = 0; i < 3000; ++i) {
    std::string s = i % 2 == 0 ? doc : std::string();
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < edits; ++k) {
      const char c = alphabet[rng() % alphabet.size()];
      if (s.empty() || rng() % 3 == 0) {
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(s.empty() ? 0 : rng() % s.size()), c);
      } else {
        s[rng() % s.size()] = c;
      }
    }
    (void)ParseGeoJson(s);  // must return, whatever it says
  }
}

TEST(ToGeoJson, RoundTrips) {
  for (
      std::string_view text : {
          R"({"type":"Point","coordinates":[-12.345678,0.000001]})",
          R"({"type":"MultiPoint","coordinates":[[1,2],[3,4]]})",
          R"({"type":"LineString","coordinates":[[1,2],[3,4.5]]})",
          R"({"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6],[7,8]]]})",
          R"({"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]})",
          R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]})",
      }) {
    const Geometry g = Parsed(text);
    EXPECT_EQ(ToGeoJson(g), text);
    EXPECT_EQ(Parsed(ToGeoJson(g)), g);
  }
  EXPECT_EQ(ToGeoJson(Geometry::Point({1.23456789, -0.0000001})),
            R"({"type":"Point","coordinates":[1.234568,0]})");
}

TEST(BoundsOf, BoxesIncludingAcrossTheAntimeridian) {
  EXPECT_EQ(BoundsOf(Parsed(kSquare)), (Bounds{0, 0, 2, 2}));
  EXPECT_EQ(BoundsOf(Geometry::Point({3, 4})), (Bounds{3, 4, 3, 4}));
  EXPECT_EQ(BoundsOf(Parsed(R"({"type":"LineString","coordinates":[[-10,-5],[20,30]]})")),
            (Bounds{-10, -5, 20, 30}));
  EXPECT_EQ(BoundsOf(Parsed(
                R"({"type":"Polygon","coordinates":[[[170,-10],[-170,-10],[-170,10],[170,10],[170,-10]]]})")),
            (Bounds{170, -10, -170, 10}));
}

TEST(Anchor, RepresentativePoints) {
  EXPECT_EQ(Anchor(Parsed(kSquare)), (Position{1, 1}));
  EXPECT_EQ(Anchor(Geometry::Point({3, 4})), (Position{3, 4}));
  // The largest polygon wins, whatever its order.
  const Geometry mp = Parsed(
      R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],[[[10,10],[14,10],[14,14],[10,14],[10,10]]]]})");
  EXPECT_EQ(Anchor(mp), (Position{12, 12}));
  // An L shape: the area-weighted centroid (a 4x1 bar at (2, 0.5) and a 1x3
  // bar at (0.5, 2.5): (9.5/7, 9.5/7)), not the mean of the vertices.
  const Position l =
      Anchor(Parsed(R"({"type":"Polygon","coordinates":[[[0,0],[4,0],[4,1],[1,1],[1,4],[0,4],[0,0]]]})"));
  EXPECT_NEAR(l.lon, 9.5 / 7, 1e-12);
  EXPECT_NEAR(l.lat, 9.5 / 7, 1e-12);
  // Across the antimeridian: the middle is at 180, not at 0.
  const Position across = Anchor(
      Parsed(R"({"type":"Polygon","coordinates":[[[170,-10],[-170,-10],[-170,10],[170,10],[170,-10]]]})"));
  EXPECT_NEAR(std::abs(across.lon), 180, 1e-9);
  EXPECT_NEAR(across.lat, 0, 1e-9);
  // Lines: halfway along.
  EXPECT_EQ(Anchor(Parsed(R"({"type":"LineString","coordinates":[[0,0],[2,0],[2,2]]})")), (Position{2, 0}));
  EXPECT_EQ(Anchor(Parsed(R"({"type":"LineString","coordinates":[[0,0],[4,0]]})")), (Position{2, 0}));
  // Degenerate polygon: the mean of its vertices.
  EXPECT_EQ(Anchor(Parsed(R"({"type":"Polygon","coordinates":[[[0,0],[2,0],[4,0],[0,0]]]})")),
            (Position{2, 0}));
  EXPECT_EQ(Anchor(Geometry{}), (Position{0, 0}));
}

TEST(KindName, Names) {
  EXPECT_EQ(KindName(Kind::kMultiLineString), "MultiLineString");
  EXPECT_EQ(KindName(Kind::kPolygon), "Polygon");
}

// ---------------------------------------------------------------- World map

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool HaveXmllint() {
  static const bool have = std::system("command -v xmllint >/dev/null 2>&1") == 0;
  return have;
}

// "" if xmllint finds `xml` well-formed, else its complaints.
std::string XmllintProblems(const std::string& xml) {
  const std::string path = ::testing::TempDir() + "geo_test_map.svg";
  const std::string errors = path + ".err";
  std::ofstream(path, std::ios::binary) << xml;
  const std::string cmd = "xmllint --noout --nonet '" + path + "' 2>'" + errors + "'";
  const int rc = std::system(cmd.c_str());
  const std::string complaints = ReadFile(errors);
  std::filesystem::remove(path);
  std::filesystem::remove(errors);
  return rc == 0 ? "" : "xmllint exit " + std::to_string(rc) + ": " + complaints;
}

// How many geometries the file's countries object has, counted without our
// decoder: every country has a "properties" member.
std::size_t CountCountriesInFile(const std::string& text) {
  std::size_t n = 0;
  for (std::size_t at = text.find("\"properties\""); at != std::string::npos;
       at = text.find("\"properties\"", at + 1)) {
    ++n;
  }
  return n;
}

class WorldMapTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    text_ = new std::string(ReadFile(WORLD_ATLAS_JSON));
    auto r = WorldMap::FromTopoJson(*text_);
    ASSERT_TRUE(r.ok()) << r.status().message();
    map_ = new WorldMap(*r);
  }
  static void TearDownTestSuite() {
    delete map_;
    delete text_;
  }
  // Set up once for the suite: decoding the file is the slow part.
  static const WorldMap* map_;
  static const std::string* text_;
};
const WorldMap* WorldMapTest::map_ = nullptr;
const std::string* WorldMapTest::text_ = nullptr;

MapOptions SampleOptions() {
  MapOptions o;
  o.aria_label = "Cases by country & hazard";
  o.country_class = {{"566", "c3"}, {"706", "c5"}};
  o.country_title = {{"706", "Somalia: 1,200,000"}};
  o.shapes.push_back(
      {Geometry::Point({0, 0}), "/atlas/cases/1?a=1&b=2", "Null <Island> & \"friends\"", "hazard-flood"});
  o.shapes.push_back({Parsed(kSquare), "", "A square", "area"});
  o.shapes.push_back({Geometry::LineString({{170, 0}, {-170, 5}}), "javascript:alert(1)", "Across", "route"});
  return o;
}

TEST_F(WorldMapTest, DecodesEveryCountry) {
  EXPECT_EQ(map_->country_count(), CountCountriesInFile(*text_));
  EXPECT_EQ(map_->country_count(), 177U);  // world-atlas 2.0 countries-110m
  EXPECT_EQ(map_->country_name("566"), "Nigeria");
  EXPECT_EQ(map_->country_name("999"), "");
  EXPECT_EQ(map_->country_codes().size(), 174U);  // N. Cyprus, Somaliland and Kosovo have no code
}

TEST_F(WorldMapTest, SvgIsWellFormedWithCountriesAndShapes) {
  const std::string svg = map_->Svg(SampleOptions());
  EXPECT_THAT(svg,
              StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1000 500\" role=\"group\" "
                         "aria-label=\"Cases by country &amp; hazard\""));
  EXPECT_THAT(svg, HasSubstr("<path id=\"c-566\" class=\"c3\" d=\"M"));
  EXPECT_THAT(svg, HasSubstr("<path id=\"c-840\" class=\"land\" d=\"M"));
  EXPECT_THAT(svg, HasSubstr("<title>Somalia: 1,200,000</title></path>"));
  // lon 0, lat 0 is the middle of the map; the link and title escaped.
  EXPECT_THAT(
      svg,
      HasSubstr("<a href=\"/atlas/cases/1?a=1&amp;b=2\"><title>Null &lt;Island&gt; &amp; &quot;friends&quot;"
                "</title><circle class=\"hazard-flood\" cx=\"500\" cy=\"250\" r=\"6\"/></a>"));
  // The square (lon 0..2, lat 0..2) as a path.
  EXPECT_THAT(svg,
              HasSubstr("<path class=\"area\" d=\"M500 250h5.6v-5.6h-5.6z\"><title>A square</title></path>"));
  // A javascript: link is dropped; the line across the antimeridian is drawn
  // on both sides.
  EXPECT_THAT(svg, Not(HasSubstr("javascript")));
  EXPECT_THAT(
      svg, HasSubstr("<path class=\"route\" fill=\"none\" d=\"M972.2 250l55.6-13.9M-27.8 250l55.6-13.9\">"));
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  if (!HaveXmllint()) GTEST_SKIP() << "xmllint is not installed: the SVG was not checked for well-formedness";
  EXPECT_EQ(XmllintProblems(svg), "");
}

TEST_F(WorldMapTest, HostileTextStaysWellFormed) {
  MapOptions o;
  o.aria_label = std::string("bad\x01\xff utf8 \xef\xbf\xbe <]]>");
  o.country_class = {{"566", "\"><script>x</script>"}};
  o.country_title = {{"566", "</title><a href='x'>"}};
  o.shapes.push_back(
      {Parsed(R"({"type":"MultiPoint","coordinates":[[1,1],[2,2]]})"), "", "two\npoints", "a'b"});
  o.shapes.push_back({Geometry::Point({10, 10}), "JAVASCRIPT:x", "", ""});
  o.shapes.push_back({Geometry::Point({10, 10}), "https://example.org/x", "", ""});
  const std::string svg = map_->Svg(o);
  EXPECT_THAT(svg, Not(HasSubstr("<script")));
  EXPECT_THAT(svg, HasSubstr("<g><title>two&#10;points</title><circle class=\"a&#39;b\""));
  EXPECT_THAT(svg,
              HasSubstr("<circle cx=\"527.8\" cy=\"222.2\" r=\"6\"/><a href=\"https://example.org/x\">"));
  if (!HaveXmllint()) GTEST_SKIP() << "xmllint is not installed";
  EXPECT_EQ(XmllintProblems(svg), "");
}

// The widest horizontal step in path data "M x y l dx dy h dx v dy z ...".
double WidestStep(std::string_view d) {
  double widest = 0;
  char command = 0;
  std::vector<double> args;
  const auto flush = [&] {
    if (command == 'h') {
      for (double a : args) widest = std::max(widest, std::abs(a));
    } else if (command == 'l') {
      for (std::size_t i = 0; i < args.size(); i += 2) widest = std::max(widest, std::abs(args[i]));
    }
    args.clear();
  };
  std::size_t i = 0;
  while (i < d.size()) {
    const char c = d[i];
    if (std::isalpha(static_cast<unsigned char>(c))) {
      flush();
      command = c;
      ++i;
    } else if (c == ' ') {
      ++i;
    } else {
      std::size_t end = i + 1;
      while (end < d.size() && (std::isdigit(static_cast<unsigned char>(d[end])) || d[end] == '.')) ++end;
      args.push_back(std::stod(std::string(d.substr(i, end - i))));
      i = end;
    }
  }
  flush();
  return widest;
}

TEST_F(WorldMapTest, NoCountryIsDrawnAcrossTheWholeMap) {
  // world-atlas keeps Russia and Fiji whole across the antimeridian; drawn
  // naively, an edge from 180 to -180 would run across the map.
  const std::string svg = map_->Svg({});
  std::size_t countries = 0;
  for (std::size_t at = svg.find("<path"); at != std::string::npos; at = svg.find("<path", at + 1)) {
    const std::size_t d = svg.find(" d=\"", at) + 4;
    const std::string_view data(svg.data() + d, svg.find('"', d) - d);
    const std::size_t id = svg.find("id=\"", at);
    const bool antarctica = svg.compare(id, 10, "id=\"c-010\"") == 0;
    // Antarctica's coast runs the whole width; its closing edge is the one
    // long step, along its southern edge.
    EXPECT_LT(WidestStep(data), antarctica ? 1000.1 : 100) << svg.substr(id, 10);
    ++countries;
  }
  EXPECT_EQ(countries, map_->country_count());
  // Chukotka, east of the antimeridian, is drawn at both edges of the map.
  const std::size_t russia = svg.find("id=\"c-643\"");
  ASSERT_NE(russia, std::string::npos);
  const std::string_view russia_path(svg.data() + russia, svg.find("/>", russia) - russia);
  EXPECT_THAT(std::string(russia_path), HasSubstr("M-"));
}

TEST_F(WorldMapTest, PlainMapIsAnImageAndCropDropsAntarctica) {
  MapOptions o;
  const std::string full = map_->Svg(o);
  EXPECT_THAT(full, HasSubstr("role=\"img\""));
  EXPECT_THAT(full, Not(HasSubstr("aria-label")));
  EXPECT_THAT(full, HasSubstr("id=\"c-010\""));  // Antarctica
  o.crop_polar = true;
  const std::string cropped = map_->Svg(o);
  EXPECT_THAT(cropped, HasSubstr("viewBox=\"0 13.9 1000 402.8\""));
  EXPECT_THAT(cropped, Not(HasSubstr("id=\"c-010\"")));
  EXPECT_THAT(cropped, HasSubstr("id=\"c-032\""));  // Argentina reaches south of -50 but not beyond -60 whole
  std::cout << "[          ] base map SVG: " << full.size() << " bytes\n";
}

TEST_F(WorldMapTest, TinyAreaIsDrawnAsAMarker) {
  MapOptions o;
  o.shapes.push_back({Parsed(R"({"type":"Polygon","coordinates":[[[0,0],[0.001,0],[0.001,0.001],[0,0]]]})"),
                      "", "", "village"});
  EXPECT_THAT(map_->Svg(o), HasSubstr("<circle class=\"village\" cx=\"500\" cy=\"250\" r=\"6\"/></svg>"));
}

TEST_F(WorldMapTest, SharedBetweenThreads) {
  const MapOptions o = SampleOptions();
  const std::string expected = map_->Svg(o);
  const WorldMap copy = *map_;  // copies share the decoded countries
  std::vector<std::thread> threads;
  std::vector<bool> same(4, false);
  for (std::size_t t = 0; t < same.size(); ++t) {
    threads.emplace_back([&, t] { same[t] = (t % 2 == 0 ? *map_ : copy).Svg(o) == expected; });
  }
  for (auto& th : threads) th.join();
  for (bool s : same) EXPECT_TRUE(s);
}

// Reports (does not assert) how long Svg() takes for the base map and 10
// shapes: machines differ too much for a limit.
TEST_F(WorldMapTest, SvgTiming) {
  MapOptions o = SampleOptions();
  for (int i = 0; i < 7; ++i) o.shapes.push_back({Geometry::Point({i * 20.0, i * 5.0}), "/x", "point", "p"});
  constexpr int kRuns = 200;
  std::size_t bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) bytes += map_->Svg(o).size();
  const auto elapsed = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start);
  std::cout << "[          ] Svg() with " << o.shapes.size() << " shapes: " << elapsed.count() / kRuns
            << " us per map, " << bytes / kRuns << " bytes\n";
}

TEST(WorldMap, MalformedTopoJson) {
  EXPECT_TRUE(FailsWith(
      WorldMap::FromTopoJson("{"), Status::Kind::kInvalidArgument,
      "TopoJSON: line 1, column 2: syntax error while parsing object key - unexpected end of input; "
      "expected string literal"));
  EXPECT_TRUE(FailsWith(WorldMap::FromTopoJson(R"({"arcs":[],"objects":{}})"), Status::Kind::kInvalidArgument,
                        "TopoJSON objects.countries: missing"));
  EXPECT_TRUE(FailsWith(
      WorldMap::FromTopoJson(
          R"({"arcs":[[[0,0],[1,0],[0,1],[-1,-1]]],"objects":{"countries":{"type":"GeometryCollection",)"
          R"("geometries":[{"type":"Polygon","arcs":[[0,1]]}]}}})"),
      Status::Kind::kInvalidArgument, "TopoJSON objects.countries.geometries[0].arcs[0][1]: no arc 1"));
  EXPECT_TRUE(FailsWith(WorldMap::FromTopoJson(R"({"arcs":[[[0,0],[1e9,0]]],"objects":{"countries":{}}})"),
                        Status::Kind::kInvalidArgument, "TopoJSON arcs[0][1]: position is off the globe"));
}

TEST(WorldMap, SmallTopologyWithReversedArcsAndNoTransform) {
  // Two squares sharing an edge: arc 0 is the shared edge, drawn reversed
  // (~0 = -1) by the second square.
  const std::string topo = R"({"type":"Topology","arcs":[
      [[0,0],[0,10]],
      [[0,10],[-10,10],[-10,0],[0,0]],
      [[0,0],[10,0],[10,10],[0,10]]],
    "objects":{"countries":{"type":"GeometryCollection","geometries":[
      {"type":"Polygon","id":"001","arcs":[[0,1]],"properties":{"name":"West"}},
      {"type":"MultiPolygon","id":2,"arcs":[[[2,-1]]],"properties":{"name":"East"}},
      {"type":null}]}}})";
  auto r = WorldMap::FromTopoJson(topo);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->country_count(), 2U);
  EXPECT_EQ(r->country_name("2"), "East");
  const std::string svg = r->Svg({});
  EXPECT_THAT(svg, HasSubstr("<path id=\"c-001\" class=\"land\" d=\"M500 250v-27.8h-27.8v27.8z\"/>"));
  EXPECT_THAT(svg, HasSubstr("<path id=\"c-2\" class=\"land\" d=\"M500 250h27.8v-27.8h-27.8z\"/>"));
}

TEST(WorldMap, NeverCrashesOnTruncatedTopology) {
  const std::string topo =
      R"({"type":"Topology","transform":{"scale":[0.1,0.1],"translate":[-180,-90]},)"
      R"("arcs":[[[0,0],[10,0],[0,10],[-10,-10]]],"objects":{"countries":)"
      R"({"type":"GeometryCollection","geometries":[{"type":"Polygon","id":"004","arcs":[[~0]]}]}}})";
  for (std::size_t n = 0; n <= topo.size(); ++n)
    (void)WorldMap::FromTopoJson(std::string_view(topo).substr(0, n));
}

}  // namespace
}  // namespace waymark::geo
