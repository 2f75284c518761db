import Foundation

/// Why a split file could not be read: the file, the line (1-based; 0 for the file as a
/// whole) and what is wrong.
public struct SplitFileError: Error, Equatable, CustomStringConvertible {
  /// The file.
  public let path: String
  /// The line, 1-based, or 0 when the problem is the file as a whole.
  public let line: Int
  /// What is wrong, as a phrase.
  public let reason: String

  /// `path:line: reason`.
  public var description: String { line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)" }
}

/// The fixed train/test splits of a benchmark (the 20 random 90/10 splits of the UCI
/// regression protocol of Hernández-Lobato & Adams 2015 and Gal & Ghahramani 2016), so
/// that results can be held against published ones split by split.
public enum BenchmarkSplits {
  /// Reads a split file: lines `train K: i j …` and `test K: i j …` of 0-based row
  /// indices, for K = 0, 1, …; lines starting with `#` and blank lines are ignored.
  ///
  /// Every split must have one train and one test line, its indices must be integers in
  /// `0..<rows`, each at most once, and train and test must be disjoint.
  ///
  /// - Parameters:
  ///   - path: the file.
  ///   - rows: the number of rows of the data set the indices point into.
  /// - Returns: the splits in order of K.
  /// - Throws: ``SplitFileError`` naming the line of the first problem.
  public static func read(path: String, rows: Int) throws -> [(train: [Int], test: [Int])] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SplitFileError(path: path, line: 0, reason: "cannot read the file")
    }
    return try parse(String(decoding: data, as: UTF8.self), path: path, rows: rows)
  }

  /// ``read(path:rows:)`` on text already in memory.
  ///
  /// - Parameters:
  ///   - text: the file's contents.
  ///   - path: the name used in errors.
  ///   - rows: the number of rows of the data set.
  public static func parse(_ text: String, path: String, rows: Int) throws -> [(
    train: [Int], test: [Int]
  )] {
    var train = [Int: [Int]]()
    var test = [Int: [Int]]()
    var lineOf = [Int: Int]()
    for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    {
      let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty || line.hasPrefix("#") { continue }
      func fail(_ reason: String) -> SplitFileError {
        SplitFileError(path: path, line: number + 1, reason: reason)
      }
      let parts = line.split(separator: ":", maxSplits: 1)
      let head = parts[0].split(separator: " ")
      guard parts.count == 2, head.count == 2, head[0] == "train" || head[0] == "test",
        let k = Int(head[1]), k >= 0
      else { throw fail("expected 'train K: …' or 'test K: …'") }
      var indices = [Int]()
      var seen = Set<Int>()
      for field in parts[1].split(separator: " ") {
        guard let i = Int(field), (0..<rows).contains(i) else {
          throw fail("'\(field)' is not a row index in 0..<\(rows)")
        }
        guard seen.insert(i).inserted else { throw fail("row \(i) appears twice") }
        indices.append(i)
      }
      guard !indices.isEmpty else { throw fail("no indices") }
      if head[0] == "train" {
        guard train[k] == nil else { throw fail("a second train line for split \(k)") }
        train[k] = indices
      } else {
        guard test[k] == nil else { throw fail("a second test line for split \(k)") }
        test[k] = indices
      }
      lineOf[k] = number + 1
      if let a = train[k], let b = test[k], !Set(a).isDisjoint(with: b) {
        throw fail("split \(k): train and test share rows")
      }
    }
    let count = Set(train.keys).union(test.keys).count
    guard count > 0 else { throw SplitFileError(path: path, line: 0, reason: "no splits") }
    return try (0..<count).map { k in
      guard let a = train[k], let b = test[k] else {
        throw SplitFileError(
          path: path, line: lineOf[k] ?? 0,
          reason:
            "split \(k) needs both a train and a test line (splits must be numbered 0…\(count - 1))"
        )
      }
      return (a, b)
    }
  }
}
