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
  // `.unconditional` takes the next argument even when it starts with a dash, so that
  // `--seed -1` is refused for what it is (not a seed) instead of as a missing value.
  @Option(
    parsing: .unconditional,
    help: "Seed of the random generator, a whole number from 0 (same seed, same output).")
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

  /// Checks the values after parsing, so that a run that could not write its figures or
  /// its results stops before any work rather than at the end.
  public func validate() throws {
    if figures.isEmpty { throw ValidationError("--figures needs a directory name") }
    if let problem = Self.problemWriting(directory: figures) {
      throw ValidationError("--figures \(figures): \(problem)")
    }
    if let results {
      let folder = URL(fileURLWithPath: results).deletingLastPathComponent().path
      if let problem = Self.problemWriting(directory: folder) {
        throw ValidationError("--results \(results): its folder \(folder): \(problem)")
      }
    }
  }

  /// Why files cannot be written in `directory` (or in the nearest existing folder above
  /// it, where it would be created), or nil if they can.
  static func problemWriting(directory: String) -> String? {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    if manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
      if !isDirectory.boolValue { return "a file of that name exists and is not a directory" }
      return manager.isWritableFile(atPath: directory) ? nil : "the directory is not writable"
    }
    // Missing: it will be created inside the nearest folder that exists.
    var parent = URL(fileURLWithPath: directory).standardizedFileURL
    while !manager.fileExists(atPath: parent.path, isDirectory: &isDirectory) {
      parent.deleteLastPathComponent()
    }
    guard isDirectory.boolValue else {
      return "cannot be created: \(parent.path) is a file, not a directory"
    }
    return manager.isWritableFile(atPath: parent.path)
      ? nil : "cannot be created: \(parent.path) is not writable"
  }

  /// Picks the full or the quick value of a budget.
  ///
  /// - Parameters:
  ///   - full: the value for a normal run.
  ///   - quick: the value under `--quick`.
  public func budget<T>(_ full: T, quick quickValue: T) -> T { quick ? quickValue : full }
}
