// Evidence aggregates benchmark: EvidenceStore::IncidentStats (answered from
// the rollup evidence_incident_cells) against the same GROUP BY computed
// directly over evidence_incidents (what a store without the rollup would
// do), on N synthetic incidents grown from the real MMP file, in one run.
//
//   WAYMARK_BENCH_DB=sqlite:/tmp/x/ev.db [WAYMARK_BENCH_N=10000000] evidence_bench
//   WAYMARK_BENCH_DB=postgresql://postgres@127.0.0.1:5432/waymark_test evidence_bench
//   (Google Benchmark flags, such as --benchmark_filter=year, are passed on)
//
// Environment:
//   WAYMARK_BENCH_DB   the database URL (required); migrated here. It must hold
//                      no incidents, or exactly N from an earlier run (reused).
//   WAYMARK_BENCH_N    incidents to grow to (default 10,000,000)
//   WAYMARK_BENCH_MMP  the MMP file (default: the shared data beside the clone)
//
// Setup: the real file goes through the real importer (EvidenceService and
// SqlEvidenceStore::ApplyIncidents), and the rollup it kept is checked
// against a GROUP BY over the records. The real rows are then copied in SQL
// (one INSERT ... SELECT joined with a sequence, one transaction) until there
// are N incidents: copy k gets new source ids and its year and month moved k
// months on, so that cells multiply as more months of real data would; the
// rollup is rebuilt with one INSERT ... SELECT ... GROUP BY mirroring what
// the store keeps. Every query's rollup answer is compared with the direct
// one before it is timed.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "crypto/crypto.h"
#include "domain/evidence/evidence_service.h"
#include "domain/evidence/stores.h"
#include "storage/accounts/account_stores.h"
#include "storage/evidence/evidence_stores.h"
#include "storage/migrations.h"
#include "storage/open.h"

#ifndef WAYMARK_SHARED_DATA
#define WAYMARK_SHARED_DATA "../shared/data"
#endif

namespace {

namespace ev = waymark::evidence;
namespace sql = waymark::sql;
using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what, const waymark::Status& s) {
  std::fprintf(stderr, "evidence_bench: %s: %s\n", what.c_str(), s.message().c_str());
  std::exit(1);
}

template <typename T>
T Must(waymark::Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what, r.status());
  return std::move(r).value();
}

void Must(const waymark::Status& s, const std::string& what) {
  if (!s.ok()) Die(what, s);
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

std::string Thousands(std::int64_t n) {
  std::string s = std::to_string(n), out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

// --- the queries ----------------------------------------------------------------

struct Case {
  std::string name;
  ev::IncidentFilter filter;
  ev::StatsRequest req;
};

std::vector<Case> Cases() {
  const std::vector<std::string> all = {"incidents", "dead", "missing", "total"};
  std::vector<Case> cases;
  auto add = [&](std::string name, std::vector<std::string> group_by) {
    Case c;
    c.name = std::move(name);
    c.req.group_by = std::move(group_by);
    c.req.measures = all;
    cases.push_back(std::move(c));
    return &cases.back();
  };
  add("total", {});
  add("year", {"year"});
  add("year,region", {"year", "region"});
  add("year,month,region", {"year", "month", "region"});
  add("cause", {"cause"});
  Case* c = add("country|region,from,to", {"country"});
  c->filter.region = "Mediterranean";
  c->filter.from = ev::PartialDate{2016, 3, 0, ev::DatePrecision::kMonth};
  c->filter.to = ev::PartialDate{2030, 9, 0, ev::DatePrecision::kMonth};
  return cases;
}

// --- the reference: the same GROUP BY over the records ----------------------------

// The store's WHERE of an incident filter, on evidence_incidents `i`.
std::string DirectWhere(const ev::IncidentFilter& f, sql::Params& p) {
  auto add = [&](sql::Value v) {
    p.push_back(std::move(v));
    return "$" + std::to_string(p.size());
  };
  std::string w = " WHERE 1=1";
  if (!f.dataset.empty()) w += " AND i.dataset=" + add(f.dataset);
  if (!f.region.empty()) w += " AND i.region=" + add(f.region);
  if (!f.country.empty()) w += " AND i.country=" + add(f.country);
  if (!f.route.empty()) w += " AND i.route=" + add(f.route);
  if (f.cause) w += " AND (i.causes & " + add(std::int64_t{1} << static_cast<int>(*f.cause)) + ") <> 0";
  if (f.from.known() || f.to.known()) w += " AND i.year <> 0";
  if (f.from.known()) {
    std::string y = add(std::int64_t{f.from.year});
    if (f.from.month >= 1 && f.from.month <= 12) {
      std::string m = add(std::int64_t{f.from.month});
      w += " AND (i.year > " + y + " OR (i.year = " + y + " AND i.month >= " + m + "))";
    } else {
      w += " AND i.year >= " + y;
    }
  }
  if (f.to.known()) {
    std::string y = add(std::int64_t{f.to.year});
    if (f.to.month >= 1 && f.to.month <= 12) {
      std::string m = add(std::int64_t{f.to.month});
      w += " AND (i.year < " + y + " OR (i.year = " + y + " AND i.month >= 1 AND i.month <= " + m + "))";
    } else {
      w += " AND i.year <= " + y;
    }
  }
  return w;
}

std::string CausesCte() {
  std::string out = "WITH k(bit, code) AS (VALUES ";
  for (int c = 0; c < ev::kCauseCount; ++c) {
    if (c > 0) out += ", ";
    out += "(" + std::to_string(1 << c) + ", '" + ev::CauseCode(static_cast<ev::Cause>(c)) + "')";
  }
  return out + ") ";
}

struct DirectQuery {
  std::string stmt;
  sql::Params params;
  std::size_t dims = 0;
};

DirectQuery Direct(const Case& c) {
  DirectQuery q;
  bool by_cause = false;
  std::string select, group;
  for (const auto& g : c.req.group_by) {
    std::string e = g == "cause" ? "k.code" : "i." + g;
    by_cause = by_cause || g == "cause";
    select += (select.empty() ? "" : ", ") + e;
    group += (group.empty() ? "" : ", ") + e;
  }
  for (const auto& m : c.req.measures) {
    select += (select.empty() ? "" : ", ") +
              (m == "incidents" ? std::string("COUNT(*)") : "COALESCE(SUM(i." + m + "), 0)");
  }
  std::string where = DirectWhere(c.filter, q.params);
  q.stmt = (by_cause ? CausesCte() : std::string()) + "SELECT " + select + " FROM evidence_incidents i" +
           (by_cause ? " JOIN k ON (i.causes & k.bit) <> 0" : "") + where +
           (group.empty() ? "" : " GROUP BY " + group);
  q.dims = c.req.group_by.size();
  return q;
}

// A read in one read-only transaction, as the store reads (ReadSnapshot).
waymark::Result<std::vector<sql::Row>> ReadDirect(sql::Database& db, const DirectQuery& q) {
  auto lease = db.Acquire();
  if (!lease.ok()) return lease.status();
  sql::Connection& conn = **lease;
  WM_RETURN_IF_ERROR(conn.Begin(false));
  if (conn.dialect() == sql::Dialect::kPostgres) {
    waymark::Status s = conn.ExecuteScript("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    if (!s.ok()) {
      (void)conn.Rollback();
      return s;
    }
  }
  auto rows = conn.Query(q.stmt, q.params);
  waymark::Status end = rows.ok() ? conn.Commit() : conn.Rollback();
  if (!end.ok()) {
    (void)conn.Rollback();
    if (rows.ok()) return end;
  }
  return rows;
}

std::vector<ev::StatsRow> ToStatsRows(const std::vector<sql::Row>& rows, std::size_t dims) {
  std::vector<ev::StatsRow> out;
  for (const auto& r : rows) {
    ev::StatsRow row;
    for (std::size_t k = 0; k < dims; ++k) row.keys.push_back(r.Text(k));
    for (std::size_t k = dims; k < r.size(); ++k) row.values.push_back(r.Int(k));
    out.push_back(std::move(row));
  }
  return out;
}

// Orders rows by their keys, years and months numerically.
void Sort(std::vector<ev::StatsRow>& rows, const std::vector<std::string>& dims) {
  std::sort(rows.begin(), rows.end(), [&](const ev::StatsRow& a, const ev::StatsRow& b) {
    for (std::size_t k = 0; k < dims.size(); ++k) {
      if (a.keys[k] == b.keys[k]) continue;
      if (dims[k] == "year" || dims[k] == "month") return std::stoll(a.keys[k]) < std::stoll(b.keys[k]);
      return a.keys[k] < b.keys[k];
    }
    return false;
  });
}

// --- setup ------------------------------------------------------------------------

std::int64_t Count(sql::Database& db, const std::string& stmt) {
  auto rows = sql::WithConnection<std::int64_t>(db, [&](sql::Connection& c) -> waymark::Result<std::int64_t> {
    WM_ASSIGN_OR_RETURN(sql::Row row, c.QueryOne(stmt, {}));
    return row.Int(0);
  });
  return Must(std::move(rows), stmt);
}

// What the store keeps in evidence_incident_cells, from the records: each
// incident in its (dataset, year, month, first region, country, route,
// causes bitmask) cell; blank counts add 0.
constexpr char kCellsFromRecords[] =
    "SELECT dataset, year, month, region, country, route, causes, COUNT(*), COALESCE(SUM(dead), 0), "
    "COALESCE(SUM(missing), 0), COALESCE(SUM(total), 0) FROM evidence_incidents WHERE dataset='mmp' "
    "GROUP BY dataset, year, month, region, country, route, causes";
constexpr char kCellColumns[] =
    "dataset, year, month, region, country, route, causes, incidents, dead, missing, total";

// Every column of evidence_incidents but id; the copy's source_id, year and
// month are computed (see Grow).
const std::vector<std::string> kIncidentColumns = {"dataset",
                                                   "source_id",
                                                   "part",
                                                   "incident_ids",
                                                   "kind",
                                                   "also_split",
                                                   "date_text",
                                                   "date_year",
                                                   "date_month",
                                                   "date_day",
                                                   "date_precision",
                                                   "year_given",
                                                   "month_given",
                                                   "year",
                                                   "month",
                                                   "region",
                                                   "regions",
                                                   "country",
                                                   "country_code",
                                                   "location",
                                                   "latitude",
                                                   "longitude",
                                                   "route",
                                                   "unsd_grouping",
                                                   "dead",
                                                   "missing",
                                                   "total",
                                                   "survivors",
                                                   "females",
                                                   "males",
                                                   "children",
                                                   "causes",
                                                   "cause_list",
                                                   "cause_text",
                                                   "countries_of_origin",
                                                   "regions_of_origin",
                                                   "information_source",
                                                   "urls",
                                                   "source_quality",
                                                   "version",
                                                   "batch_id",
                                                   "last_batch_id",
                                                   "created_at",
                                                   "updated_at"};

struct Setup {
  double import_s = 0, grow_s = 0, cells_s = 0, analyze_s = 0, total_s = 0;
  std::int64_t real_rows = 0, copies = 0, cells_real = 0, cells = 0;
  bool real_cells_match = false, reused = false;
};

// Copies the real rows (a temp table of them, so that the INSERT does not
// read the table it writes) until there are n incidents, then rebuilds the
// rollup; all in one transaction.
void Grow(sql::Database& db, std::int64_t n, Setup& s) {
  std::int64_t need = n - s.real_rows;
  s.copies = s.real_rows > 0 ? (need + s.real_rows - 1) / s.real_rows : 0;
  // SPREAD=none keeps each copy's year and month: the real file's joint
  // distribution of every dimension, so the cells stay the real ones and
  // only their sums grow. The default spreads copies over later months.
  const bool spread = Env("SPREAD", "months") != "none";
  std::string cols, select;
  for (const auto& c : kIncidentColumns) {
    cols += (cols.empty() ? "" : ", ") + c;
    std::string e = "r." + c;
    // Copy k: its own source ids (a fixed-width prefix, so each copy's ids
    // sort together), k months later; an unknown year or month stays unknown.
    if (c == "source_id") e = "CAST(1000000 + s.k AS TEXT) || ':' || r.source_id";
    if (c == "year" && spread) {
      e = "CASE WHEN r.year = 0 THEN 0 WHEN r.month = 0 THEN r.year + s.k / 12 "
          "ELSE (r.year * 12 + r.month - 1 + s.k) / 12 END";
    }
    if (c == "month" && spread) {
      e = "CASE WHEN r.year = 0 OR r.month = 0 THEN r.month ELSE (r.year * 12 + r.month - 1 + s.k) % 12 + 1 "
          "END";
    }
    select += (select.empty() ? "" : ", ") + e;
  }
  // SQLite keeps CROSS JOIN's order (copies outer), so each copy is written
  // as one run of rows.
  std::string join = db.dialect() == sql::Dialect::kSqlite ? " CROSS JOIN " : " JOIN ";
  std::string on = db.dialect() == sql::Dialect::kSqlite ? "" : " ON TRUE";
  std::string insert = "INSERT INTO evidence_incidents(" + cols +
                       ") WITH RECURSIVE seq(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM seq WHERE k < " +
                       std::to_string(s.copies) + ") SELECT " + select + " FROM seq s" + join +
                       "bench_real r" + on + " LIMIT " + std::to_string(need);

  auto start = Clock::now();
  Must(sql::TransactStatus(
           db, true,
           [&](sql::Connection& c) -> waymark::Status {
             WM_RETURN_IF_ERROR(
                 c.ExecuteScript("CREATE TEMP TABLE bench_real AS SELECT * FROM evidence_incidents "
                                 "WHERE dataset='mmp' ORDER BY id"));
             if (need > 0) WM_RETURN_IF_ERROR(c.Execute(insert, {}).status());
             s.grow_s = Seconds(start);
             WM_RETURN_IF_ERROR(
                 c.Execute("DELETE FROM evidence_incident_cells WHERE dataset='mmp'", {}).status());
             WM_RETURN_IF_ERROR(c.Execute(std::string("INSERT INTO evidence_incident_cells(") + kCellColumns +
                                              ") " + kCellsFromRecords,
                                          {})
                                    .status());
             WM_RETURN_IF_ERROR(c.ExecuteScript("DROP TABLE bench_real"));
             return waymark::Status::Ok();
           }),
       "growing the incidents");
  s.cells_s = Seconds(start) - s.grow_s;  // with the commit
}

Setup Prepare(sql::Database& db, std::int64_t n, const std::string& file) {
  Setup s;
  auto start = Clock::now();
  std::int64_t have = Count(db, "SELECT COUNT(*) FROM evidence_incidents WHERE dataset='mmp'");
  if (have == n) {
    s.reused = true;
    s.cells = Count(db, "SELECT COUNT(*) FROM evidence_incident_cells WHERE dataset='mmp'");
    return s;
  }
  if (have != 0) {
    std::fprintf(stderr,
                 "evidence_bench: the database holds %lld incidents; give it an empty database, or one an "
                 "earlier run grew to N\n",
                 static_cast<long long>(have));
    std::exit(1);
  }

  // The real file, through the real importer.
  waymark::SystemClock clock;
  waymark::storage::AccountStores accounts(db);
  waymark::storage::SqlEvidenceStore store(db);
  ev::EvidenceService service(accounts.stores(), store, clock);
  std::ifstream in(file, std::ios::binary);
  if (!in) Die("opening " + file, waymark::Status::InvalidArgument("cannot read the file"));
  ev::ImportRequest req;
  req.filename = std::filesystem::path(file).filename().string();
  auto t = Clock::now();
  ev::Batch b = Must(service.Import(waymark::accounts::Actor::Cli(), in, req, {}), "importing " + file);
  s.import_s = Seconds(t);
  std::printf("import of %s: accepted %lld, updated %lld, unchanged %lld, rejected %lld in %.3f s\n",
              req.filename.c_str(), static_cast<long long>(b.accepted), static_cast<long long>(b.updated),
              static_cast<long long>(b.unchanged), static_cast<long long>(b.rejected), s.import_s);
  s.real_rows = Count(db, "SELECT COUNT(*) FROM evidence_incidents WHERE dataset='mmp'");
  if (s.real_rows == 0)
    Die("importing " + file, waymark::Status::InvalidArgument("no incident was accepted"));
  if (n < s.real_rows) n = s.real_rows;

  // The rollup the store kept is exactly the GROUP BY of its records.
  s.cells_real = Count(db, "SELECT COUNT(*) FROM evidence_incident_cells WHERE dataset='mmp'");
  std::string cells =
      std::string("SELECT ") + kCellColumns + " FROM evidence_incident_cells WHERE dataset='mmp'";
  std::int64_t differ =
      Count(db, "SELECT COUNT(*) FROM (" + cells + " EXCEPT " + kCellsFromRecords + ") a") +
      Count(db, std::string("SELECT COUNT(*) FROM (") + kCellsFromRecords + " EXCEPT " + cells + ") b");
  s.real_cells_match = differ == 0;

  Grow(db, n, s);
  s.cells = Count(db, "SELECT COUNT(*) FROM evidence_incident_cells WHERE dataset='mmp'");

  // Planner statistics, as a live database would have them (VACUUM runs
  // outside a transaction, one statement at a time).
  t = Clock::now();
  Must(sql::WithConnection<bool>(db,
                                 [&](sql::Connection& c) -> waymark::Result<bool> {
                                   if (c.dialect() == sql::Dialect::kPostgres) {
                                     WM_RETURN_IF_ERROR(c.ExecuteScript("VACUUM ANALYZE evidence_incidents"));
                                     WM_RETURN_IF_ERROR(
                                         c.ExecuteScript("VACUUM ANALYZE evidence_incident_cells"));
                                   } else {
                                     WM_RETURN_IF_ERROR(c.ExecuteScript("ANALYZE"));
                                   }
                                   return true;
                                 }),
       "analyze");
  s.analyze_s = Seconds(t);
  s.total_s = Seconds(start);
  return s;
}

// --- reporting --------------------------------------------------------------------

class Capture : public benchmark::ConsoleReporter {
 public:
  Capture() : ConsoleReporter(OO_Tabular) {}  // no colours: the output goes to logs
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      if (r.run_type == Run::RT_Iteration && !r.error_occurred)
        ms[r.run_name.function_name] = r.GetAdjustedRealTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> ms;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const char* url_env = std::getenv("WAYMARK_BENCH_DB");
  if (!url_env || !*url_env) {
    std::fprintf(stderr,
                 "evidence_bench: set WAYMARK_BENCH_DB to a database URL (sqlite:... or postgresql://...)\n");
    return 2;
  }
  const std::string url = url_env;
  const std::string n_text = Env("WAYMARK_BENCH_N", "10000000");
  char* end = nullptr;
  long long n = std::strtoll(n_text.c_str(), &end, 10);
  if (end == n_text.c_str() || *end != '\0' || n <= 0) {
    std::fprintf(stderr, "evidence_bench: WAYMARK_BENCH_N must be a positive integer, not '%s'\n",
                 n_text.c_str());
    return 2;
  }
  const std::string file = Env("WAYMARK_BENCH_MMP", std::string(WAYMARK_SHARED_DATA) +
                                                        "/iom-missing-migrants/mmp_incidents_2014-2025.csv");

  Must(waymark::crypto::Init(), "crypto");
  waymark::storage::PoolOptions pool;
  pool.size = 2;
  auto db = Must(waymark::storage::OpenDatabase(url, pool), "opening " + url);
  waymark::SystemClock clock;
  Must(waymark::storage::Migrate(*db, clock), "migrating");

  std::printf("evidence_bench on %s, N = %s incidents\n", db->description().c_str(), Thousands(n).c_str());
  Setup s = Prepare(*db, n, file);
  if (s.reused) {
    std::printf("reusing the %s incidents already there (%s cells)\n", Thousands(n).c_str(),
                Thousands(s.cells).c_str());
  } else {
    std::printf(
        "rollup after the real import: %s cells for %s incidents, equal to GROUP BY over the records: %s\n",
        Thousands(s.cells_real).c_str(), Thousands(s.real_rows).c_str(), s.real_cells_match ? "yes" : "NO");
    std::printf(
        "grown to %s incidents: %lld copies of the real rows in %.1f s (INSERT ... SELECT), rollup "
        "rebuilt in %.1f s (%s cells, with the commit), one transaction; analyze %.1f s; setup %.1f s in "
        "all\n",
        Thousands(n).c_str(), static_cast<long long>(s.copies), s.grow_s, s.cells_s,
        Thousands(s.cells).c_str(), s.analyze_s, s.total_s);
  }
  std::int64_t years =
      Count(*db, "SELECT COUNT(DISTINCT year) FROM evidence_incident_cells WHERE dataset='mmp'");
  std::printf("%s distinct years in the cells (copies move on by a month each)\n", Thousands(years).c_str());
  std::fflush(stdout);

  waymark::storage::SqlEvidenceStore store(*db);
  std::vector<Case> cases = Cases();
  std::map<std::string, std::size_t> rows;
  std::map<std::string, bool> same;
  for (const auto& c : cases) {
    // Both answers once (also a warm-up), compared.
    auto table = Must(store.IncidentStats(c.filter, c.req), "IncidentStats " + c.name);
    DirectQuery q = Direct(c);
    auto direct = ToStatsRows(Must(ReadDirect(*db, q), "direct " + c.name), q.dims);
    Sort(table.rows, c.req.group_by);
    Sort(direct, c.req.group_by);
    rows[c.name] = table.rows.size();
    same[c.name] = table.rows == direct;

    benchmark::RegisterBenchmark(("rollup/" + c.name).c_str(),
                                 [&store, c](benchmark::State& state) {
                                   std::size_t n_rows = 0;
                                   for (auto _ : state) {
                                     auto r = store.IncidentStats(c.filter, c.req);
                                     if (!r.ok()) {
                                       state.SkipWithError(r.status().message().c_str());
                                       break;
                                     }
                                     n_rows = r->rows.size();
                                     benchmark::DoNotOptimize(n_rows);
                                   }
                                   state.counters["rows"] = static_cast<double>(n_rows);
                                 })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("direct/" + c.name).c_str(),
                                 [&db, q](benchmark::State& state) {
                                   std::size_t n_rows = 0;
                                   for (auto _ : state) {
                                     auto r = ReadDirect(*db, q);
                                     if (!r.ok()) {
                                       state.SkipWithError(r.status().message().c_str());
                                       break;
                                     }
                                     n_rows = r->size();
                                     benchmark::DoNotOptimize(n_rows);
                                   }
                                   state.counters["rows"] = static_cast<double>(n_rows);
                                 })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }

  Capture reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  std::printf(
      "\n%s, %s incidents, %s cells (wall-clock ms per query, mean over Google Benchmark's iterations)\n",
      db->dialect() == sql::Dialect::kPostgres ? "PostgreSQL" : "SQLite", Thousands(n).c_str(),
      Thousands(s.cells).c_str());
  std::printf("%-26s %6s %12s %12s %10s %s\n", "query", "rows", "rollup ms", "direct ms", "direct/rollup",
              "same answer");
  for (const auto& c : cases) {
    auto r = reporter.ms.find("rollup/" + c.name);
    auto d = reporter.ms.find("direct/" + c.name);
    if (r == reporter.ms.end() && d == reporter.ms.end()) continue;  // filtered out
    auto cell = [](std::map<std::string, double>::const_iterator it, const std::map<std::string, double>& m) {
      char buf[32];
      if (it == m.end()) return std::string("-");
      std::snprintf(buf, sizeof buf, "%.3f", it->second);
      return std::string(buf);
    };
    std::string ratio = "-";
    if (r != reporter.ms.end() && d != reporter.ms.end() && r->second > 0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1fx", d->second / r->second);
      ratio = buf;
    }
    std::printf("%-26s %6zu %12s %12s %10s %s\n", c.name.c_str(), rows[c.name], cell(r, reporter.ms).c_str(),
                cell(d, reporter.ms).c_str(), ratio.c_str(), same[c.name] ? "yes" : "NO");
  }
  bool all_same = true;
  for (const auto& [name, ok] : same) all_same = all_same && ok;
  if (!all_same)
    std::printf("the rollup and the direct GROUP BY disagree on a query marked NO: the rollup is wrong\n");
  return 0;
}
