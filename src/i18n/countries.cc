#include "i18n/countries.h"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <system_error>
#include <tuple>

#include "core/strings.h"
#include "i18n/mo_file.h"

namespace waymark::i18n {
namespace {

constexpr std::string_view kEnglish = "en";
constexpr std::size_t kMaxJsonBytes = 64u << 20;

Result<std::string> ReadTextFile(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return Status::NotFound("cannot open " + path +
                            (err != 0 ? ": " + std::generic_category().message(err) : std::string()));
  }
  std::string text;
  char buf[1 << 14];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxJsonBytes) {
      return Status::InvalidArgument(path + ": larger than " + std::to_string(kMaxJsonBytes) + " bytes");
    }
  }
  if (in.bad()) return Status::Internal("cannot read " + path);
  return text;
}

bool IsUpperAlpha3(std::string_view s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

struct Entry {
  std::string alpha3;
  std::string name;         // the ISO short name; the msgid in the catalogues
  std::string common_name;  // empty when the entry has none
  std::string numeric;      // "004"; empty when the entry has none
};

// Parses the iso_3166-1.json text: {"3166-1": [{"alpha_3": "GRC", "name": "Greece", ...}, ...]}.
Result<std::vector<Entry>> ParseIsoJson(const std::string& text, const std::string& path) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument(path + ": not valid JSON: " + e.what());
  }
  if (!doc.is_object() || !doc.contains("3166-1") || !doc["3166-1"].is_array()) {
    return Status::InvalidArgument(path + ": expected an object with a \"3166-1\" array");
  }
  const auto& list = doc["3166-1"];
  if (list.empty()) return Status::InvalidArgument(path + ": the \"3166-1\" array is empty");
  std::vector<Entry> entries;
  entries.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& item = list[i];
    const std::string where = path + ": entry " + std::to_string(i);
    if (!item.is_object()) return Status::InvalidArgument(where + " is not an object");
    // Returns the string field `key`, or an error; `required` false allows it to be absent.
    auto field = [&](const char* key, bool required, std::string& out) -> Status {
      auto it = item.find(key);
      if (it == item.end()) {
        return required ? Status::InvalidArgument(where + " has no \"" + key + "\"") : Status::Ok();
      }
      if (!it->is_string()) return Status::InvalidArgument(where + ": \"" + key + "\" is not a string");
      out = it->get<std::string>();  // the parser has already rejected ill-formed UTF-8
      if (out.empty()) return Status::InvalidArgument(where + ": \"" + key + "\" is empty");
      return Status::Ok();
    };
    Entry e;
    WM_RETURN_IF_ERROR(field("alpha_3", true, e.alpha3));
    WM_RETURN_IF_ERROR(field("name", true, e.name));
    WM_RETURN_IF_ERROR(field("common_name", false, e.common_name));
    WM_RETURN_IF_ERROR(field("numeric", false, e.numeric));
    if (!IsUpperAlpha3(e.alpha3)) {
      return Status::InvalidArgument(where + ": alpha_3 \"" + e.alpha3 + "\" is not three letters A-Z");
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

// The catalogue's translation of `msgid`, or nullptr when it has none (absent or empty msgstr).
const std::string* Lookup(const std::map<std::string, std::string>& catalogue, const std::string& msgid) {
  if (msgid.empty()) return nullptr;
  auto it = catalogue.find(msgid);
  return it == catalogue.end() || it->second.empty() ? nullptr : &it->second;
}

// Fold table for U+00C0..U+017F: the lower-case ASCII base letters, or nullptr to keep the
// character (× and ÷).
// clang-format off
constexpr const char* kFold[] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",          // U+00C0
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "ss",     // U+00D0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",          // U+00E0
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "y",      // U+00F0
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",           // U+0100
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",           // U+0110
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",           // U+0120
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",         // U+0130
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",           // U+0140
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",         // U+0150
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",           // U+0160
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",           // U+0170
};
// clang-format on
static_assert(std::size(kFold) == 0x180 - 0xC0);

}  // namespace

std::string FoldForSort(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 >= 'A' && b0 <= 'Z') {
      out += static_cast<char>(b0 - 'A' + 'a');
      continue;
    }
    // U+00C0..U+017F are the two-byte sequences C3 80 .. C5 BF.
    if (b0 >= 0xC3 && b0 <= 0xC5 && i + 1 < s.size()) {
      const auto b1 = static_cast<unsigned char>(s[i + 1]);
      if ((b1 & 0xC0) == 0x80) {
        const unsigned cp = ((b0 & 0x1Fu) << 6) | (b1 & 0x3Fu);
        if (cp >= 0xC0 && kFold[cp - 0xC0] != nullptr) {
          out += kFold[cp - 0xC0];
          ++i;
          continue;
        }
      }
    }
    out += static_cast<char>(b0);
  }
  return out;
}

Result<std::unique_ptr<Countries>> Countries::Load(
    const std::string& iso_codes_json_path, const std::map<std::string, std::string>& mo_paths_by_lang) {
  WM_ASSIGN_OR_RETURN(std::string text, ReadTextFile(iso_codes_json_path));
  WM_ASSIGN_OR_RETURN(std::vector<Entry> entries, ParseIsoJson(text, iso_codes_json_path));

  std::unique_ptr<Countries> c(new Countries());
  NameMap& english = c->names_[std::string(kEnglish)];
  for (const Entry& e : entries) {
    const std::string& display = e.common_name.empty() ? e.name : e.common_name;
    if (!english.emplace(e.alpha3, display).second) {
      return Status::InvalidArgument(iso_codes_json_path + ": alpha_3 \"" + e.alpha3 + "\" appears twice");
    }
    if (!e.numeric.empty()) c->numeric_.emplace(e.alpha3, e.numeric);
  }

  for (const auto& [lang, path] : mo_paths_by_lang) {
    if (lang.empty() || lang == kEnglish) {
      std::string m = "country names: no .mo catalogue may be given for language \"";
      m.append(lang).append("\" (").append(path).append("); English comes from the JSON");
      return Status::InvalidArgument(m);
    }
    WM_ASSIGN_OR_RETURN(auto catalogue, ReadMoFile(path));
    NameMap names;
    for (const Entry& e : entries) {
      const std::string* msgid = &e.common_name;
      const std::string* t = Lookup(catalogue, *msgid);
      if (t == nullptr) {
        msgid = &e.name;
        t = Lookup(catalogue, *msgid);
      }
      if (t != nullptr && !IsValidUtf8(*t)) {
        return Status::InvalidArgument(path + ": the translation of \"" + *msgid + "\" is not valid UTF-8");
      }
      names.emplace(e.alpha3, t != nullptr ? *t : english.at(e.alpha3));
    }
    c->names_.emplace(lang, std::move(names));
  }

  for (const auto& [lang, names] : c->names_) {
    std::vector<std::tuple<std::string, std::string, std::string>> keyed;  // (fold, name, code)
    keyed.reserve(names.size());
    for (const auto& [code, name] : names) keyed.emplace_back(FoldForSort(name), name, code);
    std::sort(keyed.begin(), keyed.end());
    SortedList& list = c->sorted_[lang];
    list.reserve(keyed.size());
    for (auto& [fold, name, code] : keyed) list.emplace_back(std::move(code), std::move(name));
  }
  return c;
}

std::map<std::string, std::string> Countries::DefaultMoPaths() {
  return {{"es", "/usr/share/locale/es/LC_MESSAGES/iso_3166-1.mo"},
          {"fr", "/usr/share/locale/fr/LC_MESSAGES/iso_3166-1.mo"}};
}

bool Countries::IsValidAlpha3(std::string_view code) const { return English().count(code) != 0; }

std::string Countries::Numeric(std::string_view code) const {
  auto it = numeric_.find(code);
  return it == numeric_.end() ? std::string() : it->second;
}

std::string Countries::Name(std::string_view code, std::string_view lang) const {
  const NameMap& names = NamesFor(lang);
  auto it = names.find(code);
  return it == names.end() ? std::string(code) : it->second;
}

std::vector<std::pair<std::string, std::string>> Countries::Sorted(std::string_view lang) const {
  auto it = sorted_.find(lang);
  if (it == sorted_.end()) it = sorted_.find(kEnglish);
  return it->second;
}

const Countries::NameMap& Countries::English() const { return names_.find(kEnglish)->second; }

const Countries::NameMap& Countries::NamesFor(std::string_view lang) const {
  auto it = names_.find(lang);
  return it == names_.end() ? English() : it->second;
}

}  // namespace waymark::i18n
