import Foundation

/// The scores of Gaussian predictive distributions $\mathcal N(\mu_i, s_i^2)$ against
/// targets $y_i$, defined as Uncertainty Toolbox defines them (Chung et al. 2021), so that
/// the numbers agree with it.
///
/// With $z_i = (y_i - \mu_i)/s_i$, $\Phi$ and $\varphi$ the standard normal CDF and
/// density:
/// - RMSE $= \sqrt{\text{mean}\,(y_i - \mu_i)^2}$, of the predictive means;
/// - NLL $= \text{mean}\,\big(\tfrac12\log 2\pi + \log s_i + \tfrac12 z_i^2\big)$, in nats;
/// - CRPS $= \text{mean}\; s_i\big(z_i(2\Phi(z_i) - 1) + 2\varphi(z_i) - 1/\sqrt\pi\big)$,
///   the closed form for a Gaussian, in the units of $y$;
/// - sharpness $= \sqrt{\text{mean}\, s_i^2}$;
/// - the calibration of the central intervals (``IntervalCalibration``), from the PIT
///   values $\Phi(z_i)$.
public struct GaussianRegressionScores: Sendable {
  /// The number of predictions.
  public let count: Int
  /// The root mean squared error of the predictive means.
  public let rootMeanSquaredError: Double
  /// The mean negative log-likelihood, in nats.
  public let negativeLogLikelihood: Double
  /// The mean continuous ranked probability score.
  public let continuousRankedProbabilityScore: Double
  /// The root mean predicted variance.
  public let sharpness: Double
  /// The calibration curve of the central intervals and its summaries.
  public let calibration: IntervalCalibration

  /// Scores the predictions.
  ///
  /// - Parameters:
  ///   - mean: the predictive means.
  ///   - standardDeviation: the predictive standard deviations, each positive.
  ///   - target: the targets.
  ///   - levels: the number of expected proportions of the calibration curve.
  public init(
    mean: [Double], standardDeviation: [Double], target: [Double], levels: Int = 100
  ) {
    let n = mean.count
    precondition(n > 0, "GaussianRegressionScores: no predictions")
    precondition(
      standardDeviation.count == n && target.count == n,
      "GaussianRegressionScores: the three columns differ in length")
    var (squares, nll, crps, variance) = (0.0, 0.0, 0.0, 0.0)
    var pits = [Double](repeating: 0, count: n)
    let halfLogTwoPi = 0.5 * log(2 * Double.pi)
    let inverseRootPi = 1 / Double.pi.squareRoot()
    for i in 0..<n {
      let s = standardDeviation[i]
      precondition(s > 0, "GaussianRegressionScores: a standard deviation is not positive")
      let residual = target[i] - mean[i]
      let z = residual / s
      let cdf = 0.5 * erfc(-z / 2.0.squareRoot())
      let density = exp(-0.5 * z * z) / (2 * Double.pi).squareRoot()
      squares += residual * residual
      nll += halfLogTwoPi + log(s) + 0.5 * z * z
      crps += s * (z * (2 * cdf - 1) + 2 * density - inverseRootPi)
      variance += s * s
      pits[i] = cdf
    }
    let size = Double(n)
    count = n
    rootMeanSquaredError = (squares / size).squareRoot()
    negativeLogLikelihood = nll / size
    continuousRankedProbabilityScore = crps / size
    sharpness = (variance / size).squareRoot()
    calibration = IntervalCalibration(pits: pits, levels: levels)
  }
}
