// Helpers shared by the machines' tests.
#ifndef KEFU_TESTS_MACHINES_MACHINE_TEST_UTIL_H_
#define KEFU_TESTS_MACHINES_MACHINE_TEST_UTIL_H_

#include <string>

#include "gtest/gtest.h"
#include "kefu/machines/machine.h"

namespace kefu::testing {

// A rule refused an event: the entity's state and data are as in `before`,
// and the refusal is remembered (one more outcome in its log, the last one,
// refused) so that a late copy of the same id is not judged again.
template <class Entity, class Snapshot>
void ExpectRefusedAndRemembered(const Entity& entity, const Snapshot& before,
                                const std::string& event_id) {
  EXPECT_EQ(entity.state(), before.state);
  EXPECT_TRUE(entity.data() == before.data) << "the refused event changed the data";
  const auto applied = entity.applied();
  ASSERT_EQ(applied.size(), before.applied.size() + 1);
  EXPECT_EQ(applied.back().audit.event_id, event_id);
  EXPECT_TRUE(applied.back().audit.refused);
}

}  // namespace kefu::testing

#endif  // KEFU_TESTS_MACHINES_MACHINE_TEST_UTIL_H_
