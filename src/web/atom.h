// One writer for the Atom feeds (RFC 4287) of every module: the feed's and
// its entries' values in, the XML document out. Every text and attribute is
// escaped (XmlEscape: the five entities, control characters XML forbids
// dropped) and every date is RFC 3339 in UTC ("2015-09-18T10:00:00.000Z").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "http/message.h"

namespace waymark::web::atom {

struct Author {
  std::string name;
  std::string uri;  // empty: no <uri>
};

struct Entry {
  std::string id;     // a permanent URI ("tag:waymark.org,2015:campaign:12")
  std::string title;  // plain text
  std::string link;   // the entry's HTML page (rel="alternate")
  TimestampMs updated = 0;
  std::optional<TimestampMs> published;
  Author author;
  std::vector<std::string> categories;  // <category term="…"/>, in order
  std::string summary;                  // plain text
};

struct Feed {
  std::string lang;   // xml:lang
  std::string id;     // a permanent URI
  std::string title;  // plain text
  TimestampMs updated = 0;
  std::string self;       // the feed's own URL
  std::string alternate;  // the HTML page it mirrors
  std::vector<Entry> entries;
};

// The XML document, one element a line.
std::string Render(const Feed& feed);

// The document as an HTTP answer: Atom's content type, cacheable by anyone
// for `max_age` seconds.
http::Response ToResponse(const Feed& feed, int max_age = 300);

}  // namespace waymark::web::atom
