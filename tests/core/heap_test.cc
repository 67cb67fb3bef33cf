// kefu/core/heap.h: huge pages for the heap, asked for by the program. A
// test program of its own: PrepareHugePageHeap changes glibc's malloc
// settings for the whole process, for good.
#include "kefu/core/heap.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "core/ahead.h"
#include "gtest/gtest.h"

namespace {

#if defined(__linux__) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#define KEFU_TEST_HUGE_PAGE_HEAP 1

// Whether the mapping that holds `p` is marked for huge pages ("hg" among
// its VmFlags in /proc/self/smaps); nullopt when no mapping holds it.
std::optional<bool> MarkedHuge(const void* p) {
  const auto at = reinterpret_cast<uintptr_t>(p);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first.empty()) continue;
    if (first.back() != ':') {  // a mapping's first line: "start-end perms ..."
      const size_t dash = first.find('-');
      if (dash == std::string::npos) continue;
      const uintptr_t begin = std::stoull(first.substr(0, dash), nullptr, 16);
      const uintptr_t end = std::stoull(first.substr(dash + 1), nullptr, 16);
      inside = begin <= at && at < end;
    } else if (inside && first == "VmFlags:") {
      std::string flag;
      while (words >> flag) {
        if (flag == "hg") return true;
      }
      return false;
    }
  }
  return std::nullopt;
}

// Allocates a block of 4 MiB (under the mmap threshold the program's
// request sets, so from the calling thread's arena) and tells whether its
// last byte lies on memory marked for huge pages.
std::optional<bool> NewBlockMarked() {
  constexpr size_t kBytes = size_t{4} << 20;
  char* block = static_cast<char*>(std::malloc(kBytes));
  if (block == nullptr) return std::nullopt;
  block[kBytes - 1] = 1;
  const std::optional<bool> marked = MarkedHuge(block + kBytes - 1);
  std::free(block);
  return marked;
}
#endif

TEST(HugePageHeap, TheProgramsAskingMarksTheMainHeapAndTheThreadsKefuStarts) {
#if !defined(KEFU_TEST_HUGE_PAGE_HEAP)
  EXPECT_FALSE(kefu::PrepareHugePageHeap(size_t{64} << 20));
  EXPECT_FALSE(kefu::HugePageHeapPrepared());
  GTEST_SKIP() << "huge pages for the heap need glibc on Linux, without a sanitizer";
#else
  // Not asked: a thread kefu starts leaves its arena as it is. (glibc hands
  // that arena to the next new thread, the host's below, which would find
  // it marked.)
  kefu::internal::StartThread([] { std::free(std::malloc(64)); }).join();
  EXPECT_FALSE(kefu::HugePageHeapPrepared());

  if (!kefu::PrepareHugePageHeap(size_t{256} << 20)) {
    GTEST_SKIP() << "this kernel refuses MADV_HUGEPAGE";
  }
  EXPECT_TRUE(kefu::HugePageHeapPrepared());
  // The main heap's top, which new blocks are carved from.
  EXPECT_EQ(NewBlockMarked(), std::optional<bool>(true));

  // A thread of the host's own, started after the asking, keeps its arena
  // on normal pages; one kefu starts beside it (so on an arena of its own)
  // marks its arena first.
  std::optional<bool> host_thread, kefu_thread;
  std::thread host([&] {
    host_thread = NewBlockMarked();
    kefu::internal::StartThread([&] { kefu_thread = NewBlockMarked(); }).join();
  });
  host.join();
  EXPECT_EQ(host_thread, std::optional<bool>(false));
  EXPECT_EQ(kefu_thread, std::optional<bool>(true));
#endif
}

}  // namespace
