// One observed count series (a camp's or the total's registrations) as Flee
// holds it: rows of (day offset from the start date, count) in file order,
// read by linear interpolation and held flat outside the rows.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace waymark::forecast {

struct DataRow {
  int day = 0;         // days since the simulation's start date; may be negative
  double value = 0.0;  // the count (integer-valued in every data set, kept as Flee keeps it)
};

// The largest count a series may hold (far above any population), so that
// sums and corrections stay exact integers in a double.
inline constexpr double kMaxCount = 1e12;

class DataTable {
 public:
  DataTable() = default;
  explicit DataTable(std::vector<DataRow> rows) : rows_(std::move(rows)) {}

  const std::vector<DataRow>& rows() const { return rows_; }
  bool empty() const { return rows_.empty(); }

  // The interpolated count on `day`, truncated towards zero (Python's int()):
  // the first value before the first row, the last after the last row,
  // linear in between (the first row whose day is greater than `day`
  // decides the segment, so duplicate days keep the later value).
  // REQUIRES: !empty().
  long long At(int day) const;

  // Flee's level-1 registration correction on `day`: every row before the
  // row dated `day` is multiplied by value(row)/value(previous row), so the
  // jump from level-1 to level-2 registration disappears. A day before 0
  // changes nothing. NotFound when no row has that day (Flee crashes);
  // InvalidArgument when the previous value is 0.
  Status Correct(int day);

  // Flee's AddCSVTables(first, second), quirks and all (FLEE-MODEL.md
  // §2.8.4): rows of `first` after the last row of `second` are dropped and
  // the last row of `first` can repeat. InvalidArgument where Flee crashes
  // (a row of `first` before any row of `second`).
  static Result<DataTable> Merge(const DataTable& first, const DataTable& second);

 private:
  std::vector<DataRow> rows_;
};

}  // namespace waymark::forecast
