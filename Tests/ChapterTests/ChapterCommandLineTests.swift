import Foundation
import TestSupport
import Testing

/// The command line every chapter shares (`Chapter.start()`), tried on chapter 2, the
/// quickest: `--help` names the chapter, bad values get a message that says what is
/// wrong, and a run that could not write its figures or results stops before any work.
@Suite("The chapters' command line")
struct ChapterCommandLineTests {
  static let chapter = "02-mean-field-elbo"

  /// A path inside a regular file: it can never be created.
  static func pathInsideAFile() throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "a-file-\(UUID().uuidString)")
    try Data("x".utf8).write(to: file)
    return file.appendingPathComponent("inside").path
  }

  @Test func helpNamesTheChapterByTheTitleOfItsSource() throws {
    let source = try String(
      contentsOf: Repository.root.appendingPathComponent("Chapters/\(Self.chapter)/main.swift"),
      encoding: .utf8)
    let heading = try #require(source.split(separator: "\n").first { $0.hasPrefix(" # ") })
    let run = try ChapterRun.run(Self.chapter, ["--help"])
    #expect(run.status == 0)
    #expect(run.output.contains(heading.dropFirst(3)))
    #expect(run.output.contains("USAGE: \(Self.chapter)"))
    #expect(run.output.contains("results.json"))
  }

  @Test func aNegativeSeedIsRefusedAsNotASeed() throws {
    let run = try ChapterRun.run(Self.chapter, ["--seed", "-1", "--quick"])
    #expect(run.status == 64)
    #expect(run.errors.contains("-1") && run.errors.contains("--seed"))
    #expect(!run.errors.contains("Missing value"))
  }

  @Test func figuresOrResultsThatCannotBeWrittenStopTheRunBeforeAnyWork() throws {
    let figures = try ChapterRun.run(
      Self.chapter, ["--quick", "--figures", try Self.pathInsideAFile()])
    #expect(figures.status == 64)
    #expect(figures.errors.contains("--figures") && figures.errors.contains("not a directory"))
    #expect(figures.output.isEmpty)
    let results = try ChapterRun.run(
      Self.chapter, ["--quick", "--results", try Self.pathInsideAFile() + "/results.json"])
    #expect(results.status == 64)
    #expect(results.errors.contains("--results"))
    #expect(results.output.isEmpty)
  }
}
