// internal::ProduceAhead (core/ahead.h): the same items, in the same order,
// with the same result, whether produced on a second thread or inline; and
// RunOnThreads and Beside, kefu's other ways of using a second thread; and
// Crc32OnThreads (core/codec.h), a checksum taken on them.
#include "core/ahead.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <thread>
#include <string>
#include <vector>

#include "core/codec.h"
#include "gtest/gtest.h"

namespace kefu::internal {
namespace {

AheadOptions Options(bool ahead) {
  AheadOptions o;
  o.ahead = ahead;
  o.batch_items = 7;  // batches end inside the runs below
  o.batches = 2;
  return o;
}

class ProduceAheadTest : public ::testing::TestWithParam<bool> {};

TEST_P(ProduceAheadTest, EveryItemInOrderThenOk) {
  int next = 0;
  std::vector<int> taken;
  const absl::Status s = ProduceAhead<int>(
      Options(GetParam()),
      [&](int* item) -> absl::StatusOr<bool> {
        if (next == 100) return false;
        *item = next++;
        return true;
      },
      [&](int& item) {
        taken.push_back(item);
        return true;
      });
  EXPECT_TRUE(s.ok()) << s;
  ASSERT_EQ(taken.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(taken[static_cast<size_t>(i)], i);
}

TEST_P(ProduceAheadTest, AnErrorComesAfterEveryItemBeforeIt) {
  int next = 0;
  std::vector<int> taken;
  const absl::Status s = ProduceAhead<int>(
      Options(GetParam()),
      [&](int* item) -> absl::StatusOr<bool> {
        if (next == 30) return absl::DataLossError("item 30");
        *item = next++;
        return true;
      },
      [&](int& item) {
        taken.push_back(item);
        return true;
      });
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "item 30");
  EXPECT_EQ(taken.size(), 30u);
}

TEST_P(ProduceAheadTest, TakeStopsEarlyAndTheErrorAfterIsNotReturned) {
  int next = 0;
  std::vector<int> taken;
  const absl::Status s = ProduceAhead<int>(
      Options(GetParam()),
      [&](int* item) -> absl::StatusOr<bool> {
        if (next == 50) return absl::DataLossError("never seen");
        *item = next++;
        return true;
      },
      [&](int& item) {
        taken.push_back(item);
        return item < 12;
      });
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(taken.size(), 13u);
  EXPECT_EQ(taken.back(), 12);
}

TEST_P(ProduceAheadTest, ExceptionsOfEitherSideReachTheCaller) {
  int next = 0;
  int taken = 0;
  EXPECT_THROW(ProduceAhead<int>(
                   Options(GetParam()),
                   [&](int* item) -> absl::StatusOr<bool> {
                     if (next == 20) throw std::runtime_error("produce");
                     *item = next++;
                     return true;
                   },
                   [&](int&) {
                     ++taken;
                     return true;
                   }),
               std::runtime_error);
  EXPECT_EQ(taken, 20);  // the items before the throw were taken
  next = 0;
  EXPECT_THROW(ProduceAhead<int>(
                   Options(GetParam()),
                   [&](int* item) -> absl::StatusOr<bool> {
                     *item = next++;
                     return true;  // endless: the taker's throw stops it
                   },
                   [&](int& item) -> bool {
                     if (item == 9) throw std::runtime_error("take");
                     return true;
                   }),
               std::runtime_error);
}

// Items are reused: produce is given objects that held earlier items, whose
// heap blocks are still theirs (not freed by the taker and made again);
// every item is still taken as produced.
TEST_P(ProduceAheadTest, ItemsAreReusedWithTheirHeapBlocks) {
  struct Item {
    std::string text;
    bool filled = false;
  };
  // Longer than a short string's room (the text is on the heap), and of
  // one length, so that a reused item's block holds the next text.
  auto text_of = [](int i) {
    std::string digits = std::to_string(i);
    return std::string(40 - digits.size(), 'x') + digits;
  };
  int next = 0;
  int reused = 0;
  int blocks_kept = 0;
  std::vector<std::string> taken;
  const absl::Status s = ProduceAhead<Item>(
      Options(GetParam()),
      [&](Item* item) -> absl::StatusOr<bool> {
        if (next == 200) return false;
        const char* block = item->text.data();
        const std::string text = text_of(next++);
        item->text.assign(text.data(), text.size());  // into the block it has
        if (item->filled) {
          ++reused;
          if (item->text.data() == block) ++blocks_kept;
        }
        item->filled = true;
        return true;
      },
      [&](Item& item) {
        taken.push_back(item.text);
        return true;
      });
  EXPECT_TRUE(s.ok()) << s;
  ASSERT_EQ(taken.size(), 200u);
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(taken[static_cast<size_t>(i)], text_of(i));
  }
  // Inline, every item after the first reuses the one object; ahead, the
  // batches beyond those in flight (2 ready, one taken, one being made).
  EXPECT_GE(reused, GetParam() ? 200 - 5 * 7 : 199);
  EXPECT_EQ(blocks_kept, reused);
}

INSTANTIATE_TEST_SUITE_P(AheadAndInline, ProduceAheadTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return std::string(param.param ? "Ahead" : "Inline");
                         });

TEST(RunOnThreads, EachIndexRunsOnceTheFirstOnTheCallingThread) {
  for (size_t n : {0, 1, 2, 3}) {
    std::vector<int> ran(std::max<size_t>(n, 1), 0);
    std::vector<std::thread::id> on(ran.size());
    RunOnThreads(n, [&](size_t w) {
      ++ran[w];
      on[w] = std::this_thread::get_id();
    });
    for (int r : ran) EXPECT_EQ(r, 1) << n;
    EXPECT_EQ(on[0], std::this_thread::get_id()) << n;
    for (size_t w = 1; w < on.size(); ++w) EXPECT_NE(on[w], std::this_thread::get_id()) << n;
  }
}

TEST(RunOnThreads, TheFirstExceptionByIndexReachesTheCallerAfterAllStopped) {
  std::atomic<int> finished{0};
  try {
    RunOnThreads(3, [&](size_t w) {
      if (w == 2) throw std::runtime_error("two");
      if (w == 1) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        finished.fetch_add(1);
        throw std::runtime_error("one");
      }
      finished.fetch_add(1);
    });
    FAIL() << "nothing thrown";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "one");
  }
  EXPECT_EQ(finished.load(), 2);
}

TEST(Beside, RunsOnAThreadOfItsOwnOrAtJoin) {
  for (bool on_thread : {true, false}) {
    SCOPED_TRACE(on_thread);
    std::thread::id ran_on;
    std::atomic<bool> ran{false};
    Beside task(on_thread, [&] {
      ran_on = std::this_thread::get_id();
      ran = true;
    });
    if (!on_thread) {
      EXPECT_FALSE(ran.load());  // nothing before Join
    }
    task.Join();
    EXPECT_TRUE(ran.load());
    EXPECT_EQ(ran_on != std::this_thread::get_id(), on_thread);
    task.Join();  // a second Join does not run it again
  }
}

TEST(Beside, WhatTheTaskThrowsReachesJoin) {
  for (bool on_thread : {true, false}) {
    SCOPED_TRACE(on_thread);
    Beside task(on_thread, [] { throw std::runtime_error("beside"); });
    try {
      task.Join();
      FAIL() << "nothing thrown";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "beside");
    }
  }
}

// A caller that leaves without Join (it threw) still waits for the thread.
TEST(Beside, TheDestructorWaitsForTheThread) {
  std::atomic<bool> finished{false};
  {
    Beside task(true, [&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      finished = true;
    });
  }
  EXPECT_TRUE(finished.load());
}

// A checksum taken in stretches on several threads is the checksum of the
// whole, at every size around the stretches' bounds.
TEST(Crc32OnThreads, IsTheChecksumOfTheWhole) {
  std::string data(3 * kCrc32StretchBytes + 7, '\0');
  uint64_t x = 88172645463325252ull;
  for (char& c : data) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  for (size_t size : {size_t{0}, size_t{1}, 2 * kCrc32StretchBytes - 1, 2 * kCrc32StretchBytes,
                      2 * kCrc32StretchBytes + 1, data.size()}) {
    const std::string_view part = std::string_view(data).substr(0, size);
    const uint32_t whole = Crc32(part);
    for (size_t threads : {1, 2, 3, 8}) {
      EXPECT_EQ(Crc32OnThreads(part, threads), whole) << size << " on " << threads;
    }
  }
}

}  // namespace
}  // namespace kefu::internal
