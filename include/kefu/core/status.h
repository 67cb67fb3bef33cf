// kefu/core/status.h: how kefu reports errors, and helpers to propagate them.
//
// Every fallible kefu function returns absl::Status or absl::StatusOr<T>; no
// exception leaves the library and no assertion fires on a caller's input.
// The code tells the caller what to do:
//
//   kInvalidArgument    the input itself is malformed (bad amount text, a
//                       negative quantity, an unknown state name, a time
//                       outside the years 2000-2199): fix the input,
//                       retrying is pointless.
//   kFailedPrecondition the input is well formed but the entity does not
//                       accept it: the event does not fit the current state,
//                       or it is dated before the entity's last event.
//   kOutOfRange         arithmetic would leave the representable range
//                       (money overflow, a date past the calendar's range).
//   kNotFound           a key names no entity the caller gave kefu.
//   kAlreadyExists      a key is taken: an event id already judged, sent
//                       again with other content (another type, time, agent,
//                       fields or entity). A corrected event needs a new id.
//   kInternal           a bug in kefu: please report it.
//
// A rule refusing an event (a fourth contact on a negative review, a second
// open ticket for an order, an agent acting on another's ticket) is never an
// error status: it is an OK Outcome whose decision of that rule has verdict
// refused (kefu/core/outcome.h), and the refusal is remembered under the
// event's id like any outcome.
//
// When an operation fails, the object it was called on is left exactly as it
// was. Thread safety: macros and free functions only; no shared state.
#ifndef KEFU_CORE_STATUS_H_
#define KEFU_CORE_STATUS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Evaluates `expr` (an absl::Status) and returns it from the enclosing
// function when it is not OK.
#define KEFU_RETURN_IF_ERROR(expr)                          \
  do {                                                      \
    ::absl::Status kefu_status_ = (expr);                   \
    if (!kefu_status_.ok()) return kefu_status_;            \
  } while (false)

#define KEFU_STATUS_CONCAT_INNER_(a, b) a##b
#define KEFU_STATUS_CONCAT_(a, b) KEFU_STATUS_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status from
// the enclosing function, otherwise moves the value into `lhs`, which may be
// a declaration (`auto x`) or an existing variable.
#define KEFU_ASSIGN_OR_RETURN(lhs, rexpr) \
  KEFU_ASSIGN_OR_RETURN_IMPL_(KEFU_STATUS_CONCAT_(kefu_statusor_, __LINE__), lhs, rexpr)
#define KEFU_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // KEFU_CORE_STATUS_H_
