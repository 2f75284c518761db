import ArgumentParser
import BayesianDL
import BayesianDLPlotting
import PredictionFiles
import Foundation

/// `bdl calibration`: how well a classifier's probabilities match how often it is right.
struct Calibration: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Accuracy, NLL, Brier score, ECE, MCE, RMS calibration error, adaptive and "
      + "classwise ECE of your predictions, with a reliability table and diagram.",
    discussion: """
      Give the predictions as class probabilities (--probabilities P.csv) or as logits \
      (--logits Z.csv, turned into probabilities by a softmax), and the true classes \
      (--labels Y.csv).

      P.csv / Z.csv: one row per example, one number per class. \
      Probabilities must be non-negative and each row must sum to 1 within a tolerance of \
      1e-6: |Σ_k p_k − 1| < 1e-6. Y.csv: one integer label in 0…C−1 per line, in the \
      same order (2.0 is read as 2). Lines end in \\n or \\r\\n; blank lines are allowed \
      only at the end of a file; nan and inf are rejected.

      A row's confidence is its largest probability and it is correct when that class \
      (the first, on ties) is the label. ECE = Σ_b (n_b/n)·|acc_b − conf_b| over --bins \
      equal-width bins; MCE is the largest gap over the non-empty bins; the adaptive ECE \
      uses bins holding equal numbers of predictions. --adaptive shows the equal-mass bins \
      in the table and the figure. RMSCE = √(Σ_b (n_b/n)·(acc_b − conf_b)²), the root mean \
      squared gap in the same bins (at least the ECE). The classwise ECE (Kull et al. \
      2019) scores every class's probability, not only the largest: for each class k, \
      every row goes in the equal-width bin of its p_k, and the bin's gap is |share of \
      its rows labelled k − mean p_k|; classwise ECE = (1/C) Σ_k Σ_b (n_bk/n)·gap_bk.

      --bootstrap N adds a 95 % confidence interval for the ECE: the rows are resampled \
      with replacement (n of n) N times, and the interval runs from the 2.5th to the \
      97.5th percentile of the resamples' ECEs (linear interpolation, as numpy's \
      quantile). The resamples are drawn from --seed (default 0), so the same command \
      prints the same interval. The ECE of a finite sample is biased upwards, and that \
      of a resample more so: for a nearly calibrated model the interval can lie above \
      the ECE itself.

      --json also gives, for each equal-width bin ("reliability") and each equal-mass bin \
      ("adaptive_reliability"), its edges, count, accuracy and mean confidence (null for \
      an empty bin), and the ECE of each class ("classwise_ece_by_class").

      The Brier score is the mean over rows of Σ_k (p_k − [y = k])², summed over all \
      classes; for a binary model that is twice scikit-learn's brier_score_loss, which \
      scores the positive class only.

      One column (a binary model): the positive class's probability (or, with --logits, \
      its logit), scored as the two-class model it is.

      A true-class probability of exactly 0 makes the NLL infinite; it is reported as inf \
      (JSON: "nll": null with "nll_infinite": true), never clamped.

      Any problem with the files is one line on standard error naming the file and line, \
      and exit status 1.
      """)

  @Option(
    help: ArgumentHelp(
      "Class probabilities: one row per example, one column per class.", valueName: "P.csv"))
  var probabilities: String?

  @Option(
    help: ArgumentHelp(
      "Logits instead of probabilities (softmaxed row by row).", valueName: "Z.csv"))
  var logits: String?

  @Option(help: ArgumentHelp("The true classes, one per line.", valueName: "Y.csv"))
  var labels: String

  // `.unconditional`: `--bins -3` is refused as a bad number, not as a missing value.
  @Option(parsing: .unconditional, help: "The number of confidence bins.")
  var bins = 15

  @Flag(help: "Show equal-mass bins in the table and the figure.")
  var adaptive = false

  @Option(
    help: ArgumentHelp(
      "Draw the reliability diagram to this PNG (its gnuplot script goes beside it).",
      valueName: "reliability.png"))
  var figure: String?

  @Flag(help: "Print one JSON object instead of text.")
  var json = false

  @Option(
    help: ArgumentHelp(
      "Score softmax(z / T) of the --logits: a temperature fitted elsewhere (bdl temperature "
        + "on validation logits).", valueName: "T"))
  var temperature: Double?

  @Flag(
    help: ArgumentHelp(
      "Divide each row of --probabilities by its sum (for probabilities rounded to a few "
        + "decimals, whose rows do not sum to 1 within 1e-6)."))
  var renormalise = false

  @Option(
    help: ArgumentHelp(
      "Write the probabilities that were scored (after --temperature) to this CSV file.",
      valueName: "OUT.csv"))
  var apply: String?

  // Strings, read in `run`: a bad value is one line naming the flag, with exit status 1.
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Add a 95 % bootstrap confidence interval for the ECE, from N resamples of the rows.",
      valueName: "N"))
  var bootstrap: String?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "The seed of the bootstrap's resamples (a whole number ≥ 0; default 0).",
      valueName: "seed"))
  var seed: String?

  @OptionGroup var files: FileOptions

  func validate() throws {
    if (probabilities == nil) == (logits == nil) {
      throw ValidationError("Give exactly one of --probabilities and --logits.")
    }
    if let temperature {
      guard logits != nil else {
        throw ValidationError("--temperature rescales logits: give them with --logits.")
      }
      guard temperature.isFinite && temperature > 0 else {
        throw ValidationError("--temperature must be a positive number, not \(temperature).")
      }
    }
    if renormalise && probabilities == nil {
      throw ValidationError("--renormalise applies to --probabilities.")
    }
    if [probabilities, logits, Optional(labels)].filter({ $0 == "-" }).count > 1 {
      throw ValidationError("Only one of the files can be standard input (-).")
    }
    if bins < 1 { throw ValidationError("--bins must be at least 1, not \(bins).") }
    if let figure, URL(fileURLWithPath: figure).pathExtension.lowercased() != "png" {
      throw ValidationError("--figure must name a .png file, not \(figure).")
    }
  }

  func run() throws {
    let resamples = bootstrap.map { Self.count($0, flag: "--bootstrap") }
    let seedValue = seed.map { Self.seed($0) } ?? 0
    if seed != nil && bootstrap == nil {
      Diagnostics.fail("--seed sets the bootstrap's resamples: give --bootstrap N as well")
    }
    do {
      let (predictions, p) = try readPredictions()
      let y = try Inputs.labels(
        labels, files, rows: p.rows, classes: p.columns, predictions: predictions)
      var summary = CalibrationSummary(p, labels: y, bins: bins)
      if let resamples {
        var generator = Generator(seed: seedValue)
        summary.bootstrap = CalibrationBootstrap(
          p, labels: y, bins: bins, resamples: resamples, using: &generator)
        summary.seed = seedValue
      }
      let shown = adaptive ? summary.equalMass : summary.equalWidth
      let figurePath = try figure.map { try drawFigure(shown, summary: summary, to: $0) }
      if let apply { Output.writeProbabilities(p, to: apply) }
      if json {
        print(summary.json())
      } else {
        print(summary.text(shown: shown, adaptive: adaptive, classes: p.columns))
        if let figurePath { print("figure        = \(figurePath)") }
      }
    } catch let error as InputError {
      Diagnostics.fail(error.description)
    } catch let error as FigureError {
      Diagnostics.fail(error.description)
    }
  }

  /// The value of a count option: a whole number ≥ 1 (else one line and exit status 1).
  static func count(_ text: String, flag: String) -> Int {
    guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
      Diagnostics.fail("\(flag) must be a whole number of resamples (at least 1), not '\(text)'")
    }
    guard value >= 1 else {
      Diagnostics.fail("\(flag) must be at least 1 resample, not \(value)")
    }
    return value
  }

  /// The value of `--seed`: a whole number in 0…2⁶⁴ − 1 (else one line and exit status 1).
  static func seed(_ text: String) -> UInt64 {
    guard let value = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
      Diagnostics.fail(
        "--seed must be a whole number from 0 to 18446744073709551615, not '\(text)'")
    }
    return value
  }

  /// The probabilities, from either kind of file, and the file's name.
  private func readPredictions() throws(InputError) -> (String, Matrix) {
    if let logits {
      let z = try Inputs.logits(logits, files)
      return (logits, TemperatureScaling(temperature: temperature ?? 1).probabilities(z))
    }
    let path = probabilities!
    return (path, try Inputs.probabilities(path, files, renormalise: renormalise))
  }

  /// Draws the reliability diagram of `shown` over a histogram of the confidences.
  private func drawFigure(_ shown: Reliability, summary: CalibrationSummary, to path: String)
    throws -> String
  {
    let (used, each) = (shown.bins.count, shown.count / shown.bins.count)
    let binning =
      adaptive
      ? "\(used) equal-mass bins of \(each)\(shown.count % used == 0 ? "" : "–\(each + 1)")"
      : "\(bins) equal-width bins"
    let diagram = Figure.reliabilityDiagram(
      shown,
      title: "Reliability, \(binning): ECE = \(Format.fixed(shown.expectedCalibrationError, 3))")
    // Counts, not shares, so that how many predictions stand behind each bar is read off
    // the axis; always in equal-width bins, which show where the confidences lie.
    let histogram = summary.equalWidth.bins
    var counts = Figure(
      title: "Predictions per confidence bin (n = \(summary.count))",
      xLabel: "confidence (largest probability)", yLabel: "predictions in the bin",
      series: [
        .bars(
          x: histogram.map { ($0.lower + $0.upper) / 2 },
          heights: histogram.map { Double($0.count) },
          width: 1 / Double(bins), color: .grey)
      ])
    counts.xRange = 0...1
    counts.legend = .none
    let grid = FigureGrid(rows: 2, columns: 1, panels: [diagram, counts])
    let saved = try FigureWriter.save(grid, toPNG: path, panelWidth: 640, panelHeight: 440)
    if saved.hasSuffix(".gp") {
      // The script writes its PNG into the directory gnuplot runs in.
      let url = URL(fileURLWithPath: saved)
      let (directory, script) = (url.deletingLastPathComponent().path, url.lastPathComponent)
      Diagnostics.note(
        "gnuplot is not installed, so only the script was written (\(saved)). Install it with "
          + "`sudo apt-get install gnuplot-nox` (Debian/Ubuntu) or `brew install gnuplot` "
          + "(macOS), then run `cd \(directory) && gnuplot \(script)`.")
    }
    return Output.shownPath(requested: path, saved: saved)
  }
}

/// The calibration metrics of one set of predictions: the core's ``CalibrationReport``
/// (one checked pass over the matrix, on both cores) and ``ClasswiseReliability``, with
/// the tool's two ways of printing them.
struct CalibrationSummary {
  /// The scores.
  let report: CalibrationReport
  /// The reliability of every class's probability: the classwise ECE.
  let classwise: ClasswiseReliability

  /// The number of predictions.
  var count: Int { report.count }
  /// The fraction whose most probable class is the label.
  var accuracy: Double { report.accuracy }
  /// The mean negative log-likelihood, in nats (may be +∞).
  var nll: Double { report.negativeLogLikelihood }
  /// The number of predictions that give their true class probability exactly 0.
  var zeroProbabilityCount: Int { report.zeroProbabilityCount }
  /// The Brier score.
  var brier: Double { report.brierScore }
  /// The predictions in equal-width bins.
  var equalWidth: Reliability { report.equalWidth }
  /// The predictions in equal-mass bins.
  var equalMass: Reliability { report.equalMass }
  /// The bootstrap interval of the ECE, when asked for.
  var bootstrap: CalibrationBootstrap?
  /// The seed the bootstrap's resamples were drawn from.
  var seed: UInt64 = 0

  /// The metrics of `probabilities` (checked by ``Inputs``) against `labels`.
  init(_ probabilities: Matrix, labels: [Int], bins: Int) {
    report = CalibrationReport(probabilities, labels: labels, bins: bins)
    classwise = ClasswiseReliability(probabilities, labels: labels, bins: bins)
  }

  /// The human-readable report: `name = value` lines and the table of `shown`'s bins.
  func text(shown: Reliability, adaptive: Bool, classes: Int) -> String {
    let b = equalWidth.bins.count
    var lines = [
      "count         = \(count) predictions, \(classes) classes",
      "accuracy      = \(Format.fixed(accuracy, 6))",
      "nll           = \(nll.isFinite ? Format.fixed(nll, 6) + " nats" : "inf")",
    ]
    if !nll.isFinite {
      lines.append(
        "                infinite because \(zeroProbabilityCount) of \(count) predictions give "
          + "their true class probability exactly 0, and −log 0 = +∞ (reported as it is, "
          + "not clamped)")
    }
    lines += [
      "brier         = \(Format.fixed(brier, 6))",
      "ece           = \(Format.fixed(equalWidth.expectedCalibrationError, 6)) "
        + "(\(b) equal-width bins)",
    ]
    if let bootstrap {
      lines.append(
        "ece_95%_ci    = [\(Format.fixed(bootstrap.lower, 6)), \(Format.fixed(bootstrap.upper, 6))] "
          + "(percentile bootstrap: \(bootstrap.resamples) resamples of the rows, seed \(seed))")
    }
    lines += [
      "mce           = \(Format.fixed(equalWidth.maximumCalibrationError, 6)) "
        + "(the largest gap of a non-empty bin)",
      "rmsce         = \(Format.fixed(equalWidth.rootMeanSquaredCalibrationError, 6)) "
        + "(root mean squared gap, same bins)",
      "adaptive_ece  = \(Format.fixed(equalMass.expectedCalibrationError, 6)) "
        + "(\(equalMass.bins.count) equal-mass bins)",
      "classwise_ece = \(Format.fixed(classwise.expectedCalibrationError, 6)) "
        + "(mean over the \(classwise.classes.count) classes of each class's ECE)",
      "",
      "Reliability in \(adaptive ? "equal-mass" : "equal-width") bins "
        + "(gap = |accuracy − confidence|; over-confident where accuracy < confidence):",
      "",
      "bin  confidence range     count  accuracy  confidence     gap",
      "---  ----------------  --------  --------  ----------  ------",
    ]
    for (k, bin) in shown.bins.enumerated() {
      // Equal-width bins are (lower, upper], the first also holding 0; equal-mass bins
      // are [smallest, largest] of the confidences they hold.
      let open = adaptive || k == 0 ? "[" : "("
      let range = "\(open)\(Format.fixed(bin.lower, 4)), \(Format.fixed(bin.upper, 4))]"
      let cells =
        bin.count == 0
        ? ["–", "–", "–"]
        : [
          Format.fixed(bin.accuracy, 4), Format.fixed(bin.confidence, 4), Format.fixed(bin.gap, 4),
        ]
      lines.append(
        Format.pad(String(k + 1), 3) + "  "
          + range.padding(toLength: 16, withPad: " ", startingAt: 0)
          + "  " + Format.pad(String(bin.count), 8) + "  " + Format.pad(cells[0], 8) + "  "
          + Format.pad(cells[1], 10) + "  " + Format.pad(cells[2], 6))
    }
    lines.append("")
    return lines.joined(separator: "\n")
  }

  /// The report as one JSON object: the metrics, `bins` (the number of bins of the ECE,
  /// MCE and adaptive ECE) and `count`, the bins themselves, and the bootstrap interval
  /// when asked for; an infinite NLL is `null` with `nll_infinite: true`.
  func json() -> String {
    var fields = [
      ("accuracy", accuracy.description),
      ("nll", nll.isFinite ? nll.description : "null"),
    ]
    if !nll.isFinite { fields.append(("nll_infinite", "true")) }
    fields += [
      ("brier", brier.description),
      ("ece", equalWidth.expectedCalibrationError.description),
      ("mce", equalWidth.maximumCalibrationError.description),
      ("adaptive_ece", equalMass.expectedCalibrationError.description),
      ("rmsce", equalWidth.rootMeanSquaredCalibrationError.description),
      ("classwise_ece", classwise.expectedCalibrationError.description),
      (
        "classwise_ece_by_class",
        "["
          + classwise.classes.map { $0.expectedCalibrationError.description }
          .joined(separator: ", ") + "]"
      ),
    ]
    if let bootstrap {
      fields += [
        ("ece_ci_lower", bootstrap.lower.description),
        ("ece_ci_upper", bootstrap.upper.description),
        ("ece_ci_level", bootstrap.level.description),
        ("bootstrap", String(bootstrap.resamples)),
        ("seed", String(seed)),
      ]
    }
    fields += [
      ("bins", String(equalWidth.bins.count)),
      ("count", String(count)),
      ("reliability", Self.json(equalWidth.bins)),
      ("adaptive_reliability", Self.json(equalMass.bins)),
    ]
    return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
  }

  /// Bins as a JSON array of objects: edges, count, accuracy and mean confidence (the
  /// last two null for an empty bin).
  static func json(_ bins: [ReliabilityBin]) -> String {
    "["
      + bins.map { bin in
        let (accuracy, confidence) =
          bin.count == 0
          ? ("null", "null") : (bin.accuracy.description, bin.confidence.description)
        return "{\"lower\": \(bin.lower), \"upper\": \(bin.upper), \"count\": \(bin.count), "
          + "\"accuracy\": \(accuracy), \"confidence\": \(confidence)}"
      }.joined(separator: ", ") + "]"
  }
}
