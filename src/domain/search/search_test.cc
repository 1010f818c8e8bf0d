// The Indexer and CompositeSource over in-memory implementations of the
// search interfaces (the Xapian index has its own tests in src/search).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "domain/search/search.h"

namespace waymark::search {
namespace {

// An index that keeps committed and pending documents in maps.
class MemoryIndex final : public Index {
 public:
  Status Upsert(const Document& doc) override {
    if (fail_upsert) return Status::Unavailable("index down");
    pending_[{doc.kind, doc.id}] = doc;
    ++upserts;
    return Status::Ok();
  }
  Status Remove(const std::string& kind, Id id) override {
    pending_.erase({kind, id});
    ++removes;
    return Status::Ok();
  }
  Status Commit(std::int64_t applied_seq) override {
    committed_ = pending_;
    applied_ = applied_seq;
    commits.push_back(applied_seq);
    return Status::Ok();
  }
  Result<std::int64_t> AppliedSeq() override { return applied_; }
  Status Clear() override {
    pending_.clear();
    ++clears;
    return Status::Ok();
  }
  Result<std::int64_t> DocumentCount() override { return static_cast<std::int64_t>(committed_.size()); }
  Result<Results> Search(const Query&) override { return Results{}; }

  bool Has(const std::string& kind, Id id) const { return committed_.count({kind, id}) > 0; }
  std::string Title(const std::string& kind, Id id) const {
    return committed_.at({kind, id}).texts.at("en").title;
  }

  int upserts = 0;
  int removes = 0;
  int clears = 0;
  bool fail_upsert = false;
  std::vector<std::int64_t> commits;

 private:
  std::map<std::pair<std::string, Id>, Document> pending_;
  std::map<std::pair<std::string, Id>, Document> committed_;
  std::int64_t applied_ = 0;
};

class MemoryFeed final : public ChangeFeed {
 public:
  Status Append(const std::string& kind, Id id) override {
    entries_.push_back({static_cast<std::int64_t>(entries_.size()) + 1, kind, id});
    return Status::Ok();
  }
  Result<std::vector<Change>> Since(std::int64_t after, int limit) override {
    std::vector<Change> out;
    for (const auto& c : entries_) {
      if (c.seq > after && static_cast<int>(out.size()) < limit) out.push_back(c);
    }
    return out;
  }
  Result<std::int64_t> Head() override { return entries_.empty() ? 0 : entries_.back().seq; }

 private:
  std::vector<Change> entries_;
};

// Documents of one kind; an id missing from the map is NotFound.
class MemorySource final : public DocumentSource {
 public:
  explicit MemorySource(std::string kind) : kind_(std::move(kind)) {}
  void Set(Id id, const std::string& title) {
    Document d;
    d.kind = kind_;
    d.id = id;
    d.texts["en"] = {title, ""};
    docs_[id] = d;
  }
  void Erase(Id id) { docs_.erase(id); }

  Result<Document> Load(const std::string& kind, Id id) override {
    ++loads;
    if (fail_load) return Status::Unavailable("database down");
    if (kind != kind_) return Status::NotFound("wrong kind");
    auto it = docs_.find(id);
    if (it == docs_.end()) return Status::NotFound("gone");
    return it->second;
  }
  Result<std::vector<Id>> ListIds(const std::string& kind, Id after_id, int limit) override {
    std::vector<Id> out;
    if (kind != kind_) return out;
    for (auto it = docs_.upper_bound(after_id); it != docs_.end() && static_cast<int>(out.size()) < limit;
         ++it) {
      out.push_back(it->first);
    }
    return out;
  }
  std::vector<std::string> Kinds() const override { return {kind_}; }

  int loads = 0;
  bool fail_load = false;

 private:
  std::string kind_;
  std::map<Id, Document> docs_;
};

class IndexerTest : public ::testing::Test {
 protected:
  IndexerTest() {
    composite_.Add(&campaigns_);
    composite_.Add(&posts_);
  }
  MemoryIndex index_;
  MemoryFeed feed_;
  MemorySource campaigns_{"campaign"};
  MemorySource posts_{"post"};
  CompositeSource composite_;
  Indexer indexer_{index_, feed_, composite_};
};

TEST_F(IndexerTest, CatchUpAppliesTheFeedInOrderAndRecordsTheSeq) {
  campaigns_.Set(1, "one");
  ASSERT_TRUE(feed_.Append("campaign", 1).ok());
  posts_.Set(7, "post seven");
  ASSERT_TRUE(feed_.Append("post", 7).ok());
  auto n = indexer_.CatchUp();
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 2);
  EXPECT_TRUE(index_.Has("campaign", 1));
  EXPECT_TRUE(index_.Has("post", 7));
  EXPECT_EQ(*index_.AppliedSeq(), 2);

  // Nothing new: nothing done.
  EXPECT_EQ(*indexer_.CatchUp(), 0);

  // An edit, then a removal (NotFound from the source).
  campaigns_.Set(1, "one, edited");
  ASSERT_TRUE(feed_.Append("campaign", 1).ok());
  posts_.Erase(7);
  ASSERT_TRUE(feed_.Append("post", 7).ok());
  EXPECT_EQ(*indexer_.CatchUp(), 2);
  EXPECT_EQ(index_.Title("campaign", 1), "one, edited");
  EXPECT_FALSE(index_.Has("post", 7));
  EXPECT_EQ(*index_.AppliedSeq(), 4);
}

TEST_F(IndexerTest, CatchUpResumesFromTheIndexsSeq) {
  for (Id i = 1; i <= 3; ++i) {
    campaigns_.Set(i, "c");
    ASSERT_TRUE(feed_.Append("campaign", i).ok());
  }
  // The index already has 1 and 2 (say, before a crash).
  ASSERT_TRUE(index_.Commit(2).ok());
  EXPECT_EQ(*indexer_.CatchUp(), 1);
  EXPECT_TRUE(index_.Has("campaign", 3));
  EXPECT_FALSE(index_.Has("campaign", 1));
  EXPECT_EQ(campaigns_.loads, 1);
}

TEST_F(IndexerTest, CatchUpInBatchesLoadsEachDocumentOncePerBatch) {
  campaigns_.Set(1, "c");
  for (int i = 0; i < 1200; ++i) ASSERT_TRUE(feed_.Append("campaign", 1).ok());
  EXPECT_EQ(*indexer_.CatchUp(), 1200);
  EXPECT_EQ(*index_.AppliedSeq(), 1200);
  EXPECT_EQ(index_.commits.size(), 3u);  // 500 + 500 + 200
  EXPECT_EQ(campaigns_.loads, 3);
}

TEST_F(IndexerTest, CatchUpStopsOnAnErrorWithoutMovingTheSeq) {
  campaigns_.Set(1, "c");
  ASSERT_TRUE(feed_.Append("campaign", 1).ok());
  campaigns_.fail_load = true;
  auto n = indexer_.CatchUp();
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().kind(), Status::Kind::kUnavailable);
  EXPECT_EQ(*index_.AppliedSeq(), 0);
  campaigns_.fail_load = false;
  index_.fail_upsert = true;
  EXPECT_FALSE(indexer_.CatchUp().ok());
  EXPECT_EQ(*index_.AppliedSeq(), 0);
  index_.fail_upsert = false;
  EXPECT_EQ(*indexer_.CatchUp(), 1);
  EXPECT_EQ(*index_.AppliedSeq(), 1);
}

TEST_F(IndexerTest, RebuildIndexesEverythingAndRecordsTheHead) {
  for (Id i = 1; i <= 2500; ++i) campaigns_.Set(i, "c");
  posts_.Set(3, "p");
  ASSERT_TRUE(feed_.Append("campaign", 1).ok());
  ASSERT_TRUE(feed_.Append("campaign", 2).ok());
  // Something stale in the index that the database no longer has.
  Document stale;
  stale.kind = "post";
  stale.id = 99;
  ASSERT_TRUE(index_.Upsert(stale).ok());
  ASSERT_TRUE(index_.Commit(0).ok());

  std::vector<std::pair<std::int64_t, std::int64_t>> progress;
  ASSERT_TRUE(
      indexer_.Rebuild([&](std::int64_t done, std::int64_t total) { progress.emplace_back(done, total); })
          .ok());
  EXPECT_EQ(index_.clears, 1);
  EXPECT_EQ(*index_.DocumentCount(), 2501);
  EXPECT_FALSE(index_.Has("post", 99));
  EXPECT_TRUE(index_.Has("post", 3));
  EXPECT_EQ(*index_.AppliedSeq(), 2);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.front(), (std::pair<std::int64_t, std::int64_t>{0, 2501}));
  EXPECT_EQ(progress.back(), (std::pair<std::int64_t, std::int64_t>{2501, 2501}));
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));

  // Changes after the head are applied by the next catch-up.
  campaigns_.Set(1, "after");
  ASSERT_TRUE(feed_.Append("campaign", 1).ok());
  EXPECT_EQ(*indexer_.CatchUp(), 1);
  EXPECT_EQ(index_.Title("campaign", 1), "after");
}

TEST_F(IndexerTest, RebuildWithoutProgressCallback) {
  campaigns_.Set(5, "c");
  ASSERT_TRUE(indexer_.Rebuild(nullptr).ok());
  EXPECT_TRUE(index_.Has("campaign", 5));
  EXPECT_EQ(*index_.AppliedSeq(), 0);
}

TEST(CompositeSource, RoutesByKind) {
  MemorySource campaigns("campaign");
  MemorySource posts("post");
  campaigns.Set(1, "c1");
  posts.Set(1, "p1");
  posts.Set(2, "p2");
  CompositeSource s;
  s.Add(&campaigns);
  s.Add(&posts);
  EXPECT_EQ(s.Kinds(), (std::vector<std::string>{"campaign", "post"}));
  EXPECT_EQ(s.Load("campaign", 1)->texts.at("en").title, "c1");
  EXPECT_EQ(s.Load("post", 1)->texts.at("en").title, "p1");
  EXPECT_TRUE(s.Load("post", 9).status().IsNotFound());
  EXPECT_TRUE(s.Load("group", 1).status().IsNotFound());
  EXPECT_EQ(*s.ListIds("post", 0, 10), (std::vector<Id>{1, 2}));
  EXPECT_EQ(*s.ListIds("post", 1, 10), (std::vector<Id>{2}));
  EXPECT_TRUE(s.ListIds("group", 0, 10)->empty());
}

}  // namespace
}  // namespace waymark::search
