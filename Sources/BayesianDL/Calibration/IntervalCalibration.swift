import Foundation

/// How often a regression model's central prediction intervals hold the target, against
/// how often they should: the calibration curve of regression, with its summaries.
///
/// Each prediction enters through its PIT value, the predictive CDF at the target,
/// $u = F(y)$. The central $p$-interval of the predictive holds $y$ exactly when
/// $|u - \tfrac12| \le p/2$, so a calibrated model's intervals hold a share $p$ of the
/// targets for every $p$. The curve compares the observed share with $p$ at the expected
/// proportions $p_k = k/(K-1)$, $k = 0, …, K-1$ (Uncertainty Toolbox's
/// `np.linspace(0, 1, K)`; $K = 100$ there and here), and is summarised as Uncertainty
/// Toolbox does (Chung et al. 2021): the mean absolute and root mean squared gaps (MACE,
/// RMSCE) and the area between the curve and the diagonal.
public struct IntervalCalibration: Sendable {
  /// The nominal coverages $p_k$, from 0 to 1.
  public let expectedProportions: [Double]
  /// The share of targets inside the central $p_k$-interval, for each $p_k$.
  public let observedProportions: [Double]
  /// The distances $|u_i - \tfrac12|$, sorted: what ``coverage(_:)`` counts.
  let sortedDistances: [Double]

  /// The curve of `pits` at `levels` evenly spaced expected proportions.
  ///
  /// - Parameters:
  ///   - pits: the PIT value $F_i(y_i) \in [0, 1]$ of each prediction (at least one).
  ///   - levels: the number of expected proportions, at least 2.
  public init(pits: [Double], levels: Int = 100) {
    precondition(!pits.isEmpty, "IntervalCalibration: no predictions")
    precondition(levels >= 2, "IntervalCalibration: fewer than two levels")
    sortedDistances = pits.map { abs($0 - 0.5) }.sorted()
    expectedProportions = (0..<levels).map { Double($0) / Double(levels - 1) }
    let distances = sortedDistances
    observedProportions = expectedProportions.map {
      Self.share(ofSorted: distances, atMost: $0 / 2)
    }
  }

  /// A curve given point by point (for tests of the summaries).
  init(expected: [Double], observed: [Double]) {
    expectedProportions = expected
    observedProportions = observed
    sortedDistances = []
  }

  /// The share of targets inside the central `level`-interval.
  ///
  /// - Parameter level: the nominal coverage, in [0, 1].
  public func coverage(_ level: Double) -> Double {
    Self.share(ofSorted: sortedDistances, atMost: level / 2)
  }

  /// The mean absolute calibration error: the mean of $|p_k - \hat p_k|$.
  public var meanAbsoluteError: Double {
    zip(expectedProportions, observedProportions).reduce(0) { $0 + abs($1.0 - $1.1) }
      / Double(expectedProportions.count)
  }

  /// The root mean squared calibration error: $\sqrt{\text{mean}\,(p_k - \hat p_k)^2}$.
  public var rootMeanSquaredError: Double {
    let squares = zip(expectedProportions, observedProportions).reduce(0) {
      $0 + ($1.0 - $1.1) * ($1.0 - $1.1)
    }
    return (squares / Double(expectedProportions.count)).squareRoot()
  }

  /// The area between the curve (the points joined by straight lines) and the diagonal,
  /// integrated exactly segment by segment, also where the curve crosses the diagonal.
  public var miscalibrationArea: Double {
    var area = 0.0
    for k in 0..<(expectedProportions.count - 1) {
      let (left, right) = (expectedProportions[k], expectedProportions[k + 1])
      let dl = observedProportions[k] - left
      let dr = observedProportions[k + 1] - right
      let width = right - left
      if dl * dr < 0 {
        // The curve crosses the diagonal inside the segment: two triangles.
        let crossing = width * abs(dl) / (abs(dl) + abs(dr))
        area += 0.5 * abs(dl) * crossing + 0.5 * abs(dr) * (width - crossing)
      } else {
        area += 0.5 * width * abs(dl + dr)
      }
    }
    return area
  }

  /// The share of `sorted` values that are at most `bound`.
  static func share(ofSorted sorted: [Double], atMost bound: Double) -> Double {
    var (low, high) = (0, sorted.count)
    while low < high {
      let middle = (low + high) / 2
      if sorted[middle] <= bound { low = middle + 1 } else { high = middle }
    }
    return Double(low) / Double(sorted.count)
  }
}
