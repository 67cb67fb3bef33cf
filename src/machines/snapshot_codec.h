// snapshot_codec.h: an entity's snapshot (MachineSnapshot<Data>, kefu/
// machines/machine.h) in kefu's binary encoding (core/codec.h): the one
// encoding of an entity, whatever its machine; the Data struct is walked
// through its Schema. Private.
//
//   varint format_version, string state, Data (EncodeObject),
//   varint count, each outcome of the idempotency log (EncodeOutcome),
//   varint count, each digest: varint entries, each (byte field, fixed32 hash).
//
// A saved shop writes the same head, then the log as it is kept
// (EncodeEntityWithSavedLog, machines/saved_log.h) from format 4 on.
#ifndef KEFU_MACHINES_SNAPSHOT_CODEC_H_
#define KEFU_MACHINES_SNAPSHOT_CODEC_H_

#include <string>
#include <string_view>
#include <type_traits>

#include "core/codec.h"
#include "core/schema.h"
#include "kefu/machines/machine.h"
#include "machines/saved_log.h"

namespace kefu::internal {

// A digest: varint entries, each (byte field, fixed32 hash).
inline void EncodeDigest(const EventDigest& d, ByteWriter& w) {
  w.Varint(d.fields.size());
  for (const EventDigest::Entry& e : d.fields) {
    w.Byte(e.field);
    w.Fixed32(e.hash);
  }
}

// An entity's data as a save reads it: its own struct, or, for an entity
// that keeps it packed (an order, a conversation: data() returns a copy),
// expanded into a buffer the thread keeps, valid until the thread's next
// call for the same kind (a save reads every entity without a heap block
// of its own for each).
template <class Entity>
const auto& DataOf(const Entity& entity) {
  if constexpr (std::is_reference_v<decltype(entity.data())>) {
    return entity.data();
  } else {
    using Data = std::decay_t<decltype(entity.data())>;
    thread_local Data data;
    entity.CopyDataTo(&data);
    return static_cast<const Data&>(data);
  }
}

// What comes before the log: the format version, the state, the data.
template <class Data>
void EncodeSnapshotHead(const Schema& schema, int format_version, std::string_view state,
                        const Data& data, ByteWriter& w) {
  w.Varint(static_cast<uint64_t>(format_version));
  w.Text(InternText(state));  // the writer keeps the view: no temporary
  EncodeObject(schema, &data, w);
}

template <class Data>
void EncodeSnapshot(const Schema& schema, const MachineSnapshot<Data>& s, ByteWriter& w) {
  EncodeSnapshotHead(schema, s.format_version, s.state, s.data, w);
  w.Varint(s.applied.size());
  for (const Outcome& o : s.applied) EncodeOutcome(o, w);
  w.Varint(s.digests.size());
  for (const EventDigest& d : s.digests) EncodeDigest(d, w);
}

// A saved shop's entity (format 4 on; Shop::Save's way): what comes
// before the log, written from the entity itself, then its log as
// `logs` writes it (machines/saved_log.h: its records, their parts in the
// table of the stretch being written), `kind` naming the entity's machine.
template <class Entity>
void EncodeEntityWithSavedLog(const Schema& schema, const Entity& entity, uint8_t kind,
                              SavedLogWriter& logs, ByteWriter& w) {
  EncodeSnapshotHead(schema, Entity::kSnapshotFormat, entity.state(), DataOf(entity), w);
  logs.WriteLog(entity.applied_log(), entity.id(), kind, w);
}

// What EncodeSnapshotHead wrote, into `s` (its log left as it is).
template <class Data>
bool DecodeSnapshotHead(const Schema& schema, ByteReader& r, MachineSnapshot<Data>* s) {
  uint64_t version = 0;
  if (!r.Varint(&version)) return false;
  if (version > 1000) return r.Fail("snapshot format out of range");
  s->format_version = static_cast<int>(version);
  std::string_view state;
  if (!r.Text(&state) || !DecodeObject(schema, &s->data, r)) return false;
  s->state = std::string(state);
  return true;
}

template <class Data>
bool DecodeSnapshot(const Schema& schema, ByteReader& r, MachineSnapshot<Data>* s) {
  size_t n = 0;
  if (!DecodeSnapshotHead(schema, r, s) || !r.Count(&n)) return false;
  // The outcomes decoded in place, into the thread's spare vector when `s`
  // has none (EntityCore::Restore gives it back once the log is built).
  if (s->applied.empty()) s->applied = TakeRecycledOutcomes();
  s->applied.resize(n);
  for (Outcome& o : s->applied) {
    if (!DecodeOutcome(r, &o)) return false;
  }
  if (!r.Count(&n)) return false;
  s->digests.resize(n);
  for (EventDigest& d : s->digests) {  // as EncodeDigest wrote them
    size_t entries = 0;
    if (!r.Count(&entries)) return false;
    d.fields.resize(entries);
    for (EventDigest::Entry& e : d.fields) {
      if (!r.Byte(&e.field) || !r.Fixed32(&e.hash)) return false;
    }
  }
  return true;
}

}  // namespace kefu::internal

#endif  // KEFU_MACHINES_SNAPSHOT_CODEC_H_
