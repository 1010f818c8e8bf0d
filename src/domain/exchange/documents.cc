// Search documents for discussion posts.
#include <utility>

#include "domain/exchange/exchange_service.h"
#include "domain/exchange/internal.h"

namespace waymark::exchange {

Result<search::Document> ExchangeService::SearchDocument(Id post_id) {
  auto p = stores_.threads->GetPost(post_id);
  if (!p.ok()) return p.status().IsNotFound() ? Status::NotFound("no such post") : p.status();
  if (p->hidden) return Status::NotFound("the post is hidden");
  WM_ASSIGN_OR_RETURN(Thread t, stores_.threads->GetThread(p->thread_id));
  if (t.hidden) return Status::NotFound("the thread is hidden");

  search::Document doc;
  doc.kind = "post";
  doc.id = p->id;
  doc.texts[p->lang] = search::Document::Text{t.title, p->body};
  doc.facets["kind"] = {"post"};
  doc.facets["lang"] = {p->lang};
  doc.date = p->created_at;

  switch (t.kind) {
    case ThreadKind::kIdea: doc.audience = {"public"}; break;
    case ThreadKind::kCampaign: {
      if (!t.campaign_id) return Status::NotFound("the thread has no campaign");
      auto c = campaigns_.store().Get(*t.campaign_id);
      if (!c.ok()) return c.status().IsNotFound() ? Status::NotFound("the campaign is gone") : c.status();
      // Discussion of unpublished or hidden campaigns stays out of search.
      if (c->lifecycle != campaigns::Lifecycle::kPublished || c->hidden) {
        return Status::NotFound("the campaign is not published");
      }
      switch (c->visibility) {
        case campaigns::Visibility::kPublic: doc.audience = {"public"}; break;
        case campaigns::Visibility::kMembers: doc.audience = {"members"}; break;
        case campaigns::Visibility::kOrganisation:
          doc.audience = {"org:" + std::to_string(c->organisation.id)};
          break;
      }
      break;
    }
    case ThreadKind::kGroup: {
      if (!t.group_id) return Status::NotFound("the thread has no group");
      auto g = stores_.groups->Get(*t.group_id);
      if (!g.ok()) return g.status().IsNotFound() ? Status::NotFound("the group is gone") : g.status();
      if (!g->members_only) {
        doc.audience = {"members"};
      } else {
        WM_ASSIGN_OR_RETURN(std::vector<GroupMember> members, stores_.groups->Members(g->id));
        for (const GroupMember& m : members) {
          if (m.state == MemberState::kMember)
            doc.audience.push_back("org:" + std::to_string(m.organisation_id));
        }
      }
      break;
    }
  }
  return doc;
}

Result<search::Document> PostDocuments::Load(const std::string& kind, Id id) {
  if (kind != "post") return Status::NotFound("posts only");
  return service_.SearchDocument(id);
}

Result<std::vector<Id>> PostDocuments::ListIds(const std::string& kind, Id after_id, int limit) {
  if (kind != "post") return std::vector<Id>{};
  return threads_.ListPostIds(after_id, limit);
}

}  // namespace waymark::exchange
