// SPDX-License-Identifier: ISC
// The demo band's room: an 8 x 7 x 3.4 m live room with the kit, the singer
// and six microphones, first reflections by image sources and a feedback
// delay network for the diffuse tail.
//
// Coordinates in metres: x across the room, y from the back wall (behind
// the drummer) towards the front, z up from the floor. The drummer sits at
// about (3.5, 1.3) facing +y; the singer stands in front of the kit facing
// it.
//
// - Direct sound and the six first-order reflections (J. B. Allen and D. A.
//   Berkley, "Image method for efficiently simulating small-room
//   acoustics", JASA 65(4), 1979): each path of length r arrives r / c later
//   with pressure 1/r relative to 1 m, times the surface's reflection
//   factor, the instrument's directivity towards the path and the
//   microphone's polar pattern from the direction it arrives from. The
//   direct path is delayed by a third-order Lagrange interpolator
//   (T. I. Laakso et al., "Splitting the unit delay", IEEE Signal
//   Processing Magazine, 1996), reflections to the nearest sample.
// - The diffuse tail: an eight-line feedback delay network with a Hadamard
//   matrix and one-pole absorption filters that set the reverberation time
//   at DC and at Nyquist (J.-M. Jot and A. Chaigne, "Digital delay networks
//   for designing artificial reverberators", AES 90th convention, 1991).
//   Its level follows the room's critical distance rc = 0.057 sqrt(V / T60)
//   (Hopkins-Stryker, in the form of M. Barron, Auditorium Acoustics, 2010):
//   the tail's energy is that of the direct sound at rc, so at 1 m it is
//   1 / rc^2 of the direct sound's energy, for every microphone, as a
//   diffuse field is; a cardioid takes a third of it (its random-incidence
//   energy factor).
//   Four Schroeder allpasses in series diffuse the network's input first
//   (M. R. Schroeder, "Natural sounding artificial reverberation", JAES
//   10(3), 1962), so the tail starts as a dense wash, as a real room's many
//   early reflections do, rather than as a few strong echoes.

#include "model/band_room.h"

#include "model/band_synth.h"

#include <string.h>

#define ROOM_X 8.0
#define ROOM_Y 7.0
#define ROOM_Z 3.4
#define T60_DC_S 0.35    // a studio live room
#define T60_NYQ_S 0.22   // highs die sooner (surfaces and air)
#define N_LINES 8u
#define LINE_MASK (GS_BAND_ROOM_LINE - 1u)
#define DIFFUSER_MASK (GS_BAND_ROOM_DIFFUSER - 1u)
#define N_DIFFUSERS 4u
#define DIFFUSER_GAIN 0.6

typedef struct {
  double x, y, z;
} Vec;

// An instrument's acoustic centre and its directivity: a + (1 - a) cos(psi)
// from its axis (|cos| when it radiates both ways, as a drum's two heads
// do), never below floor.
typedef struct {
  Vec pos, axis;
  double a, floor;
  bool both_ways;
} Emitter;

// A microphone's capsule, where it points, its first-order polar pattern
// a + (1 - a) cos(theta) (1: omni, 0.5: cardioid) with the rejection a real
// one reaches at the back (floor), and a shield factor for all but its own
// instrument's direct sound (the kick mic sits inside the drum's shell;
// the singer stands behind acoustic screens, which take 14 dB off the room).
typedef struct {
  GsBandPart part;
  Vec pos, aim;
  double a, floor, shield;
  GsBandInstrument own;  // whose direct sound the shield spares (where shield < 1)
} Mic;

static const Emitter EMITTERS[GS_BAND_N_INSTRUMENTS] = {
  [GS_BAND_INST_KICK] = {{3.5, 1.85, 0.35}, {0.0, 1.0, 0.0}, 0.4, 0.0, true},
  [GS_BAND_INST_SNARE] = {{3.2, 1.7, 0.65}, {0.0, 0.0, 1.0}, 0.4, 0.0, true},
  [GS_BAND_INST_HIHAT] = {{2.9, 1.75, 0.95}, {0.0, 0.0, 1.0}, 0.5, 0.0, true},
  [GS_BAND_INST_CRASH] = {{3.85, 2.2, 1.35}, {0.0, 0.0, 1.0}, 0.5, 0.0, true},
  [GS_BAND_INST_VOICE] = {{2.2, 4.0, 1.65}, {0.0, -1.0, 0.0}, 0.6, 0.25, false},
};

#define N_MICS 6u
static const Mic MICS[N_MICS] = {
  {GS_BAND_KICK, {3.5, 1.93, 0.35}, {0.0, -1.0, 0.0}, 0.5, 0.06, 0.25, GS_BAND_INST_KICK},
  {GS_BAND_SNARE, {3.14, 1.62, 0.71}, {0.06, 0.08, -0.06}, 0.5, 0.06, 1.0, GS_BAND_INST_SNARE},
  {GS_BAND_OVERHEAD_L, {3.1, 1.95, 1.75}, {0.0, 0.0, -1.0}, 0.5, 0.06, 1.0, GS_BAND_INST_SNARE},
  {GS_BAND_OVERHEAD_R, {3.9, 1.95, 1.75}, {0.0, 0.0, -1.0}, 0.5, 0.06, 1.0, GS_BAND_INST_SNARE},
  {GS_BAND_VOCAL, {2.2, 3.85, 1.62}, {0.0, 1.0, 0.2}, 0.5, 0.06, 0.2, GS_BAND_INST_VOICE},
  {GS_BAND_ROOM, {4.0, 5.8, 2.0}, {0.0, -1.0, 0.0}, 1.0, 1.0, 1.0, GS_BAND_INST_KICK},
};

// Pressure reflection factors of the six surfaces: walls x = 0, x = X,
// y = 0, y = Y, then the floor (wood) and the ceiling (treated).
static const double REFLECTION[6] = {0.7, 0.7, 0.7, 0.7, 0.85, 0.6};

// Delay-line lengths of the tail, ms: spread, none a multiple of another.
static const double LINE_MS[N_LINES] = {11.3, 13.7, 17.1, 19.9, 23.3, 26.9, 29.3, 31.7};
// Diffuser delays, ms (under GS_BAND_ROOM_DIFFUSER samples at 192 kHz).
static const double DIFFUSER_MS[N_DIFFUSERS] = {1.3, 2.9, 4.7, 7.1};

static Vec sub(Vec a, Vec b)
{
  return (Vec){a.x - b.x, a.y - b.y, a.z - b.z};
}

static double dot(Vec a, Vec b)
{
  return a.x * b.x + a.y * b.y + a.z * b.z;
}

static double norm(Vec a)
{
  return sqrt(dot(a, a));
}

static double cosine(Vec a, Vec b)
{
  return dot(a, b) / (norm(a) * norm(b));
}

// p mirrored in surface k (0 to 5, as REFLECTION); k = 6 leaves it.
static Vec mirror(Vec p, unsigned k)
{
  switch (k) {
  case 0: p.x = -p.x; break;
  case 1: p.x = 2.0 * ROOM_X - p.x; break;
  case 2: p.y = -p.y; break;
  case 3: p.y = 2.0 * ROOM_Y - p.y; break;
  case 4: p.z = -p.z; break;
  case 5: p.z = 2.0 * ROOM_Z - p.z; break;
  default: break;
  }
  return p;
}

static const Mic *mic_of(GsBandPart part)
{
  for (unsigned m = 0; m < N_MICS; ++m) {
    if (MICS[m].part == part) {
      return &MICS[m];
    }
  }
  return NULL;
}

bool gs_band_room_is_mic(GsBandPart part)
{
  return mic_of(part) != NULL;
}

bool gs_band_room_is_acoustic(GsBandInstrument instrument)
{
  return instrument != GS_BAND_INST_BASS && instrument != GS_BAND_INST_GUITAR &&
         instrument < GS_BAND_N_INSTRUMENTS;
}

double gs_band_room_distance_m(GsBandPart part, GsBandInstrument instrument)
{
  const Mic *m = mic_of(part);
  if (!m || !gs_band_room_is_acoustic(instrument)) {
    return 0.0;
  }
  return norm(sub(m->pos, EMITTERS[instrument].pos));
}

// One path from emitter e to microphone m: via surface k (6: direct).
typedef struct {
  double delay_s;
  double gain;
} Path;

static Path path(const Emitter *e, const Mic *m, unsigned k, bool own)
{
  // The image of the source arrives at the mic from image -> mic; the real
  // source sends it towards the mirrored mic.
  const Vec image = mirror(e->pos, k);
  const Vec arrival = sub(image, m->pos);  // from the mic towards where it comes from
  const Vec emission = sub(mirror(m->pos, k), e->pos);
  const double r = norm(arrival);
  const double c_src = cosine(emission, e->axis);
  const double src = fmax(e->floor, e->a + (1.0 - e->a) * (e->both_ways ? fabs(c_src) : c_src));
  const double mic = fmax(m->floor, m->a + (1.0 - m->a) * cosine(arrival, m->aim));
  const double surface = k < 6 ? REFLECTION[k] : 1.0;
  const double shield = own && k == 6 ? 1.0 : m->shield;
  return (Path){r / GS_BAND_SPEED_OF_SOUND_M_PER_S, surface * src * mic * shield / r};
}

// out[i] += gain in[i - delay], delay whole samples.
static void add_delayed(float *out, const float *in, size_t n, size_t delay, float gain)
{
  for (size_t i = delay; i < n; ++i) {
    out[i] += gain * in[i - delay];
  }
}

// out[i] += gain in(i - delay) for a fractional delay of at least 2
// samples, by third-order Lagrange interpolation over the four samples
// around it (Laakso et al. 1996, eq. 42).
static void add_fractional(float *out, const float *in, size_t n, double delay, double gain)
{
  const size_t k = (size_t)floor(delay);
  const double d = delay - (double)k + 1.0;  // position within taps k-1 .. k+2, in [1, 2)
  float h[4];
  for (int j = 0; j < 4; ++j) {
    double w = gain;
    for (int m = 0; m < 4; ++m) {
      if (m != j) {
        w *= (d - m) / (double)(j - m);
      }
    }
    h[j] = (float)w;
  }
  for (size_t i = k + 2; i < n; ++i) {
    const float *x = in + (i + 1 - k);  // x[-j] is in[i - (k - 1 + j)]
    out[i] += h[0] * x[0] + h[1] * x[-1] + h[2] * x[-2] + h[3] * x[-3];
  }
}

// The tail's state: four diffusers and eight delay lines sharing one write index.
typedef struct {
  float *diffuser[N_DIFFUSERS];
  size_t diffuser_len[N_DIFFUSERS];
  float *line[N_LINES];
  size_t len[N_LINES];
  double gain[N_LINES], pole[N_LINES], lp[N_LINES];
  size_t w;
} Tail;

static void tail_init(Tail *t, float *work, double rate_hz)
{
  memset(work, 0, GS_BAND_ROOM_WORK * sizeof(float));
  const double alpha = T60_NYQ_S / T60_DC_S;
  for (unsigned i = 0; i < N_LINES; ++i) {
    t->line[i] = work + i * GS_BAND_ROOM_LINE;
    t->len[i] = (size_t)lround(LINE_MS[i] * 1e-3 * rate_hz);
    // Jot and Chaigne: g = 10^(-3 m / (fs T60(0))) per pass, and a one-pole
    // g (1 - b) / (1 - b z^-1) with b = ln(10)/4 log10(g) (1 - 1/alpha^2)
    // makes the decay time alpha T60(0) at Nyquist.
    t->gain[i] = pow(10.0, -3.0 * (double)t->len[i] / (rate_hz * T60_DC_S));
    t->pole[i] = log(10.0) / 4.0 * log10(t->gain[i]) * (1.0 - 1.0 / (alpha * alpha));
    t->lp[i] = 0.0;
  }
  for (unsigned i = 0; i < N_DIFFUSERS; ++i) {
    t->diffuser[i] = work + N_LINES * GS_BAND_ROOM_LINE + i * GS_BAND_ROOM_DIFFUSER;
    t->diffuser_len[i] = (size_t)lround(DIFFUSER_MS[i] * 1e-3 * rate_hz);
  }
  t->w = 0;
}

// One sample in; y gets the eight decorrelated outputs (the Hadamard mix
// that is also fed back). The matrix is H8 / sqrt(8): orthogonal, lossless.
static void tail_tick(Tail *t, double in, double y[N_LINES])
{
  // Schroeder allpass: v[n] = x[n] + g v[n-D], y[n] = v[n-D] - g v[n].
  for (unsigned i = 0; i < N_DIFFUSERS; ++i) {
    float *d = t->diffuser[i];
    const double old = d[(t->w - t->diffuser_len[i]) & DIFFUSER_MASK];
    const double v = in + DIFFUSER_GAIN * old;
    d[t->w & DIFFUSER_MASK] = (float)v;
    in = old - DIFFUSER_GAIN * v;
  }
  for (unsigned i = 0; i < N_LINES; ++i) {
    const double tap = t->line[i][(t->w - t->len[i]) & LINE_MASK];
    t->lp[i] = t->gain[i] * (1.0 - t->pole[i]) * tap + t->pole[i] * t->lp[i];
    y[i] = t->lp[i];
  }
  for (unsigned span = 1; span < N_LINES; span *= 2u) {  // fast Walsh-Hadamard
    for (unsigned i = 0; i < N_LINES; i += 2u * span) {
      for (unsigned j = i; j < i + span; ++j) {
        const double a = y[j], b = y[j + span];
        y[j] = a + b;
        y[j + span] = a - b;
      }
    }
  }
  const double scale = 1.0 / sqrt((double)N_LINES);
  for (unsigned i = 0; i < N_LINES; ++i) {
    y[i] *= scale;
    t->line[i][t->w & LINE_MASK] = (float)(y[i] + in);
  }
  ++t->w;
}

// The gain that gives output m the diffuse energy of an omni microphone,
// measured from the network's impulse response.
static void tail_calibrate(Tail *t, double rate_hz, double gain[N_LINES])
{
  const double volume = ROOM_X * ROOM_Y * ROOM_Z;
  const double rc_m = 0.057 * sqrt(volume / T60_DC_S);
  double energy[N_LINES] = {0};
  double y[N_LINES];
  const size_t len = (size_t)ceil(4.0 * T60_DC_S * rate_hz);  // to -120 dB
  for (size_t i = 0; i < len; ++i) {
    tail_tick(t, i == 0 ? 1.0 : 0.0, y);
    for (unsigned m = 0; m < N_LINES; ++m) {
      energy[m] += y[m] * y[m];
    }
  }
  for (unsigned m = 0; m < N_LINES; ++m) {
    gain[m] = sqrt(1.0 / (rc_m * rc_m) / energy[m]);
  }
}

// The mean of an emitter's squared directivity over all directions: the
// average over cos(psi) uniform in [-1, 1] (equal areas of the sphere), by
// the midpoint rule.
static double mean_square_directivity(const Emitter *e)
{
  const unsigned steps = 2000;
  double sum = 0.0;
  for (unsigned k = 0; k < steps; ++k) {
    const double c = -1.0 + (2.0 * k + 1.0) / steps;
    const double g = fmax(e->floor, e->a + (1.0 - e->a) * (e->both_ways ? fabs(c) : c));
    sum += g * g;
  }
  return sum / steps;
}

static void mix_tail(const float *const stems[GS_BAND_N_INSTRUMENTS], double rate_hz, size_t n,
                     float *const mics[GS_BAND_N_PARTS], float *work)
{
  Tail t;
  double gain[N_LINES];
  tail_init(&t, work, rate_hz);
  tail_calibrate(&t, rate_hz, gain);
  tail_init(&t, work, rate_hz);
  // Per microphone: its pattern's share of a diffuse field (a^2 + (1-a)^2/3),
  // its shield, and a pre-delay: the tail follows the nearest direct sound.
  double mic_gain[N_MICS];
  size_t pre[N_MICS];
  for (unsigned m = 0; m < N_MICS; ++m) {
    const Mic *mic = &MICS[m];
    const double a = mic->a;
    mic_gain[m] = gain[m] * sqrt(a * a + (1.0 - a) * (1.0 - a) / 3.0) * mic->shield;
    double nearest = INFINITY;
    for (unsigned s = 0; s < GS_BAND_N_INSTRUMENTS; ++s) {
      if (gs_band_room_is_acoustic((GsBandInstrument)s)) {
        nearest = fmin(nearest, norm(sub(mic->pos, EMITTERS[s].pos)));
      }
    }
    pre[m] = (size_t)lround(nearest / GS_BAND_SPEED_OF_SOUND_M_PER_S * rate_hz);
  }
  // An instrument feeds the room its power: the mean square of its
  // directivity over the sphere, relative to its axis (1 / Q).
  float power[GS_BAND_N_INSTRUMENTS] = {0};
  for (unsigned s = 0; s < GS_BAND_N_INSTRUMENTS; ++s) {
    power[s] = gs_band_room_is_acoustic((GsBandInstrument)s)
                   ? (float)sqrt(mean_square_directivity(&EMITTERS[s]))
                   : 0.0f;
  }
  double y[N_LINES];
  for (size_t i = 0; i < n; ++i) {
    double in = 0.0;
    for (unsigned s = 0; s < GS_BAND_N_INSTRUMENTS; ++s) {
      in += stems[s] ? power[s] * stems[s][i] : 0.0f;
    }
    tail_tick(&t, in, y);
    for (unsigned m = 0; m < N_MICS; ++m) {
      if (mics[MICS[m].part] && i + pre[m] < n) {
        mics[MICS[m].part][i + pre[m]] += (float)(mic_gain[m] * y[m]);
      }
    }
  }
}

void gs_band_room_mix(const float *const stems[GS_BAND_N_INSTRUMENTS], double rate_hz, size_t n,
                      float *const mics[GS_BAND_N_PARTS], float *work)
{
  for (unsigned m = 0; m < N_MICS; ++m) {
    float *out = mics[MICS[m].part];
    if (!out) {
      continue;
    }
    for (unsigned s = 0; s < GS_BAND_N_INSTRUMENTS; ++s) {
      if (!stems[s] || !gs_band_room_is_acoustic((GsBandInstrument)s)) {
        continue;
      }
      for (unsigned k = 0; k <= 6; ++k) {
        const Path p = path(&EMITTERS[s], &MICS[m], k, MICS[m].own == s);
        const double delay = p.delay_s * rate_hz;
        if (k == 6) {
          add_fractional(out, stems[s], n, delay, p.gain);
        } else {
          add_delayed(out, stems[s], n, (size_t)lround(delay), (float)p.gain);
        }
      }
    }
  }
  mix_tail(stems, rate_hz, n, mics, work);
}
