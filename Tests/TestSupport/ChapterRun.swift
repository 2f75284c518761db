import Foundation
import Testing

/// Runs a chapter executable built next to the test bundle and captures what it printed.
public struct ChapterRun: Sendable {
  /// The exit status.
  public let status: Int32
  /// Standard output.
  public let output: String
  /// Standard error.
  public let errors: String

  /// Runs `chapter` with `arguments`.
  ///
  /// The executables are built by `swift test` (the test target depends on them) into the
  /// same directory as the test bundle.
  ///
  /// - Parameters:
  ///   - chapter: the executable's name.
  ///   - arguments: its command-line arguments.
  ///   - path: if set, the PATH the chapter sees (e.g. one without gnuplot).
  ///   - environment: variables to set for the chapter on top of the test's own (e.g.
  ///     `BDL_WEAVE_MARKERS=1`).
  ///   - input: what the program reads on standard input, if anything.
  public static func run(
    _ chapter: String, _ arguments: [String], path: String? = nil,
    environment extra: [String: String] = [:], input: Data? = nil
  ) throws -> ChapterRun {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = testBinary.deletingLastPathComponent()
    // On Linux the bundle is the executable itself; on macOS it is …/X.xctest/Contents/MacOS/X.
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent(chapter).path),
      directory.path != "/"
    {
      directory = directory.deletingLastPathComponent()
    }
    let executable = directory.appendingPathComponent(chapter)
    try #require(
      FileManager.default.isExecutableFile(atPath: executable.path),
      "chapter executable \(chapter) not found near \(testBinary.path)")
    var arguments = arguments
    // A chapter run by a test never overwrites the committed Chapters/NN-slug/results.json.
    if chapter.first?.isNumber == true, !arguments.contains("--results") {
      let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
        "\(chapter)-results-\(UUID().uuidString)")
      arguments += ["--results", scratch.appendingPathComponent("results.json").path]
    }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    // Chapters read `Data/…` relative to the repository root, as a learner runs them.
    process.currentDirectoryURL = Repository.root
    if path != nil || !extra.isEmpty {
      var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
      if let path { environment["PATH"] = path }
      process.environment = environment
    }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let stdin = Pipe()
    process.standardInput = input == nil ? FileHandle.nullDevice : stdin
    try process.run()
    if let input {
      // Written on another thread, so that a program that prints before it has read
      // everything cannot block on a full output pipe.
      let writer = Thread {
        stdin.fileHandleForWriting.write(input)
        try? stdin.fileHandleForWriting.close()
      }
      writer.start()
    }
    // Read both pipes to the end before waiting, so a full pipe cannot block the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ChapterRun(
      status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
      errors: String(decoding: errData, as: UTF8.self))
  }

  /// Runs `chapter --quick` with figures into a new temporary directory.
  ///
  /// - Parameter chapter: the executable's name.
  public static func quick(_ chapter: String) -> Result<(run: ChapterRun, figures: URL), Error> {
    withFigures(chapter, ["--quick"])
  }

  /// Runs `chapter` at its full budget (for claims that only a fully trained model
  /// makes; the core is optimised even in debug builds, so this takes seconds).
  ///
  /// - Parameter chapter: the executable's name.
  public static func full(_ chapter: String) -> Result<(run: ChapterRun, figures: URL), Error> {
    withFigures(chapter, [])
  }

  /// Runs `chapter` with `arguments` and figures into a new temporary directory, where
  /// its `results.json` goes too.
  ///
  /// - Parameters:
  ///   - chapter: the executable's name.
  ///   - arguments: its command-line arguments, other than `--figures`.
  ///   - environment: variables to set for the chapter on top of the test's own.
  public static func withFigures(
    _ chapter: String, _ arguments: [String], environment: [String: String] = [:]
  ) -> Result<(run: ChapterRun, figures: URL), Error> {
    Result {
      let figures = FileManager.default.temporaryDirectory.appendingPathComponent(
        "\(chapter)-\(UUID().uuidString)")
      let results = figures.appendingPathComponent("results.json")
      return (
        try run(
          chapter, arguments + ["--figures", figures.path, "--results", results.path],
          environment: environment),
        figures
      )
    }
  }

  /// Expects a successful run that wrote `chapter-name.gp` for every name (and a PNG when
  /// gnuplot is installed).
  ///
  /// - Parameters:
  ///   - chapter: the chapter's slug, the prefix of its figure files.
  ///   - names: the figures' short names.
  ///   - figures: the directory the run wrote to.
  public func expectSuccess(_ chapter: String, figures names: [String], in figures: URL) throws {
    #expect(status == 0, "stderr: \(errors)")
    let gnuplotInstalled = [
      "/usr/bin/gnuplot", "/usr/local/bin/gnuplot", "/opt/homebrew/bin/gnuplot",
    ]
    .contains { FileManager.default.isExecutableFile(atPath: $0) }
    for name in names {
      let base = figures.appendingPathComponent("\(chapter)-\(name)")
      #expect(FileManager.default.fileExists(atPath: base.path + ".gp"), "\(name).gp missing")
      if gnuplotInstalled {
        let png = try Data(contentsOf: URL(fileURLWithPath: base.path + ".png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name).png is not a PNG")
      }
    }
  }

  /// The `results.json` of a run made by ``withFigures(_:_:environment:)``, which wrote
  /// it into its figures directory.
  ///
  /// - Parameter figures: the run's figures directory.
  public static func results(in figures: URL) throws -> RecordedResults {
    try RecordedResults(contentsOf: figures.appendingPathComponent("results.json"))
  }

  /// The `timings.json` beside a run's `results.json`: seconds by what was timed.
  ///
  /// - Parameter figures: the run's figures directory.
  public static func timings(in figures: URL) throws -> [String: Double] {
    let data = try Data(contentsOf: figures.appendingPathComponent("timings.json"))
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    let seconds = try #require(object?["seconds"] as? [String: Any])
    return seconds.compactMapValues { ($0 as? NSNumber)?.doubleValue }
  }

  /// The number printed as `name = value` (the first such line whose name matches), for
  /// testing a tool's text report (`bdl`); chapters are tested on their results.json.
  public func value(_ name: String) throws -> Double {
    // Names may contain " = " themselves ("ratio S = 1 over S = 4"), so match the whole
    // name first and read the value after the padding and the "=" that follow it.
    for line in output.split(separator: "\n") {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard trimmed.hasPrefix(name) else { continue }
      let rest = trimmed.dropFirst(name.count).drop { $0 == " " }
      guard rest.first == "=" else { continue }
      let text =
        rest.dropFirst().trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(
          String.init)
        ?? ""
      return try #require(Double(text), "\(name) = \(rest) is not a number")
    }
    Issue.record("no line '\(name) = …' in the output")
    throw CancellationError()
  }

  /// The rows of the aligned table whose header starts with `firstHeader`, as cells, for
  /// testing a tool's text report (`bdl`).
  public func table(startingWith firstHeader: String) -> [[String]] {
    let lines = output.split(separator: "\n").map(String.init)
    guard
      let header = lines.firstIndex(where: {
        $0.trimmingCharacters(in: .whitespaces).hasPrefix(firstHeader + " ")
      })
    else { return [] }
    var rows = [[String]]()
    for line in lines[(header + 2)...] {
      let cells = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      // A table ends at a blank line, a section heading or a `name = value` line.
      if cells.isEmpty || line.hasPrefix("==") || line.contains(" = ") { break }
      rows.append(cells)
    }
    return rows
  }
}
