#include "domain/library/model.h"

#include <algorithm>
#include <iterator>

#include "core/slug.h"

namespace waymark::library {
namespace {

template <typename E, std::size_t N>
std::optional<E> ParseByName(std::string_view s, const std::pair<E, const char*> (&names)[N]) {
  for (const auto& [e, name] : names) {
    if (s == name) return e;
  }
  return std::nullopt;
}

constexpr std::pair<Lifecycle, const char*> kLifecycles[] = {
    {Lifecycle::kDraft, "draft"},       {Lifecycle::kSubmitted, "submitted"},
    {Lifecycle::kReturned, "returned"}, {Lifecycle::kPublished, "published"},
    {Lifecycle::kArchived, "archived"},
};

constexpr std::pair<TextStatus, const char*> kTextStatuses[] = {
    {TextStatus::kPending, "pending"}, {TextStatus::kExtracted, "extracted"},
    {TextStatus::kNoText, "no_text"},  {TextStatus::kFailed, "failed"},
    {TextStatus::kNotPdf, "not_pdf"},
};

// Item type -> CSL type.
constexpr std::pair<const char*, const char*> kCslTypes[] = {
    {"report", "report"},        {"article", "article-journal"}, {"brief", "report"}, {"book", "book"},
    {"chapter", "chapter"},      {"case_study", "report"},       {"map", "map"},      {"dataset", "dataset"},
    {"video", "motion_picture"}, {"training", "document"},
};

template <std::size_t N>
bool Among(std::string_view s, const char* const (&list)[N]) {
  return std::any_of(std::begin(list), std::end(list), [&](const char* x) { return s == x; });
}

}  // namespace

std::string_view ToString(Lifecycle s) {
  for (const auto& [e, name] : kLifecycles) {
    if (e == s) return name;
  }
  return "draft";
}
std::optional<Lifecycle> ParseLifecycle(std::string_view s) { return ParseByName(s, kLifecycles); }

std::string_view ToString(TextStatus s) {
  for (const auto& [e, name] : kTextStatuses) {
    if (e == s) return name;
  }
  return "pending";
}
std::optional<TextStatus> ParseTextStatus(std::string_view s) { return ParseByName(s, kTextStatuses); }

bool IsItemType(std::string_view type) { return Among(type, kItemTypes); }
bool IsLicence(std::string_view licence) { return Among(licence, kLicences); }
bool IsLanguage(std::string_view lang) { return Among(lang, kLanguages); }

std::string_view CslTypeOf(std::string_view item_type) {
  for (const auto& [type, csl] : kCslTypes) {
    if (item_type == type) return csl;
  }
  return "document";
}

std::string ItemTypeFromCsl(std::string_view csl) {
  if (csl == "article-journal" || csl == "article" || csl == "article-magazine" ||
      csl == "article-newspaper" || csl == "paper-conference")
    return "article";
  if (csl == "book" || csl == "thesis") return "book";
  if (csl == "chapter") return "chapter";
  if (csl == "map") return "map";
  if (csl == "dataset") return "dataset";
  if (csl == "motion_picture" || csl == "broadcast") return "video";
  return "report";
}

const std::string& Term::Label(const std::string& lang) const {
  auto it = labels.find(lang);
  if (it != labels.end() && !it->second.empty()) return it->second;
  it = labels.find("en");
  if (it != labels.end() && !it->second.empty()) return it->second;
  return code;
}

std::string Item::TitleLang(const std::string& lang) const {
  auto it = texts.find(lang);
  if (it != texts.end() && !it->second.title.empty()) return lang;
  for (const char* l : kLanguages) {
    it = texts.find(l);
    if (it != texts.end() && !it->second.title.empty()) return l;
  }
  return texts.empty() ? lang : texts.begin()->first;
}

std::string Item::Title(const std::string& lang) const {
  auto it = texts.find(TitleLang(lang));
  return it == texts.end() ? std::string() : it->second.title;
}

std::string Item::Abstract(const std::string& lang) const {
  auto it = texts.find(lang);
  if (it != texts.end() && !it->second.abstract.empty()) return it->second.abstract;
  it = texts.find(TitleLang(lang));
  return it == texts.end() ? std::string() : it->second.abstract;
}

Reference ToReference(const Item& item, const std::string& lang) {
  Reference r;
  r.type = std::string(CslTypeOf(item.type));
  r.title = item.Title(lang);
  r.abstract = item.Abstract(lang);
  r.authors = item.authors;
  r.issued = item.date;
  r.container_title = item.container_title;
  r.publisher = item.publisher;
  r.publisher_place = item.publisher_place;
  r.volume = item.volume;
  r.issue = item.issue;
  r.page = item.pages;
  r.edition = item.edition;
  r.doi = item.doi;
  r.isbn = item.isbn;
  r.url = item.url;
  if (r.url.empty() && !item.handle.empty()) r.url = "https://hdl.handle.net/" + item.handle;
  r.language = item.doc_language;
  r.keywords = item.keywords;
  r.citation_key = item.slug;
  return r;
}

Item FromReference(const Reference& ref) {
  Item item;
  item.type = ItemTypeFromCsl(ref.type);
  std::string lang = IsLanguage(ref.language) ? ref.language : "en";
  item.texts[lang] = LocalText{ref.title, ref.abstract};
  item.authors = ref.authors;
  if (item.authors.empty()) item.authors = ref.editors;
  item.date = ref.issued;
  item.container_title = ref.container_title;
  item.publisher = ref.publisher;
  item.publisher_place = ref.publisher_place;
  item.volume = ref.volume;
  item.issue = ref.issue;
  item.pages = ref.page;
  item.edition = ref.edition;
  item.doi = ref.doi;
  item.isbn = ref.isbn;
  item.url = ref.url;
  item.doc_language = ref.language;
  item.keywords = ref.keywords;
  return item;
}

std::string MatchKey(const Item& item) {
  auto fold = [](std::string_view s) {
    std::string slug = Slugify(s, 300, "");
    slug.erase(std::remove(slug.begin(), slug.end(), '-'), slug.end());
    return slug;
  };
  std::string title = fold(item.Title("en"));
  std::string author;
  if (!item.authors.empty()) {
    const Name& a = item.authors.front();
    author = fold(a.IsOrganisation() ? a.literal : a.family);
  }
  return title + "|" + std::to_string(item.date.year) + "|" + author;
}

}  // namespace waymark::library
