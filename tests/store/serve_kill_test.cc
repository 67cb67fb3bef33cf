// The kill -9 harness (issue 18): a child `kefu serve --db` is fed a sample
// week, with ticks and the confirmations of what they returned (a snapshot
// every 400 entries, in rows of 4 KiB: written a few with each commit, so
// that kills fall while one is being written), and killed
// with SIGKILL at random moments; after each kill a new
// serve opens the store and is fed every line not yet acknowledged. At the
// end the store's shop is byte for byte the shop one uninterrupted store
// holds (every acknowledged event in it exactly once, nothing half
// applied), and its report is one uninterrupted replay's (entities by
// state, decisions by rule, pending deadlines, due items).
//
// KEFU_KILL_TRIALS in the environment sets the number of kills (default
// 1000: 16 to 24 s here).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/core/time.h"
#include "kefu/io/events.h"
#include "kefu/io/replay.h"
#include "kefu/store/sqlite_store.h"
#include "store/store_test_util.h"

namespace kefu {
namespace {

struct Child {
  pid_t pid = -1;
  int in = -1;   // its standard input
  int out = -1;  // its standard output
};

Child StartServe(const std::string& db) {
  int to_child[2], from_child[2];
  EXPECT_EQ(pipe(to_child), 0);
  EXPECT_EQ(pipe(from_child), 0);
  Child c;
  c.pid = fork();
  if (c.pid == 0) {
    dup2(to_child[0], STDIN_FILENO);
    dup2(from_child[1], STDOUT_FILENO);
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);
    for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1], devnull}) close(fd);
    execl(KEFU_TOOL, KEFU_TOOL, "serve", "--db", db.c_str(), "--durability", "normal",
          "--snapshot-every", "400", "--snapshot-part-bytes", "4096",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  c.in = to_child[1];
  c.out = from_child[0];
  return c;
}

// Feeds `lines` from `from` on, as a host does: a chunk of 1 to 8 lines,
// then waits for their answers, then the next chunk. Counts the whole
// answer lines; with `kill_after_answers`, kills the child with SIGKILL
// `delay` after that many answers (0: after `delay` from its start, while it
// opens the store). Returns how many lines it acknowledged.
size_t RunOnce(const std::string& db, const std::vector<std::string>& lines, size_t from,
               std::optional<size_t> kill_after_answers, std::chrono::microseconds delay,
               std::mt19937_64& rng, std::string* answers) {
  Child c = StartServe(db);
  std::mutex mu;
  std::condition_variable cv;
  size_t answered = 0;
  bool gone = false;
  std::vector<size_t> chunks;
  for (size_t i = from; i < lines.size();) {
    const size_t n = std::min<size_t>(1 + rng() % 8, lines.size() - i);
    chunks.push_back(n);
    i += n;
  }
  std::thread writer([&] {
    size_t i = from;
    for (size_t n : chunks) {
      std::string text;
      for (size_t k = 0; k < n; ++k) text += lines[i + k] + "\n";
      size_t off = 0;
      while (off < text.size()) {
        const ssize_t w = write(c.in, text.data() + off, text.size() - off);
        if (w <= 0) break;  // the child is gone (EPIPE)
        off += static_cast<size_t>(w);
      }
      i += n;
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return gone || answered >= i - from; });
      if (gone) break;
    }
    close(c.in);
  });
  std::string out;
  std::thread reader([&] {
    char buf[65536];
    for (;;) {
      const ssize_t n = read(c.out, buf, sizeof buf);
      std::lock_guard<std::mutex> lock(mu);
      if (n <= 0) {
        gone = true;
        cv.notify_all();
        break;
      }
      out.append(buf, static_cast<size_t>(n));
      answered = static_cast<size_t>(std::count(out.begin(), out.end(), '\n'));
      cv.notify_all();
    }
  });
  if (kill_after_answers) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return gone || answered >= *kill_after_answers; });
    }
    std::this_thread::sleep_for(delay);
    kill(c.pid, SIGKILL);
  }
  int status = 0;
  waitpid(c.pid, &status, 0);
  writer.join();
  reader.join();
  close(c.out);
  if (!kill_after_answers) {
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  // Only whole lines were seen by the host.
  const size_t acked = static_cast<size_t>(std::count(out.begin(), out.end(), '\n'));
  if (answers != nullptr) *answers += out.substr(0, out.rfind('\n') + 1);
  return acked;
}

TEST(ServeKill, KilledAtRandomMomentsAndFedWhatWasNotAcknowledgedEndsAsOneRun) {
  signal(SIGPIPE, SIG_IGN);
  int trials = 1000;
  if (const char* t = std::getenv("KEFU_KILL_TRIALS")) trials = std::atoi(t);
  const std::vector<ShopEvent> events = test::SampleEvents(41, 40);
  std::vector<std::string> lines;
  for (const ShopEvent& e : events) lines.push_back(FormatEvent(e));
  // Redelivered events, as a platform feed sends them.
  std::mt19937_64 rng(43);
  for (int i = 0; i < 30; ++i) {
    const size_t at = rng() % lines.size();
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at + 1), lines[at]);
  }
  const std::vector<std::string> events_only = lines;

  // The reference: one store fed without interruption. A tick every 25
  // lines, at the time of the event before it (the due items it takes are
  // journaled with the tick and keep their ids), and then, as a host does
  // once it has acted on them, a `done` line confirming every other item
  // the tick returned: those are never returned again.
  SqliteStoreOptions options;
  options.shop.shards = 1;
  options.durability = Durability::kNormal;
  const std::string ref_db = test::TempStorePath("reference");
  std::string ref_shop;
  std::vector<std::string> with_ticks;
  size_t confirmations = 0;
  std::set<int64_t> seen;  // due ids returned so far
  {
    absl::StatusOr<std::unique_ptr<SqliteStore>> ref = SqliteStore::Open(ref_db, options);
    ASSERT_TRUE(ref.ok());
    std::vector<ShopEvent> parsed;
    for (size_t i = 0; i < lines.size(); ++i) {
      with_ticks.push_back(lines[i]);
      parsed.push_back(*ParseEvent(lines[i]));
      if (i % 25 != 24) continue;
      ASSERT_TRUE((*ref)->ApplyBatch(parsed).ok());
      parsed.clear();
      const Timestamp at = MetaOf(*ParseEvent(lines[i])).at;
      with_ticks.push_back("{\"tick\":\"" + FormatTimestamp(at) + "\"}");
      absl::StatusOr<std::vector<StoredDueItem>> due = (*ref)->Due(at);
      ASSERT_TRUE(due.ok());
      // Due returns every item pending; confirm every other new one.
      std::vector<int64_t> done;
      bool take = true;
      for (const StoredDueItem& d : *due) {
        if (!seen.insert(d.id).second) continue;
        if (take) done.push_back(d.id);
        take = !take;
      }
      if (done.empty()) continue;
      ASSERT_TRUE((*ref)->Confirm(done).ok());
      confirmations += done.size();
      std::string line = "{\"done\":[";
      for (size_t k = 0; k < done.size(); ++k) {
        line += (k ? "," : "") + std::to_string(done[k]);
      }
      with_ticks.push_back(line + "]}");
    }
    ASSERT_TRUE((*ref)->ApplyBatch(parsed).ok());
    ref_shop = (*ref)->shop().Save();
  }
  EXPECT_GT(confirmations, 50u);
  lines = with_ticks;

  const std::string db = test::TempStorePath("killed");
  size_t next = 0;  // the first line not acknowledged
  int kills = 0;
  int mid_stream = 0;  // kills after some answers, before the last
  int at_open = 0;     // kills before the first answer
  std::string answers;
  const auto t0 = std::chrono::steady_clock::now();
  RunOnce(test::TempStorePath("probe"), lines, 0, std::nullopt, {}, rng, nullptr);
  const auto whole =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  while (kills < trials) {
    // Spread the kills over the week: ahead of schedule, or one time in
    // five, kill while it opens the store (no answer yet); else after a few
    // answers. Then up to 150 µs more (5 ms while opening).
    const size_t left = lines.size() - next;
    const size_t span = left / static_cast<size_t>(trials - kills) + 1;
    const bool ahead =
        next * static_cast<size_t>(trials) > lines.size() * static_cast<size_t>(kills);
    const size_t after_answers = ahead || rng() % 5 == 0 ? 0 : 1 + rng() % span;
    const std::chrono::microseconds delay(
        static_cast<int64_t>(after_answers == 0 ? rng() % 5000 : rng() % 150));
    const size_t acked = RunOnce(db, lines, next, after_answers, delay, rng, &answers);
    if (acked > 0 && next + acked < lines.size()) ++mid_stream;
    if (acked == 0) ++at_open;
    next += acked;
    ++kills;
  }
  const size_t by_killed_runs = next;
  if (next < lines.size()) next += RunOnce(db, lines, next, std::nullopt, {}, rng, &answers);
  ASSERT_EQ(next, lines.size());
  std::cout << "[ kill -9  ] " << kills << " kills over " << lines.size() << " lines ("
            << by_killed_runs << " acknowledged by runs later killed; " << mid_stream
            << " kills between two answers, " << at_open
            << " before the first; a run of the whole week takes " << whole.count() / 1000
            << " ms)\n";
  EXPECT_GT(mid_stream, kills / 5);

  // Each acknowledged answer is for the line it follows: answers come in
  // order, one per line, across all runs.
  std::istringstream as(answers);
  std::string a;
  size_t answered = 0;
  while (std::getline(as, a)) {
    ++answered;
    EXPECT_TRUE(a.find("\"result\":\"") != std::string::npos ||
                a.find("\"tick\":\"") != std::string::npos ||
                a.find("\"confirmed\":") != std::string::npos)
        << a;
    EXPECT_EQ(a.find("\"result\":\"bad\""), std::string::npos) << a;
  }
  EXPECT_EQ(answered, lines.size());

  // One replay of the events is the reference report.
  std::string text;
  for (const std::string& l : events_only) text += l + "\n";
  std::istringstream in(text);
  absl::StatusOr<ReplayReport> replay = Replay(in, ReplayOptions{});
  ASSERT_TRUE(replay.ok());
  options.read_only = true;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(db, options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->shop().Save() == ref_shop) << "the shop differs from the reference";
  absl::StatusOr<ReplayReport> report = (*store)->Report();
  ASSERT_TRUE(report.ok());
  // Lines applied again after a kill that came after their commit but
  // before their answer are duplicates: the line accounting may differ
  // there, nothing else.
  EXPECT_GE(report->duplicates, replay->duplicates);
  report->duplicates = replay->duplicates;
  test::ExpectSameReport(*report, *replay);
  store->reset();

  // The due items: the same, with the same ids, as the uninterrupted store
  // holds (none lost, none taken twice under two ids, none confirmed come
  // back).
  options.read_only = false;
  auto pending = [&](const std::string& path) {
    std::vector<std::string> out;
    absl::StatusOr<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(path, options);
    EXPECT_TRUE(s.ok()) << s.status();
    if (!s.ok()) return out;
    absl::StatusOr<std::vector<StoredDueItem>> due =
        (*s)->Due(MetaOf(*ParseEvent(events_only.back())).at);
    EXPECT_TRUE(due.ok());
    for (const StoredDueItem& d : *due) {
      out.push_back(std::to_string(d.id) + " " + test::DueKeys({d.item})[0]);
    }
    return out;
  };
  const std::vector<std::string> got = pending(db);
  EXPECT_GT(got.size(), 100u);
  EXPECT_TRUE(got == pending(ref_db)) << "the due items differ from the reference";
}

}  // namespace
}  // namespace kefu
