// tanh over one vector of lanes, and over a buffer that many lanes at a time: the body of
// VectorMath.c's tanh, written once and included there once per vector width. Before each
// inclusion VectorMath.c defines
//   TANH_NAME        the one-vector function's name,
//   TANH_BUFFER      the buffer function's name,
//   TANH_VD, TANH_VL the vector types of doubles and of 64-bit integers of that width,
//   TANH_SPLAT(x), TANH_SPLATL(x)  a double and an integer in every lane,
//   TANH_TARGET      the target attribute the width needs (empty for the baseline's four),
// which this file undefines at its end. Every lane goes through the same IEEE operations in the same
// order whatever the width, so every width gives the same bits.
//
// tanh|x| = −u / (2 + u) with u = expm1(−2|x|): one polynomial and one division for every
// argument (no branch between a small-argument and a large-argument formula). expm1(y) for
// −40 ≤ y ≤ 0 by y = k ln 2 + r, |r| ≤ ½ ln 2: expm1(y) = 2^k expm1(r) + (2^k − 1), with
// expm1(r) = r + r² q(r) by its Taylor series to r¹³/13! (remainder below 10⁻¹⁷ r). Below
// y = −40 the answer rounds to 1, so y is clamped there (which also maps ±∞ to ±1).
TANH_TARGET static inline __attribute__((always_inline)) TANH_VD TANH_NAME(TANH_VD x) {
  const TANH_VL sign = TANH_SPLATL(INT64_MIN);
  const TANH_VL bits = (TANH_VL)x;
  const TANH_VD a = (TANH_VD)(bits & ~sign);
  TANH_VD y = TANH_SPLAT(-2.0) * a;
  const TANH_VL clamp = y < TANH_SPLAT(-40.0);  // NaN compares false and stays NaN
  y = (TANH_VD)((clamp & (TANH_VL)TANH_SPLAT(-40.0)) | (~clamp & (TANH_VL)y));
  // k = round(y / ln 2) by the 1.5 × 2⁵² trick: the sum's low bits are k.
  const TANH_VD magic = TANH_SPLAT(6755399441055744.0);
  const TANH_VD shifted = y * TANH_SPLAT(1.4426950408889634) + magic;
  const TANH_VD k = shifted - magic;
  const TANH_VD r = (y - k * TANH_SPLAT(6.93147180369123816490e-1))
                    - k * TANH_SPLAT(1.90821492927058770002e-10);
  // q(r) = Σ_{j=2}^{13} r^{j−2}/j! by Estrin's scheme: pairs, then pairs of pairs, so the
  // chain of dependent operations is four deep instead of Horner's twelve (the loop is
  // bound by that latency, not by the number of operations).
  const TANH_VD r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const TANH_VD a0 = TANH_SPLAT(1.0 / 2.0) + r * TANH_SPLAT(1.0 / 6.0);
  const TANH_VD a1 = TANH_SPLAT(1.0 / 24.0) + r * TANH_SPLAT(1.0 / 120.0);
  const TANH_VD a2 = TANH_SPLAT(1.0 / 720.0) + r * TANH_SPLAT(1.0 / 5040.0);
  const TANH_VD a3 = TANH_SPLAT(1.0 / 40320.0) + r * TANH_SPLAT(1.0 / 362880.0);
  const TANH_VD a4 = TANH_SPLAT(1.0 / 3628800.0) + r * TANH_SPLAT(1.0 / 39916800.0);
  const TANH_VD a5 = TANH_SPLAT(1.0 / 479001600.0) + r * TANH_SPLAT(1.0 / 6227020800.0);
  const TANH_VD q = ((a0 + a1 * r2) + (a2 + a3 * r2) * r4) + (a4 + a5 * r2) * r8;
  const TANH_VD p = r + r2 * q;
  // 2^k from the exponent bits (−58 ≤ k ≤ 0: always a normal number).
  const TANH_VD scale = (TANH_VD)((((TANH_VL)shifted) + TANH_SPLATL(1023)) << 52);
  const TANH_VD u = scale * p + (scale - TANH_SPLAT(1.0));
  const TANH_VD t = -u / (TANH_SPLAT(2.0) + u);
  // |t| then x's sign (t would be −0 at x = +0).
  return (TANH_VD)(((TANH_VL)t & ~sign) | (bits & sign));
}

// Every value of a buffer, a vector at a time; the remainder in zero-padded lanes.
TANH_TARGET static inline __attribute__((always_inline)) void TANH_BUFFER(
    double *values, ptrdiff_t count) {
  enum { lanes = sizeof(TANH_VD) / sizeof(double) };
  TANH_VD v;
  ptrdiff_t i = 0;
  for (; i + lanes <= count; i += lanes) {
    memcpy(&v, values + i, sizeof v);
    v = TANH_NAME(v);
    memcpy(values + i, &v, sizeof v);
  }
  if (i < count) {
    double padded[lanes] = {0};
    memcpy(padded, values + i, (size_t)(count - i) * sizeof(double));
    memcpy(&v, padded, sizeof v);
    v = TANH_NAME(v);
    memcpy(values + i, &v, (size_t)(count - i) * sizeof(double));
  }
}

#undef TANH_NAME
#undef TANH_BUFFER
#undef TANH_VD
#undef TANH_VL
#undef TANH_SPLAT
#undef TANH_SPLATL
#undef TANH_TARGET
