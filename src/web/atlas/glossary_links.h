// Links the glossary's terms where they appear in a rendered text: the first
// time each term (or one of its aliases) occurs as a whole word in the text
// of an HTML fragment, outside links, headings, code and attributes, it
// becomes <a class="term" href="/atlas/glossary/SLUG" title="definition">.
// Case and accents of the first letter are matched as written; longer
// terms win over shorter ones that they contain ("slow-onset disaster"
// before "disaster").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace waymark::web::atlas_web {

struct LinkTerm {
  std::string text;        // the form to find ("planned relocation")
  std::string slug;        // its entry
  std::string definition;  // shown as the link's title (plain text)
};

// Thread-safe (pure). `html` must be the output of RenderMarkdown (well
// formed, attributes quoted).
std::string LinkGlossaryTerms(std::string_view html, std::vector<LinkTerm> terms);

}  // namespace waymark::web::atlas_web
