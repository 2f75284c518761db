import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The calibration scores `bdl calibration` added for issue 20: the RMS calibration error
/// (hand computation, and its relation to the ECE), ClasswiseReliability's ECE against
/// the separate classwise metric (itself checked by hand in ``CalibrationTests``), the
/// bin function at the edges, and the bootstrap interval of the ECE: a resample-by-resample
/// reimplementation, a closed form for constant predictions, one row, determinism, and how
/// the interval shrinks with more rows.
@Suite struct CalibrationBootstrapTests {
  // MARK: - RMS calibration error

  @Test func rmsCalibrationErrorMatchesAHandComputation() {
    // Five predictions over three classes, five bins of width .2 (right-closed).
    // Confidences .7 .8 .4 .5 .9; rows 1, 2 and 5 are right. Bins (.2,.4] {.4 wrong} gap
    // .4; (.4,.6] {.5 wrong} gap .5; (.6,.8] {.7 ✓, .8 ✓} gap .25; (.8,1] {.9 ✓} gap .1.
    let p = CalibrationTests.matrix([
      [0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.25, 0.5, 0.25], [0.05, 0.05, 0.9],
    ])
    let labels = [0, 1, 0, 2, 2]
    let reliability = Reliability(p, labels: labels, bins: 5)
    let rmsce = ((0.4 * 0.4 + 0.5 * 0.5 + 2 * 0.25 * 0.25 + 0.1 * 0.1) / 5).squareRoot()
    expectClose(reliability.rootMeanSquaredCalibrationError, rmsce, tolerance: 1e-15)
    expectClose(
      CalibrationReport(p, labels: labels, bins: 5).equalWidth.rootMeanSquaredCalibrationError,
      rmsce, tolerance: 1e-15)
  }

  @Test func rmsCalibrationErrorIsAtLeastTheECEAndEqualWithOneBin() {
    var rng = Generator(seed: 2001)
    for trial in 0..<30 {
      let n = 1 + Int(rng.uniform() * 500)
      let classes = 2 + Int(rng.uniform() * 6)
      let p = (rng.normalMatrix(rows: n, columns: classes) * (3 * rng.uniform())).softmaxRows()
      let labels = (0..<n).map { _ in Int(rng.uniform() * Double(classes)) }
      let many = Reliability(p, labels: labels, bins: 1 + Int(rng.uniform() * 20))
      // Jensen: √(Σ w g²) ≥ Σ w g for weights w summing to 1.
      #expect(
        many.rootMeanSquaredCalibrationError >= many.expectedCalibrationError - 1e-15,
        "trial \(trial)")
      // One bin: both are |accuracy − mean confidence|.
      let one = Reliability(p, labels: labels, bins: 1)
      expectClose(
        one.rootMeanSquaredCalibrationError, one.expectedCalibrationError, tolerance: 1e-15)
    }
  }

  // MARK: - Classwise ECE in one pass

  @Test func classwiseReliabilityIsTheSeparateClasswiseMetric() {
    var rng = Generator(seed: 2002)
    for trial in 0..<30 {
      let n = 1 + Int(rng.uniform() * 2000)
      let classes = 2 + Int(rng.uniform() * 8)
      let p = (rng.normalMatrix(rows: n, columns: classes) * (4 * rng.uniform())).softmaxRows()
      let labels = (0..<n).map { _ in Int(rng.uniform() * Double(classes)) }
      let bins = 1 + Int(rng.uniform() * 20)
      let classwise = ClasswiseReliability(p, labels: labels, bins: bins)
      let separate = ClassificationMetrics.classwiseCalibrationError(p, labels: labels, bins: bins)
      #expect(
        abs(classwise.expectedCalibrationError - separate) < 1e-12,
        "trial \(trial): \(classwise.expectedCalibrationError) vs \(separate)")
      // Each class's reliability puts every row somewhere, and counts the rows of its class.
      for k in 0..<classes {
        #expect(classwise.classes[k].count == n)
        let hits = classwise.classes[k].bins.reduce(0.0) { $0 + $1.accuracy * Double($1.count) }
        expectClose(hits, Double(labels.filter { $0 == k }.count), tolerance: 1e-9)
      }
    }
  }

  @Test func classwiseReliabilityMatchesTheHandComputation() {
    // CalibrationTests.classwiseECEMatchesAHandComputation's example, in one pass.
    let p = CalibrationTests.matrix([
      [0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.5, 0.25, 0.25],
    ])
    let classwise = ClasswiseReliability(p, labels: [0, 0, 2, 1], bins: 2)
    let perClass = classwise.classes.map(\.expectedCalibrationError)
    for (value, hand) in zip(perClass, [0.15, 0.2375, 0.1875]) {
      expectClose(value, hand, tolerance: 1e-15)
    }
    expectClose(
      classwise.expectedCalibrationError, (0.15 + 0.2375 + 0.1875) / 3, tolerance: 1e-15)
  }

  // MARK: - The bin of a confidence

  @Test func binsAreRightClosedOnEveryEdgeAndNextToIt() {
    for b in [1, 2, 3, 7, 10, 15, 100] {
      let edges = (0...b).map { Double($0) / Double(b) }
      for k in 0...b {
        let e = edges[k]
        // On the edge: the bin below it (the first bin for 0).
        #expect(EqualWidthTally.bin(of: e, edges: edges) == max(k - 1, 0), "B = \(b), edge \(k)")
        // Just above: the bin above it (the last bin for 1).
        if e < 1 {
          #expect(EqualWidthTally.bin(of: e.nextUp, edges: edges) == min(k, b - 1))
        }
        if e > 0 { #expect(EqualWidthTally.bin(of: e.nextDown, edges: edges) == max(k - 1, 0)) }
      }
    }
  }

  // MARK: - Bootstrap interval of the ECE

  /// `n` predictions over three classes, over-confident: labels drawn from a flatter
  /// softmax than the one predicted.
  static func overconfident(_ n: Int, seed: UInt64) -> (Matrix, [Int]) {
    var rng = Generator(seed: seed)
    let z = rng.normalMatrix(rows: n, columns: 3, standardDeviation: 2)
    let p = z.softmaxRows()
    let flatter = (z / 3).softmaxRows()
    let labels = (0..<n).map { i in rng.categorical((0..<3).map { flatter[i, $0] }) }
    return (p, labels)
  }

  @Test func eachResampleIsTheECEOfTheRowsItDrew() {
    // A reimplementation resample by resample: draw the indices with each forked
    // generator, build the resampled predictions, and score them with Reliability.
    let (p, labels) = Self.overconfident(300, seed: 2003)
    let (resamples, bins) = (40, 10)
    var rng = Generator(seed: 5)
    let bootstrap = CalibrationBootstrap(
      p, labels: labels, bins: bins, resamples: resamples, using: &rng)
    let (confidences, correct) = Reliability.confidences(p, labels: labels)
    var reference = Generator(seed: 5)
    var expected = reference.forks(resamples).map { generator -> Double in
      var g = generator
      let rows = (0..<300).map { _ in CalibrationBootstrap.index(below: 300, using: &g) }
      return Reliability(
        confidences: rows.map { confidences[$0] }, correct: rows.map { correct[$0] }, bins: bins
      ).expectedCalibrationError
    }
    expected.sort()
    #expect(bootstrap.estimates.count == resamples)
    for (a, b) in zip(bootstrap.estimates, expected) { expectClose(a, b, tolerance: 1e-12) }
    expectClose(
      bootstrap.lower, CalibrationBootstrap.quantile(ofSorted: expected, 0.025), tolerance: 1e-12)
    expectClose(
      bootstrap.upper, CalibrationBootstrap.quantile(ofSorted: expected, 0.975), tolerance: 1e-12)
    // Both generators advanced alike.
    #expect(rng.next() == reference.next())
  }

  @Test func quantilesInterpolateLinearlyBetweenOrderStatisticsAsNumpyDoes() {
    // numpy.quantile([1, 2, 4, 8], q) for q = 0, .25, .5, .9, 1: 1, 1.75, 3, 6.8, 8.
    let x = [1.0, 2, 4, 8]
    for (q, value) in [(0.0, 1.0), (0.25, 1.75), (0.5, 3.0), (0.9, 6.8), (1.0, 8.0)] {
      expectClose(CalibrationBootstrap.quantile(ofSorted: x, q), value, tolerance: 1e-14)
    }
    #expect(CalibrationBootstrap.quantile(ofSorted: [3], 0.3) == 3)
  }

  @Test func oneRowResamplesToItselfSoTheIntervalIsThePoint() {
    // Right with confidence .7: every resample is that row, with ECE |1 − .7|.
    var rng = Generator(seed: 1)
    let b = CalibrationBootstrap(
      CalibrationTests.matrix([[0.7, 0.2, 0.1]]), labels: [0], bins: 15, resamples: 50,
      using: &rng)
    #expect(b.estimates.allSatisfy { abs($0 - 0.3) < 1e-15 })
    expectClose(b.lower, 0.3, tolerance: 1e-15)
    expectClose(b.upper, 0.3, tolerance: 1e-15)
  }

  @Test func constantPredictionsFollowTheBinomialClosedForm() {
    // n rows of confidence c = k/n, k of them right: the sample is calibrated (ECE 0),
    // and a resample's ECE is |K/n − c| with K ~ Binomial(n, c). Its mean, summed exactly
    // over the binomial, is what the resamples average to (within 4.5 standard errors);
    // the interval lies above the sample's ECE of 0 — the upward bias the help describes.
    let (n, k, resamples) = (50, 20, 4000)
    let c = Double(k) / Double(n)
    let p = Matrix(rows: n, columns: 2, storage: (0..<n).flatMap { _ in [c, 1 - c] })
    // Class 1 is the prediction (1 − c = .6 > .4): right when the label is 1.
    let labels = (0..<n).map { $0 < k ? 0 : 1 }
    // Right n − k times out of n with confidence 1 − c = .6: calibrated.
    #expect(Reliability(p, labels: labels, bins: 10).expectedCalibrationError < 1e-15)
    var rng = Generator(seed: 2004)
    let bootstrap = CalibrationBootstrap(
      p, labels: labels, bins: 10, resamples: resamples, using: &rng)
    let q = 1 - c
    var mean = 0.0
    var meanSquare = 0.0
    var logChoose = 0.0  // log C(n, j), updated as j grows
    for j in 0...n {
      if j > 0 { logChoose += log(Double(n - j + 1)) - log(Double(j)) }
      let probability = exp(logChoose + Double(j) * log(q) + Double(n - j) * log(1 - q))
      let ece = abs(Double(j) / Double(n) - q)
      mean += probability * ece
      meanSquare += probability * ece * ece
    }
    let standardError = ((meanSquare - mean * mean) / Double(resamples)).squareRoot()
    let average = bootstrap.estimates.reduce(0, +) / Double(resamples)
    #expect(abs(average - mean) < 4.5 * standardError, "\(average) vs \(mean) ± \(standardError)")
    #expect(bootstrap.lower > 0)
  }

  @Test func theSameSeedGivesTheSameIntervalAndAnotherSeedAnother() {
    let (p, labels) = Self.overconfident(500, seed: 2005)
    var a = Generator(seed: 7)
    var b = Generator(seed: 7)
    var c = Generator(seed: 8)
    let first = CalibrationBootstrap(p, labels: labels, resamples: 200, using: &a)
    let second = CalibrationBootstrap(p, labels: labels, resamples: 200, using: &b)
    let other = CalibrationBootstrap(p, labels: labels, resamples: 200, using: &c)
    #expect(first.estimates == second.estimates)
    #expect(first.estimates != other.estimates)
  }

  @Test func theIntervalHoldsTheECEOfAnOverconfidentModelAndNarrowsWithMoreRows() {
    // Over-confident predictions (a gap of about .2 in most bins): the point estimate lies
    // inside its 95 % interval, and 16 times the rows make the interval about 4 times
    // narrower (the standard error shrinks like 1/√n); at least 2.5 times is required.
    var widths = [Double]()
    for (n, seed) in [(500, UInt64(2006)), (8000, UInt64(2007))] {
      let (p, labels) = Self.overconfident(n, seed: seed)
      let ece = Reliability(p, labels: labels).expectedCalibrationError
      var rng = Generator(seed: 0)
      let b = CalibrationBootstrap(p, labels: labels, resamples: 400, using: &rng)
      #expect(b.lower <= ece && ece <= b.upper, "n = \(n): \(ece) not in [\(b.lower), \(b.upper)]")
      #expect(b.level == 0.95)
      widths.append(b.upper - b.lower)
    }
    #expect(widths[0] > 2.5 * widths[1], "widths \(widths)")
  }
}
