// The PostgreSQL store (kefu/store/pg_store.h). What every store shares (the
// in-memory shop, the journal's encodings, snapshots, due ids, group commit)
// is store/store_core.h; this file writes and reads its rows in PostgreSQL,
// under the shop's lease.
//
// The lease is a row of kefu_shop: owner, epoch, lease_until. Taking it
// over bumps the epoch; every commit's transaction starts by updating that
// row where owner and epoch are still this store's (extending the lease),
// so a commit made after a takeover changes nothing: the fence holds
// whatever clocks say. A store that cannot renew in time stops writing on
// its own before the lease can expire (the local deadline counts from
// before the renewal was sent).
#include "store/pg_store_internal.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/codec.h"
#include "engine/state_codec.h"

namespace kefu {
namespace {

using internal::PgParam;
using internal::PgResult;
using internal::StoreOp;

// A multi-row INSERT, `cols` values a row, sent in statements of at most
// `kRowsPerStatement` rows.
class RowInserter {
 public:
  RowInserter(internal::PgConn& conn, std::string head, int cols, std::string tail = {})
      : conn_(conn), head_(std::move(head)), tail_(std::move(tail)), cols_(cols) {}

  // A text value kept until the row is sent.
  PgParam Own(std::string text) {
    kept_.push_back(std::move(text));
    return PgParam::Text(kept_.back());
  }

  // A row of `cols` values (text made by Own, or bytes that outlive the
  // inserter).
  absl::Status Add(std::vector<PgParam> row) {
    params_.insert(params_.end(), row.begin(), row.end());
    if (params_.size() / cols_ >= kRowsPerStatement) return Flush();
    return absl::OkStatus();
  }

  // Sends what is pending; `affected` adds the rows the statements touched.
  absl::Status Flush() {
    if (params_.empty()) return absl::OkStatus();
    std::string sql = head_;
    const size_t rows = params_.size() / cols_;
    for (size_t r = 0; r < rows; ++r) {
      sql += r == 0 ? " (" : ", (";
      for (size_t c = 0; c < cols_; ++c) {
        absl::StrAppend(&sql, c == 0 ? "$" : ", $", r * cols_ + c + 1);
      }
      sql += ")";
    }
    sql += tail_;
    absl::StatusOr<PgResult> res = conn_.Exec(sql, params_, false, head_.substr(0, 40));
    params_.clear();
    kept_.clear();
    if (!res.ok()) return res.status();
    affected_ += res->affected();
    return absl::OkStatus();
  }

  int64_t affected() const { return affected_; }

 private:
  static constexpr size_t kRowsPerStatement = 1000;
  internal::PgConn& conn_;
  std::string head_, tail_;
  size_t cols_;
  std::vector<PgParam> params_;
  std::deque<std::string> kept_;  // text the params point into
  int64_t affected_ = 0;
};

std::string OwnerName() {
  static std::atomic<int> counter{0};
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return absl::StrCat(host, ":", getpid(), ":", counter.fetch_add(1));
}

std::string IdArray(const std::vector<int64_t>& ids) {
  std::string a = "{";
  for (size_t i = 0; i < ids.size(); ++i) absl::StrAppend(&a, i ? "," : "", ids[i]);
  return a + "}";
}

absl::Status CheckOptions(const PgStoreOptions& o) {
  if (o.shop_id.empty()) return absl::InvalidArgumentError("PgStoreOptions::shop_id is empty");
  if (o.snapshot_every <= 0) {
    return absl::InvalidArgumentError("PgStoreOptions::snapshot_every must be > 0");
  }
  if (o.lease < absl::Seconds(1) || o.lease > absl::Hours(1)) {
    return absl::InvalidArgumentError("PgStoreOptions::lease must be in [1 s, 1 h]");
  }
  if (o.partitions < 1 || o.partitions > 1024) {
    return absl::InvalidArgumentError("PgStoreOptions::partitions must be in [1, 1024]");
  }
  return absl::OkStatus();
}

// A connection of a store: the schema checked, synchronous_commit as the
// durability asks.
absl::StatusOr<std::unique_ptr<internal::PgConn>> ConnectReady(const std::string& conninfo,
                                                               Durability durability) {
  absl::StatusOr<std::unique_ptr<internal::PgConn>> conn =
      internal::PgConn::Connect(conninfo, "kefu");
  if (!conn.ok()) return conn.status();
  if (absl::Status s = internal::PgCheckSchema(**conn, ""); !s.ok()) return s;
  if (durability == Durability::kNormal) {
    if (absl::Status s = (*conn)->Run("SET synchronous_commit = off"); !s.ok()) return s;
  }
  return conn;
}

std::unique_ptr<PgStore::Impl> MakeImpl(std::shared_ptr<internal::PgSession> session,
                                        PgStoreOptions options, int64_t epoch) {
  auto impl = std::make_unique<PgStore::Impl>();
  impl->options = std::move(options);
  impl->session = std::move(session);
  impl->epoch = epoch;
  internal::StoreCoreOptions core_options;
  core_options.shop = impl->options.shop;
  core_options.snapshot_every = impl->options.snapshot_every;
  core_options.max_items_kept = impl->options.max_items_kept;
  core_options.track_due = false;  // consumers delete due rows: read them from the database
  core_options.name = impl->Where();
  impl->core = std::make_unique<internal::StoreCore>(std::move(core_options), impl.get());
  if (impl->options.read_only) {
    impl->core->RefuseWrites(absl::FailedPreconditionError(
        absl::StrCat(impl->Where(), " is open read-only")));
  }
  return impl;
}

}  // namespace

namespace internal {

std::string PgMicros(absl::Duration d) { return absl::StrCat(absl::ToInt64Microseconds(d)); }

absl::StatusOr<std::unique_ptr<PgStore>> OpenPgStoreLeased(std::shared_ptr<PgSession> session,
                                                           PgStoreOptions options, int64_t epoch) {
  if (absl::Status s = CheckOptions(options); !s.ok()) return s;
  std::unique_ptr<PgStore::Impl> impl = MakeImpl(std::move(session), std::move(options), epoch);
  if (absl::Status s = impl->core->Load(); !s.ok()) return s;
  return std::make_unique<PgStore>(std::move(impl));
}

}  // namespace internal

std::string PgStore::Impl::Where() const { return absl::StrCat("shop ", options.shop_id); }

PgStore::Impl::~Impl() {
  if (renewer.joinable()) {
    {
      std::lock_guard<std::mutex> lock(renew_mu);
      stopping = true;
    }
    renew_cv.notify_all();
    renewer.join();
  }
  core.reset();
}

void PgStore::Impl::Lose(const std::string& why) {
  lost = true;
  core->RefuseWrites(absl::UnavailableError(why));
}

absl::StatusOr<internal::PgConn*> PgStore::Impl::Conn() {
  if (session->conn != nullptr && session->conn->ok()) return session->conn.get();
  if (!own_connection || session->conn == nullptr) {
    return absl::UnavailableError(absl::StrCat(Where(), ": the connection is lost"));
  }
  absl::StatusOr<std::unique_ptr<internal::PgConn>> c =
      ConnectReady(session->conninfo, options.durability);
  if (!c.ok()) {
    return absl::UnavailableError(
        absl::StrCat(Where(), ": the connection is lost and cannot be made again: ",
                     c.status().message()));
  }
  session->conn = *std::move(c);
  return session->conn.get();
}

absl::StatusOr<bool> PgStore::Impl::Renew() {
  std::lock_guard<std::mutex> lock(session->mu);
  absl::StatusOr<internal::PgConn*> conn = Conn();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<PgResult> r = (*conn)->Exec(
      "UPDATE kefu_shop SET lease_until = now() + $4::bigint * interval '1 microsecond' "
      "WHERE shop_id = $1 AND owner = $2 AND epoch = $3",
      {PgParam::Text(options.shop_id), PgParam::Text(session->owner),
       PgParam::Text(absl::StrCat(epoch)), PgParam::Text(internal::PgMicros(options.lease))},
      false, "renewing the lease");
  if (!r.ok()) return r.status();
  return r->affected() == 1;
}

void PgStore::Impl::RenewLoop() {
  using SteadyClock = std::chrono::steady_clock;
  const auto lease = absl::ToChronoMicroseconds(options.lease);
  // Stop writing a fifth of the lease before it can run out.
  SteadyClock::time_point deadline = SteadyClock::now() + lease - lease / 5;
  std::unique_lock<std::mutex> lock(renew_mu);
  while (!stopping && !lost) {
    renew_cv.wait_for(lock, lease / 4);
    if (stopping) break;
    lock.unlock();
    const SteadyClock::time_point sent = SteadyClock::now();
    absl::StatusOr<bool> held = Renew();
    if (held.ok() && *held) {
      deadline = sent + lease - lease / 5;
    } else if (held.ok()) {
      Lose(absl::StrCat(Where(), ": its lease was taken over by another process"));
    } else if (SteadyClock::now() >= deadline) {
      Lose(absl::StrCat(Where(), ": the lease could not be renewed in time (",
                        held.status().message(), "): stopped writing"));
    }
    lock.lock();
  }
}

absl::Status PgStore::Impl::Write(std::vector<StoreOp>& ops,
                                  const internal::CommitMark& mark) {
  if (lost) return absl::UnavailableError(absl::StrCat(Where(), ": the lease is lost"));
  std::lock_guard<std::mutex> lock(session->mu);
  absl::StatusOr<internal::PgConn*> c = Conn();
  if (!c.ok()) return c.status();
  internal::PgConn& conn = **c;
  const std::string shop = options.shop_id;
  const std::string epoch_text = absl::StrCat(epoch);
  absl::Status s = conn.Run("BEGIN", "beginning a commit");
  auto fail = [&](absl::Status st) {
    conn.Rollback();
    return st;
  };
  if (!s.ok()) return fail(s);
  // The fence: this store still holds the lease (and extends it).
  absl::StatusOr<PgResult> fence = conn.Exec(
      "UPDATE kefu_shop SET last_seq = $4, next_due = $5, "
      "lease_until = now() + $6::bigint * interval '1 microsecond' "
      "WHERE shop_id = $1 AND owner = $2 AND epoch = $3",
      {PgParam::Text(shop), PgParam::Text(session->owner), PgParam::Text(epoch_text),
       PgParam::Text(absl::StrCat(mark.last_seq)), PgParam::Text(absl::StrCat(mark.next_due_id)),
       PgParam::Text(internal::PgMicros(options.lease))},
      false, "checking the lease");
  if (!fence.ok()) return fail(fence.status());
  if (fence->affected() != 1) {
    lost = true;
    return fail(absl::UnavailableError(
        absl::StrCat(Where(), ": its lease was taken over by another process")));
  }
  RowInserter journal(conn,
                      "INSERT INTO kefu_journal (shop_id, seq, kind, body, result, outcome, "
                      "crc, epoch) VALUES",
                      8);
  RowInserter events(conn,
                     "INSERT INTO kefu_event (shop_id, event_id, seq, result, outcome) VALUES", 5,
                     " ON CONFLICT DO NOTHING");
  RowInserter due(conn, "INSERT INTO kefu_due (shop_id, id, at, item, crc) VALUES", 5);
  RowInserter bad(conn, "INSERT INTO kefu_inbox_bad (shop_id, inbox_id, line, error) VALUES", 4,
                  " ON CONFLICT DO NOTHING");
  std::vector<int64_t> confirmed, consumed;
  int64_t unique_events = 0;
  for (const StoreOp& op : ops) {
    switch (op.type) {
      case StoreOp::kJournal:
        s = journal.Add({PgParam::Text(shop), journal.Own(absl::StrCat(op.key)),
                         journal.Own(absl::StrCat(op.kind)), PgParam::Bytes(op.body),
                         journal.Own(absl::StrCat(op.result)), PgParam::Bytes(op.outcome),
                         journal.Own(absl::StrCat(internal::JournalRowCrc(
                             op.key, op.kind, op.body, op.result, op.outcome))),
                         PgParam::Text(epoch_text)});
        // The idempotency key: an event the shop took as new (applied or
        // refused) is new in the database too.
        if (s.ok() && op.kind == internal::kEventRow && !op.event_id.empty() &&
            (op.result == internal::kRowApplied || op.result == internal::kRowRefused)) {
          ++unique_events;
          s = events.Add({PgParam::Text(shop), PgParam::Text(op.event_id),
                          events.Own(absl::StrCat(op.key)), events.Own(absl::StrCat(op.result)),
                          PgParam::Bytes(op.outcome)});
        }
        break;
      case StoreOp::kDueInsert:
        s = due.Add({PgParam::Text(shop), due.Own(absl::StrCat(op.key)),
                     due.Own(internal::PgTime(op.at)), PgParam::Bytes(op.body),
                     due.Own(absl::StrCat(internal::DueRowCrc(op.key, op.body)))});
        break;
      case StoreOp::kDueDelete:
        confirmed.push_back(op.key);
        break;
      case StoreOp::kInput:
        consumed.push_back(op.key);
        if (!op.body.empty()) {
          s = bad.Add({PgParam::Text(shop), bad.Own(absl::StrCat(op.key)),
                       PgParam::Text(op.outcome), PgParam::Text(op.body)});
        }
        break;
      case StoreOp::kSnapshot: {
        // Rows before it go first: the snapshot drops the journal up to it.
        if (s = journal.Flush(); !s.ok()) break;
        const std::string seq = absl::StrCat(op.key);
        absl::StatusOr<PgResult> r =
            conn.Exec("DELETE FROM kefu_snapshot WHERE shop_id = $1", {PgParam::Text(shop)});
        constexpr size_t kPart = size_t{64} << 20;
        for (size_t at = 0, part = 0; r.ok() && (at < op.body.size() || part == 0);
             at += kPart, ++part) {
          const std::string_view piece =
              std::string_view(op.body).substr(at, std::min(kPart, op.body.size() - at));
          r = conn.Exec(
              "INSERT INTO kefu_snapshot (shop_id, seq, part, body) VALUES ($1, $2, $3, $4)",
              {PgParam::Text(shop), PgParam::Text(seq), PgParam::Text(absl::StrCat(part)),
               PgParam::Bytes(piece)},
              false, "writing a snapshot");
        }
        if (r.ok()) {
          r = conn.Exec("DELETE FROM kefu_journal WHERE shop_id = $1 AND seq <= $2",
                        {PgParam::Text(shop), PgParam::Text(seq)});
        }
        if (!r.ok()) s = r.status();
        break;
      }
    }
    if (!s.ok()) return fail(s);
  }
  if (s = journal.Flush(); !s.ok()) return fail(s);
  if (s = events.Flush(); !s.ok()) return fail(s);
  if (events.affected() != unique_events) {
    return fail(absl::DataLossError(absl::StrCat(
        Where(), ": an event the shop took as new is in kefu_event already (another writer, or "
                 "a shop whose rows were changed)")));
  }
  if (s = due.Flush(); !s.ok()) return fail(s);
  if (s = bad.Flush(); !s.ok()) return fail(s);
  for (const auto& [ids, table] : {std::make_pair(&confirmed, "kefu_due"),
                                   std::make_pair(&consumed, "kefu_inbox")}) {
    if (ids->empty()) continue;
    absl::StatusOr<PgResult> r =
        conn.Exec(absl::StrCat("DELETE FROM ", table, " WHERE shop_id = $1 AND id = ANY($2)"),
                  {PgParam::Text(shop), PgParam::Text(IdArray(*ids))});
    if (!r.ok()) return fail(r.status());
  }
  if (s = conn.Run("COMMIT", "committing"); !s.ok()) return fail(s);
  return absl::OkStatus();
}

absl::Status PgStore::Impl::Load(internal::StoreCore& c) {
  std::lock_guard<std::mutex> lock(session->mu);
  absl::StatusOr<internal::PgConn*> connected = Conn();
  if (!connected.ok()) return connected.status();
  internal::PgConn& conn = **connected;
  const std::string shop = options.shop_id;
  absl::Status s =
      conn.Run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "beginning to load");
  auto fail = [&](absl::Status st) {
    conn.Rollback();
    return st;
  };
  if (!s.ok()) return fail(s);
  absl::StatusOr<PgResult> row = conn.Exec(
      "SELECT coalesce(owner, ''), epoch, last_seq, next_due FROM kefu_shop WHERE shop_id = $1",
      {PgParam::Text(shop)}, false, "reading the shop");
  if (!row.ok()) return fail(row.status());
  int64_t last_seq = 0, next_due = 1;
  if (row->rows() == 1) {
    if (!options.read_only && (row->text(0, 0) != session->owner || row->integer(0, 1) != epoch)) {
      lost = true;
      return fail(absl::UnavailableError(
          absl::StrCat(Where(), ": its lease was taken over by another process")));
    }
    last_seq = row->integer(0, 2);
    next_due = row->integer(0, 3);
  } else if (!options.read_only) {
    return fail(absl::FailedPreconditionError(absl::StrCat(Where(), " has no kefu_shop row")));
  }
  absl::StatusOr<PgResult> snap = conn.Exec(
      "SELECT seq, part, body FROM kefu_snapshot WHERE shop_id = $1 AND seq = "
      "(SELECT max(seq) FROM kefu_snapshot WHERE shop_id = $1) ORDER BY part",
      {PgParam::Text(shop)}, true, "reading the snapshot");
  if (!snap.ok()) return fail(snap.status());
  if (snap->rows() > 0) {
    std::string body;
    for (int i = 0; i < snap->rows(); ++i) {
      if (snap->integer(i, 1) != i) {
        return fail(absl::DataLossError(absl::StrCat(Where(), " is corrupted: snapshot ",
                                                     snap->integer(i, 0), " lacks part ", i)));
      }
      body += snap->bytes(i, 2);
    }
    const int64_t seq = snap->integer(0, 0);
    snap = PgResult();
    if (s = c.LoadSnapshot(body, seq); !s.ok()) return fail(s);
  } else if (s = c.Fresh(); !s.ok()) {
    return fail(s);
  }
  absl::StatusOr<PgResult> journal = conn.Exec(
      "SELECT seq, kind, body, result, outcome, crc FROM kefu_journal "
      "WHERE shop_id = $1 AND seq > $2 ORDER BY seq",
      {PgParam::Text(shop), PgParam::Text(absl::StrCat(c.loaded_snapshot_seq()))}, true,
      "reading the journal");
  if (!journal.ok()) return fail(journal.status());
  for (int i = 0; i < journal->rows(); ++i) {
    s = c.ReplayRow(journal->integer(i, 0), static_cast<int>(journal->integer(i, 1)),
                    journal->bytes(i, 2), static_cast<int>(journal->integer(i, 3)),
                    journal->bytes(i, 4), static_cast<uint32_t>(journal->integer(i, 5)));
    if (!s.ok()) return fail(s);
  }
  if (c.loaded_seq() != last_seq) {
    return fail(absl::DataLossError(absl::StrCat(Where(), " is corrupted: its journal ends at entry ",
                                                 c.loaded_seq(), ", its last commit wrote entry ",
                                                 last_seq)));
  }
  c.SetNextDueId(next_due);
  conn.Rollback();
  return absl::OkStatus();
}

// ------------------------------------------------------------------ PgStore

int PgStore::SchemaVersion() { return internal::kPgSchemaVersion; }

PgStore::PgStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PgStore::~PgStore() {
  Impl& m = *impl_;
  if (m.renewer.joinable()) {
    {
      std::lock_guard<std::mutex> lock(m.renew_mu);
      m.stopping = true;
    }
    m.renew_cv.notify_all();
    m.renewer.join();
    // A store with its own connection gives its lease back.
    std::lock_guard<std::mutex> lock(m.session->mu);
    if (!m.lost && m.session->conn->ok()) {
      (void)m.session->conn->Exec(
          "UPDATE kefu_shop SET owner = NULL, lease_until = NULL "
          "WHERE shop_id = $1 AND owner = $2 AND epoch = $3",
          {PgParam::Text(m.options.shop_id), PgParam::Text(m.session->owner),
           PgParam::Text(absl::StrCat(m.epoch))});
    }
  }
}

absl::StatusOr<std::unique_ptr<PgStore>> PgStore::Open(const std::string& conninfo,
                                                       PgStoreOptions options) {
  if (absl::Status s = CheckOptions(options); !s.ok()) return s;
  auto session = std::make_shared<internal::PgSession>();
  session->conninfo = conninfo;
  session->owner = OwnerName();
  absl::StatusOr<std::unique_ptr<internal::PgConn>> conn =
      internal::PgConn::Connect(conninfo, "kefu");
  if (!conn.ok()) return conn.status();
  session->conn = *std::move(conn);
  internal::PgConn& c = *session->conn;
  absl::StatusOr<int> version = internal::PgSchemaVersionOf(c);
  if (!version.ok()) return version.status();
  if (*version == 0 && !options.read_only) {
    absl::StatusOr<std::vector<int>> m = internal::PgMigrate(c, options.partitions);
    if (!m.ok()) return m.status();
  }
  if (absl::Status s = internal::PgCheckSchema(c, ""); !s.ok()) return s;
  if (options.durability == Durability::kNormal) {
    if (absl::Status s = c.Run("SET synchronous_commit = off"); !s.ok()) return s;
  }
  int64_t epoch = 0;
  if (!options.read_only) {
    absl::StatusOr<PgResult> r = c.Exec(
        "INSERT INTO kefu_shop (shop_id) VALUES ($1) ON CONFLICT DO NOTHING",
        {PgParam::Text(options.shop_id)}, false, "registering the shop");
    if (r.ok()) {
      r = c.Exec(
          "UPDATE kefu_shop SET owner = $2, epoch = epoch + 1, "
          "lease_until = now() + $3::bigint * interval '1 microsecond' "
          "WHERE shop_id = $1 AND (owner IS NULL OR lease_until < now()) RETURNING epoch",
          {PgParam::Text(options.shop_id), PgParam::Text(session->owner),
           PgParam::Text(internal::PgMicros(options.lease))},
          false, "taking the lease");
    }
    if (!r.ok()) return r.status();
    if (r->rows() != 1) {
      absl::StatusOr<PgResult> who = c.Exec(
          "SELECT owner, lease_until FROM kefu_shop WHERE shop_id = $1",
          {PgParam::Text(options.shop_id)});
      return absl::FailedPreconditionError(absl::StrCat(
          "shop ", options.shop_id, " is served by ",
          who.ok() && who->rows() == 1 ? who->text(0, 0) : std::string("another process"),
          " (its lease runs until ",
          who.ok() && who->rows() == 1 ? who->text(0, 1) : std::string("?"), ")"));
    }
    epoch = r->integer(0, 0);
  }
  std::unique_ptr<Impl> impl = MakeImpl(session, std::move(options), epoch);
  impl->own_connection = true;
  if (absl::Status s = impl->core->Load(); !s.ok()) return s;
  Impl* m = impl.get();
  if (!m->options.read_only) m->renewer = std::thread([m] { m->RenewLoop(); });
  return std::unique_ptr<PgStore>(new PgStore(std::move(impl)));
}

absl::StatusOr<StoredResult> PgStore::Apply(const ShopEvent& event) {
  absl::StatusOr<std::vector<StoredResult>> r = ApplyBatch(absl::MakeConstSpan(&event, 1));
  if (!r.ok()) return r.status();
  return std::move((*r)[0]);
}

absl::StatusOr<std::vector<StoredResult>> PgStore::ApplyBatch(absl::Span<const ShopEvent> events) {
  return impl_->core->ApplyBatch(events);
}

absl::StatusOr<std::vector<StoredDueItem>> PgStore::Due(Timestamp now, size_t max_items) {
  Impl& m = *impl_;
  if (absl::Status s = m.core->TakeDue(now); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(m.session->mu);
  absl::StatusOr<internal::PgConn*> conn = m.Conn();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<PgResult> r = (*conn)->Exec(
      absl::StrCat("SELECT id, item FROM kefu_due WHERE shop_id = $1 AND at <= $2 "
                   "ORDER BY at, id",
                   max_items ? absl::StrCat(" LIMIT ", max_items) : ""),
      {PgParam::Text(m.options.shop_id), PgParam::Text(internal::PgTime(now))}, true,
      "reading the due items");
  if (!r.ok()) return r.status();
  std::vector<StoredDueItem> out(static_cast<size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    out[i].id = r->integer(i, 0);
    internal::ByteReader br(r->bytes(i, 1));
    if (!internal::DecodeDueItem(br, &out[i].item) || !br.at_end()) {
      return absl::DataLossError(
          absl::StrCat(m.Where(), " is corrupted: due item ", out[i].id, " does not decode"));
    }
  }
  return out;
}

absl::StatusOr<size_t> PgStore::Confirm(absl::Span<const int64_t> ids) {
  Impl& m = *impl_;
  if (m.options.read_only) {
    return absl::FailedPreconditionError(absl::StrCat(m.Where(), " is open read-only"));
  }
  if (absl::Status s = m.core->Ended(); !s.ok()) return s;
  if (ids.empty()) return 0;
  std::lock_guard<std::mutex> lock(m.session->mu);
  absl::StatusOr<internal::PgConn*> conn = m.Conn();
  if (!conn.ok()) return conn.status();
  absl::StatusOr<PgResult> r = (*conn)->Exec(
      "DELETE FROM kefu_due WHERE shop_id = $1 AND id = ANY($2)",
      {PgParam::Text(m.options.shop_id),
       PgParam::Text(IdArray(std::vector<int64_t>(ids.begin(), ids.end())))},
      false, "confirming due items");
  if (!r.ok()) return r.status();
  return static_cast<size_t>(r->affected());
}

absl::Status PgStore::Snapshot() { return impl_->core->Snapshot(); }
const Shop& PgStore::shop() const { return impl_->core->shop(); }
absl::StatusOr<ReplayReport> PgStore::Report(std::optional<Timestamp> until) const {
  return impl_->core->Report(until);
}

absl::StatusOr<ReplayReport> PgStore::FinalReport(std::optional<Timestamp> until) {
  return impl_->core->FinalReport(until);
}
int64_t PgStore::journal_seq() const { return impl_->core->journal_seq(); }
const std::string& PgStore::shop_id() const { return impl_->options.shop_id; }
int64_t PgStore::epoch() const { return impl_->epoch; }

absl::StatusOr<std::vector<int>> PgMigrate(const std::string& conninfo, int partitions) {
  absl::StatusOr<std::unique_ptr<internal::PgConn>> conn =
      internal::PgConn::Connect(conninfo, "kefu db migrate");
  if (!conn.ok()) return conn.status();
  return internal::PgMigrate(**conn, partitions);
}

// ------------------------------------------------------------ PgDueConsumer

struct PgDueConsumer::Impl {
  std::unique_ptr<internal::PgConn> conn;
};

PgDueConsumer::PgDueConsumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PgDueConsumer::~PgDueConsumer() = default;

absl::StatusOr<std::unique_ptr<PgDueConsumer>> PgDueConsumer::Open(const std::string& conninfo) {
  absl::StatusOr<std::unique_ptr<internal::PgConn>> conn =
      internal::PgConn::Connect(conninfo, "kefu due consumer");
  if (!conn.ok()) return conn.status();
  if (absl::Status s = internal::PgCheckSchema(**conn, ""); !s.ok()) return s;
  auto impl = std::make_unique<Impl>();
  impl->conn = *std::move(conn);
  return std::unique_ptr<PgDueConsumer>(new PgDueConsumer(std::move(impl)));
}

absl::StatusOr<size_t> PgDueConsumer::Claim(
    Timestamp now, size_t limit, const std::string& shops,
    const std::function<absl::Status(const std::vector<PgClaimedDue>&)>& deliver) {
  internal::PgConn& conn = *impl_->conn;
  if (absl::Status s = conn.Run("BEGIN"); !s.ok()) return s;
  absl::StatusOr<PgResult> r = conn.Exec(
      "DELETE FROM kefu_due d USING ("
      "  SELECT shop_id, id FROM kefu_due WHERE at <= $1 AND shop_id LIKE $2"
      "  ORDER BY at, shop_id, id LIMIT $3 FOR UPDATE SKIP LOCKED) c "
      "WHERE d.shop_id = c.shop_id AND d.id = c.id RETURNING d.shop_id, d.id, d.item, d.at",
      {PgParam::Text(internal::PgTime(now)), PgParam::Text(shops),
       PgParam::Text(absl::StrCat(limit))},
      true, "claiming due items");
  if (!r.ok()) {
    conn.Rollback();
    return r.status();
  }
  std::vector<PgClaimedDue> items(static_cast<size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    items[i].shop_id = r->text(i, 0);
    items[i].id = r->integer(i, 1);
    internal::ByteReader br(r->bytes(i, 2));
    if (!internal::DecodeDueItem(br, &items[i].item) || !br.at_end()) {
      conn.Rollback();
      return absl::DataLossError(absl::StrCat("shop ", items[i].shop_id, ": due item ",
                                              items[i].id, " does not decode"));
    }
  }
  // Earliest first (RETURNING keeps no order).
  std::sort(items.begin(), items.end(), [](const PgClaimedDue& a, const PgClaimedDue& b) {
    return std::tie(a.item.at, a.shop_id, a.id) < std::tie(b.item.at, b.shop_id, b.id);
  });
  if (items.empty()) {
    conn.Rollback();
    return 0;
  }
  if (absl::Status s = deliver(items); !s.ok()) {
    conn.Rollback();
    return s;
  }
  if (absl::Status s = conn.Run("COMMIT", "committing the claim"); !s.ok()) {
    conn.Rollback();
    return s;
  }
  return items.size();
}

}  // namespace kefu
