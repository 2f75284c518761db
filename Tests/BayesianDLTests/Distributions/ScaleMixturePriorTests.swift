import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// ``ScaleMixturePrior`` and the Monte Carlo KL node
/// ``ScaleValues/klToScaleMixturePrior(mean:scale:prior:noise:)``: the density against the
/// formula written out and against quadrature, the slope against finite differences, the
/// KL estimator against the KL integrated numerically (mean and gradient), and its use in
/// ``BayesianDense``, ``MLP`` and ``BayesByBackprop``.
@Suite struct ScaleMixturePriorTests {
  /// Blundell et al.'s prior: π = ½, σ1 = 1, σ2 = e⁻⁶ (a very narrow spike at 0).
  static let blundell = ScaleMixturePrior(
    mixingWeight: 0.5, firstStandardDeviation: 1, secondStandardDeviation: exp(-6))
  /// A milder mixture whose two components both matter over the typical weight range.
  static let mild = ScaleMixturePrior(
    mixingWeight: 0.3, firstStandardDeviation: 1.5, secondStandardDeviation: 0.1)

  // MARK: - Independent references

  /// $\log p(w)$ by log-sum-exp of the two weighted components, each written out with
  /// ``normalLogDensity(_:mean:standardDeviation:)``.
  static func handLogPrior(_ w: Double, _ prior: ScaleMixturePrior) -> Double {
    let a =
      Foundation.log(prior.mixingWeight)
      + normalLogDensity(w, mean: 0, standardDeviation: prior.firstStandardDeviation)
    let b =
      Foundation.log(1 - prior.mixingWeight)
      + normalLogDensity(w, mean: 0, standardDeviation: prior.secondStandardDeviation)
    let m = Swift.max(a, b)
    return m + Foundation.log(Foundation.exp(a - m) + Foundation.exp(b - m))
  }

  /// $\sigma$ from a raw scale value, by the definitions ($e^{s/2}$, $\log(1 + e^\rho)$).
  static func handStandardDeviation(raw: Double, _ p: ScaleParameterisation) -> Double {
    switch p {
    case .logVariance: return Foundation.exp(raw / 2)
    case .softplus: return Foundation.log(1 + Foundation.exp(raw))
    }
  }

  /// $\mathrm{KL}(\mathcal N(\mu, \sigma^2)\,\|\,p) = \int q(w)\,[\log q(w) - \log p(w)]\,dw$ by
  /// the trapezoid rule in $t = (w - \mu)/\sigma$ over $[-12, 12]$ (the tails beyond carry
  /// less than $10^{-30}$). The step resolves the narrow component: at most $\sigma_2/10$
  /// in $w$, at most 0.005 in $t$.
  static func integratedKL(
    mean mu: Double, standardDeviation sigma: Double, _ prior: ScaleMixturePrior
  )
    -> Double
  {
    let dt = Swift.min(0.005, prior.secondStandardDeviation / (10 * sigma))
    let n = Int((24 / dt).rounded(.up))
    let h = 24 / Double(n)
    var total = 0.0
    for i in 0...n {
      let t = -12 + Double(i) * h
      let w = mu + sigma * t
      let logQ = normalLogDensity(w, mean: mu, standardDeviation: sigma)
      let integrand = Foundation.exp(logQ) * (logQ - handLogPrior(w, prior))
      total += (i == 0 || i == n ? 0.5 : 1) * integrand
    }
    return total * h * sigma
  }

  /// A few weights: means and the standard deviations wanted; some sit on the narrow
  /// component, some far from it.
  static let means: [Double] = [0.3, -0.02, 0.0, 1.2, -0.6]
  static let standardDeviations: [Double] = [0.2, 0.05, 0.01, 0.5, 0.1]

  /// The raw values of ``standardDeviations`` in the parameterisation, as a row.
  static func rawRow(_ p: ScaleParameterisation) -> Matrix {
    .row(standardDeviations.map { p.raw(forStandardDeviation: $0) })
  }

  /// The estimator's value for given mean, raw scale and noise, on a tape without gradients.
  static func estimate(
    mean: Matrix, raw: Matrix, noise: Matrix, _ p: ScaleParameterisation, _ prior: ScaleMixturePrior
  ) -> Double {
    let tape = Tape(recordsGradients: false)
    return p.values(raw: raw).klToScaleMixturePrior(
      mean: tape.variable(mean), scale: tape.variable(raw), prior: prior, noise: noise
    ).value.scalarValue
  }

  // MARK: - Density

  @Test func logDensityEqualsTheMixtureFormulaWrittenOut() {
    for prior in [Self.blundell, Self.mild] {
      let (pi, s1, s2) = (
        prior.mixingWeight, prior.firstStandardDeviation, prior.secondStandardDeviation
      )
      for w in [0, 1e-3, -0.004, 0.02, -0.3, 1, -2.5, 5] {
        let n1 = Foundation.exp(-w * w / (2 * s1 * s1)) / ((2 * Double.pi).squareRoot() * s1)
        let n2 = Foundation.exp(-w * w / (2 * s2 * s2)) / ((2 * Double.pi).squareRoot() * s2)
        let direct = Foundation.log(pi * n1 + (1 - pi) * n2)
        expectClose(prior.logDensity(w), direct, tolerance: 1e-13, "log p(\(w)):")
        expectClose(
          prior.logDensityAndSlope(w).logDensity, direct, tolerance: 1e-13, "log p(\(w)):")
      }
    }
  }

  @Test func logDensityStaysFiniteWhereTheDirectFormulaUnderflows() {
    let prior = Self.blundell
    for w in [40.0, -40, 100] {
      // The direct formula underflows: e^{-800} is below the smallest double.
      let n1 = Foundation.exp(-w * w / 2) / (2 * Double.pi).squareRoot()
      #expect(n1 == 0)
      // By hand: the broad component dominates by a factor e^{-10^8}, so
      // log p = log π − ½ log 2π − w²/2 (the narrow one adds log(1 + e^{b−a}) = 0).
      let hand = Foundation.log(0.5) - 0.5 * Foundation.log(2 * Double.pi) - w * w / 2
      let value = prior.logDensity(w)
      #expect(value.isFinite)
      expectClose(value, hand, tolerance: 1e-14, "log p(\(w)):")
      // The slope is that of the broad component alone, −w/σ1².
      expectClose(prior.logDensityAndSlope(w).slope, -w, tolerance: 1e-14, "slope at \(w):")
    }
    // Far enough out that even the broad component underflows in the direct formula,
    // log p stays finite and equal to the hand log-sum-exp.
    let far = 1e3
    expectClose(prior.logDensity(far), Self.handLogPrior(far, prior), tolerance: 1e-14)
    #expect(prior.logDensity(far).isFinite)
  }

  @Test func densityIntegratesToOne() {
    for prior in [Self.blundell, Self.mild] {
      // Trapezoid over [−12σ1, 12σ1] with 50 points per narrow standard deviation.
      let half = 12 * prior.firstStandardDeviation
      let h = prior.secondStandardDeviation / 50
      let n = Int((2 * half / h).rounded(.up))
      let step = 2 * half / Double(n)
      var total = 0.0
      for i in 0...n {
        let w = -half + Double(i) * step
        total += (i == 0 || i == n ? 0.5 : 1) * Foundation.exp(prior.logDensity(w))
      }
      expectClose(total * step, 1, tolerance: 1e-9, "∫p:")
    }
  }

  @Test func slopeMatchesCentralDifferenceOfLogDensity() {
    for prior in [Self.blundell, Self.mild] {
      let s2 = prior.secondStandardDeviation
      for w in [0, s2 / 3, -s2, 2.5 * s2, -0.05, 0.3, -1.7, 4, 40] {
        // The step scales with the narrowest feature (σ2) so the truncation error is tiny.
        let h = 1e-4 * s2
        let numeric = (prior.logDensity(w + h) - prior.logDensity(w - h)) / (2 * h)
        let slope = prior.logDensityAndSlope(w).slope
        expectClose(slope, numeric, tolerance: 1e-6, "slope at \(w):")
      }
      #expect(prior.logDensityAndSlope(0).slope == 0)
    }
  }

  // MARK: - The Monte Carlo KL

  @Test(arguments: ScaleParameterisation.allCases)
  func klEstimatorIsUnbiasedForTheIntegratedKL(parameterisation p: ScaleParameterisation) {
    for prior in [Self.blundell, Self.mild] {
      let mean = Matrix.row(Self.means)
      let raw = Self.rawRow(p)
      let truth = zip(Self.means, raw.storage).reduce(0.0) {
        $0
          + Self.integratedKL(
            mean: $1.0, standardDeviation: Self.handStandardDeviation(raw: $1.1, p), prior)
      }
      let values = p.values(raw: raw)
      var rng = Generator(seed: 9101)
      var draws = [Double]()
      for _ in 0..<20_000 {
        let noise = rng.normalMatrix(rows: 1, columns: Self.means.count)
        let tape = Tape(recordsGradients: false)
        draws.append(
          values.klToScaleMixturePrior(
            mean: tape.variable(mean), scale: tape.variable(raw), prior: prior, noise: noise
          ).value.scalarValue)
      }
      let m = sampleMoments(draws)
      expectWithinStandardErrors(
        m.mean, truth, standardError: m.standardError, standardErrors: 5, "KL (\(p), \(prior)):")
    }
  }

  @Test func klEstimatorAveragesToTheClosedFormWhenBothComponentsCoincide() {
    // σ1 = σ2 = σp makes the mixture N(0, σp²), whose KL from q has a closed form.
    let prior = ScaleMixturePrior(
      mixingWeight: 0.4, firstStandardDeviation: 0.7, secondStandardDeviation: 0.7)
    let mean = Matrix.row(Self.means)
    let raw = Self.rawRow(.softplus)
    let truth = zip(Self.means, Self.standardDeviations).reduce(0.0) {
      $0 + handKL(meanQ: $1.0, sdQ: $1.1, meanP: 0, sdP: 0.7)
    }
    var rng = Generator(seed: 9102)
    var draws = [Double]()
    for _ in 0..<10_000 {
      let noise = rng.normalMatrix(rows: 1, columns: Self.means.count)
      draws.append(Self.estimate(mean: mean, raw: raw, noise: noise, .softplus, prior))
    }
    let m = sampleMoments(draws)
    expectWithinStandardErrors(m.mean, truth, standardError: m.standardError, standardErrors: 5)
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func klGradientMatchesFiniteDifferencesWithTheSameNoise(parameterisation p: ScaleParameterisation)
  {
    var rng = Generator(seed: 9103)
    // The mild prior everywhere; the Blundell prior with weights kept well away from its
    // spike at 0 (there its curvature 1/σ2² ≈ 1.6·10⁵ would swamp a finite difference).
    let cases: [(ScaleMixturePrior, Matrix, Matrix)] = [
      (
        Self.mild, Matrix.row([0.3, -0.02, 0.0, 1.2, -0.15, 0.05]),
        Matrix.row([0.2, 0.05, 0.1, 0.5, 0.08, 0.3].map { p.raw(forStandardDeviation: $0) })
      ),
      (
        Self.blundell, Matrix.row([0.5, -0.7, 1.1, -0.4]),
        Matrix.row([0.05, 0.03, 0.2, 0.04].map { p.raw(forStandardDeviation: $0) })
      ),
    ]
    for (prior, mean, raw) in cases {
      let noise = rng.normalMatrix(rows: 1, columns: mean.columns)
      let tape = Tape()
      let mu = tape.variable(mean)
      let scale = tape.variable(raw)
      let kl = p.values(raw: raw).klToScaleMixturePrior(
        mean: mu, scale: scale, prior: prior, noise: noise)
      tape.backward(from: kl)
      let numericMean = centralDifference(at: mean, step: 1e-6) {
        Self.estimate(mean: $0, raw: raw, noise: noise, p, prior)
      }
      let numericRaw = centralDifference(at: raw, step: 1e-6) {
        Self.estimate(mean: mean, raw: $0, noise: noise, p, prior)
      }
      let gradMean = tape.gradient(of: mu)
      let gradRaw = tape.gradient(of: scale)
      #expect(gradMean != nil && gradRaw != nil)
      if let gradMean { expectClose(gradMean, numericMean, tolerance: 1e-6, "∂/∂μ (\(p)):") }
      if let gradRaw { expectClose(gradRaw, numericRaw, tolerance: 1e-6, "∂/∂raw (\(p)):") }
    }
  }

  @Test func klGradientIsScaledByTheUpstreamGradient() {
    // Through the general checker: the output is seeded with a random r, so the pullback
    // must multiply by it.
    let mean = Matrix.row([0.3, -0.1, 0.8])
    let raw = Matrix.row([-3.0, -2.0, -4.0])
    var rng = Generator(seed: 9104)
    let noise = rng.normalMatrix(rows: 1, columns: 3)
    expectGradientsMatchFiniteDifferences([mean, raw], step: 1e-6) { v in
      ScaleParameterisation.logVariance.values(raw: v[1].value).klToScaleMixturePrior(
        mean: v[0], scale: v[1], prior: Self.mild, noise: noise)
    }
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func averagedGradientMatchesTheDerivativeOfTheIntegratedKL(
    parameterisation p: ScaleParameterisation
  ) {
    for prior in [Self.mild, Self.blundell] {
      let mean = Matrix.row(Self.means)
      let raw = Self.rawRow(p)
      let values = p.values(raw: raw)
      var rng = Generator(seed: 9105)
      let draws = 20_000
      var meanGradients = [[Double]](repeating: [], count: mean.count)
      var rawGradients = [[Double]](repeating: [], count: mean.count)
      for _ in 0..<draws {
        let noise = rng.normalMatrix(rows: 1, columns: mean.count)
        let tape = Tape()
        let mu = tape.variable(mean)
        let scale = tape.variable(raw)
        tape.backward(
          from: values.klToScaleMixturePrior(mean: mu, scale: scale, prior: prior, noise: noise))
        let gm = tape.gradient(of: mu)!
        let gr = tape.gradient(of: scale)!
        for k in 0..<mean.count {
          meanGradients[k].append(gm.storage[k])
          rawGradients[k].append(gr.storage[k])
        }
      }
      for k in 0..<mean.count {
        let (mu, r) = (Self.means[k], raw.storage[k])
        let sigma = Self.handStandardDeviation(raw: r, p)
        // d KL/dμ by a central difference of the quadrature (the grid moves with μ, so the
        // quadrature is smooth in μ); d KL/draw likewise through σ(raw).
        let hMu = 1e-4
        let dMu =
          (Self.integratedKL(mean: mu + hMu, standardDeviation: sigma, prior)
            - Self.integratedKL(mean: mu - hMu, standardDeviation: sigma, prior)) / (2 * hMu)
        let hRaw = 1e-4
        let dRaw =
          (Self.integratedKL(
            mean: mu, standardDeviation: Self.handStandardDeviation(raw: r + hRaw, p), prior)
            - Self.integratedKL(
              mean: mu, standardDeviation: Self.handStandardDeviation(raw: r - hRaw, p), prior))
          / (2 * hRaw)
        let gm = sampleMoments(meanGradients[k])
        let gr = sampleMoments(rawGradients[k])
        expectWithinStandardErrors(
          gm.mean, dMu, standardError: gm.standardError, standardErrors: 5,
          "∂KL/∂μ[\(k)] (\(p)):")
        expectWithinStandardErrors(
          gr.mean, dRaw, standardError: gr.standardError, standardErrors: 5,
          "∂KL/∂raw[\(k)] (\(p)):")
      }
    }
  }

  // MARK: - Layers and training

  @Test(arguments: ScaleParameterisation.allCases)
  func bayesianDenseMixtureKLAveragesToTheIntegratedKL(parameterisation p: ScaleParameterisation) {
    var rng = Generator(seed: 9106)
    let layer = BayesianDense(
      inputs: 2, outputs: 2, scaleMixturePrior: Self.blundell, parameterisation: p, using: &rng)
    layer.weightMean.value = Matrix(rows: 2, columns: 2, storage: [0.4, -0.01, 0.0, -1.1])
    layer.weightScale.value = Matrix(
      rows: 2, columns: 2, storage: [0.1, 0.02, 0.3, 0.05].map { p.raw(forStandardDeviation: $0) })
    layer.biasMean.value = .row([0.2, -0.05])
    layer.biasScale.value = .row([0.05, 0.2].map { p.raw(forStandardDeviation: $0) })

    let means = layer.weightMean.value.storage + layer.biasMean.value.storage
    let raws = layer.weightScale.value.storage + layer.biasScale.value.storage
    let truth = zip(means, raws).reduce(0.0) {
      $0
        + Self.integratedKL(
          mean: $1.0, standardDeviation: Self.handStandardDeviation(raw: $1.1, p), Self.blundell)
    }
    var draws = [Double]()
    for _ in 0..<20_000 {
      draws.append(
        layer.klDivergence(on: Tape(recordsGradients: false), using: &rng).value.scalarValue)
    }
    let m = sampleMoments(draws)
    // A Monte Carlo estimate, not a constant.
    #expect(m.variance > 0)
    expectWithinStandardErrors(
      m.mean, truth, standardError: m.standardError, standardErrors: 5, "layer KL (\(p)):")
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func bayesianDenseWithoutMixtureGivesTheClosedFormFromBothEntryPoints(
    parameterisation p: ScaleParameterisation
  ) {
    var rng = Generator(seed: 9107)
    let layer = BayesianDense(
      inputs: 3, outputs: 2, priorStandardDeviation: 0.8, parameterisation: p,
      initialStandardDeviation: 0.2, using: &rng)
    layer.biasMean.value = .row([0.1, -0.3])
    let closed = layer.klDivergence(on: Tape()).value.scalarValue
    var noise = Generator(seed: 9108)
    let sampled = layer.klDivergence(on: Tape(), using: &noise).value.scalarValue
    #expect(sampled == closed)
    let means = layer.weightMean.value.storage + layer.biasMean.value.storage
    let hand = means.reduce(0.0) { $0 + handKL(meanQ: $1, sdQ: 0.2, meanP: 0, sdP: 0.8) }
    expectClose(closed, hand, tolerance: 1e-12)
  }

  @Test func mlpMixtureKLIsTheSumOfItsLayersEstimatesWithTheSameNoise() {
    var rng = Generator(seed: 9109)
    let model = MLP.bayesian(
      sizes: [2, 3, 2], scaleMixturePrior: Self.mild, parameterisation: .softplus,
      initialStandardDeviation: 0.1, using: &rng)
    var noise = Generator(seed: 9110)
    var twin = noise
    let total = model.klDivergence(on: Tape(), using: &noise).value.scalarValue
    var bySum = 0.0
    for case let layer as BayesianDense in model.layers {
      bySum += layer.klDivergence(on: Tape(), using: &twin).value.scalarValue
    }
    expectClose(total, bySum, tolerance: 1e-13)

    // And its average is the summed integrated KL of every weight and bias.
    var truth = 0.0
    for case let layer as BayesianDense in model.layers {
      let means = layer.weightMean.value.storage + layer.biasMean.value.storage
      for mu in means {
        truth += Self.integratedKL(mean: mu, standardDeviation: 0.1, Self.mild)
      }
    }
    var draws = [Double]()
    for _ in 0..<5_000 {
      draws.append(
        model.klDivergence(on: Tape(recordsGradients: false), using: &noise).value.scalarValue)
    }
    let m = sampleMoments(draws)
    expectWithinStandardErrors(m.mean, truth, standardError: m.standardError, standardErrors: 5)
  }

  @Test(arguments: ScaleParameterisation.allCases)
  func bayesByBackpropTrainsAMixturePriorNetworkWithFiniteLoss(
    parameterisation p: ScaleParameterisation
  ) throws {
    var rng = Generator(seed: 9111)
    let data = SyntheticData.twoMoons(count: 40, noise: 0.1, using: &rng)
    let model = MLP.bayesian(
      sizes: [2, 8, 2], scaleMixturePrior: Self.blundell, parameterisation: p,
      initialStandardDeviation: 0.05, using: &rng)
    let trainer = BayesByBackprop(model: model, likelihood: .categorical)
    var optimiser = Adam(parameters: model.parameters, learningRate: 0.01)
    let records = try trainer.train(
      on: data, epochs: 4, batchSize: 10, optimiser: &optimiser, using: &rng)
    #expect(records.count == 4)
    for r in records {
      #expect(r.loss.isFinite && r.negativeLogLikelihood.isFinite && r.regulariser.isFinite)
      expectClose(r.loss, r.negativeLogLikelihood + r.regulariser, tolerance: 1e-12)
    }
    for parameter in model.parameters {
      #expect(parameter.value.storage.allSatisfy { $0.isFinite }, "\(parameter.name)")
    }
  }
}
