// saved_log.h: the idempotency logs of a saved shop (format 4 on), saved
// as the log keeps them rather than as decoded outcomes. Private: never
// include from a public header.
//
// An in-memory record (machine.cc) is an event id, a time and two parts:
// the event part (digest, agent, note, event type, states, flags) and the
// decision part (verdicts, decisions, actions, deadlines, their times from
// the record's). Most parts are the same bytes as other records' (every
// delivery decides alike), but they hold numbers that mean something only
// in this process (the vocabulary's, the part dictionary's). So a saved
// shop keeps each distinct part once, in a table, in a form that any
// process reads (kefu's binary encoding, core/codec.h, with words of its
// own), and each record holds its id, its time and the numbers of its two
// parts in the table:
//
//   a log: varint count, then each record:
//     u8 flags: 1 = the id is `id` after the entity's id, 2 = the record's
//       entity is not the entity's id and follows
//     [string entity] string id, time at, varint event part, varint
//       decision part (numbers in the table, from 0)
//   a record's time: a varint, tag in its two low bits: 0, whole seconds
//     from the record before's (the first's from 0), zigzagged; 1, the
//     same, then a varint of nanoseconds (1 to 999,999,999); 2, a time as
//     core/codec.h writes it follows (any other)
//
//   a table: its words (varint count, each a string), then the event
//     parts, then the decision parts: each a varint count, then each part
//     as a varint of the records that name it and a string of its bytes:
//     event part: u8 kind (the caller's, whose states the part names),
//       digest (varint count, each u8 field and fixed32 hash), string
//       agent, string note, text event type, text state before, text
//       state after, u8 flags (1 duplicate, 2 refused, 4 a policy revision
//       follows) [varint revision];
//     decision part: an outcome (EncodeOutcome) holding only the
//       verdicts, decisions, actions and deadlines, and as its time the
//       Unix epoch when its times count from the record's time in whole
//       seconds, else one nanosecond past it.
//
// The table is made from the parts' content, not their bytes in memory:
// the same shop saves to the same bytes whatever its process's history
// (what it loaded, which parts it found shared). Loading makes each part
// in the table once per thread and, when more than one record names it,
// keeps it once per process: a record is then built from its id, its time
// and two numbers, without decoding and encoding an outcome.
#ifndef KEFU_MACHINES_SAVED_LOG_H_
#define KEFU_MACHINES_SAVED_LOG_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "core/codec.h"
#include "kefu/core/time.h"
#include "kefu/machines/machine.h"

namespace kefu::internal {

// A state's name as this build's machine of the entity names it (static
// storage), or nullopt when it has no such state.
using StateResolver = absl::FunctionRef<std::optional<std::string_view>(std::string_view)>;

// The table of the logs saved in one stretch of a saved shop (the file's,
// or a section's), as it is written: the logs' records go to the caller's
// writer, their parts here. Not thread-safe: one writer's.
class SavedLogWriter {
 public:
  SavedLogWriter();
  ~SavedLogWriter();
  SavedLogWriter(const SavedLogWriter&) = delete;
  SavedLogWriter& operator=(const SavedLogWriter&) = delete;

  // Writes `log` (of the entity `entity_id`, whose machine the caller
  // numbers `kind`) to `w`: its count and records, each part numbered in
  // this table.
  void WriteLog(const AppliedEvents& log, std::string_view entity_id, uint8_t kind,
                ByteWriter& w);
  // Appends the table (its words, event parts and decision parts) to `out`.
  void WriteTable(std::string* out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A table read back: views of the saved bytes, which must outlive it.
struct SavedLogTable {
  struct Part {
    uint64_t uses = 0;
    std::string_view bytes;
    size_t offset = 0;  // of `bytes`, for errors
    // Its place among the shared parts of its list (those named by more
    // than one record), where a reading thread keeps it once made.
    uint32_t shared = 0;
  };
  std::vector<std::string_view> words;
  std::vector<Part> event_parts;
  std::vector<Part> decision_parts;
  // How many parts of each list are shared: most parts belong to one
  // record, and a thread keeps room only for the shared.
  uint32_t shared_event_parts = 0;
  uint32_t shared_decision_parts = 0;

  // Reads what SavedLogWriter::WriteTable wrote (the words interned).
  bool Read(ByteReader& r);
};

// One thread's parts made from tables: each part of a table made once,
// when a record first names it. Not thread-safe: one thread's.
class SavedLogParts {
 public:
  SavedLogParts();
  ~SavedLogParts();
  SavedLogParts(const SavedLogParts&) = delete;
  SavedLogParts& operator=(const SavedLogParts&) = delete;

  // Reads a log that SavedLogWriter::WriteLog wrote from `in`, its parts
  // from `table`, into `*log` (empty before), and the latest time of its
  // events applied (neither refused nor duplicate) into `*last_at`;
  // `on_id` is called with each record's event id. The entity's machine is
  // `kind`, whose states `resolve` names (the same way on every call with
  // this kind: parts and names are kept). A corrupt log or part: an error
  // naming what and where (then `*log` holds what was read).
  absl::Status ReadLog(ByteReader& in, const SavedLogTable& table, uint8_t kind,
                       std::string_view entity_id, StateResolver resolve,
                       absl::FunctionRef<void(std::string_view)> on_id, AppliedEvents* log,
                       Timestamp* last_at);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// How an entity being restored takes its log from a saved shop instead of
// its snapshot's outcomes: Shop::Load sets the thread's source around the
// machine's Restore, which takes it (EntityCore::Restore) and asks it for
// the log once the entity's own fields are checked.
class SavedLogSource {
 public:
  // Builds the log into `*log` (empty), its latest applied time into
  // `*last_at`, the audit records' states named by `resolve`.
  virtual absl::Status Build(StateResolver resolve, AppliedEvents* log, Timestamp* last_at) = 0;

 protected:
  ~SavedLogSource() = default;
};

// The thread's source, set by Shop::Load for one Restore; null otherwise.
SavedLogSource*& ThreadSavedLogSource();

// The thread's source for as long as it lives: an entity's log read from a
// saved shop (SavedLogParts::ReadLog with these arguments) when the
// machine's Restore asks for it. `on_id` must outlive it.
class ScopedSavedLog final : public SavedLogSource {
 public:
  ScopedSavedLog(ByteReader& in, SavedLogParts& parts, const SavedLogTable& table, uint8_t kind,
                 std::string_view entity_id, absl::FunctionRef<void(std::string_view)> on_id);
  ~ScopedSavedLog();
  ScopedSavedLog(const ScopedSavedLog&) = delete;
  ScopedSavedLog& operator=(const ScopedSavedLog&) = delete;

  // Whether the log was asked for (a Restore that did not ask has not
  // read the entity's log).
  bool read() const { return read_; }
  absl::Status Build(StateResolver resolve, AppliedEvents* log, Timestamp* last_at) override;

 private:
  ByteReader& in_;
  SavedLogParts& parts_;
  const SavedLogTable& table_;
  uint8_t kind_;
  std::string_view entity_id_;
  absl::FunctionRef<void(std::string_view)> on_id_;
  bool read_ = false;
};

}  // namespace kefu::internal

#endif  // KEFU_MACHINES_SAVED_LOG_H_
