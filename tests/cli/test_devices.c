// SPDX-License-Identifier: ISC
// gainstage devices, run as a user runs it: every backend has its say, the
// command exits 0 even with no JACK server and no sound card, and a bad
// option is one line and exit status 2.

#include "check.h"
#include "cli_run.h"

#include <string.h>

static void assert_contains(const char *text, const char *part)
{
  if (!strstr(text, part)) {
    print_error("expected [%s] in:\n%s\n", part, text);
    fail();
  }
}

static void test_lists_every_backend(void **state)
{
  (void)state;
  // A server name nobody runs: JACK must say so, not fail the command.
  assert_int_equal(run("devices"), 0);
  const char *out = slurp("stdout.txt");
  printf("%s", out);
  assert_contains(out, "jack: ");
  assert_contains(out, "alsa: null\n    Discard all samples");
  assert_contains(out, "null: a free-running clock");
  // JACK first, then ALSA, then null.
  assert_true(strstr(out, "jack: ") < strstr(out, "alsa: "));
  assert_true(strstr(out, "alsa: ") < strstr(out, "null: "));
  assert_string_equal(slurp("stderr.txt"), "");
}

static void test_one_backend(void **state)
{
  (void)state;
  assert_int_equal(run("devices --backend alsa"), 0);
  const char *out = slurp("stdout.txt");
  assert_contains(out, "alsa: null");
  assert_null(strstr(out, "jack: "));
  assert_null(strstr(out, "null: a free-running"));
  assert_int_equal(run("devices -b null"), 0);
  assert_string_equal(slurp("stdout.txt"),
                      "null: a free-running clock with no hardware (any rate, any channels)\n");
}

static void test_bad_input(void **state)
{
  (void)state;
  assert_int_equal(run("devices --backend coreaudio"), 2);
  assert_string_equal(slurp("stderr.txt"), "gainstage devices: backend 'coreaudio' is not known "
                                           "(valid: jack, alsa, null)\n");
  assert_int_equal(run("devices hw:0"), 2);
  assert_string_equal(slurp("stderr.txt"), "gainstage devices: takes no arguments (see --help)\n");
  assert_int_equal(run("devices --backend"), 2);
  assert_int_equal(run("devices --help"), 0);
  assert_contains(slurp("stdout.txt"), "usage: gainstage devices");
  assert_int_equal(run("--help"), 0);
  assert_contains(slurp("stdout.txt"), "  devices ");
}

int main(int argc, char **argv)
{
  if (!cli_setup(argc, argv, "devices")) {
    return 1;
  }
  setenv("JACK_DEFAULT_SERVER", "gs-test-devices-no-such-server", 1);
  setenv("JACK_NO_START_SERVER", "1", 1);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_lists_every_backend),
    cmocka_unit_test(test_one_backend),
    cmocka_unit_test(test_bad_input),
  };
  return cli_teardown(cmocka_run_group_tests(tests, NULL, NULL));
}
