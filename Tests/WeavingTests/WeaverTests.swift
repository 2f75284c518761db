import Foundation
import Testing

@testable import Weaving

/// The weaver on small literate files: how the source splits into prose and code runs,
/// how marked output is attributed to runs, and the page it makes.
@Suite struct WeaverTests {
  /// A small chapter; the line numbers matter (the markers below name them).
  static let source = #"""
    /*:
     # A small chapter

     Prose with $x^2$, $$\int f\,dx$$ and a nested /* comment */ in it.
     */
    import BayesianDL

    //: ## Setup
    //: Two prose lines.
    let a = 1
    func shout() { Narration.note("from a function") }
    /*:
     ## 1. Results
     */
    Narration.section("1. Results")
    Narration.result("a", 1)
    try figures.save(figure, name: "plot")
    Narration.note("after the plot")
    /* a comment /* nested */ and /*: not prose */ */
    let quiet = 2

    /*: Prose between two runs. */
    Narration.note("calling")
    shout()
    """#

  /// Marks a call site of `source` (line numbers as above).
  static func marker(_ line: Int, figure: String? = nil) -> String {
    Weaver.Marker(
      file: "small/main.swift", line: line, figure: figure.map { Weaver.FigureReference(file: $0) }
    ).text
  }

  /// What `source` printed with markers on, as the helpers print it.
  static let log =
    [
      marker(15), "", "== 1. Results ==",
      marker(16), "  a                                            = 1",
      marker(17, figure: "00-small-plot.png"),
      marker(18), "after the plot",
      marker(23), "calling",
      marker(11), "from a function",
    ].joined(separator: "\n") + "\n"

  @Test func sourceSplitsIntoProseAndCodeRunsWithTheirLines() {
    let parsed = Weaver.Source(parsing: Self.source)
    #expect(
      parsed.segments == [
        .prose(
          "# A small chapter\n\nProse with $x^2$, $$\\int f\\,dx$$ and a nested /* comment */ in it."
        ),
        .code(.init(text: "import BayesianDL", lines: 6...6)),
        .prose("## Setup\nTwo prose lines."),
        .code(
          .init(
            text: "let a = 1\nfunc shout() { Narration.note(\"from a function\") }",
            lines: 10...11)),
        .prose("## 1. Results"),
        .code(
          .init(
            text: """
              Narration.section("1. Results")
              Narration.result("a", 1)
              try figures.save(figure, name: "plot")
              Narration.note("after the plot")
              /* a comment /* nested */ and /*: not prose */ */
              let quiet = 2
              """, lines: 15...20)),
        .prose("Prose between two runs."),
        .code(.init(text: "Narration.note(\"calling\")\nshout()", lines: 23...24)),
      ])
  }

  @Test func pageInterleavesProseCodeOutputAndFigures() throws {
    let page = try Weaver(chapter: "00-small").page(source: Self.source, log: Self.log)
    let expected = #"""
      <!-- Generated from main.swift by `make` (Sources/weave); edit main.swift, not this page. -->

      # A small chapter

      > This page is woven from [`main.swift`](main.swift) by `make`: the chapter's prose, its code, and under each piece of code what it printed and drew. Run it yourself with `make 00` or `swift run -c release 00-small`.

      Prose with $`x^2`$, $`\int f\,dx`$ and a nested /* comment */ in it.

      ```swift
      import BayesianDL
      ```

      ## Setup
      Two prose lines.

      ```swift
      let a = 1
      func shout() { Narration.note("from a function") }
      ```

      ## 1. Results

      ```swift
      Narration.section("1. Results")
      Narration.result("a", 1)
      try figures.save(figure, name: "plot")
      Narration.note("after the plot")
      /* a comment /* nested */ and /*: not prose */ */
      let quiet = 2
      ```

      <sub>output</sub>

      ```text
      == 1. Results ==
        a                                            = 1
      ```

      ![plot](../../Figures/00-small-plot.png)

      <sub>output</sub>

      ```text
      after the plot
      ```

      Prose between two runs.

      ```swift
      Narration.note("calling")
      shout()
      ```

      <sub>output</sub>

      ```text
      calling
      from a function
      ```

      """#
    #expect(page == expected)
  }

  @Test func theHeaderNamesTheRunsArgumentsAndTheLinksUseThePrefix() throws {
    let weaver = Weaver(chapter: "00-small", figureLinkPrefix: "figs/", arguments: ["--quick"])
    let page = try weaver.page(source: Self.source, log: Self.log)
    #expect(page.contains("The output shown is from `00-small --quick`."))
    #expect(page.contains("![plot](figs/00-small-plot.png)"))
  }

  @Test func aChapterWithNoFiguresHasNoImageLinks() throws {
    let log = Self.log.split(separator: "\n").filter { !$0.contains("figure") }
      .joined(separator: "\n")
    let page = try Weaver(chapter: "00-small").page(source: Self.source, log: log)
    #expect(!page.contains("!["))
    // Without the figure in between, the run's output is one block.
    #expect(page.contains("```text\n== 1. Results ==\n  a   "))
    #expect(page.contains("= 1\nafter the plot\n```"))
  }

  @Test func aCodeRunWithNoOutputHasNoOutputBlock() throws {
    let page = try Weaver(chapter: "00-small").page(source: Self.source, log: Self.log)
    // The first two runs print nothing: each is followed directly by prose.
    #expect(page.contains("```swift\nimport BayesianDL\n```\n\n## Setup"))
    #expect(page.contains("\"from a function\") }\n```\n\n## 1. Results"))
    #expect(page.components(separatedBy: "```text").count - 1 == 3)
  }

  @Test func anEmptyLogWeavesTheSourceAlone() throws {
    let page = try Weaver(chapter: "00-small").page(source: Self.source, log: "")
    #expect(!page.contains("```text") && !page.contains("!["))
    #expect(page.components(separatedBy: "```swift").count - 1 == 4)
  }

  // MARK: Attribution

  static let parsed = Weaver.Source(parsing: source)

  @Test func aMarkerFromAFunctionDefinedEarlierStaysWithTheRunThatCalledIt() throws {
    let items = try Weaver.attribute(log: Self.log, to: Self.parsed)
    #expect(items[1].isEmpty)  // where `shout` is defined
    #expect(items[3] == [.text(["calling", "from a function"])])
  }

  /// A chapter that calls a function before the prose that defines it.
  static let forward = Weaver.Source(
    parsing: """
      Narration.section("1")
      later()
      /*: Prose. */
      func later() {
        Narration.note("from later")
      }
      Narration.note("end")
      """)

  @Test func aFunctionDefinedLaterDoesNotPullOutputForward() throws {
    #expect(Self.forward.declarationBodies == [4...6])
    let log = [Self.marker(1), "== 1 ==", Self.marker(5), "from later", Self.marker(7), "end"]
    let items = try Weaver.attribute(log: log.joined(separator: "\n"), to: Self.forward)
    #expect(items == [[.text(["== 1 ==", "from later"])], [.text(["end"])]])
  }

  @Test func outputFromAFunctionBeforeAnyTopLevelMarkerWaitsForOne() throws {
    let log = [Self.marker(5, figure: "f.png"), "early", Self.marker(7), "end"]
    let items = try Weaver.attribute(log: log.joined(separator: "\n"), to: Self.forward)
    #expect(items == [[], [.figure("f.png"), .text(["early", "end"])]])
    // With no top-level marker at all, the output stays with the function's run.
    let only = try Weaver.attribute(log: Self.marker(5) + "\nx", to: Self.forward)
    #expect(only == [[], [.text(["x"])]])
  }

  @Test func declarationBodiesAreTopLevelFunctionsTypesAndExtensions() {
    let parsed = Weaver.Source(
      parsing: """
        @MainActor func f(_ g: () -> Int = { 1 }) -> Int {
          g()
        }
        let c = { Narration.note("now") }()
        struct S {
          func m() {}
        }
        extension S { static let x = "func {" }
        let e = Kind.enum
        xs.map { $0 }
        final class K {
        }
        """)
    #expect(parsed.declarationBodies == [1...3, 5...7, 8...8, 11...12])
    #expect(parsed.isInDeclarationBody(2) && !parsed.isInDeclarationBody(4))
  }

  @Test func linesBeforeTheFirstMarkerGoToItsRun() throws {
    let log = ["early", Self.marker(18), "late"].joined(separator: "\n")
    let items = try Weaver.attribute(log: log, to: Self.parsed)
    #expect(items.map(\.isEmpty) == [true, true, false, true])
    #expect(items[2] == [.text(["early", "late"])])
  }

  @Test func markersFromLibraryFilesDoNotMoveAttribution() throws {
    let library = Weaver.Marker(file: "BayesianDL/Training.swift", line: 23).text
    let log = [Self.marker(16), "one", library, "two"].joined(separator: "\n")
    #expect(try Weaver.attribute(log: log, to: Self.parsed)[2] == [.text(["one", "two"])])
  }

  @Test func attributionNeverMovesBackwardsSoOutputKeepsItsOrder() throws {
    let log = [
      Self.marker(23), "a", Self.marker(6), "b", Self.marker(16), "c", Self.marker(24), "d",
    ].joined(separator: "\n")
    let items = try Weaver.attribute(log: log, to: Self.parsed)
    #expect(items[3] == [.text(["a", "b", "c", "d"])])
    #expect(items[0...2].allSatisfy { $0.isEmpty })
  }

  @Test func aMarkerOutsideEveryRunGoesToTheRunBeforeIt() throws {
    let log = [Self.marker(13), "x", Self.marker(999), "y"].joined(separator: "\n")
    let items = try Weaver.attribute(log: log, to: Self.parsed)
    #expect(items[1] == [.text(["x"])])
    #expect(items[3] == [.text(["y"])])
  }

  @Test func blankLinesAroundABlockAreTrimmedAndInsideKept() throws {
    let log = [
      Self.marker(15), "", "", "== 1 ==", "", "  r = 1", "", Self.marker(17, figure: "f.png"), "",
    ]
    .joined(separator: "\n")
    let items = try Weaver.attribute(log: log, to: Self.parsed)
    #expect(items[2] == [.text(["== 1 ==", "", "  r = 1"]), .figure("f.png")])
  }

  @Test func outputWithoutMarkersIsAnError() throws {
    #expect(throws: WeaverError.noMarkers) {
      try Weaver.attribute(log: "== 1 ==\n  a = 1\n", to: Self.parsed)
    }
    #expect(throws: WeaverError.outputWithoutCode) {
      try Weaver.attribute(log: "text\n", to: Weaver.Source(parsing: "/*: Prose only. */"))
    }
    #expect(try Weaver.attribute(log: "\n\n", to: Self.parsed).allSatisfy { $0.isEmpty })
  }

  @Test func progressRedrawsAndEscapesLeaveOnlyWhatATerminalShows() throws {
    let redrawn =
      "\r  fit [##..] 1/2 loss 3\u{1B}[K\r  fit [####] 2/2 loss 1\u{1B}[K\r\u{1B}[K  r = 1"
    #expect(Weaver.visibleText(Substring(redrawn)) == "  r = 1")
    #expect(Weaver.visibleText("\u{1B}[1;31mred\u{1B}[0m text") == "red text")
    let windows = [Self.marker(16), "one", "two"].joined(separator: "\r\n")
    #expect(try Weaver.attribute(log: windows, to: Self.parsed)[2] == [.text(["one", "two"])])
    let marker = Self.marker(16)
    let log = "\r  fit [####] 2/2\u{1B}[K\r\u{1B}[K" + marker + "\nvalue\n"
    #expect(try Weaver.attribute(log: log, to: Self.parsed)[2] == [.text(["value"])])
  }

  // MARK: Markers

  @Test func markersRoundTripAndOrdinaryLinesAreNotMarkers() {
    let plain = Weaver.Marker(file: "01_x/main.swift", line: 42)
    let figure = Weaver.Marker(file: "01_x/main.swift", line: 7, figure: "01-x-a b.png")
    #expect(Weaver.Marker(parsing: plain.text) == plain)
    #expect(Weaver.Marker(parsing: figure.text) == figure)
    #expect(plain.text.hasPrefix("\u{1F}weave "))
    #expect(
      plain.isFromChapterSource
        && !Weaver.Marker(file: "BayesianDL/N.swift", line: 1).isFromChapterSource)
    for line in [
      "weave main.swift:1", "== 1 ==", "\u{1F}weave main.swift", "\u{1F}weave main.swift:x",
      "\u{1F}weave main.swift:1 extra", "\u{1F}weave main.swift:1 figure ",
    ] {
      #expect(Weaver.Marker(parsing: line) == nil, "\(line)")
    }
  }

  @Test func markersAreOffUnlessTheEnvironmentSaysOne() {
    let value = ProcessInfo.processInfo.environment[Weaver.Marker.environmentVariable]
    #expect(Weaver.Marker.isEnabled == (value == "1"))
  }

  // MARK: Markup edge cases

  @Test func lineProseNeedsOnlyWhitespaceBeforeItAndConsecutiveLinesJoin() {
    let parsed = Weaver.Source(
      parsing: """
          //: Indented prose.
        //:Without a space.
        //:
        //: After an empty prose line.
        let x = 1 //: a trailing comment, code
        // //: a comment, code

        //: A second block.
        """)
    #expect(
      parsed.segments == [
        .prose("Indented prose.\nWithout a space.\n\nAfter an empty prose line."),
        .code(
          .init(
            text: "let x = 1 //: a trailing comment, code\n// //: a comment, code", lines: 5...6)),
        .prose("A second block."),
      ])
    // Prose blocks with only blank code between them are one block.
    #expect(
      Weaver.Source(parsing: "/*: Block. */\n//:\n//: Line.\n\n//: Another.\n").segments == [
        .prose("Block.\n\nLine.\n\nAnother.")
      ])
  }

  @Test func blockProseLosesItsCommonIndentationOnly() {
    let parsed = Weaver.Source(
      parsing: """
        /*:
           - a list
             - nested

               code in prose
           */
        """)
    #expect(parsed.segments == [.prose("- a list\n  - nested\n\n    code in prose")])
  }

  @Test func nestedCommentsInProseAndCodeBalance() {
    let parsed = Weaver.Source(
      parsing: """
        /*: prose /* one /* two */ */ still prose */
        code() /* comment /*: nested, not prose */ */ more()
        /* /* */ /*: still a comment */ */
        last()
        """)
    #expect(
      parsed.segments == [
        .prose("prose /* one /* two */ */ still prose"),
        .code(
          .init(
            text: """
              code() /* comment /*: nested, not prose */ */ more()
              /* /* */ /*: still a comment */ */
              last()
              """, lines: 2...4)),
      ])
  }

  @Test func stringLiteralsHideWouldBeProse() {
    let source = #"""
      let a = "/*: not prose */ \(f("//: nor this")) \" /*: nor this"
      let b = #"raw "/*: not prose" \(x) "#
      let c = """
        //: not prose
        /*: not prose */
        """
      //: prose
      """#
    let parsed = Weaver.Source(parsing: source)
    #expect(parsed.segments.count == 2)
    #expect(parsed.runs.first?.lines == 1...6)
    #expect(parsed.segments.last == .prose("prose"))
  }

  @Test func aProseBlockAfterCodeOnTheSameLineSplitsTheLine() {
    let parsed = Weaver.Source(parsing: "f() /*: Prose. */ g()\n")
    #expect(
      parsed.segments == [
        .code(.init(text: "f()", lines: 1...1)), .prose("Prose."),
        .code(.init(text: "g()", lines: 1...1)),
      ])
  }

  @Test func malformedSourcesNeverCrash() throws {
    let text = Self.source + #"\n let s = "open \( /*: "" """ #" /* never closed "#
    // Every prefix: unterminated comments, strings and interpolations at every point.
    var index = text.startIndex
    while index < text.endIndex {
      let parsed = Weaver.Source(parsing: String(text[..<index]))
      _ = try Weaver(chapter: "00-small").page(source: String(text[..<index]), log: "")
      #expect(parsed.runs.allSatisfy { $0.lines.lowerBound >= 1 })
      index = text.index(after: index)
    }
    #expect(Weaver.Source(parsing: "").segments.isEmpty)
    #expect(Weaver.Source(parsing: "/*:").segments.isEmpty)
    #expect(Weaver.Source(parsing: "/*: open prose").segments == [.prose("open prose")])
  }

  @Test func fencesOutgrowBackticksInTheirContent() {
    #expect(Weaver.fenced("a\nb", language: "text") == "```text\na\nb\n```")
    #expect(Weaver.fenced("x ```` y", language: "swift") == "`````swift\nx ```` y\n`````")
  }

  // MARK: Values and claims

  /// A one-run chapter whose prose quotes a value and states a claim.
  static let claiming = """
    /*: The gap is {{gap}}; TeX's {{\\alpha}} stays. The bound is tight to {{gap}}. */
    Narration.note("run")
    """

  /// Its log: the records and one printed line.
  static func claimingLog(claim: String = "The bound is tight to {{gap}}.") -> String {
    [
      Weaver.Records.valueLine(name: "gap", text: "3e-15"), marker(2), "run",
      Weaver.Records.claimLine(text: claim, holds: true),
    ].joined(separator: "\n")
  }

  @Test func proseShowsRecordedValuesAndRecordsAreNotOutput() throws {
    let page = try Weaver(chapter: "00-x").page(source: Self.claiming, log: Self.claimingLog())
    #expect(
      page.contains("The gap is 3e-15; TeX's {{\\alpha}} stays. The bound is tight to 3e-15."))
    #expect(page.contains("```text\nrun\n```"))
    #expect(!page.contains("value gap") && !page.contains("claim holds"))
  }

  @Test func aValueTheRunDidNotRecordIsAnError() {
    #expect(throws: WeaverError.unknownValue("gap")) {
      try Weaver(chapter: "00-x").page(source: Self.claiming, log: Self.marker(2) + "\nrun")
    }
  }

  @Test func aClaimTheProseDoesNotStateIsAnError() {
    #expect(throws: WeaverError.claimNotStated("The bound is loose by 3e-15.")) {
      try Weaver(chapter: "00-x").page(
        source: Self.claiming, log: Self.claimingLog(claim: "The bound is loose by {{gap}}."))
    }
  }

  @Test func aClaimStatedOnlyInTheCodeIsNotStated() {
    // The claim's sentence stands in the code run (as chapter.claim's argument) but not
    // in the prose: the check reads the prose only.
    let source = """
      /*: Prose. */
      chapter.claim("It holds.", true)
      """
    let log = [Self.marker(2), Weaver.Records.claimLine(text: "It holds.", holds: true)]
    #expect(throws: WeaverError.claimNotStated("It holds.")) {
      try Weaver(chapter: "00-x").page(source: source, log: log.joined(separator: "\n"))
    }
  }

  @Test func claimsMatchAcrossLineBreaksOfTheProse() throws {
    let source = "/*:\n The bound is\n   tight to {{gap}}.\n */\nNarration.note(\"run\")\n"
    let log = Self.claimingLog().replacingOccurrences(of: Self.marker(2), with: Self.marker(5))
    _ = try Weaver(chapter: "00-x").page(source: source, log: log)
  }

  @Test func aRunThatStartsWithAFoldCommentIsFoldedUnderItsSummary() {
    #expect(
      Weaver.codeBlock("// fold: the table's layout\nlet a = 1\nlet b = 2")
        == "<details><summary>the table's layout</summary>\n\n```swift\nlet a = 1\nlet b = 2\n```\n\n</details>"
    )
    #expect(
      Weaver.codeBlock("let a = 1 // fold: not first")
        == "```swift\nlet a = 1 // fold: not first\n```")
  }

}
