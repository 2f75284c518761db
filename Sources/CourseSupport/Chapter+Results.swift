import Foundation
import Weaving

extension Chapter {
  /// Records a number the prose talks about, without printing it. The prose shows it as
  /// `{{name}}`, filled in by the weaver from this run.
  ///
  /// - Parameters:
  ///   - name: letters, digits, `_` and `.`, e.g. `evidenceGap`.
  ///   - value: the number.
  ///   - digits: significant digits in the prose (`results.json` keeps 6).
  ///   - unit: an optional unit shown after the number, e.g. `s`.
  /// - Returns: `value`, so that a computation can be recorded where it is made.
  @discardableResult
  public func value(_ name: String, _ value: Double, digits: Int = 3, unit: String = "")
    -> Double
  {
    // Prose sets a negative number with a minus sign, not a hyphen.
    var shown = Narration.format(value, digits: digits)
    if shown.hasPrefix("-") { shown = "−" + shown.dropFirst() }
    record(name, .number(value), shown: shown + Self.spaced(unit))
    return value
  }

  /// A number recorded earlier in this run, for a claim about it (a name never recorded,
  /// or recorded as a text, is a mistake in the chapter and stops it).
  ///
  /// - Parameter name: the value's name.
  public func number(_ name: String) -> Double {
    guard case .number(let x) = results.value(name) else {
      preconditionFailure("results: no number \(name) recorded")
    }
    return x
  }

  /// Records a text the prose talks about (a method's name, a setting), without printing
  /// it.
  ///
  /// - Parameters:
  ///   - name: letters, digits, `_` and `.`.
  ///   - text: the text, on one line.
  public func value(_ name: String, text: String) {
    record(name, .text(text), shown: text)
  }

  /// Prints one result as `label = value` (as ``Narration/result(_:_:digits:unit:file:line:)``
  /// does) and records it as `name`.
  ///
  /// - Parameters:
  ///   - label: what was measured, as the output shows it.
  ///   - value: the number.
  ///   - digits: significant digits, printed and in the prose.
  ///   - unit: an optional unit.
  ///   - name: the value's name in `results.json` and the prose.
  ///   - file: the call site's file (for the weave marker).
  ///   - line: the call site's line (for the weave marker).
  /// - Returns: `value`.
  @discardableResult
  public func result(
    _ label: String, _ value: Double, digits: Int = 4, unit: String = "", as name: String,
    file: String = #fileID, line: Int = #line
  ) -> Double {
    Narration.result(label, value, digits: digits, unit: unit, file: file, line: line)
    return self.value(name, value, digits: digits, unit: unit)
  }

  /// Checks a statement the prose makes about this run's numbers.
  ///
  /// The sentence must stand in the prose word for word (the weaver checks), with
  /// `{{name}}` for any value it quotes. At the full budget a claim that does not hold
  /// fails the run in ``finish()``; at `--quick` it is only recorded, unless it must hold
  /// at any budget (an identity, say, rather than a property of a trained model).
  ///
  /// - Parameters:
  ///   - text: the sentence, on one line.
  ///   - holds: the condition, e.g. `dropoutFar < ensembleFar`.
  ///   - atAnyBudget: whether it must hold under `--quick` too.
  ///   - file: the call site's file.
  ///   - line: the call site's line.
  public func claim(
    _ text: String, _ holds: Bool, atAnyBudget: Bool = false, file: String = #fileID,
    line: Int = #line
  ) {
    precondition(!text.contains("\n"), "a claim is one line: \(text)")
    let fileName = file.split(separator: "/").last.map(String.init) ?? file
    // results.json holds the sentence as the page shows it, values filled in.
    let filled = (try? shownValues.filling(text)) ?? text
    results.record(
      .init(
        text: filled, holds: holds, atAnyBudget: atAnyBudget, location: "\(fileName):\(line)"))
    if Weaver.Marker.isEnabled { print(Weaver.Records.claimLine(text: text, holds: holds)) }
  }

  /// Records how long a part of the run took, for `timings.json` (kept apart from
  /// `results.json`, which must not change from machine to machine). The prose may show
  /// it as `{{name}}` (in seconds); the page's times are from the machine that last ran
  /// `make`.
  ///
  /// - Parameters:
  ///   - name: what was timed; to show it in the prose, letters, digits, `_` and `.` only.
  ///   - seconds: the wall-clock time.
  ///   - digits: significant digits in the prose.
  /// - Returns: `seconds`.
  @discardableResult
  public func recordTime(_ name: String, seconds: Double, digits: Int = 2) -> Double {
    precondition(
      !timings.contains { $0.name == name }, "timings: \(name) is recorded twice")
    timings.append((name, seconds))
    // Only a time with a value's name (letters, digits, `_`, `.`) can be shown in the prose.
    guard Weaver.Records.isValidName(name) else { return seconds }
    let shown = Narration.format(seconds, digits: digits) + " s"
    shownValues.values[name] = shown
    if Weaver.Marker.isEnabled { print(Weaver.Records.valueLine(name: name, text: shown)) }
    return seconds
  }

  /// Ends the run: writes `results.json` (and `timings.json` beside it), then stops with
  /// exit status 1, naming each claim that does not hold at this budget with its values.
  public func finish() {
    recordTime("total", seconds: Stopwatch.seconds(since: started))
    let resultsURL = URL(fileURLWithPath: options.results ?? "Chapters/\(slug)/results.json")
    let timingsURL = resultsURL.deletingLastPathComponent().appendingPathComponent(
      "timings.json")
    orExit("writing \(resultsURL.path)") {
      try FileManager.default.createDirectory(
        at: resultsURL.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(results.json.utf8).write(to: resultsURL, options: .atomic)
      try Data(timingsJSON.utf8).write(to: timingsURL, options: .atomic)
    }
    let failed = results.failedClaims
    guard !failed.isEmpty else { return }
    for claim in failed {
      FileHandle.standardError.write(
        Data(
          "error: \(slug) (\(claim.location)): a claim does not hold at the \(results.budget) budget: \(claim.text)\n"
            .utf8))
    }
    exit(1)
  }

  /// `timings.json`: seconds by what was timed, `total` last.
  var timingsJSON: String {
    let entries = timings.map {
      "    \(ChapterResults.quoted($0.name)): \(String(format: "%.3f", $0.seconds))"
    }
    return "{\n  \"chapter\": \(ChapterResults.quoted(slug)),\n  \"seconds\": {\n"
      + entries.joined(separator: ",\n") + "\n  }\n}\n"
  }

  /// Records a value and, for the weaver, how the prose shows it.
  private func record(_ name: String, _ value: ChapterResults.Value, shown: String) {
    precondition(Weaver.Records.isValidName(name), "results: \(name) is not a valid name")
    precondition(!shown.contains("\n"), "results: \(name) is shown on more than one line")
    results.record(name, value)
    shownValues.values[name] = shown
    if Weaver.Marker.isEnabled { print(Weaver.Records.valueLine(name: name, text: shown)) }
  }

  private static func spaced(_ unit: String) -> String { unit.isEmpty ? "" : " " + unit }
}
