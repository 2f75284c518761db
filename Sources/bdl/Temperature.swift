import ArgumentParser
import BayesianDL
import BayesianDLPlotting
import PredictionFiles
import Foundation

/// `bdl temperature`: fit one temperature to a classifier's logits, and apply it.
struct Temperature: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fit a temperature T to your logits (softmax(z / T) with the smallest NLL) and "
      + "print the NLL and ECE before and after.",
    discussion: """
      Z.csv: one row per example, one comma-separated logit per class, no header; finite \
      and at most 1e100 in magnitude. Y.csv: one integer label in 0…C−1 per line, in the \
      same order. Fit T on held-out data, not on the training set.

      Dividing the logits by T > 0 keeps each row's order, so the accuracy does not \
      change; T > 1 softens over-confident predictions, T < 1 sharpens timid ones. The fit \
      is Newton's method on the convex NLL in 1/T, kept within T ∈ [0.001, 1000].

      --apply OUT.csv writes softmax(z / T), one row per example, each number in the \
      shortest form that reads back to the same double.

      Any problem with the files is one line on standard error naming the file and line, \
      and exit status 1.
      """)

  @Option(
    help: ArgumentHelp("Logits: one row per example, one column per class.", valueName: "Z.csv"))
  var logits: String

  @Option(help: ArgumentHelp("The true classes, one per line.", valueName: "Y.csv"))
  var labels: String

  // `.unconditional`: `--bins -3` is refused as a bad number, not as a missing value.
  @Option(parsing: .unconditional, help: "The number of equal-width bins of the ECE.")
  var bins = 15

  @Option(
    help: ArgumentHelp(
      "Write the recalibrated probabilities softmax(z / T) to this CSV file.",
      valueName: "OUT.csv"))
  var apply: String?

  @Flag(help: "Print one JSON object instead of text.")
  var json = false

  @OptionGroup var files: FileOptions

  func validate() throws {
    if bins < 1 { throw ValidationError("--bins must be at least 1, not \(bins).") }
  }

  func run() throws {
    do {
      let z = try Inputs.logits(logits, files)
      let y = try Inputs.labels(
        labels, files, rows: z.rows, classes: z.columns, predictions: logits)
      let identity = TemperatureScaling(temperature: 1)
      let fitted = TemperatureScaling.fit(logits: z, labels: y)
      let before = identity.probabilities(z)
      let after = fitted.probabilities(z)
      let report = TemperatureReport(
        count: y.count, classes: z.columns, temperature: fitted.temperature,
        nllBefore: identity.negativeLogLikelihood(logits: z, labels: y),
        nllAfter: fitted.negativeLogLikelihood(logits: z, labels: y),
        eceBefore: Reliability(before, labels: y, bins: bins).expectedCalibrationError,
        eceAfter: Reliability(after, labels: y, bins: bins).expectedCalibrationError,
        accuracy: ClassificationMetrics.accuracy(after, labels: y), bins: bins)
      if let apply { Output.writeProbabilities(after, to: apply) }
      print(json ? report.json : report.text(applied: apply))
    } catch {
      // Everything the body can throw is an `InputError` (typed throws).
      Diagnostics.fail(error.description)
    }
  }
}

/// What `bdl temperature` found.
struct TemperatureReport {
  /// The number of predictions.
  let count: Int
  /// The number of classes.
  let classes: Int
  /// The fitted $T$.
  let temperature: Double
  /// The NLL of softmax(z), in nats.
  let nllBefore: Double
  /// The NLL of softmax(z / T), in nats.
  let nllAfter: Double
  /// The ECE of softmax(z).
  let eceBefore: Double
  /// The ECE of softmax(z / T).
  let eceAfter: Double
  /// The accuracy, the same before and after.
  let accuracy: Double
  /// The number of bins of the ECE.
  let bins: Int

  /// Whether the fit stopped at an end of the allowed range of $T$.
  private var atBound: Bool {
    let range = TemperatureScaling.inverseTemperatureRange
    return temperature <= 1 / range.upperBound * (1 + 1e-9)
      || temperature >= 1 / range.lowerBound * (1 - 1e-9)
  }

  /// The human-readable report, `name = value` lines.
  func text(applied: String?) -> String {
    let meaning =
      temperature > 1
      ? "T > 1: the logits were over-confident; dividing by T softens them"
      : "T < 1: the logits were under-confident; dividing by T sharpens them"
    var lines = [
      "count       = \(count) predictions, \(classes) classes",
      "temperature = \(Format.fixed(temperature, 6)) (\(meaning))",
    ]
    if atBound {
      lines.append(
        "              the fit stopped at the edge of T ∈ [0.001, 1000]: the NLL keeps "
          + "falling beyond it (separable data want T → 0, logits no better than chance "
          + "T → ∞)")
    }
    lines += [
      "nll_before  = \(Format.fixed(nllBefore, 6)) nats",
      "nll_after   = \(Format.fixed(nllAfter, 6)) nats",
      "ece_before  = \(Format.fixed(eceBefore, 6)) (\(bins) equal-width bins)",
      "ece_after   = \(Format.fixed(eceAfter, 6))",
      "accuracy    = \(Format.fixed(accuracy, 6)) (unchanged: dividing by T keeps each "
        + "row's order)",
    ]
    if let applied {
      lines.append("applied     = \(applied) (\(count) rows of softmax(z / T))")
    }
    lines.append(
      "(the \"after\" scores are on the file T was fitted to; score other predictions with "
        + "bdl calibration --logits Z.csv --temperature \(temperature) --labels Y.csv)")
    return lines.joined(separator: "\n")
  }

  /// The report as one JSON object.
  var json: String {
    let fields: [(String, String)] = [
      ("temperature", temperature.description), ("nll_before", nllBefore.description),
      ("nll_after", nllAfter.description), ("ece_before", eceBefore.description),
      ("ece_after", eceAfter.description), ("accuracy", accuracy.description),
      ("bins", String(bins)), ("count", String(count)),
    ]
    return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
  }
}
