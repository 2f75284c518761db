import BayesianDL
import Foundation

/// Chapter 10's regression posterior, set up through the core's API as the chapter does
/// (seed 1, its default): a 1-50-1 tanh network, 40 points of the regression with a gap,
/// σ = 0.2, N(0, 1) on every weight; the samplers start from MAP fits (3000 full-batch Adam
/// steps at learning rate 10⁻²) from the chapter's first two start generators.
struct Chapter10Posterior {
  /// The posterior, on the vectorised tanh (the C library's costs several times as much).
  let posterior: NetworkPosterior
  /// The 40 training points.
  let data: Dataset
  /// The chapter's four start generators (two chains here).
  let startGenerators: [Generator]
  /// The inputs whose predictions the effective sample size is measured on.
  let probes = Matrix(rows: 4, columns: 1, storage: [-2, 0, 2, 4.5])
  static let noise = 0.2

  init() {
    var chapterRNG = Generator(seed: 1)
    data = SyntheticData.regressionWithGap(count: 40, noise: Self.noise, using: &chapterRNG)
    _ = SyntheticData.regressionWithGap(count: 1000, noise: Self.noise, using: &chapterRNG)  // its test set
    var posterior = NetworkPosterior(
      sizes: [1, 50, 1], activation: .tanh, data: data,
      likelihood: .gaussian(noiseStandardDeviation: Self.noise), priorStandardDeviation: 1)
    posterior.vectorisedTanh = true
    self.posterior = posterior
    startGenerators = chapterRNG.forks(4)
  }

  /// The two chains' MAP starts, fitted side by side on the two cores.
  func starts() -> [[Double]] {
    Parallel.map(2) { k -> [Double] in
      var own = startGenerators[k]
      let model = MLP(sizes: [1, 50, 1], activation: .tanh, dropout: 0, using: &own)
      var adam = Adam(parameters: model.parameters, learningRate: 1e-2)
      _ = try! MAPEstimation(
        model: model, likelihood: .gaussian(noiseStandardDeviation: Self.noise),
        priorStandardDeviation: 1
      ).train(on: data, epochs: 3000, batchSize: 40, optimiser: &adam, using: &own)
      return NetworkPosterior.parameters(of: model)
    }
  }

  /// The smallest effective sample size over the probes' predictions, from each chain's draws.
  func smallestESS(_ chains: [[[Double]]]) -> Double {
    var unused = Generator(seed: 0)
    let values = chains.map { draws in
      draws.map { posterior.network($0).predict(probes, using: &unused).storage }
    }
    return (0..<probes.rows).map { j in
      MCMCDiagnostics.effectiveSampleSize(values.map { chain in chain.map { $0[j] } })
    }.min()!
  }

  /// Writes the problem for the NumPyro reference script: the data, the MAP starts, the
  /// probes and the layout of θ (each layer's weight `[inputs, outputs]` row-major, then its
  /// bias), so that both libraries sample the same density from the same points.
  func export(to url: URL) throws {
    struct Problem: Encodable {
      let sizes: [Int]
      let layout: String
      let noiseStandardDeviation: Double
      let priorStandardDeviation: Double
      let x: [Double]
      let y: [Double]
      let probes: [Double]
      let starts: [[Double]]
    }
    guard case .values(let y) = data.targets else { preconditionFailure("regression targets") }
    let problem = Problem(
      sizes: [1, 50, 1],
      layout: "theta = W1 [1, 50] row-major, b1 [50], W2 [50, 1] row-major, b2 [1]; "
        + "f(x) = tanh(x W1 + b1) W2 + b2",
      noiseStandardDeviation: Self.noise, priorStandardDeviation: 1, x: data.inputs.storage,
      y: y.storage, probes: probes.storage, starts: starts())
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try (encoder.encode(problem) + Data("\n".utf8)).write(to: url, options: .atomic)
  }
}
