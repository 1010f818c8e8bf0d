// Searching the discussions: the index narrows by words, facets and
// audience; the rules here have the last word on what the reader may see.
#include <algorithm>

#include "domain/exchange/internal.h"

namespace waymark::exchange {

using internal::Core;

namespace {
constexpr int kMaxLimit = 100;
constexpr int kMaxOffset = 10000;
}  // namespace

Result<PostSearch> ExchangeService::SearchPosts(const Actor& actor, search::Query query) {
  if (index_ == nullptr) return Status::Unavailable("search is not available yet");
  Core core{accounts_, stores_, campaigns_, feed_, clock_, options_};
  query.audience = campaigns::CampaignService::SearchAudience(actor);
  query.filters["kind"] = {"post"};
  query.limit = std::clamp(query.limit, 1, kMaxLimit);
  query.offset = std::clamp(query.offset, 0, kMaxOffset);
  WM_ASSIGN_OR_RETURN(search::Results results, index_->Search(query));

  PostSearch out;
  std::vector<search::Hit> hits;
  std::map<Id, std::optional<Thread>> threads;  // readable threads, looked up once each
  for (auto& hit : results.hits) {
    if (hit.kind != "post") continue;
    auto post = stores_.threads->GetPost(hit.id);
    if (!post.ok() && post.status().IsNotFound()) continue;  // the index lags a deletion
    if (!post.ok()) return post.status();
    // Hidden posts are not indexed; one hidden since is dropped while the
    // index catches up (its moderators find it in its thread).
    if (post->hidden) continue;
    auto it = threads.find(post->thread_id);
    if (it == threads.end()) {
      auto t = stores_.threads->GetThread(post->thread_id);
      if (!t.ok() && !t.status().IsNotFound()) return t.status();
      std::optional<Thread> readable;
      if (t.ok()) {
        Status s = core.CheckReadable(actor, *t);
        if (s.ok()) {
          readable = *t;
        } else if (!s.IsNotFound() && s.kind() != Status::Kind::kPermissionDenied) {
          return s;
        }
      }
      it = threads.emplace(post->thread_id, std::move(readable)).first;
    }
    if (!it->second) continue;
    hits.push_back(std::move(hit));
    out.items.push_back(PostSearch::Item{*std::move(post), *it->second});
  }
  results.hits = std::move(hits);
  out.results = std::move(results);
  return out;
}

}  // namespace waymark::exchange
