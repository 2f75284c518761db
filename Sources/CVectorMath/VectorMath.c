// Why this file is C: BayesianDL carries no unsafe build flags (other packages depend on
// it by version), so Swift code in it is compiled for the baseline of the target — SSE2,
// two doubles at a time, on x86-64. A C function may carry its own target attribute, so the
// kernels below are written once (always-inlined bodies) and compiled twice: for AVX2
// (four doubles at a time) and for the baseline, and `cvm_uses_avx2` picks one at run time.
//
// Why the two copies agree bit for bit: every operation is an IEEE operation on doubles
// (+, −, ×, ÷, comparisons, bit masks), each rounded once, in the same order in both
// copies; lane width changes how many are done at once, never their order. Nothing is
// contracted into fused multiply-adds (the pragma below: clang fuses a·b + c by default
// where the target has FMA, which the AVX2 copy would and the SSE2 copy would not), and
// reductions use four explicit partial sums, never a compiler's reassociation.
#pragma clang fp contract(off)
#pragma STDC FP_CONTRACT OFF
// The 32-byte vectors below are passed only between always-inlined functions, never across
// a call, so the warning that their calling convention differs without AVX does not apply.
#pragma clang diagnostic ignored "-Wpsabi"

#include "CVectorMath.h"

#include <stdint.h>
#include <string.h>

typedef double v4d __attribute__((vector_size(32)));
typedef int64_t v4l __attribute__((vector_size(32)));

#define INLINE static inline __attribute__((always_inline))

INLINE v4d load4(const double *p) {
  v4d v;
  memcpy(&v, p, sizeof v);
  return v;
}

INLINE void store4(double *p, v4d v) { memcpy(p, &v, sizeof v); }

INLINE v4d splat(double x) { return (v4d){x, x, x, x}; }

INLINE v4l splatl(int64_t x) { return (v4l){x, x, x, x}; }

// MARK: tanh

// tanh|x| = −u / (2 + u) with u = expm1(−2|x|): one polynomial and one division for every
// argument (no branch between a small-argument and a large-argument formula). expm1(y) for
// −40 ≤ y ≤ 0 by y = k ln 2 + r, |r| ≤ ½ ln 2: expm1(y) = 2^k expm1(r) + (2^k − 1), with
// expm1(r) = r + r² q(r) by its Taylor series to r¹³/13! (remainder below 10⁻¹⁷ r). Below
// y = −40 the answer rounds to 1, so y is clamped there (which also maps ±∞ to ±1).
INLINE v4d tanh4(v4d x) {
  const v4l sign = splatl(INT64_MIN);
  const v4l bits = (v4l)x;
  const v4d a = (v4d)(bits & ~sign);
  v4d y = splat(-2.0) * a;
  const v4l clamp = y < splat(-40.0);  // NaN compares false and stays NaN
  y = (v4d)((clamp & (v4l)splat(-40.0)) | (~clamp & (v4l)y));
  // k = round(y / ln 2) by the 1.5 × 2⁵² trick: the sum's low bits are k.
  const v4d magic = splat(6755399441055744.0);
  const v4d shifted = y * splat(1.4426950408889634) + magic;
  const v4d k = shifted - magic;
  const v4d r = (y - k * splat(6.93147180369123816490e-1)) - k * splat(1.90821492927058770002e-10);
  // q(r) = Σ_{j=2}^{13} r^{j−2}/j! by Estrin's scheme: pairs, then pairs of pairs, so the
  // chain of dependent operations is four deep instead of Horner's twelve (the loop is
  // bound by that latency, not by the number of operations).
  const v4d r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const v4d a0 = splat(1.0 / 2.0) + r * splat(1.0 / 6.0);
  const v4d a1 = splat(1.0 / 24.0) + r * splat(1.0 / 120.0);
  const v4d a2 = splat(1.0 / 720.0) + r * splat(1.0 / 5040.0);
  const v4d a3 = splat(1.0 / 40320.0) + r * splat(1.0 / 362880.0);
  const v4d a4 = splat(1.0 / 3628800.0) + r * splat(1.0 / 39916800.0);
  const v4d a5 = splat(1.0 / 479001600.0) + r * splat(1.0 / 6227020800.0);
  const v4d q = ((a0 + a1 * r2) + (a2 + a3 * r2) * r4) + (a4 + a5 * r2) * r8;
  const v4d p = r + r2 * q;
  // 2^k from the exponent bits (−58 ≤ k ≤ 0: always a normal number).
  const v4d scale = (v4d)((((v4l)shifted) + splatl(1023)) << 52);
  const v4d u = scale * p + (scale - splat(1.0));
  const v4d t = -u / (splat(2.0) + u);
  // |t| then x's sign (t would be −0 at x = +0).
  return (v4d)(((v4l)t & ~sign) | (bits & sign));
}

INLINE void tanh_body(double *values, ptrdiff_t count) {
  ptrdiff_t i = 0;
  for (; i + 4 <= count; i += 4) store4(values + i, tanh4(load4(values + i)));
  if (i < count) {  // the remainder, in zero-padded lanes
    double lanes[4] = {0, 0, 0, 0};
    memcpy(lanes, values + i, (size_t)(count - i) * sizeof(double));
    store4(lanes, tanh4(load4(lanes)));
    memcpy(values + i, lanes, (size_t)(count - i) * sizeof(double));
  }
}

// MARK: Network

// y[k·stride] += a · x[k]  (element by element: the same in every lane width).
INLINE void axpy(double *y, ptrdiff_t stride, double a, const double *x, ptrdiff_t n) {
  ptrdiff_t k = 0;
  if (stride == 1) {
    const v4d av = splat(a);
    for (; k + 4 <= n; k += 4) store4(y + k, load4(y + k) + av * load4(x + k));
  }
  for (; k < n; k++) y[k * stride] += a * x[k];
}

// Σ_k a[k] · b[k·stride], in four partial sums (lane k mod 4), added as (s0 + s1) + (s2 + s3).
INLINE double dot(const double *a, const double *b, ptrdiff_t stride, ptrdiff_t n) {
  v4d s = splat(0.0);
  ptrdiff_t k = 0;
  if (stride == 1) {
    for (; k + 4 <= n; k += 4) s += load4(a + k) * load4(b + k);
  } else {
    for (; k + 4 <= n; k += 4) {
      const v4d bk = {b[k * stride], b[(k + 1) * stride], b[(k + 2) * stride], b[(k + 3) * stride]};
      s += load4(a + k) * bk;
    }
  }
  double sum = (s[0] + s[1]) + (s[2] + s[3]);
  for (; k < n; k++) sum += a[k] * b[k * stride];
  return sum;
}

// v[j] ×= 1 − h[j]², the derivative of tanh at the unit whose output is h.
INLINE void tanh_derivative(double *v, const double *h, ptrdiff_t n) {
  ptrdiff_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const v4d hj = load4(h + j);
    store4(v + j, load4(v + j) * (splat(1.0) - hj * hj));
  }
  for (; j < n; j++) v[j] *= 1 - h[j] * h[j];
}

// y[k] = b[k] + a · x[k].
INLINE void bias_plus(double *y, const double *b, double a, const double *x, ptrdiff_t n) {
  ptrdiff_t k = 0;
  const v4d av = splat(a);
  for (; k + 4 <= n; k += 4) store4(y + k, load4(b + k) + av * load4(x + k));
  for (; k < n; k++) y[k] = b[k] + a * x[k];
}

// v[j] = (d · w[j]) × (1 − h[j]²): the δ below a layer with one output.
INLINE void backpropagate_one(double *v, double d, const double *w, const double *h, ptrdiff_t n) {
  ptrdiff_t j = 0;
  const v4d dv = splat(d);
  for (; j + 4 <= n; j += 4) {
    const v4d hj = load4(h + j);
    store4(v + j, (dv * load4(w + j)) * (splat(1.0) - hj * hj));
  }
  for (; j < n; j++) v[j] = (d * w[j]) * (1 - h[j] * h[j]);
}

INLINE double network_body(
    ptrdiff_t layers, const ptrdiff_t *sizes, const double *theta, const double *x,
    const double *targets, ptrdiff_t n, double *scratch, double *g) {
  ptrdiff_t widest = 0, activationCount = 0;
  for (ptrdiff_t l = 0; l <= layers; l++) widest = sizes[l] > widest ? sizes[l] : widest;
  for (ptrdiff_t l = 1; l <= layers; l++) activationCount += n * sizes[l];
  double *const act = scratch;  // each layer's output, one after the other
  double *current = scratch + activationCount, *next = current + n * widest;
  // Forward: out = h W + b, tanh on the hidden layers.
  const double *h = x, *w = theta;
  double *out = act;
  for (ptrdiff_t l = 0; l < layers; l++) {
    const ptrdiff_t i = sizes[l], o = sizes[l + 1];
    const double *b = w + i * o;
    for (ptrdiff_t r = 0; r < n; r++) {
      double *row = out + r * o;
      const double *hr = h + r * i;
      if (i == 0) {  // no inputs: the bias alone
        memcpy(row, b, (size_t)o * sizeof(double));
      } else if (o >= i) {  // wide: the rows of W added in turn
        bias_plus(row, b, hr[0], w, o);
        for (ptrdiff_t j = 1; j < i; j++) axpy(row, 1, hr[j], w + j * o, o);
      } else {  // narrow: one dot product per output
        for (ptrdiff_t k = 0; k < o; k++) row[k] = b[k] + dot(hr, w + k, o, i);
      }
    }
    if (l < layers - 1) tanh_body(out, n * o);
    h = out;
    out += n * o;
    w = b + o;
  }
  // δ = f − y at the output; the misfit ½ Σ δ².
  const ptrdiff_t outputs = sizes[layers];
  double misfit = 0;
  for (ptrdiff_t k = 0; k < n * outputs; k++) {
    const double residual = h[k] - targets[k];
    current[k] = residual;
    misfit += residual * residual;
  }
  // Backward, from the last layer: w and out step back layer by layer.
  out = act + activationCount;
  w = theta;
  for (ptrdiff_t l = 0; l < layers; l++) w += (sizes[l] + 1) * sizes[l + 1];
  for (ptrdiff_t l = layers - 1; l >= 0; l--) {
    const ptrdiff_t i = sizes[l], o = sizes[l + 1];
    w -= (i + 1) * o;
    out -= n * o;
    const double *hl = l == 0 ? x : out - n * i;  // this layer's input
    double *gw = g + (w - theta), *gb = gw + i * o;
    for (ptrdiff_t r = 0; r < n; r++) {
      const double *dr = current + r * o, *hr = hl + r * i;
      axpy(gb, 1, 1.0, dr, o);
      if (o >= i) {
        for (ptrdiff_t j = 0; j < i; j++) axpy(gw + j * o, 1, hr[j], dr, o);
      } else {
        for (ptrdiff_t k = 0; k < o; k++) axpy(gw + k, o, dr[k], hr, i);
      }
    }
    if (l == 0) break;
    // δ below = (δ Wᵀ) ⊙ (1 − h²), h the tanh output feeding this layer.
    for (ptrdiff_t r = 0; r < n; r++) {
      const double *dr = current + r * o, *hr = hl + r * i;
      double *nr = next + r * i;
      if (o == 1) {  // one output: a multiple of W's column
        backpropagate_one(nr, dr[0], w, hr, i);
      } else {
        for (ptrdiff_t j = 0; j < i; j++) nr[j] = dot(dr, w + j * o, 1, o);
        tanh_derivative(nr, hr, i);
      }
    }
    double *swap = current;
    current = next;
    next = swap;
  }
  return 0.5 * misfit;
}

// MARK: Dispatch

#if defined(__x86_64__)
#include <cpuid.h>

__attribute__((target("avx2"))) static void tanh_avx2(double *values, ptrdiff_t count) {
  tanh_body(values, count);
}

__attribute__((target("avx2"))) static double network_avx2(
    ptrdiff_t layers, const ptrdiff_t *sizes, const double *theta, const double *x,
    const double *targets, ptrdiff_t n, double *scratch, double *g) {
  return network_body(layers, sizes, theta, x, targets, n, scratch, g);
}

// AVX2 in the processor (CPUID leaf 7) and the ymm registers saved by the operating system
// (OSXSAVE, then XCR0 bits 1 and 2). Asked once: CPUID traps to the hypervisor in a VM.
static int detect_avx2(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  if (!(c & bit_OSXSAVE) || !(c & bit_AVX)) return 0;
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  if ((lo & 6) != 6) return 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return (b & bit_AVX2) != 0;
}

int cvm_uses_avx2(void) {
  static int state = -1;  // −1 unknown; a race only asks twice
  int known = __atomic_load_n(&state, __ATOMIC_RELAXED);
  if (known < 0) {
    known = detect_avx2();
    __atomic_store_n(&state, known, __ATOMIC_RELAXED);
  }
  return known;
}
#else
int cvm_uses_avx2(void) { return 0; }
#endif

static void tanh_portable(double *values, ptrdiff_t count) { tanh_body(values, count); }

static double network_portable(
    ptrdiff_t layers, const ptrdiff_t *sizes, const double *theta, const double *x,
    const double *targets, ptrdiff_t n, double *scratch, double *g) {
  return network_body(layers, sizes, theta, x, targets, n, scratch, g);
}

void cvm_tanh(double *values, ptrdiff_t count, CVMPath path) {
#if defined(__x86_64__)
  if (path == CVMPathAutomatic && cvm_uses_avx2()) {
    tanh_avx2(values, count);
    return;
  }
#endif
  tanh_portable(values, count);
}

double cvm_tanh_network_misfit(
    ptrdiff_t layers, const ptrdiff_t *sizes, const double *theta, const double *inputs,
    const double *targets, ptrdiff_t count, double *scratch, double *gradient, CVMPath path) {
#if defined(__x86_64__)
  if (path == CVMPathAutomatic && cvm_uses_avx2())
    return network_avx2(layers, sizes, theta, inputs, targets, count, scratch, gradient);
#endif
  return network_portable(layers, sizes, theta, inputs, targets, count, scratch, gradient);
}
