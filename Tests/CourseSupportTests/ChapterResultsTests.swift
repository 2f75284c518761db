import Foundation
import Testing

@testable import CourseSupport

/// The results file: its JSON, by hand-written expectations, and which failed claims
/// stop a run at which budget.
@Suite struct ChapterResultsTests {
  @Test func jsonKeepsSixSignificantDigitsAndTheOrderOfRecording() throws {
    var results = ChapterResults(chapter: "00-x", budget: "full", seed: 7)
    results.record("b", .number(1 / 3))
    results.record("a", .number(-0.0))
    results.record("big", .number(123_456_789))
    results.record("name", .text("say \"hi\"\n"))
    results.record("infinite", .number(-.infinity))
    results.record(
      .init(text: "It holds.", holds: true, atAnyBudget: false, location: "main.swift:3"))
    #expect(
      results.json == """
        {
          "chapter": "00-x",
          "budget": "full",
          "seed": 7,
          "values": {
            "b": 0.333333,
            "a": 0,
            "big": 1.23457e+08,
            "name": "say \\"hi\\"\\n",
            "infinite": "-inf"
          },
          "claims": [
            {"text": "It holds.", "holds": true, "atAnyBudget": false, "where": "main.swift:3"}
          ]
        }

        """)
    // It is JSON.
    let parsed = try JSONSerialization.jsonObject(with: Data(results.json.utf8)) as? [String: Any]
    #expect((parsed?["values"] as? [String: Any])?["name"] as? String == "say \"hi\"\n")
  }

  @Test func atTheQuickBudgetOnlyClaimsMarkedForAnyBudgetFail() {
    func results(_ budget: String) -> ChapterResults {
      var results = ChapterResults(chapter: "00-x", budget: budget, seed: 1)
      results.record(.init(text: "a", holds: false, atAnyBudget: false, location: "m:1"))
      results.record(.init(text: "b", holds: false, atAnyBudget: true, location: "m:2"))
      results.record(.init(text: "c", holds: true, atAnyBudget: true, location: "m:3"))
      return results
    }
    #expect(results("full").failedClaims.map(\.text) == ["a", "b"])
    #expect(results("quick").failedClaims.map(\.text) == ["b"])
  }

  @Test func labelsBecomeLowerCamelCaseNames() {
    #expect(ChapterResults.valueName("last-layer Laplace") == "lastLayerLaplace")
    #expect(ChapterResults.valueName("HMC (reference)") == "hmcReference")
    #expect(ChapterResults.valueName("Laplace, K-FAC") == "laplaceKFAC")
    #expect(ChapterResults.valueName("MC dropout") == "mcDropout")
  }
}
