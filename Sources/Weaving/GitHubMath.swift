/// Rewrites the maths of a Markdown prose block into the two forms GitHub passes to its
/// maths renderer untouched: `` $`…`$ `` inline and a ` ```math ` block for display.
///
/// GitHub runs Markdown's backslash escapes inside plain `$…$` and `$$…$$` before the
/// maths is rendered (github/markup#1746), so `\{`, `\}`, `\,`, `\|` and `\\` lose their
/// backslash and the formula breaks. Inside a code span or a fenced block nothing is
/// escaped, which is why these two forms survive. The chapter sources keep the plain
/// `$…$` a reader expects; only the woven page uses the GitHub forms.
public enum GitHubMath {
  /// `markdown` with every `$…$` written `` $`…`$ ``, and every line that is one
  /// `$$…$$` formula written as a ` ```math ` block at the same indentation.
  ///
  /// A `$` opens maths only when the next character is not a space, and closes it only
  /// when the previous character is not a space and the next is not a digit (so "$5 and
  /// $6" stays text); `\$` is a dollar sign; code spans and fenced code blocks are left
  /// as they are.
  ///
  /// - Parameter markdown: a prose block.
  /// - Returns: the block with its maths rewritten.
  public static func rewrite(_ markdown: String) -> String {
    var out = [String]()
    var inFence = false
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.drop { $0 == " " }
      if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
        inFence.toggle()
        out.append(String(line))
      } else if inFence {
        out.append(String(line))
      } else if let block = displayBlock(line) {
        out.append(block)
      } else {
        out.append(rewriteInline(line))
      }
    }
    return out.joined(separator: "\n")
  }

  /// A line that holds exactly one `$$…$$` formula (and nothing but spaces around it)
  /// as a fenced `math` block, or nil.
  static func displayBlock(_ line: Substring) -> String? {
    let indent = String(line.prefix { $0 == " " })
    var body = line.dropFirst(indent.count)
    while body.last == " " { body = body.dropLast() }
    guard body.count > 4, body.hasPrefix("$$"), body.hasSuffix("$$") else { return nil }
    let formula = body.dropFirst(2).dropLast(2)
    guard !formula.contains("$$") else { return nil }
    return "\(indent)```math\n\(indent)\(formula)\n\(indent)```"
  }

  /// One line with each inline `$…$` (or `$$…$$` inside a sentence) written `` $`…`$ ``.
  static func rewriteInline(_ line: Substring) -> String {
    let characters = Array(line)
    var out = ""
    var i = 0
    while i < characters.count {
      let c = characters[i]
      if c == "\\", i + 1 < characters.count {
        out.append(c)
        out.append(characters[i + 1])
        i += 2
      } else if c == "`" {
        // A code span: copied as it is, up to the same number of backticks.
        let run = characters[i...].prefix { $0 == "`" }.count
        let fence = String(repeating: "`", count: run)
        if let end = firstIndex(of: fence, in: characters, from: i + run) {
          out += String(characters[i..<(end + run)])
          i = end + run
        } else {
          out += fence
          i += run
        }
      } else if c == "$", let (formula, next) = inlineFormula(characters, from: i) {
        out += "$`\(formula)`$"
        i = next
      } else {
        out.append(c)
        i += 1
      }
    }
    return out
  }

  /// The formula that opens at `start` (a `$` or `$$`) and the index after its closing
  /// delimiter, or nil if `start` does not open maths.
  static func inlineFormula(_ characters: [Character], from start: Int) -> (String, Int)? {
    let width = start + 1 < characters.count && characters[start + 1] == "$" ? 2 : 1
    let delimiter = String(repeating: "$", count: width)
    let first = start + width
    guard first < characters.count, characters[first] != " " else { return nil }
    var j = first
    while j < characters.count {
      if characters[j] == "\\" {
        j += 2
        continue
      }
      if characters[j] == "$" {
        guard let end = firstIndex(of: delimiter, in: characters, from: j), end == j else {
          return nil
        }
        let after = j + width
        let closes =
          characters[j - 1] != " " && (after >= characters.count || !characters[after].isNumber)
        guard closes, j > first else { return nil }
        return (String(characters[first..<j]), after)
      }
      j += 1
    }
    return nil
  }

  /// The first index at or after `from` where `needle` starts in `characters`.
  static func firstIndex(of needle: String, in characters: [Character], from: Int) -> Int? {
    let pattern = Array(needle)
    guard from <= characters.count - pattern.count else { return nil }
    for i in from...(characters.count - pattern.count)
    where Array(characters[i..<(i + pattern.count)]) == pattern {
      return i
    }
    return nil
  }
}
