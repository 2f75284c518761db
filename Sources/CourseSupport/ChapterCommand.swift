import ArgumentParser
import Foundation

/// A chapter's command line: ``ChapterOptions`` under the chapter's own name, with its
/// title and what a run does in `--help`.
struct ChapterCommand: ParsableCommand {
  /// The executable's name (the chapter's slug), set before parsing.
  nonisolated(unsafe) static var name = "chapter"
  /// The chapter's title, set before parsing.
  nonisolated(unsafe) static var title = ""

  static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: name,
      abstract: title,
      discussion: """
        Runs the chapter: prints what its page shows, writes its figures (.gp scripts and \
        .png images) and its values and claims (Chapters/\(name)/results.json, timings.json \
        beside it). At the full budget a claim that does not hold fails the run. The page, \
        prose and output together, is Chapters/\(name)/README.md (make \(name.prefix { $0.isNumber }) \
        rewrites it). Run it from the repository's root.
        """)
  }

  @OptionGroup var options: ChapterOptions

  /// The text of the first `# ` heading in the chapter's source, e.g. "3. Bayes by
  /// Backprop", or nil if the source cannot be read (a moved build) or has none.
  ///
  /// - Parameter path: the chapter's `main.swift`.
  static func title(ofSourceAt path: String) -> String? {
    guard let source = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    for line in source.split(separator: "\n").prefix(20) {
      let trimmed = line.drop { $0 == " " }
      if trimmed.hasPrefix("# ") { return String(trimmed.dropFirst(2)) }
    }
    return nil
  }
}
