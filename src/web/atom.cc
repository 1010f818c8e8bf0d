#include "web/atom.h"

#include "web/helpers.h"

namespace waymark::web::atom {

std::string Render(const Feed& feed) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"";
  xml.append(" xml:lang=\"").append(XmlEscape(feed.lang)).append("\">\n");
  xml.append("<id>").append(XmlEscape(feed.id)).append("</id>\n");
  xml.append("<title>").append(XmlEscape(feed.title)).append("</title>\n");
  xml.append("<updated>").append(FormatIso8601(feed.updated)).append("</updated>\n");
  xml.append("<link rel=\"self\" type=\"application/atom+xml\" href=\"")
      .append(XmlEscape(feed.self))
      .append("\"/>\n");
  xml.append("<link rel=\"alternate\" type=\"text/html\" href=\"")
      .append(XmlEscape(feed.alternate))
      .append("\"/>\n");
  xml.append("<generator>Waymark</generator>\n");
  for (const Entry& e : feed.entries) {
    xml.append("<entry>\n");
    xml.append("<id>").append(XmlEscape(e.id)).append("</id>\n");
    xml.append("<title>").append(XmlEscape(e.title)).append("</title>\n");
    xml.append("<link rel=\"alternate\" type=\"text/html\" href=\"")
        .append(XmlEscape(e.link))
        .append("\"/>\n");
    xml.append("<updated>").append(FormatIso8601(e.updated)).append("</updated>\n");
    if (e.published) xml.append("<published>").append(FormatIso8601(*e.published)).append("</published>\n");
    xml.append("<author><name>").append(XmlEscape(e.author.name)).append("</name>");
    if (!e.author.uri.empty()) xml.append("<uri>").append(XmlEscape(e.author.uri)).append("</uri>");
    xml.append("</author>\n");
    for (const auto& term : e.categories)
      xml.append("<category term=\"").append(XmlEscape(term)).append("\"/>\n");
    xml.append("<summary type=\"text\">").append(XmlEscape(e.summary)).append("</summary>\n");
    xml.append("</entry>\n");
  }
  xml.append("</feed>\n");
  return xml;
}

http::Response ToResponse(const Feed& feed, int max_age) {
  http::Response r;
  r.body = Render(feed);
  r.Set("Content-Type", "application/atom+xml; charset=utf-8");
  r.Set("Cache-Control", "public, max-age=" + std::to_string(max_age));
  return r;
}

}  // namespace waymark::web::atom
