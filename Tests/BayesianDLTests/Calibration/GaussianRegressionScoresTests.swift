import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The regression scores against Uncertainty Toolbox's numbers on 500 predictions
/// (`Tests/Fixtures/uncertainty-toolbox`), and against hand computations.
@Suite struct GaussianRegressionScoresTests {
  /// The fixture's predictions (columns target, std, mean) and the toolbox's numbers.
  static func fixture() throws -> (mean: [Double], std: [Double], target: [Double], [String: Any]) {
    let folder = "Tests/Fixtures/uncertainty-toolbox/"
    let text = try String(contentsOf: Repository.url(folder + "predictions.csv"), encoding: .utf8)
    let rows = text.split(separator: "\n").dropFirst().map {
      $0.split(separator: ",").map { Double($0)! }
    }
    let data = try Data(contentsOf: Repository.url(folder + "reference.json"))
    let reference = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return (rows.map { $0[2] }, rows.map { $0[1] }, rows.map { $0[0] }, reference)
  }

  @Test func everyScoreAgreesWithUncertaintyToolbox() throws {
    let (mean, std, target, reference) = try Self.fixture()
    let scores = GaussianRegressionScores(mean: mean, standardDeviation: std, target: target)
    #expect(scores.count == reference["rows"] as? Int)
    let ours: [String: Double] = [
      "rmse": scores.rootMeanSquaredError, "nll": scores.negativeLogLikelihood,
      "crps": scores.continuousRankedProbabilityScore, "sharpness": scores.sharpness,
      "mace": scores.calibration.meanAbsoluteError,
      "rmsce": scores.calibration.rootMeanSquaredError,
      "miscalibration_area": scores.calibration.miscalibrationArea,
      "coverage_50": scores.calibration.coverage(0.5),
      "coverage_90": scores.calibration.coverage(0.9),
      "coverage_95": scores.calibration.coverage(0.95),
    ]
    for (name, value) in ours {
      let expected = try #require(reference[name] as? Double, "\(name) in the fixture")
      #expect(
        abs(value - expected) <= 1e-12 * max(1, abs(expected)), "\(name): \(value) vs \(expected)")
    }
  }

  @Test func oneHandComputedPrediction() {
    // y = 1 under N(0, 2²): z = 0.5.
    let scores = GaussianRegressionScores(mean: [0], standardDeviation: [2], target: [1])
    let z = 0.5
    let phi = 0.5 * erfc(-z / 2.0.squareRoot())
    #expect(abs(scores.negativeLogLikelihood - (0.5 * log(2 * Double.pi) + log(2) + 0.125)) < 1e-15)
    let crps =
      2
      * (z * (2 * phi - 1) + 2 * exp(-z * z / 2) / (2 * Double.pi).squareRoot() - 1
        / Double.pi.squareRoot())
    #expect(abs(scores.continuousRankedProbabilityScore - crps) < 1e-15)
    #expect(scores.rootMeanSquaredError == 1 && scores.sharpness == 2)
  }

  @Test func theCalibrationCurveOfHandPlacedPITValues() {
    // Four PIT values at distances 0.05, 0.2, 0.3, 0.45 from ½.
    let calibration = IntervalCalibration(pits: [0.55, 0.3, 0.8, 0.05], levels: 3)
    #expect(calibration.expectedProportions == [0, 0.5, 1])
    // p = 0.5 holds distances ≤ 0.25: two of four.
    #expect(calibration.observedProportions == [0, 0.5, 1])
    // (0.8 − ½ is 0.30000000000000004 in binary: a bound of exactly 0.3 would miss it.)
    #expect(calibration.coverage(0.62) == 0.75)
    #expect(calibration.meanAbsoluteError == 0 && calibration.miscalibrationArea == 0)
    // Every target outside every interval but the whole line: the area is the triangle ½.
    let wide = IntervalCalibration(pits: [0, 1], levels: 2)
    #expect(wide.observedProportions == [0, 1])
    let none = IntervalCalibration(pits: [0, 1], levels: 101)
    // Below ½·0.99² up to p = 0.99, then the last segment closes to the corner.
    #expect(abs(none.miscalibrationArea - (0.5 * 0.99 * 0.99 + 0.5 * 0.01 * 0.99)) < 1e-12)
  }

  @Test func aCurveThatCrossesTheDiagonalCountsBothTriangles() {
    // Expected 0, ½, 1 with observed 0, 1, 0.5 — not a real curve, but the area rule:
    // segment 1 lies above by 0…½ (area ⅛), segment 2 goes from +½ to −½, crossing at its
    // middle: two triangles of ½·½·½ = ⅛ in all.
    let calibration = IntervalCalibration(expected: [0, 0.5, 1], observed: [0, 1, 0.5])
    #expect(abs(calibration.miscalibrationArea - (0.125 + 0.125)) < 1e-15)
  }
}
