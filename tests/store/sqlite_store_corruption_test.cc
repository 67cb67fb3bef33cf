// A damaged store file (kefu/store/sqlite_store.h): truncated at every page
// boundary, or with bytes overwritten at random, it opens to a clear error
// or to the right shop; never a crash, never a silently wrong or empty
// shop. Also run under ASan by the `asan` preset.
#include <sqlite3.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/store/sqlite_store.h"
#include "store/store_test_util.h"

namespace kefu {
namespace {

SqliteStoreOptions Options() { return test::NormalStoreOptions(60); }

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  test::RemoveStore(path);
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A small store: a snapshot, journal entries after it, due items pending.
struct Small {
  std::string bytes;  // the file, checkpointed (no -wal)
  std::string shop;   // its shop, saved
  size_t pending_due = 0;
};

Small MakeSmall() {
  const std::vector<ShopEvent> events = test::SampleEvents(31, 6, 3);
  const std::string path = test::TempStorePath("small");
  Small s;
  {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path, Options());
    EXPECT_TRUE(store.ok());
    EXPECT_TRUE((*store)->ApplyBatch(events).ok());
    EXPECT_GT((*store)->snapshot_seq(), 0);
    EXPECT_GT((*store)->journal_seq(), (*store)->snapshot_seq());
    s.shop = (*store)->shop().Save();
    s.pending_due = (*store)->pending_due();
    EXPECT_GT(s.pending_due, 0u);
  }  // closing checkpoints the WAL into the file
  s.bytes = ReadFile(path);
  return s;
}

// Opens `bytes` as a store: an error, or exactly the small store's shop.
void ExpectErrorOrRightShop(const Small& small, const std::string& bytes, int* errors) {
  const std::string path = test::TempStorePath("damaged");
  WriteFile(path, bytes);
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path, Options());
  if (!store.ok()) {
    ++*errors;
    EXPECT_NE(store.status().message(), "");
    return;
  }
  EXPECT_EQ((*store)->shop().Save(), small.shop) << "opened to a wrong shop";
  EXPECT_EQ((*store)->pending_due(), small.pending_due);
}

TEST(SqliteStoreCorruption, TruncatedAtEveryPageBoundaryIsAnErrorOrTheRightShop) {
  const Small small = MakeSmall();
  const size_t page = 4096;
  ASSERT_EQ(small.bytes.size() % page, 0u);
  ASSERT_GT(small.bytes.size() / page, 5u);
  int errors = 0;
  for (size_t cut = 0; cut < small.bytes.size(); cut += page) {
    SCOPED_TRACE(cut);
    ExpectErrorOrRightShop(small, small.bytes.substr(0, cut), &errors);
  }
  std::cout << "[ damaged  ] " << small.bytes.size() / page << " cuts, " << errors
            << " refused, the others opened to the right shop\n";
  EXPECT_GT(errors, 0);
}

TEST(SqliteStoreCorruption, BytesOverwrittenAtRandomAreAnErrorOrTheRightShop) {
  const Small small = MakeSmall();
  std::mt19937_64 rng(7);
  int errors = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string bytes = small.bytes;
    const int n = 1 + static_cast<int>(rng() % 16);
    const size_t at = rng() % bytes.size();
    for (int i = 0; i < n && at + i < bytes.size(); ++i) {
      bytes[at + i] = static_cast<char>(rng());
    }
    SCOPED_TRACE(testing::Message() << "trial " << trial << ", " << n << " bytes at " << at);
    ExpectErrorOrRightShop(small, bytes, &errors);
  }
  std::cout << "[ damaged  ] 300 overwrites, " << errors
            << " refused, the others opened to the right shop\n";
  EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace kefu
