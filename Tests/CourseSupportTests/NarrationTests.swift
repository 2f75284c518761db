import Foundation
import Testing

@testable import CourseSupport

/// The chapter helpers: command-line options, budgets and number formatting.
@Suite struct NarrationTests {
  @Test func chapterOptionsParseSeedQuickAndFigures() throws {
    let defaults = try ChapterOptions.parse([])
    #expect(defaults.seed == 1 && !defaults.quick && defaults.figures == "Figures")
    let options = try ChapterOptions.parse(["--seed", "7", "--quick", "--figures", "/tmp/figs"])
    #expect(options.seed == 7)
    #expect(options.quick)
    #expect(options.figures == "/tmp/figs")
  }

  @Test func chapterOptionsRejectBadValues() {
    #expect(throws: (any Error).self) { try ChapterOptions.parse(["--seed", "minus-one"]) }
    #expect(throws: (any Error).self) { try ChapterOptions.parse(["--no-such-flag"]) }
    #expect(throws: (any Error).self) { try ChapterOptions.parse(["--figures", ""]) }
    // A figures path that names an existing file, not a directory.
    #expect(throws: (any Error).self) { try ChapterOptions.parse(["--figures", "/dev/null"]) }
  }

  @Test func budgetPicksTheQuickValueOnlyUnderQuick() throws {
    #expect(try ChapterOptions.parse([]).budget(1000, quick: 10) == 1000)
    #expect(try ChapterOptions.parse(["--quick"]).budget(1000, quick: 10) == 10)
  }

  @Test func narrationFormatsSignificantDigits() {
    #expect(Narration.format(3.14159265) == "3.142")
    #expect(Narration.format(1_234_567, digits: 3) == "1.23e+06")
    #expect(Narration.format(0.000_123_45, digits: 2) == "0.00012")
  }

  @Test func resultNamesWithCombiningMarksAreNeverCut() {
    let name = "largest |H[p̄] − E H[p_s] − mean KL(p_s ‖ p̄)|"  // 44 characters, 46 UTF-16 units
    #expect(Narration.padded(name) == name)
    #expect(Narration.padded("p̄").count == 44)
    #expect(Narration.padded("p̄").hasPrefix("p̄ "))
  }
}
