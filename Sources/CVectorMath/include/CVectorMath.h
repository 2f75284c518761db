// The vectorised kernels behind BayesianDL: a tanh within a few ulps of the C library's,
// one forward-and-backward pass of a tanh network with a Gaussian likelihood, the Adam
// step and the square root are each compiled for AVX2 and for the baseline of the target
// (the tanh and the network also for AVX-512), and picked at run time; the copies give
// bit-identical results (see VectorMath.c for why). The matrix product has an AVX2-and-FMA
// copy only (see MatrixProduct.c).
#ifndef CVECTORMATH_H
#define CVECTORMATH_H

#include <stddef.h>

/// Which compiled copy of a kernel to run.
typedef enum {
  /// The widest copy the processor and the operating system support: AVX-512 (the tanh and
  /// the network), else AVX2, else the portable copy.
  CVMPathAutomatic = 0,
  /// The copy compiled for the target's baseline (SSE2 on x86-64, NEON on arm64).
  CVMPathPortable = 1,
  /// The AVX2 copy where it can run, else the portable one: never AVX-512 (tests compare it
  /// with the others).
  CVMPathAVX2 = 2,
} CVMPath;

/// Whether `CVMPathAutomatic` and `CVMPathAVX2` can run the AVX2 copies on this machine.
int cvm_uses_avx2(void);

/// Whether `CVMPathAutomatic` runs the AVX-512 copies (of the tanh and the network) here.
int cvm_uses_avx512(void);

/// Replaces each of `count` values by its tanh, within 4 ulps of the C library's (NaN
/// stays NaN, ±∞ gives ±1, ±0 and subnormals are kept).
void cvm_tanh(double *values, ptrdiff_t count, CVMPath path);

/// The data misfit ½ Σ (f(x_n) − y_n)² of a dense network with tanh on every layer but the
/// last, and its gradient with respect to the weights, added to `gradient`.
///
/// - `sizes`: `layers + 1` widths, input to output.
/// - `theta`: each layer's weight [inputs, outputs] row-major, then its bias.
/// - `inputs`: [count, sizes[0]] row-major; `targets`: [count, sizes[layers]].
/// - `scratch`: `count × (Σ_{l ≥ 1} sizes[l] + 2 × max sizes)` doubles.
/// - `gradient`: as many numbers as `theta`, zero on entry.
double cvm_tanh_network_misfit(
    ptrdiff_t layers, const ptrdiff_t *sizes, const double *theta, const double *inputs,
    const double *targets, ptrdiff_t count, double *scratch, double *gradient, CVMPath path);

/// One Adam step on `count` parameters, in place: first ← β₁·first + (1−β₁)·g,
/// second ← β₂·second + ((1−β₂)·g)·g, theta ← theta − (stepSize·first)/(√second·c + ε)
/// with c = `inverseRootCorrection2`, and the gradient cleared to zero.
void cvm_adam_step(
    double *theta, double *gradient, double *first, double *second, ptrdiff_t count,
    double beta1, double beta2, double stepSize, double inverseRootCorrection2, double epsilon,
    CVMPath path);

/// √x for each of `count` values into `roots`, and ½/√x into `halfReciprocals` unless it
/// is NULL (the derivative the tape's `sqrt` keeps); the same bits as a scalar loop.
void cvm_square_root(
    const double *values, double *roots, double *halfReciprocals, ptrdiff_t count,
    CVMPath path);

/// Whether `cvm_matrix_product` can run here: it needs AVX2 and FMA.
int cvm_matrix_product_available(void);

/// C ← α·op(A)·op(B) + C (`accumulate` 1) or C ← 0 + α·op(A)·op(B) without reading C
/// (`accumulate` 0: the same bits as from a zeroed C) for row-major matrices, op(X) being X
/// or Xᵀ, with the bits of OpenBLAS's Haswell kernels and none of their per-call packing
/// and locking. C is m × n, op(A) is m × k, op(B) is k × n; `lda`, `ldb`, `ldc` are the
/// stored row lengths. Only call it where `cvm_matrix_product_available()` says so.
void cvm_matrix_product(
    int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, double alpha,
    const double *a, ptrdiff_t lda, const double *b, ptrdiff_t ldb, double *c, ptrdiff_t ldc,
    int accumulate);

#endif
