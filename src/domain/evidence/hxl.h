// HXL (Humanitarian Exchange Language, https://hxlstandard.org): the row of
// hashtags under a CSV file's text header ("#affected+killed"), and how its
// columns become Displacement fields.
//
// Tags and attributes are case-insensitive, attribute order is not
// significant and whitespace before a '+' is allowed ("#Adm1 +Code" ==
// "#adm1+code"). Unknown tags and attributes are accepted: their columns are
// listed as ignored. Pure functions, no state; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/evidence/model.h"

namespace waymark::evidence::hxl {

// One column's hashtag: "#Affected +Killed" -> {"#affected", {"killed"}}.
struct Tag {
  std::string name;                     // lower case, with the '#'; "" for an untagged column
  std::vector<std::string> attributes;  // lower case, without '+', sorted, no repeats

  bool tagged() const { return !name.empty(); }
  bool Has(std::string_view attribute) const;
  // "#affected+killed": the canonical spelling (attributes sorted).
  std::string ToString() const;
  bool operator==(const Tag&) const = default;
};

// Parses one cell of a hashtag row. A blank cell is an untagged column
// (Tag{}); a cell that is not a hashtag spec ("Name", "#", "#a b") is nullopt.
std::optional<Tag> ParseTag(std::string_view cell);

// True when the record is a hashtag row: at least one non-blank cell, and
// every non-blank cell (trimmed) starts with '#' and parses as a tag.
bool IsHashtagRow(const std::vector<std::string>& cells);

// What a column becomes.
enum class Field {
  kNone,         // not used (untagged, unknown tag, or a disaggregated figure)
  kCountry,      // #country+code
  kCountryName,  // #country+name (and a bare #country)
  kArea,         // #adm1+name .. #adm5+name, #loc+name: the most specific non-blank one wins
  kYear,         // #date+year
  kDate,         // #date: period start and end
  kDateStart,    // #date+start
  kDateEnd,      // #date+end
  kFigure,       // see FigurePatterns()
  kSource,       // #meta+source
  kLatitude,     // #geo+lat
  kLongitude,    // #geo+lon
  kCauseText,    // #crisis+type, #event+type
  kEventName,    // #event+name
  kEventId,      // #event+id
};

struct Column {
  int index = 0;     // 0-based position in the file
  std::string text;  // the text header's cell, "" when the file has none
  Tag tag;
  Field field = Field::kNone;
  std::string kind;         // kFigure: the figure kind
  int area_rank = 0;        // kArea: 1..5 for #admN, 9 for #loc (higher is more specific)
  std::string why_ignored;  // kNone: the reason, for FileShape.columns_ignored
  // "best (#affected+killed)", "#affected+killed" without a text header,
  // "id (untagged)".
  std::string Label() const;
};

struct Mapping {
  std::vector<Column> columns;             // one per column of the hashtag row, in order
  std::vector<std::string> used, ignored;  // labels, in column order

  bool has_figure() const;
  // The column with this field, or nullptr (the first one when several).
  const Column* Find(Field f) const;
};

// The tag patterns that make a figure, for messages: "#affected+idps", ...
const std::vector<std::string>& FigurePatterns();

// Maps the columns. `text_header` may be empty (a file whose first row is
// the hashtag row) or shorter than `hashtags`. A second column with the
// same figure kind is ignored ("duplicate of column N"), so that a row
// never counts one figure twice. Disaggregated figures (extra attributes
// such as +f, +children, +hh) are ignored: they are parts of a total, or
// households rather than people.
Mapping MapColumns(const std::vector<std::string>& text_header, const std::vector<std::string>& hashtags);

// The refusal of a file without any figure column: InvalidArgument naming
// the tags seen and the tags a figure needs.
std::string NoFigureMessage(const Mapping& m);

struct RowOptions {
  std::string dataset;  // "hxl-<name>"
  DisplacementCause default_cause = DisplacementCause::kOther;
};

// One data row (its cells, split) as displacement records: one per figure
// column with a value. A row with a figure but no country (code or name)
// or no year (#date+year, or the year of a date) is rejected, each problem
// with its column; a bad count or date rejects the row; a bad coordinate is
// dropped with a note.
//
// source_id: "<#event+id>|<kind>" when the file has #event+id; else the
// trimmed texts of the row's identifying tagged columns (country code, or
// name when there is no code; year; dates; areas; latitude; longitude;
// event name), in column order, joined with '|', then '|<kind>'. Untagged
// columns never take part (HXL says nothing of their meaning), and neither
// do descriptive ones (#meta+source), so a corrected source text does not
// make a new record.
ParsedRow<Displacement> ConvertRow(const Mapping& m, const std::vector<std::string>& cells, std::int64_t line,
                                   const RowOptions& opts);

// "hxl-" + the file's base name without directories and ".hxl.csv"/".csv",
// lower case, every other character than [a-z0-9] as '-':
// "UCDP_GED conflict.hxl.csv" -> "hxl-ucdp-ged-conflict". "hxl-file" when nothing is left.
std::string DatasetForFile(std::string_view filename);

}  // namespace waymark::evidence::hxl
