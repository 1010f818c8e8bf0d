#include <algorithm>
#include <set>
#include <utility>

#include "domain/search/search.h"

namespace waymark::search {
namespace {

constexpr int kFeedBatch = 500;
constexpr int kListBatch = 1000;
constexpr std::int64_t kProgressEvery = 1000;

// Loads (kind, id) and puts it in the index, or removes it when the source
// says it is gone (NotFound: deleted, hidden, unpublished).
Status Apply(Index& index, DocumentSource& source, const std::string& kind, Id id) {
  Result<Document> doc = source.Load(kind, id);
  if (!doc.ok()) {
    if (doc.status().IsNotFound()) return index.Remove(kind, id);
    return doc.status().WithContext("loading " + kind + " " + std::to_string(id) + " for the search index");
  }
  return index.Upsert(*doc);
}

}  // namespace

Result<int> Indexer::CatchUp() {
  std::lock_guard lock(mu_);
  Result<std::int64_t> seq = index_.AppliedSeq();
  if (!seq.ok()) return seq.status();
  std::int64_t applied = *seq;
  int total = 0;
  for (;;) {
    Result<std::vector<Change>> batch = feed_.Since(applied, kFeedBatch);
    if (!batch.ok()) return batch.status();
    const std::vector<Change>& changes = *batch;
    if (changes.empty()) break;
    // One load per (kind, id) in the batch, however often it changed: the
    // source gives its state now, which covers every change in the batch.
    std::set<std::pair<std::string, Id>> done;
    for (const Change& c : changes) {
      if (!done.insert({c.kind, c.id}).second) continue;
      WM_RETURN_IF_ERROR(Apply(index_, source_, c.kind, c.id));
    }
    std::int64_t last = changes.back().seq;
    WM_RETURN_IF_ERROR(index_.Commit(last));
    commits_.fetch_add(1, std::memory_order_release);
    applied = last;
    total += static_cast<int>(changes.size());
    if (static_cast<int>(changes.size()) < kFeedBatch) break;
  }
  return total;
}

Status Indexer::Rebuild(const std::function<void(std::int64_t, std::int64_t)>& progress) {
  std::lock_guard lock(mu_);
  // Changes made from here on are in the feed after `head` and are applied
  // by the next CatchUp (applying one twice is harmless).
  Result<std::int64_t> head_seq = feed_.Head();
  if (!head_seq.ok()) return head_seq.status();
  std::int64_t head = *head_seq;
  std::vector<std::pair<std::string, Id>> all;
  for (const std::string& kind : source_.Kinds()) {
    Id after = 0;
    for (;;) {
      Result<std::vector<Id>> page = source_.ListIds(kind, after, kListBatch);
      if (!page.ok()) return page.status();
      const std::vector<Id>& ids = *page;
      if (ids.empty()) break;
      for (Id id : ids) all.emplace_back(kind, id);
      after = ids.back();
      if (static_cast<int>(ids.size()) < kListBatch) break;
    }
  }
  auto total = static_cast<std::int64_t>(all.size());
  if (progress) progress(0, total);
  WM_RETURN_IF_ERROR(index_.Clear());
  std::int64_t done = 0;
  for (const auto& [kind, id] : all) {
    WM_RETURN_IF_ERROR(Apply(index_, source_, kind, id));
    ++done;
    if (progress && done % kProgressEvery == 0) progress(done, total);
  }
  WM_RETURN_IF_ERROR(index_.Commit(head));
  commits_.fetch_add(1, std::memory_order_release);
  if (progress && done % kProgressEvery != 0) progress(done, total);
  return Status::Ok();
}

Result<Document> CompositeSource::Load(const std::string& kind, Id id) {
  for (DocumentSource* s : sources_) {
    auto kinds = s->Kinds();
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) return s->Load(kind, id);
  }
  return Status::NotFound("no search source for kind '" + kind + "'");
}

Result<std::vector<Id>> CompositeSource::ListIds(const std::string& kind, Id after_id, int limit) {
  for (DocumentSource* s : sources_) {
    auto kinds = s->Kinds();
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) return s->ListIds(kind, after_id, limit);
  }
  return std::vector<Id>{};
}

std::vector<std::string> CompositeSource::Kinds() const {
  std::vector<std::string> out;
  for (const DocumentSource* s : sources_) {
    for (auto& k : s->Kinds()) {
      if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(std::move(k));
    }
  }
  return out;
}

}  // namespace waymark::search
