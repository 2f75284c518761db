import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The mean-and-variance head: its negative log-likelihood against the Gaussian density
/// written out, its gradient against finite differences, and a fit that recovers a noise
/// level that changes with the input.
@Suite struct HeteroscedasticLikelihoodTests {
  @Test func negativeLogLikelihoodIsTheMeanGaussianNLLOfEachRow() {
    let outputs = Matrix([[0.5, -1.0], [2.0, 0.3], [-1.0, 1.2]])  // [μ, log σ²]
    let y = Matrix.column([0.2, 2.5, 0.0])
    let tape = Tape()
    let nll = Likelihood.heteroscedastic.negativeLogLikelihood(tape.constant(outputs), .values(y))
    let expected =
      (0..<3).reduce(0.0) { total, i in
        total
          - normalLogDensity(
            y[i, 0], mean: outputs[i, 0], standardDeviation: exp(0.5 * outputs[i, 1]))
      } / 3
    #expect(abs(nll.value.scalarValue - expected) < 1e-13)
  }

  @Test func expectedNegativeLogLikelihoodAveragesTheDraws() {
    // Three "draws" of the outputs, taken in turn; the estimate is the mean of their NLLs.
    let draws = [Matrix([[0.5, -1.0]]), Matrix([[1.5, 0.0]]), Matrix([[-0.5, 0.7]])]
    let y = Targets.values(Matrix([[0.2]]))
    let tape = Tape()
    var next = 0
    let estimate = Likelihood.heteroscedastic.expectedNegativeLogLikelihood(samples: 3, y) {
      defer { next += 1 }
      return tape.constant(draws[next])
    }
    let expected =
      draws.reduce(0.0) {
        $0 - normalLogDensity(0.2, mean: $1[0, 0], standardDeviation: exp(0.5 * $1[0, 1]))
      } / 3
    #expect(next == 3)
    #expect(abs(estimate.value.scalarValue - expected) < 1e-13)
  }

  @Test func gradientMatchesFiniteDifferences() {
    let y = Matrix.column([0.2, 2.5, 0.0, -0.7])
    var rng = Generator(seed: 81)
    expectGradientsMatchFiniteDifferences([rng.normalMatrix(rows: 4, columns: 2)]) { v in
      Likelihood.heteroscedastic.negativeLogLikelihood(v[0], .values(y))
    }
  }

  @Test func aMeanAndVarianceNetworkLearnsNoiseThatGrowsWithTheInput() throws {
    var rng = Generator(seed: 82)
    let data = SyntheticData.heteroscedastic(count: 600, using: &rng)
    let model = MLP(sizes: [1, 32, 32, 2], activation: .tanh, using: &rng)
    var adam = Adam(parameters: model.parameters, learningRate: 0.01)
    try MAPEstimation(model: model, likelihood: .heteroscedastic, priorStandardDeviation: nil)
      .train(on: data, epochs: 150, batchSize: 100, optimiser: &adam, using: &rng)
    let probe = Matrix.column([-2.5, 2.5])
    let out = model.predict(probe, using: &rng)
    let predicted = (0..<2).map { exp(0.5 * out[$0, 1]) }
    let truth = [-2.5, 2.5].map(SyntheticData.heteroscedasticNoise)
    // The learned σ(x) is within 35 % of the truth at both ends, and grows left to right.
    for k in 0..<2 {
      #expect(abs(predicted[k] / truth[k] - 1) < 0.35, "σ \(predicted[k]) vs \(truth[k])")
    }
    #expect(predicted[1] > 3 * predicted[0])
  }
}
