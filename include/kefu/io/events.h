// kefu/io/events.h: shop events as JSON Lines, one event per line.
//
// The format is documented, with an example of every event type, in
// docs/events.md. One line is one JSON object:
//   {"id":"e-1","at":"2026-11-02T09:15:00+08:00","agent":"小王",
//    "entity":"order","key":"T1001","type":"placed","fields":{...}}
// Field names are the C++ member names of the event structs (kefu/machines/
// order.h, ticket.h, review.h and kefu/engine/shop_event.h), enums are their
// stable *Name() strings, Money is a decimal-yuan string ("12.34"), times are
// RFC 3339 with an offset, in the years 2000 to 2199. Parsing is strict: an
// unknown or duplicate key, a wrong JSON type, a missing required field, an
// unknown entity or type, a bad time or amount, a NUL byte is an error naming
// the line and the field path (the column, for a NUL).
//
// Thread safety: pure functions; safe to call from any number of threads.
#ifndef KEFU_IO_EVENTS_H_
#define KEFU_IO_EVENTS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "kefu/core/export.h"
#include "kefu/engine/shop_event.h"

namespace kefu {

// True when `line` holds nothing but JSON whitespace (space, tab, CR, LF),
// including the empty line. Readers of JSON Lines files skip such lines.
KEFU_EXPORT bool IsBlankLine(std::string_view line);

// Parses one line (without its newline; a trailing CR is allowed).
// `line_number` (1-based) only goes into error messages ("line 12: ...");
// 0 leaves the "line N: " prefix out.
// Returns the event, or:
//   - kNotFound "line N: blank line" when IsBlankLine(line): not an error of
//     the file, a line to skip (and count).
//   - kInvalidArgument "line N: <field path>: <what is wrong>" for anything
//     else that is not exactly one valid event, e.g.
//     "line 12: fields.lines[0].quantity: expected an integer",
//     "line 12: at: year 1999 is outside the years an event may have, 2000
//     to 2199 (at UTC+08:00)" (CheckEventTime, kefu/core/time.h; a leap
//     second is refused too), or
//     "line 12: not valid JSON: <nlohmann-json's message>" (this includes
//     ill-formed UTF-8, which JSON forbids; lines are read with simdjson,
//     and a line it refuses is read again by nlohmann-json, whose words
//     the errors keep);
//   - kInvalidArgument "line N: column C: a NUL byte, ..." for a line with
//     a NUL byte anywhere (C counts bytes from 1): never the part before it
//     taken for the whole line.
KEFU_EXPORT absl::StatusOr<ShopEvent> ParseEvent(std::string_view line, int64_t line_number = 0);

// The canonical one-line JSON form of `event`, without a trailing newline:
// envelope keys in the order id, at, agent, entity, key, type, fields;
// fields in member order; required fields always, other fields only when
// they differ from their default (std::optional ones only when set); times
// at UTC+08:00; non-ASCII text written as UTF-8, not escaped.
// ParseEvent(FormatEvent(e)) gives an event equal to `e`, except that
//   - ill-formed UTF-8 in a text comes back as U+FFFD (JSON cannot carry it);
//   - an event with an empty id or key, or a time that is not finite (see
//     ValidateEventMeta), is written anyway and then refused by ParseEvent.
KEFU_EXPORT std::string FormatEvent(const ShopEvent& event);

// As FormatEvent, appending to `*out` (reuses its capacity).
KEFU_EXPORT void AppendEvent(const ShopEvent& event, std::string* out);

}  // namespace kefu

#endif  // KEFU_IO_EVENTS_H_
