import ArgumentParser
import BayesianDL
import BayesianDLPlotting
import Foundation
import PredictionFiles

/// `bdl regression`: how good and how calibrated a regression model's Gaussian
/// predictions are.
struct Regression: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "RMSE, NLL, CRPS, sharpness and interval calibration of Gaussian predictions.",
    discussion: """
      P.csv holds one Gaussian predictive per row, N(mean, std²), and the target, in \
      columns named by a header row: mean, std and target, in any order (other columns \
      are ignored). The scores are defined as in Uncertainty Toolbox (Chung et al. 2021), \
      and agree with it:

        rmse                 √mean (target − mean)²
        nll                  mean of −log N(target; mean, std²), in nats
        crps                 mean CRPS of the Gaussian (closed form), in the target's units
        sharpness            √mean std²
        mace, rmsce          mean absolute and root mean squared gap between the expected \
      proportion p and the observed share of targets inside the central p-interval, over \
      the 100 expected proportions p = 0, 1/99, …, 1
        miscalibration_area  the area between that curve and the diagonal
        coverage_50/90/95    the observed share inside the central 50, 90 and 95 % intervals

      --figure draws the calibration curve with the miscalibration area shaded.
      """)

  @Option(
    help: ArgumentHelp(
      "The predictions: a header row naming mean, std and target, then one row per example.",
      valueName: "P.csv"))
  var predictions: String

  @Option(
    help: ArgumentHelp(
      "Draw the calibration curve to this PNG (its gnuplot script goes beside it).",
      valueName: "calibration.png"))
  var figure: String?

  @Flag(help: "Print one JSON object instead of text.")
  var json = false

  @OptionGroup var files: FileOptions

  func validate() throws {
    if let figure, URL(fileURLWithPath: figure).pathExtension.lowercased() != "png" {
      throw ValidationError("--figure must name a .png file, not \(figure).")
    }
  }

  func run() throws {
    do {
      let columns = try Inputs.gaussianPredictions(predictions, files)
      let scores = GaussianRegressionScores(
        mean: columns.mean, standardDeviation: columns.std, target: columns.target)
      let figurePath = try figure.map { try drawCurve(scores.calibration, to: $0) }
      print(json ? Self.json(scores) : Self.text(scores))
      if let figurePath, !json { print("figure              = \(figurePath)") }
    } catch let error as InputError {
      Diagnostics.fail(error.description)
    } catch let error as FigureError {
      Diagnostics.fail(error.description)
    }
  }

  /// The scores by name, in the order they are printed.
  static func fields(_ scores: GaussianRegressionScores) -> [(String, Double)] {
    let calibration = scores.calibration
    return [
      ("rmse", scores.rootMeanSquaredError), ("nll", scores.negativeLogLikelihood),
      ("crps", scores.continuousRankedProbabilityScore), ("sharpness", scores.sharpness),
      ("mace", calibration.meanAbsoluteError), ("rmsce", calibration.rootMeanSquaredError),
      ("miscalibration_area", calibration.miscalibrationArea),
      ("coverage_50", calibration.coverage(0.5)), ("coverage_90", calibration.coverage(0.9)),
      ("coverage_95", calibration.coverage(0.95)),
    ]
  }

  /// `name = value` lines.
  static func text(_ scores: GaussianRegressionScores) -> String {
    (["count               = \(scores.count) predictions"]
      + fields(scores).map { name, value in
        name.padding(toLength: 20, withPad: " ", startingAt: 0) + "= " + Format.fixed(value, 6)
      }).joined(separator: "\n")
  }

  /// One JSON object: the scores and `count`.
  static func json(_ scores: GaussianRegressionScores) -> String {
    let entries = fields(scores).map { "\"\($0.0)\": \($0.1.description)" }
    return "{" + (entries + ["\"count\": \(scores.count)"]).joined(separator: ", ") + "}"
  }

  /// Draws the observed against the expected proportions, the area between them shaded.
  private func drawCurve(_ calibration: IntervalCalibration, to path: String) throws -> String {
    let p = calibration.expectedProportions
    let observed = calibration.observedProportions
    var plot = Figure(
      title: "Interval calibration: miscalibration area "
        + Format.fixed(calibration.miscalibrationArea, 3),
      xLabel: "expected proportion in the central interval",
      yLabel: "observed proportion",
      series: [
        .band(
          x: p, lower: zip(p, observed).map { min($0, $1) },
          upper: zip(p, observed).map { max($0, $1) }, title: "miscalibration area",
          color: .vermillion),
        .line(x: [0, 1], y: [0, 1], title: "calibrated", color: .grey, dashed: true),
        .line(x: p, y: observed, title: "observed", color: .blue),
      ])
    plot.xRange = 0...1
    plot.yRange = 0...1
    plot.equalAxes = true
    plot.legend = .bottomRight
    let saved = try FigureWriter.save(
      FigureGrid(rows: 1, columns: 1, panels: [plot]), toPNG: path, panelWidth: 640,
      panelHeight: 600)
    if saved.hasSuffix(".gp") {
      Diagnostics.note(
        "gnuplot is not installed, so only the script was written (\(saved)). Install it with "
          + "`sudo apt-get install gnuplot-nox` (Debian/Ubuntu) or `brew install gnuplot` (macOS).")
    }
    return Output.shownPath(requested: path, saved: saved)
  }
}
