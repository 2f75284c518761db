/// One bin of a reliability diagram: the predictions whose confidence fell in it, how
/// often they were right, and how confident they were on average.
public struct ReliabilityBin: Sendable, Equatable {
  /// The bin's lower edge: open for equal-width bins, except the first, which also takes 0;
  /// for equal-mass bins, the smallest confidence in the bin.
  public let lower: Double
  /// The bin's upper edge (closed; for equal-mass bins, the largest confidence in the bin).
  public let upper: Double
  /// The number of predictions in the bin.
  public let count: Int
  /// The fraction of them that were correct, $\mathrm{acc}_b$ (0 for an empty bin; in
  /// equal-mass bins, a run of tied confidences split by a cut shares its correct
  /// predictions in proportion, see ``Reliability``).
  public let accuracy: Double
  /// Their mean confidence, $\mathrm{conf}_b$ (the bin's midpoint for an empty bin).
  public let confidence: Double

  /// $\lvert \mathrm{acc}_b - \mathrm{conf}_b\rvert$, the bin's calibration gap (0 when empty).
  public var gap: Double { count == 0 ? 0 : abs(accuracy - confidence) }
}

/// The reliability diagram of a classifier's predictions, and the calibration errors
/// read off it (Guo et al., 2017).
///
/// A prediction's **confidence** is its largest class probability, and it is **correct**
/// when that class is the label (the first class wins a tie). The predictions are put
/// in $B$ bins by confidence; with $n_b$ predictions in bin $b$,
/// $$\mathrm{ECE} = \sum_b \frac{n_b}{n}\,\lvert \mathrm{acc}_b - \mathrm{conf}_b\rvert, \qquad
///   \mathrm{MCE} = \max_{b:\,n_b > 0} \lvert \mathrm{acc}_b - \mathrm{conf}_b\rvert.$$
/// A perfectly calibrated classifier, $P(\text{correct} \mid \text{confidence} = c) = c$, has
/// both equal to 0 in the limit of many predictions.
///
/// **Equal-width bins** (the default): bin $b$ holds confidences in $(\frac bB, \frac{b+1}B]$ —
/// right-closed, so a confidence of exactly 1 is in the last bin — and the first bin also
/// takes a confidence of exactly 0. Empty bins contribute nothing to the ECE and are
/// skipped by the MCE. **Equal-mass bins** ("adaptive", Nguyen & O'Connor 2015): the
/// predictions sorted by confidence are cut into $B$ runs of $\lfloor n/B\rfloor$ or
/// $\lceil n/B\rceil$ (fewer bins when $n < B$); a bin's edges are its smallest and
/// largest confidence. Predictions with equal confidence are interchangeable, so a run of
/// ties that a cut splits shares its correct predictions among its bins in proportion to
/// their part of the run (the expected accuracy over a random order of the ties): a
/// constant, calibrated predictor then has an adaptive ECE of 0, as with equal-width bins.
public struct Reliability: Sendable {
  /// The bins, from low to high confidence.
  public let bins: [ReliabilityBin]
  /// The number of predictions $n$.
  public let count: Int

  /// $\mathrm{ECE} = \sum_b \frac{n_b}{n}\lvert \mathrm{acc}_b - \mathrm{conf}_b\rvert \in [0, 1]$.
  public var expectedCalibrationError: Double {
    bins.reduce(0) { $0 + Double($1.count) * $1.gap } / Double(count)
  }

  /// The root mean squared calibration error,
  /// $\mathrm{RMSCE} = \sqrt{\sum_b \frac{n_b}{n}(\mathrm{acc}_b - \mathrm{conf}_b)^2} \in [0, 1]$:
  /// the ECE's weighted mean of the gaps taken in the squared sense (the $\ell_2$
  /// calibration error of Kumar et al. 2019, the RMS calibration error of Hendrycks et
  /// al. 2019). It is at least the ECE, and weighs a few large gaps more than many small
  /// ones.
  public var rootMeanSquaredCalibrationError: Double {
    (bins.reduce(0) { $0 + Double($1.count) * $1.gap * $1.gap } / Double(count)).squareRoot()
  }

  /// $\mathrm{MCE} = \max_b \lvert \mathrm{acc}_b - \mathrm{conf}_b\rvert$ over non-empty bins.
  public var maximumCalibrationError: Double {
    bins.filter { $0.count > 0 }.map(\.gap).max() ?? 0
  }

  /// The reliability of class-probability predictions.
  ///
  /// - Parameters:
  ///   - probabilities: `[n, classes]`, rows summing to 1 (checked).
  ///   - labels: the true classes.
  ///   - bins: $B \ge 1$ (15 as in Guo et al.; note 000 uses 10).
  ///   - equalMass: equal-mass (adaptive) bins instead of equal-width ones.
  public init(_ probabilities: Matrix, labels: [Int], bins: Int = 15, equalMass: Bool = false) {
    ClassificationMetrics.validate(probabilities, labels)
    let (confidences, correct) = Reliability.confidences(probabilities, labels: labels)
    self.init(confidences: confidences, correct: correct, bins: bins, equalMass: equalMass)
  }

  /// The reliability of binary events predicted with probabilities: each confidence is
  /// the predicted probability that the event happens and `correct` says whether it did
  /// (as in a classwise ECE, where the event is "the label is class k").
  ///
  /// - Parameters:
  ///   - confidences: predicted probabilities in $[0, 1]$.
  ///   - correct: the outcomes.
  ///   - bins: $B \ge 1$.
  ///   - equalMass: equal-mass bins instead of equal-width ones.
  public init(confidences: [Double], correct: [Bool], bins: Int = 15, equalMass: Bool = false) {
    precondition(bins >= 1, "Reliability: needs at least one bin")
    precondition(!confidences.isEmpty, "Reliability: no predictions")
    precondition(confidences.count == correct.count, "Reliability: one outcome per confidence")
    precondition(
      confidences.allSatisfy { $0 >= 0 && $0 <= 1 }, "Reliability: confidences must be in [0, 1]")
    count = confidences.count
    self.bins =
      equalMass
      ? Reliability.equalMassBins(confidences, correct, bins)
      : Reliability.equalWidthBins(confidences, correct, bins)
  }

  /// Each row's largest probability and whether its class (the first, on ties) is the label.
  static func confidences(_ probabilities: Matrix, labels: [Int]) -> ([Double], [Bool]) {
    let c = probabilities.columns
    var confidences = [Double](repeating: 0, count: labels.count)
    var correct = [Bool](repeating: false, count: labels.count)
    probabilities.storage.withUnsafeBufferPointer { p in
      for i in 0..<labels.count {
        var best = 0
        for k in 1..<Swift.max(c, 1) where p[i * c + k] > p[i * c + best] { best = k }
        confidences[i] = p[i * c + best]
        correct[i] = best == labels[i]
      }
    }
    return (confidences, correct)
  }

  private static func equalWidthBins(_ confidences: [Double], _ correct: [Bool], _ bins: Int)
    -> [ReliabilityBin]
  {
    var tally = EqualWidthTally(bins: bins)
    for (c, right) in zip(confidences, correct) { tally.add(c, right) }
    return tally.bins
  }

  /// Equal-width reliability from tallies kept by the caller (e.g. one per core, merged).
  ///
  /// - Parameter tally: the predictions, counted into their bins.
  init(_ tally: EqualWidthTally) {
    precondition(tally.total > 0, "Reliability: no predictions")
    count = tally.total
    bins = tally.bins
  }

  /// Equal-mass reliability from keys already sorted (see ``sortKey(_:_:)``), for
  /// callers that sort in parallel pieces and merge.
  ///
  /// - Parameters:
  ///   - sortedKeys: one key per prediction, in increasing order.
  ///   - bins: $B \ge 1$.
  init(equalMassSortedKeys sortedKeys: [UInt64], bins: Int) {
    precondition(bins >= 1 && !sortedKeys.isEmpty, "Reliability: needs predictions and bins")
    count = sortedKeys.count
    self.bins = Reliability.equalMassBins(sortedKeys: sortedKeys, bins)
  }

  /// The sort key of a prediction: the confidence's bit pattern shifted up one place, with
  /// the outcome in the lowest bit. A non-negative double's bit pattern orders like the
  /// double, and its sign bit is free (adding 0 turns −0 into +0).
  @inline(__always)
  static func sortKey(_ confidence: Double, _ correct: Bool) -> UInt64 {
    ((Swift.max(confidence, 0) + 0).bitPattern << 1) | (correct ? 1 : 0)
  }

  private static func equalMassBins(_ confidences: [Double], _ correct: [Bool], _ bins: Int)
    -> [ReliabilityBin]
  {
    var keys = zip(confidences, correct).map(sortKey)
    RadixSort.sort(&keys)
    return equalMassBins(sortedKeys: keys, bins)
  }

  private static func equalMassBins(sortedKeys keys: [UInt64], _ bins: Int) -> [ReliabilityBin] {
    let n = keys.count
    let used = Swift.min(bins, n)
    // The hits of each bin. The key puts the wrong predictions of a run of equal
    // confidences before the right ones, an order that means nothing; so a run is spread
    // over the bins it straddles in proportion to how much of it each holds (its expected
    // share over a random order of the ties), and a run inside one bin counts exactly.
    var hits = [Double](repeating: 0, count: used)
    var bin = 0
    var start = 0
    while start < n {
      let value = keys[start] >> 1
      var stop = start
      var right = 0
      while stop < n && keys[stop] >> 1 == value {
        right += Int(keys[stop] & 1)
        stop += 1
      }
      var i = start
      while i < stop {
        while (bin + 1) * n / used <= i { bin += 1 }
        let upto = Swift.min(stop, (bin + 1) * n / used)
        hits[bin] += Double(right) * Double(upto - i) / Double(stop - start)
        i = upto
      }
      start = stop
    }
    return (0..<used).map { k in
      let range = (k * n / used)..<((k + 1) * n / used)
      var sum = 0.0
      for key in keys[range] { sum += Double(bitPattern: key >> 1) }
      let m = Double(range.count)
      return ReliabilityBin(
        lower: Double(bitPattern: keys[range.lowerBound] >> 1),
        upper: Double(bitPattern: keys[range.upperBound - 1] >> 1), count: range.count,
        accuracy: hits[k] / m, confidence: sum / m)
    }
  }
}

/// Running sums of predictions in $B$ equal-width confidence bins — count, sum of
/// confidences, number correct — from which ``Reliability`` builds its bins.
struct EqualWidthTally: Sendable {
  private(set) var count: [Int]
  private(set) var sum: [Double]
  private(set) var hits: [Double]
  private let edges: [Double]

  /// Empty tallies for `bins` bins.
  init(bins: Int) {
    precondition(bins >= 1, "Reliability: needs at least one bin")
    count = [Int](repeating: 0, count: bins)
    sum = [Double](repeating: 0, count: bins)
    hits = [Double](repeating: 0, count: bins)
    edges = (0...bins).map { Double($0) / Double(bins) }
  }

  /// The number of predictions tallied.
  var total: Int { count.reduce(0, +) }

  /// Counts one prediction with confidence `c` into bin $(\frac kB, \frac{k+1}B]$ (0 into
  /// the first).
  @inline(__always)
  mutating func add(_ c: Double, _ right: Bool) {
    let k = EqualWidthTally.bin(of: c, edges: edges)
    count[k] += 1
    sum[k] += c
    if right { hits[k] += 1 }
  }

  /// Tallies counted elsewhere (e.g. in a caller's hot loop), for the same equal-width
  /// bins.
  ///
  /// - Parameters:
  ///   - count: predictions per bin.
  ///   - sum: the sum of their confidences per bin.
  ///   - hits: the number correct per bin.
  init(count: [Int], sum: [Double], hits: [Double]) {
    precondition(
      !count.isEmpty && count.count == sum.count && count.count == hits.count,
      "EqualWidthTally: one entry per bin")
    self.count = count
    self.sum = sum
    self.hits = hits
    edges = (0...count.count).map { Double($0) / Double(count.count) }
  }

  /// The bin of confidence `c`: the $k$ with $e_k < c \le e_{k+1}$, with 0 sent to the
  /// first bin. The first guess is ⌊cB⌋ (a truncation, which needs no call to `ceil`); it
  /// is a bin too high when c lies on an edge, and the product cB is rounded, so within an
  /// ulp of an edge it can be a bin off either way: comparing with the edges themselves
  /// settles it. Called for every probability of every row by ``CalibrationReport``'s
  /// classwise ECE, so it is kept short.
  @inline(__always)
  static func bin<E: RandomAccessCollection>(of c: Double, edges: E) -> Int
  where E.Element == Double, E.Index == Int {
    let b = edges.count - 1
    var k = Swift.min(Swift.max(Int(c * Double(b)), 0), b - 1)
    // The guess is at most a bin off: cB and the edges j/B are each within an ulp of the
    // exact values, far less than a bin. So one step each way, without branches, settles
    // it (a confidence outside [0, 1] ends in the first or last bin).
    k = Swift.max(k - (c <= edges[k] ? 1 : 0), 0)
    return Swift.min(k + (c > edges[k + 1] ? 1 : 0), b - 1)
  }

  /// Adds another tally of the same bins.
  mutating func merge(_ other: EqualWidthTally) {
    for k in count.indices {
      count[k] += other.count[k]
      sum[k] += other.sum[k]
      hits[k] += other.hits[k]
    }
  }

  /// The bins: an empty one has accuracy 0 and its midpoint as confidence.
  var bins: [ReliabilityBin] {
    let b = Double(count.count)
    return count.indices.map { k in
      let n = Double(count[k])
      return ReliabilityBin(
        lower: edges[k], upper: edges[k + 1], count: count[k],
        accuracy: count[k] > 0 ? hits[k] / n : 0,
        confidence: count[k] > 0 ? sum[k] / n : (Double(k) + 0.5) / b)
    }
  }
}

/// Least-significant-digit radix sort of 64-bit keys: linear time, so equal-mass bins
/// over a million predictions cost milliseconds rather than a comparison sort's tenth
/// of a second. One sweep counts all six 11-bit digits at once; a digit that is the same
/// for every key (the high exponent bits of confidences often are) is skipped.
enum RadixSort {
  /// `keys` in increasing order.
  static func sorted(_ keys: [UInt64]) -> [UInt64] {
    var copy = keys
    sort(&copy)
    return copy
  }

  /// Sorts `keys` in place (with one scratch array of the same size).
  static func sort(_ keys: inout [UInt64]) {
    let bits: UInt64 = 11
    let buckets = 1 << bits
    let mask = UInt64(buckets - 1)
    let passes = 6  // 6 × 11 ≥ 64
    let n = keys.count
    var counts = [Int](repeating: 0, count: passes * buckets)
    counts.withUnsafeMutableBufferPointer { c in
      keys.withUnsafeBufferPointer { k in
        for key in k {
          for p in 0..<passes { c[p * buckets + Int((key >> (UInt64(p) * bits)) & mask)] += 1 }
        }
      }
    }
    var a = [UInt64]()
    swap(&a, &keys)  // `a` now owns the storage, so writing to it copies nothing
    var b = [UInt64](unsafeUninitializedCapacity: n) { _, initialised in initialised = n }
    for p in 0..<passes {
      let shift = UInt64(p) * bits
      let skip = counts.withUnsafeMutableBufferPointer { c -> Bool in
        // Exclusive prefix sums turn the counts into each digit's first slot.
        var total = 0
        var trivial = false
        for d in 0..<buckets {
          let m = c[p * buckets + d]
          if m == n { trivial = true }
          c[p * buckets + d] = total
          total += m
        }
        return trivial
      }
      if skip { continue }
      counts.withUnsafeMutableBufferPointer { c in
        a.withUnsafeBufferPointer { from in
          b.withUnsafeMutableBufferPointer { to in
            for key in from {
              let slot = p * buckets + Int((key >> shift) & mask)
              to[c[slot]] = key
              c[slot] += 1
            }
          }
        }
      }
      swap(&a, &b)
    }
    keys = a
  }

  /// The two sorted arrays merged into one sorted array.
  static func merged(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
    [UInt64](unsafeUninitializedCapacity: a.count + b.count) { out, initialised in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          var (i, j, k) = (0, 0, 0)
          while i < a.count && j < b.count {
            if a[i] <= b[j] {
              out[k] = a[i]
              i += 1
            } else {
              out[k] = b[j]
              j += 1
            }
            k += 1
          }
          while i < a.count {
            out[k] = a[i]
            (i, k) = (i + 1, k + 1)
          }
          while j < b.count {
            out[k] = b[j]
            (j, k) = (j + 1, k + 1)
          }
        }
      }
      initialised = a.count + b.count
    }
  }
}
