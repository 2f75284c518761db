import Foundation

/// The run times a Markdown page quotes (the README's course map), filled in from each
/// chapter's `timings.json` instead of typed by hand.
///
/// A time stands between two HTML comments, which GitHub does not show:
/// `<!-- run time: 01-bnn-definition -->2.4 s<!-- /run time -->`. Filling rewrites what
/// is between them with the chapter's `total` from its last run.
public enum RunTimes {
  /// The opening comment of a time, before the chapter's name.
  static let opening = "<!-- run time: "
  /// The closing comment of a time.
  static let closing = "<!-- /run time -->"
  /// The name that stands for all the chapters together, `<!-- run time: all -->`: the time
  /// `make` took for them, or the sum of their times.
  public static let allChapters = "all"

  /// Why a page's run times cannot be filled in.
  public enum Failure: Error, Equatable, CustomStringConvertible {
    /// An opening comment on this line has no ` -->` or no closing comment after it.
    case unclosed(line: Int)
    /// The page asks for a chapter that has no total time.
    case noTime(chapter: String, line: Int)

    /// A sentence for the reader.
    public var description: String {
      switch self {
      case .unclosed(let line):
        return
          "line \(line): a \"\(RunTimes.opening)…\" comment is not closed by \"\(RunTimes.closing)\""
      case .noTime(let chapter, let line):
        return "line \(line): no total time for \(chapter) (run it first: make)"
      }
    }
  }

  /// `text` with every marked time replaced by the chapter's total, e.g. `2.4 s`.
  ///
  /// - Parameters:
  ///   - text: the page.
  ///   - totals: seconds by chapter, e.g. `["01-bnn-definition": 2.43]`.
  /// - Returns: the page, unchanged outside the marked times.
  /// - Throws: ``Failure`` for an unclosed mark or a chapter without a time.
  public static func filling(_ text: String, totals: [String: Double]) throws(Failure) -> String {
    var result = ""
    var rest = Substring(text)
    while let start = rest.range(of: opening) {
      result += rest[..<start.upperBound]
      let line = (result.split(separator: "\n", omittingEmptySubsequences: false).count)
      rest = rest[start.upperBound...]
      guard let nameEnd = rest.range(of: " -->"), let end = rest.range(of: closing),
        nameEnd.upperBound <= end.lowerBound
      else { throw .unclosed(line: line) }
      let chapter = String(rest[..<nameEnd.lowerBound])
      guard let seconds = totals[chapter] else { throw .noTime(chapter: chapter, line: line) }
      result += rest[..<nameEnd.upperBound] + shown(seconds) + closing
      rest = rest[end.upperBound...]
    }
    return result + rest
  }

  /// A time as the course map shows it: two significant digits, at least one decimal
  /// below 10 s (`0.9 s`, `7.8 s`, `47 s`).
  ///
  /// - Parameter seconds: the time.
  public static func shown(_ seconds: Double) -> String {
    seconds < 10 ? String(format: "%.1f s", seconds) : String(format: "%.0f s", seconds)
  }

  /// The `total` of a chapter's `timings.json`, or `nil` if the file or the entry is
  /// missing or malformed.
  ///
  /// - Parameter url: the file.
  public static func total(inTimingsAt url: URL) -> Double? {
    guard let data = try? Data(contentsOf: url),
      let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let seconds = json["seconds"] as? [String: Any]
    else { return nil }
    return (seconds["total"] as? NSNumber)?.doubleValue
  }
}
