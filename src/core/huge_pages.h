// huge_pages.h: asking for transparent huge pages on a large block kefu
// owns. Private.
#ifndef KEFU_CORE_HUGE_PAGES_H_
#define KEFU_CORE_HUGE_PAGES_H_

#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace kefu::internal {

// Asks for transparent huge pages on the 2 MiB-aligned interior of the
// block [p, p + bytes): a block touched at random (the deadline queue's
// pages and index) spends most of its time in page walks on 4 KiB pages,
// and one written front to back at once (a saved shop's bytes) in page
// faults, a 4 KiB page at a time. Where the system gives huge pages only
// when asked (transparent_hugepage "madvise", Debian's default), this asks.
// A hint only: nothing depends on it, and a block without a whole 2 MiB
// page inside is left as it is. Returns whether the system took the hint.
inline bool AdviseHugePages(void* p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = uintptr_t{1} << 21;
  const auto addr = reinterpret_cast<uintptr_t>(p);
  const uintptr_t begin = (addr + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (addr + bytes) & ~(kHuge - 1);
  return end > begin && madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE) == 0;
#else
  (void)p;
  (void)bytes;
  return false;
#endif
}

// The calling thread's share of the heap marked for huge pages, when the
// program asked for them (kefu/core/heap.h); nothing otherwise. Every thread
// kefu starts calls it first (StartThread, core/ahead.h).
void PrepareThreadHeap();

}  // namespace kefu::internal

#endif  // KEFU_CORE_HUGE_PAGES_H_
