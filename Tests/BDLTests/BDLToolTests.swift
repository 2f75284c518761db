import BayesianDL
import Foundation
import TestSupport
import Testing

@testable import BayesianDLPlotting
@testable import PredictionFiles

/// The `bdl` tool run end to end on small CSV files: metrics against hand computation,
/// its JSON, logits, temperature scaling, figures, and one-line errors for bad input.
@Suite struct BDLToolTests {
  /// A new temporary directory with the given files in it.
  private func directory(_ files: [String: String]) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bdl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    for (name, contents) in files {
      try Data(contents.utf8).write(to: url.appendingPathComponent(name))
    }
    return url
  }

  /// The JSON object `bdl` printed.
  private func json(_ run: ChapterRun) throws -> [String: Any] {
    #expect(run.status == 0, "stderr: \(run.errors)")
    let object = try JSONSerialization.jsonObject(with: Data(run.output.utf8))
    return try #require(object as? [String: Any], "not a JSON object: \(run.output)")
  }

  /// Five predictions over three classes, worked by hand below.
  private let probabilities = """
    0.7,0.2,0.1
    0.1,0.8,0.1
    0.3,0.3,0.4
    0.25,0.5,0.25
    0.05,0.05,0.9

    """
  private let labels = "0\n1\n0\n2\n2\n"

  @Test func metricsOfAHandWorkedExampleAreTheHandComputedOnes() throws {
    let dir = try directory(["P.csv": probabilities, "Y.csv": labels])
    let arguments = [
      "calibration", "--probabilities", dir.appendingPathComponent("P.csv").path,
      "--labels", dir.appendingPathComponent("Y.csv").path, "--bins", "5",
    ]
    // Confidences .7 .8 .4 .5 .9; rows 1, 2 and 5 are right: accuracy 3/5.
    // True-class probabilities .7 .8 .3 .25 .9.
    let nll = -(log(0.7) + log(0.8) + log(0.3) + log(0.25) + log(0.9)) / 5
    // Squared distances to the one-hot labels: .14 .06 .74 .875 .015.
    let brier = (0.14 + 0.06 + 0.74 + 0.875 + 0.015) / 5
    // Bins of width .2, right-closed: (.2,.4] {.4 wrong}, (.4,.6] {.5 wrong},
    // (.6,.8] {.7 right, .8 right}, (.8,1] {.9 right}; gaps .4 .5 .25 .1.
    let ece = (0.4 + 0.5 + 2 * 0.25 + 0.1) / 5
    let mce = 0.5
    // Five equal-mass bins of one prediction: gaps .3 .2 .4 .5 .1.
    let adaptive = (0.3 + 0.2 + 0.4 + 0.5 + 0.1) / 5

    let object = try json(ChapterRun.run("bdl", arguments + ["--json"]))
    let number = { (key: String) in (object[key] as? NSNumber)?.doubleValue ?? .nan }
    expectClose(number("accuracy"), 0.6, tolerance: 1e-15)
    expectClose(number("nll"), nll, tolerance: 1e-14)
    expectClose(number("brier"), brier, tolerance: 1e-14)
    expectClose(number("ece"), ece, tolerance: 1e-14)
    expectClose(number("mce"), mce, tolerance: 1e-14)
    expectClose(number("adaptive_ece"), adaptive, tolerance: 1e-14)
    #expect(object["count"] as? Int == 5)
    #expect(object["bins"] as? Int == 5)
    // RMSCE: the same gaps, squared and weighted: √((.4² + .5² + 2·.25² + .1²)/5).
    let rmsce = ((0.16 + 0.25 + 2 * 0.0625 + 0.01) / 5).squareRoot()
    expectClose(number("rmsce"), rmsce, tolerance: 1e-14)
    // Classwise ECE, five bins of width .2, each class's probability against "label = k":
    // class 0: p .7 .1 .3 .25 .05, labels 0 at rows 1 and 3.
    //   [0,.2] {.1, .05}: 0 of 2, mean .075 → 2·.075 = .15; (.2,.4] {.3 ✓, .25}: 1 of 2,
    //   mean .275 → 2·|.5 − .275| = .45; (.6,.8] {.7 ✓}: |1 − .7| = .3 → ECE₀ = .9/5
    // class 1: p .2 .8 .3 .5 .05, label 1 at row 2.
    //   [0,.2] {.2, .05} → .25; (.2,.4] {.3} → .3; (.4,.6] {.5} → .5; (.6,.8] {.8 ✓} → .2
    //   → ECE₁ = 1.25/5
    // class 2: p .1 .1 .4 .25 .9, labels 2 at rows 4 and 5.
    //   [0,.2] {.1, .1} → .2; (.2,.4] {.4, .25 ✓}: |1 − .65| = .35; (.8,1] {.9 ✓} → .1
    //   → ECE₂ = .65/5
    let perClass = [0.9 / 5, 1.25 / 5, 0.65 / 5]
    expectClose(number("classwise_ece"), perClass.reduce(0, +) / 3, tolerance: 1e-14)
    let byClass = try #require(object["classwise_ece_by_class"] as? [Double])
    for (a, b) in zip(byClass, perClass) { expectClose(a, b, tolerance: 1e-14) }
    // The bins themselves: counts, accuracies and mean confidences, null where empty.
    let bins = try #require(object["reliability"] as? [[String: Any]])
    #expect(bins.map { $0["count"] as? Int } == [0, 1, 1, 2, 1])
    #expect(bins[0]["accuracy"] is NSNull && bins[0]["confidence"] is NSNull)
    for (bin, (accuracy, confidence, lower)) in zip(
      bins.dropFirst(), [(0.0, 0.4, 0.2), (0.0, 0.5, 0.4), (1.0, 0.75, 0.6), (1.0, 0.9, 0.8)])
    {
      expectClose(try #require(bin["accuracy"] as? Double), accuracy, tolerance: 1e-15)
      expectClose(try #require(bin["confidence"] as? Double), confidence, tolerance: 1e-15)
      expectClose(try #require(bin["lower"] as? Double), lower, tolerance: 1e-15)
      expectClose(try #require(bin["upper"] as? Double), lower + 0.2, tolerance: 1e-15)
    }
    // Five equal-mass bins of one prediction each, in order of confidence .4 .5 .7 .8 .9.
    let adaptiveBins = try #require(object["adaptive_reliability"] as? [[String: Any]])
    #expect(adaptiveBins.map { $0["count"] as? Int } == [1, 1, 1, 1, 1])
    #expect(adaptiveBins.map { $0["accuracy"] as? Double } == [0, 0, 1, 1, 1])
    #expect(adaptiveBins.map { $0["confidence"] as? Double } == [0.4, 0.5, 0.7, 0.8, 0.9])

    // The text report says the same to six decimals, and tabulates the bins.
    let text = try ChapterRun.run("bdl", arguments)
    #expect(text.status == 0, "stderr: \(text.errors)")
    for (name, value) in [
      ("accuracy", 0.6), ("nll", nll), ("brier", brier), ("ece", ece), ("mce", mce),
      ("adaptive_ece", adaptive), ("rmsce", rmsce), ("classwise_ece", perClass.reduce(0, +) / 3),
    ] {
      expectClose(try text.value(name), value, tolerance: 1e-6, name)
    }
    let table = text.table(startingWith: "bin")
    #expect(table.map { $0[3] } == ["0", "1", "1", "2", "1"])  // counts per bin
  }

  @Test func jsonOutputHasExactlyTheDocumentedKeys() throws {
    let dir = try directory(["P.csv": probabilities, "Y.csv": labels])
    let object = try json(
      ChapterRun.run(
        "bdl",
        [
          "calibration", "--probabilities", dir.appendingPathComponent("P.csv").path,
          "--labels", dir.appendingPathComponent("Y.csv").path, "--json", "--adaptive",
        ]))
    #expect(
      Set(object.keys)
        == [
          "accuracy", "nll", "brier", "ece", "mce", "adaptive_ece", "rmsce", "classwise_ece",
          "classwise_ece_by_class", "bins", "count", "reliability", "adaptive_reliability",
        ])
    #expect(object["bins"] as? Int == 15)
    let withInterval = try json(
      ChapterRun.run(
        "bdl",
        [
          "calibration", "--probabilities", dir.appendingPathComponent("P.csv").path,
          "--labels", dir.appendingPathComponent("Y.csv").path, "--json", "--bootstrap", "20",
        ]))
    #expect(
      Set(withInterval.keys).subtracting(object.keys)
        == ["ece_ci_lower", "ece_ci_upper", "ece_ci_level", "bootstrap", "seed"])
    #expect(withInterval["ece_ci_level"] as? Double == 0.95)
    #expect(withInterval["bootstrap"] as? Int == 20)
    #expect(withInterval["seed"] as? Int == 0)
  }

  /// 2000 over-confident predictions over three classes, as CSV, and their labels.
  private func overconfidentFiles(seed: UInt64) -> (String, String) {
    var rng = Generator(seed: seed)
    var (rows, labels) = ("", "")
    for _ in 0..<2000 {
      let z = (0..<3).map { _ in 2 * rng.normal() }
      let e = z.map { exp($0) }
      let flat = z.map { exp($0 / 3) }
      rows += e.map { String($0 / e.reduce(0, +)) }.joined(separator: ",") + "\n"
      labels += "\(rng.categorical(flat.map { $0 / flat.reduce(0, +) }))\n"
    }
    return (rows, labels)
  }

  @Test func bootstrapIntervalIsReproducibleHoldsTheECEAndFollowsTheSeed() throws {
    let (rows, labels) = overconfidentFiles(seed: 31)
    let dir = try directory(["P.csv": rows, "Y.csv": labels])
    let arguments = [
      "calibration", "--probabilities", dir.appendingPathComponent("P.csv").path, "--labels",
      dir.appendingPathComponent("Y.csv").path, "--bootstrap", "300",
    ]
    let first = try ChapterRun.run("bdl", arguments + ["--json"])
    let again = try ChapterRun.run("bdl", arguments + ["--json"])
    #expect(first.output == again.output)
    let object = try json(first)
    let number = { (key: String) in (object[key] as? NSNumber)?.doubleValue ?? .nan }
    #expect(number("ece_ci_lower") <= number("ece") && number("ece") <= number("ece_ci_upper"))
    #expect(number("ece_ci_lower") < number("ece_ci_upper"))
    let seeded = try json(ChapterRun.run("bdl", arguments + ["--json", "--seed", "0"]))
    #expect(seeded["ece_ci_lower"] as? Double == object["ece_ci_lower"] as? Double)
    let other = try json(ChapterRun.run("bdl", arguments + ["--json", "--seed", "12"]))
    #expect(other["ece_ci_lower"] as? Double != object["ece_ci_lower"] as? Double)
    #expect(other["seed"] as? Int == 12)
    // The text report states the interval, its level and how it was drawn.
    let text = try ChapterRun.run("bdl", arguments)
    #expect(text.status == 0)
    let line = try #require(text.output.split(separator: "\n").first { $0.hasPrefix("ece_95%_ci") })
    #expect(line.contains("percentile bootstrap: 300 resamples of the rows, seed 0"))
    #expect(
      line.contains(String(format: "[%.6f, %.6f]", number("ece_ci_lower"), number("ece_ci_upper"))))
  }

  @Test func aZeroTrueClassProbabilityGivesAnInfiniteNLLReportedAsSuch() throws {
    let dir = try directory(["P.csv": "1,0\n0.5,0.5\n0,1\n", "Y.csv": "1\n0\n0\n"])
    let arguments = [
      "calibration", "--probabilities", dir.appendingPathComponent("P.csv").path,
      "--labels", dir.appendingPathComponent("Y.csv").path,
    ]
    let object = try json(ChapterRun.run("bdl", arguments + ["--json"]))
    #expect(object["nll"] is NSNull)
    #expect(object["nll_infinite"] as? Bool == true)
    let text = try ChapterRun.run("bdl", arguments)
    #expect(text.output.contains("nll           = inf\n"))
    #expect(text.output.contains("2 of 3 predictions give their true class probability exactly 0"))
  }

  @Test func logitsGiveTheMetricsOfTheirSoftmax() throws {
    let logits = [[2.0, -1, 0.5], [0.1, 0.2, 3], [1, 1, 1], [-2, 5, 0], [30, -30, 0]]
    // The softmax, computed here independently of the core.
    let softmax = logits.map { row -> [Double] in
      let top = row.max()!
      let e = row.map { exp($0 - top) }
      return e.map { $0 / e.reduce(0, +) }
    }
    let csv = { (rows: [[Double]]) in
      rows.map { $0.map { String(format: "%.17g", $0) }.joined(separator: ",") }
        .joined(separator: "\n")
    }
    let dir = try directory([
      "Z.csv": csv(logits), "P.csv": csv(softmax), "Y.csv": "0\n2\n1\n0\n1\n",
    ])
    let common = ["--labels", dir.appendingPathComponent("Y.csv").path, "--json", "--bins", "4"]
    let fromLogits = try json(
      ChapterRun.run(
        "bdl", ["calibration", "--logits", dir.appendingPathComponent("Z.csv").path] + common))
    let fromProbabilities = try json(
      ChapterRun.run(
        "bdl",
        ["calibration", "--probabilities", dir.appendingPathComponent("P.csv").path] + common))
    for key in ["accuracy", "nll", "brier", "ece", "mce", "adaptive_ece"] {
      let a = try #require(fromLogits[key] as? NSNumber).doubleValue
      let b = try #require(fromProbabilities[key] as? NSNumber).doubleValue
      expectClose(a, b, tolerance: 1e-12, key)
    }
  }

  @Test func temperatureRecoversAKnownTemperatureAndAppliesIt() throws {
    // Labels drawn from softmax(z / 2): the logits are over-confident by T = 2.
    var rng = Generator(seed: 21)
    let (n, c, trueTemperature) = (20_000, 5, 2.0)
    let z = rng.normalMatrix(rows: n, columns: c, standardDeviation: 3)
    let labels = (0..<n).map { i -> Int in
      let row = (0..<c).map { z[i, $0] / trueTemperature }
      let e = row.map { exp($0 - row.max()!) }
      return rng.categorical(e.map { $0 / e.reduce(0, +) })
    }
    let zText = (0..<n).map { i in (0..<c).map { "\(z[i, $0])" }.joined(separator: ",") }
    let dir = try directory([
      "Z.csv": zText.joined(separator: "\n"),
      "Y.csv": labels.map(String.init).joined(separator: "\n"),
    ])
    let out = dir.appendingPathComponent("calibrated.csv")
    let run = try ChapterRun.run(
      "bdl",
      [
        "temperature", "--logits", dir.appendingPathComponent("Z.csv").path, "--labels",
        dir.appendingPathComponent("Y.csv").path, "--apply", out.path, "--json",
      ])
    let object = try json(run)
    let temperature = try #require(object["temperature"] as? NSNumber).doubleValue
    // The maximum-likelihood T of 20 000 draws is within a few hundredths of the truth.
    #expect(abs(temperature - trueTemperature) < 0.1, "T = \(temperature)")
    let before = try #require(object["nll_before"] as? NSNumber).doubleValue
    let after = try #require(object["nll_after"] as? NSNumber).doubleValue
    #expect(after < before)

    // The applied file: one row per example, each summing to 1, equal to softmax(z / T).
    let applied = try NumericCSV.read(path: out.path)
    #expect(applied.rows == n && applied.columns == c)
    for i in 0..<n {
      let row = (0..<c).map { applied.values[i * c + $0] }
      #expect(abs(row.reduce(0, +) - 1) < 1e-12)
      if i < 100 {
        let scaled = (0..<c).map { z[i, $0] / temperature }
        let e = scaled.map { exp($0 - scaled.max()!) }
        for k in 0..<c { expectClose(row[k], e[k] / e.reduce(0, +), tolerance: 1e-14) }
      }
    }
    let text = try ChapterRun.run(
      "bdl",
      [
        "temperature", "--logits", dir.appendingPathComponent("Z.csv").path, "--labels",
        dir.appendingPathComponent("Y.csv").path,
      ])
    expectClose(try text.value("temperature"), temperature, tolerance: 1e-6)
    expectClose(try text.value("nll_after"), after, tolerance: 1e-6)
  }

  @Test func theFigureIsWrittenBesideItsScript() throws {
    let dir = try directory(["P.csv": probabilities, "Y.csv": labels])
    let figure = dir.appendingPathComponent("plots/reliability.png")
    let run = try ChapterRun.run(
      "bdl",
      [
        "calibration", "--probabilities", dir.appendingPathComponent("P.csv").path,
        "--labels", dir.appendingPathComponent("Y.csv").path, "--figure", figure.path,
      ])
    #expect(run.status == 0, "stderr: \(run.errors)")
    let script = try String(
      contentsOf: dir.appendingPathComponent("plots/reliability.gp"), encoding: .utf8)
    #expect(script.contains("outfile = 'reliability.png'"))
    if FigureWriter.findExecutable("gnuplot") != nil {
      let png = try Data(contentsOf: figure)
      #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
      #expect(run.output.contains("figure        = \(figure.path)"))
    }
  }

  @Test func withoutGnuplotTheScriptIsWrittenAndTheJSONStaysClean() throws {
    let dir = try directory(["P.csv": probabilities, "Y.csv": labels])
    let figure = dir.appendingPathComponent("reliability.png")
    let run = try ChapterRun.run(
      "bdl",
      [
        "calibration", "--probabilities", dir.appendingPathComponent("P.csv").path,
        "--labels", dir.appendingPathComponent("Y.csv").path, "--figure", figure.path, "--json",
      ], path: "/nonexistent")
    _ = try json(run)
    #expect(
      FileManager.default.fileExists(atPath: dir.appendingPathComponent("reliability.gp").path))
    #expect(!FileManager.default.fileExists(atPath: figure.path))
    #expect(run.errors.contains("note: gnuplot is not installed"))
  }

  /// One malformed input: the files, the subcommand's arguments (file names are resolved
  /// in the temporary directory), and the `file:line:` the error must name.
  struct BadInput: CustomTestStringConvertible, Sendable {
    let name: String
    let files: [String: String]
    let arguments: [String]
    let location: String
    var testDescription: String { name }
  }

  static let good = "0.9,0.1\n0.2,0.8\n0.6,0.4\n"
  static let goodLabels = "0\n1\n1\n"
  static let calibration = ["calibration", "--probabilities", "P.csv", "--labels", "Y.csv"]
  static let badInputs: [BadInput] = [
    BadInput(
      name: "fewer labels than rows", files: ["P.csv": good, "Y.csv": "0\n1\n"],
      arguments: calibration, location: "Y.csv:3:"),
    BadInput(
      name: "more labels than rows", files: ["P.csv": good, "Y.csv": "0\n1\n1\n0\n"],
      arguments: calibration, location: "Y.csv:4:"),
    BadInput(
      name: "ragged row", files: ["P.csv": "0.9,0.1\n0.2,0.7,0.1\n0.6,0.4\n", "Y.csv": goodLabels],
      arguments: calibration, location: "P.csv:2:"),
    BadInput(
      name: "non-numeric cell",
      files: ["P.csv": "0.9,0.1\n0.2,0.8\n0.6,zero\n", "Y.csv": goodLabels],
      arguments: calibration, location: "P.csv:3:"),
    BadInput(
      name: "NaN", files: ["P.csv": "0.9,0.1\nNaN,0.8\n0.6,0.4\n", "Y.csv": goodLabels],
      arguments: calibration, location: "P.csv:2:"),
    BadInput(
      name: "infinity", files: ["P.csv": "0.9,0.1\n0.2,0.8\n0.6,inf\n", "Y.csv": goodLabels],
      arguments: calibration, location: "P.csv:3:"),
    BadInput(
      name: "negative probability",
      files: ["P.csv": "0.9,0.1\n1.2,-0.2\n0.6,0.4\n", "Y.csv": goodLabels],
      arguments: calibration, location: "P.csv:2:"),
    BadInput(
      name: "row not summing to 1",
      files: ["P.csv": "0.9,0.1\n0.2,0.8\n0.6,0.41\n", "Y.csv": goodLabels],
      arguments: calibration, location: "P.csv:3:"),
    BadInput(
      name: "label out of range", files: ["P.csv": good, "Y.csv": "0\n2\n1\n"],
      arguments: calibration, location: "Y.csv:2:"),
    BadInput(
      name: "negative label", files: ["P.csv": good, "Y.csv": "0\n1\n-1\n"],
      arguments: calibration, location: "Y.csv:3:"),
    BadInput(
      name: "non-integer label", files: ["P.csv": good, "Y.csv": "0\n0.5\n1\n"],
      arguments: calibration, location: "Y.csv:2:"),
    BadInput(
      name: "empty probabilities", files: ["P.csv": "", "Y.csv": goodLabels],
      arguments: calibration, location: "P.csv:1:"),
    BadInput(
      name: "empty labels", files: ["P.csv": good, "Y.csv": ""],
      arguments: calibration, location: "Y.csv:1:"),
    BadInput(
      name: "missing file", files: ["Y.csv": goodLabels],
      arguments: calibration, location: "P.csv: cannot read the file (no such file)"),
    BadInput(
      name: "blank line between rows",
      files: ["P.csv": "0.9,0.1\n\n0.2,0.8\n0.6,0.4\n", "Y.csv": goodLabels],
      arguments: calibration, location: "P.csv:2:"),
    BadInput(
      name: "labels with two columns", files: ["P.csv": good, "Y.csv": "0,1\n1,0\n1,1\n"],
      arguments: calibration, location: "Y.csv:1:"),
    BadInput(
      name: "one column that is not a probability",
      files: ["P.csv": "1.2\n0.2\n0.6\n", "Y.csv": goodLabels],
      arguments: calibration, location: "P.csv:1:"),
    BadInput(
      name: "NaN logit", files: ["Z.csv": "1,2\n3,nan\n", "Y.csv": "0\n1\n"],
      arguments: ["temperature", "--logits", "Z.csv", "--labels", "Y.csv"], location: "Z.csv:2:"),
    BadInput(
      name: "logit label out of range", files: ["Z.csv": "1,2\n3,4\n", "Y.csv": "0\n7\n"],
      arguments: ["temperature", "--logits", "Z.csv", "--labels", "Y.csv"], location: "Y.csv:2:"),
    BadInput(
      name: "huge logit", files: ["Z.csv": "1,2\n3,1e200\n", "Y.csv": "0\n1\n"],
      arguments: ["calibration", "--logits", "Z.csv", "--labels", "Y.csv"], location: "Z.csv:2:"),
  ]

  @Test(arguments: BDLToolTests.badInputs)
  func badInputIsOneLineNamingFileAndLineWithExitStatus1(_ input: BadInput) throws {
    let dir = try directory(input.files)
    let arguments = input.arguments.map {
      $0.hasSuffix(".csv") ? dir.appendingPathComponent($0).path : $0
    }
    let run = try ChapterRun.run("bdl", arguments)
    #expect(run.status == 1)
    #expect(run.output.isEmpty)
    let lines = run.errors.split(separator: "\n")
    #expect(lines.count == 1, "stderr: \(run.errors)")
    #expect(run.errors.hasPrefix("error: \(dir.path)/\(input.location)"), "stderr: \(run.errors)")
  }

  /// A bad value of a new option: one line naming the option, exit status 1, nothing on
  /// standard output and no file written (`--apply` and `--figure` are given and must not
  /// appear).
  @Test(arguments: [
    (["--bootstrap", "0"], "--bootstrap must be at least 1 resample, not 0"),
    (["--bootstrap", "-1"], "--bootstrap must be at least 1 resample, not -1"),
    (
      ["--bootstrap", "x"], "--bootstrap must be a whole number of resamples (at least 1), not 'x'"
    ),
    (
      ["--bootstrap", "2.5"],
      "--bootstrap must be a whole number of resamples (at least 1), not '2.5'"
    ),
    (
      ["--bootstrap", "10", "--seed", "-3"],
      "--seed must be a whole number from 0 to 18446744073709551615, not '-3'"
    ),
    (
      ["--bootstrap", "10", "--seed", "x"],
      "--seed must be a whole number from 0 to 18446744073709551615, not 'x'"
    ),
    (["--seed", "3"], "--seed sets the bootstrap's resamples: give --bootstrap N as well"),
  ])
  func badBootstrapValuesAreOneLineWithExitStatus1(_ extra: [String], _ message: String) throws {
    let dir = try directory(["P.csv": Self.good, "Y.csv": Self.goodLabels])
    let out = dir.appendingPathComponent("out.csv")
    let figure = dir.appendingPathComponent("r.png")
    let run = try ChapterRun.run(
      "bdl",
      [
        "calibration", "--probabilities", dir.appendingPathComponent("P.csv").path, "--labels",
        dir.appendingPathComponent("Y.csv").path, "--apply", out.path, "--figure", figure.path,
      ] + extra)
    #expect(run.status == 1)
    #expect(run.output.isEmpty)
    #expect(run.errors == "error: \(message)\n")
    #expect(!FileManager.default.fileExists(atPath: out.path))
    #expect(!FileManager.default.fileExists(atPath: figure.path))
  }

  @Test func usageErrorsAreOneLineWithStatusOne() throws {
    let dir = try directory(["P.csv": Self.good, "Y.csv": Self.goodLabels])
    let labels = dir.appendingPathComponent("Y.csv").path
    let neither = try ChapterRun.run("bdl", ["calibration", "--labels", labels])
    #expect(neither.status == 1)
    #expect(neither.errors == "error: Give exactly one of --probabilities and --logits.\n")
    #expect(neither.output.isEmpty)
    let badBins = try ChapterRun.run(
      "bdl",
      [
        "calibration", "--probabilities", dir.appendingPathComponent("P.csv").path, "--labels",
        labels, "--bins", "0",
      ])
    #expect(badBins.status == 1)
    #expect(badBins.errors == "error: --bins must be at least 1, not 0.\n")
    // A negative count is refused as a bad number, not taken for a missing value.
    let negativeBins = try ChapterRun.run(
      "bdl",
      [
        "calibration", "--probabilities", dir.appendingPathComponent("P.csv").path, "--labels",
        labels, "--bins", "-3",
      ])
    #expect(negativeBins.status == 1)
    #expect(negativeBins.errors.contains("--bins must be at least 1, not -3"))
    #expect(!negativeBins.errors.contains("Missing value"))
  }
}
