/// The reliability of every class's probability, not only the top one's: for each class
/// $k$, the equal-width reliability of $p_{ik}$ as a forecast of the event "the label is
/// $k$", over all $n$ rows — hence the classwise ECE of Kull et al. (2019).
///
/// Kept apart from ``CalibrationReport`` because it costs more than all of that report's
/// scores together: it bins every one of the $n \times C$ probabilities, where the report
/// bins $n$ confidences. Each half of the rows is tallied on its own core, and the halves
/// are merged in a fixed order (the same result on any number of cores).
///
/// ```swift
/// let classwise = ClasswiseReliability(probabilities, labels: labels, bins: 15)
/// print(classwise.expectedCalibrationError)
/// ```
public struct ClasswiseReliability: Sendable {
  /// Entry $k$: every row in the equal-width bin of $p_{ik}$, counted correct when
  /// $y_i = k$.
  public let classes: [Reliability]

  /// The classwise ECE of Kull et al. (2019, "Beyond temperature scaling", §5):
  /// $$\text{classwise-ECE} = \frac1C\sum_{k=1}^{C}\sum_b \frac{n_{bk}}{n}
  ///   \Bigl\lvert \tfrac{1}{n_{bk}}\textstyle\sum_{i \in B_{bk}} 1[y_i = k]
  ///   - \tfrac{1}{n_{bk}}\sum_{i \in B_{bk}} p_{ik}\Bigr\rvert,$$
  /// where $B_{bk}$ holds the rows whose probability of class $k$ falls in equal-width bin
  /// $b$: the mean over classes of each class's ECE. Unlike the ECE, which looks only at
  /// the top class, it also sees miscalibrated probabilities of the classes that were not
  /// predicted.
  public var expectedCalibrationError: Double {
    classes.reduce(0) { $0 + $1.expectedCalibrationError } / Double(classes.count)
  }

  /// Tallies every class's probability.
  ///
  /// - Parameters:
  ///   - probabilities: `[n, classes]`, entries in $[0, 1]$ (``CalibrationReport`` checks
  ///     the rows; this only reads them).
  ///   - labels: the true classes, each in `0..<classes`.
  ///   - bins: $B$ equal-width bins $(\frac jB, \frac{j+1}B]$, the first also holding 0.
  public init(_ probabilities: Matrix, labels: [Int], bins: Int = 15) {
    precondition(
      probabilities.rows == labels.count,
      "metrics: \(probabilities.rows) rows of probabilities for \(labels.count) labels")
    precondition(!labels.isEmpty, "metrics: no predictions")
    precondition(bins >= 1, "metrics: needs at least one bin")
    let (n, c) = (labels.count, probabilities.columns)
    let halves = [0..<(n / 2), (n / 2)..<n]
    let parts = probabilities.storage.withUnsafeBufferPointer { buffer in
      labels.withUnsafeBufferPointer { labelBuffer in
        nonisolated(unsafe) let (p, y) = (buffer, labelBuffer)
        return Parallel.map(2) { h in
          Self.tally(p, y, rows: halves[h], classes: c, bins: bins)
        }
      }
    }
    classes = (0..<c).map { k in
      var tally = parts[0][k]
      tally.merge(parts[1][k])
      return Reliability(tally)
    }
  }

  /// The tallies of `rows`, one per class. Consecutive rows go to alternate copies of the
  /// counters: most probabilities of a row fall in the same few bins as the last row's, and
  /// one copy would make every update wait for the previous one's store.
  private static func tally(
    _ p: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Int>, rows: Range<Int>,
    classes c: Int, bins: Int
  ) -> [EqualWidthTally] {
    let edges = (0...bins).map { Double($0) / Double(bins) }
    let lanes = 2
    let size = lanes * c * bins
    var (count, sum, hits) = (
      [Int](repeating: 0, count: size), [Double](repeating: 0, count: size),
      [Double](repeating: 0, count: size)
    )
    count.withUnsafeMutableBufferPointer { count in
      sum.withUnsafeMutableBufferPointer { sum in
        hits.withUnsafeMutableBufferPointer { hits in
          edges.withUnsafeBufferPointer { edges in
            for i in rows {
              let (row, lane) = (i * c, (i & 1) * c * bins)
              for k in 0..<c {
                let v = p[row + k]
                let slot = lane + k * bins + EqualWidthTally.bin(of: v, edges: edges)
                count[slot] += 1
                sum[slot] += v
              }
              let label = y[i]
              hits[lane + label * bins + EqualWidthTally.bin(of: p[row + label], edges: edges)] +=
                1
            }
          }
        }
      }
    }
    // Lane 0 then lane 1, class by class: a fixed order of addition.
    return (0..<c).map { k in
      let first = (k * bins)..<((k + 1) * bins)
      let second = (c * bins + k * bins)..<(c * bins + (k + 1) * bins)
      var tally = EqualWidthTally(
        count: Array(count[first]), sum: Array(sum[first]), hits: Array(hits[first]))
      tally.merge(
        EqualWidthTally(
          count: Array(count[second]), sum: Array(sum[second]), hits: Array(hits[second])))
      return tally
    }
  }
}
