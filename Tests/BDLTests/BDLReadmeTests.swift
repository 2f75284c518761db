import Foundation
import TestSupport
import Testing

@testable import BayesianDLPlotting

/// The README's `bdl` examples are true by construction: every `$ …` line in a code block
/// of the `bdl` section is run (through `sh`, in a copy of `Examples/bdl`, with the built
/// `bdl` first on the PATH, standard error merged into standard output, in the README's
/// order so that a file one command writes is there for the next), and what it prints
/// must be exactly what the README shows below it. Only two things are excepted: an
/// absolute path (the copy's folder is shown as `.`), and a last line `…`, which stands for
/// the rest of the output. Trailing blank lines are ignored.
@Suite struct BDLReadmeTests {
  /// One `$ command` and the output the README shows for it.
  struct Example: CustomStringConvertible {
    let command: String
    let expected: [String]
    var description: String { command }
  }

  /// The `bdl` section of the README: from its heading to the next `## ` heading.
  static func section() throws -> String {
    let readme = try String(contentsOf: Repository.url("README.md"), encoding: .utf8)
    let start = try #require(readme.range(of: "\n## `bdl`"))
    let rest = readme[start.upperBound...]
    let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
    return String(rest[..<end])
  }

  /// The examples of every fenced block whose lines start with `$ `, in order; a line
  /// holding two commands side by side (`$ cat P.csv   $ cat Y.csv`) is returned with
  /// `sideBySide`.
  static func examples(in section: String) -> (runs: [Example], sideBySide: [Example]) {
    var (runs, sideBySide) = ([Example](), [Example]())
    var inBlock = false
    var current: (String, [String])?
    var block = [(String, [String])]()
    func flush() {
      if let c = current { block.append(c) }
      current = nil
    }
    for line in section.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if line.hasPrefix("```") {
        if inBlock {
          flush()
          for (command, output) in block {
            var lines = output
            while lines.last?.isEmpty == true { lines.removeLast() }
            let example = Example(command: command, expected: lines)
            if command.contains("   $ ") {
              sideBySide.append(example)
            } else {
              runs.append(example)
            }
          }
          block = []
        }
        inBlock.toggle()
        continue
      }
      guard inBlock else { continue }
      if line.hasPrefix("$ ") {
        flush()
        current = (String(line.dropFirst(2)), [])
      } else if current != nil {
        current!.1.append(line)
      }
    }
    return (runs, sideBySide)
  }

  /// The folder of the built `bdl` (found as ``ChapterRun`` finds the chapters).
  static func toolDirectory() throws -> URL {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent()
    while !FileManager.default.isExecutableFile(
      atPath: directory.appendingPathComponent("bdl").path),
      directory.path != "/"
    {
      directory = directory.deletingLastPathComponent()
    }
    try #require(directory.path != "/", "bdl not found near the test binary")
    return directory
  }

  /// A fresh copy of `Examples/bdl`.
  static func examplesCopy() throws -> URL {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bdl-readme-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: Repository.url("Examples/bdl"), to: copy)
    return copy
  }

  /// Runs `command` with `sh` in `directory`; returns its merged output as lines.
  static func run(_ command: String, in directory: URL, tools: URL) throws -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command + " 2>&1"]
    process.currentDirectoryURL = directory
    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] = tools.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    var lines = String(decoding: data, as: UTF8.self)
      .replacingOccurrences(of: directory.path, with: ".")
      .replacingOccurrences(of: directory.resolvingSymlinksInPath().path, with: ".")
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    while lines.last?.isEmpty == true { lines.removeLast() }
    return lines
  }

  @Test func everyExampleInTheReadmePrintsWhatTheReadmeShows() throws {
    let (runs, _) = Self.examples(in: try Self.section())
    // The section's examples: both workflows of issue 20, errors, the bootstrap.
    #expect(runs.count >= 12, "only \(runs.count) examples found")
    #expect(runs.contains { $0.command.hasPrefix("bdl temperature --logits VAL.csv") })
    #expect(runs.contains { $0.command.contains("--logits TEST.csv --temperature") })
    #expect(
      runs.contains { $0.command.hasPrefix("bdl regression") && $0.command.contains("--figure") })
    #expect(runs.contains { $0.command.contains("--bootstrap") })
    let directory = try Self.examplesCopy()
    defer { try? FileManager.default.removeItem(at: directory) }
    let tools = try Self.toolDirectory()
    let gnuplot = FigureWriter.findExecutable("gnuplot") != nil
    var printed = [String]()
    for example in runs {
      var actual = try Self.run(example.command, in: directory, tools: tools)
      var expected = example.expected
      if !gnuplot && example.command.contains("--figure") {
        // Without gnuplot only the script is written and a note says so: compare the rest.
        actual = actual.filter { !$0.hasPrefix("note:") && !$0.hasPrefix("figure") }
        expected = expected.filter { !$0.hasPrefix("figure") }
      }
      if expected.last == "…" {
        expected.removeLast()
        actual = Array(actual.prefix(expected.count))
      }
      #expect(
        actual == expected,
        """
        $ \(example.command)
        README shows:
        \(expected.joined(separator: "\n"))
        bdl prints:
        \(actual.joined(separator: "\n"))
        """)
      // A temperature typed into a later command is one an earlier command printed.
      if let range = example.command.range(of: "--temperature ") {
        let value = example.command[range.upperBound...].split(separator: " ").first ?? ""
        #expect(
          printed.contains { $0.hasPrefix("temperature") && $0.contains("= \(value) ") },
          "--temperature \(value) was not printed by an earlier example")
      }
      printed += actual
    }
  }

  @Test func theFilesShownSideBySideAreTheCommittedOnes() throws {
    let (_, sideBySide) = Self.examples(in: try Self.section())
    #expect(!sideBySide.isEmpty)
    for example in sideBySide {
      // "cat A   $ cat B": the left column is A, the right column is B.
      let names = example.command.components(separatedBy: "$ ").map {
        $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "cat ", with: "")
      }
      try #require(names.count == 2, "\(example.command)")
      let column =
        try #require(example.command.range(of: "$ ")).lowerBound.utf16Offset(
          in: example.command) + 2
      let files = try names.map {
        try String(contentsOf: Repository.url("Examples/bdl/\($0)"), encoding: .utf8)
          .split(separator: "\n").map(String.init)
      }
      let left = example.expected.map {
        String($0.prefix(column)).trimmingCharacters(in: .whitespaces)
      }
      let right = example.expected.map {
        String($0.dropFirst(column)).trimmingCharacters(in: .whitespaces)
      }
      #expect(left.filter { !$0.isEmpty } == files[0])
      #expect(right.filter { !$0.isEmpty } == files[1])
    }
  }

  @Test func theCommittedFiguresAreTheOnesTheExamplesDraw() throws {
    // The README shows the figures committed in Examples/bdl; their gnuplot scripts (which
    // hold the data) must be what the examples write now.
    let (runs, _) = Self.examples(in: try Self.section())
    let directory = try Self.examplesCopy()
    defer { try? FileManager.default.removeItem(at: directory) }
    for name in ["reliability.gp", "calibration.gp"] {
      try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
    }
    let tools = try Self.toolDirectory()
    for example in runs where example.command.contains("--figure") {
      _ = try Self.run(example.command, in: directory, tools: tools)
    }
    for name in ["reliability.gp", "calibration.gp"] {
      let written = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
      let committed = try String(
        contentsOf: Repository.url("Examples/bdl/\(name)"), encoding: .utf8)
      #expect(written == committed, "\(name) differs from what the example writes")
    }
  }
}
