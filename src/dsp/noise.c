// SPDX-License-Identifier: ISC
// Gaussian white noise (ziggurat) and pink noise (Kellett's filter).

#include "dsp/noise.h"

#include <math.h>

// The ziggurat method (Marsaglia and Tsang, "The Ziggurat Method for
// Generating Random Variables", J. Stat. Softw. 5(8), 2000, section 2 and
// the RNOR of its section 4) with n = 128 layers. Let f(x) = exp(-x^2 / 2),
// the unnormalised normal density. Its right half is covered by 128 regions of
// equal area v, stacked from the bottom:
//
//   layer 0      the base strip [0, r] x [0, f(r)] plus the tail under f
//                beyond r: v = r f(r) + integral from r to inf of f
//                = r f(r) + sqrt(pi / 2) erfc(r / sqrt 2);
//   layer i      for i = 1..127, the rectangle [0, x_i] x [f(x_i), f(x_i+1)]
//                with x_1 = r, so v = x_i (f(x_i+1) - f(x_i)), that is
//                x_i+1 = sqrt(-2 ln(f(x_i) + v / x_i)).
//
// r is the root for which the recursion ends exactly at the top, x_128 = 0
// (f(x_127) + v / x_127 = 1); bisection in long double gives
// r = 3.442619855896652 and v = 9.912563035336461e-3 (the paper's
// r = 3.442619855899, v = 9.91256303526217e-3, to its precision). Layer 0 is
// given the width x_0 = v / f(r) of a rectangle of height f(r) and area v, so
// that all 128 layers are picked with the same probability and sampled alike.
// gs_white_zig_x holds x_0..x_128 rounded to double and gs_white_zig_f holds
// f of those doubles (f[128] = f(0) = 1), both printed with 17 digits from
// the long double values; test_noise.c checks every entry against these
// equations.
//
// A draw: pick layer i uniformly and x = U x_i with U uniform in (-1, 1).
//   |x| < x_i+1   x is under f whatever the height in layer i: return it
//                 (97.2% of tries: a look-up, a multiply and a compare);
//   i = 0         x is in the tail: return r + a, sign of x, with Marsaglia's
//                 tail method (section 3: a = -ln(u1) / r, b = -ln(u2), until
//                 2b > a^2);
//   otherwise     x is in the wedge of layer i: pick a height y uniform in
//                 [f(x_i), f(x_i+1)], return x if y < f(x), else draw again.
const double gs_white_zig_x[129] = {
  3.7130862467403634, 3.4426198558966523, 3.2230849845786187, 3.0832288582142136,
  2.9786962526450171, 2.8943440070186708, 2.8231253505459666, 2.7611693723841539,
  2.7061135731187225, 2.6564064112581924, 2.6109722484286131, 2.5690336259216391,
  2.5300096723854666, 2.4934545220919508, 2.4590181774083502, 2.4264206455302118,
  2.3954342780074676, 2.3658713701139877, 2.3375752413355309, 2.310413683695002,
  2.2842740596736566, 2.2590595738653296, 2.2346863955870568, 2.2110814088747279,
  2.1881804320720204, 2.1659267937448408, 2.1442701823562613, 2.1231657086697902,
  2.1025731351849988, 2.0824562379877247, 2.0627822745039635, 2.0435215366506694,
  2.024646973372934, 2.0061338699589668, 1.9879595741230607, 1.9701032608497133,
  1.9525457295488888, 1.9352692282919002, 1.9182573008597321, 1.9014946531003176,
  1.8849670357028692, 1.8686611409895419, 1.8525645117230871, 1.8366654602533841,
  1.8209529965910052, 1.8054167642140488, 1.790046982594619, 1.7748343955807693,
  1.759770224894232, 1.7448461281083765, 1.7300541605582436, 1.7153867407081165,
  1.7008366185643009, 1.6863968467734862, 1.6720607540918522, 1.6578219209482075,
  1.6436741568569826, 1.6296114794646783, 1.6156280950371329, 1.601718380215277,
  1.5878768648844006, 1.5740982160167498, 1.5603772223598407, 1.5467087798535035,
  1.5330878776675561, 1.5195095847593707, 1.5059690368565504, 1.4924614237746154,
  1.4789819769830979, 1.4655259573357946, 1.4520886428822164, 1.4386653166774612,
  1.4252512545068616, 1.4118417124397602, 1.3984319141236063, 1.3850170377251487,
  1.3715922024197322, 1.3581524543224228, 1.344692751745713, 1.3312079496576765,
  1.317692783201343, 1.3041418501204216, 1.2905495919178731, 1.2769102735516997,
  1.2632179614460282, 1.2494664995643336, 1.2356494832544811, 1.2217602305309625,
  1.2077917504067577, 1.1937367078237722, 1.1795873846544607, 1.1653356361550469,
  1.150972842138976, 1.1364898520030755, 1.121876922572254, 1.1071236475235353,
  1.0922188768965537, 1.0771506248819376, 1.0619059636836194, 1.0464709007525803,
  1.0308302360564556, 1.0149673952392995, 0.99886423348064346, 0.98250080350276037,
  0.96585507938813064, 0.94890262549791193, 0.93161619660135386, 0.91396525100880177,
  0.89591535256623855, 0.87742742909771565, 0.85845684317805082, 0.83895221428120748,
  0.8188539066833177, 0.7980920606262748, 0.77658398787614835, 0.75423066443451003,
  0.73091191062188132, 0.70647961131360804, 0.68074791864590423, 0.65347863871504241,
  0.62435859730908827, 0.592962942441978, 0.55869217837551799, 0.52065603872514488,
  0.47743783725378786, 0.42654798630330515, 0.36287143102841829, 0.27232086470466388,
  0.0
};

const double gs_white_zig_f[129] = {
  0.001014352564128615, 0.0026696290839025019, 0.0055489952208164677, 0.0086244844129304745,
  0.011839478657982308, 0.015167298010672035, 0.018592102737165803, 0.022103304616111586,
  0.025693291936149606, 0.029356317440253833, 0.033087886146505166, 0.036884388786968779,
  0.040742868074790606, 0.044660862200872418, 0.048636295860284041, 0.05266740190350315,
  0.056752663481538554, 0.060890770348566346, 0.065080585213631859, 0.069321117394180273,
  0.073611501884754932, 0.077950982514654696, 0.08233889824295744, 0.086774671895542943,
  0.091257800827634752, 0.09578784912257815, 0.10036444102954555, 0.1049872554103545,
  0.10965602101581778, 0.11437051244988826, 0.11913054670871856, 0.12393598020398178,
  0.12878670619710395, 0.13368265258464765, 0.13862377998585104, 0.14361008009193296,
  0.14864157424369698, 0.15371831220958657, 0.15884037114093505, 0.16400785468492773,
  0.16922089223892478, 0.17447963833240235, 0.17978427212496209, 0.18513499701071343,
  0.1905320403209137, 0.19597565311811038, 0.20146611007620321, 0.2070037094418738,
  0.21258877307373608, 0.21822164655637061, 0.22390269938713386, 0.22963232523430274,
  0.23541094226572767, 0.24123899354775136, 0.24711694751469676, 0.25304529850976587,
  0.25902456739871077, 0.26505530225816198, 0.27113807914102528, 0.27727350292189773,
  0.28346220822601254, 0.28970486044581045, 0.29600215684985587, 0.30235482778947975,
  0.30876363800925194, 0.31522938806815753, 0.32175291587920857, 0.32833509837615238,
  0.33497685331697113, 0.34167914123501369, 0.34844296754987253, 0.35526938485154719,
  0.36215949537303316, 0.36911445366827517, 0.37613546951445442, 0.38322381105988362,
  0.39038080824138949, 0.39760785649804259, 0.40490642081148837, 0.41227804010702462,
  0.41972433205403825, 0.42724699830956236, 0.43484783025466189, 0.44252871528024662,
  0.45029164368692698, 0.458138716272872, 0.46607215269457103, 0.47409430069824965,
  0.48220764633483865, 0.49041482528932168, 0.49871863547658435, 0.50712205108130459,
  0.51562823824987214, 0.52424057267899282, 0.53296265938998766, 0.54179835503172413,
  0.55075179312105527, 0.55982741271069492, 0.56902999107472163, 0.57836468112670225,
  0.58783705444182055, 0.59745315095181228, 0.60721953663260497, 0.61714337082656245,
  0.6272324852578145, 0.63749547734314493, 0.64794182111855081, 0.65858200005865364,
  0.6694276673577062, 0.68049184100641436, 0.69178914344603593, 0.7033360990258174,
  0.71515150742047706, 0.7272569183545059, 0.7396772436833382, 0.75244155918570377,
  0.76558417390923594, 0.7791460859417032, 0.79317701178385924, 0.80773829469612113,
  0.82290721139526202, 0.83878360531064722, 0.85550060788506432, 0.87324304892685356,
  0.89228165080230271, 0.91304364799203808, 0.93628268170837103, 0.96359969315576754,
  1.0
};

static const double zig_r = 3.4426198558966523;  // gs_white_zig_x[1]

void gs_white_init(GsWhite *w, uint64_t seed)
{
  gs_prng_seed(&w->rng, seed);
}

// A uniform in (0, 1]: never 0, so its log is finite.
static double uniform_open0(GsPrng *rng)
{
  return ((double)gs_prng_next(rng) + 1.0) * 0x1p-32;
}

// The tail beyond r with the sign of x (Marsaglia and Tsang, section 3): an
// exponential a of rate r proposes r + a, accepted with probability
// exp(-a^2 / 2), which turns the density into f(r + a) / f(r).
static double tail(GsPrng *rng, double x)
{
  double a = 0.0, b = 0.0;
  do {
    a = -log(uniform_open0(rng)) / zig_r;
    b = -log(uniform_open0(rng));
  } while (b + b < a * a);
  return x < 0.0 ? -(zig_r + a) : zig_r + a;
}

// One unit normal deviate. One 32-bit draw per try: the top 7 bits pick the
// layer, the low 25 bits (where xoshiro128+'s weaker low bits only decide the
// last digits) give U = j / 2^25 for odd j in [-(2^25 - 1), 2^25 - 1], the
// midpoints of 2^25 equal cells of (-1, 1), symmetric and never 0. A rejected
// wedge draws again: 2.8% of tries reach a wedge or the tail, and with 128 v =
// 1.26881 against the sqrt(pi / 2) = 1.25331 under f, 1.2% are rejected: a
// deviate takes 1.012 tries on average. The loop ends with probability 1,
// not in bounded time, but a deviate needs a sixth try once in 3.7e9.
static double normal(GsPrng *rng)
{
  for (;;) {
    const uint32_t u = gs_prng_next(rng);
    const uint32_t i = u >> 25;
    const int32_t j = (int32_t)((u & 0x1ffffffu) << 1) - 0x1ffffff;
    const double x = (double)j * 0x1p-25 * gs_white_zig_x[i];
    if (fabs(x) < gs_white_zig_x[i + 1]) {
      return x;
    }
    if (i == 0) {
      return tail(rng, x);
    }
    const double y0 = gs_white_zig_f[i], y1 = gs_white_zig_f[i + 1];
    const double y = y0 + (y1 - y0) * ((double)gs_prng_next(rng) * 0x1p-32);
    if (y < exp(-0.5 * x * x)) {
      return x;
    }
  }
}

void gs_white_add(GsWhite *w, float rms, float *out, uint32_t n)
{
  GsPrng rng = w->rng;
  for (uint32_t i = 0; i < n; ++i) {
    out[i] += (float)(rms * normal(&rng));
  }
  w->rng = rng;
}

void gs_pink_init(GsPink *p, uint64_t seed)
{
  gs_prng_seed(&p->rng, seed);
  for (int i = 0; i < 7; ++i) {
    p->state[i] = 0.0;
  }
}

// Paul Kellett's "refined" pink filter (musicdsp.org, "Filter to make pink
// noise from white", 1999): six one-pole sections plus a direct and a delayed
// term, within +-0.05 dB of -3 dB/octave above about 10 Hz. The response is
// a function of f / rate_hz only, so it holds at every sample rate.
//
// With unit-variance white input its power between 20 Hz and 20 kHz is
// (1/pi) * integral of |H(e^jw)|^2 dw over that band = 6.9012 at 48 kHz
// (6.9021 at 44.1 kHz, 6.9048 at 96 kHz: equal power per octave does not
// depend on the rate), so the output is scaled by 1/sqrt(6.9012) for RMS 1
// in the audio band. test_noise.c measures both the slope and the RMS.
static const double pink_band_power = 6.9012;

// Uniform in [-1, 1) has variance 1/3: sqrt(3) makes it unit variance.
static const double sqrt3 = 1.7320508075688772;

void gs_pink_add(GsPink *p, float rms, float *out, uint32_t n)
{
  const double scale = rms / sqrt(pink_band_power);
  double b0 = p->state[0], b1 = p->state[1], b2 = p->state[2], b3 = p->state[3];
  double b4 = p->state[4], b5 = p->state[5], b6 = p->state[6];
  for (uint32_t i = 0; i < n; ++i) {
    const double white = sqrt3 * gs_prng_uniform(&p->rng);
    b0 = 0.99886 * b0 + white * 0.0555179;
    b1 = 0.99332 * b1 + white * 0.0750759;
    b2 = 0.96900 * b2 + white * 0.1538520;
    b3 = 0.86650 * b3 + white * 0.3104856;
    b4 = 0.55000 * b4 + white * 0.5329522;
    b5 = -0.7616 * b5 - white * 0.0168980;
    const double pink = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362;
    b6 = white * 0.115926;
    out[i] += (float)(scale * pink);
  }
  p->state[0] = b0;
  p->state[1] = b1;
  p->state[2] = b2;
  p->state[3] = b3;
  p->state[4] = b4;
  p->state[5] = b5;
  p->state[6] = b6;
}
