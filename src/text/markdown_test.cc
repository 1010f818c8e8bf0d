#include "text/markdown.h"

#include <gtest/gtest.h>

#include <string>

namespace waymark::text {
namespace {

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(RenderMarkdown, RendersBasics) {
  std::string html = RenderMarkdown("# Title\n\nSome *emphasis* and **strong**.\n");
  EXPECT_TRUE(Contains(html, "<h1>Title</h1>")) << html;
  EXPECT_TRUE(Contains(html, "<em>emphasis</em>")) << html;
  EXPECT_TRUE(Contains(html, "<strong>strong</strong>")) << html;
}

TEST(RenderMarkdown, DropsRawScript) {
  std::string html =
      RenderMarkdown("Hello <script>alert(1)</script> world\n\n<script>\nalert(2)\n</script>\n");
  EXPECT_FALSE(Contains(html, "<script")) << html;
  EXPECT_FALSE(Contains(html, "alert(2)")) << html;
}

TEST(RenderMarkdown, DropsImgOnerror) {
  std::string html =
      RenderMarkdown("<img src=x onerror=alert(1)>\n\ntext <img src=x onerror=\"alert(1)\"> more\n");
  EXPECT_FALSE(Contains(html, "<img")) << html;
  EXPECT_FALSE(Contains(html, "onerror")) << html;
}

TEST(RenderMarkdown, NeutralisesJavascriptLinks) {
  std::string html = RenderMarkdown("[click](javascript:alert(1)) and [ok](https://example.org/)\n");
  EXPECT_FALSE(Contains(html, "javascript:")) << html;
  EXPECT_TRUE(Contains(html, "<a href=\"\">click</a>")) << html;
  EXPECT_TRUE(Contains(html, "<a href=\"https://example.org/\">ok</a>")) << html;
  std::string img = RenderMarkdown("![x](javascript:alert(1))\n");
  EXPECT_FALSE(Contains(img, "javascript:")) << img;
}

TEST(RenderMarkdown, EscapesTextAngleBrackets) {
  std::string html = RenderMarkdown("a < b && c > d\n");
  EXPECT_TRUE(Contains(html, "a &lt; b &amp;&amp; c &gt; d")) << html;
}

TEST(RenderMarkdown, Tables) {
  std::string html = RenderMarkdown("| a | b |\n|---|---|\n| 1 | 2 |\n");
  EXPECT_TRUE(Contains(html, "<table>")) << html;
  EXPECT_TRUE(Contains(html, "<th>a</th>")) << html;
  EXPECT_TRUE(Contains(html, "<td>2</td>")) << html;
}

TEST(RenderMarkdown, AutolinksAndStrikethrough) {
  std::string html = RenderMarkdown("See https://example.org/page and ~~old~~ www.example.com\n");
  EXPECT_TRUE(Contains(html, "<a href=\"https://example.org/page\">https://example.org/page</a>")) << html;
  EXPECT_TRUE(Contains(html, "<a href=\"http://www.example.com\">www.example.com</a>")) << html;
  EXPECT_TRUE(Contains(html, "<del>old</del>")) << html;
}

TEST(RenderMarkdown, InvalidUtf8DoesNotCrash) {
  std::string bad = "caf\xC3 \xFF\xFE **x** \xE2\x82";
  std::string html = RenderMarkdown(bad);
  EXPECT_TRUE(Contains(html, "<strong>x</strong>")) << html;
  std::string text = MarkdownToPlainText(bad);
  EXPECT_TRUE(Contains(text, "x")) << text;
  EXPECT_EQ(RenderMarkdown(""), "");
  EXPECT_EQ(MarkdownToPlainText(""), "");
}

TEST(MarkdownToPlainText, StripsMarkupAndHtml) {
  std::string text = MarkdownToPlainText(
      "# Migración\n\nUna *campaña* con [enlace](https://example.org) y <b>html</b>.\n\n"
      "<script>alert(1)</script>\n\n- uno\n- dos\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
  EXPECT_FALSE(Contains(text, "<")) << text;
  EXPECT_FALSE(Contains(text, "alert")) << text;
  EXPECT_FALSE(Contains(text, "*")) << text;
  EXPECT_TRUE(Contains(text, "Migración\n")) << text;
  EXPECT_TRUE(Contains(text, "Una campaña con enlace y html.")) << text;
  EXPECT_TRUE(Contains(text, "uno\ndos")) << text;
  EXPECT_TRUE(Contains(text, "1 2")) << text;
}

}  // namespace
}  // namespace waymark::text
