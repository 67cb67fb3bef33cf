// Huge pages for the heap, when the program asks (kefu/core/heap.h).
#include "kefu/core/heap.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>

#include "core/huge_pages.h"

#if defined(__linux__) && defined(__GLIBC__) && defined(MADV_HUGEPAGE) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#include <malloc.h>
#define KEFU_HUGE_PAGE_HEAP 1
#endif

namespace kefu {
namespace {

std::atomic<bool> prepared{false};

#if defined(KEFU_HUGE_PAGE_HEAP)
// glibc's mmap threshold once prepared: blocks under it come from the heap.
constexpr size_t kMmapThreshold = size_t{32} << 20;

// Takes a block of `bytes` from the calling thread's heap (grown for it
// when needed), marks it for huge pages and frees it: it stays the heap's
// free top (the trim threshold keeps it), marked, for the allocations that
// follow. Returns whether the mark was taken.
bool MarkFreeTop(size_t bytes) {
  void* block = std::malloc(bytes);
  if (block == nullptr) return false;
  const bool advised = internal::AdviseHugePages(block, bytes);
  std::free(block);
  return advised;
}
#endif

}  // namespace

bool PrepareHugePageHeap(size_t bytes) {
#if defined(KEFU_HUGE_PAGE_HEAP)
  // At most 1 GiB, so that the trim threshold below fits mallopt's int.
  if (bytes > (size_t{1} << 30)) bytes = size_t{1} << 30;
  // Keep the free top instead of giving it back to the system at the next
  // free (in every arena: the threshold is glibc's, not the main heap's).
  if (mallopt(M_TRIM_THRESHOLD, static_cast<int>(bytes + (size_t{1} << 20))) == 0) return false;
  // Blocks up to 32 MiB (a report's vectors, the deadline queue's chunks)
  // come from the heap too, and so from huge pages.
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMmapThreshold));
  // One request that the main heap (brk) must serve: no mmap for it.
  mallopt(M_MMAP_MAX, 0);
  const bool advised = MarkFreeTop(bytes);
  mallopt(M_MMAP_MAX, 65536);  // glibc's default
  if (advised) prepared.store(true, std::memory_order_release);
  return advised;
#else
  (void)bytes;
  return false;
#endif
}

bool HugePageHeapPrepared() { return prepared.load(std::memory_order_acquire); }

namespace internal {

void PrepareThreadHeap() {
#if defined(KEFU_HUGE_PAGE_HEAP)
  if (!prepared.load(std::memory_order_acquire)) return;
  // The calling thread's arena (glibc gives a new thread one of its own, or
  // one a finished thread left) grows page by page, an mprotect each, and
  // its pages are 4 KiB ones: one block under the mmap threshold, marked and
  // freed, leaves that much of the arena grown and marked, as its free top
  // (the trim threshold keeps it). An arena reused from an earlier thread
  // already has it: the block comes from its top, and the mark is made
  // again.
  MarkFreeTop(kMmapThreshold - (size_t{2} << 20));
#endif
}

}  // namespace internal
}  // namespace kefu
