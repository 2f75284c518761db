import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// Parallel jobs: results in job order, equal to running the jobs in turn, and errors
/// reported from the lowest-numbered failing job.
@Suite struct ParallelTests {
  struct Failure: Error, Equatable { let job: Int }

  @Test func resultsComeBackInJobOrderAndEqualTheSerialRun() {
    var rng = Generator(seed: 141)
    let generators = (0..<9).map { _ in rng.fork() }
    @Sendable func job(_ k: Int) -> [Double] {
      var own = generators[k]
      return (0..<1000).map { _ in own.normal() }
    }
    let together = Parallel.map(generators.count, job)
    let inTurn = (0..<generators.count).map(job)
    #expect(together == inTurn)
  }

  @Test func emptyAndSingleJobListsWork() {
    #expect(Parallel.map(0) { $0 }.isEmpty)
    #expect(Parallel.map(1) { $0 + 7 } == [7])
  }

  @Test func theLowestNumberedFailureIsThrown() {
    #expect(throws: Failure(job: 2)) {
      try Parallel.map(6) { k throws(Failure) -> Int in
        if k == 2 || k == 4 { throw Failure(job: k) }
        return k
      }
    }
  }
}
