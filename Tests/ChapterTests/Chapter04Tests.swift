import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 4 run end to end with `--quick`; the orderings the theory guarantees checked on
/// the printed numbers.
@Suite("Chapter 4: local reparameterisation and Flipout", .serialized)
struct Chapter04Tests {
  static let chapter = "04-local-reparameterization"
  static let quickRun = ChapterRun.quick(chapter)

  func run() throws -> ChapterRun { try Self.quickRun.get().run }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.quickRun.get()
    try run.expectSuccess(Self.chapter, figures: ["gradient-variance"], in: figures)
  }

  @Test func everyEstimatorMatchesTheExactMomentsAndOnlyTheSharedSampleCorrelates() throws {
    let rows = try run().table(startingWith: "estimator")
    #expect(rows.count == 4)
    for row in rows {
      let correlation = try #require(Double(row[row.count - 1]))
      let meanZ = try #require(Double(row[row.count - 3]))
      let varianceZ = try #require(Double(row[row.count - 2]))
      // The largest of 12 |z| values: 4.5 leaves room for the maximum, not just one.
      #expect(meanZ < 4.5 && varianceZ < 4.5, "\(row)")
      if row.joined(separator: " ").hasPrefix("one shared") {
        #expect(abs(correlation) > 0.1, "\(row)")
      } else {
        #expect(abs(correlation) < 0.06, "\(row)")
      }
    }
  }

  @Test func gradientVariancesAreOrderedAsTheTheorySays() throws {
    let run = try run()
    let none = try run.value("variance: no noise (mean weights)")
    let local = try run.value("variance: local reparameterisation")
    let flipout = try run.value("variance: Flipout")
    let separate = try run.value("variance: separate weights per example")
    let shared = try run.value("variance: one shared weight sample")
    #expect(none < local && none < separate && none < flipout)
    #expect(local < shared && separate < shared && flipout < shared)
    #expect(abs(local / separate - 1) < 0.5, "local \(local) vs separate \(separate)")
  }
}
