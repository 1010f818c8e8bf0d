// Search benchmark: the Xapian index (src/search) against SQLite FTS5 with
// bm25, on the same synthetic EN/FR/ES documents and the same queries.
//
//   search_bench --docs 100000 --dir /tmp/x [--queries 1000] [--seed 1]
//                [--check 20000] [--keep] [--no-sqlite]
//
// Documents are generated from the seed (doc i from (seed, i)), so both
// engines get the same ones without holding them all in memory. Queries are
// a fixed, seeded mix of 1-3 words (accents kept or dropped, some capitalised,
// some inflected), 40 % with one facet filter and 20 % with two, every facet
// counted, 20 per page. Latencies are per query, one query at a time.
#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "domain/search/search.h"
#include "search/fold.h"
#include "search/xapian_index.h"

namespace {

using waymark::search::Document;
using waymark::search::Query;
using Clock = std::chrono::steady_clock;

// --- vocabulary -------------------------------------------------------------

// Real words first (drawn with a Zipf-like bias), then generated long-tail words.
const std::vector<std::string> kEnWords = {
    "migration",      "migrants",     "migrant",       "refugees",   "refugee",     "campaign",
    "campaigns",      "inclusion",    "integration",   "xenophobia", "racism",      "community",
    "communities",    "rights",       "workers",       "labour",     "children",    "families",
    "women",          "young",        "people",        "public",     "perception",  "change",
    "media",          "stories",      "story",         "voices",     "asylum",      "border",
    "borders",        "citizens",     "citizenship",   "local",      "national",    "european",
    "policy",         "support",      "welcome",       "housing",    "education",   "school",
    "schools",        "health",       "employment",    "jobs",       "language",    "languages",
    "culture",        "diversity",    "solidarity",    "protection", "detention",   "deportation",
    "discrimination", "hate",         "speech",        "online",     "social",      "posters",
    "video",          "events",       "festival",      "exhibition", "photography", "volunteers",
    "network",        "organisation", "partners",      "cities",     "city",        "town",
    "neighbours",     "dialogue",     "participation", "climate",    "environment", "displacement",
    "mobility",       "students",     "teachers",      "training",   "awareness",   "myths",
    "facts",          "data",         "report",        "research",   "history",     "memory",
    "identity",       "belonging",    "home",          "journey",    "arrival",     "reception",
    "mentoring",      "football",     "sport",         "music",      "food",        "kitchen",
    "theatre"};
const std::vector<std::string> kFrWords = {
    "migration",      "migrants",    "migrant",       "réfugiés",   "réfugié",         "campagne",
    "campagnes",      "inclusion",   "intégration",   "xénophobie", "racisme",         "communauté",
    "communautés",    "droits",      "travailleurs",  "travail",    "enfants",         "familles",
    "femmes",         "jeunes",      "personnes",     "public",     "perception",      "changement",
    "médias",         "histoires",   "histoire",      "voix",       "asile",           "frontière",
    "frontières",     "citoyens",    "citoyenneté",   "local",      "national",        "européen",
    "politique",      "soutien",     "accueil",       "logement",   "éducation",       "école",
    "écoles",         "santé",       "emploi",        "métiers",    "langue",          "langues",
    "culture",        "diversité",   "solidarité",    "protection", "rétention",       "expulsion",
    "discrimination", "haine",       "discours",      "réseaux",    "sociaux",         "affiches",
    "vidéo",          "événements",  "festival",      "exposition", "photographie",    "bénévoles",
    "réseau",         "association", "partenaires",   "villes",     "ville",           "quartier",
    "voisins",        "dialogue",    "participation", "climat",     "environnement",   "déplacement",
    "mobilité",       "étudiants",   "enseignants",   "formation",  "sensibilisation", "préjugés",
    "faits",          "données",     "rapport",       "recherche",  "mémoire",         "identité",
    "appartenance",   "maison",      "parcours",      "arrivée",    "étrangers",       "étranger",
    "parrainage",     "football",    "sport",         "musique",    "cuisine",         "théâtre",
    "égalité"};
const std::vector<std::string> kEsWords = {
    "migración",   "migrantes",  "migrante",        "refugiados",  "refugiado",
    "campaña",     "campañas",   "inclusión",       "integración", "xenofobia",
    "racismo",     "comunidad",  "comunidades",     "derechos",    "trabajadores",
    "trabajo",     "niños",      "familias",        "mujeres",     "jóvenes",
    "personas",    "público",    "percepción",      "cambio",      "medios",
    "historias",   "historia",   "voces",           "asilo",       "frontera",
    "fronteras",   "ciudadanos", "ciudadanía",      "local",       "nacional",
    "europeo",     "política",   "apoyo",           "acogida",     "vivienda",
    "educación",   "escuela",    "escuelas",        "salud",       "empleo",
    "oficios",     "idioma",     "idiomas",         "cultura",     "diversidad",
    "solidaridad", "protección", "detención",       "deportación", "discriminación",
    "odio",        "discurso",   "redes",           "sociales",    "carteles",
    "vídeo",       "eventos",    "festival",        "exposición",  "fotografía",
    "voluntarios", "red",        "asociación",      "socios",      "ciudades",
    "ciudad",      "barrio",     "vecinos",         "diálogo",     "participación",
    "clima",       "ambiente",   "desplazamiento",  "movilidad",   "estudiantes",
    "profesores",  "formación",  "sensibilización", "mitos",       "hechos",
    "datos",       "informe",    "investigación",   "memoria",     "identidad",
    "pertenencia", "hogar",      "camino",          "llegada",     "extranjeros",
    "extranjero",  "mentoría",   "fútbol",          "deporte",     "música",
    "cocina",      "teatro",     "igualdad"};
const std::vector<std::string> kEnGlue = {"the", "a", "of", "and", "in", "for", "with", "to", "on", "about"};
const std::vector<std::string> kFrGlue = {"le", "la",   "les",  "des",  "de",
                                          "et", "pour", "avec", "dans", "sur"};
const std::vector<std::string> kEsGlue = {"el", "la", "los", "las", "de", "y", "para", "con", "en", "sobre"};

const std::vector<std::string> kCountries = {
    "GBR", "FRA", "ESP", "GRC", "ITA", "DEU", "PRT", "BEL", "NLD", "IRL", "SWE", "DNK", "NOR", "FIN",
    "POL", "HUN", "AUT", "CHE", "CZE", "ROU", "BGR", "HRV", "SVN", "MLT", "CYP", "TUR", "MAR", "TUN",
    "SEN", "MLI", "NGA", "SYR", "AFG", "UKR", "MEX", "COL", "VEN", "ARG", "CAN", "USA"};
const std::vector<std::string> kThemes = {
    "inclusion", "integration", "xenophobia", "public-perception", "labour-rights", "civic-participation",
    "climate",   "protection",  "children",   "education",         "health",        "housing"};
const std::vector<std::string> kChannels = {"posters", "video",        "social-media", "events",
                                            "press",   "crowdfunding", "radio",        "schools"};
const std::vector<std::string> kStatus = {"idea", "planned", "running", "ended"};
constexpr int kOrgs = 500;

// Syllables for the long tail (names of places, people, projects).
const std::vector<std::string> kSyllables = {"ka", "lo", "mi", "ra", "ne", "to", "sa", "vi", "do", "ré",
                                             "ña", "ço", "be", "lu", "ta", "mo", "ri", "pe", "gu", "zé"};

struct Lang {
  const char* code;
  const std::vector<std::string>* words;
  const std::vector<std::string>* glue;
};
const std::array<Lang, 3> kLangs = {
    {{"en", &kEnWords, &kEnGlue}, {"fr", &kFrWords, &kFrGlue}, {"es", &kEsWords, &kEsGlue}}};

// Index into a list of n with a Zipf-Mandelbrot bias: weight 1/(rank + 10), so
// the commonest word is in about a sixth of all documents, the median one in
// a few percent.
class Zipf {
 public:
  explicit Zipf(std::size_t n) {
    double sum = 0;
    for (std::size_t i = 1; i <= n; ++i) {
      sum += 1.0 / static_cast<double>(i + 10);
      cdf_.push_back(sum);
    }
    for (double& c : cdf_) c /= sum;
  }
  std::size_t operator()(std::mt19937_64& rng) const {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<std::size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

std::string TailWord(std::mt19937_64& rng) {
  // About 20^3 = 8000 distinct words, Zipf-ish through the repeated draw.
  std::uniform_int_distribution<std::size_t> syl(0, kSyllables.size() - 1);
  std::uniform_int_distribution<int> len(2, 4);
  std::string w;
  int n = len(rng);
  for (int i = 0; i < n; ++i) w += kSyllables[syl(rng) % (i == 0 ? kSyllables.size() : 10 + i * 3)];
  return w;
}

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : seed_(seed), zipf_(kEnWords.size()) {}

  std::string Sentence(std::mt19937_64& rng, const Lang& lang, int words, bool capital) const {
    std::string s;
    std::uniform_int_distribution<int> pct(0, 99);
    std::uniform_int_distribution<std::size_t> glue(0, lang.glue->size() - 1);
    for (int i = 0; i < words; ++i) {
      if (!s.empty()) s += ' ';
      int p = pct(rng);
      std::string w;
      if (p < 25) {
        w = (*lang.glue)[glue(rng)];
      } else if (p < 85) {
        w = (*lang.words)[zipf_(rng) % lang.words->size()];
      } else {
        w = TailWord(rng);
      }
      if (capital && i == 0 && !w.empty() && w[0] >= 'a' && w[0] <= 'z') w[0] = static_cast<char>(w[0] - 32);
      s += w;
    }
    return s;
  }

  Document Make(std::int64_t i) const {
    std::mt19937_64 rng(seed_ * 1000003ULL + static_cast<std::uint64_t>(i));
    std::uniform_int_distribution<int> pct(0, 99);
    Document d;
    d.kind = pct(rng) < 30 ? "campaign" : "post";
    d.id = i;
    const Lang& lang = kLangs[static_cast<std::size_t>(pct(rng) % 3)];
    std::uniform_int_distribution<int> title_len(3, 7);
    std::uniform_int_distribution<int> body_len(20, 40);
    std::string body =
        Sentence(rng, lang, body_len(rng), true) + ". " + Sentence(rng, lang, body_len(rng) / 2, true) + ".";
    d.texts[lang.code] = {Sentence(rng, lang, title_len(rng), true), body};
    auto pick = [&](const std::vector<std::string>& from, int max) {
      std::vector<std::string> out;
      std::uniform_int_distribution<int> count(1, max);
      std::uniform_int_distribution<std::size_t> idx(0, from.size() - 1);
      int n = count(rng);
      for (int k = 0; k < n; ++k) {
        // Skewed: low indexes are more common.
        std::size_t j = std::min(idx(rng), idx(rng));
        if (std::find(out.begin(), out.end(), from[j]) == out.end()) out.push_back(from[j]);
      }
      return out;
    };
    d.facets["country"] = pick(kCountries, 3);
    d.facets["theme"] = pick(kThemes, 2);
    d.facets["channel"] = pick(kChannels, 3);
    d.facets["status"] = {kStatus[static_cast<std::size_t>(pct(rng) % 4)]};
    std::uniform_int_distribution<int> org(1, kOrgs);
    d.facets["org"] = {"org-" + std::to_string(std::min(org(rng), org(rng)))};
    std::uniform_int_distribution<int> year(2010, 2026);
    int y = year(rng);
    d.facets["year"] = {std::to_string(y)};
    d.facets["lang"] = {lang.code};
    d.facets["kind"] = {d.kind};
    d.audience = {pct(rng) < 85 ? "public" : "members"};
    d.date = (static_cast<std::int64_t>(y - 1970) * 365 + pct(rng) * 3) * 86400000LL;
    return d;
  }

  std::vector<Query> Queries(int n) const {
    std::mt19937_64 rng(seed_ ^ 0x5eedULL);
    std::uniform_int_distribution<int> pct(0, 99);
    std::vector<Query> out;
    for (int i = 0; i < n; ++i) {
      Query q;
      const Lang& lang = kLangs[static_cast<std::size_t>(pct(rng) % 3)];
      int words = 1 + pct(rng) % 3;
      for (int w = 0; w < words; ++w) {
        std::string word = (*lang.words)[zipf_(rng) % lang.words->size()];
        int p = pct(rng);
        if (p < 30) word = waymark::search::FoldText(word);  // typed without accents
        if (p >= 90 && word[0] >= 'a' && word[0] <= 'z') word[0] = static_cast<char>(word[0] - 32);
        if (!q.text.empty()) q.text += ' ';
        q.text += word;
      }
      int f = pct(rng);
      int filters = f < 40 ? 1 : (f < 60 ? 2 : 0);
      std::vector<std::string> names = {"country", "theme", "year", "status", "lang", "channel", "org"};
      std::shuffle(names.begin(), names.end(), rng);
      for (int k = 0; k < filters; ++k) {
        const std::string& name = names[static_cast<std::size_t>(k)];
        std::vector<std::string> values;
        std::uniform_int_distribution<int> any(0, 1000000);
        if (name == "country") values = {kCountries[static_cast<std::size_t>(any(rng) % 12)]};
        if (name == "theme") values = {kThemes[static_cast<std::size_t>(any(rng) % kThemes.size())]};
        if (name == "year")
          values = {std::to_string(2010 + any(rng) % 17), std::to_string(2010 + any(rng) % 17)};
        if (name == "status") values = {kStatus[static_cast<std::size_t>(any(rng) % 4)]};
        if (name == "lang") values = {lang.code};
        if (name == "channel") values = {kChannels[static_cast<std::size_t>(any(rng) % kChannels.size())]};
        if (name == "org") values = {"org-" + std::to_string(1 + any(rng) % 50)};
        q.filters[name] = values;
      }
      q.facets.assign(std::begin(waymark::search::kFacets), std::end(waymark::search::kFacets));
      q.audience = {"public", "members"};
      q.lang = lang.code;
      q.limit = 20;
      out.push_back(std::move(q));
    }
    return out;
  }

 private:
  std::uint64_t seed_;
  Zipf zipf_;
};

// --- measuring ----------------------------------------------------------------

struct Stats {
  double p50 = 0, p95 = 0, p99 = 0, mean = 0, max = 0;
};

Stats Summarise(std::vector<double> ms) {
  Stats s;
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  auto at = [&](double p) {
    auto k = static_cast<std::size_t>(std::ceil(p * static_cast<double>(ms.size()))) - 1;
    return ms[std::min(k, ms.size() - 1)];
  };
  s.p50 = at(0.50);
  s.p95 = at(0.95);
  s.p99 = at(0.99);
  s.max = ms.back();
  double sum = 0;
  for (double v : ms) sum += v;
  s.mean = sum / static_cast<double>(ms.size());
  return s;
}

// CPU time of this thread: what a query cost, whatever else the machine is doing.
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::uintmax_t DirSize(const std::filesystem::path& p) {
  std::uintmax_t total = 0;
  std::error_code ec;
  if (std::filesystem::is_regular_file(p, ec)) return std::filesystem::file_size(p, ec);
  for (const auto& e : std::filesystem::recursive_directory_iterator(p, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "search_bench: %s\n", msg.c_str());
  std::exit(1);
}

// --- SQLite FTS5 reference -------------------------------------------------------

class Sqlite {
 public:
  explicit Sqlite(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK)
      Die("sqlite open: " + std::string(sqlite3_errmsg(db_)));
    Exec(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144; PRAGMA "
        "temp_store=MEMORY;");
  }
  ~Sqlite() {
    for (auto& [k, st] : cache_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : "?";
      sqlite3_free(err);
      Die("sqlite: " + m + " in: " + sql);
    }
  }
  sqlite3_stmt* Prep(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      Die("sqlite prepare: " + std::string(sqlite3_errmsg(db_)) + " in: " + sql);
    }
    cache_[sql] = st;
    return st;
  }
  sqlite3* db() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> cache_;
};

int FacetNo(const std::string& name) {
  for (std::size_t i = 0; i < std::size(waymark::search::kFacets); ++i) {
    if (name == waymark::search::kFacets[i]) return static_cast<int>(i);
  }
  return -1;
}

void SqliteIndex(Sqlite& s, const Generator& gen, std::int64_t n) {
  s.Exec(
      "CREATE TABLE docs(id INTEGER PRIMARY KEY, kind TEXT, date INTEGER, audience TEXT);"
      "CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2');"
      "CREATE TABLE facets(doc INTEGER, facet INTEGER, value TEXT, PRIMARY KEY(doc, facet, value)) WITHOUT "
      "ROWID;");
  s.Exec("BEGIN");
  for (std::int64_t i = 1; i <= n; ++i) {
    Document d = gen.Make(i);
    sqlite3_stmt* st = s.Prep("INSERT INTO docs(id, kind, date, audience) VALUES(?, ?, ?, ?)");
    sqlite3_bind_int64(st, 1, d.id);
    sqlite3_bind_text(st, 2, d.kind.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, d.date);
    sqlite3_bind_text(st, 4, d.audience.front().c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) Die("insert doc");
    const auto& t = d.texts.begin()->second;
    st = s.Prep("INSERT INTO fts(rowid, title, body) VALUES(?, ?, ?)");
    sqlite3_bind_int64(st, 1, d.id);
    sqlite3_bind_text(st, 2, t.title.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, t.body.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) Die("insert fts");
    for (const auto& [name, values] : d.facets) {
      for (const auto& v : values) {
        st = s.Prep("INSERT OR IGNORE INTO facets(doc, facet, value) VALUES(?, ?, ?)");
        sqlite3_bind_int64(st, 1, d.id);
        sqlite3_bind_int(st, 2, FacetNo(name));
        sqlite3_bind_text(st, 3, v.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) Die("insert facet");
      }
    }
    if (i % 20000 == 0) {
      s.Exec("COMMIT; BEGIN");
      std::fprintf(stderr, "\r  sqlite: %lld/%lld", static_cast<long long>(i), static_cast<long long>(n));
    }
  }
  s.Exec("COMMIT");
  s.Exec("CREATE INDEX facets_by_value ON facets(facet, value, doc); ANALYZE;");
  std::fprintf(stderr, "\n");
}

std::int64_t SqliteCount(Sqlite& s) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(s.db(), "SELECT count(*) FROM docs", -1, &st, nullptr) != SQLITE_OK) {
    sqlite3_finalize(st);
    return -1;
  }
  std::int64_t n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

// FTS5 MATCH expression: each word quoted, ANDed.
std::string FtsMatch(const std::string& text) {
  std::string out;
  waymark::search::ForEachWord(text, [&](std::size_t b, std::size_t e, std::string_view) {
    if (!out.empty()) out += ' ';
    out += '"' + text.substr(b, e - b) + '"';
  });
  return out;
}

// One search: matching ids into a temp table once, then the page (bm25, title
// weighted 4x, snippet) and one GROUP BY per facet (disjunctive: without the
// facet's own filter).
std::int64_t SqliteSearch(Sqlite& s, const Query& q) {
  std::string match = FtsMatch(q.text);
  s.Exec("DELETE FROM temp.m");
  sqlite3_stmt* st = s.Prep(
      "INSERT INTO temp.m(id) SELECT fts.rowid FROM fts JOIN docs ON docs.id = fts.rowid "
      "WHERE fts MATCH ? AND docs.audience IN ('public', 'members')");
  sqlite3_bind_text(st, 1, match.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st) != SQLITE_DONE) Die("fill m: " + std::string(sqlite3_errmsg(s.db())));
  sqlite3_reset(st);

  // Filters as SQL, values inlined (they come from the benchmark's own lists).
  auto where = [&](const std::string& skip) {
    std::string w;
    for (const auto& [name, values] : q.filters) {
      if (name == skip) continue;
      w += " AND m.id IN (SELECT doc FROM facets WHERE facet = " + std::to_string(FacetNo(name)) +
           " AND value IN (";
      for (std::size_t i = 0; i < values.size(); ++i) w += (i ? ",'" : "'") + values[i] + "'";
      w += "))";
    }
    return w;
  };
  std::int64_t total = 0;
  st = s.Prep("SELECT count(*) FROM temp.m WHERE 1" + where(""));
  if (sqlite3_step(st) == SQLITE_ROW) total = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);

  st = s.Prep(
      "SELECT fts.rowid, bm25(fts, 4.0, 1.0) AS score, snippet(fts, 1, '<mark>', '</mark>', '…', 24) "
      "FROM fts JOIN docs ON docs.id = fts.rowid WHERE fts MATCH ? AND fts.rowid IN (SELECT m.id FROM temp.m "
      "WHERE 1" +
      where("") + ") ORDER BY score, docs.date DESC LIMIT 20");
  sqlite3_bind_text(st, 1, match.c_str(), -1, SQLITE_TRANSIENT);
  int rows = 0;
  while (sqlite3_step(st) == SQLITE_ROW) ++rows;
  sqlite3_reset(st);

  for (const auto& name : q.facets) {
    st = s.Prep("SELECT f.value, count(*) FROM temp.m JOIN facets f ON f.doc = m.id AND f.facet = " +
                std::to_string(FacetNo(name)) + " WHERE 1" + where(name) + " GROUP BY f.value");
    while (sqlite3_step(st) == SQLITE_ROW) {
    }
    sqlite3_reset(st);
  }
  (void)rows;
  return total;
}

// --- main ---------------------------------------------------------------------

struct Args {
  std::int64_t docs = 100000;
  int queries = 1000;
  std::uint64_t seed = 1;
  int check = waymark::search::XapianIndexOptions{}.check_at_least;
  std::string dir;
  bool keep = false;
  bool sqlite = true;
  bool facets = true;
  int sqlite_queries = 0;  // 0: all of them
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value for " + k);
      return argv[++i];
    };
    if (k == "--docs")
      a.docs = std::stoll(next());
    else if (k == "--queries")
      a.queries = std::stoi(next());
    else if (k == "--seed")
      a.seed = std::stoull(next());
    else if (k == "--check")
      a.check = std::stoi(next());
    else if (k == "--dir")
      a.dir = next();
    else if (k == "--keep")
      a.keep = true;
    else if (k == "--no-sqlite")
      a.sqlite = false;
    else if (k == "--no-facets")
      a.facets = false;
    else if (k == "--sqlite-queries")
      a.sqlite_queries = std::stoi(next());
    else
      Die("unknown argument " + k);
  }
  if (a.dir.empty()) Die("--dir is required (a scratch directory; indexes are built there)");
  return a;
}

void PrintRow(const char* name, const Stats& s) {
  std::printf("%-26s %9.2f %9.2f %9.2f %9.2f %9.2f\n", name, s.p50, s.p95, s.p99, s.mean, s.max);
}

}  // namespace

int main(int argc, char** argv) {
  Args a = Parse(argc, argv);
  std::filesystem::create_directories(a.dir);
  Generator gen(a.seed);
  std::vector<Query> queries = gen.Queries(a.queries);
  if (!a.facets) {
    for (auto& q : queries) q.facets.clear();
  }
  const int warmup = std::min(100, a.queries);

  // Xapian.
  std::string xdir = a.dir + "/xapian";
  if (!a.keep) std::filesystem::remove_all(xdir);
  auto opened = waymark::search::OpenXapianIndex(xdir, {.check_at_least = a.check});
  if (!opened.ok()) Die(opened.status().message());
  auto& index = *opened;
  double x_rate = 0;
  auto have = index->DocumentCount();
  if (a.keep && have.ok() && *have == a.docs) {
    std::fprintf(stderr, "xapian: reusing the index in %s\n", xdir.c_str());
  } else {
    if (!index->Clear().ok()) Die("clear");
    auto t = Clock::now();
    for (std::int64_t i = 1; i <= a.docs; ++i) {
      auto st = index->Upsert(gen.Make(i));
      if (!st.ok()) Die(st.message());
      if (i % 50000 == 0) {
        if (!index->Commit(i).ok()) Die("commit");
        std::fprintf(stderr, "\r  xapian: %lld/%lld", static_cast<long long>(i),
                     static_cast<long long>(a.docs));
      }
    }
    if (!index->Commit(a.docs).ok()) Die("commit");
    std::fprintf(stderr, "\n");
    x_rate = static_cast<double>(a.docs) / (MsSince(t) / 1000.0);
  }

  std::vector<double> x_ms;
  std::vector<double> x_cpu;
  std::int64_t x_total = 0;
  int x_exact = 0;
  for (int i = 0; i < warmup; ++i) (void)index->Search(queries[static_cast<std::size_t>(i)]);
  for (const auto& q : queries) {
    auto t = Clock::now();
    double c = ThreadCpuMs();
    auto r = index->Search(q);
    x_cpu.push_back(ThreadCpuMs() - c);
    x_ms.push_back(MsSince(t));
    if (!r.ok()) Die("xapian search: " + r.status().message());
    x_total += r->total;
    x_exact += r->facets_exact ? 1 : 0;
  }
  Stats xs = Summarise(x_ms);
  if (std::getenv("SEARCH_BENCH_SLOWEST") != nullptr) {
    std::vector<std::size_t> order(x_ms.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t l, std::size_t r) { return x_ms[l] > x_ms[r]; });
    for (std::size_t i = 0; i < std::min<std::size_t>(8, order.size()); ++i) {
      const Query& q = queries[order[i]];
      std::fprintf(stderr, "  slow: %.2f ms '%s' filters %zu\n", x_ms[order[i]], q.text.c_str(),
                   q.filters.size());
    }
  }
  std::fprintf(stderr, "xapian: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms\n", xs.p50, xs.p95, xs.p99);

  // SQLite FTS5.
  Stats ss;
  Stats ss_cpu;
  std::size_t s_count = 0;
  double s_rate = 0;
  std::int64_t s_total = 0;
  std::string sdb = a.dir + "/fts.db";
  if (a.sqlite) {
    bool reuse = false;
    if (a.keep && std::filesystem::exists(sdb)) {
      Sqlite probe(sdb);
      reuse = SqliteCount(probe) == a.docs;
    }
    if (!reuse) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(sdb + suffix);
    }
    Sqlite s(sdb);
    if (!reuse) {
      auto t = Clock::now();
      SqliteIndex(s, gen, a.docs);
      s_rate = static_cast<double>(a.docs) / (MsSince(t) / 1000.0);
    } else {
      std::fprintf(stderr, "sqlite: reusing %s\n", sdb.c_str());
    }
    s.Exec("CREATE TEMP TABLE m(id INTEGER PRIMARY KEY)");
    std::size_t sn = queries.size();
    if (a.sqlite_queries > 0) sn = std::min(sn, static_cast<std::size_t>(a.sqlite_queries));
    s_count = sn;
    // The same warm-up share as Xapian's, capped for slow runs.
    std::size_t s_warmup =
        std::min<std::size_t>(static_cast<std::size_t>(warmup), std::max<std::size_t>(sn / 10, 1));
    for (std::size_t i = 0; i < s_warmup; ++i) SqliteSearch(s, queries[i]);
    std::vector<double> s_ms;
    std::vector<double> s_cpu;
    for (std::size_t i = 0; i < sn; ++i) {
      const Query& q = queries[i];
      auto t = Clock::now();
      double c = ThreadCpuMs();
      s_total += SqliteSearch(s, q);
      s_cpu.push_back(ThreadCpuMs() - c);
      s_ms.push_back(MsSince(t));
      if (s_ms.size() % 100 == 0)
        std::fprintf(stderr, "\r  sqlite queries: %zu/%zu", s_ms.size(), queries.size());
    }
    std::fprintf(stderr, "\n");
    ss = Summarise(s_ms);
    ss_cpu = Summarise(s_cpu);
  }

  std::printf(
      "search benchmark: %lld documents (EN/FR/ES), %d queries (+%d warm-up), seed %llu, check_at_least %d\n",
      static_cast<long long>(a.docs), a.queries, warmup, static_cast<unsigned long long>(a.seed), a.check);
  std::printf(
      "queries: 1-3 words, 40%% one filter, 20%% two, all 8 facets counted, 20 hits + snippets, one at a "
      "time\n\n");
  std::printf("%-26s %9s %9s %9s %9s %9s\n", "engine (latency, ms)", "p50", "p95", "p99", "mean", "max");
  PrintRow("xapian (waymark)", xs);
  Stats xs_cpu = Summarise(x_cpu);
  // The ratio compares the same queries: SQLite may have run only the first s_count.
  Stats xr = xs;
  Stats xr_cpu = xs_cpu;
  if (a.sqlite && s_count < queries.size()) {
    xr = Summarise(std::vector<double>(x_ms.begin(), x_ms.begin() + static_cast<std::ptrdiff_t>(s_count)));
    xr_cpu =
        Summarise(std::vector<double>(x_cpu.begin(), x_cpu.begin() + static_cast<std::ptrdiff_t>(s_count)));
  }
  if (a.sqlite) {
    if (s_count < queries.size()) {
      std::printf("(sqlite ran the first %zu queries only; the ratio compares those)\n", s_count);
      PrintRow("xapian, same queries", xr);
    }
    PrintRow("sqlite fts5 bm25 + GROUP BY", ss);
    std::printf("%-26s %9.2f %9.2f %9.2f %9.2f %9.2f\n", "ratio sqlite / xapian", ss.p50 / xr.p50,
                ss.p95 / xr.p95, ss.p99 / xr.p99, ss.mean / xr.mean, ss.max / xr.max);
  }
  std::printf("\n%-26s %9s %9s %9s %9s %9s\n", "engine (CPU time, ms)", "p50", "p95", "p99", "mean", "max");
  PrintRow("xapian (waymark)", xs_cpu);
  if (a.sqlite) {
    if (s_count < queries.size()) PrintRow("xapian, same queries", xr_cpu);
    PrintRow("sqlite fts5 bm25 + GROUP BY", ss_cpu);
    std::printf("%-26s %9.2f %9.2f %9.2f %9.2f %9.2f\n", "ratio sqlite / xapian", ss_cpu.p50 / xr_cpu.p50,
                ss_cpu.p95 / xr_cpu.p95, ss_cpu.p99 / xr_cpu.p99, ss_cpu.mean / xr_cpu.mean,
                ss_cpu.max / xr_cpu.max);
  }
  double load[3] = {0, 0, 0};
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
    std::fclose(f);
  }
  std::printf("\nload average at the end: %.2f %.2f %.2f (wall-clock latency includes waiting for a core)\n",
              load[0], load[1], load[2]);
  auto rate = [](double r) {
    return r > 0 ? std::to_string(static_cast<long long>(r)) + " docs/s" : std::string("(reused)");
  };
  std::printf("indexing:  xapian %s, %.1f MiB on disk\n", rate(x_rate).c_str(),
              static_cast<double>(DirSize(xdir)) / (1024.0 * 1024.0));
  if (a.sqlite) {
    std::printf("           sqlite %s, %.1f MiB on disk\n", rate(s_rate).c_str(),
                static_cast<double>(DirSize(sdb)) / (1024.0 * 1024.0));
  }
  std::printf("matches:   mean total per query xapian %.0f", static_cast<double>(x_total) / a.queries);
  if (a.sqlite)
    std::printf(", sqlite %.0f (porter stemming only, so not the same set)",
                static_cast<double>(s_total) / static_cast<double>(std::max<std::size_t>(s_count, 1)));
  std::printf("\n           xapian facet counts exact in %d of %d queries (the rest scaled from a sample)\n",
              x_exact, a.queries);
  return 0;
}
