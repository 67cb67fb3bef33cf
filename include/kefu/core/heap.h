// kefu/core/heap.h: asking for transparent huge pages on the process's heap.
//
// A large shop is hundreds of thousands of small heap blocks (orders, their
// idempotency logs, deadlines, event ids). Each first touch of a 4 KiB page
// is a page fault; on the shared VMs kefu is measured on one costs several
// microseconds, and on a heap of 4 KiB pages they are a large part of a
// replay's and of a store's open (docs/benchmarks.md). With 2 MiB pages
// there are 512 times fewer.
//
// This is the program's choice, never the library's: kefu leaves the
// process's allocator alone unless the program calls PrepareHugePageHeap.
// The `kefu` program calls it first thing (KEFU_HUGE_HEAP=0 turns that off).
//
// Once it has been called, every thread kefu starts for itself (restoring a
// saved shop's entities, reading a store's journal ahead, parsing ahead in a
// replay) first marks its own part of the heap (glibc gives each thread an
// arena of its own) for huge pages too, about 30 MiB of address space at a
// time: a host's own threads are left as they are.
//
// Thread safety: call PrepareHugePageHeap once, first thing in main, before
// any other thread exists (it changes glibc's malloc settings, which are
// process-wide). HugePageHeapPrepared may be called from any thread.
#ifndef KEFU_CORE_HEAP_H_
#define KEFU_CORE_HEAP_H_

#include <cstddef>

#include "kefu/core/export.h"

namespace kefu {

// With glibc on Linux, in a build without a sanitizer: reserves `bytes` (at
// most 1 GiB) of address space at the top of the main heap (address space
// only: memory is taken as it is touched), marks it MADV_HUGEPAGE and keeps
// it as the heap's free top, so that later allocations are carved from it;
// raises glibc's mmap threshold to 32 MiB, so that blocks up to that size
// come from the heap too, and its trim threshold to `bytes`, so that freed
// memory stays for the next allocations. Returns true when it did; false
// elsewhere, or when the reservation is refused (the thresholds may then be
// changed; nothing else is).
KEFU_EXPORT bool PrepareHugePageHeap(size_t bytes);

// Whether PrepareHugePageHeap succeeded in this process.
KEFU_EXPORT bool HugePageHeapPrepared();

}  // namespace kefu

#endif  // KEFU_CORE_HEAP_H_
