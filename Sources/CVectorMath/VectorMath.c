// Why this file is C: BayesianDL carries no unsafe build flags (other packages depend on
// it by version), so Swift code in it is compiled for the baseline of the target — SSE2,
// two doubles at a time, on x86-64. A C function may carry its own target attribute, so the
// kernels below are written once (always-inlined bodies) and compiled for AVX2 (four
// doubles at a time) and for the baseline, and the tanh also for AVX-512 (eight at a time);
// `cvm_uses_avx512` and `cvm_uses_avx2` pick one at run time.
//
// Why the copies agree bit for bit: every operation is an IEEE operation on doubles
// (+, −, ×, ÷, comparisons, bit masks), each rounded once, in the same order in every
// copy; lane width changes how many are done at once, never their order. Nothing is
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

// The same function at two widths (TanhLanes.h): four lanes (`tanh_body`), for AVX2 and the
// baseline, and eight, for AVX-512.
#define TANH_NAME tanh4
#define TANH_BUFFER tanh_body
#define TANH_VD v4d
#define TANH_VL v4l
#define TANH_SPLAT(x) splat(x)
#define TANH_SPLATL(x) splatl(x)
#define TANH_TARGET
#include "TanhLanes.h"

#if defined(__x86_64__)
typedef double v8d __attribute__((vector_size(64)));
typedef int64_t v8l __attribute__((vector_size(64)));
#define AVX512 __attribute__((target("avx2,avx512f")))

#define TANH_NAME tanh8
#define TANH_BUFFER tanh_avx512_body
#define TANH_VD v8d
#define TANH_VL v8l
#define TANH_SPLAT(x) ((v8d){x, x, x, x, x, x, x, x})
#define TANH_SPLATL(x) ((v8l){x, x, x, x, x, x, x, x})
#define TANH_TARGET AVX512
#include "TanhLanes.h"

AVX512 static void tanh_avx512(double *values, ptrdiff_t count) {
  tanh_avx512_body(values, count);
}
#endif

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

// `apply_tanh` is the copy's own tanh: a constant in each copy, so the call is direct.
INLINE double network_body(
    ptrdiff_t layers, const ptrdiff_t *sizes, const double *theta, const double *x,
    const double *targets, ptrdiff_t n, double *scratch, double *g,
    void (*apply_tanh)(double *, ptrdiff_t)) {
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
    if (l < layers - 1) apply_tanh(out, n * o);
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
  return network_body(layers, sizes, theta, x, targets, n, scratch, g, tanh_avx2);
}

// The AVX2 copy with AVX-512's eight-lane tanh, where most of the pass's time goes.
AVX512 static double network_avx512(
    ptrdiff_t layers, const ptrdiff_t *sizes, const double *theta, const double *x,
    const double *targets, ptrdiff_t n, double *scratch, double *g) {
  return network_body(layers, sizes, theta, x, targets, n, scratch, g, tanh_avx512);
}

// AVX2 in the processor (CPUID leaf 7) and the ymm registers saved by the operating system
// (OSXSAVE, then XCR0 bits 1 and 2); with `avx512`, AVX-512F as well and the opmask and zmm
// registers saved (XCR0 bits 5–7). Asked once: CPUID traps to the hypervisor in a VM.
static int detect(int avx512) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  if (!(c & bit_OSXSAVE) || !(c & bit_AVX)) return 0;
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  const unsigned saved = avx512 ? 0xE6 : 0x6;
  if ((lo & saved) != saved) return 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return (b & bit_AVX2) != 0 && (!avx512 || (b & bit_AVX512F) != 0);
}

static int detected(int *state, int avx512) {
  int known = __atomic_load_n(state, __ATOMIC_RELAXED);  // −1 unknown; a race only asks twice
  if (known < 0) {
    known = detect(avx512);
    __atomic_store_n(state, known, __ATOMIC_RELAXED);
  }
  return known;
}

int cvm_uses_avx2(void) {
  static int state = -1;
  return detected(&state, 0);
}

int cvm_uses_avx512(void) {
  static int state = -1;
  return detected(&state, 1);
}
#else
int cvm_uses_avx2(void) { return 0; }
int cvm_uses_avx512(void) { return 0; }
#endif

static void tanh_portable(double *values, ptrdiff_t count) { tanh_body(values, count); }

static double network_portable(
    ptrdiff_t layers, const ptrdiff_t *sizes, const double *theta, const double *x,
    const double *targets, ptrdiff_t n, double *scratch, double *g) {
  return network_body(layers, sizes, theta, x, targets, n, scratch, g, tanh_portable);
}

void cvm_tanh(double *values, ptrdiff_t count, CVMPath path) {
#if defined(__x86_64__)
  if (path == CVMPathAutomatic && cvm_uses_avx512()) {
    tanh_avx512(values, count);
    return;
  }
  if (path != CVMPathPortable && cvm_uses_avx2()) {
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
  if (path == CVMPathAutomatic && cvm_uses_avx512())
    return network_avx512(layers, sizes, theta, inputs, targets, count, scratch, gradient);
  if (path != CVMPathPortable && cvm_uses_avx2())
    return network_avx2(layers, sizes, theta, inputs, targets, count, scratch, gradient);
#endif
  return network_portable(layers, sizes, theta, inputs, targets, count, scratch, gradient);
}
