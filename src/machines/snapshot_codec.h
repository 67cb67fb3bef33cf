// snapshot_codec.h: an entity's snapshot (MachineSnapshot<Data>, kefu/
// machines/machine.h) in kefu's binary encoding (core/codec.h): the one
// encoding of an entity, whatever its machine; the Data struct is walked
// through its Schema. Private.
//
//   varint format_version, string state, Data (EncodeObject),
//   varint count, each outcome of the idempotency log (EncodeOutcome),
//   varint count, each digest: varint entries, each (byte field, fixed32 hash).
#ifndef KEFU_MACHINES_SNAPSHOT_CODEC_H_
#define KEFU_MACHINES_SNAPSHOT_CODEC_H_

#include <string>
#include <string_view>

#include "core/codec.h"
#include "core/schema.h"
#include "kefu/machines/machine.h"

namespace kefu::internal {

// A digest: varint entries, each (byte field, fixed32 hash).
inline void EncodeDigest(const EventDigest& d, ByteWriter& w) {
  w.Varint(d.fields.size());
  for (const EventDigest::Entry& e : d.fields) {
    w.Byte(e.field);
    w.Fixed32(e.hash);
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

// The bytes EncodeSnapshot writes for `entity.Snapshot()` (an Order,
// Ticket, Review, Conversation or TeamMember), written from the entity
// itself: its log walked in place (AppliedEvents::ForEach) instead of
// decoded into a vector of outcomes, each outcome encoded as it is
// decoded, the digests gathered beside them. Shop::Save's way.
template <class Entity>
void EncodeEntitySnapshot(const Schema& schema, const Entity& entity, ByteWriter& w) {
  EncodeSnapshotHead(schema, Entity::kSnapshotFormat, entity.state(), entity.data(), w);
  const AppliedEvents& log = entity.applied_log();
  w.Varint(log.size());
  thread_local std::string digests;  // the thread's, its room kept
  digests.clear();
  ByteWriter dw(&digests);
  log.ForEach([&](const Outcome& o, const EventDigest& d) {
    EncodeOutcome(o, w);
    EncodeDigest(d, dw);
  });
  w.Varint(log.size());
  w.out()->append(digests);
}

template <class Data>
bool DecodeSnapshot(const Schema& schema, ByteReader& r, MachineSnapshot<Data>* s) {
  uint64_t version = 0;
  size_t n = 0;
  if (!r.Varint(&version)) return false;
  if (version > 1000) return r.Fail("snapshot format out of range");
  s->format_version = static_cast<int>(version);
  std::string_view state;
  if (!r.Text(&state) || !DecodeObject(schema, &s->data, r) || !r.Count(&n)) return false;
  s->state = std::string(state);
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
