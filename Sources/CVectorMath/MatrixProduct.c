// The matrix product C ← α·op(A)·op(B) + C for the small matrices of the course, in the
// same bits as OpenBLAS's Haswell kernels (the ones the Makefile pins), without their
// per-call costs: OpenBLAS copies both factors into packed buffers and takes a lock for
// those buffers on every call, which for a 32×13 by 13×50 product costs more than the
// arithmetic.
//
// Why the bits agree: OpenBLAS's Haswell kernel keeps one accumulator per element of C and
// adds the products a_ip·b_pj into it with fused multiply-adds in the order p = 0, 1, …;
// it then adds α times the accumulator to C. A long inner dimension is cut into blocks
// (at most GEMM_Q = 256 deep; between 256 and 512 it is halved, rounded up to a multiple
// of the kernel's 4 columns), and each block's accumulator is added to C in turn. One
// exception: the last row of an odd number of rows has its own kernel there, with four
// partial sums (see odd_last_row). This file does the same operations in the same order; only which elements are computed side
// by side differs, and that never changes a result. The tests compare the two bit for
// bit across shapes, transposes, α and block boundaries.
//
// Only the AVX2-and-FMA copy exists: on a processor without them, OpenBLAS picks other
// kernels with other bits anyway, and the Swift side calls OpenBLAS there.
#pragma clang fp contract(off)
#pragma STDC FP_CONTRACT OFF
#pragma clang diagnostic ignored "-Wpsabi"

#include "CVectorMath.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

#define KERNEL static inline __attribute__((always_inline, target("avx2,fma")))

// OpenBLAS's blocking of the inner dimension (driver/level3/level3.c with the Haswell
// parameters): GEMM_Q = 256, and the unroll of the dimension it splits is 4.
enum { blockDepth = 256, depthUnroll = 4 };

static ptrdiff_t next_block_depth(ptrdiff_t remaining) {
  if (remaining >= 2 * blockDepth) return blockDepth;
  if (remaining > blockDepth)
    return ((remaining / 2 + depthUnroll - 1) / depthUnroll) * depthUnroll;
  return remaining;
}

// rows × (up to 8) columns of C, from `depth` steps of the inner dimension. `a` points at
// op(A)[i, p0], stepping `aRow` between rows and `aStep` along p; `b` at op(B)[p0, j] with
// rows `bRow` apart. `mask0`/`mask1` select the live columns of the two 4-wide halves.
KERNEL void block(
    int rows, const double *a, ptrdiff_t aRow, ptrdiff_t aStep, const double *b,
    ptrdiff_t bRow, ptrdiff_t depth, double alpha, double *c, ptrdiff_t cRow, __m256i mask0,
    __m256i mask1, int wide, int full, int overwrite) {
  __m256d acc[4][2];
  for (int r = 0; r < 4; r++) {
    acc[r][0] = _mm256_setzero_pd();
    acc[r][1] = _mm256_setzero_pd();
  }
  for (ptrdiff_t p = 0; p < depth; p++) {
    const double *bp = b + p * bRow;
    const __m256d b0 = full ? _mm256_loadu_pd(bp) : _mm256_maskload_pd(bp, mask0);
    const __m256d b1 = !wide ? _mm256_setzero_pd()
                       : full ? _mm256_loadu_pd(bp + 4)
                              : _mm256_maskload_pd(bp + 4, mask1);
    for (int r = 0; r < 4; r++) {
      if (r < rows) {
        const __m256d ar = _mm256_broadcast_sd(a + r * aRow + p * aStep);
        acc[r][0] = _mm256_fmadd_pd(ar, b0, acc[r][0]);
        if (wide) acc[r][1] = _mm256_fmadd_pd(ar, b1, acc[r][1]);
      }
    }
  }
  const __m256d scale = _mm256_set1_pd(alpha);
  for (int r = 0; r < 4; r++) {
    if (r < rows) {
      double *cr = c + r * cRow;
      if (full) {
        const __m256d c0 = overwrite ? _mm256_setzero_pd() : _mm256_loadu_pd(cr);
        _mm256_storeu_pd(cr, _mm256_add_pd(c0, _mm256_mul_pd(scale, acc[r][0])));
        if (wide) {
          const __m256d c1 = overwrite ? _mm256_setzero_pd() : _mm256_loadu_pd(cr + 4);
          _mm256_storeu_pd(cr + 4, _mm256_add_pd(c1, _mm256_mul_pd(scale, acc[r][1])));
        }
      } else {
        __m256d c0 = overwrite ? _mm256_setzero_pd() : _mm256_maskload_pd(cr, mask0);
        c0 = _mm256_add_pd(c0, _mm256_mul_pd(scale, acc[r][0]));
        _mm256_maskstore_pd(cr, mask0, c0);
        if (wide) {
          __m256d c1 = overwrite ? _mm256_setzero_pd() : _mm256_maskload_pd(cr + 4, mask1);
          c1 = _mm256_add_pd(c1, _mm256_mul_pd(scale, acc[r][1]));
          _mm256_maskstore_pd(cr + 4, mask1, c1);
        }
      }
    }
  }
}

// The mask of the first `live` lanes (0…4).
KERNEL __m256i lanes(ptrdiff_t live) {
  const __m256i index = _mm256_setr_epi64x(0, 1, 2, 3);
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(live), index);
}

// One column strip [j, j + 8) of C over every row, for one block of the inner dimension.
// Compiled separately for 1–4 rows and narrow/wide strips so the loops above unroll.
#define STRIP(ROWS, WIDE, FULL)                                                            \
  __attribute__((target("avx2,fma"))) static void strip_##ROWS##_##WIDE##_##FULL(          \
      const double *a, ptrdiff_t aRow, ptrdiff_t aStep, const double *b, ptrdiff_t bRow,  \
      ptrdiff_t depth, double alpha, double *c, ptrdiff_t cRow, __m256i mask0,             \
      __m256i mask1, int overwrite) {                                                      \
    block(                                                                                 \
        ROWS, a, aRow, aStep, b, bRow, depth, alpha, c, cRow, mask0, mask1, WIDE, FULL,    \
        overwrite);                                                                        \
  }
STRIP(4, 1, 1)
STRIP(3, 1, 1)
STRIP(2, 1, 1)
STRIP(1, 1, 1)
STRIP(4, 1, 0)
STRIP(3, 1, 0)
STRIP(2, 1, 0)
STRIP(1, 1, 0)
STRIP(4, 0, 0)
STRIP(3, 0, 0)
STRIP(2, 0, 0)
STRIP(1, 0, 0)

// The last row of C when C has an odd number of rows, over its first `columns` columns (a
// multiple of 4): OpenBLAS computes it with a kernel that spreads the inner dimension over
// four accumulators, p mod 4, for the first multiple of 8 steps, puts the rest into the
// first, and adds them as (s₀ + s₁) + (s₂ + s₃).
__attribute__((target("avx2,fma"))) static void odd_last_row(
    const double *a, ptrdiff_t aStep, const double *b, ptrdiff_t bRow, ptrdiff_t depth,
    double alpha, double *c, ptrdiff_t columns, int overwrite) {
  const ptrdiff_t unrolled = depth / 8 * 8;
  const __m256d scale = _mm256_set1_pd(alpha);
  for (ptrdiff_t j = 0; j < columns; j += 4) {
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    ptrdiff_t p = 0;
    for (; p < unrolled; p += 4) {
      s0 = _mm256_fmadd_pd(_mm256_broadcast_sd(a + p * aStep), _mm256_loadu_pd(b + p * bRow + j), s0);
      s1 = _mm256_fmadd_pd(_mm256_broadcast_sd(a + (p + 1) * aStep), _mm256_loadu_pd(b + (p + 1) * bRow + j), s1);
      s2 = _mm256_fmadd_pd(_mm256_broadcast_sd(a + (p + 2) * aStep), _mm256_loadu_pd(b + (p + 2) * bRow + j), s2);
      s3 = _mm256_fmadd_pd(_mm256_broadcast_sd(a + (p + 3) * aStep), _mm256_loadu_pd(b + (p + 3) * bRow + j), s3);
    }
    for (; p < depth; p++)
      s0 = _mm256_fmadd_pd(_mm256_broadcast_sd(a + p * aStep), _mm256_loadu_pd(b + p * bRow + j), s0);
    const __m256d sum = _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3));
    const __m256d cj = overwrite ? _mm256_setzero_pd() : _mm256_loadu_pd(c + j);
    _mm256_storeu_pd(c + j, _mm256_add_pd(cj, _mm256_mul_pd(scale, sum)));
  }
}

// C ← C + α·op(A)·b for a single column b (n = 1): each element is one sequential chain,
// so the tiles above would use one lane in four. Here four rows share a vector instead:
// with op(A) = Aᵀ their elements are adjacent in memory; with op(A) = A, four rows' next
// four elements are loaded and transposed in registers. Four such groups run side by side
// so that the multiply-add latency is hidden.
__attribute__((target("avx2,fma"))) static void column_product(
    int transposeA, ptrdiff_t m, ptrdiff_t k, double alpha, const double *a, ptrdiff_t lda,
    const double *b, ptrdiff_t ldb, double *c, ptrdiff_t ldc, int overwrite) {
  const __m256d scale = _mm256_set1_pd(alpha);
  ptrdiff_t i = 0;
  while (m - i >= 4) {
    const int groups = m - i >= 16 ? 4 : (int)((m - i) / 4);
    __m256d acc[4] = {_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(),
                      _mm256_setzero_pd()};
    if (transposeA) {
      for (ptrdiff_t p = 0; p < k; p++) {
        const __m256d bp = _mm256_broadcast_sd(b + p * ldb);
        for (int g = 0; g < 4; g++)
          if (g < groups)
            acc[g] = _mm256_fmadd_pd(_mm256_loadu_pd(a + p * lda + i + 4 * g), bp, acc[g]);
      }
    } else {
      ptrdiff_t p = 0;
      for (; p + 4 <= k; p += 4) {
        const __m256d b0 = _mm256_broadcast_sd(b + p * ldb);
        const __m256d b1 = _mm256_broadcast_sd(b + (p + 1) * ldb);
        const __m256d b2 = _mm256_broadcast_sd(b + (p + 2) * ldb);
        const __m256d b3 = _mm256_broadcast_sd(b + (p + 3) * ldb);
        for (int g = 0; g < 4; g++) {
          if (g < groups) {
            const double *row = a + (i + 4 * g) * lda + p;
            // rᵣ = A[i + r, p…p+3]; the transpose gives column q = A[i…i+3, p + q].
            const __m256d r0 = _mm256_loadu_pd(row), r1 = _mm256_loadu_pd(row + lda);
            const __m256d r2 = _mm256_loadu_pd(row + 2 * lda), r3 = _mm256_loadu_pd(row + 3 * lda);
            const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
            const __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
            const __m256d q0 = _mm256_permute2f128_pd(t0, t2, 0x20);
            const __m256d q1 = _mm256_permute2f128_pd(t1, t3, 0x20);
            const __m256d q2 = _mm256_permute2f128_pd(t0, t2, 0x31);
            const __m256d q3 = _mm256_permute2f128_pd(t1, t3, 0x31);
            acc[g] = _mm256_fmadd_pd(q0, b0, acc[g]);
            acc[g] = _mm256_fmadd_pd(q1, b1, acc[g]);
            acc[g] = _mm256_fmadd_pd(q2, b2, acc[g]);
            acc[g] = _mm256_fmadd_pd(q3, b3, acc[g]);
          }
        }
      }
      for (; p < k; p++) {
        const __m256d bp = _mm256_broadcast_sd(b + p * ldb);
        for (int g = 0; g < 4; g++) {
          if (g < groups) {
            const double *column = a + (i + 4 * g) * lda + p;
            const __m256d q = _mm256_setr_pd(column[0], column[lda], column[2 * lda], column[3 * lda]);
            acc[g] = _mm256_fmadd_pd(q, bp, acc[g]);
          }
        }
      }
    }
    for (int g = 0; g < groups; g++) {
      double lanes[4];
      _mm256_storeu_pd(lanes, _mm256_mul_pd(scale, acc[g]));
      for (int r = 0; r < 4; r++) {
        double *cr = c + (i + 4 * g + r) * ldc;
        *cr = (overwrite ? 0.0 : *cr) + lanes[r];
      }
    }
    i += 4 * groups;
  }
  // The last rows (fewer than four), one chain each.
  for (; i < m; i++) {
    double sum = 0;
    for (ptrdiff_t p = 0; p < k; p++) {
      const double x = transposeA ? a[p * lda + i] : a[i * lda + p];
      sum = __builtin_fma(x, b[p * ldb], sum);
    }
    c[i * ldc] = (overwrite ? 0.0 : c[i * ldc]) + alpha * sum;
  }
}

typedef void (*StripKernel)(
    const double *, ptrdiff_t, ptrdiff_t, const double *, ptrdiff_t, ptrdiff_t, double,
    double *, ptrdiff_t, __m256i, __m256i, int);

__attribute__((target("avx2,fma"))) static void product_avx2(
    int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, double alpha,
    const double *a, ptrdiff_t lda, const double *b, ptrdiff_t ldb, double *c, ptrdiff_t ldc,
    int overwrite) {
  static const StripKernel full[5] = {0, strip_1_1_1, strip_2_1_1, strip_3_1_1, strip_4_1_1};
  static const StripKernel wide[5] = {0, strip_1_1_0, strip_2_1_0, strip_3_1_0, strip_4_1_0};
  static const StripKernel narrow[5] = {0, strip_1_0_0, strip_2_0_0, strip_3_0_0, strip_4_0_0};
  if (n == 1 && k <= blockDepth) {
    column_product(transposeA, m, k, alpha, a, lda, b, transposeB ? 1 : ldb, c, ldc, overwrite);
    return;
  }
  // op(B) must have its rows contiguous; a transposed B is copied once (k × n).
  double *packed = NULL;
  if (transposeB) {
    packed = malloc((size_t)(k * n) * sizeof(double));
    if (!packed) abort();
    for (ptrdiff_t j = 0; j < n; j++)
      for (ptrdiff_t p = 0; p < k; p++) packed[p * n + j] = b[j * ldb + p];
    b = packed;
    ldb = n;
  }
  const ptrdiff_t aRow = transposeA ? 1 : lda;
  const ptrdiff_t aStep = transposeA ? lda : 1;
  const ptrdiff_t evenRows = m / 2 * 2;  // an odd last row is done by odd_last_row
  const ptrdiff_t fourColumns = n / 4 * 4;
  for (ptrdiff_t p0 = 0; p0 < k;) {
    const ptrdiff_t depth = next_block_depth(k - p0);
    const int fresh = overwrite && p0 == 0;  // C not read: the first block writes 0 + α·sum
    for (ptrdiff_t j = 0; j < n; j += 8) {
      const ptrdiff_t live = n - j < 8 ? n - j : 8;
      const __m256i mask0 = lanes(live < 4 ? live : 4);
      const __m256i mask1 = lanes(live > 4 ? live - 4 : 0);
      const StripKernel *kernels = live == 8 ? full : live > 4 ? wide : narrow;
      for (ptrdiff_t i = 0; i < evenRows; i += 4) {
        const ptrdiff_t rows = evenRows - i < 4 ? evenRows - i : 4;
        kernels[rows](
            a + i * aRow + p0 * aStep, aRow, aStep, b + p0 * ldb + j, ldb, depth, alpha,
            c + i * ldc + j, ldc, mask0, mask1, fresh);
      }
    }
    if (evenRows < m) {
      const double *lastA = a + evenRows * aRow + p0 * aStep;
      odd_last_row(
          lastA, aStep, b + p0 * ldb, ldb, depth, alpha, c + evenRows * ldc, fourColumns, fresh);
      if (fourColumns < n)
        strip_1_0_0(
            lastA, aRow, aStep, b + p0 * ldb + fourColumns, ldb, depth, alpha,
            c + evenRows * ldc + fourColumns, ldc, lanes(n - fourColumns), lanes(0), fresh);
    }
    p0 += depth;
  }
  free(packed);
}

int cvm_matrix_product_available(void) {
  static int state = -1;  // −1 unknown; a race only asks twice
  int known = __atomic_load_n(&state, __ATOMIC_RELAXED);
  if (known < 0) {
    unsigned a, b, c, d;
    known = cvm_uses_avx2() && __get_cpuid(1, &a, &b, &c, &d) && (c & bit_FMA) != 0;
    __atomic_store_n(&state, known, __ATOMIC_RELAXED);
  }
  return known;
}

void cvm_matrix_product(
    int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, double alpha,
    const double *a, ptrdiff_t lda, const double *b, ptrdiff_t ldb, double *c, ptrdiff_t ldc,
    int accumulate) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {  // an empty sum: C is kept, or is zero
    if (!accumulate)
      for (ptrdiff_t i = 0; i < m; i++) memset(c + i * ldc, 0, (size_t)n * sizeof(double));
    return;
  }
  product_avx2(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, c, ldc, !accumulate);
}
#else
int cvm_matrix_product_available(void) { return 0; }

void cvm_matrix_product(
    int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, double alpha,
    const double *a, ptrdiff_t lda, const double *b, ptrdiff_t ldb, double *c, ptrdiff_t ldc,
    int accumulate) {
  abort();  // callers check cvm_matrix_product_available() first
}
#endif
