// Producing items on a second thread ahead of the one that takes them: the
// one hand-off kefu uses where a stream's decoding can run beside its use
// (`kefu replay` parsing lines ahead of the shop, a store's open decoding
// its journal's rows ahead of applying them).
//
// It pays where the items are cheap to hand over: Shop::Load does not
// decode ahead, since a decoded snapshot, a tree of heap blocks made on one
// thread and freed on the other, costs more to hand over than to decode
// (docs/benchmarks.md, the store); it restores entities on several threads
// instead (RunOnThreads, below), each thread decoding and restoring its
// own, and hands over only the restored entities.
//
// ProduceAhead(options, produce, take):
//   - `produce(Item*)` makes the next item: absl::StatusOr<bool>, true when
//     it made one, false after the last, an error to stop there. The item
//     it is given may hold one made before (items are reused, so that what
//     they hold keeps its heap blocks): it must set all of it that `take`
//     reads;
//   - `take(Item&)` uses it, on the calling thread, in the order produced;
//     false stops early (the rest is not produced, or dropped);
//   - returns produce's error, once every item before it was taken; OK
//     otherwise (also when `take` stopped).
// With options.ahead, `produce` runs on a thread of its own, at most
// options.batches batches of options.batch_items items ahead; otherwise
// both run here, one item at a time. Either way the items, their order and
// the result are the same. A batch taken goes back to the producing thread,
// which makes its next items in the same objects: what an item holds is
// allocated and freed on that thread alone (a block freed on another
// thread than the one that made it costs glibc's malloc several times
// more, under the arena's lock). An exception from either function reaches the
// caller, once the producing thread has stopped (an exception from
// `produce` after the items before it were taken).
//
// Thread safety: `produce` and `take` run on different threads when ahead;
// they must not share unsynchronized state, and nothing `produce` touches
// may be used by the caller until ProduceAhead returns.
#ifndef KEFU_CORE_AHEAD_H_
#define KEFU_CORE_AHEAD_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/huge_pages.h"

namespace kefu::internal {

// Every thread kefu starts for itself is started here: it first takes its
// share of huge pages when the program asked for them (PrepareThreadHeap,
// kefu/core/heap.h), then runs `f`.
template <class F>
std::thread StartThread(F&& f) {
  return std::thread([f = std::forward<F>(f)]() mutable {
    PrepareThreadHeap();
    f();
  });
}

struct AheadOptions {
  bool ahead = true;         // produce on a second thread
  size_t batch_items = 256;  // items handed over at once
  size_t batches = 16;       // batches made and not yet taken, at most
};

template <class Item, class Produce, class Take>
absl::Status ProduceAhead(const AheadOptions& options, Produce&& produce, Take&& take) {
  if (!options.ahead) {
    Item item;  // reused from item to item
    for (;;) {
      absl::StatusOr<bool> more = produce(&item);
      if (!more.ok()) return more.status();
      if (!*more || !take(item)) return absl::OkStatus();
    }
  }
  const size_t batch_items = options.batch_items == 0 ? 1 : options.batch_items;
  const size_t depth = options.batches == 0 ? 1 : options.batches;
  struct Batch {
    std::vector<Item> items;    // the first `count` made; the rest spare
    size_t count = 0;
    absl::Status error;         // produce's error, after the items
    std::exception_ptr thrown;  // what produce threw, after the items
    bool last = false;          // nothing follows the items
  };
  std::mutex mu;
  std::condition_variable changed;
  std::deque<Batch> ready;                // under mu
  std::vector<std::vector<Item>> spent;  // under mu: taken, for the producer to reuse
  bool stop = false;                      // under mu: the taker wants no more
  auto run = [&] {
    Batch batch;
    try {
      for (;;) {
        batch.count = 0;
        while (batch.count < batch_items) {
          if (batch.count == batch.items.size()) batch.items.emplace_back();
          absl::StatusOr<bool> more = produce(&batch.items[batch.count]);
          if (!more.ok() || !*more) {
            if (!more.ok()) batch.error = more.status();
            batch.last = true;
            break;
          }
          ++batch.count;
        }
        if (batch.last) break;
        std::unique_lock lock(mu);
        changed.wait(lock, [&] { return stop || ready.size() < depth; });
        if (stop) return;
        ready.push_back(std::exchange(batch, Batch()));
        if (!spent.empty()) {
          batch.items = std::move(spent.back());
          spent.pop_back();
        }
        changed.notify_all();
      }
    } catch (...) {
      batch.thrown = std::current_exception();
      batch.last = true;
    }
    std::lock_guard lock(mu);
    ready.push_back(std::move(batch));  // the last one: past the bound is fine
    changed.notify_all();
  };
  std::thread producer = StartThread(run);
  // Stops and joins the producer however this function ends.
  struct Stop {
    std::mutex& mu;
    std::condition_variable& changed;
    bool& stop;
    std::thread& producer;
    ~Stop() {
      {
        std::lock_guard lock(mu);
        stop = true;
        changed.notify_all();
      }
      producer.join();
    }
  } stopper{mu, changed, stop, producer};
  Batch batch;
  for (;;) {
    {
      std::unique_lock lock(mu);
      if (!batch.items.empty()) spent.push_back(std::move(batch.items));
      changed.wait(lock, [&] { return !ready.empty(); });
      batch = std::move(ready.front());
      ready.pop_front();
      changed.notify_all();
    }
    for (size_t i = 0; i < batch.count; ++i) {
      if (!take(batch.items[i])) return absl::OkStatus();
    }
    if (batch.last) {
      if (batch.thrown) std::rethrow_exception(batch.thrown);
      return batch.error;
    }
  }
}

// RunOnThreads(n, work): work(0) on the calling thread and work(1) to
// work(n - 1) on threads of their own, all joined before it returns (n < 2:
// work(0) alone). The first exception any of them threw (by index) reaches
// the caller once all have stopped. The one way kefu splits a task across
// threads (Shop::Load's entities, the event-id claims).
template <class Work>
void RunOnThreads(size_t n, Work&& work) {
  if (n < 2) {
    work(size_t{0});
    return;
  }
  std::vector<std::exception_ptr> thrown(n);
  auto guarded = [&](size_t w) {
    try {
      work(w);
    } catch (...) {
      thrown[w] = std::current_exception();
    }
  };
  std::vector<std::thread> helpers;
  helpers.reserve(n - 1);
  for (size_t w = 1; w < n; ++w) helpers.push_back(StartThread([&guarded, w] { guarded(w); }));
  guarded(0);
  for (std::thread& t : helpers) t.join();
  for (const std::exception_ptr& e : thrown) {
    if (e) std::rethrow_exception(e);
  }
}

// A task run beside the calling thread's own work: Beside(on_thread, task)
// starts task() on a thread of its own when `on_thread`; Join() waits for
// it (or, without a thread, runs it there) and rethrows what it threw. The
// destructor joins too (dropping an exception), so that a caller that
// throws first never leaves the thread running. Shop::Save's way of making
// the parts that need no writer (the deadline queues' entries, the team
// ledger's bytes) while the entities are written.
class Beside {
 public:
  template <class Task>
  Beside(bool on_thread, Task&& task) : task_(std::forward<Task>(task)) {
    if (on_thread) {
      thread_ = StartThread([this] {
        try {
          task_();
        } catch (...) {
          thrown_ = std::current_exception();
        }
      });
    }
  }
  Beside(const Beside&) = delete;
  Beside& operator=(const Beside&) = delete;
  ~Beside() {
    if (thread_.joinable()) thread_.join();
  }

  void Join() {
    if (thread_.joinable()) {
      thread_.join();
    } else if (!done_) {
      task_();
    }
    done_ = true;
    if (thrown_) std::rethrow_exception(std::exchange(thrown_, nullptr));
  }

 private:
  std::function<void()> task_;
  std::thread thread_;
  std::exception_ptr thrown_;
  bool done_ = false;
};

}  // namespace kefu::internal

#endif  // KEFU_CORE_AHEAD_H_
