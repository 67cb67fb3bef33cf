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

#include "core/codec.h"
#include "core/schema.h"
#include "kefu/machines/machine.h"

namespace kefu::internal {

template <class Data>
void EncodeSnapshot(const Schema& schema, const MachineSnapshot<Data>& s, ByteWriter& w) {
  w.Varint(static_cast<uint64_t>(s.format_version));
  w.Text(InternText(s.state));  // the writer keeps the view: no temporary
  EncodeObject(schema, &s.data, w);
  w.Varint(s.applied.size());
  for (const Outcome& o : s.applied) EncodeOutcome(o, w);
  w.Varint(s.digests.size());
  for (const EventDigest& d : s.digests) {
    w.Varint(d.fields.size());
    for (const EventDigest::Entry& e : d.fields) {
      w.Byte(e.field);
      w.Fixed32(e.hash);
    }
  }
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
  s->applied.resize(n);
  for (Outcome& o : s->applied) {
    if (!DecodeOutcome(r, &o)) return false;
  }
  if (!r.Count(&n)) return false;
  s->digests.resize(n);
  for (EventDigest& d : s->digests) {
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
