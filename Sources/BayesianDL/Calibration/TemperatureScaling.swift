import Foundation

/// Temperature scaling (Guo et al., 2017): recalibrate a classifier by dividing its
/// logits by one number $T > 0$ fitted on held-out data,
/// $p = \operatorname{softmax}(z / T)$.
///
/// $T > 1$ softens over-confident predictions, $T < 1$ sharpens timid ones, and because
/// dividing by a positive number keeps the order of the logits, the predicted class —
/// hence the accuracy — never changes.
///
/// **Fitting.** $T$ minimises the validation NLL. In $\beta = 1/T$ the NLL
/// $f(\beta) = \frac1n\sum_i \big[\log\sum_k e^{\beta z_{ik}} - \beta z_{iy_i}\big]$ is convex: its
/// second derivative is the mean variance of $z_i$ under $\operatorname{softmax}(\beta z_i)$, which
/// is never negative. So the minimum is where $f'(\beta) = \frac1n\sum_i(\mathbb E_{\beta}[z_i] - z_{iy_i})$
/// crosses zero, and the fit is Newton's method on $f'$ — quadratic convergence, with
/// exact first and second derivatives in closed form — kept inside a bracket
/// $[\beta_-, \beta_+]$ with $f'(\beta_-) < 0 < f'(\beta_+)$ and falling back to bisection
/// whenever a Newton step would leave it, so it cannot diverge. (A generic gradient
/// method on $T$ would need a step size; this needs none.)
public struct TemperatureScaling: Sendable, Equatable {
  /// The fitted temperature $T > 0$.
  public let temperature: Double

  /// Wraps a known temperature.
  ///
  /// - Parameter temperature: $T > 0$.
  public init(temperature: Double) {
    precondition(
      temperature > 0 && temperature.isFinite,
      "TemperatureScaling: T must be positive, got \(temperature)")
    self.temperature = temperature
  }

  /// The smallest and largest $\beta = 1/T$ the fit returns: $T \in [10^{-3}, 10^{3}]$.
  /// If the NLL keeps falling beyond them (separable data want $T \to 0$; logits no
  /// better than chance want $T \to \infty$), the fit stops at the edge.
  public static let inverseTemperatureRange = 1e-3...1e3

  /// Fits $T$ by minimising the NLL of `labels` under $\operatorname{softmax}(z / T)$.
  ///
  /// - Parameters:
  ///   - logits: `[n, classes]`, finite.
  ///   - labels: the true classes.
  public static func fit(logits: Matrix, labels: [Int]) -> TemperatureScaling {
    precondition(logits.rows == labels.count && !labels.isEmpty, "TemperatureScaling: shapes")
    precondition(logits.storage.allSatisfy(\.isFinite), "TemperatureScaling: non-finite logit")
    precondition(
      labels.allSatisfy { (0..<logits.columns).contains($0) }, "TemperatureScaling: bad label")
    var (lo, hi) = (inverseTemperatureRange.lowerBound, inverseTemperatureRange.upperBound)
    let atLow = derivatives(logits, labels, beta: lo)
    if atLow.first >= 0 { return TemperatureScaling(temperature: 1 / lo) }
    let atHigh = derivatives(logits, labels, beta: hi)
    if atHigh.first <= 0 { return TemperatureScaling(temperature: 1 / hi) }
    var beta = 1.0
    for _ in 0..<200 {
      let d = derivatives(logits, labels, beta: beta)
      if d.first < 0 { lo = beta } else { hi = beta }
      if abs(d.first) < 1e-13 || hi - lo < 1e-12 * beta { break }
      let newton = beta - d.first / d.second
      beta = d.second > 0 && newton > lo && newton < hi ? newton : 0.5 * (lo + hi)
    }
    return TemperatureScaling(temperature: 1 / beta)
  }

  /// $\operatorname{softmax}(z / T)$, row by row.
  ///
  /// - Parameter logits: `[n, classes]`.
  public func probabilities(_ logits: Matrix) -> Matrix {
    (logits / temperature).softmaxRows()
  }

  /// The mean NLL $\frac1n\sum_i -\log \operatorname{softmax}(z_i / T)_{y_i}$, computed stably
  /// from the logits.
  ///
  /// - Parameters:
  ///   - logits: `[n, classes]`.
  ///   - labels: the true classes.
  public func negativeLogLikelihood(logits: Matrix, labels: [Int]) -> Double {
    let c = logits.columns
    var total = 0.0
    logits.storage.withUnsafeBufferPointer { z in
      for i in 0..<labels.count {
        // log Σ_k e^{z_k/T} − z_y/T, shifted by the row's largest logit for stability.
        let row = z[(i * c)..<(i * c + c)]
        let top = row.max()!
        var sum = 0.0
        for v in row { sum += Foundation.exp((v - top) / temperature) }
        total += Foundation.log(sum) + (top - z[i * c + labels[i]]) / temperature
      }
    }
    return total / Double(labels.count)
  }

  /// $f'(\beta)$ and $f''(\beta)$ of the mean NLL in $\beta = 1/T$: the mean of
  /// $\mathbb E_\beta[z_i] - z_{iy_i}$ and of $\operatorname{Var}_\beta[z_i]$ under
  /// $\operatorname{softmax}(\beta z_i)$.
  static func derivatives(_ logits: Matrix, _ labels: [Int], beta: Double)
    -> (first: Double, second: Double)
  {
    let c = logits.columns
    var first = 0.0
    var second = 0.0
    logits.storage.withUnsafeBufferPointer { z in
      for i in 0..<labels.count {
        let row = z[(i * c)..<(i * c + c)]
        let top = row.max()!
        var (weight, mean, square) = (0.0, 0.0, 0.0)
        for v in row {
          let w = Foundation.exp(beta * (v - top))
          weight += w
          mean += w * v
          square += w * v * v
        }
        mean /= weight
        first += mean - z[i * c + labels[i]]
        second += Swift.max(square / weight - mean * mean, 0)
      }
    }
    let n = Double(labels.count)
    return (first / n, second / n)
  }
}
