// SPDX-License-Identifier: ISC
// An installed LV2 plugin as a device under test, hosted with lilv: the
// first audio input is fed (a second input gets the same signal), the first
// audio output is measured; levels in dBFS.

#include "cli/measure_dut.h"

#include <lilv/lilv.h>
#include <lv2/atom/atom.h>
#include <lv2/buf-size/buf-size.h>
#include <lv2/core/lv2.h>
#include <lv2/log/log.h>
#include <lv2/options/options.h>
#include <lv2/parameters/parameters.h>
#include <lv2/urid/urid.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 4096
#define ATOM_CAPACITY 8192
#define MAX_URIDS 256

const char *const gs_dut_lv2_features[] = {
  LV2_URID__map, LV2_URID__unmap, LV2_OPTIONS__options, LV2_BUF_SIZE__boundedBlockLength,
  LV2_LOG__log,  NULL,
};

size_t gs_dut_lv2_missing(const char *const *required, size_t n_required, char *missing,
                          size_t size)
{
  size_t n = 0, len = 0;
  if (size) {
    missing[0] = '\0';
  }
  for (size_t i = 0; i < n_required; ++i) {
    bool found = false;
    for (size_t f = 0; gs_dut_lv2_features[f] && !found; ++f) {
      found = !strcmp(required[i], gs_dut_lv2_features[f]);
    }
    if (!found) {
      const int w = snprintf(missing + len, size > len ? size - len : 0, "%s%s", n ? ", " : "",
                             required[i]);
      len += w > 0 ? (size_t)w : 0;
      ++n;
    }
  }
  return n;
}

typedef struct {
  LilvWorld *world;
  const LilvPlugin *plugin;
  LilvInstance *instance;
  char *uris[MAX_URIDS];
  size_t n_uris;
  LV2_URID_Map map;
  LV2_URID_Unmap unmap;
  LV2_Log_Log log;
  LV2_Options_Option options[5];
  int32_t min_block, max_block;
  float rate;
  LV2_Feature features[5];
  const LV2_Feature *feature_list[6];
  uint32_t n_ports;
  float *controls;      // one value per port (controls only)
  float *silence;       // BLOCK zeros for every unmeasured audio and CV input,
                        // cleared before each run() (a plugin may write its inputs)
  float **scratch;      // per port: BLOCK samples of its own for an unmeasured
                        // audio or CV output (NULL for the others)
  float *in, *out;      // BLOCK samples each
  LV2_Atom_Sequence **atoms;  // per atom port
  uint32_t in_port, in2_port, out_port;  // UINT32_MAX when absent
  bool activated;       // activate() called, deactivate() not yet
} Plugin;

static LV2_URID map_uri(LV2_URID_Map_Handle handle, const char *uri)
{
  Plugin *p = handle;
  for (size_t i = 0; i < p->n_uris; ++i) {
    if (!strcmp(p->uris[i], uri)) {
      return (LV2_URID)(i + 1);
    }
  }
  if (p->n_uris == MAX_URIDS || !(p->uris[p->n_uris] = strdup(uri))) {
    return 0;
  }
  return (LV2_URID)++p->n_uris;
}

static const char *unmap_uri(LV2_URID_Unmap_Handle handle, LV2_URID urid)
{
  Plugin *p = handle;
  return urid >= 1 && urid <= p->n_uris ? p->uris[urid - 1] : NULL;
}

// Errors and warnings from the plugin go to stderr; notes and traces are dropped.
static int log_vprintf(LV2_Log_Handle handle, LV2_URID type, const char *fmt, va_list ap)
{
  Plugin *p = handle;
  const char *t = unmap_uri(p, type);
  if (t && (!strcmp(t, LV2_LOG__Error) || !strcmp(t, LV2_LOG__Warning))) {
    fputs("gainstage measure: plugin says: ", stderr);
    return vfprintf(stderr, fmt, ap);
  }
  return 0;
}

static int log_printf(LV2_Log_Handle handle, LV2_URID type, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  const int r = log_vprintf(handle, type, fmt, ap);
  va_end(ap);
  return r;
}

static void prepare_atoms(Plugin *p)
{
  const LV2_URID seq = map_uri(p, LV2_ATOM__Sequence), chunk = map_uri(p, LV2_ATOM__Chunk);
  for (uint32_t i = 0; i < p->n_ports; ++i) {
    LV2_Atom_Sequence *a = p->atoms[i];
    if (!a) {
      continue;
    }
    const LilvPort *port = lilv_plugin_get_port_by_index(p->plugin, i);
    LilvNode *input = lilv_new_uri(p->world, LV2_CORE__InputPort);
    if (lilv_port_is_a(p->plugin, port, input)) {
      *a = (LV2_Atom_Sequence){.atom = {.size = sizeof(LV2_Atom_Sequence_Body), .type = seq}};
    } else {
      a->atom = (LV2_Atom){.size = ATOM_CAPACITY - sizeof(LV2_Atom), .type = chunk};
    }
    lilv_node_free(input);
  }
}

static void process(GsDut *dut, const float *in, float *out, size_t n)
{
  Plugin *p = dut->self;
  for (size_t done = 0; done < n;) {
    const uint32_t m = n - done > BLOCK ? BLOCK : (uint32_t)(n - done);
    memcpy(p->in, in + done, m * sizeof(float));
    memset(p->silence, 0, BLOCK * sizeof(float));
    prepare_atoms(p);
    lilv_instance_run(p->instance, m);
    memcpy(out + done, p->out, m * sizeof(float));
    done += m;
  }
}

static void activate(Plugin *p)
{
  if (!p->activated) {
    lilv_instance_activate(p->instance);
    p->activated = true;
  }
}

static void deactivate(Plugin *p)
{
  if (p->activated) {
    lilv_instance_deactivate(p->instance);
    p->activated = false;
  }
}

static GsStatus reset(GsDut *dut)
{
  // Activation puts a plugin in its initial state (LV2 core: activate()).
  Plugin *p = dut->self;
  deactivate(p);
  activate(p);
  return GS_OK;
}

static void destroy(GsDut *dut)
{
  Plugin *p = dut->self;
  if (p->instance) {
    deactivate(p);  // only an instance that was activated (LV2 core)
    lilv_instance_free(p->instance);
  }
  for (uint32_t i = 0; p->atoms && i < p->n_ports; ++i) {
    free(p->atoms[i]);
  }
  for (uint32_t i = 0; p->scratch && i < p->n_ports; ++i) {
    free(p->scratch[i]);
  }
  free(p->atoms);
  free(p->scratch);
  free(p->controls);
  free(p->silence);
  free(p->in);
  free(p->out);
  for (size_t i = 0; i < p->n_uris; ++i) {
    free(p->uris[i]);
  }
  if (p->world) {
    lilv_world_free(p->world);
  }
  free(p);
  free(dut);
}

static const GsDutOps ops = {process, reset, NULL, destroy};

static size_t edit_distance(const char *a, const char *b)
{
  const size_t la = strlen(a), lb = strlen(b);
  size_t *row = malloc((lb + 1) * sizeof(size_t));
  if (!row) {
    return SIZE_MAX;
  }
  for (size_t j = 0; j <= lb; ++j) {
    row[j] = j;
  }
  for (size_t i = 1; i <= la; ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; ++j) {
      const size_t up = row[j];
      const size_t sub = diag + (a[i - 1] != b[j - 1]);
      row[j] = sub < up + 1 ? (sub < row[j - 1] + 1 ? sub : row[j - 1] + 1)
                            : (up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1);
      diag = up;
    }
  }
  const size_t d = row[lb];
  free(row);
  return d;
}

// "no LV2 plugin URI is installed (N are; lv2ls lists them; closest: ...)"
static void unknown(const LilvPlugins *all, const char *uri, GsError *err)
{
  const char *best[3] = {NULL, NULL, NULL};
  size_t dist[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
  LILV_FOREACH (plugins, i, all) {
    const char *u = lilv_node_as_uri(lilv_plugin_get_uri(lilv_plugins_get(all, i)));
    const size_t d = edit_distance(uri, u);
    for (int k = 0; k < 3; ++k) {
      if (d < dist[k]) {
        for (int m = 2; m > k; --m) {
          dist[m] = dist[m - 1];
          best[m] = best[m - 1];
        }
        dist[k] = d;
        best[k] = u;
        break;
      }
    }
  }
  int len = snprintf(err->message, sizeof(err->message),
                     "no LV2 plugin %s is installed (%u plugins are; lv2ls lists them", uri,
                     lilv_plugins_size(all));
  const size_t near = strlen(uri) / 2;
  for (int k = 0; k < 3 && best[k] && dist[k] <= near && len > 0 &&
                  (size_t)len < sizeof(err->message);
       ++k) {
    len += snprintf(err->message + len, sizeof(err->message) - (size_t)len, "%s%s",
                    k ? ", " : "; closest: ", best[k]);
  }
  if (len > 0 && (size_t)len < sizeof(err->message)) {
    snprintf(err->message + len, sizeof(err->message) - (size_t)len, ")");
  }
}

static int compare(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static GsStatus check_features(const LilvPlugin *plugin, const char *uri, GsError *err)
{
  LilvNodes *req = lilv_plugin_get_required_features(plugin);
  const char *list[64];
  size_t n = 0;
  LILV_FOREACH (nodes, i, req) {
    if (n < 64) {
      list[n++] = lilv_node_as_uri(lilv_nodes_get(req, i));
    }
  }
  qsort(list, n, sizeof(list[0]), compare);  // lilv's order is not stable
  char missing[384];
  const size_t n_missing = gs_dut_lv2_missing(list, n, missing, sizeof(missing));
  if (n_missing) {
    snprintf(err->message, sizeof(err->message),
             "%s needs features measure does not provide: %s (it provides urid:map, "
             "urid:unmap, options, bufsz:boundedBlockLength, log)",
             uri, missing);
  }
  lilv_nodes_free(req);
  return n_missing ? GS_ERR_UNKNOWN : GS_OK;
}

static void setup_features(Plugin *p)
{
  p->map = (LV2_URID_Map){.handle = p, .map = map_uri};
  p->unmap = (LV2_URID_Unmap){.handle = p, .unmap = unmap_uri};
  p->log = (LV2_Log_Log){.handle = p, .printf = log_printf, .vprintf = log_vprintf};
  p->min_block = 1;
  p->max_block = BLOCK;
  const LV2_URID atom_int = map_uri(p, LV2_ATOM__Int), atom_float = map_uri(p, LV2_ATOM__Float);
  p->options[0] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0,
                                       map_uri(p, LV2_BUF_SIZE__minBlockLength),
                                       sizeof(int32_t), atom_int, &p->min_block};
  p->options[1] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0,
                                       map_uri(p, LV2_BUF_SIZE__maxBlockLength),
                                       sizeof(int32_t), atom_int, &p->max_block};
  p->options[2] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0,
                                       map_uri(p, LV2_BUF_SIZE__nominalBlockLength),
                                       sizeof(int32_t), atom_int, &p->max_block};
  p->options[3] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0,
                                       map_uri(p, LV2_PARAMETERS__sampleRate), sizeof(float),
                                       atom_float, &p->rate};
  p->options[4] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, 0, 0, 0, NULL};
  p->features[0] = (LV2_Feature){LV2_URID__map, &p->map};
  p->features[1] = (LV2_Feature){LV2_URID__unmap, &p->unmap};
  p->features[2] = (LV2_Feature){LV2_OPTIONS__options, p->options};
  p->features[3] = (LV2_Feature){LV2_BUF_SIZE__boundedBlockLength, NULL};
  p->features[4] = (LV2_Feature){LV2_LOG__log, &p->log};
  for (int i = 0; i < 5; ++i) {
    p->feature_list[i] = &p->features[i];
  }
  p->feature_list[5] = NULL;
}

// Connects every port; err names a port measure cannot feed.
static GsStatus connect_ports(Plugin *p, const char *uri, const GsDutControl *set, size_t n_set,
                              GsError *err)
{
  LilvWorld *w = p->world;
  LilvNode *audio = lilv_new_uri(w, LV2_CORE__AudioPort);
  LilvNode *control = lilv_new_uri(w, LV2_CORE__ControlPort);
  LilvNode *cv = lilv_new_uri(w, LV2_CORE__CVPort);
  LilvNode *atom = lilv_new_uri(w, LV2_ATOM__AtomPort);
  LilvNode *input = lilv_new_uri(w, LV2_CORE__InputPort);
  LilvNode *optional = lilv_new_uri(w, LV2_CORE__connectionOptional);
  float *mins = calloc(p->n_ports, sizeof(float)), *maxs = calloc(p->n_ports, sizeof(float));
  float *defs = calloc(p->n_ports, sizeof(float));
  GsStatus st = GS_ERR_NOMEM;
  if (!mins || !maxs || !defs) {
    goto done;
  }
  lilv_plugin_get_port_ranges_float(p->plugin, mins, maxs, defs);
  p->in_port = p->in2_port = p->out_port = UINT32_MAX;
  st = GS_OK;
  for (uint32_t i = 0; i < p->n_ports && !st; ++i) {
    const LilvPort *port = lilv_plugin_get_port_by_index(p->plugin, i);
    const bool is_in = lilv_port_is_a(p->plugin, port, input);
    void *buf = NULL;
    const bool is_audio = lilv_port_is_a(p->plugin, port, audio);
    const bool is_cv = !is_audio && lilv_port_is_a(p->plugin, port, cv);
    if (is_audio || is_cv) {
      // Unmeasured: an input hears silence, an output writes to its own buffer.
      if (is_in) {
        buf = p->silence;
      } else if (!(buf = p->scratch[i] = calloc(BLOCK, sizeof(float)))) {
        st = GS_ERR_NOMEM;
        break;
      }
    }
    if (is_audio) {
      if (is_in && p->in_port == UINT32_MAX) {
        p->in_port = i;
        buf = p->in;
      } else if (is_in && p->in2_port == UINT32_MAX) {
        p->in2_port = i;
        buf = p->in;  // a stereo plugin's second input gets the same signal
      } else if (!is_in && p->out_port == UINT32_MAX) {
        p->out_port = i;
        buf = p->out;
      }
    } else if (is_cv) {
      // connected above
    } else if (lilv_port_is_a(p->plugin, port, control)) {
      p->controls[i] = isnan(defs[i]) ? (isnan(mins[i]) ? 0.0f : mins[i]) : defs[i];
      buf = &p->controls[i];
    } else if (lilv_port_is_a(p->plugin, port, atom)) {
      if (!(p->atoms[i] = calloc(1, ATOM_CAPACITY))) {
        st = GS_ERR_NOMEM;
        break;
      }
      buf = p->atoms[i];
    } else if (!lilv_port_has_property(p->plugin, port, optional)) {
      snprintf(err->message, sizeof(err->message),
               "%s: port '%s' is of a kind measure cannot feed (it feeds audio, control, CV "
               "and atom ports)",
               uri, lilv_node_as_string(lilv_port_get_symbol(p->plugin, port)));
      st = GS_ERR_UNKNOWN;
      break;
    }
    lilv_instance_connect_port(p->instance, i, buf);
  }
  for (size_t s = 0; s < n_set && !st; ++s) {
    LilvNode *sym = lilv_new_string(w, set[s].symbol);
    const LilvPort *port = lilv_plugin_get_port_by_symbol(p->plugin, sym);
    lilv_node_free(sym);
    if (!port || !lilv_port_is_a(p->plugin, port, control) ||
        !lilv_port_is_a(p->plugin, port, input)) {
      int len = snprintf(err->message, sizeof(err->message),
                         "--set %s: %s has no such control (controls:", set[s].symbol, uri);
      for (uint32_t i = 0; i < p->n_ports && len > 0 && (size_t)len < sizeof(err->message);
           ++i) {
        const LilvPort *q = lilv_plugin_get_port_by_index(p->plugin, i);
        if (lilv_port_is_a(p->plugin, q, control) && lilv_port_is_a(p->plugin, q, input)) {
          len += snprintf(err->message + len, sizeof(err->message) - (size_t)len, " %s",
                          lilv_node_as_string(lilv_port_get_symbol(p->plugin, q)));
        }
      }
      if (len > 0 && (size_t)len < sizeof(err->message)) {
        snprintf(err->message + len, sizeof(err->message) - (size_t)len, ")");
      }
      st = GS_ERR_UNKNOWN;
      break;
    }
    const uint32_t i = lilv_port_get_index(p->plugin, port);
    if ((!isnan(mins[i]) && set[s].value < mins[i]) ||
        (!isnan(maxs[i]) && set[s].value > maxs[i])) {
      snprintf(err->message, sizeof(err->message), "--set %s=%g: out of range (%g to %g)",
               set[s].symbol, set[s].value, (double)mins[i], (double)maxs[i]);
      st = GS_ERR_RANGE;
      break;
    }
    p->controls[i] = (float)set[s].value;
  }
  if (!st && (p->in_port == UINT32_MAX || p->out_port == UINT32_MAX)) {
    snprintf(err->message, sizeof(err->message),
             "%s has no audio %s: measure needs an audio input and output", uri,
             p->in_port == UINT32_MAX ? "input" : "output");
    st = GS_ERR_USAGE;
  }
done:
  free(mins);
  free(maxs);
  free(defs);
  lilv_node_free(audio);
  lilv_node_free(control);
  lilv_node_free(cv);
  lilv_node_free(atom);
  lilv_node_free(input);
  lilv_node_free(optional);
  return st;
}

GsStatus gs_dut_lv2_new(const char *uri, double rate_hz, const GsDutControl *set, size_t n_set,
                        GsDut **out, GsError *err)
{
  Plugin *p = calloc(1, sizeof(Plugin));
  GsDut *dut = calloc(1, sizeof(GsDut));
  if (!p || !dut || !(p->world = lilv_world_new())) {
    free(p);
    free(dut);
    snprintf(err->message, sizeof(err->message), "out of memory");
    return GS_ERR_NOMEM;
  }
  *dut = (GsDut){.ops = &ops, .self = p, .kind = "lv2", .rate_hz = rate_hz, .in_unit = "dBFS",
                 .out_unit = "dBFS", .in_peak = 1.0, .out_peak = 1.0, .ref_dbu = NAN,
                 .reported_latency = NAN, .saturation_level = NAN, .nominal_level = -12.0,
                 .linear_level = -20.0, .max_level = 0.0};
  p->rate = (float)rate_hz;
  lilv_world_load_all(p->world);
  const LilvPlugins *all = lilv_world_get_all_plugins(p->world);
  LilvNode *node = lilv_new_uri(p->world, uri);
  p->plugin = node ? lilv_plugins_get_by_uri(all, node) : NULL;
  lilv_node_free(node);
  GsStatus st = GS_ERR_UNKNOWN;
  if (!p->plugin) {
    unknown(all, uri, err);
    goto fail;
  }
  if ((st = check_features(p->plugin, uri, err))) {
    goto fail;
  }
  setup_features(p);
  p->n_ports = lilv_plugin_get_num_ports(p->plugin);
  p->controls = calloc(p->n_ports, sizeof(float));
  p->atoms = calloc(p->n_ports, sizeof(LV2_Atom_Sequence *));
  p->scratch = calloc(p->n_ports, sizeof(float *));
  p->silence = calloc(BLOCK, sizeof(float));
  p->in = calloc(BLOCK, sizeof(float));
  p->out = calloc(BLOCK, sizeof(float));
  st = GS_ERR_NOMEM;
  if (!p->controls || !p->atoms || !p->scratch || !p->silence || !p->in || !p->out) {
    snprintf(err->message, sizeof(err->message), "out of memory");
    goto fail;
  }
  p->instance = lilv_plugin_instantiate(p->plugin, rate_hz, p->feature_list);
  if (!p->instance) {
    snprintf(err->message, sizeof(err->message), "%s would not start at %g Hz", uri, rate_hz);
    st = GS_ERR_USAGE;
    goto fail;
  }
  if ((st = connect_ports(p, uri, set, n_set, err))) {
    goto fail;
  }
  activate(p);
  if (lilv_plugin_has_latency(p->plugin)) {
    const uint32_t lp = lilv_plugin_get_latency_port_index(p->plugin);
    // The latency port is written by run(); the atom ports need their
    // headers (sequence type and size) before it.
    memset(p->in, 0, BLOCK * sizeof(float));
    prepare_atoms(p);
    lilv_instance_run(p->instance, 1);
    dut->reported_latency = p->controls[lp];
  }
  LilvNode *name = lilv_plugin_get_name(p->plugin);
  snprintf(dut->name, sizeof(dut->name), "%s (%s)%s", name ? lilv_node_as_string(name) : uri,
           uri, p->in2_port != UINT32_MAX ? ", both inputs fed, first output measured" : "");
  lilv_node_free(name);
  *out = dut;
  return GS_OK;
fail:
  destroy(dut);
  return st;
}
