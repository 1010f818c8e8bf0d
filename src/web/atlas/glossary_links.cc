#include "web/atlas/glossary_links.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "web/helpers.h"

namespace waymark::web::atlas_web {
namespace {

// ASCII-insensitive comparison of `term` with `text` at `at`; bytes above
// 0x7F (accented letters) compare as they are.
bool MatchesAt(std::string_view text, std::size_t at, std::string_view term) {
  if (at + term.size() > text.size()) return false;
  for (std::size_t i = 0; i < term.size(); ++i) {
    auto a = static_cast<unsigned char>(text[at + i]);
    auto b = static_cast<unsigned char>(term[i]);
    if (a < 0x80 && b < 0x80) {
      if (std::tolower(a) != std::tolower(b)) return false;
    } else if (a != b) {
      return false;
    }
  }
  return true;
}

// A letter or digit of a word: ASCII alphanumerics and any byte of a
// multi-byte UTF-8 sequence (accented letters).
bool WordByte(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || std::isalnum(u) != 0;
}

// Elements whose text is never linked.
bool Skipped(std::string_view name) {
  static const char* const kNames[] = {"a",  "h1",   "h2",  "h3",     "h4",   "h5",
                                       "h6", "code", "pre", "script", "style"};
  return std::any_of(std::begin(kNames), std::end(kNames), [&](const char* n) { return name == n; });
}

}  // namespace

std::string LinkGlossaryTerms(std::string_view html, std::vector<LinkTerm> terms) {
  std::erase_if(terms, [](const LinkTerm& t) { return t.text.size() < 3 || t.slug.empty(); });
  std::stable_sort(terms.begin(), terms.end(),
                   [](const LinkTerm& a, const LinkTerm& b) { return a.text.size() > b.text.size(); });
  std::set<std::string> linked;  // slugs already linked once
  std::string out;
  out.reserve(html.size() + 256);
  int skip_depth = 0;
  std::size_t i = 0;
  while (i < html.size()) {
    if (html[i] == '<') {
      std::size_t end = html.find('>', i);
      if (end == std::string_view::npos) {
        out.append(html.substr(i));
        break;
      }
      std::string_view tag = html.substr(i + 1, end - i - 1);
      bool closing = !tag.empty() && tag.front() == '/';
      if (closing) tag.remove_prefix(1);
      std::size_t name_end = tag.find_first_of(" \t\n/");
      std::string name(tag.substr(0, name_end));
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      bool self_closing = !tag.empty() && tag.back() == '/';
      if (Skipped(name) && !self_closing) skip_depth += closing ? -1 : 1;
      skip_depth = std::max(skip_depth, 0);
      out.append(html.substr(i, end - i + 1));
      i = end + 1;
      continue;
    }
    // A run of text up to the next tag.
    std::size_t next = html.find('<', i);
    if (next == std::string_view::npos) next = html.size();
    std::string_view run = html.substr(i, next - i);
    if (skip_depth > 0) {
      out.append(run);
      i = next;
      continue;
    }
    std::size_t j = 0;
    while (j < run.size()) {
      bool at_word_start = j == 0 || !WordByte(run[j - 1]);
      const LinkTerm* hit = nullptr;
      if (at_word_start && run[j] != '&') {
        for (const auto& t : terms) {
          if (linked.count(t.slug)) continue;
          if (!MatchesAt(run, j, t.text)) continue;
          std::size_t after = j + t.text.size();
          if (after < run.size() && WordByte(run[after])) continue;
          hit = &t;
          break;
        }
      }
      if (hit == nullptr) {
        out.push_back(run[j]);
        ++j;
        continue;
      }
      linked.insert(hit->slug);
      out += "<a class=\"term\" href=\"/atlas/glossary/" + XmlEscape(hit->slug) + "\" title=\"" +
             XmlEscape(hit->definition) + "\">";
      out.append(run.substr(j, hit->text.size()));
      out += "</a>";
      j += hit->text.size();
    }
    i = next;
  }
  return out;
}

}  // namespace waymark::web::atlas_web
