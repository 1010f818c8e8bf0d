// CSL-JSON through nlohmann::json; its exceptions stop here.
#include "domain/library/csl_json.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "domain/library/bibtex.h"

namespace waymark::library {

namespace {

using Json = nlohmann::ordered_json;

// Nesting deeper than this is no CSL item; refusing it keeps the parse and the value shallow.
constexpr int kMaxDepth = 16;

void PutString(Json& item, const char* key, const std::string& value) {
  if (!value.empty()) item[key] = value;
}

Json NamesJson(const std::vector<Name>& names) {
  Json list = Json::array();
  for (const Name& n : names) {
    Json one = Json::object();
    PutString(one, "family", n.family);
    PutString(one, "given", n.given);
    PutString(one, "literal", n.literal);
    list.push_back(std::move(one));
  }
  return list;
}

Json Item(const Reference& r, const std::string& id) {
  Json item = Json::object();
  item["id"] = id;
  item["type"] = r.type;
  PutString(item, "citation-key", r.citation_key);
  PutString(item, "title", r.title);
  if (!r.authors.empty()) item["author"] = NamesJson(r.authors);
  if (!r.editors.empty()) item["editor"] = NamesJson(r.editors);
  if (r.issued.year != 0 || r.issued.month != 0 || r.issued.day != 0) {
    Json parts = Json::array({r.issued.year});
    if (r.issued.month != 0 || r.issued.day != 0) parts.push_back(r.issued.month);
    if (r.issued.day != 0) parts.push_back(r.issued.day);
    item["issued"] = Json{{"date-parts", Json::array({parts})}};
  }
  PutString(item, "container-title", r.container_title);
  PutString(item, "publisher", r.publisher);
  PutString(item, "publisher-place", r.publisher_place);
  PutString(item, "volume", r.volume);
  PutString(item, "issue", r.issue);
  PutString(item, "page", r.page);
  PutString(item, "edition", r.edition);
  PutString(item, "DOI", r.doi);
  PutString(item, "ISBN", r.isbn);
  PutString(item, "URL", r.url);
  PutString(item, "language", r.language);
  if (!r.keywords.empty()) {
    item["keyword"] = JoinStrings(r.keywords, ", ");
    // "keyword" is one string in CSL; the list keeps keywords that contain commas intact.
    item["waymark-keywords"] = r.keywords;
  }
  PutString(item, "abstract", r.abstract);
  PutString(item, "note", r.note);
  return item;
}

std::string Dump(const Json& j, int indent) {
  // Replacing invalid UTF-8 (which a Reference should not hold) keeps dump() from throwing.
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

Status WrongShape(const std::string& key, const char* want) {
  return Status::InvalidArgument("CSL-JSON member '" + key + "' must be " + want);
}

// Reads a string member; numbers are accepted when `numeric_ok` (CSL allows "volume": 12).
Status ReadString(const Json& item, const std::string& key, bool numeric_ok, std::string& out) {
  auto it = item.find(key);
  if (it == item.end() || it->is_null()) return Status::Ok();
  if (it->is_string()) {
    out = it->get<std::string>();
    return Status::Ok();
  }
  if (numeric_ok && (it->is_number_integer() || it->is_number_unsigned())) {
    out = it->dump();
    return Status::Ok();
  }
  return WrongShape(key, numeric_ok ? "a string or a whole number" : "a string");
}

Status ReadNames(const Json& item, const std::string& key, std::vector<Name>& out) {
  auto it = item.find(key);
  if (it == item.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return WrongShape(key, "an array of names");
  for (const Json& one : *it) {
    if (!one.is_object()) return WrongShape(key, "an array of objects with family, given or literal");
    Name n;
    WM_RETURN_IF_ERROR(ReadString(one, "family", false, n.family).WithContext(key));
    WM_RETURN_IF_ERROR(ReadString(one, "given", false, n.given).WithContext(key));
    WM_RETURN_IF_ERROR(ReadString(one, "literal", false, n.literal).WithContext(key));
    out.push_back(std::move(n));
  }
  return Status::Ok();
}

// A date part: a whole number or a numeric string ("2019"), within [0, max].
bool DatePart(const Json& j, int max, int& out) {
  long long v = -1;
  if (j.is_number_integer() || j.is_number_unsigned()) {
    v = j.get<long long>();
  } else if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s.empty() || s.size() > 5) return false;
    v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
  }
  if (v < 0 || v > max) return false;
  out = static_cast<int>(v);
  return true;
}

// "2019", "2019-03", "2019-03-05" (CSL's "raw" form, as some exporters write it).
bool RawDate(const std::string& raw, PartialDate& out) {
  std::vector<std::string_view> parts = Split(TrimAscii(raw), '-');
  if (parts.empty() || parts.size() > 3) return false;
  int values[3] = {0, 0, 0};
  const int max[3] = {9999, 12, 31};
  for (std::size_t i = 0; i < parts.size() && i < 3; ++i) {
    if (parts[i].empty() || parts[i].size() > 4) return false;
    for (char c : parts[i]) {
      if (c < '0' || c > '9') return false;
      values[i] = values[i] * 10 + (c - '0');
    }
    if (values[i] > max[i]) return false;
  }
  out = PartialDate{values[0], values[1], values[2]};
  return true;
}

Status ReadIssued(const Json& item, PartialDate& out) {
  auto it = item.find("issued");
  if (it == item.end() || it->is_null()) return Status::Ok();
  if (!it->is_object()) return WrongShape("issued", "an object with date-parts");
  auto parts = it->find("date-parts");
  if (parts == it->end()) {
    auto raw = it->find("raw");
    // A literal or seasonal date ("Spring 2017") that we cannot place leaves the date unknown.
    if (raw != it->end() && raw->is_string()) RawDate(raw->get<std::string>(), out);
    return Status::Ok();
  }
  if (!parts->is_array() || parts->empty() || !(*parts)[0].is_array() || (*parts)[0].size() > 3) {
    return WrongShape("issued", "an object with date-parts [[year, month, day]]");
  }
  const Json& first = (*parts)[0];
  int* fields[3] = {&out.year, &out.month, &out.day};
  const int max[3] = {9999, 12, 31};
  for (std::size_t i = 0; i < first.size() && i < 3; ++i) {
    if (!DatePart(first[i], max[i], *fields[i])) {
      return WrongShape("issued", "an object whose date-parts are numbers (year, month 1-12, day 1-31)");
    }
  }
  return Status::Ok();
}

Result<Reference> FromJson(const Json& item) {
  if (!item.is_object()) return Status::InvalidArgument("CSL-JSON item must be an object");
  Reference r;
  if (item.contains("type")) WM_RETURN_IF_ERROR(ReadString(item, "type", false, r.type));
  WM_RETURN_IF_ERROR(ReadString(item, "citation-key", false, r.citation_key));
  WM_RETURN_IF_ERROR(ReadString(item, "title", false, r.title));
  WM_RETURN_IF_ERROR(ReadNames(item, "author", r.authors));
  WM_RETURN_IF_ERROR(ReadNames(item, "editor", r.editors));
  WM_RETURN_IF_ERROR(ReadIssued(item, r.issued));
  WM_RETURN_IF_ERROR(ReadString(item, "container-title", false, r.container_title));
  WM_RETURN_IF_ERROR(ReadString(item, "publisher", false, r.publisher));
  WM_RETURN_IF_ERROR(ReadString(item, "publisher-place", false, r.publisher_place));
  WM_RETURN_IF_ERROR(ReadString(item, "volume", true, r.volume));
  WM_RETURN_IF_ERROR(ReadString(item, "issue", true, r.issue));
  WM_RETURN_IF_ERROR(ReadString(item, "page", true, r.page));
  WM_RETURN_IF_ERROR(ReadString(item, "edition", true, r.edition));
  WM_RETURN_IF_ERROR(ReadString(item, "DOI", false, r.doi));
  WM_RETURN_IF_ERROR(ReadString(item, "ISBN", false, r.isbn));
  WM_RETURN_IF_ERROR(ReadString(item, "URL", false, r.url));
  WM_RETURN_IF_ERROR(ReadString(item, "language", false, r.language));
  WM_RETURN_IF_ERROR(ReadString(item, "abstract", false, r.abstract));
  WM_RETURN_IF_ERROR(ReadString(item, "note", false, r.note));
  auto list = item.find("waymark-keywords");
  if (list != item.end() && !list->is_null()) {
    if (!list->is_array()) return WrongShape("waymark-keywords", "an array of strings");
    for (const Json& k : *list) {
      if (!k.is_string()) return WrongShape("waymark-keywords", "an array of strings");
      r.keywords.push_back(k.get<std::string>());
    }
  } else {
    std::string joined;
    WM_RETURN_IF_ERROR(ReadString(item, "keyword", false, joined));
    for (std::string_view piece : Split(joined, ',')) {
      for (std::string_view k : Split(piece, ';')) {
        k = TrimAscii(k);
        if (!k.empty()) r.keywords.emplace_back(k);
      }
    }
  }
  return r;
}

}  // namespace

std::string ToCslJson(const std::vector<Reference>& refs) {
  std::vector<std::string> ids = CitationKeys(refs);
  Json list = Json::array();
  for (std::size_t i = 0; i < refs.size(); ++i) list.push_back(Item(refs[i], ids[i]));
  return Dump(list, 2);
}

std::string ReferenceToCslJson(const Reference& ref) {
  return Dump(Item(ref, CitationKeys({ref}).front()), -1);
}

Result<Reference> ReferenceFromCslJson(std::string_view one_item_json) {
  try {
    bool too_deep = false;
    Json::parser_callback_t limit = [&too_deep](int depth, Json::parse_event_t /*event*/, Json& /*parsed*/) {
      if (depth > kMaxDepth) too_deep = true;
      return !too_deep;
    };
    Json item = Json::parse(one_item_json.begin(), one_item_json.end(), limit);
    if (too_deep) return Status::InvalidArgument("CSL-JSON is nested too deeply");
    return FromJson(item);
  } catch (const Json::parse_error& e) {
    return Status::InvalidArgument("CSL-JSON is not valid JSON (at byte " + std::to_string(e.byte) + ")");
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(std::string("CSL-JSON could not be read: ") + e.what());
  }
}

}  // namespace waymark::library
