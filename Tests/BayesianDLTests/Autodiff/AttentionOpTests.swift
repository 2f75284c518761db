import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The batched, multi-head, causal attention node checked against the single-sequence,
/// single-head reference `scaledDotProductAttention(causal: true)` applied to row and
/// column slices, against central finite differences, and for causality.
@Suite struct AttentionOpTests {
  /// The reference: every sequence (a block of `length` rows) and every head (a block of
  /// `width / heads` columns) sliced out, attended on its own and put back in place.
  static func slicedReference(
    _ q: Variable, _ k: Variable, _ v: Variable, length: Int, heads: Int
  ) -> Variable {
    let headWidth = q.columns / heads
    let sequences = (0..<(q.rows / length)).map { b in
      let rows = (b * length)..<((b + 1) * length)
      let perHead = (0..<heads).map { h in
        let columns = (h * headWidth)..<((h + 1) * headWidth)
        return scaledDotProductAttention(
          queries: q.rows(rows).columns(columns), keys: k.rows(rows).columns(columns),
          values: v.rows(rows).columns(columns), causal: true)
      }
      return Variable.hstack(perHead)
    }
    return Variable.vstack(sequences)
  }

  /// Three random `[B·T, d]` inputs.
  static func inputs(sequences: Int, length: Int, width: Int, seed: UInt64) -> [Matrix] {
    var rng = Generator(seed: seed)
    return (0..<3).map { _ in rng.normalMatrix(rows: sequences * length, columns: width) }
  }

  @Test(arguments: [1, 2, 3])
  func batchedAttentionEqualsPerSequencePerHeadAttention(heads: Int) {
    let (sequences, length, width) = (3, 4, 6)
    let x = Self.inputs(sequences: sequences, length: length, width: width, seed: 901)
    let tape = Tape(recordsGradients: false)
    let (q, k, v) = (tape.variable(x[0]), tape.variable(x[1]), tape.variable(x[2]))
    let batched = causalSelfAttention(
      queries: q, keys: k, values: v, sequenceLength: length, heads: heads
    ).value
    let reference = Self.slicedReference(q, k, v, length: length, heads: heads).value
    #expect(batched.rows == sequences * length && batched.columns == width)
    expectClose(batched, reference, tolerance: 1e-13, "\(heads) heads:")
  }

  @Test func firstPositionOfEverySequenceCopiesItsOwnValues() {
    // Position 0 attends only to itself, whatever the queries and keys: output = V there.
    let (length, width) = (4, 6)
    let x = Self.inputs(sequences: 3, length: length, width: width, seed: 902)
    let tape = Tape(recordsGradients: false)
    let out = causalSelfAttention(
      queries: tape.variable(x[0]), keys: tape.variable(x[1]), values: tape.variable(x[2]),
      sequenceLength: length, heads: 2
    ).value
    for b in 0..<3 {
      for c in 0..<width { #expect(abs(out[b * length, c] - x[2][b * length, c]) < 1e-15) }
    }
  }

  @Test(arguments: [2, 3])
  func batchedAttentionGradientsMatchCentralFiniteDifferences(heads: Int) {
    let x = Self.inputs(sequences: 3, length: 4, width: 6, seed: 903)
    expectGradientsMatchFiniteDifferences(x, tolerance: 1e-7) {
      causalSelfAttention(
        queries: $0[0], keys: $0[1], values: $0[2], sequenceLength: 4, heads: heads)
    }
  }

  @Test func batchedAttentionGradientsEqualThoseOfTheSlicedReference() {
    let (length, heads) = (4, 3)
    let x = Self.inputs(sequences: 3, length: length, width: 6, seed: 904)
    var rng = Generator(seed: 905)
    let seed = rng.normalMatrix(rows: 12, columns: 6)
    func gradients(_ f: (Variable, Variable, Variable) -> Variable) -> [Matrix] {
      let tape = Tape()
      let variables = x.map { tape.variable($0) }
      tape.backward(from: f(variables[0], variables[1], variables[2]), seed: seed)
      return variables.map { tape.gradient(of: $0)! }
    }
    let batched = gradients {
      causalSelfAttention(queries: $0, keys: $1, values: $2, sequenceLength: length, heads: heads)
    }
    let reference = gradients { Self.slicedReference($0, $1, $2, length: length, heads: heads) }
    for (name, (a, r)) in zip(["queries", "keys", "values"], zip(batched, reference)) {
      expectClose(a, r, tolerance: 1e-13, "gradient of \(name):")
    }
  }

  @Test(arguments: [(1, 2), (0, 3), (2, 1)])
  func changingALaterPositionLeavesEarlierPositionsAndOtherSequencesUnchanged(
    sequence: Int, position: Int
  ) {
    let (sequences, length, width, heads) = (3, 4, 6, 2)
    let x = Self.inputs(sequences: sequences, length: length, width: width, seed: 906)
    var rng = Generator(seed: 907)
    var moved = x
    let row = sequence * length + position
    for m in 0..<3 {
      for c in 0..<width { moved[m][row, c] += rng.normal() }
    }
    func attend(_ inputs: [Matrix]) -> Matrix {
      let tape = Tape(recordsGradients: false)
      return causalSelfAttention(
        queries: tape.variable(inputs[0]), keys: tape.variable(inputs[1]),
        values: tape.variable(inputs[2]), sequenceLength: length, heads: heads
      ).value
    }
    let (before, after) = (attend(x), attend(moved))
    for i in 0..<(sequences * length) {
      let changes = (0..<width).contains { before[i, $0] != after[i, $0] }
      let mayChange = i / length == sequence && i % length >= position
      if !mayChange {
        #expect(!changes, "row \(i) changed when row \(row) was moved")
      }
      if i == row {
        #expect(changes, "row \(row) did not respond to its own inputs")
      }
    }
  }
}
