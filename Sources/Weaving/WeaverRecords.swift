import Foundation

extension Weaver {
  /// What a chapter's run recorded for its page besides its output: named values, which
  /// the prose shows by reference (`{{name}}`), and claims, the checked sentences of the
  /// prose.
  ///
  /// With `BDL_WEAVE_MARKERS=1` a chapter prints each as one line that starts with the
  /// marker prefix:
  /// ```
  /// \u{1F}weave value evidenceGap 3.2e-13
  /// \u{1F}weave claim holds The ELBO never exceeds the log evidence.
  /// ```
  /// They are not output: ``split(log:)`` takes them out before the output is attributed.
  public struct Records: Equatable, Sendable {
    /// Each value's text as the prose shows it, by name.
    public var values: [String: String] = [:]
    /// The claims' sentences (with their `{{name}}` references), in the order made.
    public var claims: [String] = []

    /// Creates empty records.
    public init() {}

    /// The line that records a value.
    ///
    /// - Parameters:
    ///   - name: the value's name: letters, digits, `_` and `.` only.
    ///   - text: how the prose shows it, on one line.
    public static func valueLine(name: String, text: String) -> String {
      Marker.prefix + "value \(name) \(text)"
    }

    /// The line that records a claim.
    ///
    /// - Parameters:
    ///   - text: the claim's sentence, on one line.
    ///   - holds: whether it held in this run.
    public static func claimLine(text: String, holds: Bool) -> String {
      Marker.prefix + "claim \(holds ? "holds" : "fails") \(text)"
    }

    /// Whether `name` can name a value: one or more letters, digits, `_` or `.`.
    ///
    /// - Parameter name: a would-be name.
    public static func isValidName(_ name: some StringProtocol) -> Bool {
      !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
    }

    /// The records in a marked log, and the log without them.
    ///
    /// - Parameter log: a chapter's standard output with markers on.
    public static func split(log: String) -> (records: Records, output: String) {
      var records = Records()
      var kept = [Substring]()
      let valuePrefix = Marker.prefix + "value "
      let claimPrefix = Marker.prefix + "claim "
      for line in log.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix(valuePrefix) {
          let rest = line.dropFirst(valuePrefix.count)
          let name = rest.prefix { $0 != " " }
          records.values[String(name)] = String(rest.dropFirst(name.count).dropFirst())
        } else if line.hasPrefix(claimPrefix) {
          let rest = line.dropFirst(claimPrefix.count)
          records.claims.append(String(rest.drop { $0 != " " }.dropFirst()))
        } else {
          kept.append(line)
        }
      }
      return (records, kept.joined(separator: "\n"))
    }

    /// `text` with every `{{name}}` replaced by the value's text.
    ///
    /// - Parameter text: prose, or a claim's sentence.
    /// - Throws: ``WeaverError/unknownValue(_:)`` for a name the run did not record.
    public func filling(_ text: String) throws(WeaverError) -> String {
      var result = ""
      var rest = Substring(text)
      while let open = rest.range(of: "{{") {
        result += rest[..<open.lowerBound]
        let afterOpen = rest[open.upperBound...]
        guard let close = afterOpen.range(of: "}}") else {
          rest = rest[open.lowerBound...]
          break
        }
        let name = afterOpen[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
        guard Self.isValidName(name) else {
          // Not a reference (e.g. TeX's `{{a}}`): kept as written.
          result += rest[open.lowerBound..<close.upperBound]
          rest = afterOpen[close.upperBound...]
          continue
        }
        guard let value = values[name] else { throw .unknownValue(name) }
        result += value
        rest = afterOpen[close.upperBound...]
      }
      return result + rest
    }
  }
}
