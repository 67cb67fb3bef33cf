// The reply checker's work count; see work_count.h.
#include "text/work_count.h"

namespace kefu::text_internal {
namespace {
thread_local uint64_t work = 0;
}  // namespace

void CountWork(uint64_t steps) { work += steps; }
uint64_t WorkCount() { return work; }
void ResetWork() { work = 0; }

}  // namespace kefu::text_internal
