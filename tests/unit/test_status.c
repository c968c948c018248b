// SPDX-License-Identifier: ISC
// Every status code has its own message (zix's and libsndfile's error tests).

#include "check.h"

#include "gainstage/status.h"

#include <string.h>

static void test_every_code_has_a_message(void **state)
{
  (void)state;
  for (int i = 0; i < GS_N_STATUS; ++i) {
    const char *msg = gs_strerror((GsStatus)i);
    assert_non_null(msg);
    assert_true(strlen(msg) > 3);
    assert_string_not_equal(msg, "unknown status");
    for (int j = 0; j < i; ++j) {
      assert_string_not_equal(msg, gs_strerror((GsStatus)j));
    }
  }
  assert_string_equal(gs_strerror((GsStatus)GS_N_STATUS), "unknown status");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_every_code_has_a_message),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
