// src/text/work_count.h: a per-thread count of the steps the reply checker
// takes (characters visited, candidates tried, findings compared and moved,
// overlaps tested), so that tests can assert that checking costs work
// linear in the text without timing it. Loops add their trip counts once at
// their end, so counting costs one call per loop, not per step.
// Thread safety: the count is thread_local.
#ifndef KEFU_SRC_TEXT_WORK_COUNT_H_
#define KEFU_SRC_TEXT_WORK_COUNT_H_

#include <cstdint>

#include "kefu/core/export.h"

namespace kefu::text_internal {

// Adds `steps` to this thread's count.
KEFU_EXPORT void CountWork(uint64_t steps);
// This thread's count since the last ResetWork().
KEFU_EXPORT uint64_t WorkCount();
KEFU_EXPORT void ResetWork();

}  // namespace kefu::text_internal

#endif  // KEFU_SRC_TEXT_WORK_COUNT_H_
