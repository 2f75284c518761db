import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// ``ClassificationMetrics``: accuracy, NLL and entropy on hand examples, and the expected
/// calibration error on hand-binned examples, an independent bin-by-comparison
/// implementation, and calibrated and miscalibrated synthetic populations.
@Suite struct ClassificationMetricsTests {
  /// ECE written independently of the library: bin $b$ is found by comparing the
  /// confidence with the edges $b/B < c \le (b+1)/B$ (bin 0 also takes $c = 0$), the
  /// prediction is the first largest entry, and the sum is over non-empty bins of
  /// $\frac{n_b}{n}\lvert\mathrm{acc}_b - \mathrm{conf}_b\rvert$.
  static func referenceECE(_ rows: [[Double]], labels: [Int], bins: Int) -> Double {
    var members = [[(confidence: Double, correct: Bool)]](repeating: [], count: bins)
    for (row, label) in zip(rows, labels) {
      var predicted = 0
      for j in row.indices where row[j] > row[predicted] { predicted = j }
      let c = row[predicted]
      var bin = 0
      for b in 0..<bins where c > Double(b) / Double(bins) { bin = b }
      members[bin].append((c, predicted == label))
    }
    var ece = 0.0
    for m in members where !m.isEmpty {
      let accuracy = Double(m.filter(\.correct).count) / Double(m.count)
      let confidence = m.reduce(0) { $0 + $1.confidence } / Double(m.count)
      ece += Double(m.count) / Double(rows.count) * abs(accuracy - confidence)
    }
    return ece
  }

  static func matrix(_ rows: [[Double]]) -> Matrix {
    Matrix(rows: rows.count, columns: rows[0].count, storage: rows.flatMap { $0 })
  }

  // MARK: - Accuracy, NLL, entropy

  @Test func accuracyCountsArgmaxHitsAndBreaksTiesTowardsTheFirstClass() {
    let p = Self.matrix([
      [0.7, 0.2, 0.1],  // predicts 0, label 0: right
      [0.1, 0.3, 0.6],  // predicts 2, label 1: wrong
      [0.4, 0.4, 0.2],  // tie → 0, label 0: right
      [0.25, 0.5, 0.25],  // predicts 1, label 1: right
      [0.5, 0.5, 0.0],  // tie → 0, label 1: wrong
    ])
    #expect(ClassificationMetrics.accuracy(p, labels: [0, 1, 0, 1, 1]) == 3.0 / 5.0)
    #expect(ClassificationMetrics.accuracy(p, labels: [0, 2, 0, 1, 0]) == 1)
    #expect(ClassificationMetrics.accuracy(p, labels: [1, 0, 1, 0, 1]) == 0)
  }

  @Test func negativeLogLikelihoodIsTheMeanMinusLogProbabilityOfTheTrueClass() {
    let p = Self.matrix([
      [0.7, 0.2, 0.1],
      [0.1, 0.3, 0.6],
      [0.4, 0.4, 0.2],
      [0.25, 0.5, 0.25],
    ])
    let nll = ClassificationMetrics.negativeLogLikelihood(p, labels: [0, 1, 2, 1])
    let hand = -(log(0.7) + log(0.3) + log(0.2) + log(0.5)) / 4
    expectClose(nll, hand, tolerance: 1e-15)
  }

  @Test func negativeLogLikelihoodIsInfiniteWhenTheTrueClassHasProbabilityZero() {
    let p = Self.matrix([[1, 0], [0.5, 0.5]])
    let nll = ClassificationMetrics.negativeLogLikelihood(p, labels: [1, 0])
    #expect(nll == .infinity)
    // A certain and correct prediction costs nothing.
    #expect(ClassificationMetrics.negativeLogLikelihood(Self.matrix([[0, 1]]), labels: [1]) == 0)
  }

  @Test func entropyIsLogCForUniformAndZeroForOneHotRows() {
    for c in [2, 3, 7, 10] {
      let uniform = Matrix(rows: 2, columns: c, repeating: 1 / Double(c))
      for h in ClassificationMetrics.entropy(uniform) {
        expectClose(h, log(Double(c)), tolerance: 1e-14, "H(uniform over \(c)):")
      }
      let oneHot = makeMatrix(c, c) { i, j in i == j ? 1 : 0 }
      #expect(ClassificationMetrics.entropy(oneHot) == [Double](repeating: 0, count: c))
    }
    // ½, ¼, ¼: H = ½ log 2 + 2·¼ log 4 = 1.5 log 2.
    let h = ClassificationMetrics.entropy(Self.matrix([[0.5, 0.25, 0.25]]))
    #expect(h.count == 1)
    expectClose(h[0], 1.5 * log(2.0), tolerance: 1e-15)
  }

  // MARK: - Expected calibration error

  @Test func eceMatchesAHandComputedExampleWithEdgesOnesAndEmptyBins() {
    // Five bins (0, .2], (.2, .4], (.4, .6], (.6, .8], (.8, 1]; the first two stay empty.
    let p = Self.matrix([
      [0.6, 0.4],  // conf 0.6 exactly on an edge → bin (.4, .6]; right
      [0.55, 0.45],  // conf 0.55 → (.4, .6]; wrong
      [0.3, 0.7],  // conf 0.7 → (.6, .8]; right
      [0.0, 1.0],  // conf exactly 1 → the last bin; right
      [0.9, 0.1],  // conf 0.9 → (.8, 1]; wrong
    ])
    let labels = [0, 1, 1, 1, 1]
    // (.4, .6]: n 2, acc ½, conf 0.575 → 2/5·0.075 = 0.03
    // (.6, .8]: n 1, acc 1, conf 0.7   → 1/5·0.3   = 0.06
    // (.8, 1]:  n 2, acc ½, conf 0.95  → 2/5·0.45  = 0.18
    // (Had 0.6 gone into (.6, .8], the ECE would be 0.11 + 0.14 + 0.18 = 0.43.)
    let ece = ClassificationMetrics.expectedCalibrationError(p, labels: labels, bins: 5)
    expectClose(ece, 0.27, tolerance: 1e-14)
  }

  @Test func eceWithOneBinIsTheGapBetweenAccuracyAndMeanConfidence() {
    let p = Self.matrix([[0.9, 0.05, 0.05], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.6, 0.3, 0.1]])
    // Predictions 0, 1, 2, 0; with labels 0, 1, 0, 0 three are right.
    let ece = ClassificationMetrics.expectedCalibrationError(p, labels: [0, 1, 0, 0], bins: 1)
    expectClose(ece, abs(0.75 - (0.9 + 0.5 + 0.8 + 0.6) / 4), tolerance: 1e-14)
  }

  @Test(arguments: [5, 10, 15])
  func eceBinsAreRightClosed(bins: Int) {
    // Ten classes so that confidences down to 0.1 are possible: the row is c followed by
    // (1 − c)/9 in every other class.
    func row(_ c: Double) -> [Double] { [c] + [Double](repeating: (1 - c) / 9, count: 9) }
    let b = Double(bins)
    for k in 1...bins {
      let edge = Double(k) / b
      // A right prediction at the edge k/B and a wrong one inside (k−1)/B … k/B share a bin;
      // a wrong one just past the edge does not. (Only where c is the row's maximum.)
      let inside = (Double(k) - 0.5) / b
      guard inside > 0.15 else { continue }
      let ece = ClassificationMetrics.expectedCalibrationError(
        Self.matrix([row(edge), row(inside)]), labels: [0, 1], bins: bins)
      expectClose(ece, abs(1 - edge - inside) / 2, tolerance: 1e-12, "edge \(k)/\(bins):")
      if k < bins {
        let past = (Double(k) + 0.5) / b
        let split = ClassificationMetrics.expectedCalibrationError(
          Self.matrix([row(edge), row(past)]), labels: [0, 1], bins: bins)
        expectClose(split, ((1 - edge) + past) / 2, tolerance: 1e-12, "edge \(k)/\(bins):")
      }
    }
  }

  @Test func eceIsZeroForCertainCorrectPredictions() {
    let p = Self.matrix([[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    #expect(ClassificationMetrics.expectedCalibrationError(p, labels: [0, 2, 1], bins: 10) == 0)
  }

  @Test func eceMatchesAnIndependentImplementationAndLiesInTheUnitInterval() {
    var rng = Generator(seed: 7301)
    for _ in 0..<300 {
      let classes = 2 + Int(rng.next() % 5)
      let n = 1 + Int(rng.next() % 40)
      let bins = 1 + Int(rng.next() % 20)
      // Rows: normalised exponentials of normals with a random temperature.
      let temperature = rng.uniform(0.1, 5)
      var rows = [[Double]]()
      for _ in 0..<n {
        let e = (0..<classes).map { _ in exp(rng.normal() * temperature) }
        let s = e.reduce(0, +)
        rows.append(e.map { $0 / s })
      }
      let labels = (0..<n).map { _ in Int(rng.next() % UInt64(classes)) }
      let ece = ClassificationMetrics.expectedCalibrationError(
        Self.matrix(rows), labels: labels, bins: bins)
      #expect(ece >= 0 && ece <= 1)
      expectClose(ece, Self.referenceECE(rows, labels: labels, bins: bins), tolerance: 1e-12)
    }
  }

  /// `n` two-class rows with confidence c ~ U(0.5, 1), right with probability
  /// `accuracy(c)`; the confident class is column 0 or 1 at random.
  static func population(
    _ n: Int, seed: UInt64, accuracy: (Double) -> Double
  ) -> (Matrix, [Int], meanConfidence: Double, meanAccuracy: Double) {
    var rng = Generator(seed: seed)
    var storage = [Double]()
    var labels = [Int]()
    var (conf, acc) = (0.0, 0.0)
    for _ in 0..<n {
      let c = rng.uniform(0.5, 1)
      let predicted = rng.bernoulli(0.5) ? 1 : 0
      storage += predicted == 0 ? [c, 1 - c] : [1 - c, c]
      let right = rng.bernoulli(accuracy(c))
      labels.append(right ? predicted : 1 - predicted)
      conf += c
      acc += accuracy(c)
    }
    return (
      Matrix(rows: n, columns: 2, storage: storage), labels, conf / Double(n), acc / Double(n)
    )
  }

  @Test func eceOfAPerfectlyCalibratedPopulationIsWithinItsSamplingError() {
    // Given the confidences, acc_b − conf_b in bin b has mean 0 and variance
    // Σ c(1−c)/n_b² ≤ 1/(4 n_b), so E|acc_b − conf_b| ≤ 1/(2√n_b) and
    // E[ECE] ≤ Σ_b (n_b/n)/(2√n_b) = Σ_b √n_b/(2n) ≤ √(B n)/(2n) = √(B/(4n)) (Cauchy–Schwarz).
    // ECE is a sum of B nearly independent terms, so it rarely exceeds its mean by much;
    // four times the bound is far in the tail.
    let (n, bins) = (20_000, 10)
    let (p, labels, _, _) = Self.population(n, seed: 7302) { $0 }
    let ece = ClassificationMetrics.expectedCalibrationError(p, labels: labels, bins: bins)
    let bound = (Double(bins) / (4 * Double(n))).squareRoot()
    #expect(ece < 4 * bound, "ECE \(ece), bound \(bound)")
  }

  @Test func eceOfAnOverconfidentPopulationIsTheConfidenceGap() {
    // Right with probability ½ whatever the confidence c ~ U(0.5, 1): every bin has
    // acc_b ≈ ½ < conf_b, so ECE ≈ E[c] − ½ = ¼. The deviation of ECE from
    // Σ_b (n_b/n)(conf_b − acc_b) is again at most √(B/(4n)) in mean, and the latter
    // differs from ¼ by (mean c − ¼ − ½) minus the accuracy noise of SD 1/(2√n).
    let (n, bins) = (20_000, 10)
    let (p, labels, meanConfidence, _) = Self.population(n, seed: 7303) { _ in 0.5 }
    let ece = ClassificationMetrics.expectedCalibrationError(p, labels: labels, bins: bins)
    let bound = (Double(bins) / (4 * Double(n))).squareRoot()
    #expect(abs(ece - (meanConfidence - 0.5)) < 4 * bound, "ECE \(ece)")
    #expect(abs(meanConfidence - 0.75) < 5 * (1 / 12.0 / 4 / Double(n)).squareRoot())
  }

  @Test func totalVariationIsHalfTheL1DistanceBetweenRows() {
    let p = Matrix([[0.7, 0.2, 0.1], [1, 0, 0], [0.5, 0.5, 0]])
    let q = Matrix([[0.7, 0.2, 0.1], [0, 1, 0], [0.2, 0.3, 0.5]])
    let d = ClassificationMetrics.totalVariationDistances(p, q)
    #expect(d[0] == 0)
    #expect(d[1] == 1)
    #expect(abs(d[2] - 0.5) < 1e-15)  // ½(0.3 + 0.2 + 0.5)
  }
}
