// The library: research on migration and the environment (reports,
// articles, briefs, books, case studies, maps, datasets, videos, training
// material) that organisations contribute and moderators publish, with the
// files' text extracted page by page. Plain values; no HTTP, JSON or SQL.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "domain/accounts/model.h"
#include "domain/library/reference.h"

namespace waymark::library {

using accounts::Id;

// As campaigns: members' drafts are submitted, moderators publish or
// return them with a reason; archived items are withdrawn (harvesters see
// them as deleted).
enum class Lifecycle { kDraft, kSubmitted, kReturned, kPublished, kArchived };
std::string_view ToString(Lifecycle s);
std::optional<Lifecycle> ParseLifecycle(std::string_view s);

// Item types (codes), and the CSL type each is cited as.
inline constexpr const char* kItemTypes[] = {"report",     "article", "brief",   "book",  "chapter",
                                             "case_study", "map",     "dataset", "video", "training"};
bool IsItemType(std::string_view type);
std::string_view CslTypeOf(std::string_view item_type);
// The item type for a CSL type read from a reference list ("report" for
// anything unknown).
std::string ItemTypeFromCsl(std::string_view csl_type);

inline constexpr const char* kLicences[] = {
    "cc-by",       "cc-by-sa", "cc-by-nc",      "cc-by-nc-sa",         "cc-by-nd",
    "cc-by-nc-nd", "cc0",      "public-domain", "all-rights-reserved", "unknown"};
bool IsLicence(std::string_view licence);

// The languages an item's title and abstract may be written in (the
// interface languages). The document itself may be in any language.
inline constexpr const char* kLanguages[] = {"en", "fr", "es"};
bool IsLanguage(std::string_view lang);

// The moderated vocabularies: "theme" (seeded) and "keyword" (grown by
// moderators; imported keywords outside it are kept on the item as free
// keywords until a moderator adds them).
struct Term {
  std::string vocabulary;  // "theme" or "keyword"
  std::string code;
  std::map<std::string, std::string> labels;  // en, fr, es
  int position = 0;
  bool active = true;
  bool operator==(const Term&) const = default;
  const std::string& Label(const std::string& lang) const;
};
const std::vector<Term>& SeedTerms();

struct LocalText {
  std::string title;
  std::string abstract;  // plain text, paragraphs separated by blank lines
  bool operator==(const LocalText&) const = default;
};

// What became of a file's text.
enum class TextStatus {
  kPending,    // waiting for extraction
  kExtracted,  // pages with text
  kNoText,     // a PDF without a text layer (a scan): accepted, marked
  kFailed,     // encrypted or damaged: the file is kept, the reason shown
  kNotPdf,     // an image or other file: no text expected
};
std::string_view ToString(TextStatus s);
std::optional<TextStatus> ParseTextStatus(std::string_view s);

// A file of an item. Its bytes are stored once per checksum (a "blob"),
// whichever items use them; the page count and text belong to the blob.
struct ItemFile {
  Id id = 0;
  Id item_id = 0;
  std::string sha256;
  std::string filename;
  std::string media_type;  // from the content, never from the name
  std::int64_t size = 0;
  int page_count = 0;
  TextStatus text_status = TextStatus::kPending;
  std::string text_error;
  TimestampMs created_at = 0;
  bool operator==(const ItemFile&) const = default;
};

struct Item {
  Id id = 0;
  std::string slug;  // unique, from the first title; immutable
  std::string type = "report";
  std::map<std::string, LocalText> texts;  // by language (en, fr, es)
  std::vector<Name> authors;               // people and organisations, in order
  std::string publisher;
  std::string publisher_place;
  std::string container_title;  // journal, book of a chapter, series
  std::string volume;
  std::string issue;  // issue, or a report's number
  std::string pages;
  std::string edition;
  PartialDate date;
  std::string doc_language;  // ISO 639-1 of the document ("en")
  std::vector<std::string> themes;
  std::vector<std::string> keywords;
  std::vector<std::string> countries;  // ISO 3166-1 alpha-3
  std::vector<std::string> regions;    // UN M49 codes given by hand (countries' regions are implied)
  std::string doi;
  std::string isbn;
  std::string handle;
  std::string url;
  std::string licence = "unknown";
  std::optional<Id> org_id;  // the contributing organisation
  std::string org_slug;      // filled in by the store
  std::string org_name;      // filled in by the store
  std::optional<Id> created_by;
  Lifecycle lifecycle = Lifecycle::kDraft;
  std::string moderation_note;  // why it was returned or archived
  std::optional<TimestampMs> published_at;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
  std::int64_t version = 1;
  std::vector<ItemFile> files;  // read-only here; managed through the store's file calls

  bool operator==(const Item&) const = default;
  // The title in `lang`, else in the first language that has one.
  std::string Title(const std::string& lang) const;
  std::string Abstract(const std::string& lang) const;
  // The language of Title(lang).
  std::string TitleLang(const std::string& lang) const;
};

// One page of a file's text (the blob's), numbered from 1.
struct PageText {
  Id id = 0;
  std::string sha256;
  int number = 0;
  std::string text;
};

struct Revision {
  Id item_id = 0;
  std::int64_t version = 0;
  TimestampMs at = 0;
  std::optional<Id> actor_user_id;
  std::string actor_label;
  std::string action;  // create, update, submit, publish, return, archive, import, file
  std::string note;
  Item snapshot;
};

// The reference of an item, as BibTeX, RIS, CSL-JSON and the citation styles
// carry it; `lang` picks the title and abstract.
Reference ToReference(const Item& item, const std::string& lang);
// The fields of an item from a reference read from a reference list; the
// title and abstract go under the document's language when it is en, fr or
// es, else under English.
Item FromReference(const Reference& ref);

// The key under which two items are the same work when they have no DOI:
// the title folded (lower case, no accents, letters and digits only), the
// year and the first author's family name (or organisation) folded.
std::string MatchKey(const Item& item);

}  // namespace waymark::library
