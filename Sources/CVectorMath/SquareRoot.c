// The square root with its derivative, for the tape's `sqrt`, in C for the same reason as
// VectorMath.c: Swift's `squareRoot()` compiles to a scalar square root followed by a call
// into the C library for negative arguments (to set errno), which keeps a loop from being
// vectorised. A square root and a division are correctly rounded IEEE operations, so the
// AVX2 copy, the portable copy and the Swift loop they replace give the same bits.
#pragma clang fp contract(off)
#pragma STDC FP_CONTRACT OFF
#pragma clang diagnostic ignored "-Wpsabi"

#include "CVectorMath.h"

#include <string.h>

typedef double v4d __attribute__((vector_size(32)));

#define INLINE static inline __attribute__((always_inline))

// y = √x, slope = 0.5 / y.
INLINE void square_root_body(const double *x, double *y, double *slope, ptrdiff_t n) {
  const v4d half = {0.5, 0.5, 0.5, 0.5};
  ptrdiff_t i = 0;
  for (; i + 4 <= n; i += 4) {
    v4d xi;
    memcpy(&xi, x + i, sizeof xi);
    const v4d yi = __builtin_elementwise_sqrt(xi);
    memcpy(y + i, &yi, sizeof yi);
    if (slope) {
      const v4d si = half / yi;
      memcpy(slope + i, &si, sizeof si);
    }
  }
  for (; i < n; i++) {
    y[i] = __builtin_elementwise_sqrt(x[i]);
    if (slope) slope[i] = 0.5 / y[i];
  }
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void square_root_avx2(
    const double *x, double *y, double *slope, ptrdiff_t n) {
  square_root_body(x, y, slope, n);
}
#endif

static void square_root_portable(const double *x, double *y, double *slope, ptrdiff_t n) {
  square_root_body(x, y, slope, n);
}

void cvm_square_root(
    const double *values, double *roots, double *halfReciprocals, ptrdiff_t count,
    CVMPath path) {
#if defined(__x86_64__)
  if (path != CVMPathPortable && cvm_uses_avx2()) {
    square_root_avx2(values, roots, halfReciprocals, count);
    return;
  }
#endif
  square_root_portable(values, roots, halfReciprocals, count);
}
