import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// ``Reliability``, ``RadixSort`` and the calibration scores of ``ClassificationMetrics``
/// (ECE, MCE, adaptive and classwise ECE, Brier score): hand-binned examples with
/// confidences on the bin edges, empty bins, ties and single samples; equal-mass bins
/// against a brute-force sort-and-cut; the radix sort against `sorted()`; ranges on random
/// cases; and the ECE of a perfectly calibrated population against the half-normal law
/// of its sampling noise.
@Suite struct CalibrationTests {
  static func matrix(_ rows: [[Double]]) -> Matrix {
    Matrix(rows: rows.count, columns: rows[0].count, storage: rows.flatMap { $0 })
  }

  /// `n` rows of `classes` probabilities, normalised exponentials of normals times
  /// `sharpness`, and uniform labels.
  static func randomPredictions(
    _ n: Int, classes: Int, sharpness: Double, using rng: inout Generator
  ) -> (rows: [[Double]], labels: [Int]) {
    var rows = [[Double]]()
    for _ in 0..<n {
      let e = (0..<classes).map { _ in exp(rng.normal() * sharpness) }
      let s = e.reduce(0, +)
      rows.append(e.map { $0 / s })
    }
    return (rows, (0..<n).map { _ in Int(rng.next() % UInt64(classes)) })
  }

  /// A row's confidence and correctness written out by hand: the first largest entry.
  static func handConfidence(_ row: [Double], label: Int) -> (Double, Bool) {
    var predicted = 0
    for j in row.indices where row[j] > row[predicted] { predicted = j }
    return (row[predicted], predicted == label)
  }

  /// The adaptive ECE by brute force: sort the (confidence, outcome) pairs by confidence
  /// with the standard library, cut them into the runs `k*n/B ..< (k+1)*n/B` of
  /// `B = min(bins, n)`, and sum $\frac{n_b}{n}\lvert\mathrm{acc}_b - \mathrm{conf}_b\rvert$.
  /// (Meant for confidences without ties.)
  static func bruteForceAdaptiveECE(_ pairs: [(Double, Bool)], bins: Int) -> Double {
    let sorted = pairs.sorted { $0.0 < $1.0 }
    let n = sorted.count
    let used = min(bins, n)
    var ece = 0.0
    for k in 0..<used {
      let run = sorted[(k * n / used)..<((k + 1) * n / used)]
      let accuracy = Double(run.filter(\.1).count) / Double(run.count)
      let confidence = run.reduce(0) { $0 + $1.0 } / Double(run.count)
      ece += Double(run.count) / Double(n) * abs(accuracy - confidence)
    }
    return ece
  }

  // MARK: - Equal-width bins by hand

  @Test func eceAndMCEMatchAHandComputationWithEdgesATieAndAnEmptyBin() {
    // Five bins (0, .2], (.2, .4], (.4, .6], (.6, .8], (.8, 1]; the first stays empty.
    let p = Self.matrix([
      [0.4, 0.3, 0.3],  // conf 0.4, on an edge → (.2, .4]; predicts 0, label 1: wrong
      [0.35, 0.3, 0.35],  // tie of 0 and 2 → class 0; conf 0.35 → (.2, .4]; right
      [0.6, 0.2, 0.2],  // conf 0.6, on an edge → (.4, .6]; right
      [0.1, 0.8, 0.1],  // conf 0.8, on an edge → (.6, .8]; label 2: wrong
      [0.0, 0.0, 1.0],  // conf exactly 1 → (.8, 1]; right
      [0.05, 0.9, 0.05],  // conf 0.9 → (.8, 1]; right
    ])
    let labels = [1, 0, 0, 2, 2, 1]
    // (.2, .4]: n 2, acc ½, conf 0.375 → gap 0.125
    // (.4, .6]: n 1, acc 1, conf 0.6   → gap 0.4
    // (.6, .8]: n 1, acc 0, conf 0.8   → gap 0.8
    // (.8, 1]:  n 2, acc 1, conf 0.95  → gap 0.05
    // ECE = (2·0.125 + 0.4 + 0.8 + 2·0.05)/6 = 1.55/6, MCE = 0.8. (Had the tie gone to
    // class 2, the first gap would be 0.375 and the ECE 2.05/6.)
    let ece = ClassificationMetrics.expectedCalibrationError(p, labels: labels, bins: 5)
    expectClose(ece, 1.55 / 6, tolerance: 1e-14)
    let mce = ClassificationMetrics.maximumCalibrationError(p, labels: labels, bins: 5)
    expectClose(mce, 0.8, tolerance: 1e-14)

    let reliability = Reliability(p, labels: labels, bins: 5)
    #expect(reliability.count == 6)
    #expect(reliability.bins.map(\.count) == [0, 2, 1, 1, 2])
    let accuracies = reliability.bins.map(\.accuracy)
    #expect(accuracies == [0, 0.5, 1, 0, 1])
    let expectedConfidences = [0.1, 0.375, 0.6, 0.8, 0.95]  // the empty bin: its midpoint
    for (bin, confidence) in zip(reliability.bins, expectedConfidences) {
      expectClose(bin.confidence, confidence, tolerance: 1e-15)
    }
    #expect(reliability.bins[0].gap == 0)
    for (k, bin) in reliability.bins.enumerated() {
      expectClose(bin.lower, Double(k) * 0.2, tolerance: 1e-15)
      expectClose(bin.upper, Double(k + 1) * 0.2, tolerance: 1e-15)
    }
  }

  @Test func confidenceZeroGoesToTheFirstBinAndOneToTheLast() {
    // Binary events: 0 and 0.2 in (0, .2] (0 by convention, 0.2 on the closed edge),
    // 0.6 in (.4, .6], 1 in (.8, 1].
    let r = Reliability(
      confidences: [0, 0.2, 0.6, 1], correct: [false, true, true, true], bins: 5)
    #expect(r.bins.map(\.count) == [2, 0, 1, 0, 1])
    // (0, .2]: acc ½, conf 0.1 → 0.4; (.4, .6]: acc 1, conf 0.6 → 0.4; (.8, 1]: gap 0.
    expectClose(r.bins[0].accuracy, 0.5, tolerance: 0)
    expectClose(r.bins[0].confidence, 0.1, tolerance: 1e-16)
    expectClose(r.expectedCalibrationError, (2 * 0.4 + 0.4 + 0) / 4, tolerance: 1e-15)
    expectClose(r.maximumCalibrationError, 0.4, tolerance: 1e-15)
    #expect(r.bins[4].gap == 0)
  }

  @Test func everyConfidenceLiesBetweenTheEdgesOfItsBin() {
    // A single prediction at each edge k/B and at the doubles just below and above it
    // must land in the one bin with lower < c ≤ upper (the first bin also takes c = 0),
    // and the edges are the doubles k/B.
    var misplaced = [String]()
    for bins in 1...60 {
      let edges = (0...bins).map { Double($0) / Double(bins) }
      for edge in edges {
        for c in [edge.nextDown, edge, edge.nextUp] where c >= 0 && c <= 1 {
          let r = Reliability(confidences: [c], correct: [true], bins: bins)
          let filled = r.bins.indices.filter { r.bins[$0].count > 0 }
          guard filled.count == 1, let b = filled.first else {
            misplaced.append("c = \(c), B = \(bins): \(filled.count) bins filled")
            continue
          }
          let bin = r.bins[b]
          if !((bin.lower < c || (c == 0 && b == 0)) && c <= bin.upper) {
            misplaced.append("c = \(c), B = \(bins): bin \(b) = (\(bin.lower), \(bin.upper)]")
          }
        }
      }
      let r = Reliability(confidences: [0.5], correct: [true], bins: bins)
      #expect(r.bins.map(\.lower) == Array(edges.dropLast()))
      #expect(r.bins.map(\.upper) == Array(edges.dropFirst()))
    }
    #expect(misplaced.isEmpty, "\(misplaced.count) misplaced, e.g. \(misplaced.prefix(4))")
  }

  @Test func emptyBinsAddNothingToTheECEAndAreSkippedByTheMCE() {
    // Ten bins, predictions only in (.6, .7] and (.7, .8]. Were the empty bins counted at
    // their midpoints with accuracy 0, the MCE would be 0.95 (the last bin).
    let r = Reliability(
      confidences: [0.65, 0.65, 0.75, 0.75], correct: [true, false, true, true], bins: 10)
    #expect(r.bins.filter { $0.count > 0 }.count == 2)
    // (.6, .7]: acc ½, conf 0.65 → 0.15; (.7, .8]: acc 1, conf 0.75 → 0.25.
    expectClose(r.expectedCalibrationError, (2 * 0.15 + 2 * 0.25) / 4, tolerance: 1e-15)
    expectClose(r.maximumCalibrationError, 0.25, tolerance: 1e-15)
    for bin in r.bins where bin.count == 0 {
      #expect(bin.gap == 0 && bin.accuracy == 0)
      expectClose(bin.confidence, (bin.lower + bin.upper) / 2, tolerance: 1e-15)
    }
  }

  @Test func aSinglePredictionHasGapOneMinusItsConfidenceWhenRightAndItsConfidenceWhenWrong() {
    for c in [0.0, 0.2, 0.37, 0.5, 0.9, 1.0] {
      for right in [true, false] {
        let gap = right ? 1 - c : c
        for bins in [1, 5, 15] {
          for equalMass in [false, true] {
            let r = Reliability(
              confidences: [c], correct: [right], bins: bins, equalMass: equalMass)
            #expect(r.count == 1)
            expectClose(r.expectedCalibrationError, gap, tolerance: 1e-15, "c \(c):")
            expectClose(r.maximumCalibrationError, gap, tolerance: 1e-15, "c \(c):")
          }
        }
      }
    }
    // Through the class-probability API: a three-class row [0.5, 0.3, 0.2].
    let p = Self.matrix([[0.5, 0.3, 0.2]])
    expectClose(
      ClassificationMetrics.expectedCalibrationError(p, labels: [0]), 0.5, tolerance: 1e-15)
    expectClose(
      ClassificationMetrics.expectedCalibrationError(p, labels: [1]), 0.5, tolerance: 1e-15)
    expectClose(
      ClassificationMetrics.adaptiveCalibrationError(p, labels: [2]), 0.5, tolerance: 1e-15)
  }

  @Test func tiesInTheArgmaxCountTheFirstClassAsThePrediction() {
    // [0.4, 0.4, 0.2]: the prediction is class 0 with confidence 0.4.
    let p = Self.matrix([[0.4, 0.4, 0.2], [0.3, 0.35, 0.35]])
    // Row 0 right (label 0), row 1 right only if class 1 wins its tie (label 1).
    let r = Reliability(p, labels: [0, 1], bins: 1)
    expectClose(r.bins[0].accuracy, 1, tolerance: 0)
    expectClose(r.expectedCalibrationError, 1 - 0.375, tolerance: 1e-15)
    // Labels on the later tied classes: both wrong.
    let wrong = Reliability(p, labels: [1, 2], bins: 1)
    expectClose(wrong.bins[0].accuracy, 0, tolerance: 0)
    expectClose(wrong.expectedCalibrationError, 0.375, tolerance: 1e-15)
  }

  // MARK: - Equal-mass bins

  @Test func equalMassBinsHoldFloorOrCeilingOfNOverBAndSpanTheirConfidences() {
    var rng = Generator(seed: 8101)
    for _ in 0..<300 {
      let n = 1 + Int(rng.next() % 200)
      let bins = 1 + Int(rng.next() % 30)
      // Some cases draw from a coarse grid so that confidences repeat.
      let coarse = rng.bernoulli(0.3)
      let confidences = (0..<n).map { _ in
        coarse ? Double(rng.next() % 11) / 10 : rng.uniform()
      }
      let correct = (0..<n).map { _ in rng.bernoulli(0.6) }
      let r = Reliability(confidences: confidences, correct: correct, bins: bins, equalMass: true)
      let used = min(bins, n)
      #expect(r.bins.count == used)
      #expect(r.count == n)
      let counts = r.bins.map(\.count)
      #expect(counts.reduce(0, +) == n)
      #expect(counts.max()! - counts.min()! <= 1)
      #expect(counts.allSatisfy { $0 == n / used || $0 == (n + used - 1) / used })
      // Each bin's edges are the smallest and largest confidence of its run of the
      // sorted confidences.
      let sorted = confidences.sorted()
      var start = 0
      for bin in r.bins {
        #expect(bin.lower == sorted[start])
        #expect(bin.upper == sorted[start + bin.count - 1])
        #expect(bin.lower <= bin.confidence + 1e-15 && bin.confidence <= bin.upper + 1e-15)
        start += bin.count
      }
    }
  }

  @Test func withFewerPredictionsThanBinsEachPredictionHasABinOfItsOwn() {
    let r = Reliability(
      confidences: [0.9, 0.3, 0.6], correct: [true, false, false], bins: 10, equalMass: true)
    #expect(r.bins.count == 3)
    #expect(r.bins.map(\.count) == [1, 1, 1])
    #expect(r.bins.map(\.lower) == [0.3, 0.6, 0.9])
    #expect(r.bins.map(\.upper) == [0.3, 0.6, 0.9])
    #expect(r.bins.map(\.accuracy) == [0, 0, 1])
    // Gaps 0.3, 0.6, 0.1.
    expectClose(r.expectedCalibrationError, (0.3 + 0.6 + 0.1) / 3, tolerance: 1e-15)
    expectClose(r.maximumCalibrationError, 0.6, tolerance: 1e-15)
  }

  @Test func equalMassBinsOfEqualConfidencesShareTheirOutcomes() {
    // Ten predictions all at 0.7, seven right: a constant, perfectly calibrated predictor.
    // Three bins of 3, 3 and 4 predictions, each spanning [0.7, 0.7]. No order of the ties
    // is better than another, so each bin gets the ties' accuracy 0.7 and the adaptive ECE
    // is |0.7 − 0.7| = 0, like the one-bin and equal-width ECE. (Cutting the ties with the
    // wrong ones first would give accuracies 0, 1, 1 and an ECE of 0.42.)
    let correct = [true, false, true, true, false, true, true, false, true, true]
    let r = Reliability(
      confidences: [Double](repeating: 0.7, count: 10), correct: correct, bins: 3,
      equalMass: true)
    #expect(r.bins.map(\.count) == [3, 3, 4])
    for bin in r.bins {
      #expect(bin.lower == 0.7 && bin.upper == 0.7)
      expectClose(bin.accuracy, 0.7, tolerance: 1e-15)
    }
    #expect(r.expectedCalibrationError < 1e-15)
    #expect(r.maximumCalibrationError < 1e-15)
    let equalWidth = Reliability(confidences: [Double](repeating: 0.7, count: 10), correct: correct)
    #expect(equalWidth.expectedCalibrationError < 1e-15)
  }

  @Test func aRunOfTiesCutByABinBoundaryIsSharedInProportion() {
    // Sorted: 0.1 ✗, 0.2 ✓, then four ties at 0.5 with one right, then 0.8 ✓, 0.9 ✓; two
    // bins of four cut the ties in half. Over the orderings of the ties, the right one is
    // in the first bin half the time, so each bin expects ½ of a hit from them:
    //   bin 0: hits 1 + ½ → acc 0.375, conf (0.1 + 0.2 + 0.5 + 0.5)/4 = 0.325 → gap 0.05
    //   bin 1: hits ½ + 2 → acc 0.625, conf (0.5 + 0.5 + 0.8 + 0.9)/4 = 0.675 → gap 0.05
    // The input order is shuffled: it must not matter.
    let pairs: [(Double, Bool)] = [
      (0.5, false), (0.9, true), (0.5, true), (0.1, false), (0.5, false), (0.8, true),
      (0.2, true), (0.5, false),
    ]
    var rng = Generator(seed: 8102)
    for _ in 0..<5 {
      let shuffled = rng.permutation(pairs.count).map { pairs[$0] }
      let r = Reliability(
        confidences: shuffled.map(\.0), correct: shuffled.map(\.1), bins: 2, equalMass: true)
      #expect(r.bins.map(\.count) == [4, 4])
      expectClose(r.bins[0].accuracy, 0.375, tolerance: 1e-15)
      expectClose(r.bins[1].accuracy, 0.625, tolerance: 1e-15)
      expectClose(r.bins[0].confidence, 0.325, tolerance: 1e-15)
      expectClose(r.bins[1].confidence, 0.675, tolerance: 1e-15)
      expectClose(r.expectedCalibrationError, 0.05, tolerance: 1e-14)
      #expect(r.bins[0].lower == 0.1 && r.bins[0].upper == 0.5)
      #expect(r.bins[1].lower == 0.5 && r.bins[1].upper == 0.9)
    }
  }

  /// Every permutation of `0..<n`, by inserting n − 1 at each place of those of `0..<n−1`.
  static func permutations(_ n: Int) -> [[Int]] {
    if n == 0 { return [[]] }
    return permutations(n - 1).flatMap { p in
      (0...p.count).map { Array(p[..<$0]) + [n - 1] + p[$0...] }
    }
  }

  @Test func equalMassBinAccuraciesAreTheirMeanOverEveryOrderOfTheTies() {
    // Tiny cases on a coarse grid, so that ties are common: the reference enumerates every
    // ordering of the predictions that sorts the confidences, cuts each into the runs
    // k*n/B ..< (k+1)*n/B, and averages each bin's number of right predictions.
    var rng = Generator(seed: 8108)
    for _ in 0..<60 {
      let n = 1 + Int(rng.next() % 6)
      let bins = 1 + Int(rng.next() % 5)
      let confidences = (0..<n).map { _ in Double(1 + rng.next() % 3) / 4 }
      let correct = (0..<n).map { _ in rng.bernoulli(0.5) }
      let used = min(bins, n)
      var expectedHits = [Double](repeating: 0, count: used)
      var orderings = 0
      for order in Self.permutations(n)
      where zip(order, order.dropFirst()).allSatisfy({ confidences[$0] <= confidences[$1] }) {
        orderings += 1
        for k in 0..<used {
          for position in (k * n / used)..<((k + 1) * n / used) where correct[order[position]] {
            expectedHits[k] += 1
          }
        }
      }
      let r = Reliability(confidences: confidences, correct: correct, bins: bins, equalMass: true)
      #expect(r.bins.count == used)
      for (k, bin) in r.bins.enumerated() {
        expectClose(
          bin.accuracy * Double(bin.count), expectedHits[k] / Double(orderings), tolerance: 1e-14,
          "bin \(k) of \(confidences), \(correct):")
      }
    }
  }

  @Test func adaptiveECEMatchesABruteForceSortAndCut() {
    var rng = Generator(seed: 8103)
    for _ in 0..<300 {
      let classes = 2 + Int(rng.next() % 5)
      let n = 1 + Int(rng.next() % 120)
      let bins = 1 + Int(rng.next() % 20)
      let (rows, labels) = Self.randomPredictions(
        n, classes: classes, sharpness: rng.uniform(0.1, 4), using: &rng)
      let pairs = zip(rows, labels).map { Self.handConfidence($0, label: $1) }
      let adaptive = ClassificationMetrics.adaptiveCalibrationError(
        Self.matrix(rows), labels: labels, bins: bins)
      expectClose(adaptive, Self.bruteForceAdaptiveECE(pairs, bins: bins), tolerance: 1e-12)
      #expect(adaptive >= 0 && adaptive <= 1)
    }
  }

  // MARK: - Radix sort

  @Test func radixSortAgreesWithTheStandardSort() {
    var rng = Generator(seed: 8104)
    #expect(RadixSort.sorted([]) == [])
    #expect(RadixSort.sorted([42]) == [42])
    #expect(RadixSort.sorted([.max, 0, .max, 1, 0]) == [0, 0, 1, .max, .max])
    for size in [2, 3, 10, 100, 2047, 2048, 2049, 5000, 12_000] {
      // Full-range keys; keys from a small set (many duplicates); keys differing only in
      // their top bits; and a mix with the extremes.
      var full = (0..<size).map { _ in rng.next() }
      full[0] = 0
      full[size - 1] = .max
      let values: [UInt64] = [0, 7, .max, 1 << 63, 12345]
      let few = (0..<size).map { _ in values[Int(rng.next() % 5)] }
      let high = (0..<size).map { _ in (rng.next() >> 59) << 59 }
      let doubles = (0..<size).map { _ in (rng.uniform().bitPattern << 1) | (rng.next() & 1) }
      for keys in [full, few, high, doubles, full.sorted(), Array(full.sorted().reversed())] {
        #expect(RadixSort.sorted(keys) == keys.sorted(), "size \(size)")
      }
    }
  }

  // MARK: - Ranges

  @Test func calibrationScoresStayInTheirRangesOnRandomCases() {
    var rng = Generator(seed: 8105)
    for _ in 0..<400 {
      let classes = 2 + Int(rng.next() % 6)
      let n = 1 + Int(rng.next() % 60)
      let bins = 1 + Int(rng.next() % 20)
      // Sharpness up to 30: rows close to one-hot, right or wrong, reach the ends.
      let (rows, labels) = Self.randomPredictions(
        n, classes: classes, sharpness: rng.uniform(0.01, 30), using: &rng)
      let p = Self.matrix(rows)
      let ece = ClassificationMetrics.expectedCalibrationError(p, labels: labels, bins: bins)
      let mce = ClassificationMetrics.maximumCalibrationError(p, labels: labels, bins: bins)
      let adaptive = ClassificationMetrics.adaptiveCalibrationError(p, labels: labels, bins: bins)
      let adaptiveMCE = Reliability(p, labels: labels, bins: bins, equalMass: true)
        .maximumCalibrationError
      let classwise = ClassificationMetrics.classwiseCalibrationError(p, labels: labels, bins: bins)
      let brier = ClassificationMetrics.brierScore(p, labels: labels)
      #expect(ece >= 0 && ece <= 1)
      #expect(mce >= ece - 1e-15 && mce <= 1)
      #expect(adaptive >= 0 && adaptive <= 1)
      #expect(adaptiveMCE >= adaptive - 1e-15 && adaptiveMCE <= 1)
      #expect(classwise >= 0 && classwise <= 1)
      #expect(brier >= 0 && brier <= 2)
    }
  }

  // MARK: - A perfectly calibrated population

  /// `n` binary predictions with confidence c ~ U(0.5, 1), right with probability c.
  static func calibratedPopulation(_ n: Int, seed: UInt64) -> ([Double], [Bool]) {
    var rng = Generator(seed: seed)
    var confidences = [Double](repeating: 0, count: n)
    var correct = [Bool](repeating: false, count: n)
    for i in 0..<n {
      let c = rng.uniform(0.5, 1)
      confidences[i] = c
      correct[i] = rng.uniform() < c
    }
    return (confidences, correct)
  }

  /// The mean and standard deviation of the ECE given the confidences, for a calibrated
  /// population: in bin b, $n_b(\mathrm{acc}_b - \mathrm{conf}_b) = \sum_i (1[\text{right}_i] - c_i)$
  /// is a sum of independent centred terms with variance $v_b = \sum_i c_i(1 - c_i)$, so
  /// $\mathrm{acc}_b - \mathrm{conf}_b \approx \mathcal N(0, \sigma_b^2)$ with $\sigma_b = \sqrt{v_b}/n_b$
  /// and its absolute value is half-normal: mean $\sigma_b\sqrt{2/\pi}$, variance
  /// $\sigma_b^2(1 - 2/\pi)$. The bins are independent given the confidences, so
  /// $E[\mathrm{ECE}] = \sum_b \frac{n_b}{n}\sigma_b\sqrt{2/\pi}$ and
  /// $\operatorname{Var}[\mathrm{ECE}] = \sum_b (\frac{n_b}{n})^2\sigma_b^2(1 - 2/\pi)$.
  /// (The bin is found as ⌊cB⌋, which differs from the right-closed rule only for a
  /// confidence exactly on an edge, a null event for continuous draws.)
  static func calibratedECELaw(_ confidences: [Double], bins: Int) -> (
    mean: Double, standardDeviation: Double
  ) {
    var count = [Double](repeating: 0, count: bins)
    var variance = [Double](repeating: 0, count: bins)
    for c in confidences {
      let b = min(Int(c * Double(bins)), bins - 1)
      count[b] += 1
      variance[b] += c * (1 - c)
    }
    let n = Double(confidences.count)
    var (mean, spread) = (0.0, 0.0)
    for b in 0..<bins where count[b] > 0 {
      let sigma = variance[b].squareRoot() / count[b]
      mean += count[b] / n * sigma * (2 / Double.pi).squareRoot()
      spread += (count[b] / n) * (count[b] / n) * sigma * sigma * (1 - 2 / Double.pi)
    }
    return (mean, spread.squareRoot())
  }

  @Test func eceOfAPerfectlyCalibratedPopulationIsSamplingNoiseThatShrinksLikeOneOverRootN() {
    // Each replicate's ECE must be within 5 SD of its mean under the law above (about
    // 0.009 at n = 10⁴ for 15 bins, 8 of them over (0.5, 1)). Then √n·ECE, averaged over
    // the replicates, must be the same at n = 10⁴ and 10⁶ within 5 standard errors of the
    // difference, the SE again from the law: an ECE that shrank like n^(−1/4) would make
    // the second about 3 times the first, some 10 SE away.
    let bins = 15
    var scaled = [(mean: Double, standardError: Double)]()
    for (n, replicates) in [(10_000, 16), (1_000_000, 4)] {
      var (total, variance) = (0.0, 0.0)
      for r in 0..<replicates {
        let (confidences, correct) = Self.calibratedPopulation(n, seed: 8106 + UInt64(n + r))
        let ece = Reliability(confidences: confidences, correct: correct, bins: bins)
          .expectedCalibrationError
        let law = Self.calibratedECELaw(confidences, bins: bins)
        expectWithinStandardErrors(
          ece, law.mean, standardError: law.standardDeviation, standardErrors: 5,
          "ECE at n = \(n), replicate \(r):")
        total += ece
        variance += law.standardDeviation * law.standardDeviation
      }
      let root = Double(n).squareRoot()
      let k = Double(replicates)
      scaled.append((root * total / k, root * variance.squareRoot() / k))
    }
    expectWithinStandardErrors(
      scaled[1].mean, scaled[0].mean,
      standardError: (scaled[0].standardError * scaled[0].standardError
        + scaled[1].standardError * scaled[1].standardError).squareRoot(),
      standardErrors: 5, "√n·ECE at n = 10⁶ against n = 10⁴:")
  }

  // MARK: - Brier score

  @Test func brierScoreMatchesAHandComputation() {
    let p = Self.matrix([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]])
    // Row 0, label 0: 0.3² + 0.2² + 0.1² = 0.14
    // Row 1, label 1: 0.1² + 0.7² + 0.6² = 0.86
    // Row 2, label 2: 0.2² + 0.5² + 0.7² = 0.78
    let brier = ClassificationMetrics.brierScore(p, labels: [0, 1, 2])
    expectClose(brier, (0.14 + 0.86 + 0.78) / 3, tolerance: 1e-15)
  }

  @Test func brierScoreIsZeroForRightOneHotRowsTwoForWrongOnesAndOneMinusOneOverCForUniform() {
    let oneHot = Self.matrix([[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    #expect(ClassificationMetrics.brierScore(oneHot, labels: [0, 2, 1]) == 0)
    #expect(ClassificationMetrics.brierScore(oneHot, labels: [1, 0, 2]) == 2)
    for c in [2, 3, 10] {
      // (1 − 1/C)² + (C − 1)/C² = 1 − 1/C.
      let uniform = Matrix(rows: 2, columns: c, repeating: 1 / Double(c))
      let brier = ClassificationMetrics.brierScore(uniform, labels: [0, c - 1])
      expectClose(brier, 1 - 1 / Double(c), tolerance: 1e-15, "C = \(c):")
    }
  }

  // MARK: - Classwise ECE

  @Test func classwiseECEMatchesAHandComputation() {
    // Two bins (0, .5], (.5, 1].
    let p = Self.matrix([
      [0.6, 0.3, 0.1],  // label 0
      [0.2, 0.7, 0.1],  // label 0
      [0.1, 0.2, 0.7],  // label 2
      [0.5, 0.25, 0.25],  // label 1
    ])
    // Class 0: p = 0.6 0.2 0.1 0.5, y = 1 1 0 0.
    //   (0, .5]: {0.2 ✓, 0.1, 0.5} → 3·|1/3 − 0.8/3| = 0.2;  (.5, 1]: {0.6 ✓} → 0.4
    //   ECE₀ = (0.2 + 0.4)/4 = 0.15
    // Class 1: p = 0.3 0.7 0.2 0.25, y = 0 0 0 1.
    //   (0, .5]: {0.3, 0.2, 0.25 ✓} → |1 − 0.75| = 0.25;     (.5, 1]: {0.7} → 0.7
    //   ECE₁ = (0.25 + 0.7)/4 = 0.2375
    // Class 2: p = 0.1 0.1 0.7 0.25, y = 0 0 1 0.
    //   (0, .5]: {0.1, 0.1, 0.25} → 0.45;                     (.5, 1]: {0.7 ✓} → 0.3
    //   ECE₂ = (0.45 + 0.3)/4 = 0.1875
    let classwise = ClassificationMetrics.classwiseCalibrationError(
      p, labels: [0, 0, 2, 1], bins: 2)
    expectClose(classwise, (0.15 + 0.2375 + 0.1875) / 3, tolerance: 1e-15)
  }

  @Test func classwiseECEIsZeroForRightOneHotRows() {
    let p = Self.matrix([[1, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]])
    #expect(
      ClassificationMetrics.classwiseCalibrationError(p, labels: [0, 2, 1, 0], bins: 10) == 0)
  }

  /// The one-pass report must give exactly what the separate metrics give (up to the
  /// summation order of the NLL and Brier score).
  @Test func calibrationReportAgreesWithTheSeparateMetrics() {
    var rng = Generator(seed: 611)
    for trial in 0..<40 {
      let n = 1 + Int(rng.uniform() * 3000)
      let classes = 2 + Int(rng.uniform() * 8)
      let p = (rng.normalMatrix(rows: n, columns: classes) * (4 * rng.uniform())).softmaxRows()
      let labels = (0..<n).map { _ in Int(rng.uniform() * Double(classes)) }
      let bins = 1 + Int(rng.uniform() * 20)
      let report = CalibrationReport(p, labels: labels, bins: bins)
      #expect(report.count == n)
      #expect(report.accuracy == ClassificationMetrics.accuracy(p, labels: labels))
      let nll = ClassificationMetrics.negativeLogLikelihood(p, labels: labels)
      #expect(abs(report.negativeLogLikelihood - nll) <= 1e-12 * max(1, nll), "trial \(trial)")
      let brier = ClassificationMetrics.brierScore(p, labels: labels)
      #expect(abs(report.brierScore - brier) <= 1e-12, "trial \(trial)")
      let width = Reliability(p, labels: labels, bins: bins)
      let mass = Reliability(p, labels: labels, bins: bins, equalMass: true)
      #expect(report.equalWidth.bins.map(\.count) == width.bins.map(\.count))
      #expect(
        abs(report.equalWidth.expectedCalibrationError - width.expectedCalibrationError) < 1e-12)
      #expect(report.equalMass.bins.map(\.count) == mass.bins.map(\.count))
      #expect(
        abs(report.equalMass.expectedCalibrationError - mass.expectedCalibrationError) < 1e-12)
      #expect(report.zeroProbabilityCount == 0)
    }
  }

  @Test func aZeroTrueClassProbabilityMakesTheReportedNLLInfiniteAndIsCounted() {
    let p = Matrix([[1, 0], [0.5, 0.5], [0, 1]])
    let report = CalibrationReport(p, labels: [1, 0, 1], bins: 5)
    #expect(report.negativeLogLikelihood == .infinity)
    #expect(report.zeroProbabilityCount == 1)
    #expect(abs(report.brierScore - (2 + 0.5 + 0) / 3) < 1e-15)
  }

  /// The blocked sum of logarithms against the plain one, over factors from subnormal to 1.
  @Test func logOfProductEqualsTheSumOfLogarithms() {
    var rng = Generator(seed: 612)
    for _ in 0..<20 {
      var blocked = LogOfProduct()
      var plain = 0.0
      let n = Int(rng.uniform() * 5000)
      for _ in 0..<n {
        let p = pow(10, -320 * pow(rng.uniform(), 6))  // mostly near 1, some subnormal
        blocked.add(p)
        plain += log(p)
      }
      #expect(abs(blocked.value - plain) <= 1e-12 * max(1, abs(plain)))
    }
  }
}
