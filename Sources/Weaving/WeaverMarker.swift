import Foundation

extension Weaver {
  /// The line a chapter prints before each piece of its output when it runs for the
  /// weaver, saying which source line the output comes from.
  ///
  /// With `BDL_WEAVE_MARKERS=1` in the environment, every printing function of the
  /// chapters' `Narration` and every figure save first print a marker naming their call
  /// site, `#fileID` and `#line`; a figure's marker also names the PNG:
  ///
  /// ```
  /// \u{1F}weave 01_bnn_definition/main.swift:126
  /// \u{1F}weave 01_bnn_definition/main.swift:128 figure 01-bnn-definition-prior-functions.png
  /// ```
  ///
  /// The prefix starts with the control character U+001F (unit separator), which no
  /// chapter prints, so a marker cannot be mistaken for output. Without the variable
  /// nothing is printed and the output is byte for byte what it always was.
  public struct Marker: Equatable, Sendable {
    /// The environment variable that turns markers on when it is `1`.
    public static let environmentVariable = "BDL_WEAVE_MARKERS"
    /// What every marker line starts with.
    public static let prefix = "\u{1F}weave "
    /// Whether this process prints markers (read once, from the environment).
    public static let isEnabled =
      ProcessInfo.processInfo.environment[environmentVariable] == "1"

    /// The call site's `#fileID`, e.g. `01_bnn_definition/main.swift`.
    public var file: String
    /// The call site's line in that file.
    public var line: Int
    /// The figure a figure marker announces (its PNG, e.g.
    /// `01-bnn-definition-prior-functions.png`, with its alt text and caption); nil for
    /// printed output.
    public var figure: FigureReference?

    /// Creates a marker.
    ///
    /// - Parameters:
    ///   - file: the call site's `#fileID`.
    ///   - line: the call site's line.
    ///   - figure: the figure, for a figure marker.
    public init(file: String, line: Int, figure: FigureReference? = nil) {
      self.file = file
      self.line = line
      self.figure = figure
    }

    /// Reads a marker line; nil if `text` is not one.
    ///
    /// - Parameter text: one line of a chapter's output, without its newline.
    public init?(parsing text: some StringProtocol) {
      guard text.hasPrefix(Self.prefix) else { return nil }
      let fields = text.dropFirst(Self.prefix.count).split(
        separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
      guard let location = fields.first, let colon = location.lastIndex(of: ":"),
        let line = Int(location[location.index(after: colon)...])
      else { return nil }
      var figure: FigureReference?
      if fields.count == 3, fields[1] == "figure",
        let reference = FigureReference(markerText: Substring(fields[2]))
      {
        figure = reference
      } else if fields.count != 1 {
        return nil
      }
      self.init(file: String(location[..<colon]), line: line, figure: figure)
    }

    /// The marker as the line a chapter prints (without the newline).
    public var text: String {
      Self.prefix + "\(file):\(line)" + (figure.map { " figure \($0.markerText)" } ?? "")
    }

    /// Whether the marker comes from a chapter's own source, `main.swift`, rather than
    /// from a library file that printed through `Narration`.
    public var isFromChapterSource: Bool {
      file == "main.swift" || file.hasSuffix("/main.swift")
    }

    /// Prints the marker on standard output if markers are on.
    ///
    /// - Parameters:
    ///   - file: the call site's `#fileID`.
    ///   - line: the call site's line.
    ///   - figure: the figure, for a figure marker.
    public static func emit(file: String, line: Int, figure: FigureReference? = nil) {
      guard isEnabled else { return }
      print(Marker(file: file, line: line, figure: figure).text)
    }
  }
}
