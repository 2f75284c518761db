import BayesianDL
import BayesianDLPlotting
import Foundation
import Weaving

/// One run of a chapter: its options, its figures, its name, and the values and claims it
/// records (`results.json`).
///
/// Every chapter begins with
/// ```swift
/// let chapter = Chapter.start()
/// ```
/// which reads the command line (`--seed`, `--quick`, `--figures`; a bad flag prints a
/// clear message and exits non-zero), applies ``ProcessTuning`` and prepares the figures
/// directory.
public final class Chapter {
  /// The chapter's slug, e.g. `08-laplace`: the name of its folder and executable, and
  /// the prefix of its figures.
  public let slug: String
  /// The command-line options of this run.
  public let options: ChapterOptions
  /// Saves the chapter's figures as `<figures>/<slug>-<name>.gp` and `.png`.
  public let figures: FigureWriter
  /// The values and claims recorded so far (see `Chapter+Results.swift`).
  public internal(set) var results: ChapterResults
  /// The values as the prose shows them, for filling in a failed claim's sentence.
  var shownValues = Weaver.Records()
  /// Measured times, for `timings.json`.
  var timings: [(name: String, seconds: Double)] = []
  /// When the run started.
  let started = ContinuousClock.now

  /// Creates a run of the chapter `slug` with `options`.
  ///
  /// - Parameters:
  ///   - slug: the chapter's slug.
  ///   - options: the parsed options.
  /// - Throws: ``FigureError`` if the figures directory cannot be made.
  public init(slug: String, options: ChapterOptions) throws {
    self.slug = slug
    self.options = options
    results = ChapterResults(
      chapter: slug, budget: options.quick ? "quick" : "full", seed: options.seed)
    figures = try FigureWriter(directory: options.figures, chapter: slug)
    // A figure's weave marker names the PNG, so that the page shows it under the code
    // that saved it.
    figures.willSave = { png, text, file, line in
      let figure = Weaver.FigureReference(
        file: png, altText: text.altText, caption: text.caption)
      Weaver.Marker.emit(file: file, line: line, figure: figure)
    }
  }

  /// Starts the chapter whose executable is running: parses the command line (exiting
  /// with a message on a bad flag; `--help` names the chapter by its title), applies
  /// ``ProcessTuning``, and prepares the figures directory (exiting with a message if it
  /// cannot be made).
  ///
  /// - Parameter source: the chapter's `main.swift` (filled in by the compiler), whose
  ///   `# ` title `--help` shows.
  public static func start(source: String = #filePath) -> Chapter {
    let slug = URL(fileURLWithPath: CommandLine.arguments[0]).lastPathComponent
    ChapterCommand.name = slug
    ChapterCommand.title = ChapterCommand.title(ofSourceAt: source) ?? slug
    let options = ChapterCommand.parseOrExit().options
    ProcessTuning.apply()
    return orExit("preparing the figures directory") {
      try Chapter(slug: slug, options: options)
    }
  }

  /// The seed of this run (`--seed`, default 1).
  public var seed: UInt64 { options.seed }

  /// Whether this run has the small budget of `--quick`.
  public var isQuick: Bool { options.quick }

  /// Picks the full or the quick value of a budget.
  ///
  /// - Parameters:
  ///   - full: the value for a normal run.
  ///   - quick: the value under `--quick`.
  public func budget<T>(_ full: T, quick: T) -> T { options.budget(full, quick: quick) }
}
