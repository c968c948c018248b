// SPDX-License-Identifier: ISC
// Writes the bundle's Turtle (manifest.ttl, gainstage.ttl) from the model table and ports.c, at build time.
//
// usage: gs_lv2_ttl OUTDIR BINARY VERSION
// One source of truth: the ranges and defaults a host shows are those the
// library enforces (gs_preamp_model_info) and the plugin clamps to (ports.c).

#include "ports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char prefixes[] =
  "@prefix atom: <http://lv2plug.in/ns/ext/atom#> .\n"
  "@prefix doap: <http://usefulinc.com/ns/doap#> .\n"
  "@prefix gs: <" GS_LV2_NS "> .\n"
  "@prefix lv2: <http://lv2plug.in/ns/lv2core#> .\n"
  "@prefix pprops: <http://lv2plug.in/ns/ext/port-props#> .\n"
  "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
  "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
  "@prefix state: <http://lv2plug.in/ns/ext/state#> .\n"
  "@prefix units: <http://lv2plug.in/ns/extensions/units#> .\n"
  "@prefix urid: <http://lv2plug.in/ns/ext/urid#> .\n"
  "\n";

// A Turtle decimal: always with a point, so it reads as a number with a
// fraction (xsd:decimal), never as an integer.
static const char *num(double v)
{
  static char buf[4][48];
  static int next;
  char *b = buf[next++ % 4];
  snprintf(b, sizeof(buf[0]), "%.9g", v);
  if (!strpbrk(b, ".en")) {
    strcat(b, ".0");
  }
  return b;
}

static const char *unit_uri(GsLv2Unit u)
{
  switch (u) {
  case GS_LV2_UNIT_NONE: return NULL;
  case GS_LV2_UNIT_DB: return "units:db";
  case GS_LV2_UNIT_HZ: return "units:hz";
  case GS_LV2_UNIT_DBU: return "gs:dBu";
  case GS_LV2_UNIT_FRAME: return "units:frame";
  }
  return NULL;
}

static void write_control(FILE *f, const GsPreampInfo *m, unsigned channels, GsLv2Control c,
                          bool last)
{
  GsLv2ControlSpec s;
  if (!gs_lv2_control_spec(m, c, &s)) {
    return;
  }
  fprintf(f, "\t[\n\t\ta lv2:%s, lv2:ControlPort ;\n", s.output ? "OutputPort" : "InputPort");
  fprintf(f, "\t\tlv2:index %d ;\n\t\tlv2:symbol \"%s\" ;\n\t\tlv2:name \"%s\" ;\n",
          gs_lv2_control_index(m, channels, c), s.symbol, s.name);
  fprintf(f, "\t\trdfs:comment \"%s\" ;\n", s.comment);
  if (c == GS_LV2_LATENCY) {
    fprintf(f, "\t\tlv2:designation lv2:latency ;\n"
               "\t\tlv2:portProperty lv2:reportsLatency, pprops:notOnGUI ;\n");
  }
  if (s.toggled) {
    fprintf(f, "\t\tlv2:portProperty lv2:toggled ;\n");
  }
  if (s.enumeration) {
    fprintf(f, "\t\tlv2:portProperty lv2:integer, lv2:enumeration ;\n");
    for (int i = 0; i < GS_LV2_N_OVERSAMPLE; ++i) {
      const unsigned v = gs_lv2_oversample_values[i];
      char label[16];
      snprintf(label, sizeof(label), v ? "%ux" : "auto", v);
      fprintf(f, "\t\tlv2:scalePoint [ rdfs:label \"%s\" ; rdf:value %u ] ;\n", label, v);
    }
  }
  if (s.logarithmic) {
    fprintf(f, "\t\tlv2:portProperty pprops:logarithmic ;\n");
  }
  const char *unit = unit_uri(s.unit);
  if (unit) {
    fprintf(f, "\t\tunits:unit %s ;\n", unit);
  }
  fprintf(f, "\t\tlv2:default %s ;\n\t\tlv2:minimum %s ;\n\t\tlv2:maximum %s\n\t]%s\n",
          num(s.def), num(s.min), num(s.max), last ? " ." : " ,");
}

static void write_plugin(FILE *f, const GsPreampInfo *m, unsigned channels, int minor, int micro)
{
  char uri[128];
  gs_lv2_uri(m, channels, uri, sizeof(uri));
  fprintf(f, "<%s>\n", uri);
  fprintf(f, "\ta lv2:Plugin, lv2:AmplifierPlugin ;\n");
  fprintf(f, "\tdoap:name \"gainstage %s%s\" ;\n", m->name, channels == 2 ? " (stereo)" : "");
  fprintf(f, "\tdoap:license <https://spdx.org/licenses/ISC> ;\n");
  fprintf(f, "\trdfs:comment \"%s: %s. A %s channel strip: pad, high-pass, gain, the model, "
             "polarity and a converter at the reference level.\" ;\n",
          m->imitates, m->character, channels == 2 ? "stereo" : "mono");
  fprintf(f, "\tlv2:minorVersion %d ;\n\tlv2:microVersion %d ;\n", minor, micro);
  fprintf(f, "\tlv2:optionalFeature lv2:hardRTCapable, urid:map ;\n");
  fprintf(f, "\tlv2:extensionData state:interface ;\n");
  fprintf(f, "\tlv2:port\n");
  for (int out = 0; out < 2; ++out) {
    for (unsigned c = 0; c < channels; ++c) {
      const char *sym = gs_lv2_audio_symbol(channels, c, out);
      static const char *const names[2][3] = {{"In", "In left", "In right"},
                                              {"Out", "Out left", "Out right"}};
      fprintf(f, "\t[\n\t\ta lv2:AudioPort, lv2:%s ;\n\t\tlv2:index %u ;\n"
                 "\t\tlv2:symbol \"%s\" ;\n\t\tlv2:name \"%s\"\n\t] ,\n",
              out ? "OutputPort" : "InputPort", (unsigned)out * channels + c, sym,
              names[out][channels == 1 ? 0 : 1 + c]);
    }
  }
  const GsLv2Control last = m->has_tone ? GS_LV2_TREBLE : GS_LV2_LATENCY;
  for (int c = 0; c <= (int)last; ++c) {
    write_control(f, m, channels, (GsLv2Control)c, c == (int)last);
  }
  fprintf(f, "\n");
}

static FILE *open_out(const char *dir, const char *name)
{
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
  }
  return f;
}

int main(int argc, char **argv)
{
  int major = 0, minor = 0, micro = 0;
  if (argc != 4 || sscanf(argv[3], "%d.%d.%d", &major, &minor, &micro) != 3) {
    fprintf(stderr, "usage: gs_lv2_ttl OUTDIR BINARY VERSION\n");
    return 2;
  }
  FILE *man = open_out(argv[1], "manifest.ttl");
  FILE *ttl = open_out(argv[1], "gainstage.ttl");
  if (!man || !ttl) {
    return 1;
  }
  fputs(prefixes, man);
  fputs(prefixes, ttl);
  fprintf(ttl, "gs:dBu\n\ta units:Unit ;\n\trdfs:label \"decibels relative to 0.7746 V\" ;\n"
               "\tunits:symbol \"dBu\" ;\n\tunits:render \"%%f dBu\" .\n\n");
  for (size_t i = 0; i < gs_preamp_model_count(); ++i) {
    const GsPreampInfo *m = gs_preamp_model_info(i);
    for (unsigned channels = 1; channels <= 2; ++channels) {
      char uri[128];
      gs_lv2_uri(m, channels, uri, sizeof(uri));
      fprintf(man, "<%s>\n\ta lv2:Plugin ;\n\tlv2:binary <%s> ;\n\trdfs:seeAlso <gainstage.ttl> .\n\n",
              uri, argv[2]);
      write_plugin(ttl, m, channels, minor, micro);
    }
  }
  const bool ok = !ferror(man) && !ferror(ttl);
  return (fclose(man) | fclose(ttl)) || !ok ? 1 : 0;
}
