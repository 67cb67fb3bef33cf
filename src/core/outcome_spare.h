// outcome_spare.h: one spare outcome's heap blocks per thread, so that a
// caller applying event after event (`kefu replay`) does not allocate and
// free an outcome's strings and lists for each. Private.
//
// An outcome's entity key and event id are usually longer than a
// std::string keeps inline (16 and 18 bytes in a sample week), and most
// outcomes carry a decision, an action or a deadline: each outcome built
// and dropped costs two to four allocations and as many frees. A caller
// done with an outcome hands it back (RecycleOutcome); the next outcome a
// machine begins on that thread (EntityCore::Begin) takes the blocks
// (TakeSpareBlocks) with its entity key, event id and agent. A kept
// string keeps its last text, written over by the next TakeSpareBlocks:
// a text no longer than the last one is copied without a call into the
// library (AssignText). A taken outcome is a default Outcome's fields but
// for the three texts it was given.
#ifndef KEFU_CORE_OUTCOME_SPARE_H_
#define KEFU_CORE_OUTCOME_SPARE_H_

#include <string_view>

#include "kefu/core/outcome.h"

namespace kefu::internal {

// Gives `fresh` the blocks of the outcome this thread handed back last, if
// any, its entity key, event id and agent set to `entity`, `event_id` and
// `agent` in them; its lists stay empty, with room. REQUIRES: `fresh`'s
// entity, event id, agent, decisions, actions and deadlines are empty (a
// default Outcome's), and the three texts do not lie in this thread's
// kept blocks (they are the caller's: a key, an event's meta).
void TakeSpareBlocks(Outcome& fresh, std::string_view entity, std::string_view event_id,
                     std::string_view agent);

// Keeps `used`'s blocks for this thread's next TakeSpareBlocks; `used` is
// left with empty strings and lists (its other fields as they were). One
// outcome's worth is kept: blocks already kept are freed, and lists longer
// than a few entries or strings past a few hundred bytes are not kept.
void RecycleOutcome(Outcome& used);

}  // namespace kefu::internal

#endif  // KEFU_CORE_OUTCOME_SPARE_H_
