import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 10 at its full budget (its claims are about converged chains and trained
/// models) and with `--quick`; each claim of the prose checked on the printed tables.
@Suite("Chapter 10: every approximation against HMC", .serialized)
struct Chapter10Tests {
  static let chapter = "10-hmc-reference"
  static let fullRun = ChapterRun.full(chapter)
  static let figureNames = ["regression", "moons", "summary"]
  static let meanField = [
    "mean field (Bayes by Backprop)", "mean field, local reparameterisation", "mean field, Flipout",
  ]

  func run() throws -> ChapterRun { try Self.fullRun.get().run }

  /// The numbers at the end of the row of the table headed `header` whose name starts
  /// with `name`.
  func row(_ run: ChapterRun, _ header: String, _ name: String, last count: Int) throws -> [Double]
  {
    let cells = try #require(
      run.table(startingWith: header).first { $0.joined(separator: " ").hasPrefix(name) },
      "no row '\(name)' in the table '\(header)'")
    return try cells.suffix(count).map { try #require(Double($0), "\(cells)") }
  }

  /// Regression columns: 0 W2, 1 W2 far, 2 sd at −6, 3 sd at 6, 4 test log-lik., 5 cover,
  /// 6 fit s, 7 predict s.
  func regression(_ run: ChapterRun, _ name: String) throws -> [Double] {
    try row(run, "method", name, last: 8)
  }

  /// Moons columns: 0 TV, 1 TV far, 2 accuracy, 3 test log-lik., 4 ECE, 5 fit s, 6 predict s.
  func moons(_ run: ChapterRun, _ name: String) throws -> [Double] {
    let cells = try #require(
      run.table(startingWith: "method").isEmpty
        ? nil
        : secondMethodTable(run)
          .first { $0.joined(separator: " ").hasPrefix(name) }, "no moons row '\(name)'")
    return try cells.suffix(7).map { try #require(Double($0), "\(cells)") }
  }

  /// The rows of the second table headed "method" (the moons one).
  func secondMethodTable(_ run: ChapterRun) -> [[String]] {
    let lines = run.output.split(separator: "\n").map(String.init)
    let headers = lines.indices.filter {
      lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix("method ")
    }
    guard headers.count == 2 else { return [] }
    return lines[(headers[1] + 2)...].prefix { !$0.contains(" = ") && !$0.isEmpty }
      .map { $0.split(separator: " ").map(String.init) }
  }

  let others = [
    "MAP", "mean field (Bayes by Backprop)", "mean field, local reparameterisation",
    "mean field, Flipout", "MC dropout", "deep ensemble", "Laplace, diagonal", "Laplace, K-FAC",
    "Laplace, full", "Laplace, last layer", "Bayesian last layer", "SGLD",
  ]

  @Test func fullRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.fullRun.get()
    try run.expectSuccess(Self.chapter, figures: Self.figureNames, in: figures)
    #expect(secondMethodTable(run).count == 13)
  }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try ChapterRun.quick(Self.chapter).get()
    try run.expectSuccess(Self.chapter, figures: Self.figureNames, in: figures)
  }

  // MARK: 1. The reference

  @Test func theChainsAgreeAtEveryProbe() throws {
    let run = try run()
    #expect(try run.value("largest split R̂ over the regression probes") < 1.01)
    #expect(try run.value("largest split R̂ over the moons probes") < 1.01)
    for cells in run.table(startingWith: "prediction").prefix(4) {
      #expect(try #require(Double(cells.last!)) > 200, "ESS \(cells)")
    }
    for cells in run.table(startingWith: "chain").prefix(4) {  // the regression chains
      let acceptance = try #require(Double(cells[1]))
      #expect(acceptance > 0.8 && acceptance < 0.99)
      let step = try #require(Double(cells[2]))
      #expect(abs(step - 0.004) < 0.001, "the regression step stays near 0.004")
      #expect(abs(try #require(Double(cells[3])) - 270) < 30)
      #expect(cells[4] == "0", "no divergent transitions")
    }
    let evaluations = try run.value("HMC gradient evaluations, all chains, regression")
    #expect(evaluations > 0.9e6 && evaluations < 1.3e6, "about a million")
  }

  // MARK: 2. Regression

  @Test func meanFieldAndDropoutAreFartherThanMAPBecauseTheKLWins() throws {
    let run = try run()
    let map = try regression(run, "MAP")
    for name in Self.meanField + ["MC dropout"] {
      let r = try regression(run, name)
      #expect(r[0] > 2 * map[0], "\(name) W2 \(r[0]) vs MAP \(map[0])")
      #expect(r[4] < map[4])
    }
    let lowest = try others.map { try regression(run, $0)[4] }.min()!
    #expect(try regression(run, "MC dropout")[4] == lowest, "dropout: the worst test log-lik.")
    #expect(try abs(run.value("mean field: KL(q ‖ p) at the end of training (nats)") - 180) < 10)
    #expect(
      try abs(
        run.value("mean field: expected negative log-likelihood, summed over the data (nats)") - 200
      )
        < 10)
    #expect(try run.value("MAP network: negative log-likelihood, summed over the data (nats)") < 0)
  }

  @Test func theRestSitTogetherOrderedByHowMuchShapeTheyKeep() throws {
    let run = try run()
    let cluster = [
      "MAP", "deep ensemble", "Laplace, diagonal", "Laplace, K-FAC", "Laplace, full",
      "Laplace, last layer", "Bayesian last layer", "SGLD",
    ]
    for name in cluster {
      let w = try regression(run, name)[0]
      #expect(w > 0.28 && w < 0.5, "\(name): \(w)")
    }
    let full = try regression(run, "Laplace, full")[0]
    let kfac = try regression(run, "Laplace, K-FAC")[0]
    #expect(full < kfac)
    #expect(try kfac < regression(run, "Laplace, last layer")[0])
    #expect(try kfac < regression(run, "Laplace, diagonal")[0])
    let sgld = try regression(run, "SGLD")[0]
    #expect(abs(sgld - full) < 0.03, "SGLD as close as full Laplace")
    #expect(try others.map { try regression(run, $0)[0] }.min()! == sgld, "SGLD: the closest")
  }

  @Test func farFromTheDataOnlyFullLaplaceIsWiderThanHMC() throws {
    let run = try run()
    let hmc = try regression(run, "HMC")
    #expect(abs(hmc[2] - 1.2) < 0.1 && abs(hmc[3] - 1.2) < 0.1)
    for name in others {
      let r = try regression(run, name)
      if name == "Laplace, full" {
        #expect(r[2] > hmc[2] && r[3] > hmc[3] && abs(r[3] - 1.6) < 0.1)
      } else {
        #expect(r[2] < hmc[2] && r[3] < hmc[3], "\(name)")
      }
    }
    for name in ["Laplace, K-FAC", "Laplace, last layer", "Bayesian last layer", "SGLD"] {
      let sd = try regression(run, name)[3]
      #expect(sd > 0.4 * hmc[3] && sd < 0.7 * hmc[3], "\(name): about half")
    }
    for name in ["deep ensemble", "MAP", "MC dropout"] {
      #expect(try regression(run, name)[3] < 0.3, "\(name): near the noise level 0.2")
    }
  }

  @Test func hmcCostsTensOfTimesTheOthers() throws {
    let run = try run()
    let hmc = try regression(run, "HMC")[6]
    let otherFits = try others.map { try regression(run, $0)[6] }
    #expect(hmc > 10 * otherFits.max()!, "regression")
    #expect(try hmc > 15 * regression(run, "MAP")[6])
    #expect(try hmc > 5 * regression(run, "SGLD")[6])
    let moonsHMC = try moons(run, "HMC")[5]
    #expect(try moonsHMC > 5 * others.map { try moons(run, $0)[5] }.max()!, "moons")
    #expect(try moonsHMC > 15 * moons(run, "MAP")[5])
    // Laplace is the MAP network plus milliseconds.
    for name in ["Laplace, diagonal", "Laplace, K-FAC", "Laplace, full", "Laplace, last layer"] {
      #expect(try regression(run, name)[6] - regression(run, "MAP")[6] < 0.05)
    }
  }

  // MARK: 3. Two moons

  @Test func meanFieldOnTheMoonsDependsOnTheRun() throws {
    let run = try run()
    let distances = try Self.meanField.map { try moons(run, $0)[0] }
    #expect(distances.max()! / distances.min()! > 3)
    #expect(try moons(run, "mean field, Flipout")[0] == others.map { try moons(run, $0)[0] }.min()!)
    for name in Self.meanField.prefix(2) {
      let accuracy = try moons(run, name)[2]
      #expect(accuracy > 0.86 && accuracy < 0.93, "\(name)")
    }
    #expect(try moons(run, "mean field, Flipout")[2] > 0.95)
  }

  @Test func laplaceOrderAndTheDiagonalsOddPlace() throws {
    let run = try run()
    let full = try moons(run, "Laplace, full")
    let kfac = try moons(run, "Laplace, K-FAC")
    let diagonal = try moons(run, "Laplace, diagonal")
    let ensemble = try moons(run, "deep ensemble")
    #expect(full[0] < kfac[0] && kfac[0] < ensemble[0] && kfac[0] < diagonal[0])
    #expect(try ensemble[0] < moons(run, "Laplace, last layer")[0])
    // The diagonal: closest far from the data, worst calibrated on the test points.
    #expect(try others.map { try moons(run, $0)[1] }.min()! == diagonal[1])
    #expect(try others.map { try moons(run, $0)[4] }.max()! == diagonal[4])
    #expect(abs(diagonal[4] - 0.17) < 0.01)
  }

  // MARK: 4. Against the notes and Izmailov et al.

  @Test func theSummaryRowsHold() throws {
    let run = try run()
    // Full GLM Laplace is second-closest on both problems.
    let regressionOrder = try others.sorted { try regression(run, $0)[0] < regression(run, $1)[0] }
    let moonsOrder = try others.sorted { try moons(run, $0)[0] < moons(run, $1)[0] }
    #expect(regressionOrder[1] == "Laplace, full" && moonsOrder[1] == "Laplace, full")
    // MC dropout in the bottom half on both.
    #expect(regressionOrder.firstIndex(of: "MC dropout")! >= 6)
    #expect(moonsOrder.firstIndex(of: "MC dropout")! >= 6)
    // The mean field farthest on the regression.
    #expect(Set(regressionOrder.suffix(4)) == Set(Self.meanField + ["MC dropout"]))
    // The ensemble is little closer than the MAP network.
    let (ensemble, map) = try (regression(run, "deep ensemble")[0], regression(run, "MAP")[0])
    #expect(ensemble < map && map - ensemble < 0.05)
    // SGLD: mid-table on the moons.
    let sgld = moonsOrder.firstIndex(of: "SGLD")!
    #expect(sgld >= 4 && sgld <= 9)
  }

  @Test func ensemblesAreCloserThanMeanFieldAsIzmailovFound() throws {
    let run = try run()
    let ensemble = try regression(run, "deep ensemble")[0]
    let closestMeanField = try Self.meanField.map { try regression(run, $0)[0] }.min()!
    #expect(closestMeanField / ensemble > 2.5 && closestMeanField / ensemble < 3.5)
    let moonsEnsemble = try moons(run, "deep ensemble")[0]
    let beaten = try Self.meanField.filter { try moons(run, $0)[0] > moonsEnsemble }
    #expect(beaten.count == 2 && !beaten.contains("mean field, Flipout"))
  }
}
