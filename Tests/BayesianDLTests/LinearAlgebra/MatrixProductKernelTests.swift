import CBLAS
import CVectorMath
import Foundation
import Testing

@testable import BayesianDL

/// The course's own matrix-product kernel (`cvm_matrix_product`, behind ``Matrix/product``
/// on processors with AVX2 and FMA) gives the bits of OpenBLAS's Haswell kernels: checked
/// against a scalar loop that spells out their order of operations, and against OpenBLAS
/// itself when OpenBLAS runs its Haswell kernels (as under `make test`).
@Suite(.enabled(if: cvm_matrix_product_available() != 0, "the kernel needs AVX2 and FMA"))
struct MatrixProductKernelTests {
  /// One product's operands, stored as BLAS would be given them.
  struct Case: CustomStringConvertible {
    var m: Int
    var n: Int
    var k: Int
    var transposeA: Bool
    var transposeB: Bool
    var alpha: Double
    var a: [Double]
    var b: [Double]
    var c: [Double]

    var lda: Int { transposeA ? m : k }
    var ldb: Int { transposeB ? k : n }
    var description: String {
      "m \(m), n \(n), k \(k), transposeA \(transposeA), transposeB \(transposeB), α \(alpha)"
    }
    func opA(_ i: Int, _ p: Int) -> Double { transposeA ? a[p * lda + i] : a[i * lda + p] }
    func opB(_ p: Int, _ j: Int) -> Double { transposeB ? b[j * ldb + p] : b[p * ldb + j] }
  }

  /// Shapes around every boundary the kernels have: 1–9 rows and columns (the 4 × 8 tiles,
  /// their masked edges, an odd last row), the course's layer widths, and inner dimensions
  /// either side of 8 (the unroll of the odd row) and of 256 and 512 (the blocking).
  static func cases() -> [Case] {
    var rng = Generator(seed: 71)
    var cases = [Case]()
    let sides = [1, 2, 3, 4, 5, 7, 8, 9, 13, 32, 50]
    let depths = [1, 7, 8, 9, 50, 256, 257, 300, 513, 600, 1100]
    for (index, (m, n)) in sides.flatMap({ m in sides.map { (m, $0) } }).enumerated() {
      let k = depths[index % depths.count]
      for variant in 0..<4 {
        let alpha = variant == 3 ? -0.37 : 1
        let startsAtZero = variant < 2
        cases.append(
          Case(
            m: m, n: n, k: k, transposeA: variant % 2 == 1, transposeB: variant >= 2,
            alpha: alpha, a: (0..<(m * k)).map { _ in rng.normal() },
            b: (0..<(k * n)).map { _ in rng.normal() },
            c: (0..<(m * n)).map { _ in startsAtZero ? 0 : rng.normal() }))
      }
    }
    return cases
  }

  /// C + α·op(A)·op(B) in OpenBLAS's Haswell order, one element at a time: the inner
  /// dimension in blocks of at most 256 (halved between 256 and 512, rounded up to 4),
  /// each block's products added in order with fused multiply-adds and then added to C;
  /// but an odd last row, over whole groups of four columns, spreads each block over four
  /// partial sums (p mod 4 for the first multiple of 8 steps, the rest into the first) and
  /// adds them as (s₀ + s₁) + (s₂ + s₃).
  static func reference(_ x: Case) -> [Double] {
    var c = x.c
    var p0 = 0
    while p0 < x.k {
      let remaining = x.k - p0
      let depth =
        remaining >= 512 ? 256 : remaining > 256 ? (remaining / 2 + 3) / 4 * 4 : remaining
      for i in 0..<x.m {
        for j in 0..<x.n {
          let split = x.m % 2 == 1 && i == x.m - 1 && j < x.n / 4 * 4
          var sums = [0.0, 0, 0, 0]
          let unrolled = split ? depth / 8 * 8 : 0
          for p in 0..<depth {
            let slot = p < unrolled ? p % 4 : 0
            sums[slot] = sums[slot].addingProduct(x.opA(i, p0 + p), x.opB(p0 + p, j))
          }
          let sum = split ? (sums[0] + sums[1]) + (sums[2] + sums[3]) : sums[0]
          c[i * x.n + j] = c[i * x.n + j] + x.alpha * sum
        }
      }
      p0 += depth
    }
    return c
  }

  /// The kernel on `x`: adding to C, or (`overwriting`) writing over a C full of NaNs
  /// that it must not read.
  static func kernel(_ x: Case, overwriting: Bool = false) -> [Double] {
    var c = overwriting ? [Double](repeating: .nan, count: x.c.count) : x.c
    c.withUnsafeMutableBufferPointer { pc in
      cvm_matrix_product(
        x.transposeA ? 1 : 0, x.transposeB ? 1 : 0, x.m, x.n, x.k, x.alpha, x.a, x.lda, x.b,
        x.ldb, pc.baseAddress, x.n, overwriting ? 0 : 1)
    }
    return c
  }

  static func sameBits(_ u: [Double], _ v: [Double]) -> Bool {
    u.count == v.count && zip(u, v).allSatisfy { $0.bitPattern == $1.bitPattern }
  }

  @Test func theKernelFollowsTheDocumentedOrderBitForBit() {
    let cases = Self.cases()
    let differing = cases.filter { !Self.sameBits(Self.kernel($0), Self.reference($0)) }
    #expect(cases.count == 484)
    #expect(differing.isEmpty, "\(differing.count) cases differ, first: \(differing.first!)")
  }

  /// Writing over C gives the bits of adding to a zeroed C (0 + α·sum, so a sum of −0
  /// comes out +0 either way), without reading what was there.
  @Test func overwritingGivesTheBitsOfAddingToZero() {
    let fromZero = Self.cases().filter { $0.c.allSatisfy { $0 == 0 } }
    let differing = fromZero.filter {
      !Self.sameBits(Self.kernel($0, overwriting: true), Self.reference($0))
    }
    #expect(fromZero.count == 242)
    #expect(differing.isEmpty, "\(differing.count) cases differ, first: \(differing.first!)")
    // An empty inner dimension writes zeros.
    var c = [Double](repeating: .nan, count: 6)
    cvm_matrix_product(0, 0, 2, 3, 0, 1, [], 1, [], 3, &c, 3, 0)
    #expect(c.allSatisfy { $0.bitPattern == (0.0).bitPattern })
  }

  /// The comparison that matters for the committed results: only meaningful when OpenBLAS
  /// runs its Haswell kernels (`OPENBLAS_CORETYPE=Haswell`, which `make test` sets), on one
  /// thread as the course runs it (``ProcessTuning``); on several, OpenBLAS halves a long
  /// inner dimension differently.
  @Test(
    .enabled(
      if: String(cString: openblas_get_corename()).lowercased() == "haswell",
      "OpenBLAS is not running its Haswell kernels"))
  func theKernelGivesOpenBLASsBitsAndMatrixProductUsesIt() {
    BLASSettings.setThreadCount(1)
    var differing = [Case]()
    for x in Self.cases() {
      var c = x.c
      cblas_dgemm(
        CblasRowMajor, x.transposeA ? CblasTrans : CblasNoTrans,
        x.transposeB ? CblasTrans : CblasNoTrans, Int32(x.m), Int32(x.n), Int32(x.k), x.alpha,
        x.a, Int32(x.lda), x.b, Int32(x.ldb), 1, &c, Int32(x.n))
      if !Self.sameBits(Self.kernel(x), c) { differing.append(x) }
    }
    #expect(differing.isEmpty, "\(differing.count) cases differ, first: \(differing.first!)")
    #expect(Matrix.usesOwnProductKernel)
  }
}
