// A bibliographic reference: what BibTeX, RIS and CSL-JSON carry, in one
// plain value (after CSL's variables), so that each format reads into it and
// writes from it, and the citation styles format it. No I/O, no JSON here.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace waymark::library {

// A person (family and given names) or an organisation (literal).
struct Name {
  std::string family;
  std::string given;
  std::string literal;  // an organisation, or a name that cannot be split
  bool IsOrganisation() const { return !literal.empty(); }
  bool operator==(const Name&) const = default;
};

// A date known to the year, the month or the day (month and day 0 when not
// known).
struct PartialDate {
  int year = 0;
  int month = 0;  // 1..12, 0 unknown
  int day = 0;    // 1..31, 0 unknown
  bool Empty() const { return year == 0; }
  bool operator==(const PartialDate&) const = default;
};

// CSL item types that Waymark uses: "report", "article-journal",
// "book", "chapter", "map", "dataset", "motion_picture", "document",
// "article", "webpage", "thesis", "paper-conference".
struct Reference {
  std::string type = "document";
  std::string title;
  std::string abstract;
  std::vector<Name> authors;  // in order
  std::vector<Name> editors;
  PartialDate issued;
  std::string container_title;  // journal, book (for a chapter), series
  std::string publisher;
  std::string publisher_place;
  std::string volume;
  std::string issue;
  std::string page;  // "12-34"
  std::string edition;
  std::string doi;   // "10.1234/abc", no resolver prefix
  std::string isbn;  // digits (and X), no hyphens
  std::string url;
  std::string language;  // ISO 639-1 where known ("en"), as given otherwise
  std::vector<std::string> keywords;
  std::string note;
  std::string citation_key;  // BibTeX key, RIS ID; empty when none
  bool operator==(const Reference&) const = default;
};

}  // namespace waymark::library
