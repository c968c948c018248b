// SPDX-License-Identifier: ISC
// gainstage latency against a real JACK server (jackd -d dummy, its own
// name): a port loopback is one period, as JACK defines it; a loop through
// a running gainstage (a return sent into a mix at 0 dB) adds the engine's
// latency for that path (none) to it; --save stores the figure in the
// session; a missing loop or server is one line and a clear status.

#include "cli_run.h"
#include "jack_server.h"

#include <jansson.h>
#include <string.h>

static char server[64];
static pid_t jackd = -1;

static int start_server(void **state)
{
  (void)state;
  snprintf(server, sizeof(server), "gs-latency-%d", (int)getpid());
  jackd = jackd_start(server, path("jackd.log"));
  setenv("JACK_DEFAULT_SERVER", server, 1);
  return jackd > 0 ? 0 : -1;
}

static int stop_server(void **state)
{
  (void)state;
  if (jackd > 0) {
    stop_process(jackd, SIGTERM);
  }
  return 0;
}

// The round trip in samples from `gainstage latency --json ARGS`.
static double measure(const char *args)
{
  char cmd[512];
  snprintf(cmd, sizeof(cmd), "latency --json %s", args);
  const int st = run(cmd);
  if (st) {
    print_error("latency %s: exit %d: %s\n", args, st, slurp("stderr.txt"));
    fail();
  }
  json_error_t jerr;
  json_t *j = json_loads(slurp("stdout.txt"), 0, &jerr);
  assert_non_null(j);
  const double samples = json_real_value(json_object_get(j, "round_trip_samples"));
  assert_int_equal((int)json_integer_value(json_object_get(j, "block")), 256);
  GS_ASSERT_ABOVE(json_real_value(json_object_get(j, "confidence_db")), 20.0);
  json_decref(j);
  return samples;
}

// A port connection from the client's output to its own input: JACK runs the
// client once a cycle, so what it writes comes back one period later.
static void test_loopback_is_one_period(void **state)
{
  (void)state;
  const double samples = measure("--loopback");
  print_message("loopback: %.3f samples (one period: 256)\n", samples);
  GS_ASSERT_NEAR(samples, 256.0, 0.01);
}

static const char session_yaml[] =
  "session: {name: loop, rate_hz: 48000, bits: 24, block: 256}\n"
  "returns: 1\n"
  "strips:\n"
  "  - {name: vox, input: mic, model: clean, gain_db: 0}\n"
  "mixes:\n"
  "  - name: monitors\n"
  "    sends:\n"
  "      - {return: 1, level_db: 0, pan: -1}\n";

// Through gainstage: into its return, out of its mix. A return reaches a mix
// at once in the engine (its latency budget has nothing on that path), so
// the loop is JACK's one period again, and the level is the send's 0 dB.
static void test_through_gainstage(void **state)
{
  (void)state;
  FILE *f = fopen(path("loop.yaml"), "w");
  assert_non_null(f);
  fputs(session_yaml, f);
  fclose(f);
  char *const argv[] = {gainstage, "run", "--backend", "jack", "--client-name", "gs-under-test",
                        "loop.yaml", NULL};
  int in = -1;
  const pid_t pid = spawn(dir, argv, "run.out", "run.err", &in);
  jack_client_t *c = jack_test_client(server, "check");
  assert_non_null(c);
  assert_non_null(wait_port(c, "gs-under-test:monitors_L", 10.0));
  jack_client_close(c);
  const double samples = measure("--send '^gs-under-test:return_1$' --return "
                                 "'^gs-under-test:monitors_L$'");
  print_message("through gainstage (return 1 -> monitors L): %.3f samples\n", samples);
  GS_ASSERT_NEAR(samples, 256.0, 0.01);
  assert_int_equal(WEXITSTATUS(type_and_wait(pid, in, "quit\n")), 0);
}

// --save stores the round trip in the session, which loads with it.
static void test_save(void **state)
{
  (void)state;
  FILE *f = fopen(path("s.yaml"), "w");
  assert_non_null(f);
  fputs(session_yaml, f);
  fclose(f);
  assert_int_equal(run("latency --loopback --save s.yaml"), 0);
  assert_non_null(strstr(slurp("stderr.txt"), "latency_samples: 256.000"));
  assert_non_null(strstr(slurp("s.yaml"), "latency_samples: 256"));
  // The saved session is a session: render reads it.
  assert_int_equal(run("render -q s.yaml -o r"), 0);
}

static void test_bad_input(void **state)
{
  (void)state;
  // Nothing connected back: nothing comes back.
  assert_int_equal(run("latency --send '^system:playback_1$' --return '^system:capture_1$'"), 1);
  assert_non_null(strstr(slurp("stderr.txt"), "nothing came back"));
  assert_int_equal(run("latency"), 2);
  assert_non_null(strstr(slurp("stderr.txt"), "--send PORT and --return PORT, or --loopback"));
  assert_int_equal(run("latency --send nosuchport --return '^system:capture_1$'"), 2);
  assert_non_null(strstr(slurp("stderr.txt"), "no input port matches 'nosuchport'"));
  assert_int_equal(run("latency --server gs-latency-none --loopback"), 2);
  assert_non_null(strstr(slurp("stderr.txt"), "JACK server 'gs-latency-none' is not running"));
  assert_int_equal(run("latency --loopback --level 3"), 2);
  assert_non_null(strstr(slurp("stderr.txt"), "--level '3' is out of range (-40 to -6 dBFS)"));
  assert_int_equal(run("latency --loopback --save"), 2);
  assert_non_null(strstr(slurp("stderr.txt"), "--save needs a SESSION"));
  assert_int_equal(run("latency --loopback --save missing.yaml"), 2);
  assert_non_null(strstr(slurp("stderr.txt"), "missing.yaml"));
}

int main(int argc, char **argv)
{
  if (!cli_setup(argc, argv, "test-latency")) {
    return 2;
  }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_loopback_is_one_period),
    cmocka_unit_test(test_through_gainstage),
    cmocka_unit_test(test_save),
    cmocka_unit_test(test_bad_input),
  };
  return cli_teardown(cmocka_run_group_tests(tests, start_server, stop_server));
}
