import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The operations a small attention model needs — embedding lookup, row softmax with a
/// causal mask, layer normalisation, GELU and scaled dot-product attention — checked
/// against hand computations and, for their gradients, central finite differences.
@Suite struct SequenceOpsTests {
  @Test func embeddingLookupPicksRowsAndAddsRepeatedGradients() {
    let table = Matrix([[1, 2], [3, 4], [5, 6]])
    let tape = Tape()
    let source = tape.variable(table)
    let picked = source.gatheringRows([2, 0, 2])
    #expect(picked.value == Matrix([[5, 6], [1, 2], [5, 6]]))
    // Row 2 is picked twice: its gradient is the sum of both rows of ȳ; row 1 gets none.
    tape.backward(from: picked, seed: Matrix([[1, 1], [10, 10], [100, 100]]))
    #expect(tape.gradient(of: source) == Matrix([[10, 10], [0, 0], [101, 101]]))
    expectGradientsMatchFiniteDifferences([table]) { $0[0].gatheringRows([2, 0, 2, 1]) }
  }

  @Test func causalSoftmaxRowsSumToOneAndIgnoreTheFuture() {
    let scores = Matrix([[0.3, 9, 9], [1, 2, 9], [0, 0, 0]])
    let y = Tape().variable(scores).softmaxRows(causal: true).value
    #expect(y[0, 0] == 1 && y[0, 1] == 0 && y[0, 2] == 0)
    #expect(abs(y[1, 0] - 1 / (1 + exp(1.0))) < 1e-15 && y[1, 2] == 0)
    for i in 0..<3 { #expect(abs((0..<3).reduce(0) { $0 + y[i, $1] } - 1) < 1e-15) }
    let plain = Tape().variable(scores).softmaxRows().value
    #expect(plain.maxAbsDifference(scores.softmaxRows()) < 1e-15)
    var rng = Generator(seed: 121)
    let z = rng.normalMatrix(rows: 4, columns: 4)
    expectGradientsMatchFiniteDifferences([z]) { $0[0].softmaxRows(causal: true) }
    expectGradientsMatchFiniteDifferences([rng.normalMatrix(rows: 3, columns: 5)]) {
      $0[0].softmaxRows()
    }
  }

  @Test func layerNormGivesRowsOfMeanZeroAndVarianceOne() {
    var rng = Generator(seed: 122)
    let x = rng.normalMatrix(rows: 3, columns: 6, standardDeviation: 4) + 2
    let y = Tape().variable(x).layerNormalisedRows(epsilon: 1e-12).value
    for i in 0..<3 {
      let row = (0..<6).map { y[i, $0] }
      #expect(abs(SampleSummary.mean(row)) < 1e-14)
      #expect(abs(row.reduce(0) { $0 + $1 * $1 } / 6 - 1) < 1e-10)
    }
    expectGradientsMatchFiniteDifferences([x]) { $0[0].layerNormalisedRows() }
    // With a gain and a bias, broadcast over the rows.
    let gain = rng.normalMatrix(rows: 1, columns: 6)
    let bias = rng.normalMatrix(rows: 1, columns: 6)
    expectGradientsMatchFiniteDifferences([x, gain, bias]) {
      $0[0].layerNormalisedRows() * $0[1] + $0[2]
    }
  }

  @Test func geluIsXTimesTheNormalCDF() {
    let y = gelu(Tape().variable(Matrix([[-1, 0, 1, 3]]))).value
    // Φ(1) = 0.8413447460685429, Φ(3) = 0.9986501019683699.
    #expect(abs(y[0, 0] + (1 - 0.8413447460685429)) < 1e-15)
    #expect(y[0, 1] == 0)
    #expect(abs(y[0, 2] - 0.8413447460685429) < 1e-15)
    #expect(abs(y[0, 3] - 3 * 0.9986501019683699) < 1e-14)
    var rng = Generator(seed: 123)
    expectGradientsMatchFiniteDifferences([
      rng.normalMatrix(rows: 3, columns: 4, standardDeviation: 2)
    ]) {
      gelu($0[0])
    }
  }

  @Test func causalAttentionLetsTheFirstPositionSeeOnlyItself() {
    var rng = Generator(seed: 124)
    let (q, k, v) = (
      rng.normalMatrix(rows: 4, columns: 3), rng.normalMatrix(rows: 4, columns: 3),
      rng.normalMatrix(rows: 4, columns: 2)
    )
    let tape = Tape()
    let out = scaledDotProductAttention(
      queries: tape.variable(q), keys: tape.variable(k), values: tape.variable(v), causal: true
    ).value
    #expect(out.rows(0..<1).maxAbsDifference(v.rows(0..<1)) < 1e-15)
    // Row 1 by hand: weights softmax(q₁·k₀/√3, q₁·k₁/√3) on v₀ and v₁.
    let s = (0..<2).map { j in (0..<3).reduce(0.0) { $0 + q[1, $1] * k[j, $1] } / 3.0.squareRoot() }
    let w0 = 1 / (1 + exp(s[1] - s[0]))
    for c in 0..<2 { #expect(abs(out[1, c] - (w0 * v[0, c] + (1 - w0) * v[1, c])) < 1e-14) }
    expectGradientsMatchFiniteDifferences([q, k, v]) {
      scaledDotProductAttention(queries: $0[0], keys: $0[1], values: $0[2], causal: true)
    }
  }
}
