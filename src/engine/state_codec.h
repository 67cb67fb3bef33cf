// state_codec.h: the engine's own records in kefu's binary encoding
// (core/codec.h): a deadline queue's exported entries (a saved shop) and due
// items (a replay's state; tests comparing due items byte for byte).
// Private.
#ifndef KEFU_ENGINE_STATE_CODEC_H_
#define KEFU_ENGINE_STATE_CODEC_H_

#include "core/codec.h"
#include "kefu/engine/deadline_queue.h"

namespace kefu::internal {

// kind, entity kind, key, the deadline (with paused, warned) or the action,
// event id, agent.
void EncodeQueueEntry(const QueueEntry& e, ByteWriter& w);
bool DecodeQueueEntry(ByteReader& r, QueueEntry* e);

// kind, time, entity kind, key, rule, deadline, action, event id, agent.
void EncodeDueItem(const DueItem& d, ByteWriter& w);
bool DecodeDueItem(ByteReader& r, DueItem* d);

}  // namespace kefu::internal

#endif  // KEFU_ENGINE_STATE_CODEC_H_
