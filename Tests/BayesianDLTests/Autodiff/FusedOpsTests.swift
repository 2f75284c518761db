import CVectorMath
import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The operations that record in one node what several primitive nodes would
/// (``Variable/affine(_:_:)``, ``gaussianNegativeLogLikelihood(mean:logVariance:targets:)``,
/// ``sumOfSquares(_:)``) and the vectorised ``sqrt(_:)-(Variable)``: each against finite
/// differences, and against the plain computation it replaces, bit for bit, values and
/// gradients (the course's results do not move when a chapter switches to the fast form).
@Suite struct FusedOpsTests {
  /// Value and input gradients of `f` for a fixed seed $\bar y$.
  private func valueAndGradients(_ inputs: [Matrix], _ f: ([Variable]) -> Variable) -> [Matrix] {
    let tape = Tape()
    let variables = inputs.map { tape.variable($0) }
    let output = f(variables)
    var rng = Generator(seed: 7)
    tape.backward(from: output, seed: rng.normalMatrix(rows: output.rows, columns: output.columns))
    return [output.value]
      + variables.map { tape.gradient(of: $0) ?? Matrix(rows: $0.rows, columns: $0.columns) }
  }

  @Test func affineMatchesFiniteDifferences() {
    var rng = Generator(seed: 81)
    let x = rng.normalMatrix(rows: 5, columns: 3)
    let w = rng.normalMatrix(rows: 3, columns: 4)
    let b = rng.normalMatrix(rows: 1, columns: 4)
    expectGradientsMatchFiniteDifferences([x, w, b]) { v in v[0].affine(v[1], v[2]) }
  }

  @Test func affineIsTheProductPlusTheBiasBitForBit() {
    var rng = Generator(seed: 82)
    let inputs = [
      rng.normalMatrix(rows: 32, columns: 13), rng.normalMatrix(rows: 13, columns: 50),
      rng.normalMatrix(rows: 1, columns: 50),
    ]
    let fused = valueAndGradients(inputs) { v in v[0].affine(v[1], v[2]) }
    let written = valueAndGradients(inputs) { v in v[0].matmul(v[1]) + v[2] }
    #expect(fused == written)
  }

  /// The Gaussian negative log-likelihood as the formula reads, one primitive node per step.
  private func writtenOutNegativeLogLikelihood(
    mean: Variable, logVariance: Variable, targets: Matrix
  ) -> Variable {
    let residual = mean - targets
    let perElement =
      (logVariance + square(residual) * exp(-logVariance) + Foundation.log(2 * Double.pi)) * 0.5
    return perElement.sum() / Double(mean.rows)
  }

  @Test(arguments: [(4, 3), (1, 3), (4, 1), (1, 1)])
  func gaussianNegativeLogLikelihoodIsTheWrittenOutFormulaBitForBit(
    logVarianceRows: Int, logVarianceColumns: Int
  ) {
    var rng = Generator(seed: 83)
    let mean = rng.normalMatrix(rows: 4, columns: 3)
    let logVariance = rng.normalMatrix(
      rows: logVarianceRows, columns: logVarianceColumns, standardDeviation: 0.5)
    let targets = rng.normalMatrix(rows: 4, columns: 3)
    let fused = valueAndGradients([mean, logVariance]) { v in
      gaussianNegativeLogLikelihood(mean: v[0], logVariance: v[1], targets: targets)
    }
    let written = valueAndGradients([mean, logVariance]) { v in
      writtenOutNegativeLogLikelihood(mean: v[0], logVariance: v[1], targets: targets)
    }
    #expect(fused == written)
  }

  @Test func gaussianNegativeLogLikelihoodWithAConstantNoiseLevelDifferentiatesTheMean() {
    var rng = Generator(seed: 84)
    let targets = rng.normalMatrix(rows: 6, columns: 1)
    expectGradientsMatchFiniteDifferences([rng.normalMatrix(rows: 6, columns: 1)]) { v in
      gaussianNegativeLogLikelihood(
        mean: v[0], logVariance: v[0].tape.constant(.scalar(-1.2)), targets: targets)
    }
  }

  @Test func sumOfSquaresMatchesAHandSumAndFiniteDifferences() {
    let tape = Tape()
    let total = sumOfSquares([
      tape.variable(Matrix([[1, -2]])), tape.variable(Matrix([[3], [0.5]])),
    ])
    #expect(total.value.scalarValue == 1 + 4 + 9 + 0.25)
    var rng = Generator(seed: 85)
    expectGradientsMatchFiniteDifferences([
      rng.normalMatrix(rows: 2, columns: 3), rng.normalMatrix(rows: 1, columns: 4),
    ]) { v in sumOfSquares(v) }
  }

  @Test func sumOfSquaresIsTheSumOfSquaredNormsBitForBit() {
    var rng = Generator(seed: 86)
    let inputs = [
      rng.normalMatrix(rows: 13, columns: 50), rng.normalMatrix(rows: 1, columns: 50),
      rng.normalMatrix(rows: 50, columns: 1),
    ]
    let fused = valueAndGradients(inputs) { v in sumOfSquares(v) * 0.37 }
    let written = valueAndGradients(inputs) { v in
      v.map { square($0).sum() }.reduce(v[0].tape.constant(.scalar(0)), +) * 0.37
    }
    #expect(fused == written)
  }

  @Test(arguments: [CVMPathAutomatic, CVMPathAVX2, CVMPathPortable])
  func squareRootKernelIsTheScalarSquareRootBitForBit(path: CVMPath) {
    var rng = Generator(seed: 87)
    // Every remainder length, tiny, huge and subnormal arguments, zeros and infinity.
    var values = (0..<1003).map { _ in abs(rng.normal()) * 10 }
    values += [0, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude, 1e300, .infinity, 2]
    var roots = [Double](repeating: 0, count: values.count)
    var halves = roots
    cvm_square_root(values, &roots, &halves, values.count, path)
    #expect(roots.map(\.bitPattern) == values.map { $0.squareRoot().bitPattern })
    #expect(halves.map(\.bitPattern) == values.map { (0.5 / $0.squareRoot()).bitPattern })
  }

  @Test func sqrtMatchesFiniteDifferencesAndTheScalarSquareRoot() {
    var rng = Generator(seed: 88)
    let x = rng.normalMatrix(rows: 3, columns: 7).map { abs($0) + 0.5 }
    expectGradientsMatchFiniteDifferences([x]) { v in sqrt(v[0]) }
    #expect(sqrt(Tape(recordsGradients: false).variable(x)).value == x.map { $0.squareRoot() })
  }
}
