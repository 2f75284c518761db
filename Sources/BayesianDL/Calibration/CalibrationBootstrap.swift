/// A bootstrap confidence interval for the ECE: how much the ECE of a test set would move
/// if the test set were drawn again.
///
/// The rows (predictions with their labels) are resampled with replacement, $n$ of $n$,
/// `resamples` times; each resample's ECE is computed in the same equal-width bins as
/// ``Reliability``; the interval is the percentile interval of those ECEs: for level
/// $1 - \alpha$ (0.95 by default) its ends are the $\alpha/2$ and $1 - \alpha/2$
/// quantiles of the resampled ECEs (Efron & Tibshirani 1993, §13.3), each the linear
/// interpolation between order statistics that numpy's `quantile` uses by default
/// (Hyndman & Fan's type 7): the $q$-quantile of sorted $x_0 \le … \le x_{R-1}$ is
/// $x_{\lfloor h\rfloor} + (h - \lfloor h\rfloor)(x_{\lfloor h\rfloor+1} - x_{\lfloor h\rfloor})$
/// with $h = (R-1)q$.
///
/// The interval measures sampling variability, not bias: the ECE of a finite sample is
/// biased upwards (a bin's gap is never negative, so noise only adds to it), and the ECE of
/// a resample, which repeats some rows and drops others, more so. When the model is nearly
/// calibrated, or the bins hold few predictions, the resampled ECEs then lie mostly above
/// the sample's own ECE, and the interval can miss it.
///
/// Resample $r$ draws its rows from its own generator, forked in turn from the one given,
/// so the interval depends only on the data, the bins, `resamples` and that generator —
/// not on how many cores share the work.
public struct CalibrationBootstrap: Sendable {
  /// The number of resamples $R$.
  public let resamples: Int
  /// The confidence level $1 - \alpha$ of the interval.
  public let level: Double
  /// The ECE of each resample, sorted.
  public let estimates: [Double]
  /// The interval's lower end, the $\alpha/2$ quantile of ``estimates``.
  public let lower: Double
  /// The interval's upper end, the $1 - \alpha/2$ quantile of ``estimates``.
  public let upper: Double

  /// The bootstrap interval of the ECE of class-probability predictions (the confidence
  /// of a row is its largest probability, correct when that class — the first, on ties —
  /// is the label, as in ``Reliability``).
  ///
  /// - Parameters:
  ///   - probabilities: `[n, classes]`, rows summing to 1 (checked).
  ///   - labels: the true classes.
  ///   - bins: the number of equal-width bins $B \ge 1$.
  ///   - resamples: $R \ge 1$.
  ///   - level: the confidence level, in $(0, 1)$.
  ///   - generator: the source of the resamples (advanced by $R$ forks).
  public init(
    _ probabilities: Matrix, labels: [Int], bins: Int = 15, resamples: Int,
    level: Double = 0.95, using generator: inout Generator
  ) {
    ClassificationMetrics.validate(probabilities, labels)
    let (confidences, correct) = Reliability.confidences(probabilities, labels: labels)
    self.init(
      confidences: confidences, correct: correct, bins: bins, resamples: resamples,
      level: level, using: &generator)
  }

  /// The bootstrap interval of the ECE of predictions given as confidences and outcomes.
  ///
  /// - Parameters:
  ///   - confidences: each prediction's confidence, in $[0, 1]$.
  ///   - correct: whether each prediction was right.
  ///   - bins: the number of equal-width bins $B \ge 1$.
  ///   - resamples: $R \ge 1$.
  ///   - level: the confidence level, in $(0, 1)$.
  ///   - generator: the source of the resamples (advanced by $R$ forks).
  public init(
    confidences: [Double], correct: [Bool], bins: Int = 15, resamples: Int,
    level: Double = 0.95, using generator: inout Generator
  ) {
    precondition(resamples >= 1, "CalibrationBootstrap: needs at least one resample")
    precondition(level > 0 && level < 1, "CalibrationBootstrap: the level must be in (0, 1)")
    precondition(bins >= 1, "CalibrationBootstrap: needs at least one bin")
    precondition(!confidences.isEmpty, "CalibrationBootstrap: no predictions")
    precondition(confidences.count == correct.count, "CalibrationBootstrap: one outcome each")
    precondition(
      confidences.allSatisfy { $0 >= 0 && $0 <= 1 },
      "CalibrationBootstrap: confidences must be in [0, 1]")
    let n = confidences.count
    let edges = (0...bins).map { Double($0) / Double(bins) }
    // Each row's confidence, bin and outcome side by side (one cache line per draw: the
    // draws jump all over the rows).
    let rows = zip(confidences, correct).map { c, right in
      Row(confidence: c, bin: UInt32(EqualWidthTally.bin(of: c, edges: edges)), hit: right ? 1 : 0)
    }
    let generators = generator.forks(resamples)
    let jobs = 2
    let chunks = (0..<jobs).map { j in (j * resamples / jobs)..<((j + 1) * resamples / jobs) }
    let parts = Parallel.map(jobs) { j -> [Double] in
      var count = [Int](repeating: 0, count: bins)
      var sum = [Double](repeating: 0, count: bins)
      var hits = [Double](repeating: 0, count: bins)
      return chunks[j].map { r in
        var rng = generators[r]
        for b in 0..<bins { (count[b], sum[b], hits[b]) = (0, 0, 0) }
        rows.withUnsafeBufferPointer { rows in
          for _ in 0..<n {
            let row = rows[Self.index(below: n, using: &rng)]
            let b = Int(row.bin)
            count[b] += 1
            sum[b] += row.confidence
            hits[b] += Double(row.hit)
          }
        }
        var ece = 0.0
        for b in 0..<bins where count[b] > 0 { ece += abs(hits[b] - sum[b]) }
        return ece / Double(n)
      }
    }
    self.resamples = resamples
    self.level = level
    estimates = parts.flatMap { $0 }.sorted()
    lower = Self.quantile(ofSorted: estimates, (1 - level) / 2)
    upper = Self.quantile(ofSorted: estimates, 1 - (1 - level) / 2)
  }

  /// One row as the resampling reads it.
  private struct Row: Sendable {
    var confidence: Double
    var bin: UInt32
    var hit: UInt32
  }

  /// A uniform index in `0..<n`: the high word of a random 64-bit number times $n$
  /// (Lemire 2019, without the rejection step; the bias is below $n / 2^{64}$).
  @inline(__always)
  static func index(below n: Int, using rng: inout Generator) -> Int {
    Int(truncatingIfNeeded: rng.next().multipliedFullWidth(by: UInt64(n)).high)
  }

  /// The $q$-quantile of sorted values by linear interpolation between order statistics
  /// (numpy's default, Hyndman & Fan's type 7).
  ///
  /// - Parameters:
  ///   - sorted: at least one value, in increasing order.
  ///   - q: the probability, in $[0, 1]$.
  public static func quantile(ofSorted sorted: [Double], _ q: Double) -> Double {
    precondition(!sorted.isEmpty, "quantile: no values")
    precondition(q >= 0 && q <= 1, "quantile: q must be in [0, 1]")
    let h = Double(sorted.count - 1) * q
    let low = Int(h.rounded(.down))
    let high = Swift.min(low + 1, sorted.count - 1)
    return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
  }
}
