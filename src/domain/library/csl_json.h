// CSL-JSON (the citation processors' item format) for References: an export
// of many, and a lossless form of one that the store persists.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "domain/library/reference.h"

namespace waymark::library {

// A JSON array of CSL items, one per reference, pretty-printed. `id` is the key from CitationKeys(refs);
// names are {"family", "given"} or {"literal"}; `issued` is {"date-parts": [[y, m, d]]} cut to the known
// precision; keywords are joined in CSL's "keyword" string (and listed in "waymark-keywords").
std::string ToCslJson(const std::vector<Reference>& refs);

// One CSL item (a JSON object) for `ref`, as ToCslJson writes it, plus "citation-key" when the reference
// has one. ReferenceFromCslJson(ReferenceToCslJson(r)) == r for every r.
std::string ReferenceToCslJson(const Reference& ref);

// A Reference from one CSL item. The citation key comes from "citation-key" (not from "id", which is
// always set and often a generated or database identifier). Keywords come from "waymark-keywords" when
// present, otherwise from "keyword" split at commas and semicolons. Numbers are accepted where CSL allows
// them (volume, issue, page, edition). Unknown members are ignored. Errors: InvalidArgument when the text
// is not JSON, not an object, or a member has the wrong shape (the message names it).
Result<Reference> ReferenceFromCslJson(std::string_view one_item_json);

}  // namespace waymark::library
