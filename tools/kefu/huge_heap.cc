#include "huge_heap.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#endif

namespace kefu::tool {

bool PrepareHugePageHeap(size_t bytes) {
#if defined(__linux__) && defined(__GLIBC__) && defined(MADV_HUGEPAGE) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  if (const char* e = std::getenv("KEFU_HUGE_HEAP"); e != nullptr && std::string_view(e) == "0") {
    return false;
  }
  // At most 1 GiB, so that the trim threshold below fits mallopt's int.
  if (bytes > (size_t{1} << 30)) bytes = size_t{1} << 30;
  // Keep the free top instead of giving it back to the system at the next
  // free.
  if (mallopt(M_TRIM_THRESHOLD, static_cast<int>(bytes + (size_t{1} << 20))) == 0) return false;
  // Blocks up to 32 MiB (a report's vectors, the deadline queue's chunks)
  // come from the heap too, and so from huge pages.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  // One request that the main heap (brk) must serve: no mmap for it.
  mallopt(M_MMAP_MAX, 0);
  void* block = std::malloc(bytes);
  mallopt(M_MMAP_MAX, 65536);  // glibc's default
  if (block == nullptr) return false;
  constexpr uintptr_t kHuge = uintptr_t{1} << 21;
  const auto addr = reinterpret_cast<uintptr_t>(block);
  const uintptr_t begin = (addr + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (addr + bytes) & ~(kHuge - 1);
  const bool advised =
      end > begin && madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE) == 0;
  std::free(block);  // back into the heap's top, which the trim threshold keeps
  return advised;
#else
  (void)bytes;
  return false;
#endif
}

}  // namespace kefu::tool
