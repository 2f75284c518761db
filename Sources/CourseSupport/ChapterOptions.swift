import ArgumentParser
import Foundation

/// The command-line options every chapter accepts.
///
/// ```
/// swift run 01-bnn-definition --seed 7 --quick --figures /tmp/figs
/// ```
/// ``Chapter/start()`` reads them.
/// A bad flag or value prints a clear message and usage, and exits non-zero.
public struct ChapterOptions: ParsableArguments, Sendable {
  /// The seed of the chapter's ``Generator``; the same seed gives the same output.
  @Option(help: "Seed of the random generator (same seed, same output).")
  public var seed: UInt64 = 1

  /// Run with a small budget (fewer samples, epochs and grid points) that still
  /// exercises every code path; for tests and CI.
  @Flag(help: "Small budget for tests and CI; every code path still runs.")
  public var quick = false

  /// Where figures are written.
  @Option(help: "Directory for the figures (.gp scripts and .png images).")
  public var figures = "Figures"

  /// Where the run's values and claims are written (`timings.json` goes beside it); nil
  /// for `Chapters/<slug>/results.json`.
  @Option(
    help: "Where to write the run's values and claims (default: Chapters/<chapter>/results.json).")
  public var results: String?

  /// Creates the defaults (seed 1, full budget, `Figures/`).
  public init() {}

  /// Checks the values after parsing.
  public func validate() throws {
    if figures.isEmpty { throw ValidationError("--figures needs a directory name") }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: figures, isDirectory: &isDirectory),
      !isDirectory.boolValue
    {
      throw ValidationError(
        "--figures \(figures): a file of that name exists and is not a directory")
    }
  }

  /// Picks the full or the quick value of a budget.
  ///
  /// - Parameters:
  ///   - full: the value for a normal run.
  ///   - quick: the value under `--quick`.
  public func budget<T>(_ full: T, quick quickValue: T) -> T { quick ? quickValue : full }
}
