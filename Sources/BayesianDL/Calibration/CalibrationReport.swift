import Foundation

/// Every calibration score of one set of class-probability predictions, computed in one
/// checked pass over the matrix: accuracy, NLL, Brier score, the reliability in
/// equal-width and equal-mass bins (hence ECE, MCE, RMS calibration error and adaptive
/// ECE). The classwise ECE, which bins every probability rather than each row's top one,
/// is ``ClasswiseReliability``.
///
/// The scores are those of ``ClassificationMetrics`` and ``Reliability`` — same
/// definitions, same bin conventions — but the matrix is checked and read once instead of
/// once per score, and each half of the rows is scored, tallied into the equal-width bins
/// and sorted for the equal-mass bins on its own core; the halves are then merged. At a million predictions over ten classes that is the difference between a
/// fifth of a second and a few hundredths.
public struct CalibrationReport: Sendable {
  /// The number of predictions $n$.
  public let count: Int
  /// The fraction whose most probable class (the first, on ties) is the label.
  public let accuracy: Double
  /// The mean negative log-likelihood in nats; $+\infty$ if some true class has
  /// probability exactly 0 (see ``zeroProbabilityCount``).
  public let negativeLogLikelihood: Double
  /// The Brier score $\frac1n\sum_i\sum_k (p_{ik} - 1[y_i = k])^2 \in [0, 2]$.
  public let brierScore: Double
  /// How many predictions gave their true class probability exactly 0 (each makes the
  /// NLL infinite).
  public let zeroProbabilityCount: Int
  /// The reliability in equal-width bins: ECE, MCE and the diagram.
  public let equalWidth: Reliability
  /// The reliability in equal-mass bins: the adaptive ECE.
  public let equalMass: Reliability
  /// Scores the predictions.
  ///
  /// - Parameters:
  ///   - probabilities: `[n, classes]` with entries in $[0, 1]$ and rows summing to 1
  ///     within `1e-6` (checked in the same pass, as the other metrics check them).
  ///   - labels: the true classes.
  ///   - bins: $B$ for both binnings (15 as in Guo et al.).
  public init(_ probabilities: Matrix, labels: [Int], bins: Int = 15) {
    precondition(
      probabilities.rows == labels.count,
      "metrics: \(probabilities.rows) rows of probabilities for \(labels.count) labels")
    precondition(!labels.isEmpty, "metrics: no predictions")
    let n = labels.count
    let c = probabilities.columns
    precondition(bins >= 1, "metrics: needs at least one bin")
    // Two halves of the rows on two cores. Each returns its partial sums, its equal-width
    // tally and its sorted equal-mass keys; they are combined in a fixed order.
    let halves = [0..<(n / 2), (n / 2)..<n]
    let parts = probabilities.storage.withUnsafeBufferPointer { buffer in
      labels.withUnsafeBufferPointer { labelBuffer in
        nonisolated(unsafe) let (p, y) = (buffer, labelBuffer)
        return Parallel.map(2) { h -> Part in
          var part = Part(bins: bins, capacity: halves[h].count)
          // The equal-width tallies, kept in plain buffers inside the hot loop.
          let edges = (0...bins).map { Double($0) / Double(bins) }
          var (binCount, binSum, binHits) = (
            [Int](repeating: 0, count: bins), [Double](repeating: 0, count: bins),
            [Double](repeating: 0, count: bins)
          )
          binCount.withUnsafeMutableBufferPointer { binCount in
            binSum.withUnsafeMutableBufferPointer { binSum in
              binHits.withUnsafeMutableBufferPointer { binHits in
                edges.withUnsafeBufferPointer { edges in
                  for i in halves[h] {
                    let row = i * c
                    var (best, bestValue) = (0, p[row])
                    var (squares, total, lowest) = (0.0, 0.0, Double.infinity)
                    for k in 0..<c {
                      let v = p[row + k]
                      if v > bestValue { (best, bestValue) = (k, v) }
                      squares += v * v
                      total += v
                      lowest = Swift.min(lowest, v)
                    }
                    // The checks of ClassificationMetrics.validate, in the same pass: a NaN or an
                    // infinity makes the total fail the sum test.
                    precondition(lowest >= 0, "metrics: row \(i) has a negative probability")
                    precondition(
                      abs(total - 1) < 1e-6, "metrics: row \(i) sums to \(total), not 1")
                    let label = y[i]
                    precondition(
                      label >= 0 && label < c, "metrics: label \(label) outside 0..<\(c)")
                    let truth = p[row + label]
                    // Σ_k (p_k − 1[k = y])² = Σ_k p_k² − 2 p_y + 1.
                    part.brier += squares - 2 * truth + 1
                    if truth == 0 { part.zeros += 1 } else { part.logLikelihood.add(truth) }
                    let right = best == label
                    if right { part.hits += 1 }
                    let k = EqualWidthTally.bin(of: bestValue, edges: edges)
                    binCount[k] += 1
                    binSum[k] += bestValue
                    if right { binHits[k] += 1 }
                    part.keys.append(Reliability.sortKey(bestValue, right))
                  }
                }
              }
            }
          }
          part.tally = EqualWidthTally(count: binCount, sum: binSum, hits: binHits)
          RadixSort.sort(&part.keys)
          return part
        }
      }
    }
    count = n
    accuracy = Double(parts[0].hits + parts[1].hits) / Double(n)
    zeroProbabilityCount = parts[0].zeros + parts[1].zeros
    negativeLogLikelihood =
      zeroProbabilityCount > 0
      ? .infinity : -(parts[0].logLikelihood.value + parts[1].logLikelihood.value) / Double(n)
    brierScore = (parts[0].brier + parts[1].brier) / Double(n)
    var tally = parts[0].tally
    tally.merge(parts[1].tally)
    equalWidth = Reliability(tally)
    equalMass = Reliability(
      equalMassSortedKeys: RadixSort.merged(parts[0].keys, parts[1].keys), bins: bins)
  }

  /// What one core computes for its half of the rows.
  private struct Part: Sendable {
    var hits = 0
    var logLikelihood = LogOfProduct()
    var brier = 0.0
    var zeros = 0
    var tally: EqualWidthTally
    var keys = [UInt64]()

    init(bins: Int, capacity: Int) {
      tally = EqualWidthTally(bins: bins)
      keys.reserveCapacity(capacity)
    }
  }
}

/// $\sum_i \log p_i$ for positive $p_i$, with one logarithm per 32 terms instead of one
/// per term: the product is kept as a mantissa in $[2^{-32}, 1)$ and a separate binary
/// exponent, read off the doubles' bits. Rounding adds a relative error of about
/// $10^{-16}$ per factor to the product, i.e. an absolute error of that size per term to
/// the sum of logarithms — far below what a mean NLL can show.
struct LogOfProduct: Sendable {
  private var mantissa = 1.0
  private var exponent = 0
  private var pending = 0
  private var extra = 0.0  // log terms of subnormal factors, added directly

  /// Multiplies in one factor $p > 0$.
  @inline(__always)
  mutating func add(_ p: Double) {
    guard p >= Double.leastNormalMagnitude else {
      extra += log(p)
      return
    }
    // p = m · 2^e with m in [0.5, 1): e from the exponent bits, m by setting them to −1.
    let bits = p.bitPattern
    exponent += Int((bits >> 52) & 0x7FF) - 1022
    mantissa *= Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FE0_0000_0000_0000)
    pending += 1
    if pending == 32 { normalise() }
  }

  /// Moves the mantissa's own exponent into `exponent`, back into [0.5, 1).
  private mutating func normalise() {
    let bits = mantissa.bitPattern
    exponent += Int((bits >> 52) & 0x7FF) - 1022
    mantissa = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FE0_0000_0000_0000)
    pending = 0
  }

  /// $\sum_i \log p_i$.
  var value: Double { log(mantissa) + Double(exponent) * 0.693_147_180_559_945_3 + extra }
}
