#include "i18n/countries.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace waymark::i18n {
namespace {

// A file under the temp directory, removed when the object goes.
class TempFile {
 public:
  TempFile(const std::string& bytes, const std::string& suffix) {
    static int counter = 0;
    path_ =
        (std::filesystem::temp_directory_path() /
         ("waymark_countries_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + suffix))
            .string();
    std::ofstream out(path_, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A little-endian .mo image holding one entry, msgid -> msgstr (mo_file_test.cc tests the format).
std::string OneEntryMo(const std::string& msgid, const std::string& msgstr) {
  std::string out;
  auto put = [&](std::size_t v) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  for (std::size_t v : {std::size_t{0x950412de}, std::size_t{0}, std::size_t{1}, std::size_t{28},
                        std::size_t{36}, std::size_t{0}, std::size_t{44}}) {
    put(v);  // magic, revision, count, msgid table, msgstr table, hash size, hash offset
  }
  put(msgid.size());
  put(44);
  put(msgstr.size());
  put(44 + msgid.size() + 1);
  return out + msgid + '\0' + msgstr + '\0';
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Uses the real Debian iso-codes files, which the build environment provides.
class RealCountriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Countries::Load(kDefaultIsoCodesJsonPath, Countries::DefaultMoPaths());
    ASSERT_TRUE(r.ok()) << r.status().message();
    countries_ = std::move(r).value();
  }
  std::unique_ptr<Countries> countries_;
};

TEST_F(RealCountriesTest, TranslatesNames) {
  EXPECT_EQ(countries_->Name("GRC", "en"), "Greece");
  EXPECT_EQ(countries_->Name("GRC", "fr"), "Grèce");
  EXPECT_EQ(countries_->Name("GRC", "es"), "Grecia");
  EXPECT_EQ(countries_->Name("EGY", "fr"), "Égypte");
  EXPECT_GE(countries_->size(), 240u);
}

TEST_F(RealCountriesTest, GivesNumericCodes) {
  EXPECT_EQ(countries_->Numeric("AFG"), "004");
  EXPECT_EQ(countries_->Numeric("BGD"), "050");
  EXPECT_EQ(countries_->Numeric("USA"), "840");
  EXPECT_EQ(countries_->Numeric("afg"), "");
  EXPECT_EQ(countries_->Numeric("XKX"), "");
}

TEST_F(RealCountriesTest, PrefersCommonNames) {
  EXPECT_EQ(countries_->Name("BOL", "en"), "Bolivia");
  EXPECT_EQ(countries_->Name("BOL", "fr"), "Bolivie");
  EXPECT_EQ(countries_->Name("TWN", "en"), "Taiwan");
  EXPECT_EQ(countries_->Name("TWN", "fr"), "Taïwan");
  EXPECT_EQ(countries_->Name("TWN", "es"), "Taiwán");
}

TEST_F(RealCountriesTest, FallsBack) {
  EXPECT_EQ(countries_->Name("GRC", "de"), "Greece");  // no German catalogue loaded
  EXPECT_EQ(countries_->Name("GRC", ""), "Greece");
  EXPECT_EQ(countries_->Name("XXX", "fr"), "XXX");
  EXPECT_EQ(countries_->Name("grc", "en"), "grc");
  EXPECT_EQ(countries_->Name("", "es"), "");
}

TEST_F(RealCountriesTest, ValidatesAlpha3) {
  EXPECT_TRUE(countries_->IsValidAlpha3("GRC"));
  EXPECT_TRUE(countries_->IsValidAlpha3("ALA"));
  EXPECT_FALSE(countries_->IsValidAlpha3("grc"));
  EXPECT_FALSE(countries_->IsValidAlpha3("Grc"));
  EXPECT_FALSE(countries_->IsValidAlpha3("XXX"));
  EXPECT_FALSE(countries_->IsValidAlpha3("GR"));
  EXPECT_FALSE(countries_->IsValidAlpha3("GRCC"));
  EXPECT_FALSE(countries_->IsValidAlpha3(""));
  const CountryDirectory& directory = *countries_;  // usable through the core interface
  EXPECT_TRUE(directory.IsValidAlpha3("ESP"));
  EXPECT_EQ(directory.Name("ESP", "es"), "España");
}

std::size_t IndexOf(const std::vector<std::pair<std::string, std::string>>& list, const std::string& code) {
  auto it = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.first == code; });
  return static_cast<std::size_t>(it - list.begin());
}

TEST_F(RealCountriesTest, SortedFrenchPutsEgypteAmongTheEs) {
  const auto list = countries_->Sorted("fr");
  ASSERT_EQ(list.size(), countries_->size());
  for (const auto& [code, name] : list) EXPECT_EQ(name, countries_->Name(code, "fr"));
  for (std::size_t i = 1; i < list.size(); ++i) {
    EXPECT_LE(FoldForSort(list[i - 1].second), FoldForSort(list[i].second)) << "at " << i;
  }
  // The names starting with E or É form one contiguous run, and Égypte is in it (a byte-wise sort
  // would put it after Zimbabwe).
  auto starts_with_e = [](const std::string& name) { return FoldForSort(name).front() == 'e'; };
  const std::size_t egypt = IndexOf(list, "EGY");
  ASSERT_LT(egypt, list.size());
  EXPECT_EQ(list[egypt].second, "Égypte");
  const auto first_e =
      std::find_if(list.begin(), list.end(), [&](const auto& p) { return starts_with_e(p.second); });
  const auto end_e =
      std::find_if(first_e, list.end(), [&](const auto& p) { return !starts_with_e(p.second); });
  EXPECT_EQ(std::count_if(list.begin(), list.end(), [&](const auto& p) { return starts_with_e(p.second); }),
            end_e - first_e);
  EXPECT_GE(end_e - first_e, 5);
  EXPECT_LE(first_e - list.begin(), static_cast<std::ptrdiff_t>(egypt));
  EXPECT_LT(static_cast<std::ptrdiff_t>(egypt), end_e - list.begin());
  EXPECT_LT(egypt, IndexOf(list, "ESP"));                 // Égypte < Espagne
  EXPECT_LT(IndexOf(list, "ECU"), IndexOf(list, "ESP"));  // Équateur < Espagne
  EXPECT_LT(IndexOf(list, "DMA"), egypt);                 // Dominique < Égypte
  EXPECT_LT(egypt, IndexOf(list, "ZWE"));
}

TEST_F(RealCountriesTest, SortedEnglishFoldsAccents) {
  const auto list = countries_->Sorted("en");
  ASSERT_EQ(list.size(), countries_->size());
  // Åland Islands sits between Afghanistan and Albania.
  EXPECT_EQ(IndexOf(list, "AFG") + 1, IndexOf(list, "ALA"));
  EXPECT_EQ(IndexOf(list, "ALA") + 1, IndexOf(list, "ALB"));
  EXPECT_EQ(list[IndexOf(list, "ALA")].second, "Åland Islands");
  EXPECT_EQ(countries_->Sorted("de"), list);  // a language without a catalogue sorts the English names
}

TEST_F(RealCountriesTest, SortedSpanish) {
  const auto list = countries_->Sorted("es");
  ASSERT_EQ(list.size(), countries_->size());
  for (const auto& [code, name] : list) EXPECT_EQ(name, countries_->Name(code, "es"));
  EXPECT_EQ(list.front().first, "AFG");  // Afganistán
}

TEST(FoldForSortTest, FoldsLatinAccentsAndCase) {
  EXPECT_EQ(FoldForSort("Égypte"), "egypte");
  EXPECT_EQ(FoldForSort("Åland, Îles"), "aland, iles");
  EXPECT_EQ(FoldForSort("Curaçao"), "curacao");
  EXPECT_EQ(FoldForSort("España"), "espana");
  EXPECT_EQ(FoldForSort("Œuvre Straße Łódź"), "oeuvre strasse lodz");
  EXPECT_EQ(FoldForSort("2×3"), "2×3");        // not a letter: kept
  EXPECT_EQ(FoldForSort("Ελλάδα"), "Ελλάδα");  // outside the table: kept byte for byte
  EXPECT_EQ(FoldForSort("ab\xC3"), "ab\xC3");  // truncated UTF-8: kept, no read past the end
  EXPECT_EQ(FoldForSort(std::string("\xC3") + "A"), std::string("\xC3") + "a");  // no continuation byte
  EXPECT_EQ(FoldForSort(""), "");
}

TEST(CountriesLoadTest, FallsBackThroughCommonNameNameAndEnglish) {
  TempFile json(R"js({"3166-1": [
      {"alpha_2": "GR", "alpha_3": "GRC", "name": "Greece"},
      {"alpha_3": "BOL", "name": "Bolivia, Plurinational State of", "common_name": "Bolivia (test)"},
      {"alpha_3": "ZZZ", "name": "Nowhere"}]})js",
                ".json");
  auto r = Countries::Load(json.path(), {{"fr", Countries::DefaultMoPaths().at("fr")}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const Countries& c = **r;
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.Name("GRC", "fr"), "Grèce");
  EXPECT_EQ(c.Name("BOL", "en"), "Bolivia (test)");
  EXPECT_EQ(c.Name("BOL", "fr"), "Bolivie, état plurinational de");  // common_name untranslated: name
  EXPECT_EQ(c.Name("ZZZ", "fr"), "Nowhere");                         // neither translated: English
  EXPECT_EQ(c.Name("GRC", "es"), "Greece");                          // no Spanish catalogue loaded
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"BOL", "Bolivie, état plurinational de"}, {"GRC", "Grèce"}, {"ZZZ", "Nowhere"}};
  EXPECT_EQ(c.Sorted("fr"), expected);
}

Status LoadError(const std::string& json_text, std::map<std::string, std::string> mo_paths = {}) {
  TempFile json(json_text, ".json");
  auto r = Countries::Load(json.path(), mo_paths);
  if (r.ok()) return Status::Ok();
  // Replace the temporary path so that tests can compare whole messages.
  std::string m = r.status().message();
  for (std::size_t at; (at = m.find(json.path())) != std::string::npos;)
    m.replace(at, json.path().size(), "F");
  return Status(r.status().kind(), m);
}

TEST(CountriesLoadTest, RejectsBadJson) {
  EXPECT_TRUE(Contains(LoadError("{\"3166-1\": [").message(), "F: not valid JSON: "));
  EXPECT_EQ(LoadError("[]").message(), "F: expected an object with a \"3166-1\" array");
  EXPECT_EQ(LoadError(R"({"3166-1": {}})").message(), "F: expected an object with a \"3166-1\" array");
  EXPECT_EQ(LoadError(R"({"3166-1": []})").message(), "F: the \"3166-1\" array is empty");
  EXPECT_EQ(LoadError(R"({"3166-1": [7]})").message(), "F: entry 0 is not an object");
  EXPECT_EQ(LoadError(R"({"3166-1": [{"name": "Greece"}]})").message(), "F: entry 0 has no \"alpha_3\"");
  EXPECT_EQ(LoadError(R"({"3166-1": [{"alpha_3": "GRC"}]})").message(), "F: entry 0 has no \"name\"");
  EXPECT_EQ(LoadError(R"({"3166-1": [{"alpha_3": "GRC", "name": 3}]})").message(),
            "F: entry 0: \"name\" is not a string");
  EXPECT_EQ(LoadError(R"({"3166-1": [{"alpha_3": "GRC", "name": "Greece", "common_name": ""}]})").message(),
            "F: entry 0: \"common_name\" is empty");
  EXPECT_EQ(LoadError(R"({"3166-1": [{"alpha_3": "grc", "name": "Greece"}]})").message(),
            "F: entry 0: alpha_3 \"grc\" is not three letters A-Z");
  EXPECT_EQ(LoadError(R"({"3166-1": [{"alpha_3": "GRC", "name": "A"}, {"alpha_3": "GRC", "name": "B"}]})")
                .message(),
            "F: alpha_3 \"GRC\" appears twice");
  const Status bad_utf8 = LoadError("{\"3166-1\": [{\"alpha_3\": \"GRC\", \"name\": \"Gr\xC3\"}]}");
  EXPECT_TRUE(Contains(bad_utf8.message(), "F: not valid JSON: ")) << bad_utf8.message();
  EXPECT_TRUE(Contains(bad_utf8.message(), "ill-formed UTF-8")) << bad_utf8.message();
}

TEST(CountriesLoadTest, RejectsMissingFiles) {
  auto r = Countries::Load("/nonexistent/iso_3166-1.json", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(r.status().message(), "cannot open /nonexistent/iso_3166-1.json: No such file or directory");

  r = Countries::Load(kDefaultIsoCodesJsonPath, {{"fr", "/nonexistent/fr.mo"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(r.status().message(), "cannot open .mo file /nonexistent/fr.mo: No such file or directory");
}

TEST(CountriesLoadTest, RejectsBadCatalogues) {
  const std::string good_json = R"({"3166-1": [{"alpha_3": "GRC", "name": "Greece"}]})";
  TempFile garbage("not a catalogue, just some text of reasonable length", ".mo");
  const Status s = LoadError(good_json, {{"fr", garbage.path()}});
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidArgument);
  EXPECT_TRUE(Contains(s.message(), garbage.path() + ": not a GNU .mo file (bad magic")) << s.message();

  TempFile latin1(OneEntryMo("Greece", std::string("Gr\xE8") + "ce"), ".mo");
  EXPECT_EQ(LoadError(good_json, {{"fr", latin1.path()}}).message(),
            latin1.path() + ": the translation of \"Greece\" is not valid UTF-8");

  TempFile good_mo(OneEntryMo("Greece", "Grèce"), ".mo");
  EXPECT_TRUE(LoadError(good_json, {{"fr", good_mo.path()}}).ok());

  EXPECT_EQ(LoadError(good_json, {{"en", Countries::DefaultMoPaths().at("fr")}}).message(),
            "country names: no .mo catalogue may be given for language \"en\" (" +
                Countries::DefaultMoPaths().at("fr") + "); English comes from the JSON");
}

}  // namespace
}  // namespace waymark::i18n
