import ArgumentParser
import Weaving
import Foundation

/// `weave run`: runs a chapter with weave markers on and writes its page.
struct RunChapter: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a chapter with weave markers on and write its page.")

  @Argument(help: "The chapter, e.g. 01-bnn-definition.")
  var chapter: String

  @Flag(help: "Run the chapter with --quick (small budgets; the page says so).")
  var quick = false

  @Flag(help: "Show the chapter's output (without markers) as it runs.")
  var echo = false

  @Option(help: "The chapter's source (default: Chapters/<chapter>/main.swift).")
  var source: String?

  @Option(help: "The chapter's executable (default: the one built beside this tool).")
  var executable: String?

  @OptionGroup var page: PageOptions

  func run() throws {
    let sourcePath = source ?? "Chapters/\(chapter)/main.swift"
    let sourceText = try PageOptions.read(
      sourcePath, as: "source",
      hint: source == nil ? " (is \(chapter) a chapter? run weave from the repository's root)" : "")
    let arguments = quick ? ["--quick"] : []
    // A page written elsewhere than beside the source (or to standard output) leaves the
    // committed results.json alone: the run's records go beside the figures instead.
    var records = [String]()
    if let output = page.output {
      let name = output == "-" ? "\(chapter)-results.json" : "\(chapter).results.json"
      let directory =
        output == "-"
        ? URL(fileURLWithPath: page.figures)
        : URL(fileURLWithPath: output).deletingLastPathComponent()
      records = ["--results", directory.appendingPathComponent(name).path]
    }
    let log = try ChapterProcess.run(
      chapter, executable: try executableURL(),
      arguments: ["--figures", page.figures] + records + arguments, echo: echo)
    try page.write(
      page.weaver(chapter: chapter, source: sourcePath, arguments: arguments), source: sourcePath,
      sourceText: sourceText, log: log)
  }

  /// `--executable`, or the chapter's executable in the directory this tool was built to.
  private func executableURL() throws -> URL {
    let url =
      executable.map { URL(fileURLWithPath: $0) }
      ?? (Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent()
      ?? URL(fileURLWithPath: ".build/release")).appendingPathComponent(chapter)
    guard FileManager.default.isExecutableFile(atPath: url.path) else {
      throw WeaveFailure(
        "no executable \(url.path) for chapter \(chapter): build it first "
          + "(swift build -c release) or pass --executable")
    }
    return url
  }
}
