// Search queries as readers send them: a query string (q=, the facet filters,
// facet=, sort=, lang=, page=, per_page=) decoded into a search::Query and run
// against a small Xapian index, which folds and stems the words
// (ParseWords), ranks and builds snippets. Also FoldText and ForEachWord on
// the raw input.
//
// The checks the web layer makes before a query gets here (known countries,
// statuses, years) live in WebApp::CampaignQueryFromRequest, which needs a
// WebApp; the fuzz target applies only the bounds that keep one query cheap
// (q up to 500 bytes, per_page up to 100, page up to 1000), so the index sees
// the same kinds of input without the validation.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/strings.h"
#include "domain/search/search.h"
#include "http/message.h"
#include "search/fold.h"
#include "search/xapian_index.h"

namespace search = waymark::search;

namespace {

std::string g_dir;
std::unique_ptr<search::Index> g_index;

search::Document Doc(search::Id id, const std::string& lang, const std::string& title,
                     const std::string& body, std::map<std::string, std::vector<std::string>> facets,
                     std::vector<std::string> audience) {
  search::Document d;
  d.kind = id % 2 ? "campaign" : "post";
  d.id = id;
  d.texts[lang] = {title, body};
  d.facets = std::move(facets);
  d.audience = std::move(audience);
  d.date = 1440000000000 + id * 86400000;
  return d;
}

void RemoveIndex() { std::filesystem::remove_all(g_dir); }

int ToInt(const std::string& s, int lo, int hi) {
  int n = 0;
  for (char c : s) {
    if (c < '0' || c > '9' || n > hi) return lo;
    n = n * 10 + (c - '0');
  }
  return n < lo || n > hi ? lo : n;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "waymark-fuzz-search.XXXXXX").string();
  if (!mkdtemp(tmpl.data())) std::abort();
  g_dir = tmpl;
  std::atexit(RemoveIndex);
  auto index = search::OpenXapianIndex(g_dir);
  if (!index.ok()) std::abort();
  g_index = std::move(*index);
  const search::Document docs[] = {
      Doc(1, "en", "I am a Migrant", "Posters and *stories* of migrants in London: 'I am an Immigrant'.",
          {{"country", {"GBR"}}, {"theme", {"xenophobia"}}, {"year", {"2015"}}, {"lang", {"en"}}},
          {"public"}),
      Doc(2, "fr", "Les migrants contribuent",
          "La participation civique, le droit de vote à l'échelle locale.",
          {{"country", {"FRA", "CHE"}}, {"theme", {"inclusion"}}, {"lang", {"fr"}}}, {"members"}),
      Doc(3, "es", "Migración y medio ambiente", "Desplazamiento por **desastres** naturales; año 2015.",
          {{"country", {"ESP"}}, {"status", {"running"}}, {"lang", {"es"}}}, {"org:1"}),
      Doc(4, "en", "Missing Migrants", "2,812 deaths in the Mediterranean | routes | evidence",
          {{"country", {"GRC", "ITA"}}, {"channel", {"video"}}, {"kind", {"post"}}}, {"public"}),
  };
  for (const auto& d : docs) {
    if (!g_index->Upsert(d).ok()) std::abort();
  }
  if (!g_index->Commit(1).ok()) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)search::FoldText(in);
  search::ForEachWord(in, [&](std::size_t begin, std::size_t end, std::string_view folded) {
    if (begin >= end || end > in.size() || folded.empty() || folded.size() > search::kMaxWordBytes) {
      std::abort();
    }
  });

  std::vector<std::pair<std::string, std::string>> pairs;
  std::string error;
  if (!waymark::http::ParseUrlEncoded(in, pairs, error)) return 0;
  search::Query q;
  int page = 1;
  for (const auto& [key, value] : pairs) {
    if (key == "q") {
      if (value.size() > 500) return 0;
      q.text = std::string(waymark::TrimAscii(value));
    } else if (key == "facet") {
      q.facets.push_back(value);
    } else if (key == "sort") {
      q.newest_first = value == "newest";
    } else if (key == "lang") {
      q.lang = value;
    } else if (key == "audience") {
      q.audience.push_back(value);
    } else if (key == "page") {
      page = ToInt(value, 1, 1000);
    } else if (key == "per_page") {
      q.limit = ToInt(value, 1, 100);
    } else if (value.size() <= 100) {
      q.filters[key].push_back(value);
    }
  }
  q.offset = (page - 1) * q.limit;
  auto results = g_index->Search(q);
  if (!results.ok()) return 0;  // an unknown facet is refused
  if (results->hits.size() > static_cast<std::size_t>(q.limit)) std::abort();
  return 0;
}
