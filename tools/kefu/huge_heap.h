// tools/kefu/huge_heap.h: asks for transparent huge pages on the program's
// heap before a subcommand runs.
//
// `kefu replay` builds a shop of hundreds of thousands of small heap blocks
// (orders, idempotency logs, deadlines). Each first touch of a 4 KiB page is
// a page fault, and on the shared VMs we measure on one costs about 15 us:
// a tenth to a quarter of a replay's time went to them. With 2 MiB pages
// there are 512 times fewer.
//
// This is the program's choice, not the library's: the library never touches
// the process's allocator. Hosts that want the same can start their process
// with GLIBC_TUNABLES=glibc.malloc.hugetlb=1.
#ifndef KEFU_TOOLS_KEFU_HUGE_HEAP_H_
#define KEFU_TOOLS_KEFU_HUGE_HEAP_H_

#include <cstddef>

namespace kefu::tool {

// With glibc on Linux, and unless KEFU_HUGE_HEAP=0 is set or the program is
// built with a sanitizer: reserves `bytes` (at most 1 GiB) of address space
// at the top of the main heap (address space only; memory is taken as it is
// touched), marks it MADV_HUGEPAGE, and keeps it as the heap's free top so
// that later allocations are carved from it. Returns true when it did, false
// elsewhere or when the reservation is refused (glibc's trim and mmap
// thresholds may then be changed; nothing else is). Call once, first thing
// in main, before other threads exist.
bool PrepareHugePageHeap(size_t bytes);

}  // namespace kefu::tool

#endif  // KEFU_TOOLS_KEFU_HUGE_HEAP_H_
