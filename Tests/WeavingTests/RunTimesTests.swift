import Foundation
import Testing
import Weaving

/// The course map's run times: filled in from the chapters' totals, by hand-written pages.
@Suite struct RunTimesTests {
  @Test func fillsEveryMarkedTimeAndNothingElse() throws {
    let page = """
      | a | <sub>runs in <!-- run time: 01-a -->?<!-- /run time --></sub> |
      | b | runs in <!-- run time: 10-b -->47 s<!-- /run time --> and 3 s |

      """
    let filled = try RunTimes.filling(page, totals: ["01-a": 2.43, "10-b": 46.6, "11-c": 1])
    #expect(
      filled == """
        | a | <sub>runs in <!-- run time: 01-a -->2.4 s<!-- /run time --></sub> |
        | b | runs in <!-- run time: 10-b -->47 s<!-- /run time --> and 3 s |

        """)
    // Filling again changes nothing.
    #expect(try RunTimes.filling(filled, totals: ["01-a": 2.43, "10-b": 46.6]) == filled)
  }

  @Test func aMissingChapterOrAnUnclosedMarkNamesTheLine() {
    #expect(throws: RunTimes.Failure.noTime(chapter: "02-x", line: 2)) {
      try RunTimes.filling("x\n<!-- run time: 02-x -->1 s<!-- /run time -->", totals: [:])
    }
    #expect(throws: RunTimes.Failure.unclosed(line: 1)) {
      try RunTimes.filling("<!-- run time: 02-x -->1 s", totals: ["02-x": 1])
    }
  }

  @Test func readsTheTotalOfATimingsFile() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "timings-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data(#"{"chapter": "01-a", "seconds": {"fit": 0.5, "total": 1.870}}"#.utf8).write(to: url)
    #expect(RunTimes.total(inTimingsAt: url) == 1.87)
    #expect(RunTimes.total(inTimingsAt: url.appendingPathExtension("missing")) == nil)
  }

  @Test func showsTwoSignificantDigits() {
    #expect(RunTimes.shown(0.94) == "0.9 s")
    #expect(RunTimes.shown(9.94) == "9.9 s")
    #expect(RunTimes.shown(37.4) == "37 s")
  }
}
