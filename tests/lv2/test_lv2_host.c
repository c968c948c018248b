// SPDX-License-Identifier: ISC
// The LV2 plugins in a small lilv host in this process: latency, the library's path, state, bad input.
//
// usage: test_lv2_host BUNDLE_PARENT (the folder LV2_PATH points at)
// Runs in every build. In the RealtimeSanitizer build the plugin is built
// with -fsanitize=realtime too, so each run() here (a GS_REALTIME function)
// aborts the test on any allocation, lock or system call inside it.

#include "check.h"

#include "gainstage/preamp.h"
#include "dsp/gain.h"
#include "gainstage/units.h"

#include <lilv/lilv.h>
#include <lv2/atom/atom.h>
#include <lv2/state/state.h>
#include <lv2/urid/urid.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000.0
#define MAX_PORTS 32
#define N_MODELS 6

static LilvWorld *world;

// urid:map and urid:unmap: an array of URIs (this test runs on one thread).
static char *uri_table[256];
static uint32_t n_uris;

static LV2_URID map_uri(LV2_URID_Map_Handle h, const char *uri)
{
  (void)h;
  for (uint32_t i = 0; i < n_uris; ++i) {
    if (!strcmp(uri_table[i], uri)) {
      return i + 1;
    }
  }
  assert_true(n_uris < 256);
  uri_table[n_uris] = strdup(uri);
  return ++n_uris;
}

static const char *unmap_uri(LV2_URID_Unmap_Handle h, LV2_URID urid)
{
  (void)h;
  return urid >= 1 && urid <= n_uris ? uri_table[urid - 1] : NULL;
}

static LV2_URID_Map map = {NULL, map_uri};
static LV2_URID_Unmap unmap = {NULL, unmap_uri};
static LV2_Feature map_feature = {LV2_URID__map, &map};
static LV2_Feature unmap_feature = {LV2_URID__unmap, &unmap};
static const LV2_Feature *features[] = {&map_feature, &unmap_feature, NULL};

// One running plugin, its control ports on an array.
typedef struct {
  const LilvPlugin *plugin;
  LilvInstance *inst;
  unsigned channels;
  uint32_t n_ports;
  float control[MAX_PORTS];
  bool is_control[MAX_PORTS];
  uint32_t audio_in[2], audio_out[2];
} Host;

static const LilvPlugin *find_plugin(const char *model, bool stereo)
{
  char uri[128];
  snprintf(uri, sizeof(uri), "https://gainstage.org/lv2/%s%s", model, stereo ? "-stereo" : "");
  LilvNode *node = lilv_new_uri(world, uri);
  const LilvPlugin *p = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world), node);
  lilv_node_free(node);
  if (!p) {
    fail_msg("%s: not found", uri);
  }
  return p;
}

static uint32_t port_index(const Host *h, const char *symbol)
{
  LilvNode *sym = lilv_new_string(world, symbol);
  const LilvPort *port = lilv_plugin_get_port_by_symbol(h->plugin, sym);
  lilv_node_free(sym);
  if (!port) {
    fail_msg("no port '%s'", symbol);
  }
  return lilv_port_get_index(h->plugin, port);
}

static void set(Host *h, const char *symbol, float value)
{
  h->control[port_index(h, symbol)] = value;
}

static float get(Host *h, const char *symbol)
{
  return h->control[port_index(h, symbol)];
}

// Instantiates at rate_hz with every control at its default; false if the
// plugin refuses the rate.
static bool host_open(Host *h, const char *model, bool stereo, double rate_hz)
{
  memset(h, 0, sizeof(*h));
  h->plugin = find_plugin(model, stereo);
  h->channels = stereo ? 2 : 1;
  h->n_ports = lilv_plugin_get_num_ports(h->plugin);
  assert_true(h->n_ports <= MAX_PORTS);
  float def[MAX_PORTS];
  lilv_plugin_get_port_ranges_float(h->plugin, NULL, NULL, def);
  h->inst = lilv_plugin_instantiate(h->plugin, rate_hz, features);
  if (!h->inst) {
    return false;
  }
  LilvNode *control = lilv_new_uri(world, LV2_CORE__ControlPort);
  for (uint32_t i = 0; i < h->n_ports; ++i) {
    const LilvPort *port = lilv_plugin_get_port_by_index(h->plugin, i);
    h->is_control[i] = lilv_port_is_a(h->plugin, port, control);
    if (h->is_control[i]) {
      h->control[i] = def[i];
      lilv_instance_connect_port(h->inst, i, &h->control[i]);
    }
  }
  lilv_node_free(control);
  const char *in[2] = {stereo ? "in_l" : "in", "in_r"};
  const char *out[2] = {stereo ? "out_l" : "out", "out_r"};
  for (unsigned c = 0; c < h->channels; ++c) {
    h->audio_in[c] = port_index(h, in[c]);
    h->audio_out[c] = port_index(h, out[c]);
  }
  lilv_instance_activate(h->inst);
  return true;
}

static void host_close(Host *h)
{
  if (h->inst) {
    lilv_instance_deactivate(h->inst);
    lilv_instance_free(h->inst);
  }
}

// Runs n frames of every channel in host blocks of the given sizes (cycled).
static void host_run(Host *h, float *const *in, float *const *out, uint32_t n,
                     const uint32_t *blocks, size_t n_blocks)
{
  size_t b = 0;
  for (uint32_t done = 0; done < n;) {
    uint32_t m = blocks[b++ % n_blocks];
    m = m < n - done ? m : n - done;
    for (unsigned c = 0; c < h->channels; ++c) {
      lilv_instance_connect_port(h->inst, h->audio_in[c], in[c] + done);
      lilv_instance_connect_port(h->inst, h->audio_out[c], out[c] + done);
    }
    lilv_instance_run(h->inst, m);
    done += m;
  }
}

// The number of samples that differ between a and b.
static size_t count_differing(const float *a, const float *b, uint32_t n)
{
  size_t k = 0;
  for (uint32_t i = 0; i < n; ++i) {
    k += a[i] != b[i];
  }
  return k;
}

// The oversampling automation steps through: auto, 1, 2, 4, 8, every 16 blocks.
static unsigned oversample_at(unsigned block)
{
  static const unsigned v[] = {0, 1, 2, 4, 8};
  return v[block / 16 % 5];
}

static const char *const models[N_MODELS] = {"clean", "console", "transformer", "tube", "bass",
                                             "guitar"};

// A test signal: two tones and a decaying burst, peaking near -6 dBFS, a
// different one per channel.
static void make_signal(float *x, uint32_t n, unsigned channel)
{
  uint32_t s = 12345u + channel;
  for (uint32_t i = 0; i < n; ++i) {
    s = s * 1664525u + 1013904223u;
    const double t = i / RATE;
    const double burst = exp(-fmod(t, 0.25) * 20.0) * ((double)(s >> 8) / 16777216.0 - 0.5);
    x[i] = (float)(0.2 * sin(2 * M_PI * (110.0 + 50 * channel) * t) +
                   0.1 * sin(2 * M_PI * 2500.0 * t) + 0.3 * burst);
  }
}

// The converter's delay at RATE, in samples.
static double converter_latency(void)
{
  GsStripConverter *conv = NULL;
  GsError err;
  assert_int_equal(gs_strip_converter_new(RATE, 1, &conv, &err), GS_OK);
  const double d = gs_strip_converter_latency(conv);
  gs_strip_converter_free(conv);
  return d;
}

// The latency port reports gs_preamp_bank_latency() of a bank with the same
// model and factor plus the converter's delay, rounded to whole frames (what
// `gainstage process` trims), for every plugin and every oversampling
// setting, and changes with the oversample port while the plugin runs.
static void test_latency_port(void **state)
{
  (void)state;
  enum { N = 64 };
  static float in[2][N], out[2][N];
  float *pin[2] = {in[0], in[1]}, *pout[2] = {out[0], out[1]};
  const uint32_t block = N;
  const double d = converter_latency();
  for (int mi = 0; mi < N_MODELS; ++mi) {
    for (int stereo = 0; stereo < 2; ++stereo) {
      Host h;
      assert_true(host_open(&h, models[mi], stereo, RATE));
      const float settings[] = {0, 1, 2, 4, 8, 0};
      for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); ++i) {
        set(&h, "oversample", settings[i]);
        host_run(&h, pin, pout, N, &block, 1);
        GsPreampConfig c = gs_preamp_config_default();
        c.model = models[mi];
        c.rate_hz = RATE;
        c.oversample = (unsigned)settings[i];
        GsPreampBank *b = NULL;
        GsError err;
        assert_int_equal(gs_preamp_bank_new(&c, stereo ? 2u : 1u, &b, &err), GS_OK);
        const float want = (float)lround(gs_preamp_bank_latency(b) + d);
        if (!stereo && (mi == 3 || mi == 5)) {
          printf("%s oversample %g: latency port %.4f samples (bank %.4f)\n", models[mi],
                 settings[i], get(&h, "latency"), want);
        }
        assert_true(get(&h, "latency") == want);
        gs_preamp_bank_free(b);
      }
      set(&h, "oversample", 1);
      host_run(&h, pin, pout, N, &block, 1);
      assert_true(get(&h, "latency") == (float)d);  // the converter alone
      set(&h, "oversample", 8);
      host_run(&h, pin, pout, N, &block, 1);
      GS_ASSERT_NEAR(get(&h, "latency"), d + 8.0, 0.0);  // 7.61 (mic) or 8.04 (instrument)
      host_close(&h);
    }
  }
}

// Error of y against the reference x in dB relative to x's power.
static double error_db(float *const *x, float *const *y, unsigned channels, uint32_t n)
{
  double e = 0, s = 0;
  for (unsigned c = 0; c < channels; ++c) {
    for (uint32_t i = 0; i < n; ++i) {
      const double d = (double)y[c][i] - x[c][i];
      e += d * d;
      s += (double)x[c][i] * x[c][i];
    }
  }
  return e == 0 ? -INFINITY : 10.0 * log10(e / s);
}

// The plugin, with settings on its ports and host blocks of odd sizes,
// equals gs_preamp_bank_process_samples() (the path of gainstage process)
// on a bank created with those settings, sample for sample (the issue asks
// for better than -120 dB): every part of the path gives the same bits
// however the host splits the stream into blocks. The output trim is a gain
// after it.
static void test_equals_library_path(void **state)
{
  (void)state;
  enum { N = 24000 };
  static const uint32_t blocks[] = {1, 64, 1000, 17, 4096, 256, 511};
  float *in[2], *out[2], *ref[2];
  for (unsigned c = 0; c < 2; ++c) {
    in[c] = malloc(sizeof(float) * N);
    out[c] = malloc(sizeof(float) * N);
    ref[c] = malloc(sizeof(float) * N);
    make_signal(in[c], N, c);
  }
  double worst = -INFINITY;
  for (int mi = 0; mi < N_MODELS; ++mi) {
    const GsPreampInfo *m = gs_preamp_model_find(models[mi]);
    for (int stereo = 0; stereo < 2; ++stereo) {
      for (int trim = 0; trim < 2; ++trim) {
        GsPreampConfig c = gs_preamp_config_default();
        c.model = models[mi];
        c.rate_hz = RATE;
        c.gain_db = m->gain_min_db + 0.5 * (m->gain_max_db - m->gain_min_db);
        c.pad = true;
        c.hpf_hz = 120.0;
        c.invert = stereo;
        c.oversample = trim ? 2 : 0;
        c.noise = true;
        if (m->has_tone) {
          c.bass_db = 6.0;
          c.mid_db = -3.0;
          c.treble_db = 4.5;
        }
        Host h;
        assert_true(host_open(&h, models[mi], stereo, RATE));
        set(&h, "gain", (float)c.gain_db);
        set(&h, "pad", 1);
        set(&h, "hpf", 1);
        set(&h, "hpf_freq", 120);
        set(&h, "polarity", (float)stereo);
        set(&h, "oversample", (float)c.oversample);
        set(&h, "noise", 1);
        set(&h, "input_ref", 12);
        set(&h, "output", trim ? -6.0f : 0.0f);
        if (m->has_tone) {
          set(&h, "bass", 6);
          set(&h, "mid", -3);
          set(&h, "treble", 4.5f);
        }
        host_run(&h, in, out, N, blocks, sizeof(blocks) / sizeof(blocks[0]));
        host_close(&h);
        GsPreampBank *b = NULL;
        GsError err;
        assert_int_equal(gs_preamp_bank_new(&c, stereo ? 2u : 1u, &b, &err), GS_OK);
        GsStripConverter *conv = NULL;
        assert_int_equal(gs_strip_converter_new(RATE, stereo ? 2u : 1u, &conv, &err), GS_OK);
        gs_preamp_bank_process_samples(b, conv, 12.0, 12.0, (const float *const *)in, ref, N,
                                       NULL);
        gs_preamp_bank_free(b);
        gs_strip_converter_free(conv);
        const float g = trim ? (float)gs_db_to_gain(-6.0) : 1.0f;
        for (unsigned ch = 0; ch < h.channels; ++ch) {
          for (uint32_t i = 0; i < N; ++i) {
            ref[ch][i] *= g;
          }
        }
        const double e = error_db(ref, out, h.channels, N);
        printf("%-11s %s%s: plugin vs library %.1f dB\n", models[mi], stereo ? "stereo" : "mono  ",
               trim ? " (2x, output -6 dB)" : "", e);
        GS_ASSERT_BELOW(e, -120.0);
        assert_true(e == -INFINITY);  // bit for bit
        worst = e > worst ? e : worst;
      }
    }
  }
  printf("worst: %.1f dB\n", worst);
  for (unsigned c = 0; c < 2; ++c) {
    free(in[c]);
    free(out[c]);
    free(ref[c]);
  }
}

static LV2_URID urid_float(void)
{
  return map_uri(NULL, LV2_ATOM__Float);
}

static const void *get_port(const char *symbol, void *user, uint32_t *size, uint32_t *type)
{
  Host *h = user;
  *size = sizeof(float);
  *type = urid_float();
  return &h->control[port_index(h, symbol)];
}

static void set_port(const char *symbol, void *user, const void *value, uint32_t size,
                     uint32_t type)
{
  Host *h = user;
  assert_int_equal(size, sizeof(float));
  assert_int_equal(type, urid_float());
  memcpy(&h->control[port_index(h, symbol)], value, sizeof(float));
}

// Runs a guitar (stereo) with noise on and settings on its ports; returns
// its output for the input.
static void run_noisy(Host *h, float *const *in, float *const *out, uint32_t n)
{
  static const uint32_t block = 512;
  lilv_instance_deactivate(h->inst);
  lilv_instance_activate(h->inst);  // the noise starts over at the seed
  host_run(h, in, out, n, &block, 1);
}

// A state saved from one instance and restored (through its Turtle text)
// into a new one gives bit-identical output, noise included; the seed it
// carries matters (the default seed gives other noise), and a state of a
// newer format is refused.
static void test_state_round_trip(void **state)
{
  (void)state;
  enum { N = 9600 };
  float *in[2], *a[2], *b[2];
  for (unsigned c = 0; c < 2; ++c) {
    in[c] = calloc(N, sizeof(float));  // silence: the output is the noise
    a[c] = malloc(sizeof(float) * N);
    b[c] = malloc(sizeof(float) * N);
  }
  Host h1, h2;
  assert_true(host_open(&h1, "guitar", true, RATE));
  set(&h1, "gain", 40);
  set(&h1, "noise", 1);
  set(&h1, "bass", -4);
  set(&h1, "treble", 7);
  set(&h1, "hpf", 1);
  set(&h1, "hpf_freq", 200);
  // A seed other than the default, as a host restores it.
  const char *seeded =
    "@prefix gs: <https://gainstage.org/lv2#> .\n"
    "@prefix lv2: <http://lv2plug.in/ns/lv2core#> .\n"
    "@prefix state: <http://lv2plug.in/ns/ext/state#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "<urn:gainstage:seeded> a <http://lv2plug.in/ns/ext/presets#Preset> ;\n"
    "  lv2:appliesTo <https://gainstage.org/lv2/guitar-stereo> ;\n"
    "  state:state [ gs:stateVersion 1 ; gs:seed \"987654321\"^^xsd:long ] .\n";
  LilvState *st0 = lilv_state_new_from_string(world, &map, seeded);
  assert_non_null(st0);
  lilv_state_restore(st0, h1.inst, NULL, NULL, 0, features);
  lilv_state_free(st0);
  run_noisy(&h1, in, a, N);

  LilvState *saved = lilv_state_new_from_instance(h1.plugin, h1.inst, &map, NULL, NULL, NULL,
                                                  NULL, get_port, &h1, 0, features);
  assert_non_null(saved);
  char *text = lilv_state_to_string(world, &map, &unmap, saved, "urn:gainstage:test", NULL);
  printf("%s", text);
  assert_non_null(strstr(text, "987654321"));
  LilvState *loaded = lilv_state_new_from_string(world, &map, text);
  assert_non_null(loaded);

  assert_true(host_open(&h2, "guitar", true, RATE));
  lilv_state_restore(loaded, h2.inst, set_port, &h2, 0, features);
  assert_true(get(&h2, "gain") == 40.0f && get(&h2, "treble") == 7.0f);
  run_noisy(&h2, in, b, N);
  size_t differ = 0;
  double rms = 0;
  for (unsigned c = 0; c < 2; ++c) {
    for (uint32_t i = 0; i < N; ++i) {
      differ += memcmp(&a[c][i], &b[c][i], sizeof(float)) ? 1u : 0u;
      rms += (double)a[c][i] * a[c][i];
    }
  }
  rms = 10 * log10(rms / (2 * N));
  printf("restored instance: %zu of %d samples differ; the noise is %.1f dBFS RMS\n", differ,
         2 * N, rms);
  assert_int_equal(differ, 0);
  GS_ASSERT_ABOVE(rms, -110.0);  // there is noise to compare

  // The default seed: other noise.
  Host h3;
  assert_true(host_open(&h3, "guitar", true, RATE));
  lilv_state_restore(loaded, h3.inst, set_port, &h3, 0, features);
  const char *plain = "@prefix gs: <https://gainstage.org/lv2#> .\n"
                      "@prefix lv2: <http://lv2plug.in/ns/lv2core#> .\n"
                      "@prefix state: <http://lv2plug.in/ns/ext/state#> .\n"
                      "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                      "<urn:gainstage:plain> a <http://lv2plug.in/ns/ext/presets#Preset> ;\n"
                      "  lv2:appliesTo <https://gainstage.org/lv2/guitar-stereo> ;\n"
                      "  state:state [ gs:seed \"1\"^^xsd:long ] .\n";
  LilvState *st1 = lilv_state_new_from_string(world, &map, plain);
  lilv_state_restore(st1, h3.inst, NULL, NULL, 0, features);
  run_noisy(&h3, in, b, N);
  differ = 0;
  for (uint32_t i = 0; i < N; ++i) {
    differ += a[0][i] != b[0][i] ? 1u : 0u;
  }
  printf("seed 1 instead: %zu of %d samples differ\n", differ, N);
  assert_true(differ > N / 2);

  lilv_state_free(st1);
  lilv_state_free(saved);
  lilv_state_free(loaded);
  lilv_free(text);
  host_close(&h1);
  host_close(&h2);
  host_close(&h3);
  for (unsigned c = 0; c < 2; ++c) {
    free(in[c]);
    free(a[c]);
    free(b[c]);
  }
}

// A state whose version is the int32 the handle points to, stored one byte
// off alignment (a host's buffer need not be aligned).
static const void *retrieve_version(LV2_State_Handle handle, uint32_t key, size_t *size,
                                    uint32_t *type, uint32_t *flags)
{
  static char buf[1 + sizeof(int32_t)];
  if (key != map_uri(NULL, "https://gainstage.org/lv2#stateVersion")) {
    return NULL;
  }
  memcpy(buf + 1, handle, sizeof(int32_t));
  *size = sizeof(int32_t);
  *type = map_uri(NULL, LV2_ATOM__Int);
  *flags = 0;
  return buf + 1;
}

// What a careless host can give: a rate the model refuses (no instance), NaN
// and infinite samples (that block's bad samples become silence and the
// strip goes on), control values far out of range or NaN (clamped; NaN is
// the default), a state of a newer format (refused).
static void test_bad_input(void **state)
{
  (void)state;
  Host h;
  assert_false(host_open(&h, "tube", false, 4000.0));
  assert_false(host_open(&h, "tube", true, 1e6));
  enum { N = 4096 };
  static float in[2][N], out[2][N];
  float *pin[2] = {in[0], in[1]}, *pout[2] = {out[0], out[1]};
  const uint32_t block = 512;
  for (int stereo = 0; stereo < 2; ++stereo) {
    assert_true(host_open(&h, "bass", stereo, RATE));
    make_signal(in[0], N, 0);
    make_signal(in[1], N, 1);
    in[0][100] = NAN;
    in[0][700] = INFINITY;
    set(&h, "gain", 1e9f);
    set(&h, "hpf", 1);
    set(&h, "hpf_freq", -5);
    set(&h, "bass", NAN);
    set(&h, "treble", -1e30f);
    set(&h, "oversample", 5.2f);  // an integer port: 5, nearest 4x
    set(&h, "input_ref", 1000);
    set(&h, "output", INFINITY);
    host_run(&h, pin, pout, N, &block, 1);
    size_t bad = 0;
    double peak = 0;
    for (unsigned c = 0; c < h.channels; ++c) {
      for (uint32_t i = 0; i < N; ++i) {
        bad += isfinite(out[c][i]) ? 0u : 1u;
        peak = fmax(peak, fabs(out[c][i]));
      }
    }
    // Clamped: 40 dB of gain, the +12 dB output trim after a converter
    // clipping at 0 dBFS: nothing above +12 dBFS but the band-limited clip's
    // overshoot (under 10 %, docs/converters.md).
    printf("%s: %zu non-finite samples, peak %.2f dBFS, latency %.2f\n",
           stereo ? "stereo" : "mono", bad, 20 * log10(peak), get(&h, "latency"));
    assert_int_equal(bad, 0);
    GS_ASSERT_BELOW(peak, gs_db_to_gain(12.0) * 1.1);
    GS_ASSERT_NEAR(get(&h, "latency"), lround(5.67 + converter_latency()), 0.0);  // bass at 4x
    // The channel that had bad samples recovers: the last block carries signal.
    double tail = 0;
    for (uint32_t i = N - 512; i < N; ++i) {
      tail = fmax(tail, fabs(out[0][i]));
    }
    GS_ASSERT_ABOVE(tail, 0.1);
    in[0][100] = in[0][700] = 0;

    const LV2_State_Interface *iface =
      lilv_instance_get_extension_data(h.inst, LV2_STATE__interface);
    assert_non_null(iface);
    // A newer format, and versions that never existed, are refused.
    static const int32_t versions[] = {2, 0, -7};
    for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); ++v) {
      const LV2_State_Status st = iface->restore(
        lilv_instance_get_handle(h.inst), retrieve_version, (void *)&versions[v], 0, features);
      assert_int_equal(st, LV2_STATE_ERR_UNKNOWN);
    }

    // Ports a host left unconnected: an input plays as silence, an output
    // is skipped; the other channel goes on.
    for (unsigned c = 0; c < h.channels; ++c) {
      lilv_instance_connect_port(h.inst, h.audio_in[c], c ? in[c] : NULL);
      lilv_instance_connect_port(h.inst, h.audio_out[c], c ? out[c] : NULL);
    }
    memset(out[1], 0, sizeof(out[1]));
    lilv_instance_run(h.inst, N);
    if (stereo) {
      double right = 0;
      for (uint32_t i = 0; i < N; ++i) {
        right = fmax(right, fabs(out[1][i]));
      }
      GS_ASSERT_ABOVE(right, 0.1);
    }
    host_close(&h);
  }
}

// A change of oversampling starts the strip switched to afresh, its noise
// from the seed too, so a session plays the same from its state and
// automation however it got there: after 2x, 4x and 2x again the last block
// equals a new instance's first block at 2x, noise included, once the
// converter (which runs on through the switch) has forgotten the 4x block:
// its filters reach 82 samples back at 48 kHz (GsClipper.reach).
static void test_oversampling_switch_restarts(void **state)
{
  (void)state;
  enum { N = 1024 };
  static float in[1][N], out[3][N], fresh[1][N];
  float *pin[1] = {in[0]};
  const uint32_t block = N;
  make_signal(in[0], N, 0);
  Host a, b;
  assert_true(host_open(&a, "tube", false, RATE));
  assert_true(host_open(&b, "tube", false, RATE));
  const float factors[] = {2, 4, 2};
  for (int i = 0; i < 3; ++i) {
    float *pout[1] = {out[i]};
    set(&a, "noise", 1);
    set(&a, "gain", 50);
    set(&a, "oversample", factors[i]);
    host_run(&a, pin, pout, N, &block, 1);
  }
  float *pfresh[1] = {fresh[0]};
  set(&b, "noise", 1);
  set(&b, "gain", 50);
  set(&b, "oversample", 2);
  host_run(&b, pin, pfresh, N, &block, 1);
  enum { REACH = 82 };
  assert_int_equal(count_differing(out[2] + REACH, fresh[0] + REACH, N - REACH), 0);
  assert_true(count_differing(out[0], out[1], N) > 0);  // 4x is another strip
  host_close(&a);
  host_close(&b);
}

// Every control moving while the plugin plays (automation): each setter's
// glide and the switch between oversampling banks run inside run(); the
// output stays finite and bounded. In the RealtimeSanitizer build this is
// the test that reaches every path of run().
static void test_automation(void **state)
{
  (void)state;
  enum { N = 256, BLOCKS = 200 };
  static float in[2][N], out[2][N];
  float *pin[2] = {in[0], in[1]}, *pout[2] = {out[0], out[1]};
  const uint32_t block = N;
  Host h;
  assert_true(host_open(&h, "guitar", true, RATE));
  double peak = 0;
  for (unsigned b = 0; b < BLOCKS; ++b) {
    make_signal(in[0], N, b);
    make_signal(in[1], N, b + 1);
    set(&h, "gain", (float)(b % 61));
    set(&h, "pad", (float)(b / 7 % 2));
    set(&h, "hpf", (float)(b / 5 % 2));
    set(&h, "hpf_freq", (float)(20 + 37 * (b % 27)));
    set(&h, "polarity", (float)(b / 11 % 2));
    set(&h, "bass", (float)(b % 31) - 15.0f);
    set(&h, "mid", 15.0f - (float)(b % 31));
    set(&h, "treble", (float)(b % 13));
    set(&h, "output", -(float)(b % 20));
    set(&h, "noise", (float)(b / 3 % 2));
    set(&h, "oversample", (float)oversample_at(b));
    set(&h, "input_ref", (float)(b % 20));
    host_run(&h, pin, pout, N, &block, 1);
    for (unsigned c = 0; c < 2; ++c) {
      for (uint32_t i = 0; i < N; ++i) {
        assert_true(isfinite(out[c][i]));
        peak = fmax(peak, fabs(out[c][i]));
      }
    }
  }
  printf("%d blocks of automation: peak %.2f dBFS\n", BLOCKS, 20 * log10(peak));
  // The converter clips at 0 dBFS without aliasing, and like a real
  // decimation filter its output overshoots after a hard clip (Gibbs ripple
  // of the excess it takes away: here up to +4.2 dBFS, the guitar driven
  // 60 dB with its rail 20 dB over full scale); the trim only cuts.
  GS_ASSERT_BELOW(peak, 2.0);
  host_close(&h);
}

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: %s LV2_FOLDER\n", argv[0]);
    return 2;
  }
  setenv("LV2_PATH", argv[1], 1);
  world = lilv_world_new();
  lilv_world_load_all(world);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_latency_port),
    cmocka_unit_test(test_equals_library_path),
    cmocka_unit_test(test_state_round_trip),
    cmocka_unit_test(test_bad_input),
    cmocka_unit_test(test_automation),
    cmocka_unit_test(test_oversampling_switch_restarts),
  };
  const int failed = cmocka_run_group_tests(tests, NULL, NULL);
  lilv_world_free(world);
  for (uint32_t i = 0; i < n_uris; ++i) {
    free(uri_table[i]);
  }
  return failed;
}
