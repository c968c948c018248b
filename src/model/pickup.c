// SPDX-License-Identifier: ISC
// Passive instrument pickups: the catalogue, the circuit's analytic response
// and its realisation as a biquad.

#include "model/pickup.h"

#include <math.h>
#include <string.h>

static const double two_pi = 6.283185307179586476925;
static const double pi = 3.14159265358979323846;

// Figures typical of each class (published measurements of such pickups
// give L 2-3 H, R 5.5-7 kohm, 100-150 pF for a single coil; 4-5 H, 7.5-9
// kohm for a humbucker; 3-4.5 H, 7-9 kohm for a passive bass single coil).
// The pots are the instrument's own load: volume and tone at full, in
// parallel (250 kohm pots for single coils, 500 kohm for humbuckers).
static const GsPickupInfo pickups[] = {
  {"guitar-single", "a passive single-coil guitar pickup (Stratocaster class), 250 kohm pots",
   2.5, 6000.0, 110.0, 125000.0},
  {"guitar-humbucker", "a passive humbucking guitar pickup (PAF class), 500 kohm pots", 4.5,
   8200.0, 150.0, 250000.0},
  {"bass-passive", "a passive single-coil bass pickup (Jazz Bass class), 250 kohm pots", 4.0,
   8000.0, 150.0, 125000.0},
};

#define N_PICKUPS (sizeof(pickups) / sizeof(pickups[0]))

size_t gs_pickup_model_count(void)
{
  return N_PICKUPS;
}

const GsPickupInfo *gs_pickup_model_info(size_t index)
{
  return index < N_PICKUPS ? &pickups[index] : NULL;
}

const GsPickupInfo *gs_pickup_model_find(const char *name)
{
  for (size_t i = 0; name && i < N_PICKUPS; ++i) {
    if (!strcmp(pickups[i].name, name)) {
      return &pickups[i];
    }
  }
  return NULL;
}

GsPickupCircuit gs_pickup_circuit(const GsPickupInfo *p, double cable_pf, double input_ohm)
{
  const double load =
    p->pots_ohm > 0.0 ? 1.0 / (1.0 / p->pots_ohm + 1.0 / input_ohm) : input_ohm;
  return (GsPickupCircuit){
    .inductance_h = p->inductance_h,
    .resistance_ohm = p->resistance_ohm,
    .capacitance_f = (p->winding_pf + cable_pf) * 1e-12,
    .load_ohm = load,
  };
}

// The circuit. The coil is an EMF E in series with its resistance R and
// inductance L; at the jack it sees C (its winding capacitance plus the
// cable's) in parallel with the load R_L (the instrument's pots in parallel
// with the input impedance). With Z_s = R + sL and Z_p = R_L / (1 + s R_L C),
// the divider gives
//
//   H(s) = V / E = Z_p / (Z_s + Z_p)
//        = R_L / ((R + sL)(1 + s R_L C) + R_L)
//        = 1 / (L C s^2 + (R C + L / R_L) s + (1 + R / R_L)).
//
// So H is all-pole, second order: DC gain R_L / (R + R_L) (the divider of
// coil and load), natural frequency w_n = sqrt((1 + R/R_L) / (L C)) (close to
// 1 / sqrt(L C) when R << R_L) and Q = sqrt(L C (1 + R/R_L)) / (R C + L/R_L).
// A light load (1 Mohm) leaves L/R_L small: Q is high and the resonance a
// peak (bright). A heavy load (10 kohm) makes L/R_L dominate: Q falls far
// below 0.5, the resonance vanishes and the top rolls off from about
// R_L / (2 pi L) (dull, and quieter through the divider).
typedef struct {
  double a2, a1, a0;  // H(s) = 1 / (a2 s^2 + a1 s + a0)
} Poly;

static Poly circuit_poly(const GsPickupCircuit *c)
{
  const double l = c->inductance_h, r = c->resistance_ohm, cap = c->capacitance_f;
  const double rl = c->load_ohm;
  return (Poly){l * cap, r * cap + l / rl, 1.0 + r / rl};
}

// |H(j w)|^2 for w in rad/s.
static double analog_power(Poly p, double w)
{
  const double re = p.a0 - p.a2 * w * w;
  const double im = p.a1 * w;
  return 1.0 / (re * re + im * im);
}

double gs_pickup_magnitude_db(const GsPickupCircuit *c, double freq_hz)
{
  return 10.0 * log10(analog_power(circuit_poly(c), two_pi * freq_hz));
}

double gs_pickup_resonance_hz(const GsPickupCircuit *c)
{
  return 1.0 / (two_pi * sqrt(c->inductance_h * c->capacitance_f));
}

// The digital filter. The bilinear transform, even prewarped at the
// resonance, squeezes the whole analog frequency axis below Nyquist: at
// 48 kHz the guitar-single into 1 Mohm comes out 0.25 dB low at 5 kHz and
// 2.6 dB low at 10 kHz, and into 10 kohm 0.1 dB off at 1-2 kHz (its second,
// real pole lies near 28 kHz, beyond Nyquist). So the poles are mapped
// exactly instead (impulse invariance, z = e^(s T)) and the numerator is
// fitted to the circuit's magnitude, as in M. Vicanek, "Matched Second Order
// Digital Filters" (2016): with A(z) the mapped denominator, the squared
// magnitude the numerator must have, P(w) = |H(j w fs)|^2 |A(e^jw)|^2, is
// matched by c0 + c1 cos w + c2 cos 2w = |b0 + b1 e^-jw + b2 e^-2jw|^2 at
// w = 0, at the resonance (the prewarp point of the bilinear design, here
// the match point) and at pi, then factored:
//   b0 + b1 + b2 = sqrt(P(0)), b0 - b1 + b2 = sqrt(P(pi)), b0 b2 = c2 / 2.
// At 48 kHz this stays within 0.01 dB of the circuit to 5 kHz, 0.1 dB at
// 10 kHz and about 1 dB at 20 kHz, where the response is already 27 dB
// down (tests/unit/model/test_source.c measures it).
void gs_pickup_design(const GsPickupCircuit *c, double rate_hz, GsBiquad *bq)
{
  const Poly p = circuit_poly(c);
  const double t = 1.0 / rate_hz;
  // Poles (-a1 +- sqrt(a1^2 - 4 a2 a0)) / (2 a2): A(z) = 1 + d1 z^-1 + d2 z^-2
  // with d2 = e^((p1 + p2) T) = e^(-a1 T / a2) and d1 = -(e^(p1 T) + e^(p2 T)).
  const double sigma = -p.a1 / (2.0 * p.a2);
  const double disc = p.a1 * p.a1 - 4.0 * p.a2 * p.a0;
  const double spread = sqrt(fabs(disc)) / (2.0 * p.a2);
  const double d1 = -2.0 * exp(sigma * t) * (disc < 0.0 ? cos(spread * t) : cosh(spread * t));
  const double d2 = exp(2.0 * sigma * t);

  // P(w) at the three match points.
  const double wm = two_pi * fmin(gs_pickup_resonance_hz(c), 0.4 * rate_hz) / rate_hz;
  double pw[3];
  const double w[3] = {0.0, wm, pi};
  for (int i = 0; i < 3; ++i) {
    const double re = 1.0 + d1 * cos(w[i]) + d2 * cos(2.0 * w[i]);
    const double im = -d1 * sin(w[i]) - d2 * sin(2.0 * w[i]);
    pw[i] = analog_power(p, w[i] * rate_hz) * (re * re + im * im);
  }
  const double c1 = (pw[0] - pw[2]) / 2.0;
  const double c0_plus_c2 = (pw[0] + pw[2]) / 2.0;
  const double c2 = (pw[1] - c1 * cos(wm) - c0_plus_c2) / (cos(2.0 * wm) - 1.0);
  const double s0 = sqrt(pw[0]), s_pi = sqrt(pw[2]);
  const double b1 = (s0 - s_pi) / 2.0;
  const double sum = (s0 + s_pi) / 2.0;  // b0 + b2
  const double q = sum * sum - 2.0 * c2;
  // A numerator with real taps exists when q >= 0 (always, for the
  // catalogue and the documented ranges); otherwise b2 = 0 still matches
  // DC and Nyquist.
  const double root = q > 0.0 ? sqrt(q) : sum;
  const double b0 = (sum + root) / 2.0;
  const double b2 = (sum - root) / 2.0;
  gs_biquad_set_coefficients(bq, b0, b1, b2, d1, d2);
}
