// The engine's records in kefu's binary encoding (see state_codec.h).
#include "engine/state_codec.h"

namespace kefu::internal {
namespace {

bool DecodeEntityKind(ByteReader& r, EntityKind* kind) {
  uint8_t k = 0;
  if (!r.Byte(&k)) return false;
  if (k > static_cast<uint8_t>(EntityKind::kTeam)) return r.Fail("unknown entity kind");
  *kind = static_cast<EntityKind>(k);
  return true;
}

}  // namespace

void EncodeQueueEntry(const QueueEntry& e, ByteWriter& w) {
  w.Byte(static_cast<uint8_t>(e.kind));
  w.Byte(static_cast<uint8_t>(e.entity_kind));
  w.String(e.entity);
  if (e.kind == QueueEntry::Kind::kDeadline) {
    EncodeDeadline(e.deadline, w);
    w.Bool(e.paused);
    w.Bool(e.warned);
  } else {
    EncodeAction(e.action, w);
  }
  w.String(e.event_id);
  w.String(e.agent);
}

bool DecodeQueueEntry(ByteReader& r, QueueEntry* e) {
  uint8_t kind = 0;
  if (!r.Byte(&kind)) return false;
  if (kind > static_cast<uint8_t>(QueueEntry::Kind::kAction)) return r.Fail("unknown queue entry");
  e->kind = static_cast<QueueEntry::Kind>(kind);
  if (!DecodeEntityKind(r, &e->entity_kind) || !r.String(&e->entity)) return false;
  if (e->kind == QueueEntry::Kind::kDeadline) {
    if (!DecodeDeadline(r, &e->deadline) || !r.Bool(&e->paused) || !r.Bool(&e->warned)) {
      return false;
    }
  } else if (!DecodeAction(r, &e->action)) {
    return false;
  }
  return r.String(&e->event_id) && r.String(&e->agent);
}

void EncodeDueItem(const DueItem& d, ByteWriter& w) {
  w.Byte(static_cast<uint8_t>(d.kind));
  w.Time(d.at);
  w.Byte(static_cast<uint8_t>(d.entity_kind));
  w.String(d.entity);
  w.Text(d.rule);
  EncodeDeadline(d.deadline, w);
  EncodeAction(d.action, w);
  w.String(d.event_id);
  w.String(d.agent);
}

bool DecodeDueItem(ByteReader& r, DueItem* d) {
  uint8_t kind = 0;
  if (!r.Byte(&kind)) return false;
  if (kind > static_cast<uint8_t>(DueItem::Kind::kAction)) return r.Fail("unknown due item");
  d->kind = static_cast<DueItem::Kind>(kind);
  return r.Time(&d->at) && DecodeEntityKind(r, &d->entity_kind) && r.String(&d->entity) &&
         r.Text(&d->rule) && DecodeDeadline(r, &d->deadline) && DecodeAction(r, &d->action) &&
         r.String(&d->event_id) && r.String(&d->agent);
}

}  // namespace kefu::internal
