// kefu/kefu.h: the umbrella header; includes every public kefu header.
//
// Prefer including the headers you use; this one is for quick starts and for
// the test that proves every public header compiles as C++17 and C++20.
// Thread safety: see each header.
#ifndef KEFU_KEFU_H_
#define KEFU_KEFU_H_

#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/core/status.h"
#include "kefu/core/time.h"
#include "kefu/core/version.h"

#endif  // KEFU_KEFU_H_
