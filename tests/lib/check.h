// SPDX-License-Identifier: ISC
// Assertions for cmocka tests that print the measured value, the expected one
// and the tolerance when they fail.

#ifndef GS_TESTS_CHECK_H
#define GS_TESTS_CHECK_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/// |actual - expected| <= tol (a NaN always fails).
#define GS_ASSERT_NEAR(actual, expected, tol)                                                    \
  do {                                                                                           \
    const double a_ = (double)(actual), e_ = (double)(expected), t_ = (double)(tol);            \
    if (!(fabs(a_ - e_) <= t_)) {                                                                \
      print_error("%s = %.9g, expected %.9g +- %.3g (off by %.3g)\n", #actual, a_, e_, t_,      \
                  a_ - e_);                                                                      \
      fail();                                                                                    \
    }                                                                                            \
  } while (0)

/// actual < limit (a NaN always fails).
#define GS_ASSERT_BELOW(actual, limit)                                                           \
  do {                                                                                           \
    const double a_ = (double)(actual), l_ = (double)(limit);                                    \
    if (!(a_ < l_)) {                                                                            \
      print_error("%s = %.9g, expected below %.9g\n", #actual, a_, l_);                          \
      fail();                                                                                    \
    }                                                                                            \
  } while (0)

/// actual > limit (a NaN always fails).
#define GS_ASSERT_ABOVE(actual, limit)                                                           \
  do {                                                                                           \
    const double a_ = (double)(actual), l_ = (double)(limit);                                    \
    if (!(a_ > l_)) {                                                                            \
      print_error("%s = %.9g, expected above %.9g\n", #actual, a_, l_);                          \
      fail();                                                                                    \
    }                                                                                            \
  } while (0)

#endif  // GS_TESTS_CHECK_H
