import Foundation

/// Weaves a literate chapter and what it printed into one Markdown page, the chapter's
/// `README.md`, for a reader who never opens an editor.
///
/// The page follows the source: each prose block as Markdown, each code run in a
/// ` ```swift ` block, and right under it what that run printed (a ` ```text ` block) and
/// the figures it saved (image links), in the order it printed and saved them.
///
/// The output comes from a run of the chapter with `BDL_WEAVE_MARKERS=1`: each
/// `Narration` call and figure save then prints a ``Marker`` naming its source line,
/// and ``attribute(log:to:)`` maps the lines after each marker to the code run that
/// printed them.
///
/// ```swift
/// let weaver = Weaver(chapter: "01-bnn-definition")
/// let page = try weaver.page(source: mainSwift, log: markedOutput)
/// ```
public struct Weaver: Sendable {
  /// The chapter's slug, e.g. `01-bnn-definition`: its executable and figure prefix.
  public var chapter: String
  /// What goes before a figure's file name in an image link, e.g. `../../Figures/` from
  /// `Chapters/NN-slug/README.md`.
  public var figureLinkPrefix: String
  /// The arguments the output was made with, other than `--figures` (e.g. `["--quick"]`),
  /// named in the page's header when there are any.
  public var arguments: [String]

  /// Creates a weaver for one chapter.
  ///
  /// - Parameters:
  ///   - chapter: the chapter's slug.
  ///   - figureLinkPrefix: the path from the page to the figures, ending in `/`.
  ///   - arguments: the arguments of the run, other than `--figures`.
  public init(
    chapter: String, figureLinkPrefix: String = "../../Figures/", arguments: [String] = []
  ) {
    self.chapter = chapter
    self.figureLinkPrefix = figureLinkPrefix
    self.arguments = arguments
  }

  /// The woven page.
  ///
  /// It starts with an HTML comment (not shown) saying the page is generated, then the
  /// chapter's title if its first prose block opens with a `# ` heading, then a short
  /// note saying how the page is made and how to run the chapter, then the source.
  ///
  /// - Parameters:
  ///   - source: the chapter's `main.swift`.
  ///   - log: what the chapter printed on standard output with markers on.
  /// - Returns: the Markdown, ending in one newline.
  /// - Throws: ``WeaverError`` if the output cannot be attributed.
  public func page(source: String, log: String) throws(WeaverError) -> String {
    let parsed = Source(parsing: source)
    let (records, output) = Records.split(log: log)
    var shown = try Self.attribute(log: output, to: parsed)[...]
    var blocks = [
      "<!-- Generated from main.swift by `make` (Sources/weave); edit main.swift, not this page. -->"
    ]
    var segments = parsed.segments
    if case .prose(let text) = segments.first, text.hasPrefix("# ") {
      let title = text.prefix { $0 != "\n" }
      blocks.append(String(title))
      segments[0] = .prose(String(text.dropFirst(title.count)))
    }
    blocks.append(header)
    var prose = [String]()  // the prose blocks, filled in: where the claims must stand
    for segment in segments {
      switch segment {
      case .prose(let text):
        let trimmed = text.drop { $0 == "\n" }.reversed().drop { $0 == "\n" }.reversed()
        if !trimmed.isEmpty {
          let filled = try records.filling(String(trimmed))
          prose.append(filled)
          blocks.append(GitHubMath.rewrite(filled))
        }
      case .code(let run):
        blocks.append(Self.codeBlock(run.text))
        for item in shown.popFirst() ?? [] {
          switch item {
          case .text(let lines):
            if let block = Self.outputBlock(lines) { blocks.append(block) }
          case .figure(let figure):
            blocks.append(imageLink(figure.file, altText: figure.altText))
            if let caption = figure.caption {
              let filled = try records.filling(caption)
              prose.append(filled)
              blocks.append(GitHubMath.rewrite("**Figure.** " + filled))
            }
          }
        }
      }
    }
    try Self.checkClaimsAreStated(records, in: prose)
    return blocks.joined(separator: "\n\n") + "\n"
  }

  /// Checks that the prose states every claim the run checked, word for word (white
  /// space aside): a claim is the sentence it supports, so a claim missing from the page
  /// means the two have drifted apart.
  ///
  /// - Parameters:
  ///   - records: the run's records.
  ///   - blocks: the page's prose blocks, filled in (not its code, which holds each
  ///     claim's sentence too).
  /// - Throws: ``WeaverError/claimNotStated(_:)`` for the first claim not found.
  static func checkClaimsAreStated(_ records: Records, in blocks: [String]) throws(WeaverError) {
    func squeezed(_ text: String) -> String {
      text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
    let page = squeezed(blocks.joined(separator: " "))
    for claim in records.claims {
      let sentence = squeezed(try records.filling(claim))
      if !page.contains(sentence) { throw .claimNotStated(sentence) }
    }
  }

  /// The note under the title: where the page comes from and how to run the chapter.
  var header: String {
    let number = chapter.prefix { $0.isNumber }
    let make = number.isEmpty ? "" : "`make \(number)` or "
    let run =
      arguments.isEmpty
      ? "" : " The output shown is from `\(([chapter] + arguments).joined(separator: " "))`."
    return """
      > This page is woven from [`main.swift`](main.swift) by `make`: the chapter's prose, its \
      code, and under each piece of code what it printed and drew.\(run) Run it yourself with \
      \(make)`swift run -c release \(chapter)`.
      """
  }

  /// What a code run printed, marked as output (a small label, then a `text` block), or
  /// nil when it printed only section headings (`== … ==`), which the prose's own
  /// heading already shows.
  ///
  /// - Parameter lines: the printed lines.
  static func outputBlock(_ lines: [String]) -> String? {
    let onlyHeadings = lines.allSatisfy { line in
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      return trimmed.isEmpty || (trimmed.hasPrefix("== ") && trimmed.hasSuffix(" =="))
    }
    if onlyHeadings { return nil }
    return outputLabel + "\n\n" + fenced(lines.joined(separator: "\n"), language: "text")
  }

  /// The label above every output block, so that output is never mistaken for code.
  static let outputLabel = "<sub>output</sub>"

  /// A Markdown image link to a figure, its alt text what the figure shows (or, without
  /// one, the figure's short name).
  ///
  /// - Parameters:
  ///   - file: the PNG's file name, e.g. `01-bnn-definition-prior-functions.png`.
  ///   - altText: what the figure shows.
  func imageLink(_ file: String, altText: String? = nil) -> String {
    var name = Substring(file)
    if name.hasSuffix(".png") { name = name.dropLast(4) }
    if name.hasPrefix(chapter + "-") { name = name.dropFirst(chapter.count + 1) }
    let target = (figureLinkPrefix + file).replacingSpaces()
    // Alt text is plain text: no brackets (they would end the link) and no backslashes.
    let alt = (altText ?? String(name)).map { "[]\\".contains($0) ? " " : String($0) }
      .joined()
    return "![\(alt)](\(target))"
  }

  /// What a reader may skip, folded: a code run whose first line is a `// fold: summary`
  /// comment is shown collapsed under that summary (an HTML `<details>` block, which
  /// GitHub renders closed), without the comment; any other run is a plain `swift` block.
  ///
  /// - Parameter code: the run's text.
  static func codeBlock(_ code: String) -> String {
    let marker = "// fold:"
    let firstLine = code.prefix { $0 != "\n" }
    guard firstLine.hasPrefix(marker) else { return fenced(code, language: "swift") }
    let summary = firstLine.dropFirst(marker.count).trimmingCharacters(in: .whitespaces)
    let body = String(code.dropFirst(firstLine.count).drop { $0 == "\n" })
    return "<details><summary>\(summary.isEmpty ? "code" : summary)</summary>\n\n"
      + fenced(body, language: "swift") + "\n\n</details>"
  }

  /// `body` in a fenced code block, the fence longer than any run of backticks inside.
  ///
  /// - Parameters:
  ///   - body: the block's text.
  ///   - language: the info string, e.g. `swift`.
  static func fenced(_ body: String, language: String) -> String {
    var longest = 0
    var current = 0
    for character in body {
      current = character == "`" ? current + 1 : 0
      longest = max(longest, current)
    }
    let fence = String(repeating: "`", count: max(3, longest + 1))
    return "\(fence)\(language)\n\(body)\n\(fence)"
  }
}

/// Why a chapter's output cannot be woven into its page.
public enum WeaverError: Error, Equatable, CustomStringConvertible {
  /// The output has printed lines but no marker from the chapter's source: the chapter
  /// was run without `BDL_WEAVE_MARKERS=1`.
  case noMarkers
  /// The output has printed lines but the source has no code to attribute them to.
  case outputWithoutCode
  /// The prose refers to a value, `{{name}}`, that the run did not record.
  case unknownValue(String)
  /// The run checked a claim that the page's prose does not state.
  case claimNotStated(String)

  /// A sentence for the reader.
  public var description: String {
    switch self {
    case .noMarkers:
      return "the output has no weave markers; run the chapter with "
        + "\(Weaver.Marker.environmentVariable)=1 (the weave tool does)"
    case .outputWithoutCode:
      return "the output has printed lines but the source has no code that could print them"
    case .unknownValue(let name):
      return "the prose refers to {{\(name)}}, a value the run did not record"
    case .claimNotStated(let sentence):
      return
        "the run checks the claim \"\(sentence)\", which the prose does not state word for word"
    }
  }
}

extension String {
  /// The string with each space written `%20`, as a Markdown link target needs.
  fileprivate func replacingSpaces() -> String {
    split(separator: " ", omittingEmptySubsequences: false).joined(separator: "%20")
  }
}
