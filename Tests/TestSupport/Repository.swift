import Foundation

/// Where the repository's files are, for tests that read the data, the fixtures, the
/// chapters' sources and their pages.
public enum Repository {
  /// The repository's root folder (this file is `Tests/TestSupport/Repository.swift`).
  public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The URL of `path`, relative to the root.
  ///
  /// - Parameter path: e.g. `Data/mcycle.csv`.
  public static func url(_ path: String) -> URL { root.appendingPathComponent(path) }
}
