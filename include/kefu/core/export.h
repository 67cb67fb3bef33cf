// kefu/core/export.h: the KEFU_EXPORT macro that marks kefu's public symbols.
//
// The library is built with hidden symbol visibility; only what carries
// KEFU_EXPORT is visible from a shared build. A static build (the default)
// defines nothing special. Thread safety: not applicable (macros only).
#ifndef KEFU_CORE_EXPORT_H_
#define KEFU_CORE_EXPORT_H_

#if defined(_WIN32) && defined(KEFU_SHARED)
#if defined(KEFU_BUILDING)
#define KEFU_EXPORT __declspec(dllexport)
#else
#define KEFU_EXPORT __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define KEFU_EXPORT __attribute__((visibility("default")))
#else
#define KEFU_EXPORT
#endif

#endif  // KEFU_CORE_EXPORT_H_
