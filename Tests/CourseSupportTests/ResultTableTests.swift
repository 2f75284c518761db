import BayesianDL
import Foundation
import Testing

@testable import CourseSupport

/// A results table: the cells it prints and the values it records, by hand.
@Suite struct ResultTableTests {
  @Test func printsEveryCellAndRecordsTheNamedColumns() throws {
    var table = ResultTable(
      "method",
      columns: [.init("RMSE", as: "rmse"), .init("note"), .init("NLL", as: "nll", digits: 2)])
    table.add(
      "MC dropout",
      [
        .estimate(MeanEstimate(mean: 2.97123, standardError: 0.1912)), .text("tuned"),
        .number(1.234),
      ])
    table.add("deep ensemble", as: "ensemble", [.missing, .missing, .number(-0.5)])
    #expect(
      table.printedRows == [
        ["MC dropout", "2.97 ± 0.19", "tuned", "1.2"], ["deep ensemble", "–", "–", "-0.5"],
      ])

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "result-table-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let chapter = try Chapter(
      slug: "00-x", options: ChapterOptions.parse(["--figures", directory.path]))
    chapter.show(table)
    #expect(
      chapter.results.values.map(\.name) == [
        "mcDropout.rmse", "mcDropout.rmseSE", "mcDropout.nll", "ensemble.nll",
      ])
    #expect(chapter.number("mcDropout.rmse") == 2.97123)
    #expect(chapter.number("mcDropout.rmseSE") == 0.1912)
    #expect(chapter.number("ensemble.nll") == -0.5)
  }

  @Test func plusMinusShowsTheMeanAndItsError() {
    #expect(
      Narration.format(MeanEstimate(mean: -3.04123, standardError: 0.0213)) == "-3.04 ± 0.021")
    #expect(Narration.format(0.969, plusMinus: 0.0123, digits: 2, spreadDigits: 1) == "0.97 ± 0.01")
  }
}
