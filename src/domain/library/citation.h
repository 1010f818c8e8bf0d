// Bibliography entries for a Reference in the five citation styles Waymark
// offers, following the published style guides as their CSL styles render
// them (APA 7, Chicago author-date 17, MLA 9, Harvard Cite Them Right,
// Vancouver), with terms in English, French or Spanish.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/library/reference.h"

namespace waymark::library {

enum class CitationStyle { kApa, kChicago, kMla, kHarvard, kVancouver };

inline constexpr CitationStyle kCitationStyles[] = {CitationStyle::kApa, CitationStyle::kChicago,
                                                    CitationStyle::kMla, CitationStyle::kHarvard,
                                                    CitationStyle::kVancouver};

// "apa", "chicago", "mla", "harvard", "vancouver".
std::string_view ToString(CitationStyle style);
// The inverse of ToString, ignoring case and surrounding spaces; nullopt for anything else.
std::optional<CitationStyle> ParseCitationStyle(std::string_view s);
// The name to show people: "APA (7th edition)", "Chicago (author-date, 17th edition)", ...
std::string_view StyleName(CitationStyle style);

// One bibliography entry: `text` is plain UTF-8; `html` is the same entry HTML-escaped, with <i> for italics
// (titles of books, journals, ...).
struct CitationParts {
  std::string text;
  std::string html;
  bool operator==(const CitationParts&) const = default;
};

// The bibliography entry for `ref` in `style`, with the terms of `lang` ("en", "fr" or "es"; a region such
// as "fr-CA" is allowed; anything else gives English): "and"/"et"/"y", "n.d."/"s.d."/"s.f.", "ed."/"éd.",
// "p."/"pp.", "Available at"/"Disponible à l'adresse", month names, quotation marks.
//
// What each style does with missing parts: no author -> the title takes the author's place (editors first
// when there are any); no date -> "n.d." in APA, Chicago and Harvard, nothing in MLA, "[date unknown]" in
// Vancouver. Chicago and MLA put English titles in title case; the other styles keep titles as written.
// An organisation that is both author and publisher is named once (APA and MLA rules).
CitationParts FormatCitation(const Reference& ref, CitationStyle style, std::string_view lang);

}  // namespace waymark::library
