import Foundation
import TestSupport
import Testing

/// The practitioner's workflows of `bdl`: regression scores against Uncertainty Toolbox,
/// temperature fitted on one file and applied to another, and every input form against
/// the plain CSV it stands for.
@Suite("bdl workflows")
struct BDLWorkflowTests {
  /// A fresh folder holding `files`.
  func folder(_ files: [String: String]) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bdl-workflow-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    for (name, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(name)) }
    return url
  }

  /// The JSON object a successful run printed.
  func object(_ run: ChapterRun) throws -> [String: Any] {
    #expect(run.status == 0, "stderr: \(run.errors)")
    return try #require(
      try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
  }

  /// Numbers of two JSON objects, equal to the last bit (the same computation).
  func expectSameNumbers(_ a: [String: Any], _ b: [String: Any], _ note: String) {
    #expect(a.keys.sorted() == b.keys.sorted(), "\(note)")
    for (key, value) in a {
      #expect((value as? Double) == (b[key] as? Double), "\(note): \(key)")
    }
  }

  @Test func regressionScoresAgreeWithUncertaintyToolbox() throws {
    let folder = "Tests/Fixtures/uncertainty-toolbox/"
    let run = try ChapterRun.run(
      "bdl",
      ["regression", "--predictions", Repository.url(folder + "predictions.csv").path, "--json"])
    let ours = try object(run)
    let data = try Data(contentsOf: Repository.url(folder + "reference.json"))
    let reference = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    for name in [
      "rmse", "nll", "crps", "sharpness", "mace", "rmsce", "miscalibration_area", "coverage_50",
      "coverage_90", "coverage_95",
    ] {
      let (a, b) = (try #require(ours[name] as? Double), try #require(reference[name] as? Double))
      #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(name): \(a) vs \(b)")
    }
    #expect(ours["count"] as? Int == 500)
  }

  @Test func regressionInputErrorsNameTheFileAndLine() throws {
    let dir = try folder([
      "no-header.csv": "0,1,0\n", "no-std.csv": "mean,target\n0,1\n",
      "zero.csv": "target,mean,std\n1,0,1\n1,0,0\n",
    ])
    for (file, message) in [
      ("no-header.csv", "no-header.csv:1: no header row"),
      ("no-std.csv", "no-std.csv:1: no column named std"),
      ("zero.csv", "zero.csv:3: the std 0.0 is not positive"),
    ] {
      let run = try ChapterRun.run(
        "bdl", ["regression", "--predictions", dir.appendingPathComponent(file).path])
      #expect(run.status == 1)
      #expect(run.errors.contains(message), "\(run.errors)")
    }
  }

  @Test func aTemperatureFittedOnOneFileScoresAnother() throws {
    let dir = try folder([
      "val.csv": "2,0.1,-1\n0.5,0.4,0.3\n3,-1,0\n-1,2,0.5\n",
      "val-y.csv": "0\n2\n1\n1\n",
      "test.csv": "1,2,3\n-2,0,1\n",
      "test-y.csv": "2\n0\n",
    ])
    let path = { (name: String) in dir.appendingPathComponent(name).path }
    let fit = try object(
      try ChapterRun.run(
        "bdl",
        ["temperature", "--logits", path("val.csv"), "--labels", path("val-y.csv"), "--json"]))
    let t = try #require(fit["temperature"] as? Double)
    // The exact minimiser of the validation NLL: an independent search on a fine grid.
    let z: [[Double]] = [[2, 0.1, -1], [0.5, 0.4, 0.3], [3, -1, 0], [-1, 2, 0.5]]
    let y = [0, 2, 1, 1]
    func nll(_ temperature: Double) -> Double {
      zip(z, y).map { row, label in
        let scaled = row.map { $0 / temperature }
        let top = scaled.max()!
        return -(scaled[label] - top - log(scaled.map { exp($0 - top) }.reduce(0, +)))
      }.reduce(0, +) / Double(y.count)
    }
    var (low, high) = (1e-3, 1e3)
    for _ in 0..<300 {
      let (a, b) = (low + (high - low) / 3, high - (high - low) / 3)
      if nll(a) < nll(b) { high = b } else { low = a }
    }
    #expect(abs(t - (low + high) / 2) <= 1e-6 * t, "fitted \(t), search \((low + high) / 2)")
    // Applied to the test logits: the same scores as the probabilities it writes.
    let applied = path("test-p.csv")
    let scored = try object(
      try ChapterRun.run(
        "bdl",
        [
          "calibration", "--logits", path("test.csv"), "--temperature", String(t), "--labels",
          path("test-y.csv"), "--apply", applied, "--json",
        ]))
    let fromFile = try object(
      try ChapterRun.run(
        "bdl",
        ["calibration", "--probabilities", applied, "--labels", path("test-y.csv"), "--json"]))
    expectSameNumbers(scored, fromFile, "softmax(z / T) scored directly and through --apply")
    let firstRow = try String(contentsOfFile: applied, encoding: .utf8).split(separator: "\n")[0]
      .split(separator: ",").map { Double($0)! }
    let expected = [1.0, 2, 3].map { exp($0 / t) }
    let total = expected.reduce(0, +)
    for (a, b) in zip(firstRow, expected.map { $0 / total }) { #expect(abs(a - b) < 1e-15) }
    // --temperature without logits is a usage error.
    let wrong = try ChapterRun.run(
      "bdl",
      [
        "calibration", "--probabilities", applied, "--temperature", "2", "--labels",
        path("test-y.csv"),
      ])
    #expect(wrong.status == 1)
  }

  @Test func everyInputFormGivesThePlainFilesNumbers() throws {
    let plain = "0.7,0.2,0.1\n0.1,0.6,0.3\n0.25,0.25,0.5\n"
    let labels = "0\n2\n2\n"
    let dir = try folder([
      "plain.csv": plain, "y.csv": labels,
      "header.csv": "cat,dog,fish\n" + plain,
      "index.csv": "id,cat,dog,fish\n"
        + plain.split(separator: "\n").enumerated()
        .map { "\($0.offset),\($0.element)\n" }.joined(),
      "tabs.tsv": plain.replacingOccurrences(of: ",", with: "\t"),
      "rounded.csv": "0.70,0.20,0.09\n0.10,0.60,0.30\n0.25,0.25,0.50\n",
      "renormalised.csv": Self.divideRowsBySums("0.70,0.20,0.09\n0.10,0.60,0.30\n0.25,0.25,0.50\n"),
      "binary1.csv": "0.8\n0.3\n0.55\n",
      "binary2.csv": "0.19999999999999996,0.8\n0.7,0.3\n0.44999999999999996,0.55\n",
      "yb.csv": "1\n0\n0\n",
    ])
    let path = { (name: String) in dir.appendingPathComponent(name).path }
    func scores(_ arguments: [String], input: Data? = nil) throws -> [String: Any] {
      try object(try ChapterRun.run("bdl", ["calibration", "--json"] + arguments, input: input))
    }
    let reference = try scores(["--probabilities", path("plain.csv"), "--labels", path("y.csv")])
    expectSameNumbers(
      try scores(["--probabilities", path("header.csv"), "--labels", path("y.csv")]), reference,
      "a recognised header row")
    expectSameNumbers(
      try scores(["--probabilities", path("header.csv"), "--header", "--labels", path("y.csv")]),
      reference, "--header")
    expectSameNumbers(
      try scores([
        "--probabilities", path("index.csv"), "--index-column", "--labels", path("y.csv"),
      ]), reference, "an index column")
    expectSameNumbers(
      try scores(["--probabilities", path("tabs.tsv"), "--labels", path("y.csv")]), reference,
      "a .tsv file")
    expectSameNumbers(
      try scores(
        ["--probabilities", "-", "--labels", path("y.csv")], input: Data(plain.utf8)),
      reference, "standard input")
    expectSameNumbers(
      try scores([
        "--probabilities", path("rounded.csv"), "--renormalise", "--labels", path("y.csv"),
      ]),
      try scores(["--probabilities", path("renormalised.csv"), "--labels", path("y.csv")]),
      "--renormalise")
    expectSameNumbers(
      try scores(["--probabilities", path("binary1.csv"), "--labels", path("yb.csv")]),
      try scores(["--probabilities", path("binary2.csv"), "--labels", path("yb.csv")]),
      "one column of positive-class probabilities")
    // Rounded probabilities: the error names --renormalise and never suggests --logits
    // for them (softmaxing probabilities gives wrong numbers).
    let rounded = try ChapterRun.run(
      "bdl", ["calibration", "--probabilities", path("rounded.csv"), "--labels", path("y.csv")])
    #expect(rounded.status == 1)
    #expect(rounded.errors.contains("rounded.csv:1:") && rounded.errors.contains("--renormalise"))
  }

  /// Each row divided by its sum, summed left to right as `bdl` sums it, written in the
  /// shortest form that reads back to the same double.
  static func divideRowsBySums(_ text: String) -> String {
    text.split(separator: "\n").map { line in
      let row = line.split(separator: ",").map { Double($0)! }
      let total = row.reduce(0, +)
      return row.map { ($0 / total).description }.joined(separator: ",")
    }.joined(separator: "\n") + "\n"
  }

  @Test func versionIsPrinted() throws {
    let run = try ChapterRun.run("bdl", ["--version"])
    #expect(run.status == 0)
    #expect(
      run.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
  }
}
