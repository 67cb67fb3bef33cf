// kefu/testing/testing.h: the testing kit for shops' own policies, in one
// include (docs/testing.md). Link the CMake target kefu::testing, which
// brings GoogleTest and gMock.
//
//   - kefu/testing/print.h: PrintTo for kefu's vocabulary (failures as text);
//   - kefu/testing/matchers.h: IsRefusedBy, IsAdjustedBy, IsScheduledBy,
//     IsAllowed, HasAction, HasDeadlineDueAt, StatusIs, IsInState;
//   - kefu/testing/builders.h: the seed week's times (Monday(9)), amounts
//     (Yuan(30)) and events (TmallOrder("T1").Paid(), ...);
//   - kefu/testing/shop_test.h: the ShopTest fixture and MustApply.
// Property tests with rapidcheck include kefu/testing/generators.h
// themselves (it needs rapidcheck, which kefu::testing does not link).
#ifndef KEFU_TESTING_TESTING_H_
#define KEFU_TESTING_TESTING_H_

#include "kefu/testing/builders.h"
#include "kefu/testing/matchers.h"
#include "kefu/testing/print.h"
#include "kefu/testing/shop_test.h"

#endif  // KEFU_TESTING_TESTING_H_
