/* kefu/c.h: kefu's C API, for hosts in C and in every language that can
 * call C (Python, PHP's FFI, Java's JNA, Go's cgo...; docs/bindings.md).
 *
 * A shop is an opaque handle. Text goes in as UTF-8 pointer and length
 * (not NUL-terminated; a length of 0 with a NULL pointer is the empty text)
 * and comes out as JSON, the same documents `kefu serve` writes
 * (docs/serve.md): an event in is one line of docs/events.md; an event's
 * answer, a tick's due items, a confirmation and the report are serve's
 * answers without their "line".
 *
 * Errors: every function that can fail returns a kefu_status (KEFU_OK is 0;
 * the other values are Abseil's status codes, docs/errors.md) and, when
 * `errmsg` is not NULL, stores a message in *errmsg (NULL on success). Every
 * buffer kefu returns (answers, messages) is allocated by kefu, NUL-terminated
 * and released with kefu_free() (but for a kefu_answer's text, which
 * belongs to the answer); its length, without the NUL, is stored in
 * the `*_len` argument when that is not NULL. On an error, output arguments
 * other than *errmsg are set to NULL / 0. No C++ exception leaves a
 * function of this header: an unexpected one (out of memory) becomes
 * KEFU_INTERNAL or KEFU_RESOURCE_EXHAUSTED with its message.
 *
 * What counts as an error: the arguments (not an event, a time that does
 * not parse, a NULL handle: KEFU_INVALID_ARGUMENT) and the store (it
 * cannot be opened or written: its code, kefu/store/sqlite_store.h). An
 * event the shop refuses by a rule or rejects (an unknown order) is not
 * an error: its answer says so ("result": "refused" or "rejected").
 *
 * Threads: as kefu::ShopStore (kefu/engine/store.h): every kefu_shop_*
 * function may be called from several threads at once on one handle, except
 * kefu_shop_close, which must be the last call on it. A kefu_policy is
 * immutable: share it between threads and shops freely; free it after the
 * calls that use it return (a shop keeps what it needs of it).
 *
 * ABI: this header is kefu's stable interface. Within one minor version
 * (0.1.x) nothing in it changes. A new minor version may add functions,
 * flags and status codes, and new keys in the JSON documents; it does not
 * remove or change the meaning of those here. Before 1.0 a minor version may
 * also break the C++ API, hence the shared library's SONAME is
 * libkefu.so.0.MINOR (docs/bindings.md). Check kefu_version() against
 * KEFU_VERSION_MAJOR/MINOR at run time to detect a mismatched library.
 */
#ifndef KEFU_C_H_
#define KEFU_C_H_

#include <stddef.h>
#include <stdint.h>

#include "kefu/core/export.h"
#include "kefu/core/version.h" /* KEFU_VERSION_MAJOR, _MINOR, _PATCH */

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes: Abseil's (absl::StatusCode), by number. */
typedef enum kefu_status {
  KEFU_OK = 0,
  KEFU_CANCELLED = 1,
  KEFU_UNKNOWN = 2,
  KEFU_INVALID_ARGUMENT = 3,
  KEFU_DEADLINE_EXCEEDED = 4,
  KEFU_NOT_FOUND = 5,
  KEFU_ALREADY_EXISTS = 6,
  KEFU_PERMISSION_DENIED = 7,
  KEFU_RESOURCE_EXHAUSTED = 8,
  KEFU_FAILED_PRECONDITION = 9,
  KEFU_ABORTED = 10,
  KEFU_OUT_OF_RANGE = 11,
  KEFU_UNIMPLEMENTED = 12,
  KEFU_INTERNAL = 13,
  KEFU_UNAVAILABLE = 14,
  KEFU_DATA_LOSS = 15,
  KEFU_UNAUTHENTICATED = 16
} kefu_status;

/* Flags of kefu_shop_open, or-ed. */
/* Reasons and descriptions in English (default: Chinese, as kefu serve). */
#define KEFU_LANG_EN 1u
/* A store file synced at checkpoints only (Durability::kNormal): survives a
 * process crash, may lose the last commits on a power loss. */
#define KEFU_DURABILITY_NORMAL 2u

typedef struct kefu_shop kefu_shop;
typedef struct kefu_policy kefu_policy;

/* The linked library's version, "0.1.0" (static; never freed). */
KEFU_EXPORT const char* kefu_version(void);

/* Releases a buffer kefu returned (an answer, a message). NULL is ignored. */
KEFU_EXPORT void kefu_free(void* p);

/* Asks for transparent huge pages on the process's heap, as the kefu program
 * does (kefu/core/heap.h, PrepareHugePageHeap): `bytes` (at most 1 GiB) of
 * address space at the top of the main heap, and from then on each thread
 * kefu starts marks its own arena too; a large store opens and a long
 * replay runs with far fewer page faults. Call it once, first thing, before
 * other threads exist: it changes glibc's malloc settings for the whole
 * process. Returns 1 when it did, 0 where it cannot (not glibc on Linux, a
 * sanitizer build, a kernel without transparent huge pages). */
KEFU_EXPORT int kefu_prepare_huge_page_heap(size_t bytes);

/* Reads the policy pack (TOML, docs/policy_pack.md) at `path`. Errors:
 * KEFU_NOT_FOUND / KEFU_UNAVAILABLE when it cannot be read,
 * KEFU_INVALID_ARGUMENT when it is not a valid pack (every message, one a
 * line, in *errmsg). */
KEFU_EXPORT kefu_status kefu_policy_load(const char* path, size_t path_len, kefu_policy** policy,
                                         char** errmsg);
/* The pack's revision (16 hex digits; static for the policy's life). */
KEFU_EXPORT const char* kefu_policy_revision(const kefu_policy* policy);
KEFU_EXPORT void kefu_policy_free(kefu_policy* policy);

/* Opens a shop. `db` NULL or empty: in memory (gone when closed); a
 * postgresql:// or postgres:// URI: the shop "default" of that database
 * (docs/worker.md; it holds the shop's lease); else the store file (SQLite,
 * created when absent; docs/store.md), which one process at a time may
 * open. `policy`: the pack the shop decides by (NULL: the
 * catalogue's defaults); open a store with the pack it was written with
 * (else KEFU_DATA_LOSS). `flags`: KEFU_LANG_EN, KEFU_DURABILITY_NORMAL;
 * another bit is KEFU_INVALID_ARGUMENT. Store errors as OpenStore
 * (kefu/store/open.h). */
KEFU_EXPORT kefu_status kefu_shop_open(const char* db, size_t db_len, const kefu_policy* policy,
                                       unsigned flags, kefu_shop** shop, char** errmsg);

/* Closes the shop (NULL is ignored). What it answered is durable already. */
KEFU_EXPORT void kefu_shop_close(kefu_shop* shop);

/* Applies one event (one JSON object of docs/events.md) and answers as
 * kefu serve: {"id":...,"result":"applied|refused|duplicate|rejected",
 * "seq":...,"entity":...,"key":...,"state_before":...,...}. Returns once the
 * event is durable. KEFU_INVALID_ARGUMENT when it is not an event (nothing
 * is applied); the store's code when it cannot be stored. */
KEFU_EXPORT kefu_status kefu_shop_apply(kefu_shop* shop, const char* event, size_t event_len,
                                        char** answer, size_t* answer_len, char** errmsg);

/* Applies JSON Lines events in one commit and answers JSON Lines, one answer
 * a line for every line that is not blank, in order, each with its "line"
 * (1-based): an event's answer, or {"line":N,"result":"bad","error":...} for
 * a line that is not an event (the others still apply). Fails only when the
 * store cannot store them: then none is applied. */
KEFU_EXPORT kefu_status kefu_shop_apply_batch(kefu_shop* shop, const char* events,
                                              size_t events_len, char** answers,
                                              size_t* answers_len, char** errmsg);

/* A reusable answer: what kefu_shop_apply_into and
 * kefu_shop_apply_batch_into answered, kept in kefu's own structures until
 * the next call that fills it, for a host that reads it more cheaply than
 * through a fresh buffer a call: kefu_answer_json gives its text without a
 * copy, kefu_answer_visit hands its document value by value to the host's
 * own builder (Python's dicts are built so). One answer may be reused for
 * every call of a thread; it is used by one thread at a time. It does not
 * refer to the shop: close the shop or free the answer in either order. */
typedef struct kefu_answer kefu_answer;

/* A host's builder of the answer's document: kefu_answer_visit calls these
 * in the order of the values of the answer's JSON text, so building what
 * they are given builds what a JSON reader would. Keys and strings are
 * well-formed UTF-8 (pointer and length; not NUL-terminated). Each returns
 * 0 to go on; another value stops the visit, which returns KEFU_ABORTED. */
typedef struct kefu_visitor {
  int (*begin_object)(void* ctx);
  int (*end_object)(void* ctx);
  int (*begin_array)(void* ctx);
  int (*end_array)(void* ctx);
  int (*key)(void* ctx, const char* key, size_t key_len);
  int (*string)(void* ctx, const char* value, size_t value_len);
  int (*integer)(void* ctx, int64_t value);
} kefu_visitor;

/* A new answer, holding nothing; free it with kefu_answer_free. */
KEFU_EXPORT kefu_status kefu_answer_new(kefu_answer** answer, char** errmsg);
/* NULL is ignored. */
KEFU_EXPORT void kefu_answer_free(kefu_answer* answer);

/* As kefu_shop_apply, the answer kept in `answer` (what it held before is
 * gone). On an error, `answer` holds nothing. */
KEFU_EXPORT kefu_status kefu_shop_apply_into(kefu_shop* shop, const char* event,
                                             size_t event_len, kefu_answer* answer,
                                             char** errmsg);

/* As kefu_shop_apply_batch, the answers kept in `answer`: its text is the
 * JSON Lines kefu_shop_apply_batch gives, its document an array of the
 * lines' answers. */
KEFU_EXPORT kefu_status kefu_shop_apply_batch_into(kefu_shop* shop, const char* events,
                                                   size_t events_len, kefu_answer* answer,
                                                   char** errmsg);

/* The answer's JSON text (NUL-terminated; its length without the NUL in
 * *json_len when that is not NULL), the bytes kefu_shop_apply /
 * kefu_shop_apply_batch give. It belongs to the answer: valid until the
 * answer is filled again or freed; never kefu_free it.
 * KEFU_FAILED_PRECONDITION when the answer holds nothing. */
KEFU_EXPORT kefu_status kefu_answer_json(kefu_answer* answer, const char** json,
                                         size_t* json_len, char** errmsg);

/* Calls `visitor` (every callback set) for each value of the answer's
 * document, with `ctx`. KEFU_ABORTED when a callback stops it;
 * KEFU_FAILED_PRECONDITION when the answer holds nothing. */
KEFU_EXPORT kefu_status kefu_answer_visit(const kefu_answer* answer, const kefu_visitor* visitor,
                                          void* ctx, char** errmsg);

/* What is due by `now` (RFC 3339 with an offset) and not confirmed, as
 * serve's tick answer: {"tick":TIME,"due":[{"id":ID,"at":...,"kind":...},
 * ...]}, earliest first. An item comes again until kefu_shop_confirm names
 * it. KEFU_INVALID_ARGUMENT when `now` does not parse. */
KEFU_EXPORT kefu_status kefu_shop_due(kefu_shop* shop, const char* now, size_t now_len,
                                      char** answer, size_t* answer_len, char** errmsg);

/* Marks due items handled: they never come again. Ids not pending are
 * ignored; *confirmed (when not NULL) is how many were pending. */
KEFU_EXPORT kefu_status kefu_shop_confirm(kefu_shop* shop, const int64_t* ids, size_t n_ids,
                                          size_t* confirmed, char** errmsg);

/* The work list (FB-TRIAGE), as kefu serve's work answer: with `agent`
 * NULL or empty, {"work":[items]}: every open deadline and scheduled action,
 * highest priority first; else {"agent":AGENT,"work":[...]}: the agent's
 * next item (theirs or nobody's), or none. An item: {"priority":P,
 * "entity_kind":...,"entity":...,"rule":...,"kind":"deadline|action",
 * "due":TIME,"agent":...,"customer":...,"customer_level":...,
 * "category":...,"agent_level":...}. */
KEFU_EXPORT kefu_status kefu_shop_work(kefu_shop* shop, const char* agent, size_t agent_len,
                                       char** answer, size_t* answer_len, char** errmsg);

/* The report of every event the shop took, as `kefu report --json` writes
 * it (on one line): due by `until` (RFC 3339; NULL or empty: the latest
 * time of an applied event). */
KEFU_EXPORT kefu_status kefu_shop_report(kefu_shop* shop, const char* until, size_t until_len,
                                         char** report, size_t* report_len, char** errmsg);

/* Checks one reply with the policy's reply checker (NULL: the shipped
 * defaults): {"findings":[{"rule":...,"severity":...,"start":BYTE,
 * "end":BYTE,"text":...,"suggestion":...},...]}. */
KEFU_EXPORT kefu_status kefu_check_reply(const kefu_policy* policy, const char* text,
                                         size_t text_len, char** findings, size_t* findings_len,
                                         char** errmsg);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KEFU_C_H_ */
