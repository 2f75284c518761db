import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// ``SGD``, ``Adam`` and gradient clipping, against steps computed by hand.
@Suite struct OptimiserTests {
  /// Back-propagates $f(\theta) = \tfrac12\sum_k a_k(\theta_k - c_k)^2$ into `p.gradient`,
  /// whose gradient is $a \odot (\theta - c)$.
  static func backpropagateQuadratic(_ p: Parameter, centre c: Matrix, curvature a: Matrix) {
    let tape = Tape()
    let loss = (square(tape.parameter(p) - c) * a).sum() * 0.5
    tape.backward(from: loss)
  }

  @Test func sgdStepIsGradientDescentOnAQuadratic() {
    let theta = Parameter("theta", Matrix.row([1, -2, 3]))
    let c = Matrix.row([0.5, 0.5, 0.5])
    var sgd = SGD(parameters: [theta], learningRate: 0.1)
    Self.backpropagateQuadratic(theta, centre: c, curvature: Matrix.row([1, 1, 1]))
    #expect(theta.gradient == Matrix.row([0.5, -2.5, 2.5]))
    sgd.step()
    // θ ← θ − η(θ − c) = [1 − 0.05, −2 + 0.25, 3 − 0.25].
    expectClose(theta.value, Matrix.row([0.95, -1.75, 2.75]), tolerance: 1e-15)
    #expect(theta.gradient == Matrix.row([0, 0, 0]), "step zeroes the gradient")
  }

  @Test func sgdConvergesGeometricallyOnAQuadratic() {
    // Each step multiplies θ − c by (1 − η): after n steps it is (1 − η)ⁿ(θ₀ − c).
    let theta = Parameter("theta", Matrix.row([2, -1]))
    let c = Matrix.row([1, 1])
    var sgd = SGD(parameters: [theta], learningRate: 0.25)
    for _ in 0..<10 {
      Self.backpropagateQuadratic(theta, centre: c, curvature: Matrix.row([1, 1]))
      sgd.step()
    }
    let factor = Foundation.pow(0.75, 10.0)
    expectClose(theta.value, Matrix.row([1 + factor * 1, 1 + factor * -2]), tolerance: 1e-14)
  }

  @Test func momentumStepsMatchHandComputation() {
    // With a constant gradient g: v₁ = g, θ₁ = θ₀ − ηg; v₂ = βg + g, θ₂ = θ₁ − η(1 + β)g.
    let theta = Parameter("theta", Matrix.row([1, 2]))
    var sgd = SGD(parameters: [theta], learningRate: 0.1, momentum: 0.9)
    let g = Matrix.row([1, -2])
    theta.gradient = g
    sgd.step()
    expectClose(theta.value, Matrix.row([0.9, 2.2]), tolerance: 1e-15)
    theta.gradient = g
    sgd.step()
    expectClose(theta.value, Matrix.row([0.9 - 0.19, 2.2 + 0.38]), tolerance: 1e-15)
    theta.gradient = Matrix.row([0, 0])
    sgd.step()
    // v₃ = β v₂ = 0.9 · 1.9 g.
    expectClose(theta.value, Matrix.row([0.71 - 0.171, 2.58 + 0.342]), tolerance: 1e-15)
  }

  @Test func adamFirstStepMovesEveryCoordinateByTheLearningRate() {
    // Step 1: m̂ = g and v̂ = g², so Δθ = −η g/(|g| + ε) ≈ −η sign(g) whatever |g| is.
    let theta = Parameter("theta", Matrix.row([0, 0, 0, 0, 0]))
    var adam = Adam(parameters: [theta], learningRate: 0.01)
    let g = [1e-3, -5, 200, -0.01, 1e4]
    theta.gradient = Matrix.row(g)
    adam.step()
    for k in 0..<5 {
      let expected = -0.01 * (g[k] > 0 ? 1 : -1)
      #expect(abs(theta.value[0, k] - expected) <= 0.01 * 1e-4, "coordinate \(k)")
    }
    #expect(theta.gradient.storage.allSatisfy { $0 == 0 }, "step zeroes the gradient")
  }

  @Test func adamSecondStepMatchesHandComputation() {
    let (b1, b2, eta, eps) = (0.9, 0.999, 0.1, 1e-8)
    let theta = Parameter("theta", Matrix.scalar(1))
    var adam = Adam(parameters: [theta], learningRate: eta, beta1: b1, beta2: b2, epsilon: eps)
    theta.gradient = .scalar(2)
    adam.step()
    // m₁ = 0.2, v₁ = 0.004; m̂₁ = 2, v̂₁ = 4.
    let step1 = eta * 2 / (2 + eps)
    expectClose(theta.value.scalarValue, 1 - step1, tolerance: 1e-15)
    theta.gradient = .scalar(-1)
    adam.step()
    // m₂ = 0.9·0.2 − 0.1 = 0.08, v₂ = 0.999·0.004 + 0.001 = 0.004996;
    // m̂₂ = 0.08/(1 − 0.81), v̂₂ = 0.004996/(1 − 0.998001).
    let mHat = 0.08 / 0.19
    let vHat = 0.004996 / 0.001999
    expectClose(
      theta.value.scalarValue, 1 - step1 - eta * mHat / (vHat.squareRoot() + eps), tolerance: 1e-13)
  }

  @Test func adamStepIsBitIdenticalToTheEntryByEntryFormula() {
    // The step runs in a C kernel (AVX2 where available, four entries at a time); the
    // committed chapters' numbers were made with this formula, entry by entry, so the
    // kernel must give the same bits. 37 entries: full vectors and a tail.
    var rng = Generator(seed: 21)
    let (eta, b1, b2, eps) = (0.003, 0.9, 0.999, 1e-8)
    let theta = Parameter("theta", rng.normalMatrix(rows: 1, columns: 37))
    var adam = Adam(parameters: [theta], learningRate: eta, beta1: b1, beta2: b2, epsilon: eps)
    var (reference, m, v) = (
      theta.value.storage, [Double](repeating: 0, count: 37), [Double](repeating: 0, count: 37)
    )
    for t in 1...5 {
      let g = rng.normalMatrix(rows: 1, columns: 37).map { $0 * Double(t) }
      theta.gradient = g
      adam.step()
      let stepSize = eta / (1 - pow(b1, Double(t)))
      let inverseRoot = 1 / (1 - pow(b2, Double(t))).squareRoot()
      for i in 0..<37 {
        m[i] = b1 * m[i] + (1 - b1) * g.storage[i]
        v[i] = b2 * v[i] + (1 - b2) * g.storage[i] * g.storage[i]
        reference[i] -= stepSize * m[i] / (v[i].squareRoot() * inverseRoot + eps)
      }
      #expect(theta.value.storage.map(\.bitPattern) == reference.map(\.bitPattern))
      #expect(theta.gradient.storage.allSatisfy { $0 == 0 })
    }
  }

  @Test func adamMinimisesAQuadratic() {
    let theta = Parameter("theta", Matrix.row([3, -2, 0.5]))
    let c = Matrix.row([1, 1, -1])
    let curvature = Matrix.row([1, 10, 0.1])
    var adam = Adam(parameters: [theta], learningRate: 0.05)
    for _ in 0..<3000 {
      Self.backpropagateQuadratic(theta, centre: c, curvature: curvature)
      adam.step()
    }
    #expect(theta.value.maxAbsDifference(c) < 1e-6, "θ = \(theta.value)")
  }

  @Test func clipGradientNormRescalesToMaxNormAndKeepsDirection() {
    let a = Parameter("a", Matrix.row([0, 0]))
    let b = Parameter("b", Matrix.scalar(0))
    a.gradient = Matrix.row([3, 4])
    b.gradient = Matrix.scalar(12)
    let sgd = SGD(parameters: [a, b], learningRate: 1)
    // ‖(3, 4, 12)‖ = 13.
    #expect(sgd.gradientNorm == 13)
    let before = sgd.clipGradientNorm(6.5)
    #expect(before == 13)
    expectClose(a.gradient, Matrix.row([1.5, 2]), tolerance: 1e-15)
    expectClose(b.gradient, Matrix.scalar(6), tolerance: 1e-15)
    expectClose(sgd.gradientNorm, 6.5, tolerance: 1e-15)
  }

  @Test func clipGradientNormLeavesSmallGradientsAlone() {
    let a = Parameter("a", Matrix.row([0, 0]))
    a.gradient = Matrix.row([3, 4])
    let adam = Adam(parameters: [a])
    #expect(adam.clipGradientNorm(20) == 5)
    #expect(a.gradient == Matrix.row([3, 4]))
  }

  @Test func zeroGradientsClearsEveryParameter() {
    let a = Parameter("a", Matrix.row([1, 2]))
    let b = Parameter("b", Matrix.scalar(1))
    a.gradient = Matrix.row([3, 4])
    b.gradient = Matrix.scalar(-1)
    let sgd = SGD(parameters: [a, b], learningRate: 0.1)
    sgd.zeroGradients()
    #expect(a.gradient == Matrix.row([0, 0]) && b.gradient == Matrix.scalar(0))
    #expect(sgd.gradientNorm == 0)
  }
}
