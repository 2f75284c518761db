// Adam's update in C, for the same reason as VectorMath.c: an AVX2 copy (four doubles at a
// time, and a four-lane square root and division, the step's bottleneck) beside the
// portable copy, picked at run time. Both copies, and the Swift loop they replace, do the
// same IEEE operations in the same order on every entry, each rounded once, so all three
// give the same bits; nothing is fused into a multiply-add (the pragmas).
#pragma clang fp contract(off)
#pragma STDC FP_CONTRACT OFF
#pragma clang diagnostic ignored "-Wpsabi"

#include "CVectorMath.h"

#include <string.h>

typedef double v4d __attribute__((vector_size(32)));

#define INLINE static inline __attribute__((always_inline))

// m ← β₁m + (1−β₁)g, v ← β₂v + ((1−β₂)g)g, θ ← θ − (s·m)/(√v·c + ε), g ← 0.
INLINE void adam_body(
    double *theta, double *g, double *m, double *v, ptrdiff_t n, double b1, double b2,
    double step, double c, double eps) {
  const double a1 = 1 - b1, a2 = 1 - b2;
  const v4d B1 = {b1, b1, b1, b1}, B2 = {b2, b2, b2, b2}, A1 = {a1, a1, a1, a1},
            A2 = {a2, a2, a2, a2}, S = {step, step, step, step}, C = {c, c, c, c},
            E = {eps, eps, eps, eps}, Z = {0, 0, 0, 0};
  ptrdiff_t i = 0;
  for (; i + 4 <= n; i += 4) {
    v4d gi, mi, vi, ti;
    memcpy(&gi, g + i, sizeof gi);
    memcpy(&mi, m + i, sizeof mi);
    memcpy(&vi, v + i, sizeof vi);
    memcpy(&ti, theta + i, sizeof ti);
    mi = B1 * mi + A1 * gi;
    vi = B2 * vi + (A2 * gi) * gi;
    ti = ti - (S * mi) / (__builtin_elementwise_sqrt(vi) * C + E);
    memcpy(m + i, &mi, sizeof mi);
    memcpy(v + i, &vi, sizeof vi);
    memcpy(theta + i, &ti, sizeof ti);
    memcpy(g + i, &Z, sizeof Z);
  }
  for (; i < n; i++) {
    const double gi = g[i];
    const double mi = b1 * m[i] + a1 * gi;
    const double vi = b2 * v[i] + (a2 * gi) * gi;
    m[i] = mi;
    v[i] = vi;
    theta[i] = theta[i] - (step * mi) / (__builtin_elementwise_sqrt(vi) * c + eps);
    g[i] = 0;
  }
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void adam_avx2(
    double *theta, double *g, double *m, double *v, ptrdiff_t n, double b1, double b2,
    double step, double c, double eps) {
  adam_body(theta, g, m, v, n, b1, b2, step, c, eps);
}
#endif

static void adam_portable(
    double *theta, double *g, double *m, double *v, ptrdiff_t n, double b1, double b2,
    double step, double c, double eps) {
  adam_body(theta, g, m, v, n, b1, b2, step, c, eps);
}

void cvm_adam_step(
    double *theta, double *gradient, double *first, double *second, ptrdiff_t count,
    double beta1, double beta2, double stepSize, double inverseRootCorrection2, double epsilon,
    CVMPath path) {
#if defined(__x86_64__)
  if (path != CVMPathPortable && cvm_uses_avx2()) {
    adam_avx2(
        theta, gradient, first, second, count, beta1, beta2, stepSize, inverseRootCorrection2,
        epsilon);
    return;
  }
#endif
  adam_portable(
      theta, gradient, first, second, count, beta1, beta2, stepSize, inverseRootCorrection2,
      epsilon);
}
