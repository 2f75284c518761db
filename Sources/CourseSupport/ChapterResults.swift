import Foundation

/// What a run of a chapter found: the numbers its prose talks about, as named values, and
/// the statements its prose makes about them, as claims that the run checked.
///
/// Written as `results.json`:
/// ```
/// {"chapter": "02-mean-field-elbo", "budget": "full", "seed": 1,
///  "values": {"evidenceGap": 3.41061e-13, ...},
///  "claims": [{"text": "...", "holds": true, "atAnyBudget": false, "where": "main.swift:84"},
///   ...]}
/// ```
/// Numbers are written with 6 significant digits, what a reader needs, so that the file
/// is the same on every machine that computes the same run.
public struct ChapterResults: Sendable {
  /// A recorded value: a number or a text.
  public enum Value: Equatable, Sendable {
    /// A number.
    case number(Double)
    /// A text, e.g. a method's name.
    case text(String)
  }

  /// A sentence of the prose about the run's numbers, and whether it held.
  public struct Claim: Equatable, Sendable {
    /// The sentence, as the page shows it (values filled in).
    public var text: String
    /// Whether the condition held in this run.
    public var holds: Bool
    /// Whether it must hold at any budget (else only at the full budget).
    public var atAnyBudget: Bool
    /// Where the chapter checks it, e.g. `main.swift:84`.
    public var location: String
  }

  /// The chapter's slug.
  public var chapter: String
  /// `full` or `quick`.
  public var budget: String
  /// The seed of the run.
  public var seed: UInt64
  /// The values, in the order recorded.
  public private(set) var values: [(name: String, value: Value)] = []
  /// The claims, in the order checked.
  public private(set) var claims: [Claim] = []

  /// Creates empty results for a run.
  ///
  /// - Parameters:
  ///   - chapter: the chapter's slug.
  ///   - budget: `full` or `quick`.
  ///   - seed: the run's seed.
  public init(chapter: String, budget: String, seed: UInt64) {
    self.chapter = chapter
    self.budget = budget
    self.seed = seed
  }

  /// Records a value (a name recorded twice is a mistake in the chapter, and stops it).
  ///
  /// - Parameters:
  ///   - name: letters, digits, `_` and `.`.
  ///   - value: the value.
  public mutating func record(_ name: String, _ value: Value) {
    precondition(
      !values.contains { $0.name == name }, "results: the value \(name) is recorded twice")
    values.append((name, value))
  }

  /// Records a claim.
  ///
  /// - Parameter claim: the claim.
  public mutating func record(_ claim: Claim) { claims.append(claim) }

  /// The value called `name`, if recorded.
  ///
  /// - Parameter name: the value's name.
  public func value(_ name: String) -> Value? { values.first { $0.name == name }?.value }

  /// The claims that fail and must hold at this budget.
  public var failedClaims: [Claim] {
    claims.filter { !$0.holds && (budget == "full" || $0.atAnyBudget) }
  }

  /// The results as JSON, one value or claim a line, ending in a newline.
  public var json: String {
    var lines = ["{"]
    lines.append("  \"chapter\": \(Self.quoted(chapter)),")
    lines.append("  \"budget\": \(Self.quoted(budget)),")
    lines.append("  \"seed\": \(seed),")
    lines.append("  \"values\": {")
    for (k, entry) in values.enumerated() {
      let comma = k == values.count - 1 ? "" : ","
      lines.append("    \(Self.quoted(entry.name)): \(Self.json(entry.value))\(comma)")
    }
    lines.append("  },")
    lines.append("  \"claims\": [")
    for (k, claim) in claims.enumerated() {
      let comma = k == claims.count - 1 ? "" : ","
      lines.append(
        "    {\"text\": \(Self.quoted(claim.text)), \"holds\": \(claim.holds), "
          + "\"atAnyBudget\": \(claim.atAnyBudget), \"where\": \(Self.quoted(claim.location))}\(comma)"
      )
    }
    lines.append("  ]")
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  /// A value as JSON: a number with 6 significant digits, or a string (a non-finite
  /// number, which JSON cannot hold, is written as the string `"inf"`, `"-inf"` or `"nan"`).
  static func json(_ value: Value) -> String {
    switch value {
    case .text(let text): return quoted(text)
    case .number(let x):
      guard x.isFinite else { return quoted(x.isNaN ? "nan" : x > 0 ? "inf" : "-inf") }
      return String(format: "%.6g", x == 0 ? 0 : x)  // no "-0"
    }
  }

  /// `text` as a JSON string.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if scalar.value < 0x20 {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  /// A label as part of a value's name: its words in lower camel case, other characters
  /// dropped ("last-layer Laplace" → `lastLayerLaplace`, "HMC (reference)" →
  /// `hmcReference`).
  ///
  /// - Parameter label: e.g. a method's name in a table.
  public static func valueName(_ label: String) -> String {
    let words = label.split { !$0.isLetter && !$0.isNumber }.map(String.init)
    return words.enumerated().map { k, word in
      k == 0 ? word.lowercased() : word.prefix(1).uppercased() + word.dropFirst()
    }.joined()
  }
}
