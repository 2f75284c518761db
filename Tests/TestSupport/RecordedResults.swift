import Foundation
import Testing

/// The `results.json` a chapter run wrote: its named values and its checked claims, as
/// the tests read them (never its printed output).
public struct RecordedResults: Sendable {
  /// A claim as recorded.
  public struct Claim: Sendable {
    /// The sentence.
    public let text: String
    /// Whether it held.
    public let holds: Bool
    /// Whether it must hold at any budget (else only at the full budget).
    public let atAnyBudget: Bool
    /// Where the chapter checks it.
    public let location: String
  }

  /// `full` or `quick`.
  public let budget: String
  /// The numbers, by name.
  public let numbers: [String: Double]
  /// The texts, by name.
  public let texts: [String: String]
  /// The claims, in order.
  public let claims: [Claim]

  /// Reads a `results.json`.
  ///
  /// - Parameter url: the file.
  public init(contentsOf url: URL) throws {
    let data = try Data(contentsOf: url)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    budget = try #require(object["budget"] as? String)
    let values = try #require(object["values"] as? [String: Any])
    var numbers = [String: Double]()
    var texts = [String: String]()
    for (name, value) in values {
      if let text = value as? String {
        texts[name] = text
        // Non-finite numbers are written as strings.
        if let special = ["inf": Double.infinity, "-inf": -.infinity, "nan": .nan][text] {
          numbers[name] = special
        }
      } else if let number = value as? NSNumber {
        numbers[name] = number.doubleValue
      }
    }
    self.numbers = numbers
    self.texts = texts
    let claimObjects = try #require(object["claims"] as? [[String: Any]])
    claims = try claimObjects.map {
      Claim(
        text: try #require($0["text"] as? String), holds: try #require($0["holds"] as? Bool),
        atAnyBudget: try #require($0["atAnyBudget"] as? Bool),
        location: try #require($0["where"] as? String))
    }
  }

  /// The number called `name`; records an issue and throws if there is none.
  ///
  /// - Parameter name: the value's name.
  public func value(_ name: String) throws -> Double {
    try #require(numbers[name], "no number \(name) in results.json")
  }

  /// The text called `name`; records an issue and throws if there is none.
  ///
  /// - Parameter name: the value's name.
  public func text(_ name: String) throws -> String {
    try #require(texts[name], "no text \(name) in results.json")
  }

  /// The claim whose sentence starts with `prefix`; records an issue and throws if none.
  ///
  /// - Parameter prefix: the sentence's start.
  public func claim(startingWith prefix: String) throws -> Claim {
    try #require(claims.first { $0.text.hasPrefix(prefix) }, "no claim \"\(prefix)…\"")
  }

  /// Expects a run of `budget` with at least `minimum` claims, every one of them holding
  /// but, under `--quick`, those whose sentence starts with one of `fullBudgetOnly`
  /// (claims about trained models that the small budget does not reach).
  ///
  /// - Parameters:
  ///   - budget: `full` or `quick`.
  ///   - minimum: the fewest claims a chapter makes.
  ///   - fullBudgetOnly: the starts of the sentences that need the full budget.
  public func expectClaimsHold(
    budget: String, atLeast minimum: Int = 8, fullBudgetOnly: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(self.budget == budget, sourceLocation: sourceLocation)
    #expect(claims.count >= minimum, "\(claims.count) claims", sourceLocation: sourceLocation)
    for claim in claims
    where budget == "full" || !fullBudgetOnly.contains(where: claim.text.hasPrefix) {
      #expect(claim.holds, "\(claim.location): \(claim.text)", sourceLocation: sourceLocation)
    }
  }

  /// The committed `results.json` of `chapter`, from its full-budget run by `make`.
  ///
  /// - Parameter chapter: the chapter's slug.
  public static func committed(_ chapter: String) throws -> RecordedResults {
    try RecordedResults(contentsOf: Repository.url("Chapters/\(chapter)/results.json"))
  }
}
