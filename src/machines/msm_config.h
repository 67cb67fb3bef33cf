// msm_config.h: Boost.MPL / Fusion limits for kefu's Boost.MSM machines.
//
// Include this FIRST in every translation unit that includes Boost.MSM
// (before any other header, Boost or not: a standard or Abseil header may
// pull in Boost.MPL indirectly in the future). Without it, MPL's
// preprocessed headers cap a transition table at 20 rows and Fusion caps a
// machine at 10 states. Every MSM translation unit must see the same values,
// or the One Definition Rule breaks silently.
//
// Cost (principles.md, g++ 12): 20 rows ~12 s / 0.6 GB to compile, 50 rows
// ~35 s / 1.6 GB. One machine per translation unit.
#ifndef KEFU_MACHINES_MSM_CONFIG_H_
#define KEFU_MACHINES_MSM_CONFIG_H_

#if defined(BOOST_MPL_LIMIT_VECTOR_SIZE) && BOOST_MPL_LIMIT_VECTOR_SIZE != 50
#error "msm_config.h must be included before any Boost header"
#endif

#define BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS
#define BOOST_MPL_LIMIT_VECTOR_SIZE 50
#define BOOST_MPL_LIMIT_MAP_SIZE 50
#define FUSION_MAX_VECTOR_SIZE 20

// Boost 1.74's MSM still includes headers Boost has since deprecated
// (boost/bind.hpp, boost/detail/no_exceptions_support.hpp), and each one
// prints a #pragma message in every MSM unit. Keep their behaviour, drop
// the noise.
#define BOOST_BIND_GLOBAL_PLACEHOLDERS
#define BOOST_ALLOW_DEPRECATED_HEADERS

// kefu never lets an exception cross its API; MSM machines declare
// no_exception_thrown and never throw from guards or actions.
#endif  // KEFU_MACHINES_MSM_CONFIG_H_
