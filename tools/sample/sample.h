// sample/sample.h: a realistic, deterministic week of a small online shop,
// as ShopEvents, for demos, tests and the replay benchmark (`kefu sample`).
//
// A demo tool, not library code: it is the static library kefu_sample
// (tools/sample/), which the `kefu` program, the tests and the benchmarks
// link; libkefu neither contains nor installs it.
//
// The week has orders on Taobao, Tmall and the website with platform
// payments, cash on delivery and bank/Alipay transfers awaiting finance; the
// six ORD-VERIFY checks, shipping, delivery and completion; out-of-stock
// orders with customer contact, cancellations, near-duplicate orders of the
// same buyer (ORD-DUP-SHIP holds them), postage supplements, holds and
// invoices; after-sales tickets (postage claims above and below the caps,
// freight-collect parcels, late returns, quality claims, supplier exchanges,
// refunds through finance, reshipments, products with repeated tickets);
// neutral and negative reviews with contacts, promises, remedies and the
// host's day_ended ticks; and agents' replies, about a fifth of which break a
// PH rule, with promises to answer by a definite time (most of them kept by
// a later reply, PH-CALLBACK), answers put off without a time, and wrong
// answers a supervisor finds (wrong_answer_found), each first reply after
// the buyer's message it answers (buyer_messaged, most within 3 minutes,
// for the team's response times); and the team's days (entity "team"):
// agents' shifts on the seed's templates and channels, arriving 10-15
// minutes early and now and then late, breaks with and without a handover,
// a shift swap approved beforehand and one asked without approval, reports
// upward, two exams and, on the last evening, the supervisor's scoring of
// each agent's judged parts for the month. Some events are
// deliberately refused by a rule (an early pass of the order check, a
// freight-collect parcel, a fourth contact...) and are followed by what a
// shop does next. Every other event applies without error to the
// machines wired as the shop engine wires them (live orders and defect
// counter for orders, open tickets for tickets).
//
// Same options give the same events, byte for byte, on every platform: the
// generator uses its own PRNG and integer arithmetic only, and reads no
// clock. Events come in non-decreasing time order; event ids are unique.
//
// Thread safety: GenerateSample is reentrant (no shared state).
#ifndef KEFU_TOOLS_SAMPLE_SAMPLE_H_
#define KEFU_TOOLS_SAMPLE_SAMPLE_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "kefu/core/time.h"
#include "kefu/engine/shop_event.h"

namespace kefu {

struct SampleOptions {
  // Length of the sample in days, > 0 (at most 366).
  int days = 7;
  // Orders placed per day, > 0 (at most 10,000,000). Tickets, reviews and
  // replies scale with it.
  int orders_per_day = 200;
  // Any value; different seeds give different weeks.
  uint64_t seed = 1;
  // Local midnight (+08:00) of the first day: 2026-11-02 00:00 +08:00, a
  // Monday. Must be finite; the shop's day starts here and every 24 h after.
  Timestamp start = absl::FromCivil(absl::CivilSecond(2026, 11, 2, 0, 0, 0),
                                    absl::FixedTimeZone(8 * 3600));
};

// Calls `sink` for every event of the sample, in non-decreasing time order
// (every event lies in [start, start + days)). Returns OK after the last
// event, or kInvalidArgument (before any event) for options out of range.
// Memory grows with the number of events (about 40 bytes each); about one
// second per million events.
absl::Status GenerateSample(const SampleOptions& options,
                           absl::FunctionRef<void(const ShopEvent&)> sink);

}  // namespace kefu

#endif  // KEFU_TOOLS_SAMPLE_SAMPLE_H_
