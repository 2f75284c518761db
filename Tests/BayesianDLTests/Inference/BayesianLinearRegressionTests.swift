import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// Bayesian linear regression against independent references: the evidence as a
/// Gaussian density of the targets, the ELBO identity for arbitrary Gaussians, the
/// expected log-likelihood by Monte Carlo, and the mean-field and tempered optima by
/// perturbation.
@Suite struct BayesianLinearRegressionTests {
  /// A small problem with correlated weights: features [1, x, x²] on x ∈ [0.5, 2].
  static func problem(seed: UInt64 = 3) -> BayesianLinearRegression {
    var rng = Generator(seed: seed)
    let x = (0..<9).map { _ in rng.uniform(0.5, 2) }
    let features = Matrix(rows: x.count, columns: 3) { i, j in pow(x[i], Double(j)) }
    let y = Matrix.column(x.map { 1 - 0.5 * $0 + 0.3 * $0 * $0 + 0.2 * rng.normal() })
    return try! BayesianLinearRegression(
      features: features, targets: y, priorPrecision: 0.7, noiseVariance: 0.04)
  }

  /// A random Gaussian over the weights: mean near the posterior, covariance B Bᵀ + 0.01 I.
  static func randomGaussian(dimension d: Int, around centre: Matrix, using rng: inout Generator)
    -> MultivariateGaussian
  {
    let b = rng.normalMatrix(rows: d, columns: d, standardDeviation: 0.3)
    let covariance = b.matmul(b.transposed) + Matrix.identity(d) * 0.01
    return try! MultivariateGaussian(
      mean: centre + rng.normalMatrix(rows: d, columns: 1, standardDeviation: 0.5),
      covariance: covariance)
  }

  @Test func logEvidenceEqualsTheMarginalDensityOfTheTargets() throws {
    let model = Self.problem()
    let phi = model.features
    let marginal = try MultivariateGaussian(
      mean: Matrix(rows: phi.rows, columns: 1),
      covariance: Matrix.identity(phi.rows) * model.noiseVariance
        + phi.matmul(phi.transposed) / model.priorPrecision)
    #expect(abs(model.logEvidence - marginal.logDensity(model.targets)) < 1e-10)
  }

  @Test func posteriorMatchesBayesRuleOnTwoPoints() throws {
    // log p(w | D) − log p(w' | D) = [log p(D|w) + log p(w)] − [same at w'] for any w, w'.
    let model = Self.problem()
    func logJoint(_ w: Matrix) -> Double {
      let residual = model.targets - model.features.matmul(w)
      let logLikelihood =
        -0.5 * Double(residual.rows) * log(2 * Double.pi * model.noiseVariance)
        - 0.5 * residual.storage.reduce(0) { $0 + $1 * $1 } / model.noiseVariance
      return logLikelihood + model.prior.logDensity(w)
    }
    let w1 = Matrix.column([0.2, -0.1, 0.4])
    let w2 = Matrix.column([1.0, 0.3, -0.2])
    let posteriorDifference = model.posterior.logDensity(w1) - model.posterior.logDensity(w2)
    #expect(abs(posteriorDifference - (logJoint(w1) - logJoint(w2))) < 1e-9)
    // and the normaliser is the evidence: log p(D|w) + log p(w) − log p(w|D) = log p(D).
    #expect(abs(logJoint(w1) - model.posterior.logDensity(w1) - model.logEvidence) < 1e-9)
  }

  @Test func elboPlusKLToThePosteriorIsTheLogEvidenceForAnyGaussian() {
    let model = Self.problem()
    var rng = Generator(seed: 11)
    for _ in 0..<50 {
      let q = Self.randomGaussian(dimension: 3, around: model.posterior.mean, using: &rng)
      let identity = model.elbo(q) + q.kl(to: model.posterior)
      #expect(abs(identity - model.logEvidence) < 1e-9 * max(1, abs(model.elbo(q))))
      #expect(model.elbo(q) <= model.logEvidence)
    }
  }

  @Test func elboOfTheExactPosteriorIsTheLogEvidence() {
    let model = Self.problem()
    #expect(abs(model.elbo(model.posterior) - model.logEvidence) < 1e-10)
  }

  @Test func expectedLogLikelihoodMatchesMonteCarlo() {
    let model = Self.problem()
    var rng = Generator(seed: 12)
    let q = Self.randomGaussian(dimension: 3, around: model.posterior.mean, using: &rng)
    let values = (0..<40_000).map { _ -> Double in
      let w = q.sample(using: &rng)
      let residual = model.targets - model.features.matmul(w)
      return -0.5 * Double(residual.rows) * log(2 * Double.pi * model.noiseVariance)
        - 0.5 * residual.storage.reduce(0) { $0 + $1 * $1 } / model.noiseVariance
    }
    let m = sampleMoments(values)
    expectWithinStandardErrors(
      model.expectedLogLikelihood(under: q), m.mean, standardError: m.standardError,
      standardErrors: 5)
  }

  @Test func coordinateAscentReachesTheClosedFormAndNeverLowersTheELBO() {
    let model = Self.problem()
    let run = model.coordinateAscentMeanField(sweeps: 20000)
    #expect(run.q.mean.maxAbsDifference(model.meanFieldOptimum.mean) < 1e-9)
    #expect(run.q.covariance.maxAbsDifference(model.meanFieldOptimum.covariance) < 1e-15)
    for (a, b) in zip(run.elbos, run.elbos.dropFirst()) { #expect(b >= a - 1e-12) }
  }

  @Test func meanFieldOptimumBeatsEveryNearbyFactorisedGaussian() throws {
    let model = Self.problem()
    let best = model.meanFieldOptimum
    var rng = Generator(seed: 13)
    for _ in 0..<40 {
      let mean = best.mean + rng.normalMatrix(rows: 3, columns: 1, standardDeviation: 0.01)
      let variances = best.covariance.diagonalEntries.map { $0 * exp(0.05 * rng.normal()) }
      let q = try MultivariateGaussian(mean: mean, covariance: Matrix.diagonal(variances))
      #expect(model.elbo(q) < model.elbo(best))
    }
  }

  @Test func meanFieldVarianceRatioIsOneMinusRhoSquaredInTwoDimensions() throws {
    var rng = Generator(seed: 4)
    let x = (0..<10).map { _ in rng.uniform(1, 3) }
    let model = try BayesianLinearRegression(
      features: Matrix(rows: 10, columns: 2) { i, j in j == 0 ? 1 : x[i] },
      targets: .column(x.map { 1 + $0 + 0.3 * rng.normal() }), priorPrecision: 1,
      noiseVariance: 0.09)
    let s = model.posterior.covariance
    let rho = s[0, 1] / (s[0, 0] * s[1, 1]).squareRoot()
    for i in 0..<2 {
      #expect(abs(model.meanFieldOptimum.covariance[i, i] / s[i, i] - (1 - rho * rho)) < 1e-12)
    }
  }

  @Test func temperedPosteriorAtBetaOneIsThePosteriorAndMaximisesTheBetaObjective() throws {
    let model = Self.problem()
    let one = try model.temperedPosterior(klWeight: 1)
    #expect(one.mean.maxAbsDifference(model.posterior.mean) < 1e-12)
    #expect(one.covariance.maxAbsDifference(model.posterior.covariance) < 1e-12)
    let beta = 0.1
    let tempered = try model.temperedPosterior(klWeight: beta)
    func objective(_ q: MultivariateGaussian) -> Double {
      model.expectedLogLikelihood(under: q) - beta * q.kl(to: model.prior)
    }
    var rng = Generator(seed: 14)
    for _ in 0..<40 {
      let noise = rng.normalMatrix(rows: 3, columns: 3, standardDeviation: 0.02)
      let l = tempered.choleskyFactor + noise
      let q = try MultivariateGaussian(
        mean: tempered.mean + rng.normalMatrix(rows: 3, columns: 1, standardDeviation: 0.01),
        covariance: l.matmul(l.transposed))
      #expect(objective(q) < objective(tempered))
    }
  }

  @Test func predictiveVarianceIsTheQuadraticFormPlusNoise() {
    let model = Self.problem()
    let x = Matrix([[1, 0.5, 0.25], [1, 3, 9]])
    let p = model.predictive(at: x, under: model.posterior)
    for i in 0..<2 {
      let row = x.row(i)
      let quadratic = row.matmul(model.posterior.covariance).matmul(row.transposed).scalarValue
      #expect(abs(p.variance[i] - (quadratic + model.noiseVariance)) < 1e-12)
      #expect(abs(p.mean[i] - row.matmul(model.posterior.mean).scalarValue) < 1e-12)
    }
  }

  @Test func singularPrecisionIsAnErrorNotACrash() {
    // Two identical features and a vanishing prior: A is singular to working precision.
    let features = Matrix(rows: 3, columns: 2) { i, _ in Double(i + 1) }
    #expect(throws: LinearAlgebraError.self) {
      _ = try BayesianLinearRegression(
        features: features, targets: .column([1, 2, 3]), priorPrecision: 1e-300, noiseVariance: 1)
    }
  }
}
