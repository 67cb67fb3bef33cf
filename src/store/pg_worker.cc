// The PostgreSQL worker (kefu/store/pg_worker.h): leases shops, applies
// their inbox lines through their stores, renews its leases, and stops
// applying on its own before a lease it cannot renew can run out.
//
// One thread and one connection (shared by the worker's stores, and
// LISTENing on kefu_inbox). The loop: renew the leases (every lease/4) and
// take free shops up to a fair share; then apply the inbox of each shop
// that has lines (a notification or the periodic look marks it); then wait
// for a notification until the next renewal.
#include "kefu/store/pg_worker.h"

#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "kefu/io/host_line.h"
#include "store/pg_conn.h"
#include "store/pg_store_internal.h"

namespace kefu {
namespace {

using Clock = std::chrono::steady_clock;
using internal::PgParam;
using internal::PgResult;
using internal::StoreOp;

struct Held {
  int64_t epoch = 0;
  std::unique_ptr<PgStore> store;  // null: to be loaded
  bool dirty = true;               // may have inbox lines
};

class Worker {
 public:
  Worker(const PgWorkerOptions& options, const std::atomic<bool>& stop)
      : o_(options), stop_(stop), lease_(absl::ToChronoMicroseconds(options.store.lease)) {
    session_ = std::make_shared<internal::PgSession>();
    session_->conninfo = o_.conninfo;
    if (o_.name.empty()) {
      char host[256] = {0};
      gethostname(host, sizeof host - 1);
      session_->owner = absl::StrCat(host, ":", getpid());
    } else {
      session_->owner = o_.name;
    }
  }

  absl::Status Run() {
    while (!stop_) {
      if (!Connected()) {
        if (absl::Status s = Connect(); !s.ok()) {
          if (absl::IsFailedPrecondition(s)) return s;  // a schema it does not know
          CheckDeadline();
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          continue;
        }
      }
      CheckDeadline();
      if (Clock::now() >= next_renew_) RenewAndTake();
      bool busy = false;
      for (auto& [shop, h] : held_) {
        if (!Connected() || stop_) break;
        if (h.dirty) busy |= Process(shop, h);
      }
      DropBroken();
      if (!busy && Connected()) Wait();
    }
    Release();
    return absl::OkStatus();
  }

 private:
  void Log(std::string_view what) {
    if (!o_.log) return;
    timeval tv{};
    gettimeofday(&tv, nullptr);
    const int64_t us = int64_t{tv.tv_sec} * 1000000 + tv.tv_usec;
    o_.log(absl::StrCat("kefu worker ", session_->owner, ": ", us, " ", internal::ToAbsl(what)));
  }

  bool Connected() const { return session_->conn != nullptr && session_->conn->ok(); }

  void Disconnect(const absl::Status& why) {
    if (session_->conn) Log(absl::StrCat("connection lost: ", why.message()));
    session_->conn.reset();
    // The stores' state may be ahead of what committed: load them again.
    for (auto& [shop, h] : held_) h.store.reset();
  }

  absl::Status Connect() {
    absl::StatusOr<std::unique_ptr<internal::PgConn>> c =
        internal::PgConn::Connect(o_.conninfo, "kefu worker");
    if (!c.ok()) {
      if (!connect_failed_) Log(absl::StrCat("cannot connect: ", c.status().message()));
      connect_failed_ = true;
      return c.status();
    }
    connect_failed_ = false;
    if (absl::Status s = internal::PgCheckSchema(**c, ""); !s.ok()) {
      Log(internal::FromAbsl(s.message()));
      return s;
    }
    if (o_.store.durability == Durability::kNormal) {
      if (absl::Status s = (*c)->Run("SET synchronous_commit = off"); !s.ok()) return s;
    }
    if (absl::Status s = (*c)->Run("LISTEN kefu_inbox"); !s.ok()) return s;
    session_->conn = *std::move(c);
    Log("connected");
    next_renew_ = Clock::now();
    for (auto& [shop, h] : held_) h.dirty = true;  // notifications may have been missed
    return absl::OkStatus();
  }

  // Past the local deadline without a renewal: stop applying, drop every
  // shop (another worker may take them once the leases run out).
  void CheckDeadline() {
    if (held_.empty() || Clock::now() < deadline_) return;
    for (auto& [shop, h] : held_) Log(absl::StrCat("stopped shop ", shop, " epoch ", h.epoch,
                                                   ": lease not renewed in time"));
    held_.clear();
  }

  void RenewAndTake() {
    internal::PgConn& c = *session_->conn;
    const Clock::time_point sent = Clock::now();
    // Only the shops it runs: a lease it dropped (past its deadline) runs
    // out and is taken again with a new epoch.
    std::string names;
    for (const auto& [shop, h] : held_) {
      absl::StrAppend(&names, names.empty() ? "" : "\x1f", shop);
    }
    absl::StatusOr<PgResult> r = c.Exec(
        "UPDATE kefu_shop SET lease_until = now() + $2::bigint * interval '1 microsecond' "
        "WHERE owner = $1 AND shop_id = ANY(string_to_array($3, chr(31))) "
        "RETURNING shop_id, epoch",
        {PgParam::Text(session_->owner), PgParam::Text(internal::PgMicros(o_.store.lease)),
         PgParam::Text(names)},
        false, "renewing the leases");
    if (!r.ok()) return Disconnect(r.status());
    std::map<std::string, int64_t> mine;
    for (int i = 0; i < r->rows(); ++i) mine[r->text(i, 0)] = r->integer(i, 1);
    for (auto it = held_.begin(); it != held_.end();) {
      auto m = mine.find(it->first);
      if (m == mine.end() || m->second != it->second.epoch) {
        Log(absl::StrCat("lost shop ", it->first, " epoch ", it->second.epoch,
                         ": taken over by another worker"));
        it = held_.erase(it);
      } else {
        ++it;
      }
    }
    deadline_ = sent + lease_ - lease_ / 5;
    next_renew_ = sent + lease_ / 4;

    // Take free shops, up to a fair share of the workers alive (each says
    // so in kefu_worker at every renewal); give back what is above it.
    absl::StatusOr<PgResult> alive = c.Exec(
        "INSERT INTO kefu_worker (name, alive_until) "
        "VALUES ($1, now() + $2::bigint * interval '1 microsecond') "
        "ON CONFLICT (name) DO UPDATE SET alive_until = EXCLUDED.alive_until",
        {PgParam::Text(session_->owner), PgParam::Text(internal::PgMicros(o_.store.lease))},
        false, "saying the worker is alive");
    if (!alive.ok()) return Disconnect(alive.status());
    absl::StatusOr<PgResult> n = c.Exec(
        "SELECT (SELECT count(*) FROM kefu_shop WHERE shop_id LIKE $1), "
        "(SELECT count(*) FROM kefu_worker WHERE name <> $2 AND alive_until > now())",
        {PgParam::Text(o_.shops), PgParam::Text(session_->owner)}, false, "counting shops");
    if (!n.ok()) return Disconnect(n.status());
    const int64_t shops = n->integer(0, 0), others = n->integer(0, 1);
    const int64_t share = (shops + others) / (others + 1);
    const int64_t want = share - static_cast<int64_t>(held_.size());
    for (int64_t extra = -want; extra > 0 && !held_.empty(); --extra) {
      auto last = std::prev(held_.end());
      absl::StatusOr<PgResult> g = c.Exec(
          "UPDATE kefu_shop SET owner = NULL, lease_until = NULL "
          "WHERE shop_id = $1 AND owner = $2 AND epoch = $3",
          {PgParam::Text(last->first), PgParam::Text(session_->owner),
           PgParam::Text(absl::StrCat(last->second.epoch))},
          false, "giving a shop back");
      if (!g.ok()) return Disconnect(g.status());
      Log(absl::StrCat("released shop ", last->first, " epoch ", last->second.epoch,
                       ": above its share"));
      held_.erase(last);
    }
    if (want <= 0) return;
    absl::StatusOr<PgResult> t = c.Exec(
        "UPDATE kefu_shop SET owner = $2, epoch = epoch + 1, "
        "lease_until = now() + $4::bigint * interval '1 microsecond' "
        "WHERE shop_id IN (SELECT shop_id FROM kefu_shop WHERE shop_id LIKE $1 "
        "  AND (owner IS NULL OR lease_until < now()) ORDER BY shop_id LIMIT $3 "
        "  FOR UPDATE SKIP LOCKED) RETURNING shop_id, epoch",
        {PgParam::Text(o_.shops), PgParam::Text(session_->owner), PgParam::Text(absl::StrCat(want)),
         PgParam::Text(internal::PgMicros(o_.store.lease))},
        false, "taking shops");
    if (!t.ok()) return Disconnect(t.status());
    for (int i = 0; i < t->rows(); ++i) {
      Held h;
      h.epoch = t->integer(i, 1);
      Log(absl::StrCat("took shop ", t->text(i, 0), " epoch ", h.epoch));
      held_[t->text(i, 0)] = std::move(h);
    }
  }

  // Applies a batch of the shop's inbox lines; true when it did something.
  bool Process(const std::string& shop, Held& h) {
    if (Clock::now() >= deadline_) return false;
    if (!h.store) {
      PgStoreOptions so = o_.store;
      so.shop_id = shop;
      so.read_only = false;
      absl::StatusOr<std::unique_ptr<PgStore>> s =
          internal::OpenPgStoreLeased(session_, std::move(so), h.epoch);
      if (!s.ok()) {
        Log(absl::StrCat("cannot load shop ", shop, ": ", s.status().message()));
        if (!Connected() || !session_->conn->ok()) Disconnect(s.status());
        broken_.push_back(shop);
        return false;
      }
      h.store = *std::move(s);
    }
    absl::StatusOr<PgResult> r = session_->conn->Exec(
        "SELECT id, line FROM kefu_inbox WHERE shop_id = $1 ORDER BY id LIMIT $2",
        {PgParam::Text(shop), PgParam::Text(absl::StrCat(o_.batch))}, false, "reading the inbox");
    if (!r.ok()) {
      Disconnect(r.status());
      return false;
    }
    h.dirty = static_cast<size_t>(r->rows()) >= o_.batch;
    if (r->rows() == 0) return false;
    internal::StoreCore& core = *h.store->impl().core;
    std::vector<ShopEvent> events;
    std::vector<StoreOp> extra;
    absl::Status s;
    auto input = [&](int64_t id, std::string error = {}, std::string line = {}) {
      StoreOp op;
      op.type = StoreOp::kInput;
      op.key = id;
      op.body = std::move(error);
      op.outcome = std::move(line);
      extra.push_back(std::move(op));
    };
    auto flush = [&]() {
      if (!s.ok() || (events.empty() && extra.empty())) return;
      if (Clock::now() >= deadline_) {
        s = absl::UnavailableError("lease not renewed in time");
        return;
      }
      if (!events.empty()) {
        s = core.ApplyBatch(events, std::move(extra)).status();
      } else {
        s = core.Commit(std::move(extra));
      }
      events.clear();
      extra.clear();
    };
    for (int i = 0; i < r->rows() && s.ok(); ++i) {
      const int64_t id = r->integer(i, 0);
      HostLine line = ParseHostLine(r->bytes(i, 1), id);
      switch (line.kind) {
        case HostLine::kEvent:
          events.push_back(std::move(line.event));
          input(id);
          break;
        case HostLine::kBad:
          input(id, line.error.empty() ? "not understood" : line.error, r->text(i, 1));
          break;
        case HostLine::kWork:  // a query: nobody reads an answer from the inbox
          input(id, "a work query is answered by kefu serve, not through the inbox",
                r->text(i, 1));
          break;
        case HostLine::kTick:
          flush();
          if (!s.ok()) break;
          input(id);
          if (Clock::now() >= deadline_) {
            s = absl::UnavailableError("lease not renewed in time");
            break;
          }
          s = core.TakeDue(line.tick, std::move(extra));
          extra.clear();
          break;
        case HostLine::kDone:
          for (int64_t due : line.done) {
            StoreOp op;
            op.type = StoreOp::kDueDelete;
            op.key = due;
            extra.push_back(std::move(op));
          }
          input(id);
          break;
      }
    }
    flush();
    if (!s.ok()) {
      Log(absl::StrCat("shop ", shop, " epoch ", h.epoch, ": ", s.message()));
      if (!session_->conn->ok()) {
        Disconnect(s);
      } else {
        broken_.push_back(shop);
      }
    }
    return true;
  }

  // Shops whose store failed: loaded again next time, when the lease still
  // holds (a renewal drops it otherwise).
  void DropBroken() {
    for (const std::string& shop : broken_) {
      auto it = held_.find(shop);
      if (it == held_.end()) continue;
      if (it->second.store && it->second.store->impl().lost) {
        Log(absl::StrCat("lost shop ", shop, " epoch ", it->second.epoch,
                         ": taken over by another worker"));
        held_.erase(it);
      } else {
        it->second.store.reset();
      }
    }
    broken_.clear();
  }

  void Wait() {
    const auto until = std::min(next_renew_, deadline_);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    left = std::clamp(left, std::chrono::milliseconds(0), std::chrono::milliseconds(100));
    absl::StatusOr<std::vector<std::string>> got =
        session_->conn->WaitNotifications(absl::Milliseconds(left.count()));
    if (!got.ok()) return Disconnect(got.status());
    for (const std::string& shop : *got) {
      auto it = held_.find(shop);
      if (it != held_.end()) {
        it->second.dirty = true;
      } else {
        next_renew_ = Clock::now();  // a shop nobody may hold: look for it
      }
    }
    // Shops whose notification came before this worker listened, or while
    // it was busy: look at every held shop each renewal.
    if (Clock::now() >= next_renew_) {
      for (auto& [shop, h] : held_) h.dirty = true;
    }
  }

  void Release() {
    if (!Connected()) return;
    for (auto& [shop, h] : held_) Log(absl::StrCat("released shop ", shop, " epoch ", h.epoch));
    held_.clear();
    (void)session_->conn->Exec(
        "UPDATE kefu_shop SET owner = NULL, lease_until = NULL WHERE owner = $1",
        {PgParam::Text(session_->owner)});
    (void)session_->conn->Exec("DELETE FROM kefu_worker WHERE name = $1",
                               {PgParam::Text(session_->owner)});
  }

  const PgWorkerOptions& o_;
  const std::atomic<bool>& stop_;
  const std::chrono::microseconds lease_;
  std::shared_ptr<internal::PgSession> session_;
  std::map<std::string, Held> held_;
  std::vector<std::string> broken_;
  Clock::time_point next_renew_ = Clock::now();
  Clock::time_point deadline_ = Clock::now();
  bool connect_failed_ = false;
};

}  // namespace

absl::Status RunPgWorker(const PgWorkerOptions& options, const std::atomic<bool>& stop) {
  if (options.batch == 0) return absl::InvalidArgumentError("PgWorkerOptions::batch must be > 0");
  if (options.store.lease < absl::Seconds(1) || options.store.lease > absl::Hours(1)) {
    return absl::InvalidArgumentError("PgWorkerOptions::store.lease must be in [1 s, 1 h]");
  }
  Worker w(options, stop);
  return w.Run();
}

}  // namespace kefu
