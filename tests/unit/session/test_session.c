// SPDX-License-Identifier: ISC
// Session files: the bundled demo loads; every kind of mistake gets one line
// naming the file, the line, the strip or mix and the key.

#include "check.h"

#include "gainstage/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef GS_EXAMPLES_DIR
#  define GS_EXAMPLES_DIR "examples"
#endif

static void test_demo_session_loads(void **state)
{
  (void)state;
  GsSession s;
  GsError err;
  if (gs_session_load(GS_EXAMPLES_DIR "/demo-band.yaml", &s, &err)) {
    print_error("%s\n", err.message);
    fail();
  }
  assert_int_equal(s.engine.n_strips, 8);
  assert_int_equal(s.engine.n_mixes, 2);
  GS_ASSERT_NEAR(s.rate_hz, 48000.0, 0.0);
  assert_int_equal(s.bits, 24);
  const int vocal = gs_session_strip_index(&s, "vocal");
  assert_int_equal(vocal, 6);
  assert_true(s.engine.strips[vocal].phantom);
  assert_string_equal(s.engine.strips[vocal].preamp.model, "tube");
  assert_int_equal(s.inputs[vocal].play, GS_PLAY_BAND);
  assert_string_equal(s.inputs[vocal].band_part, "vocal");
  assert_int_equal(s.inputs[vocal].source.kind, GS_SOURCE_MIC);
  assert_true(s.engine.strips[2].link_next);
  assert_int_equal(s.n_sends, 15);
  assert_int_equal(gs_session_strip_index(&s, "nobody"), -1);
  gs_session_free(&s);
}

static const char head[] = "session: {rate_hz: 48000}\n"
                           "strips:\n"
                           "  - name: vox\n"
                           "    input: mic\n";

// head, then the rest; the message must contain want.
static void expect(const char *rest, const char *want)
{
  char text[4096];
  snprintf(text, sizeof(text), "%s%s", head, rest);
  GsSession s;
  GsError err = {{0}};
  const GsStatus st = gs_session_parse("s.yaml", text, strlen(text), &s, &err);
  if (st == GS_OK) {
    gs_session_free(&s);
    print_error("loaded; expected [%s]\n", want);
    fail();
  }
  if (!strstr(err.message, want)) {
    print_error("[%s] does not contain [%s]\n", err.message, want);
    fail();
  }
}

static void test_mistakes(void **state)
{
  (void)state;
  expect("    gian_db: 3\n", "s.yaml:5: strip 1 (vox): unknown key 'gian_db' (valid: name, input,");
  expect("    gain_db: 200\n", "s.yaml:5: strip 1 (vox): gain_db 200 is out of range (0 to 66 dB)");
  expect("    model: tubby\n", "s.yaml:5: strip 1 (vox): model 'tubby' is not known (valid: "
                               "clean, console, transformer, tube, bass, guitar)");
  expect("    model: tube\n    treble_db: 3\n", "s.yaml:6: strip 1 (vox): model 'tube' has no "
                                                "tone controls");
  expect("    source: {pickup: guitar-single}\n", "a pickup needs an instrument input");
  expect("    source: {mic: sm58}\n", "mic 'sm58' is not known (valid: dynamic-57,");
  expect("    source: {file: vox.wav}\n", "s.yaml:5: strip 1 (vox): 'fullscale' is missing");
  expect("    source: {generator: sine, level: 200}\n",
         "level 200 is out of range (60 to 160 dB SPL)");
  expect("    source: {generator: sine, band: vocal}\n", "give one of file, band or generator");
  expect("    link: true\n", "linked to the next strip, but it is the last one");
  expect("  - name: vox\n    input: mic\n", "s.yaml:5: strip 2 (vox): the name 'vox' is taken");
  expect("  - name: gtr\n    input: line\n    phantom: true\n",
         "s.yaml:7: strip 2 (gtr): +48 V phantom power is for mic inputs (this is a line input)");
  expect("  - name: di\n    input: instrument\n    gain_db: 40\n",
         "strip 2 (di): gain_db 40 is out of range (0 to 35 dB)");
  expect("mixes:\n  - name: phones\n    sends:\n      - {strip: voc}\n",
         "s.yaml:8: mix 1 (phones): a send from strip 'voc', which the session does not have");
  expect("mixes:\n  - name: phones\n    sends:\n      - {return: 1}\n",
         "a send from a return, but the session has none");
  expect("mixes:\n  - name: phones\n    volume_db: 20\n", "volume_db 20 is out of range");
  expect("mixes:\n  - {name: phones, sends: {vox: 0}}\n", "sends must be a list");
  expect("mixes:\n  - {name: phones, amp_volume_db: -6}\n",
         "amp_volume_db sets the headphone amp: say which headphones too");
  expect("mixes:\n  - {name: phones, headphones: earbuds}\n",
         "headphones 'earbuds' is not known (valid: closed-32,");
  expect("    auto_gain: maybe\n", "auto_gain 'maybe' is not true or false");
  {
    char text[512];
    snprintf(text, sizeof(text), "session: {phantom_group: 2}\nstrips:\n"
             "  - {name: a, input: mic, phantom: true}\n  - {name: b, input: mic}\n");
    GsSession s;
    GsError err;
    assert_int_not_equal(gs_session_parse("p.yaml", text, strlen(text), &s, &err), GS_OK);
    if (!strstr(err.message, "p.yaml:4: strip 2 (b): +48 V is switched for inputs 1 to 2 "
                             "together (phantom_group: 2)")) {
      print_error("[%s]\n", err.message);
      fail();
    }
  }
  expect("mixes:\n  - {name: phones}\n  - {name: phones}\n",
         "mix 2: the name 'phones' is taken by mix 1");
  expect("    source: {mic: dynamic-57, cable_pf: 300}\n",
         "cable_pf is the capacitance a pickup sees: instrument inputs only");
  expect("extra: 1\n", "s.yaml:5: unknown key 'extra' (valid: session, strips, returns, mixes)");
  GsSession s;
  GsError err;
  assert_int_not_equal(gs_session_parse("e.yaml", "", 0, &s, &err), GS_OK);
  assert_non_null(strstr(err.message, "e.yaml:1: the session is empty"));
  const char *no_strips = "session: {name: x}\n";
  assert_int_not_equal(gs_session_parse("n.yaml", no_strips, strlen(no_strips), &s, &err), GS_OK);
  assert_non_null(strstr(err.message, "'strips' must list at least one input"));
  assert_int_not_equal(gs_session_load("/no/such.yaml", &s, &err), GS_OK);
  assert_non_null(strstr(err.message, "/no/such.yaml: cannot open"));
}

static void test_file_paths_are_relative_to_the_session(void **state)
{
  (void)state;
  const char *text = "session: {}\nstrips:\n  - name: a\n    input: line\n"
                     "    source: {file: takes/a.wav, fullscale: 18}\n"
                     "  - name: b\n    input: line\n    source: {file: /abs/b.wav, fullscale: 18}\n";
  GsSession s;
  GsError err;
  assert_int_equal(gs_session_parse("/home/me/band/s.yaml", text, strlen(text), &s, &err), GS_OK);
  assert_string_equal(s.inputs[0].file, "/home/me/band/takes/a.wav");
  assert_string_equal(s.inputs[1].file, "/abs/b.wav");
  GS_ASSERT_NEAR(s.inputs[0].source.fullscale_level, 18.0, 0.0);
  gs_session_free(&s);
}

// A snapshot: written, then read back, it gives the same session.
static void test_write_and_read_back(void **state)
{
  (void)state;
  GsSession a, b;
  GsError err;
  if (gs_session_load(GS_EXAMPLES_DIR "/demo-band.yaml", &a, &err)) {
    print_error("%s\n", err.message);
    fail();
  }
  // Change a few things a running session would have changed.
  GsStripConfig *strips = (GsStripConfig *)(uintptr_t)a.engine.strips;
  strips[0].preamp.gain_db = 27.5;
  strips[1].clip_safe = true;
  strips[2].safety_db = -15.0;
  GS_ASSERT_NEAR(a.latency_samples, -1.0, 0.0);  // not measured
  a.latency_samples = 1056.25;
  a.outputs[0].armed = true;
  char path[] = "/tmp/gs-snapshot-XXXXXX";
  const int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  if (gs_session_write(&a, path, &err)) {
    print_error("%s\n", err.message);
    fail();
  }
  if (gs_session_load(path, &b, &err)) {
    print_error("reading the snapshot back: %s\n", err.message);
    fail();
  }
  assert_int_equal(b.engine.n_strips, a.engine.n_strips);
  assert_int_equal(b.engine.n_mixes, a.engine.n_mixes);
  assert_int_equal(b.n_sends, a.n_sends);
  GS_ASSERT_NEAR(b.rate_hz, a.rate_hz, 0.0);
  GS_ASSERT_NEAR(b.latency_samples, 1056.25, 0.0);
  assert_true(b.outputs[0].armed);
  assert_false(b.outputs[1].armed);
  assert_int_equal(b.bits, a.bits);
  for (unsigned i = 0; i < a.engine.n_strips; ++i) {
    const GsStripConfig *x = &a.engine.strips[i], *y = &b.engine.strips[i];
    assert_string_equal(x->name, y->name);
    assert_string_equal(x->preamp.model, y->preamp.model);
    assert_int_equal(x->type, y->type);
    GS_ASSERT_NEAR(y->preamp.gain_db, x->preamp.gain_db, 0.0);
    GS_ASSERT_NEAR(y->preamp.hpf_hz, x->preamp.hpf_hz, 0.0);
    GS_ASSERT_NEAR(y->preamp.bass_db, x->preamp.bass_db, 0.0);
    GS_ASSERT_NEAR(y->safety_db, x->safety_db, 0.0);
    assert_int_equal(y->phantom, x->phantom);
    assert_int_equal(y->link_next, x->link_next);
    assert_int_equal(y->clip_safe, x->clip_safe);
    assert_int_equal(b.inputs[i].armed, a.inputs[i].armed);
    assert_int_equal(b.inputs[i].play, a.inputs[i].play);
    assert_string_equal(b.inputs[i].band_part, a.inputs[i].band_part);
    assert_string_equal(b.inputs[i].source.mic ? b.inputs[i].source.mic : "",
                        a.inputs[i].source.mic ? a.inputs[i].source.mic : "");
  }
  for (size_t i = 0; i < a.n_sends; ++i) {
    assert_int_equal(b.sends[i].mix, a.sends[i].mix);
    assert_int_equal(b.sends[i].source, a.sends[i].source);
    GS_ASSERT_NEAR(b.sends[i].send.level_db, a.sends[i].send.level_db, 0.0);
    GS_ASSERT_NEAR(b.sends[i].send.pan, a.sends[i].send.pan, 0.0);
  }
  assert_string_equal(b.outputs[1].headphones, "closed-32");
  GS_ASSERT_NEAR(b.outputs[1].amp_volume_db, a.outputs[1].amp_volume_db, 0.0);
  assert_int_equal(gs_session_write(&a, "/no/such/dir/x.yaml", &err), GS_ERR_IO);
  assert_non_null(strstr(err.message, "/no/such/dir/x.yaml: cannot write"));
  gs_session_free(&a);
  gs_session_free(&b);
  unlink(path);
}

// Sessions with default sources and a phantom group that holds an
// instrument input load, and come back the same after a write.
static void test_defaults_round_trip(void **state)
{
  (void)state;
  const char *text = "session: {phantom_group: 2}\nstrips:\n"
                     "  - {name: vox, input: mic, phantom: true, source: {mic: condenser-ld, "
                     "self_noise: false}}\n"
                     "  - {name: di, input: instrument}\n"
                     "  - {name: spare, input: line, source: {fullscale: 23.5}}\n";
  GsSession a, b;
  GsError err;
  if (gs_session_parse("/tmp/d.yaml", text, strlen(text), &a, &err)) {
    print_error("%s\n", err.message);
    fail();
  }
  char path[] = "/tmp/gs-defaults-XXXXXX";
  const int fd = mkstemp(path);
  close(fd);
  assert_int_equal(gs_session_write(&a, path, &err), GS_OK);
  if (gs_session_load(path, &b, &err)) {
    print_error("reading it back: %s\n", err.message);
    fail();
  }
  assert_false(b.inputs[0].source.self_noise);
  GS_ASSERT_NEAR(b.latency_samples, -1.0, 0.0);  // not written when not measured
  assert_int_equal(b.engine.phantom_group, 2);
  assert_true(b.engine.strips[0].phantom);
  assert_int_equal(b.inputs[2].source.gen.kind, GS_GEN_SILENCE);
  // A port's calibration, without a file, is read and written too.
  GS_ASSERT_NEAR(a.inputs[2].source.fullscale_level, 23.5, 0.0);
  GS_ASSERT_NEAR(b.inputs[2].source.fullscale_level, 23.5, 0.0);
  gs_session_free(&a);
  gs_session_free(&b);
  unlink(path);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_demo_session_loads),
    cmocka_unit_test(test_mistakes),
    cmocka_unit_test(test_file_paths_are_relative_to_the_session),
    cmocka_unit_test(test_write_and_read_back),
    cmocka_unit_test(test_defaults_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
