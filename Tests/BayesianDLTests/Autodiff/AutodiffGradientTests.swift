import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// Every differentiable operation on the ``Tape`` against central finite differences of
/// $\sum_{ij} Y_{ij} R_{ij}$ (see ``expectGradientsMatchFiniteDifferences(_:step:tolerance:seed:sourceLocation:_:)``),
/// plus forward values against hand computations.
@Suite struct AutodiffGradientTests {
  // MARK: Matrix product

  @Test(arguments: [false, true], [false, true])
  func matmulGradientsMatchFiniteDifferences(transposeSelf: Bool, transposeOther: Bool) {
    var rng = Generator(seed: 51)
    // op(A) is [3, 4] and op(B) is [4, 2]; store the transposes where asked.
    let a = rng.normalMatrix(rows: transposeSelf ? 4 : 3, columns: transposeSelf ? 3 : 4)
    let b = rng.normalMatrix(rows: transposeOther ? 2 : 4, columns: transposeOther ? 4 : 2)
    expectGradientsMatchFiniteDifferences([a, b]) { v in
      v[0].matmul(v[1], transposeSelf: transposeSelf, transposeOther: transposeOther)
    }
  }

  @Test func matmulForwardValueIsTheProduct() {
    let tape = Tape()
    let a = tape.variable(Matrix([[1, 2], [3, 4]]))
    let b = tape.variable(Matrix([[0, 1], [1, 0]]))
    #expect(a.matmul(b).value == Matrix([[2, 1], [4, 3]]))
    #expect(a.matmul(b, transposeSelf: true).value == Matrix([[3, 1], [4, 2]]))
  }

  @Test func matmulWithAConstantOperandStillDifferentiatesTheOther() {
    var rng = Generator(seed: 52)
    let a = rng.normalMatrix(rows: 3, columns: 4)
    let constant = rng.normalMatrix(rows: 4, columns: 2)
    expectGradientsMatchFiniteDifferences([a]) { v in v[0].matmul(v[0].tape.constant(constant)) }
    expectGradientsMatchFiniteDifferences([a]) { v in
      v[0].tape.constant(constant).matmul(v[0], transposeSelf: true, transposeOther: true)
    }
  }

  // MARK: Element-wise arithmetic with broadcasting

  /// The shape of each operand of a binary operation, relative to a [3, 4] result.
  enum Shapes: String, CaseIterable {
    case bothFull, rowRight, columnRight, scalarRight, rowLeft, columnLeft, scalarLeft
    case rowAndColumn

    var left: (rows: Int, columns: Int) {
      switch self {
      case .rowLeft: return (1, 4)
      case .columnLeft: return (3, 1)
      case .scalarLeft: return (1, 1)
      case .rowAndColumn: return (1, 4)
      default: return (3, 4)
      }
    }

    var right: (rows: Int, columns: Int) {
      switch self {
      case .rowRight: return (1, 4)
      case .columnRight: return (3, 1)
      case .scalarRight: return (1, 1)
      case .rowAndColumn: return (3, 1)
      default: return (3, 4)
      }
    }
  }

  enum Operation: String, CaseIterable { case add, subtract, multiply, divide }

  @Test(arguments: Operation.allCases, Shapes.allCases)
  func arithmeticGradientsMatchFiniteDifferences(operation: Operation, shapes: Shapes) {
    var rng = Generator(seed: 53)
    // Quotients: keep every entry at least 0.5 away from zero.
    let a = awayFromZero(rows: shapes.left.rows, columns: shapes.left.columns, 0.5, 2, using: &rng)
    let b = awayFromZero(
      rows: shapes.right.rows, columns: shapes.right.columns, 0.5, 2, using: &rng)
    expectGradientsMatchFiniteDifferences([a, b]) { v in
      switch operation {
      case .add: return v[0] + v[1]
      case .subtract: return v[0] - v[1]
      case .multiply: return v[0] * v[1]
      case .divide: return v[0] / v[1]
      }
    }
  }

  @Test func arithmeticForwardValuesMatchHandComputation() {
    let tape = Tape()
    let a = tape.variable(Matrix([[1, 2], [3, 4]]))
    let row = tape.variable(Matrix.row([10, 20]))
    let column = tape.variable(Matrix.column([2, 4]))
    #expect((a + row).value == Matrix([[11, 22], [13, 24]]))
    #expect((a - column).value == Matrix([[-1, 0], [-1, 0]]))
    #expect((a * column).value == Matrix([[2, 4], [12, 16]]))
    #expect((a / column).value == Matrix([[0.5, 1], [0.75, 1]]))
    #expect((row + column).value == Matrix([[12, 22], [14, 24]]))
    #expect((-a).value == Matrix([[-1, -2], [-3, -4]]))
  }

  @Test func scalarConstantOperationsMatchFiniteDifferences() {
    var rng = Generator(seed: 54)
    let a = rng.normalMatrix(rows: 2, columns: 3)
    expectGradientsMatchFiniteDifferences([a]) { v in v[0] + 3 }
    expectGradientsMatchFiniteDifferences([a]) { v in v[0] - 3 }
    expectGradientsMatchFiniteDifferences([a]) { v in v[0] * -2.5 }
    expectGradientsMatchFiniteDifferences([a]) { v in 1.5 * v[0] }
    expectGradientsMatchFiniteDifferences([a]) { v in v[0] / 4 }
    expectGradientsMatchFiniteDifferences([a]) { v in -v[0] }
  }

  @Test func scalarConstantOperationsHaveTheRightValues() {
    let tape = Tape()
    let a = tape.variable(Matrix([[1, -2]]))
    #expect((a + 3).value == Matrix([[4, 1]]))
    #expect((a - 3).value == Matrix([[-2, -5]]))
    #expect((a * 2).value == Matrix([[2, -4]]))
    #expect((2 * a).value == Matrix([[2, -4]]))
    #expect((a / 4).value == Matrix([[0.25, -0.5]]))
  }

  @Test func constantMatrixOperandsMatchFiniteDifferences() {
    var rng = Generator(seed: 55)
    let a = rng.normalMatrix(rows: 3, columns: 2)
    let full = rng.normalMatrix(rows: 3, columns: 2)
    let row = rng.normalMatrix(rows: 1, columns: 2)
    let column = rng.normalMatrix(rows: 3, columns: 1)
    for c in [full, row, column, Matrix.scalar(0.7)] {
      expectGradientsMatchFiniteDifferences([a]) { v in v[0] + c }
      expectGradientsMatchFiniteDifferences([a]) { v in v[0] - c }
      expectGradientsMatchFiniteDifferences([a]) { v in v[0] * c }
    }
  }

  // MARK: Element-wise functions

  @Test func exponentialAndLogarithmGradientsMatchFiniteDifferences() {
    var rng = Generator(seed: 56)
    expectGradientsMatchFiniteDifferences([rng.normalMatrix(rows: 3, columns: 3)]) { v in exp(v[0])
    }
    let positive = rng.uniformMatrix(rows: 3, columns: 3, 0.3, 3)
    expectGradientsMatchFiniteDifferences([positive]) { v in log(v[0]) }
    expectGradientsMatchFiniteDifferences([positive]) { v in sqrt(v[0]) }
  }

  @Test func squareTanhAndSigmoidGradientsMatchFiniteDifferences() {
    var rng = Generator(seed: 57)
    let x = rng.normalMatrix(rows: 3, columns: 4, standardDeviation: 2)
    expectGradientsMatchFiniteDifferences([x]) { v in square(v[0]) }
    expectGradientsMatchFiniteDifferences([x]) { v in tanh(v[0]) }
    expectGradientsMatchFiniteDifferences([x]) { v in sigmoid(v[0]) }
  }

  @Test func softplusGradientMatchesFiniteDifferencesIncludingLargeMagnitudes() {
    var rng = Generator(seed: 58)
    var x = rng.normalMatrix(rows: 2, columns: 4, standardDeviation: 3)
    x[0, 0] = 40
    x[1, 0] = -40
    expectGradientsMatchFiniteDifferences([x]) { v in softplus(v[0]) }
  }

  @Test func softplusIsStableForLargeMagnitudes() {
    let tape = Tape()
    let x = tape.variable(Matrix.row([-1000, -40, 0, 40, 1000]))
    let y = softplus(x)
    tape.backward(from: y, seed: Matrix.row([1, 1, 1, 1, 1]))
    let value = y.value
    let gradient = tape.gradient(of: x)!
    #expect(value.isFinite && gradient.isFinite)
    // softplus(x) = x + log(1 + e^{−x}) for x > 0 and log(1 + e^{x}) = e^{x}(1 − …) for x ≪ 0.
    #expect(value[0, 0] == 0 || value[0, 0] < 1e-300)
    expectClose(value[0, 1] / Foundation.exp(-40), 1, tolerance: 1e-15)
    expectClose(value[0, 2], Foundation.log(2), tolerance: 1e-15)
    expectClose(value[0, 3], 40, tolerance: 1e-15)
    #expect(value[0, 4] == 1000)
    // The derivative is the sigmoid: 0, ≈ e^{−40}, ½, ≈ 1, 1.
    #expect(gradient[0, 0] >= 0 && gradient[0, 0] < 1e-300)
    expectClose(gradient[0, 1] / Foundation.exp(-40), 1, tolerance: 1e-15)
    #expect(gradient[0, 2] == 0.5)
    expectClose(gradient[0, 3], 1, tolerance: 1e-15)
    #expect(gradient[0, 4] == 1)
  }

  @Test func reluGradientMatchesFiniteDifferencesAwayFromZero() {
    var rng = Generator(seed: 59)
    let x = awayFromZero(rows: 3, columns: 4, 0.1, 2, using: &rng)
    expectGradientsMatchFiniteDifferences([x]) { v in relu(v[0]) }
    let tape = Tape()
    #expect(relu(tape.variable(Matrix.row([-2, 0, 3]))).value == Matrix.row([0, 0, 3]))
  }

  @Test func elementwiseFunctionsHaveTheRightValues() {
    let tape = Tape()
    let x = tape.variable(Matrix.row([0, 1, 4]))
    #expect(exp(x).value == Matrix.row([1, Foundation.exp(1), Foundation.exp(4)]))
    #expect(sqrt(x).value == Matrix.row([0, 1, 2]))
    #expect(square(x).value == Matrix.row([0, 1, 16]))
    expectClose(tanh(x).value, Matrix.row([0, Foundation.tanh(1), Foundation.tanh(4)]))
    expectClose(
      sigmoid(x).value,
      Matrix.row([0.5, 1 / (1 + Foundation.exp(-1)), 1 / (1 + Foundation.exp(-4))]))
    expectClose(log(tape.variable(Matrix.row([1, Foundation.exp(2)]))).value, Matrix.row([0, 2]))
  }

  // MARK: Reductions

  @Test func reductionGradientsMatchFiniteDifferences() {
    var rng = Generator(seed: 60)
    let x = rng.normalMatrix(rows: 3, columns: 5)
    expectGradientsMatchFiniteDifferences([x]) { v in v[0].sum() }
    expectGradientsMatchFiniteDifferences([x]) { v in v[0].mean() }
    expectGradientsMatchFiniteDifferences([x]) { v in v[0].sum(over: .rows) }
    expectGradientsMatchFiniteDifferences([x]) { v in v[0].sum(over: .columns) }
    expectGradientsMatchFiniteDifferences([x]) { v in v[0].mean(over: .rows) }
    expectGradientsMatchFiniteDifferences([x]) { v in v[0].mean(over: .columns) }
  }

  @Test func reductionsHaveTheRightValues() {
    let tape = Tape()
    let x = tape.variable(Matrix([[1, 2, 3], [4, 5, 6]]))
    #expect(x.sum().value == Matrix.scalar(21))
    #expect(x.mean().value == Matrix.scalar(3.5))
    #expect(x.sum(over: .rows).value == Matrix.row([5, 7, 9]))
    #expect(x.sum(over: .columns).value == Matrix.column([6, 15]))
    #expect(x.mean(over: .rows).value == Matrix.row([2.5, 3.5, 4.5]))
    #expect(x.mean(over: .columns).value == Matrix.column([2, 5]))
  }

  // MARK: Softmax and losses

  @Test func logSoftmaxGradientMatchesFiniteDifferences() {
    var rng = Generator(seed: 61)
    let logits = rng.normalMatrix(rows: 4, columns: 3, standardDeviation: 2)
    expectGradientsMatchFiniteDifferences([logits]) { v in v[0].logSoftmax() }
  }

  @Test func logSoftmaxRowsExponentiateToProbabilities() {
    var rng = Generator(seed: 62)
    let logits = rng.normalMatrix(rows: 3, columns: 4, standardDeviation: 3)
    let tape = Tape()
    let y = tape.variable(logits).logSoftmax().value
    for i in 0..<3 {
      let row = (0..<4).map { logits[i, $0] }
      let normaliser = row.reduce(0) { $0 + Foundation.exp($1) }
      for j in 0..<4 { expectClose(y[i, j], logits[i, j] - Foundation.log(normaliser)) }
    }
    expectClose(logits.softmaxRows().sum(over: .columns), Matrix.column([1, 1, 1]))
  }

  @Test func logSoftmaxIsStableForHugeLogits() {
    let tape = Tape()
    let z = tape.variable(Matrix([[1000, 0], [-1000, -1000]]))
    let y = z.logSoftmax()
    tape.backward(from: y, seed: Matrix([[1, 0], [0, 1]]))
    // log softmax([1000, 0]) = [−log(1 + e^{−1000}), −1000 − log(1 + e^{−1000})] = [0, −1000].
    #expect(y.value.row(0) == Matrix.row([0, -1000]))
    expectClose(
      y.value.row(1), Matrix.row([-Foundation.log(2), -Foundation.log(2)]), tolerance: 1e-12)
    #expect(tape.gradient(of: z)!.isFinite)
  }

  @Test func softmaxCrossEntropyMatchesMinusLogSoftmaxByHand() {
    let tape = Tape()
    let logits = tape.variable(Matrix([[1, 2, 3]]))
    // −log(e³ / (e + e² + e³)) = log(1 + e^{−1} + e^{−2}).
    let expected = Foundation.log(1 + Foundation.exp(-1.0) + Foundation.exp(-2.0))
    expectClose(
      softmaxCrossEntropy(logits: logits, labels: [2]).value.scalarValue, expected,
      tolerance: 1e-15)
    expectClose(
      softmaxCrossEntropy(logits: logits, labels: [0]).value.scalarValue, expected + 2,
      tolerance: 1e-15)
  }

  @Test func softmaxCrossEntropyIsTheMeanOverRows() {
    var rng = Generator(seed: 63)
    let logits = rng.normalMatrix(rows: 5, columns: 3, standardDeviation: 2)
    let labels = [0, 2, 1, 1, 0]
    let tape = Tape()
    let value = softmaxCrossEntropy(logits: tape.variable(logits), labels: labels).value.scalarValue
    let expected =
      (0..<5).reduce(0.0) { total, i in
        total + handCrossEntropy((0..<3).map { logits[i, $0] }, label: labels[i])
      } / 5
    expectClose(value, expected, tolerance: 1e-14)
    // Stable for enormous logits: −log softmax([1000, 0])₁ = 1000.
    let huge = softmaxCrossEntropy(logits: tape.variable(Matrix([[1000, 0]])), labels: [1])
    #expect(huge.value.scalarValue == 1000)
  }

  @Test func softmaxCrossEntropyGradientMatchesFiniteDifferences() {
    var rng = Generator(seed: 64)
    let logits = rng.normalMatrix(rows: 5, columns: 4, standardDeviation: 2)
    expectGradientsMatchFiniteDifferences([logits]) { v in
      softmaxCrossEntropy(logits: v[0], labels: [3, 0, 1, 3, 2])
    }
  }

  @Test func gaussianNegativeLogLikelihoodMatchesHandComputation() {
    let tape = Tape()
    // One example: ½[log 2π + log 4 + (3 − 1)²/4] = ½[log 8π + 1].
    let nll = gaussianNegativeLogLikelihood(
      mean: tape.variable(Matrix([[1]])), logVariance: tape.variable(Matrix([[Foundation.log(4)]])),
      targets: Matrix([[3]]))
    expectClose(nll.value.scalarValue, 0.5 * (Foundation.log(8 * Double.pi) + 1), tolerance: 1e-15)
    // Two examples, two outputs, shared variance: the per-example sum is averaged over rows.
    let mean = Matrix([[0, 1], [2, 3]])
    let targets = Matrix([[1, 1], [0, 5]])
    let s = -0.5
    let shared = gaussianNegativeLogLikelihood(
      mean: tape.variable(mean), logVariance: tape.variable(.scalar(s)), targets: targets)
    var expected = 0.0
    for k in 0..<4 {
      expected -= normalLogDensity(
        targets.storage[k], mean: mean.storage[k], standardDeviation: Foundation.exp(s / 2))
    }
    expectClose(shared.value.scalarValue, expected / 2, tolerance: 1e-14)
  }

  @Test(arguments: [(4, 3), (1, 3), (4, 1), (1, 1)])
  func gaussianNegativeLogLikelihoodGradientsMatchFiniteDifferences(
    logVarianceRows: Int, logVarianceColumns: Int
  ) {
    var rng = Generator(seed: 65)
    let mean = rng.normalMatrix(rows: 4, columns: 3)
    let logVariance = rng.normalMatrix(
      rows: logVarianceRows, columns: logVarianceColumns, standardDeviation: 0.5)
    let targets = rng.normalMatrix(rows: 4, columns: 3)
    expectGradientsMatchFiniteDifferences([mean, logVariance]) { v in
      gaussianNegativeLogLikelihood(mean: v[0], logVariance: v[1], targets: targets)
    }
  }

  // MARK: Structure

  @Test func structuralOperationGradientsMatchFiniteDifferences() {
    var rng = Generator(seed: 66)
    let x = rng.normalMatrix(rows: 4, columns: 5)
    expectGradientsMatchFiniteDifferences([x]) { v in v[0].columns(1..<4) }
    expectGradientsMatchFiniteDifferences([x]) { v in v[0].rows(2..<4) }
    expectGradientsMatchFiniteDifferences([x]) { v in v[0].reshaped(rows: 2, columns: 10) }
    // Overlapping slices of one input add their contributions.
    expectGradientsMatchFiniteDifferences([x]) { v in v[0].columns(0..<3) * v[0].columns(2..<5) }
  }

  @Test func stackingGradientsMatchFiniteDifferences() {
    var rng = Generator(seed: 67)
    let a = rng.normalMatrix(rows: 3, columns: 2)
    let b = rng.normalMatrix(rows: 3, columns: 1)
    let c = rng.normalMatrix(rows: 3, columns: 3)
    expectGradientsMatchFiniteDifferences([a, b, c]) { v in Variable.hstack(v) }
    let d = rng.normalMatrix(rows: 1, columns: 4)
    let e = rng.normalMatrix(rows: 2, columns: 4)
    expectGradientsMatchFiniteDifferences([d, e]) { v in Variable.vstack(v) }
    // A part used twice.
    expectGradientsMatchFiniteDifferences([d, e]) { v in Variable.vstack([v[0], v[1], v[0]]) }
  }

  @Test func structuralOperationsHaveTheRightValues() {
    let tape = Tape()
    let x = tape.variable(Matrix([[1, 2, 3], [4, 5, 6]]))
    #expect(x.columns(1..<3).value == Matrix([[2, 3], [5, 6]]))
    #expect(x.rows(1..<2).value == Matrix([[4, 5, 6]]))
    #expect(x.reshaped(rows: 3, columns: 2).value == Matrix([[1, 2], [3, 4], [5, 6]]))
    #expect(Variable.hstack([x, x]).value == Matrix([[1, 2, 3, 1, 2, 3], [4, 5, 6, 4, 5, 6]]))
    #expect(Variable.vstack([x, x]).value.rows == 4)
  }

  // MARK: A composite network

  @Test func compositeExpressionGradientsMatchFiniteDifferences() {
    var rng = Generator(seed: 68)
    let x = rng.normalMatrix(rows: 5, columns: 3)
    let w1 = rng.normalMatrix(rows: 3, columns: 4)
    let b1 = rng.normalMatrix(rows: 1, columns: 4)
    let w2 = rng.normalMatrix(rows: 4, columns: 2)
    let logVariance = rng.normalMatrix(rows: 1, columns: 2, standardDeviation: 0.3)
    let targets = rng.normalMatrix(rows: 5, columns: 2)
    expectGradientsMatchFiniteDifferences([x, w1, b1, w2, logVariance]) { v in
      let hidden = tanh(v[0].matmul(v[1]) + v[2])
      let out = sigmoid(hidden).matmul(v[3]) * 2 - 1
      return gaussianNegativeLogLikelihood(mean: out, logVariance: v[4], targets: targets)
        + square(v[3]).mean() * 0.1
    }
  }

  // MARK: Tape mechanics

  @Test func parameterUsedTwiceAccumulatesBothContributions() {
    let p = Parameter("p", Matrix([[1, -2, 3]]))
    let tape = Tape()
    // L = Σ p ⊙ p through two separate leaves: ∂L/∂p = 2p.
    let loss = (tape.parameter(p) * tape.parameter(p)).sum()
    tape.backward(from: loss)
    #expect(p.gradient == Matrix([[2, -4, 6]]))
    // A second backward pass adds to the gradient until it is zeroed.
    let tape2 = Tape()
    tape2.backward(from: (tape2.parameter(p) * 3).sum())
    #expect(p.gradient == Matrix([[5, -1, 9]]))
    p.zeroGradient()
    #expect(p.gradient == Matrix([[0, 0, 0]]))
  }

  @Test func variableUsedTwiceAccumulatesBothContributions() {
    let tape = Tape()
    let x = tape.variable(Matrix([[1.5, -2]]))
    let y = (x * x + x * 3).sum()  // ∂y/∂x = 2x + 3
    tape.backward(from: y)
    #expect(tape.gradient(of: x) == Matrix([[6, -1]]))
  }

  @Test func constantsReceiveNoGradient() {
    let tape = Tape()
    let c = tape.constant(Matrix([[1, 2]]))
    let x = tape.variable(Matrix([[3, 4]]))
    let unused = tape.variable(Matrix([[5, 6]]))
    tape.backward(from: (c * x).sum())
    #expect(tape.gradient(of: c) == nil)
    #expect(tape.gradient(of: unused) == nil)
    #expect(tape.gradient(of: x) == Matrix([[1, 2]]))
  }

  @Test func nonRecordingTapeGivesTheSameForwardValues() {
    var rng = Generator(seed: 69)
    let x = rng.normalMatrix(rows: 4, columns: 3)
    let w = Parameter("w", rng.normalMatrix(rows: 3, columns: 2))
    let b = Parameter("b", rng.normalMatrix(rows: 1, columns: 2))
    func forward(_ tape: Tape) -> Variable {
      tanh(tape.constant(x).matmul(tape.parameter(w)) + tape.parameter(b))
    }
    let recording = forward(Tape()).value
    let plain = forward(Tape(recordsGradients: false)).value
    let reference = naiveProduct(x, w.value)
    let expected = makeMatrix(4, 2) { i, j in Foundation.tanh(reference[i, j] + b.value[0, j]) }
    expectClose(recording, expected, tolerance: 1e-14)
    #expect(plain == recording)
    #expect(Tape(recordsGradients: false).recordsGradients == false)
  }

  @Test func aTapeIsFreedWhenItsVariablesAreGone() {
    // Pullbacks must not keep their own tape alive (no reference cycle).
    weak var weakTape: Tape?
    let p = Parameter("p", Matrix([[0.5, -1]]))
    do {
      let tape = Tape()
      weakTape = tape
      let x = tape.variable(Matrix([[1, 2]]))
      let y = (tanh(x * tape.parameter(p)) + square(x)).logSoftmax().sum()
      tape.backward(from: y)
      #expect(weakTape != nil)
    }
    #expect(weakTape == nil, "the tape outlived every variable on it")
    #expect(p.gradient.isFinite)
  }
}
