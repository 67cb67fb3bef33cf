#include "kefu/core/status.h"

#include <string>

#include "gtest/gtest.h"

namespace kefu {
namespace {

absl::StatusOr<int> Half(int n) {
  if (n % 2 != 0) return absl::InvalidArgumentError("odd");
  return n / 2;
}

absl::StatusOr<int> Quarter(int n) {
  KEFU_ASSIGN_OR_RETURN(int h, Half(n));
  KEFU_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

absl::Status CheckEven(int n) {
  KEFU_RETURN_IF_ERROR(Half(n).status());
  return absl::OkStatus();
}

TEST(StatusMacros, AssignOrReturnPropagatesTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Quarter(7).status().message(), "odd");
}

TEST(StatusMacros, ReturnIfErrorReturnsOnlyErrors) {
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).code(), absl::StatusCode::kInvalidArgument);
}

TEST(StatusMacros, AssignOrReturnAssignsToAnExistingVariable) {
  auto f = [](int n) -> absl::StatusOr<std::string> {
    int value = -1;
    KEFU_ASSIGN_OR_RETURN(value, Half(n));
    return std::to_string(value);
  };
  EXPECT_EQ(*f(10), "5");
  EXPECT_FALSE(f(3).ok());
}

}  // namespace
}  // namespace kefu
