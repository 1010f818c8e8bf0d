// The survey's published aggregates and the rule that protects small groups.
// Pure functions: no storage, no HTTP.
//
// The rule (docs/survey.md, "Small numbers"), with k = the evidence
// module's minimum cell size (evidence_min_cell):
//  1. When fewer than k answers match the filters, nothing is published but
//     "fewer than k" (no table, no total). Zero answers are shown as 0.
//  2. Otherwise the total is published, and in each table every count
//     from 1 to k-1 is suppressed (shown as "fewer than k"). Zeros are shown.
//  3. Tables whose cells add up to the total (one answer per cell: the
//     environment as a reason, origin, destination, year, organisation,
//     age band, gender, language, how): if exactly one cell is suppressed,
//     the smallest other non-zero cell is suppressed too, so that no
//     suppressed count equals the total minus the published ones.
//  4. Tables where an answer may count in several cells (reasons, factors)
//     never add up to the total; rule 2 applies cell by cell.
// Individual answers are never part of a result.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "domain/survey/model.h"

namespace waymark::survey {

struct Cell {
  std::string key;          // a code, an alpha-3 country, a year, an organisation slug
  std::int64_t count = 0;   // 0 when suppressed (never the real value)
  bool suppressed = false;  // true: "fewer than k"
};

struct Table {
  std::string name;        // "env_reason", "env_factor", "reason", "origin", ...
  bool partition = false;  // its cells add up to the total (rule 3)
  std::vector<Cell> cells;
};

struct Results {
  int min_cell = 5;
  std::int64_t total = 0;
  bool total_suppressed = false;  // fewer than min_cell answers matched (rule 1)
  std::vector<Table> tables;      // empty when total_suppressed
};

// The table names, in the order Aggregate returns them.
inline constexpr std::string_view kTableNames[] = {"env_reason",   "env_factor",    "env_how",     "reason",
                                                   "origin",       "origin_region", "destination", "year",
                                                   "organisation", "age_band",      "gender",      "lang"};

// Counts `answers` into every table and applies the rule. `org_slug` names
// an organisation id (for the "organisation" table); `region_of` gives a
// country's region code ("" for none). Cells of closed vocabularies are all
// listed (with 0); countries, years and organisations only when counted.
// REQUIRES: min_cell >= 1.
Results Aggregate(const std::vector<Answer>& answers, int min_cell,
                  const std::function<std::string(Id)>& org_slug,
                  const std::function<std::string(const std::string&)>& region_of);

// Applies rules 2 and 3 to one table of true counts (exposed for tests).
void Suppress(Table& table, int min_cell);

}  // namespace waymark::survey
