import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// The committed course as a reader sees it on GitHub: every chapter listed in
/// `Package.swift` has a woven page, every figure a page shows exists, every figure a
/// chapter draws is on its page, and the README's course map has a row per chapter.
@Suite struct CoursePagesTests {
  static let root = Repository.root

  /// The repository file at `path`, as text.
  static func read(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
  }

  /// The chapters, in the order of the `chapters` list in `Package.swift` (as the Makefile
  /// reads it).
  static func chapters() throws -> [String] {
    let manifest = try read("Package.swift")
    let list = try #require(manifest.range(of: "let chapters = ["))
    let end = try #require(manifest.range(of: "]", range: list.upperBound..<manifest.endIndex))
    return manifest[list.upperBound..<end.lowerBound].split(separator: "\"").enumerated()
      .filter { $0.offset % 2 == 1 }.map { String($0.element) }
  }

  /// The targets of the Markdown image links `![…](target)` in `page`.
  static func imageLinks(_ page: String) -> [String] {
    page.components(separatedBy: "![").dropFirst().compactMap { rest in
      guard let open = rest.range(of: "]("),
        let close = rest[open.upperBound...].firstIndex(of: ")")
      else { return nil }
      return String(rest[open.upperBound..<close])
    }
  }

  @Test func theChapterListIsRead() throws {
    let chapters = try Self.chapters()
    #expect(chapters.count >= 9)
    #expect(chapters.first == "01-bnn-definition")
    #expect(chapters.allSatisfy { $0.count > 3 && $0.prefix(2).allSatisfy(\.isNumber) })
  }

  @Test func everyChapterHasAWovenPageShowingEachOfItsFigures() throws {
    let figures = try FileManager.default.contentsOfDirectory(
      atPath: Self.root.appendingPathComponent("Figures").path)
    for chapter in try Self.chapters() {
      let page = try Self.read("Chapters/\(chapter)/README.md")
      #expect(page.hasPrefix("<!-- Generated from main.swift"), "\(chapter): not a woven page")
      #expect(page.contains("```swift"), "\(chapter): no code on the page")
      let links = Self.imageLinks(page)
      for link in links {
        let file = Self.root.appendingPathComponent("Chapters/\(chapter)").appendingPathComponent(
          link
        ).standardizedFileURL
        #expect(
          FileManager.default.fileExists(atPath: file.path), "\(chapter) links \(link): missing")
      }
      let drawn = figures.filter { $0.hasPrefix(chapter + "-") && $0.hasSuffix(".png") }
      #expect(!drawn.isEmpty, "\(chapter) has no figures in Figures/")
      for name in drawn {
        #expect(links.contains("../../Figures/\(name)"), "\(chapter)'s page does not show \(name)")
      }
    }
  }

  @Test func theCourseMapHasARowPerChapterWithItsThumbnail() throws {
    let readme = try Self.read("README.md")
    for chapter in try Self.chapters() {
      #expect(readme.contains("(Chapters/\(chapter)/)"), "the course map does not link \(chapter)")
      let thumbnails = readme.components(separatedBy: "src=\"Figures/\(chapter)-").count - 1
      #expect(thumbnails == 1, "\(chapter): \(thumbnails) thumbnails in the course map")
    }
  }

  /// The lines of `page` outside its fenced code and output blocks.
  static func proseLines(_ page: String) -> [Substring] {
    var inFence = false
    return page.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
      if line.hasPrefix("```") {
        inFence.toggle()
        return false
      }
      return !inFence
    }
  }

  @Test func everyChapterCommitsAFullBudgetRunWhoseClaimsAllHold() throws {
    for chapter in try Self.chapters() {
      let results = try RecordedResults(
        contentsOf: Self.root.appendingPathComponent("Chapters/\(chapter)/results.json"))
      #expect(results.budget == "full", "\(chapter): results.json is from a --quick run")
      #expect(results.claims.count >= 8, "\(chapter): \(results.claims.count) claims")
      for claim in results.claims where !claim.holds {
        Issue.record("\(chapter) (\(claim.location)): \(claim.text)")
      }
    }
  }

  @Test func noPageLeavesAValueReferenceUnfilled() throws {
    for chapter in try Self.chapters() {
      let page = try Self.read("Chapters/\(chapter)/README.md")
      for line in Self.proseLines(page) {
        var rest = line[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}")
        {
          let name = rest[open.upperBound..<close.lowerBound]
          #expect(
            !Weaver.Records.isValidName(name), "\(chapter): {{\(name)}} left in the prose")
          rest = rest[close.upperBound...]
        }
      }
    }
  }

  @Test func everyChapterEndsWithASummaryAndExercises() throws {
    for chapter in try Self.chapters() {
      let prose = Self.proseLines(try Self.read("Chapters/\(chapter)/README.md"))
      #expect(prose.contains("## Summary"), "\(chapter): no Summary")
      #expect(prose.contains("## Exercises"), "\(chapter): no Exercises")
    }
  }

  /// A code cell shows one idea: no run of code between two prose blocks (folded or
  /// not) is longer than this, and no chapter helper waits on the main actor because it
  /// reaches for a global generator.
  static let longestCodeCell = 60

  @Test func noCodeCellIsLongerThanSixtyLinesAndGeneratorsArePassed() throws {
    for chapter in try Self.chapters() {
      let source = try Self.read("Chapters/\(chapter)/main.swift")
      for run in Weaver.Source(parsing: source).runs {
        let count = run.text.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(
          count <= Self.longestCodeCell,
          "\(chapter)/main.swift:\(run.lines.lowerBound): a code cell of \(count) lines")
      }
      #expect(!source.contains("@MainActor"), "\(chapter)/main.swift: a @MainActor helper")
    }
  }

  /// A comment in a code cell is shown as code, where nothing renders maths: it writes
  /// its formulas in plain Unicode (E[tanh²(σz)]), not in TeX ($\mathbb E[\tanh^2(\sigma z)]$).
  @Test func noCommentInACodeCellIsWrittenInTeX() throws {
    for chapter in try Self.chapters() {
      let source = try Self.read("Chapters/\(chapter)/main.swift")
      for run in Weaver.Source(parsing: source).runs {
        for (offset, line) in run.text.split(separator: "\n", omittingEmptySubsequences: false)
          .enumerated()
        {
          let code = line.drop { $0 == " " }
          guard code.hasPrefix("//"), !code.hasPrefix("//:") else { continue }
          #expect(
            !code.contains("$"),
            "\(chapter)/main.swift:\(run.lines.lowerBound + offset): TeX in a code comment")
        }
      }
    }
  }
}
