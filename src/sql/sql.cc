#include "sql/sql.h"

#include <charconv>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

namespace waymark::sql {

std::int64_t Row::Int(std::size_t i) const {
  const Value& v = cols_.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    if (*s == "t") return 1;  // PostgreSQL booleans in text form
    if (*s == "f") return 0;
    std::int64_t out = 0;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return 0;
}

std::string Row::Text(std::size_t i) const {
  const Value& v = cols_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* b = std::get_if<Blob>(&v)) return b->bytes;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return "";
}

std::optional<std::string> Row::OptText(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

std::optional<std::int64_t> Row::OptInt(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

Result<Row> Connection::QueryOne(std::string_view sql, const Params& params) {
  auto rows = Query(sql, params);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no row");
  return std::move(rows->front());
}

void Connection::NoteWrite(bool in_transaction) {
  if (in_transaction) {
    wrote_in_transaction_ = true;
  } else if (write_counter_ != nullptr) {
    write_counter_->fetch_add(1, std::memory_order_release);
  }
}

void Connection::NoteTransactionEnded(bool committed) {
  if (committed && wrote_in_transaction_ && write_counter_ != nullptr) {
    write_counter_->fetch_add(1, std::memory_order_release);
  }
  wrote_in_transaction_ = false;
}

Lease::~Lease() {
  if (conn_) db_->Release(std::move(conn_));
}

struct Database::State {
  mutable std::mutex mu;
  std::condition_variable cv;
  std::deque<std::unique_ptr<Connection>> idle;  // GUARDED_BY(mu)
  int open = 0;                                  // GUARDED_BY(mu)
  int in_use = 0;                                // GUARDED_BY(mu)
  std::int64_t acquired_total = 0;               // GUARDED_BY(mu)
  std::int64_t waited_total = 0;                 // GUARDED_BY(mu)
  std::int64_t timeouts_total = 0;               // GUARDED_BY(mu)
  std::atomic<std::uint64_t> committed_writes{0};
  // The connection holding each thread's open unit of work.
  std::map<std::thread::id, Connection*> ambient;  // GUARDED_BY(mu)
};

Connection* Database::AmbientConnection() const {
  std::lock_guard lock(state_->mu);
  auto it = state_->ambient.find(std::this_thread::get_id());
  return it == state_->ambient.end() ? nullptr : it->second;
}

std::uint64_t Database::CommittedWrites() const {
  return state_->committed_writes.load(std::memory_order_acquire);
}

Status Database::InTransaction(const std::function<Status()>& fn) {
  if (AmbientConnection() != nullptr) return fn();  // nested: join the outer unit
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  Connection& conn = **lease;
  WM_RETURN_IF_ERROR(conn.Begin(true));
  {
    std::lock_guard lock(state_->mu);
    state_->ambient[std::this_thread::get_id()] = &conn;
  }
  Status s = fn();
  {
    std::lock_guard lock(state_->mu);
    state_->ambient.erase(std::this_thread::get_id());
  }
  if (s.ok()) s = conn.Commit();
  if (!s.ok()) (void)conn.Rollback();
  return s;
}

Database::Database(Dialect dialect, std::string description, ConnectionFactory factory, int size,
                   std::chrono::milliseconds acquire_timeout)
    : dialect_(dialect),
      description_(std::move(description)),
      factory_(std::move(factory)),
      size_(size < 1 ? 1 : size),
      acquire_timeout_(acquire_timeout),
      state_(std::make_unique<State>()) {}

Database::~Database() = default;

Result<Lease> Database::Acquire() {
  if (Connection* joined = AmbientConnection()) return Lease(this, joined);
  std::unique_lock lock(state_->mu);
  bool waited = false;
  auto deadline = std::chrono::steady_clock::now() + acquire_timeout_;
  while (true) {
    while (!state_->idle.empty()) {
      std::unique_ptr<Connection> conn = std::move(state_->idle.front());
      state_->idle.pop_front();
      if (!conn->IsHealthy()) {
        --state_->open;
        continue;
      }
      ++state_->in_use;
      ++state_->acquired_total;
      if (waited) ++state_->waited_total;
      return Lease(this, std::move(conn));
    }
    if (state_->open < size_) {
      // Open a new connection without holding the lock: it may take a while.
      ++state_->open;
      lock.unlock();
      auto conn = factory_();
      lock.lock();
      if (!conn.ok()) {
        --state_->open;
        state_->cv.notify_one();
        return Status::Unavailable("database unavailable: " + conn.status().message());
      }
      (*conn)->set_write_counter(&state_->committed_writes);
      ++state_->in_use;
      ++state_->acquired_total;
      if (waited) ++state_->waited_total;
      return Lease(this, std::move(conn).value());
    }
    waited = true;
    if (state_->cv.wait_until(lock, deadline) == std::cv_status::timeout && state_->idle.empty() &&
        state_->open >= size_) {
      ++state_->timeouts_total;
      return Status::Unavailable("database busy: no free connection");
    }
  }
}

void Database::Release(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(state_->mu);
  --state_->in_use;
  if (conn->IsHealthy()) {
    state_->idle.push_back(std::move(conn));
  } else {
    // One broken connection usually means the server went away (restart,
    // failover): the idle ones are as dead, so drop them too rather than
    // failing the next few requests one by one.
    --state_->open;
    state_->open -= static_cast<int>(state_->idle.size());
    state_->idle.clear();
  }
  state_->cv.notify_one();
}

PoolStats Database::Stats() const {
  std::lock_guard lock(state_->mu);
  PoolStats s;
  s.size = size_;
  s.open = state_->open;
  s.in_use = state_->in_use;
  s.acquired_total = state_->acquired_total;
  s.waited_total = state_->waited_total;
  s.timeouts_total = state_->timeouts_total;
  return s;
}

Status TransactStatus(Database& db, bool write, const std::function<Status(Connection&)>& fn) {
  auto lease = db.Acquire();
  if (!lease.ok()) return lease.status();
  Connection& conn = **lease;
  if (lease->joined()) return fn(conn);  // part of a unit of work: it commits
  WM_RETURN_IF_ERROR(conn.Begin(write));
  Status s = fn(conn);
  if (!s.ok()) {
    (void)conn.Rollback();
    return s;
  }
  Status commit = conn.Commit();
  if (!commit.ok()) (void)conn.Rollback();
  return commit;
}

}  // namespace waymark::sql
