// SPDX-License-Identifier: ISC
// What ALSA offers, for `gainstage devices`: the PCMs its configuration
// names (snd_device_name_hint) and each card's hw devices with the channels
// and rates they take.

#include "io/alsa_impl.h"

#include "error.h"

#include <alsa/asoundlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  char *out;
  size_t size;
  size_t len;
} Text;

static void quiet(const char *file, int line, const char *function, int err, const char *fmt,
                  ...)
{
  (void)file;
  (void)line;
  (void)function;
  (void)err;
  (void)fmt;
}

// Appends to the text; what does not fit is cut (ending in "...").
__attribute__((format(printf, 2, 3))) static void add(Text *t, const char *fmt, ...)
{
  if (t->len + 1 >= t->size) {
    return;
  }
  va_list args;
  va_start(args, fmt);
  const int n = vsnprintf(t->out + t->len, t->size - t->len, fmt, args);
  va_end(args);
  if (n < 0) {
    return;
  }
  if ((size_t)n >= t->size - t->len) {
    t->len = t->size - 1;
    if (t->size > 5) {
      memcpy(t->out + t->size - 5, "...\n", 5);
    }
    return;
  }
  t->len += (size_t)n;
}

// "capture 2 ch, 44100 to 48000 Hz" for one direction of a hw device, or why not.
static void hw_direction(Text *t, const char *name, snd_pcm_stream_t stream)
{
  const char *dir = stream == SND_PCM_STREAM_CAPTURE ? "capture" : "playback";
  snd_pcm_t *pcm = NULL;
  int e = snd_pcm_open(&pcm, name, stream, SND_PCM_NONBLOCK);
  if (e == -ENOENT || e == -ENODEV) {
    return;  // no such direction
  }
  if (e < 0) {
    add(t, "; %s: %s", dir, snd_strerror(e));
    return;
  }
  snd_pcm_hw_params_t *hw = NULL;
  if (snd_pcm_hw_params_malloc(&hw) >= 0 && snd_pcm_hw_params_any(pcm, hw) >= 0) {
    const AlsaRanges r = gs_alsa_ranges(hw);
    if (r.channels_min == r.channels_max) {
      add(t, "; %s %u ch", dir, r.channels_min);
    } else {
      add(t, "; %s %u to %u ch", dir, r.channels_min, r.channels_max);
    }
    if (r.rate_min == r.rate_max) {
      add(t, " at %u Hz", r.rate_min);
    } else {
      add(t, " at %u to %u Hz", r.rate_min, r.rate_max);
    }
  }
  snd_pcm_hw_params_free(hw);
  snd_pcm_close(pcm);
}

static void list_cards(Text *t)
{
  int card = -1;
  int n_cards = 0;
  while (snd_card_next(&card) >= 0 && card >= 0) {
    ++n_cards;
    char name[32];
    snprintf(name, sizeof(name), "hw:%d", card);
    snd_ctl_t *ctl = NULL;
    if (snd_ctl_open(&ctl, name, 0) < 0) {
      add(t, "alsa: %s (card %d cannot be opened)\n", name, card);
      continue;
    }
    snd_ctl_card_info_t *info = NULL;
    const char *card_name = "";
    if (snd_ctl_card_info_malloc(&info) >= 0 && snd_ctl_card_info(ctl, info) >= 0) {
      card_name = snd_ctl_card_info_get_name(info);
    }
    int device = -1;
    while (snd_ctl_pcm_next_device(ctl, &device) >= 0 && device >= 0) {
      char dev[48];
      snprintf(dev, sizeof(dev), "hw:%d,%d", card, device);
      add(t, "alsa: %s (%s)", dev, card_name);
      hw_direction(t, dev, SND_PCM_STREAM_CAPTURE);
      hw_direction(t, dev, SND_PCM_STREAM_PLAYBACK);
      add(t, "\n");
    }
    snd_ctl_card_info_free(info);
    snd_ctl_close(ctl);
  }
  if (!n_cards) {
    add(t, "alsa: no sound cards (the PCMs above that need none, such as null, still work)\n");
  }
}

GsStatus gs_alsa_list(char *out, size_t size, GsError *err)
{
  if (!size) {
    return gs_fail(err, GS_ERR_RANGE, "ALSA device list: no room to write it");
  }
  out[0] = '\0';
  Text t = {out, size, 0};
  snd_lib_error_set_handler(quiet);
  void **hints = NULL;
  const int e = snd_device_name_hint(-1, "pcm", &hints);
  if (e < 0) {
    return gs_fail(err, GS_ERR_IO, "ALSA: cannot list the PCM devices: %s", snd_strerror(e));
  }
  for (void **h = hints; *h; ++h) {
    char *name = snd_device_name_get_hint(*h, "NAME");
    char *desc = snd_device_name_get_hint(*h, "DESC");
    char *ioid = snd_device_name_get_hint(*h, "IOID");  // NULL: both directions
    if (name) {
      add(&t, "alsa: %s%s%s\n", name, ioid ? " " : "",
          ioid ? (!strcmp(ioid, "Input") ? "(capture only)" : "(playback only)") : "");
      // A description may run over lines; each is indented under the name.
      for (char *line = desc, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) {
          *next++ = '\0';
        }
        add(&t, "    %s\n", line);
      }
    }
    free(name);
    free(desc);
    free(ioid);
  }
  snd_device_name_free_hint(hints);
  list_cards(&t);
  return GS_OK;
}
