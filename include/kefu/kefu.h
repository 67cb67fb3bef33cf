// kefu/kefu.h: the umbrella header; includes every public kefu header.
//
// Prefer including the headers you use; this one is for quick starts and for
// the tests that prove the public headers compile as C++17 and C++20.
// Thread safety: see each header.
#ifndef KEFU_KEFU_H_
#define KEFU_KEFU_H_

// core
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/heap.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/core/status.h"
#include "kefu/core/time.h"
#include "kefu/core/version.h"

// policies
#include "kefu/policies/courier_reach.h"
#include "kefu/policies/order_policies.h"
#include "kefu/policies/order_terms.h"
#include "kefu/policies/product_tests.h"
#include "kefu/policies/review_policies.h"
#include "kefu/policies/review_rotation.h"
#include "kefu/policies/team_policies.h"
#include "kefu/policies/ticket_policies.h"
#include "kefu/policies/ticket_terms.h"

// machines
#include "kefu/machines/live_orders.h"
#include "kefu/machines/machine.h"
#include "kefu/machines/open_tickets.h"
#include "kefu/machines/order.h"
#include "kefu/machines/review.h"
#include "kefu/machines/review_register.h"
#include "kefu/machines/ticket.h"
#include "kefu/machines/ticket_defects.h"
#include "kefu/machines/ticket_report.h"
#include "kefu/machines/transition_table.h"

// text
#include "kefu/reply_check.h"

// engine
#include "kefu/engine/deadline_queue.h"
#include "kefu/engine/shop.h"
#include "kefu/engine/shop_event.h"
#include "kefu/engine/store.h"
#include "kefu/engine/team_events.h"
#include "kefu/engine/team_ledger.h"

// io
#include "kefu/io/answer_json.h"
#include "kefu/io/events.h"
#include "kefu/io/line_reader.h"
#include "kefu/io/policy_pack.h"
#include "kefu/io/replay.h"
#include "kefu/io/scenario.h"
#include "kefu/io/host_line.h"
#include "kefu/io/state_json.h"

// store
#include "kefu/store/open.h"
#include "kefu/store/pg_store.h"
#include "kefu/store/pg_worker.h"
#include "kefu/store/reporting_store.h"
#include "kefu/store/sqlite_store.h"

// the C API (C++ hosts rarely want it; included so that it compiles as C++)
#include "kefu/c.h"

#endif  // KEFU_KEFU_H_
