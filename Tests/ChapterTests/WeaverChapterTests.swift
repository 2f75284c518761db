import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 1 run with weave markers on and woven into its page: the markers change
/// nothing else, every figure is linked once, and every section heading sits under the
/// code that printed it.
@Suite("Weaver: chapter 1 woven end to end", .serialized)
struct WeaverChapterTests {
  static let chapter = "01-bnn-definition"

  /// One quick run with markers on, shared by the checks below.
  static let markedRun = ChapterRun.withFigures(
    chapter, ["--quick"], environment: [Weaver.Marker.environmentVariable: "1"])

  /// The chapter's source, read from the repository.
  static func source() throws -> String {
    let root = Repository.root
    return try String(
      contentsOf: root.appendingPathComponent("Chapters/\(chapter)/main.swift"), encoding: .utf8)
  }

  /// The woven page of the marked run.
  static func page() throws -> String {
    let (run, _) = try markedRun.get()
    #expect(run.status == 0, "stderr: \(run.errors)")
    return try Weaver(chapter: chapter, arguments: ["--quick"]).page(
      source: source(), log: run.output)
  }

  @Test func markersOnlyAddLinesAndAreOffByDefault() throws {
    let marked = try Self.markedRun.get().run
    let plain = try Chapter01Tests.quickRun.get().run
    #expect(
      !plain.output.contains("\u{1F}"),
      "markers printed without \(Weaver.Marker.environmentVariable)")
    // Everything but the measured timings and the figures path matches to the byte.
    func untimed(_ text: String) -> [Substring] {
      text.split(separator: "\n", omittingEmptySubsequences: false).filter {
        !$0.contains("µs") && !$0.contains("figures in")
      }
    }
    let withoutMarkers = marked.output.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.hasPrefix(Weaver.Marker.prefix) }.joined(separator: "\n")
    #expect(untimed(withoutMarkers) == untimed(plain.output))
    let markers = marked.output.split(separator: "\n").compactMap { Weaver.Marker(parsing: $0) }
    #expect(markers.count > 20)
    #expect(markers.allSatisfy { $0.isFromChapterSource })
    #expect(!marked.output.contains("\r"), "a progress line was drawn into the output")
  }

  @Test func everyFigureIsLinkedOnce() throws {
    let (_, figures) = try Self.markedRun.get()
    let page = try Self.page()
    let names = try FileManager.default.contentsOfDirectory(atPath: figures.path)
      .filter { $0.hasSuffix(".gp") }.map { String($0.dropLast(3)) }
    #expect(names.count == 4)
    for name in names {
      let link = "](../../Figures/\(name).png)"
      #expect(page.components(separatedBy: link).count - 1 == 1, "\(name) linked how often?")
    }
    #expect(page.components(separatedBy: "![").count - 1 == names.count)
  }

  @Test func everySectionHeadingSitsUnderTheCodeThatPrintedIt() throws {
    let blocks = Self.fencedBlocks(try Self.page())
    var lastCode: String?
    var headings = 0
    for block in blocks {
      if block.language == "swift" {
        lastCode = block.body
        continue
      }
      for line in block.body.split(separator: "\n")
      where line.hasPrefix("== ") && line.hasSuffix(" ==") {
        let title = line.dropFirst(3).dropLast(3)
        #expect(
          lastCode?.contains("Narration.section(\"\(title)\")") == true,
          "\(line) is not under its Narration.section call")
        headings += 1
      }
    }
    // Every section the source opens printed its heading; a block that held only a
    // heading is dropped from the page (the prose's heading shows it), so the page may
    // show fewer, but never a block of headings alone.
    let sections = try Self.source().components(separatedBy: "Narration.section(").count - 1
    let printed = try Self.markedRun.get().run.output.split(separator: "\n")
      .filter { $0.hasPrefix("== ") && $0.hasSuffix(" ==") }.count
    #expect(printed == sections && sections >= 4)
    #expect(headings <= sections)
    for block in blocks where block.language == "text" {
      let lines = block.body.split(separator: "\n").map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      #expect(
        !lines.allSatisfy { $0.isEmpty || ($0.hasPrefix("== ") && $0.hasSuffix(" ==")) },
        "an output block holds only headings: \(block.body)")
    }
  }

  @Test func thePageHasACodeBlockPerRunAndNoMarkers() throws {
    let page = try Self.page()
    let runs = Weaver.Source(parsing: try Self.source()).runs
    #expect(Self.fencedBlocks(page).filter { $0.language == "swift" }.count == runs.count)
    #expect(!page.contains("\u{1F}"))
    #expect(page.contains("The output shown is from `01-bnn-definition --quick`."))
  }

  /// The fenced blocks of a page, in order, with their info strings.
  static func fencedBlocks(_ page: String) -> [(language: String, body: String)] {
    var blocks = [(language: String, body: String)]()
    var open: (language: String, lines: [Substring])?
    for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
      if let current = open {
        if line == "```" {
          blocks.append((current.language, current.lines.joined(separator: "\n")))
          open = nil
        } else {
          open?.lines.append(line)
        }
      } else if line.hasPrefix("```") {
        open = (String(line.dropFirst(3)), [])
      }
    }
    return blocks
  }
}
