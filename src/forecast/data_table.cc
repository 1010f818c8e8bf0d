#include "forecast/data_table.h"

#include <cmath>
#include <string>

namespace waymark::forecast {

long long DataTable::At(int day) const {
  // Invariant: callers check empty() (the readers refuse a series without rows).
  assert(!rows_.empty());
  if (day <= rows_.front().day) return static_cast<long long>(std::trunc(rows_.front().value));
  for (size_t i = 1; i < rows_.size(); ++i) {
    if (day < rows_[i].day) {
      const DataRow& a = rows_[i - 1];
      const DataRow& b = rows_[i];
      double v = a.value +
                 static_cast<double>(day - a.day) / static_cast<double>(b.day - a.day) * (b.value - a.value);
      return static_cast<long long>(std::trunc(v));
    }
  }
  return static_cast<long long>(std::trunc(rows_.back().value));
}

Status DataTable::Correct(int day) {
  if (day < 0) return Status::Ok();
  size_t i = 0;
  while (i < rows_.size() && rows_[i].day != day) ++i;
  if (i == rows_.size()) {
    return Status::NotFound("no data row on day " + std::to_string(day) + " to correct from");
  }
  if (i == 0) return Status::Ok();
  double prev = rows_[i - 1].value;
  if (prev == 0.0) {
    return Status::InvalidArgument("the row before day " + std::to_string(day) +
                                   " is 0: no correction factor");
  }
  double factor = rows_[i].value / prev;
  for (size_t k = 0; k < i; ++k) {
    // Counts are read as at most kMaxCount; a correction may not make one
    // larger (it could then overflow the integer At() returns).
    if (rows_[k].value * factor > kMaxCount) {
      return Status::InvalidArgument("the correction on day " + std::to_string(day) +
                                     " makes a count larger than " +
                                     std::to_string(static_cast<long long>(kMaxCount)));
    }
  }
  for (size_t k = 0; k < i; ++k) rows_[k].value *= factor;
  return Status::Ok();
}

Result<DataTable> DataTable::Merge(const DataTable& first, const DataTable& second) {
  const auto& t1 = first.rows_;
  std::vector<DataRow> out;
  if (t1.empty()) return DataTable(second.rows_);
  size_t off = 0;
  bool have_last2 = false;
  double last2 = 0.0;
  for (const DataRow& r2 : second.rows_) {
    // Step 1: rows of t1 before this row of t2 take the last consumed t2 value.
    bool stop = false;
    while (!stop && r2.day > t1[off].day) {
      if (!have_last2) {
        return Status::InvalidArgument(
            "a row of the first file comes before every row of the second (Flee crashes)");
      }
      out.push_back({t1[off].day, last2 + t1[off].value});
      if (off + 1 < t1.size()) {
        ++off;
      } else {
        stop = true;
      }
    }
    if (r2.day == t1[off].day) {
      out.push_back({r2.day, r2.value + t1[off].value});
      if (off + 1 < t1.size()) ++off;
      last2 = r2.value;
      have_last2 = true;
    } else if (r2.day < t1[off].day) {
      out.push_back({r2.day, r2.value + t1[off].value});
      last2 = r2.value;
      have_last2 = true;
    }
    // Otherwise the row lies beyond the end of t1: nothing is emitted.
  }
  return DataTable(std::move(out));
}

}  // namespace waymark::forecast
