// kefu/testing/print.h: GoogleTest printers for kefu's public vocabulary, so
// that a failing check reads as text instead of a hex dump of bytes.
//
// GoogleTest prints a value it shows in a failure with PrintTo(value, os),
// found by argument-dependent lookup; for a type with no PrintTo and no
// operator<< it dumps the object's bytes. This header declares a PrintTo in
// namespace kefu for every value type of the public API a test compares or
// matches:
//   - the outcome vocabulary (kefu/core/outcome.h): Verdict, Language,
//     Message, Term, Figure, Decision, ActionKind, Action, DeadlineOp,
//     Deadline, RuleVerdict, AuditRecord, Ruling, Outcome;
//   - money and rates (Money, Rate), events' metadata (EventMeta);
//   - events: ShopEvent, the OrderEvent, TicketEvent, ReviewEvent and
//     ReplyEvent variants and each event struct (OrderPlaced, ...), printed
//     as their JSON Lines form (kefu/io/events.h);
//   - the engine's DueItem, EntityKind, StateCounts;
//   - every enum of the rules' vocabulary that has a *Name() function
//     (Channel, PaymentMethod, TicketKind, ReviewRating, ...), as its name.
// absl::Time and absl::Status print with Abseil's own operator<<.
//
// Include this header (or kefu/testing/testing.h, which includes it) in
// every test file that prints kefu values: a file that does not sees
// GoogleTest's byte dump instead.
//
// An outcome prints one item a line, each decision with its rule, verdict,
// reason (English) and figures:
//   Outcome of T1 (refunded: held_out_of_stock -> held_out_of_stock)
//     decision ORD-MALL-COMP scheduled {refunded=1000.00, compensation=30.00,
//       cap=30.00}: Tmall out-of-stock refund 1000.00 yuan: ...
//     action notify_finance for finance (ORD-MALL-COMP) {...}: pay the buyer ...
//
// Thread safety: pure functions.
#ifndef KEFU_TESTING_PRINT_H_
#define KEFU_TESTING_PRINT_H_

#include <ostream>
#include <string>

#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/engine/conversation.h"
#include "kefu/engine/deadline_queue.h"
#include "kefu/engine/shop.h"
#include "kefu/engine/shop_event.h"
#include "kefu/machines/machine.h"
#include "kefu/machines/order.h"
#include "kefu/machines/review.h"
#include "kefu/machines/ticket.h"
#include "kefu/policies/order_terms.h"
#include "kefu/policies/review_policies.h"
#include "kefu/policies/ticket_terms.h"

namespace kefu {

// ---- One-line texts the printers and the matchers' messages share.
namespace testing {

// A figure's value as a test writes it: money as "12.34", an instant as RFC
// 3339 at UTC+08:00, a count in decimal, text as is, a term as its key, a
// list of terms as keys joined by ", " ("[]" when empty).
std::string FigureValueText(const Figure::Value& value);
// "{claimed=12.00, cap=10.00, reimbursed=10.00}"; "" when there are none.
std::string FiguresText(const Figures& figures);
// "AS-POSTAGE-CAP adjusted {claimed=12.00, ...}: <the reason in English>".
std::string DecisionText(const Decision& decision);
// "call for 小王 (RV-SCHEDULE) due 2026-11-03T10:00:00+08:00 {...}".
std::string ActionText(const Action& action);
// "AS-RESOLVE set due 2026-11-09T23:59:59+08:00 (warn 2026-11-08T...)".
std::string DeadlineText(const Deadline& deadline);
// Every decision, action and deadline, one a line, each line starting with
// `indent`; "<indent>(no decisions, actions or deadlines)" when empty.
std::string OutcomeItemsText(const Outcome& outcome, const std::string& indent = "  ");

}  // namespace testing

void PrintTo(Verdict v, std::ostream* os);
void PrintTo(Language l, std::ostream* os);
void PrintTo(ActionKind k, std::ostream* os);
void PrintTo(DeadlineOp op, std::ostream* os);
void PrintTo(EntityKind k, std::ostream* os);
void PrintTo(const Money& m, std::ostream* os);
void PrintTo(const Rate& r, std::ostream* os);
void PrintTo(const Message& m, std::ostream* os);
void PrintTo(const Term& t, std::ostream* os);
void PrintTo(const Figure& f, std::ostream* os);
void PrintTo(const Decision& d, std::ostream* os);
void PrintTo(const Action& a, std::ostream* os);
void PrintTo(const Deadline& d, std::ostream* os);
void PrintTo(const RuleVerdict& v, std::ostream* os);
void PrintTo(const AuditRecord& a, std::ostream* os);
void PrintTo(const Ruling& r, std::ostream* os);
void PrintTo(const Outcome& o, std::ostream* os);
void PrintTo(const EventMeta& m, std::ostream* os);
void PrintTo(const DueItem& item, std::ostream* os);
void PrintTo(DueItem::Kind kind, std::ostream* os);
void PrintTo(const StateCounts& counts, std::ostream* os);
void PrintTo(const ShopEvent& event, std::ostream* os);
void PrintTo(const OrderEvent& event, std::ostream* os);
void PrintTo(const TicketEvent& event, std::ostream* os);
void PrintTo(const ReviewEvent& event, std::ostream* os);
void PrintTo(const ReplyEvent& event, std::ostream* os);

// The rules' vocabulary, as the names their *Name() functions give.
void PrintTo(Channel v, std::ostream* os);
void PrintTo(PaymentMethod v, std::ostream* os);
void PrintTo(VerificationItem v, std::ostream* os);
void PrintTo(ExceptionKind v, std::ostream* os);
void PrintTo(ContactChannel v, std::ostream* os);
void PrintTo(ContactResult v, std::ostream* os);
void PrintTo(StockArrival v, std::ostream* os);
void PrintTo(RefundReason v, std::ostream* os);
void PrintTo(TicketKind v, std::ostream* os);
void PrintTo(PostagePayer v, std::ostream* os);
void PrintTo(Repayment v, std::ostream* os);
void PrintTo(Packaging v, std::ostream* os);
void PrintTo(CostKind v, std::ostream* os);
void PrintTo(ReviewRating v, std::ostream* os);
void PrintTo(ReviewChannel v, std::ostream* os);
void PrintTo(ReviewContactResult v, std::ostream* os);
void PrintTo(BuyerPresence v, std::ostream* os);
void PrintTo(Remedy v, std::ostream* os);
void PrintTo(RemedyAnswer v, std::ostream* os);

// Every event struct, as the event of its variant (its JSON line). The
// lists name each struct of OrderEvent, TicketEvent, ReviewEvent and
// ReplyEvent; print.cc defines the printers from the same lists.
#define KEFU_TESTING_ORDER_EVENTS(X) \
  X(OrderPlaced)                     \
  X(PaymentReceived)                 \
  X(FinanceConfirmed)                \
  X(CheckRecorded)                   \
  X(CheckPassed)                     \
  X(HoldPlaced)                      \
  X(HoldReleased)                    \
  X(OutOfStockReported)              \
  X(CustomerContacted)               \
  X(CourierChanged)                  \
  X(CourierConfirmed)                \
  X(OrderAdjusted)                   \
  X(PostageSupplemented)             \
  X(MarkedShipped)                   \
  X(Delivered)                       \
  X(Completed)                       \
  X(Cancelled)                       \
  X(Refunded)                        \
  X(InvoiceRequested)
#define KEFU_TESTING_TICKET_EVENTS(X) \
  X(TicketRegistered)                 \
  X(ReturnAgreed)                     \
  X(ReturnShipped)                    \
  X(ParcelReceived)                   \
  X(PackagingChecked)                 \
  X(ItemTested)                       \
  X(ResaleDecided)                    \
  X(SupplierExchangeRequested)        \
  X(SupplierExchangeReceived)         \
  X(EvidenceRecorded)                 \
  X(RefundSentToFinance)              \
  X(RefundPaid)                       \
  X(CashPutInParcel)                  \
  X(Reshipped)                        \
  X(HandedOff)                        \
  X(Escalated)                        \
  X(TicketClosed)                     \
  X(TicketRejected)
#define KEFU_TESTING_REVIEW_EVENTS(X) \
  X(ReviewReceived)                   \
  X(ReviewAssigned)                   \
  X(ContactAttempted)                 \
  X(RevisionAgreed)                   \
  X(RevisionObserved)                 \
  X(RemedyOffered)                    \
  X(RemedyAccepted)                   \
  X(RemedyDeclined)                   \
  X(DayEnded)                         \
  X(ReviewClosed)
#define KEFU_TESTING_REPLY_EVENTS(X) \
  X(ReplyPosted)                     \
  X(WrongAnswerFound)
#define KEFU_TESTING_DECLARE_PRINT_TO(E) void PrintTo(const E& event, std::ostream* os);
KEFU_TESTING_ORDER_EVENTS(KEFU_TESTING_DECLARE_PRINT_TO)
KEFU_TESTING_TICKET_EVENTS(KEFU_TESTING_DECLARE_PRINT_TO)
KEFU_TESTING_REVIEW_EVENTS(KEFU_TESTING_DECLARE_PRINT_TO)
KEFU_TESTING_REPLY_EVENTS(KEFU_TESTING_DECLARE_PRINT_TO)
#undef KEFU_TESTING_DECLARE_PRINT_TO

}  // namespace kefu

#endif  // KEFU_TESTING_PRINT_H_
