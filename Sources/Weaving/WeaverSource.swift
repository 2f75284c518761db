extension Weaver {
  /// A literate chapter source split into prose and code, in source order.
  ///
  /// Prose is what Swift playground markup marks as such:
  /// - a `/*: … */` block. Swift block comments nest, so a `/* … */` inside the prose is
  ///   part of it and the block ends at the `*/` that balances the opening. The text is
  ///   returned with the block's common indentation removed (text on the `/*:` line
  ///   itself counts as its own first line);
  /// - a `//:` line (only whitespace before it): the rest of the line, less one space,
  ///   is a prose line. Consecutive `//:` lines make one prose block.
  ///
  /// Everything else is code. A **code run** is the maximal stretch of code between two
  /// prose blocks, with its leading and trailing blank lines removed; a stretch that is
  /// blank throughout is no run at all, and the prose on either side of it merges.
  /// Ordinary comments, nested or not, string literals (with interpolation, multi-line
  /// and raw) and line comments are skipped when looking for prose, so a `/*:` inside
  /// them is code. Malformed input (an unterminated comment or string) never fails: the
  /// open construct runs to the end of the text.
  public struct Source: Equatable, Sendable {
    /// One piece of the source.
    public enum Segment: Equatable, Sendable {
      /// Prose as Markdown, without trailing newline.
      case prose(String)
      /// A code run.
      case code(CodeRun)
    }

    /// A maximal stretch of code between prose blocks.
    public struct CodeRun: Equatable, Sendable {
      /// The code, from its first non-blank line to its last, without trailing newline.
      public var text: String
      /// The 1-based source lines it spans.
      public var lines: ClosedRange<Int>

      /// Creates a code run.
      ///
      /// - Parameters:
      ///   - text: the code.
      ///   - lines: the source lines it spans.
      public init(text: String, lines: ClosedRange<Int>) {
        self.text = text
        self.lines = lines
      }
    }

    /// The prose blocks and code runs, in source order; never two prose blocks in a row.
    public var segments: [Segment]

    /// The lines of the bodies of top-level declarations — functions, types and
    /// extensions — from the line of the opening `{` to that of the closing `}`. Their
    /// code runs when it is called, not where it stands.
    public var declarationBodies: [ClosedRange<Int>]

    /// The code runs alone, in source order.
    public var runs: [CodeRun] {
      segments.compactMap {
        if case .code(let run) = $0 { return run } else { return nil }
      }
    }

    /// Splits `text` into prose and code runs.
    ///
    /// - Parameter text: the contents of a chapter's `main.swift`.
    public init(parsing text: String) {
      var scanner = LiterateScanner(Array(text.utf8))
      (segments, declarationBodies) = scanner.scan()
    }

    /// Whether `line` lies in the body of a top-level declaration.
    ///
    /// - Parameter line: a 1-based source line.
    public func isInDeclarationBody(_ line: Int) -> Bool {
      declarationBodies.contains { $0.contains(line) }
    }
  }
}

/// The single pass over a source's bytes behind ``Weaver/Source/init(parsing:)``.
///
/// Every delimiter it looks for is ASCII, so cutting the UTF-8 bytes at them never splits
/// a character.
private struct LiterateScanner {
  private let bytes: [UInt8]
  /// The offset at which each line starts; line `k` (1-based) starts at `lineStarts[k - 1]`.
  private let lineStarts: [Int]
  private var segments = [Weaver.Source.Segment]()
  /// The `//:` lines of the block being read, and the offset where the last one ended.
  private var proseLines = [String]()
  private var proseLinesEnd = 0
  /// Open `{` in top-level code, whether a declaration keyword awaits its body, where the
  /// body being read opened, and the bodies read so far.
  private var braces = 0
  private var declarationPending = false
  private var declarationStart: Int?
  private var declarationBodies = [ClosedRange<Int>]()

  /// The keywords whose declaration's body runs only when called.
  private static let declarationKeywords = Set(
    ["func", "struct", "class", "enum", "extension", "actor", "protocol"].map { Array($0.utf8) })

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
    lineStarts = [0] + bytes.indices.filter { bytes[$0] == .newline }.map { $0 + 1 }
  }

  /// What the scanner is inside of, innermost last.
  private enum Context {
    /// Code; `parentheses` counts open `(` so that an interpolation knows its `)`.
    case code(parentheses: Int)
    /// A string literal with `hashes` `#`s around it (a raw string when positive).
    case string(hashes: Int, multiline: Bool)
  }

  /// The segments of the whole text and the lines of its top-level declarations' bodies.
  mutating func scan() -> ([Weaver.Source.Segment], [ClosedRange<Int>]) {
    var stack = [Context.code(parentheses: 0)]
    var codeStart = 0
    var i = 0
    while i < bytes.count {
      switch stack[stack.count - 1] {
      case .code(let parentheses):
        let atTop = stack.count == 1
        if atTop, starts("//:", at: i), onlyWhitespaceBefore(i) {
          let end = endOfLine(from: i)
          addCode(codeStart..<max(codeStart, lineStart(of: i)))
          addProseLine(String(decoding: bytes[(i + 3)..<end], as: UTF8.self), end: end)
          i = min(end + 1, bytes.count)
          codeStart = i
        } else if starts("//", at: i) {
          i = endOfLine(from: i)
        } else if atTop, starts("/*:", at: i) {
          let (contentEnd, end) = endOfBlockComment(from: i + 3)
          addCode(codeStart..<i)
          addProse(Self.proseBlock(String(decoding: bytes[(i + 3)..<contentEnd], as: UTF8.self)))
          i = end
          codeStart = i
        } else if starts("/*", at: i) {
          i = endOfBlockComment(from: i + 2).end
        } else if let opening = stringOpening(at: i) {
          stack.append(.string(hashes: opening.hashes, multiline: opening.multiline))
          i += opening.length
        } else if bytes[i] == .openParenthesis {
          stack[stack.count - 1] = .code(parentheses: parentheses + 1)
          i += 1
        } else if bytes[i] == .closeParenthesis {
          if parentheses == 0, !atTop {
            stack.removeLast()  // the end of an interpolation
          } else {
            stack[stack.count - 1] = .code(parentheses: max(parentheses - 1, 0))
          }
          i += 1
        } else if atTop, bytes[i] == .openBrace {
          if declarationPending, braces == 0, parentheses == 0 {
            declarationStart = i
            declarationPending = false
          }
          braces += 1
          i += 1
        } else if atTop, bytes[i] == .closeBrace {
          braces = max(braces - 1, 0)
          if braces == 0, let start = declarationStart {
            declarationBodies.append(line(of: start)...line(of: i))
            declarationStart = nil
          }
          i += 1
        } else if bytes[i].isIdentifierHead, i == 0 || !bytes[i - 1].continuesIdentifier {
          let end = bytes[i...].firstIndex { !$0.continuesIdentifier } ?? bytes.count
          if atTop, braces == 0, Self.declarationKeywords.contains(Array(bytes[i..<end])) {
            declarationPending = true
          }
          i = end
        } else {
          i += 1
        }
      case .string(let hashes, let multiline):
        if bytes[i] == .backslash, starts(hashes: hashes, at: i + 1) {
          let next = i + 1 + hashes
          if next < bytes.count, bytes[next] == .openParenthesis {
            stack.append(.code(parentheses: 0))
            i = next + 1
          } else {
            i = next + 1  // an escaped character
          }
        } else if bytes[i] == .quote, !multiline || starts("\"\"\"", at: i),
          starts(hashes: hashes, at: i + (multiline ? 3 : 1))
        {
          stack.removeLast()
          i += (multiline ? 3 : 1) + hashes
        } else if bytes[i] == .newline, !multiline {
          stack.removeLast()  // an unterminated string: recover at the end of the line
          i += 1
        } else {
          i += 1
        }
      }
    }
    addCode(codeStart..<bytes.count)
    addProseLines()
    return (segments, declarationBodies)
  }

  // MARK: Building segments

  /// Adds the code in `range` as a run, unless it is blank.
  private mutating func addCode(_ range: Range<Int>) {
    guard let first = range.first(where: { !bytes[$0].isWhitespace }),
      let last = range.last(where: { !bytes[$0].isWhitespace })
    else { return }
    addProseLines()
    // Whole lines, indentation included, unless the code starts mid-line after prose.
    let start = lineStart(of: first) >= range.lowerBound ? lineStart(of: first) : first
    segments.append(
      .code(
        Weaver.Source.CodeRun(
          text: String(decoding: bytes[start...last], as: UTF8.self),
          lines: line(of: first)...line(of: last))))
  }

  /// Adds a prose block, merging it with prose just before it; an empty block adds
  /// nothing (but still ends the code run before it).
  private mutating func addProse(_ text: String) {
    addProseLines()
    guard !text.isEmpty else { return }
    guard case .prose(let previous) = segments.last else {
      segments.append(.prose(text))
      return
    }
    segments[segments.count - 1] = .prose(Self.joined(previous, text, separator: "\n\n"))
  }

  /// Reads the text of a `//:` line ending at `end`; a `//:` line right after another
  /// one continues its block, any other starts a new one.
  private mutating func addProseLine(_ rest: String, end: Int) {
    if !proseLines.isEmpty, lineStart(of: end) != proseLinesEnd + 1 { addProseLines() }
    proseLines.append(rest.hasPrefix(" ") ? String(rest.dropFirst()) : rest)
    proseLinesEnd = end
  }

  /// Adds the block of `//:` lines read so far, less its leading and trailing empty lines.
  private mutating func addProseLines() {
    guard !proseLines.isEmpty else { return }
    let lines = proseLines.drop { $0.isEmpty }.reversed().drop { $0.isEmpty }.reversed()
    proseLines = []
    addProse(lines.joined(separator: "\n"))
  }

  /// Two prose texts joined by `separator`, leaving out an empty one.
  private static func joined(_ first: String, _ second: String, separator: String) -> String {
    first.isEmpty ? second : second.isEmpty ? first : first + separator + second
  }

  /// The Markdown of a `/*:` block's content: the common indentation of its lines removed
  /// (the text on the opening line is trimmed on its own), leading and trailing blank
  /// lines dropped.
  static func proseBlock(_ content: String) -> String {
    var lines = content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let opening = lines.removeFirst().trimmingWhitespace()
    func indentation(_ line: String) -> Int { line.prefix { $0 == " " || $0 == "\t" }.count }
    let indent = lines.filter { !$0.trimmingWhitespace().isEmpty }.map(indentation).min() ?? 0
    var result =
      [opening]
      + lines.map { line in
        line.trimmingWhitespace().isEmpty ? "" : String(line.dropFirst(indent))
      }
    while result.first?.isEmpty == true { result.removeFirst() }
    while result.last?.trimmingWhitespace().isEmpty == true { result.removeLast() }
    if let last = result.indices.last { result[last] = result[last].trimmingTrailingWhitespace() }
    return result.joined(separator: "\n")
  }

  // MARK: Reading bytes

  private func starts(_ text: StaticString, at i: Int) -> Bool {
    let count = text.utf8CodeUnitCount
    guard i + count <= bytes.count else { return false }
    return (0..<count).allSatisfy { bytes[i + $0] == text.utf8Start[$0] }
  }

  private func starts(hashes: Int, at i: Int) -> Bool {
    i + hashes <= bytes.count && (i..<(i + hashes)).allSatisfy { bytes[$0] == .hash }
  }

  /// The string literal opening at `i`, if one does: its `#`s, whether it is multi-line,
  /// and the length of the opening delimiter.
  private func stringOpening(at i: Int) -> (hashes: Int, multiline: Bool, length: Int)? {
    var hashes = 0
    while i + hashes < bytes.count, bytes[i + hashes] == .hash { hashes += 1 }
    guard i + hashes < bytes.count, bytes[i + hashes] == .quote else { return nil }
    let multiline = starts("\"\"\"", at: i + hashes)
    return (hashes, multiline, hashes + (multiline ? 3 : 1))
  }

  /// Where the block comment whose content starts at `start` ends: the end of its
  /// content and the offset after its closing `*/` (both the end of the text if it is
  /// never closed). Nested comments are balanced.
  private func endOfBlockComment(from start: Int) -> (contentEnd: Int, end: Int) {
    var depth = 1
    var i = start
    while i < bytes.count {
      if starts("/*", at: i) {
        depth += 1
        i += 2
      } else if starts("*/", at: i) {
        depth -= 1
        if depth == 0 { return (i, i + 2) }
        i += 2
      } else {
        i += 1
      }
    }
    return (bytes.count, bytes.count)
  }

  /// The offset of the newline that ends the line containing `i` (or the end of the text).
  private func endOfLine(from i: Int) -> Int {
    bytes[i...].firstIndex(of: .newline) ?? bytes.count
  }

  private func onlyWhitespaceBefore(_ i: Int) -> Bool {
    bytes[lineStart(of: i)..<i].allSatisfy { $0 == .space || $0 == .tab }
  }

  /// The 1-based line of offset `i`.
  private func line(of i: Int) -> Int {
    var low = 0
    var high = lineStarts.count
    while high - low > 1 {  // the last start at or before i
      let middle = (low + high) / 2
      if lineStarts[middle] <= i { low = middle } else { high = middle }
    }
    return low + 1
  }

  private func lineStart(of i: Int) -> Int { lineStarts[line(of: i) - 1] }
}

extension UInt8 {
  fileprivate static let newline = UInt8(ascii: "\n")
  fileprivate static let space = UInt8(ascii: " ")
  fileprivate static let tab = UInt8(ascii: "\t")
  fileprivate static let quote = UInt8(ascii: "\"")
  fileprivate static let hash = UInt8(ascii: "#")
  fileprivate static let backslash = UInt8(ascii: "\\")
  fileprivate static let openParenthesis = UInt8(ascii: "(")
  fileprivate static let closeParenthesis = UInt8(ascii: ")")
  fileprivate static let openBrace = UInt8(ascii: "{")
  fileprivate static let closeBrace = UInt8(ascii: "}")

  /// Whether the byte can start an identifier or keyword (a letter, `_`, or part of a
  /// non-ASCII character).
  fileprivate var isIdentifierHead: Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self | 0x20) || self == UInt8(ascii: "_")
      || self >= 0x80
  }

  /// Whether the byte continues an identifier (or, as `.`, `@`, `#` and `$` before it,
  /// makes a word no keyword: `.enum`, `@func`).
  fileprivate var continuesIdentifier: Bool {
    isIdentifierHead || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
      || [UInt8(ascii: "."), UInt8(ascii: "@"), UInt8(ascii: "#"), UInt8(ascii: "$")].contains(self)
  }

  fileprivate var isWhitespace: Bool {
    self == .space || self == .tab || self == .newline || self == UInt8(ascii: "\r")
  }
}

extension String {
  fileprivate func trimmingWhitespace() -> String {
    String(drop { $0 == " " || $0 == "\t" }).trimmingTrailingWhitespace()
  }

  fileprivate func trimmingTrailingWhitespace() -> String {
    var text = Substring(self)
    while let last = text.last, last == " " || last == "\t" || last == "\r" {
      text = text.dropLast()
    }
    return String(text)
  }
}
