import ArgumentParser
import Weaving
import Foundation

/// `weave log`: writes a chapter's page from its source and output captured earlier.
struct FromLog: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "log",
    abstract: "Weave a chapter's page from its source and output captured earlier.",
    discussion: """
      The output must come from a run with BDL_WEAVE_MARKERS=1 in the environment.
      """)

  @Argument(help: "The chapter's source, e.g. Chapters/01-bnn-definition/main.swift.")
  var source: String

  @Argument(help: "The chapter's standard output ('-' to read standard input).")
  var log: String

  @Option(help: "The chapter's name (default: the folder of the source).")
  var chapter: String?

  @Option(
    parsing: .upToNextOption,
    help: "The arguments the chapter ran with, other than --figures, for the page's header.")
  var arguments: [String] = []

  @OptionGroup var page: PageOptions

  func run() throws {
    let sourceText = try PageOptions.read(source, as: "source")
    let chapter =
      chapter
      ?? URL(fileURLWithPath: source).standardizedFileURL.deletingLastPathComponent()
      .lastPathComponent
    try page.write(
      page.weaver(chapter: chapter, source: source, arguments: arguments), source: source,
      sourceText: sourceText, log: try readLog())
  }

  private func readLog() throws -> String {
    if log == "-" {
      return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
    return try PageOptions.read(log, as: "log")
  }
}
