// SPDX-License-Identifier: ISC
// gainstage run on the null backend (a real-time clock, no hardware): the
// session's own sources through the strips, meters read with `status`,
// --duration, signals that start and stop a take, and +48 V asked for on a
// terminal, refused without one.

#include "check.h"
#include "cli_run.h"
#include "jack_server.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

// A +4 dBu 1 kHz sine into a line input, clean preamp at 0 dB, converter
// reference +18 dBu: its peak 14 dB below full scale.
static const char session_yaml[] =
  "session: {name: tone, rate_hz: 48000, bits: 24, block: 256, adc_ref_dbu: 18}\n"
  "strips:\n"
  "  - {name: synth, input: line, model: clean, gain_db: 0, armed: %s,\n"
  "     source: {generator: sine, level: 4, freq_hz: 1000}}\n"
  "mixes:\n"
  "  - name: monitors\n"
  "    armed: %s\n"
  "    sends: [{strip: synth, level_db: 0, pan: 0}]\n";

static void write_session(bool armed)
{
  FILE *f = fopen(path("tone.yaml"), "w");
  assert_non_null(f);
  fprintf(f, session_yaml, armed ? "true" : "false", armed ? "true" : "false");
  fclose(f);
}

static void test_meters(void **state)
{
  (void)state;
  write_session(false);
  char *argv[] = {gainstage, "run", "--backend", "null", "tone.yaml", NULL};
  int in = -1;
  const pid_t pid = spawn(dir, argv, "stdout.txt", "stderr.txt", &in);
  sleep_s(1.0);
  const int st = type_and_wait(pid, in, "status\nquit\n");
  print_message("%s", slurp("stderr.txt"));
  const char *out = slurp("stdout.txt");
  print_message("%s", out);
  assert_int_equal(WEXITSTATUS(st), 0);
  double peak = 0, hold = 0, rms = 0;
  const char *line = strstr(out, "strip 1 (synth): ");
  assert_non_null(line);
  assert_int_equal(sscanf(line, "strip 1 (synth): peak %lf dBFS, hold %lf dBFS, rms %lf dBFS",
                          &peak, &hold, &rms),
                   3);
  // The sine's peak is 18 dB - 4 dB below full scale; its RMS 3.01 dB below
  // that (the meter's 300 ms window reads within a few tenths of it).
  GS_ASSERT_NEAR(peak, 4.0 - 18.0, 0.05);
  GS_ASSERT_NEAR(hold, 4.0 - 18.0, 0.05);
  GS_ASSERT_NEAR(rms, 4.0 - 18.0 - 3.01, 0.3);
}

static void test_duration(void **state)
{
  (void)state;
  write_session(false);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  assert_int_equal(run("run --backend null --duration 0.7 tone.yaml </dev/null"), 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  const double took = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  print_message("--duration 0.7 took %.2f s\n", took);
  GS_ASSERT_ABOVE(took, 0.7);
  GS_ASSERT_BELOW(took, 2.0);
}

// SIGUSR1 starts a take, SIGUSR2 ends it: the strip's file and the armed
// mix's (stereo) hold the time between and the half second of pre-roll
// before it, the same frames each.
static void test_signals_record(void **state)
{
  (void)state;
  write_session(true);
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s/takes' && mkdir '%s/takes'", dir, dir);
  assert_int_equal(system(cmd), 0);
  char *argv[] = {gainstage, "run",   "--backend", "null",      "--out",
                  "takes",   "--preroll", "0.5",   "tone.yaml", NULL};
  const pid_t pid = spawn(dir, argv, "stdout.txt", "stderr.txt", NULL);
  sleep_s(1.0);
  kill(pid, SIGUSR1);
  sleep_s(1.5);
  kill(pid, SIGUSR2);
  sleep_s(0.3);
  const int st = stop_process(pid, SIGTERM);
  const char *err = slurp("stderr.txt");
  print_message("%s", err);
  assert_int_equal(WEXITSTATUS(st), 0);
  assert_non_null(strstr(err, "recording 2 tracks into takes"));
  assert_non_null(strstr(err, "take 1: 2 tracks"));
  SF_INFO info, mix_info;
  float *x = read_audio("takes/tone-001-01-synth.wav", &info);
  float *mix = read_audio("takes/tone-001-mix-monitors.wav", &mix_info);
  print_message("take: %.3f s (1.5 s recorded, 0.5 s of pre-roll)\n",
                (double)info.frames / 48000.0);
  GS_ASSERT_NEAR((double)info.frames / 48000.0, 2.0, 0.2);
  assert_int_equal(mix_info.channels, 2);
  assert_int_equal(mix_info.frames, info.frames);
  // Centred at 0 dB: each side carries the strip 3 dB down (constant power).
  double worst = 0.0;
  for (sf_count_t i = 0; i < info.frames; ++i) {
    worst = fmax(worst, fabs(mix[2 * i] - x[i] * M_SQRT1_2));
  }
  print_message("mix left against the strip - 3 dB: worst %.2g\n", worst);
  GS_ASSERT_BELOW(worst, 1e-4);
  free(mix);
  double sum = 0;
  for (sf_count_t i = 0; i < info.frames; ++i) {
    sum += (double)x[i] * x[i];
  }
  const double rms_db = 10 * log10(sum / (double)info.frames) + 3.01;  // dBFS, AES17
  print_message("take level %.2f dBFS\n", rms_db);
  GS_ASSERT_NEAR(rms_db, -14.0, 0.1);
  free(x);
  // The take's log holds every strip's settings.
  const char *log = slurp("takes/tone-001-take.json");
  assert_non_null(strstr(log, "\"name\": \"synth\""));
  assert_non_null(strstr(log, "\"model\": \"clean\""));
  assert_non_null(strstr(log, "\"adc_ref_dbu\": 18"));
}

// Two condensers, +48 V as given.
static void write_mics(const char *name, const char *phantom)
{
  FILE *f = fopen(path(name), "w");
  assert_non_null(f);
  fprintf(f,
          "session: {name: mics, rate_hz: 48000, bits: 24, block: 256, adc_ref_dbu: 18}\n"
          "strips:\n"
          "  - {name: overhead-l, input: mic, source: {mic: condenser-ld}, gain_db: 30, "
          "phantom: %s}\n"
          "  - {name: overhead-r, input: mic, source: {mic: condenser-ld}, gain_db: 30, "
          "phantom: %s}\n",
          phantom, phantom);
  fclose(f);
}

// Runs `gainstage run ARGS` on a terminal (script(1) gives it one), typing
// what the shell commands in typing print; all it prints goes to
// stdout.txt. Returns the exit status.
static int on_terminal(const char *typing, const char *args)
{
  char cmd[12288];
  snprintf(cmd, sizeof(cmd),
           "cd '%.256s' && (%.512s) | script -q -e -c \"'%.4096s' run %.1024s\" /dev/null "
           ">stdout.txt 2>&1",
           dir, typing, gainstage, args);
  const int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// +48 V asked for on a terminal: yes runs, no does not start.
static void test_phantom_on_a_terminal(void **state)
{
  (void)state;
  write_mics("mics.yaml", "true");
  int rc = on_terminal("sleep 0.3; echo y; sleep 0.5; echo quit", "--backend null mics.yaml");
  const char *out = slurp("stdout.txt");
  print_message("%s", out);
  assert_int_equal(rc, 0);
  assert_non_null(strstr(out, "+48 V on: strip 1 (overhead-l), strip 2 (overhead-r)"));
  assert_non_null(strstr(out, "Switch it on? [y/N]"));
  assert_non_null(strstr(out, "running:"));

  rc = on_terminal("sleep 0.3; echo n", "--backend null mics.yaml");
  out = slurp("stdout.txt");
  print_message("%s", out);
  assert_int_equal(rc, 2);
  assert_non_null(strstr(out, "not started: +48 V was not confirmed"));
  assert_null(strstr(out, "running:"));
}

// A snapshot that switches +48 V on, without a terminal: refused, unless
// gainstage runs with --yes.
static void test_phantom_load(void **state)
{
  (void)state;
  write_mics("off.yaml", "false");
  write_mics("on.yaml", "true");
  for (int yes = 0; yes < 2; ++yes) {
    char *argv[] = {gainstage, "run", "--backend", "null", yes ? "--yes" : "off.yaml",
                    yes ? "off.yaml" : NULL, NULL};
    int in = -1;
    const pid_t pid = spawn(dir, argv, "stdout.txt", "stderr.txt", &in);
    const int st = type_and_wait(pid, in, "load on.yaml\nstatus\nquit\n");
    const char *err = slurp("stderr.txt");
    print_message("%s", err);
    assert_int_equal(WEXITSTATUS(st), 0);
    if (yes) {
      assert_non_null(strstr(err, "load on.yaml: 2 changes applied"));
      assert_non_null(strstr(slurp("stdout.txt"), "strip 2 (overhead-r): peak"));
    } else {
      assert_non_null(strstr(err, "load on.yaml: refused: it switches +48 V on: strip 1 "
                                  "(overhead-l), strip 2 (overhead-r); run with --yes"));
    }
  }
}

int main(int argc, char **argv)
{
  signal(SIGPIPE, SIG_IGN);  // a command that ends early must fail a test, not kill it
  if (!cli_setup(argc, argv, "test-run-null")) {
    return 1;
  }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_meters),
    cmocka_unit_test(test_duration),
    cmocka_unit_test(test_signals_record),
    cmocka_unit_test(test_phantom_on_a_terminal),
    cmocka_unit_test(test_phantom_load),
  };
  return cli_teardown(cmocka_run_group_tests(tests, NULL, NULL));
}
