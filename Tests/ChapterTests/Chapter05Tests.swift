import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 5 run end to end with `--quick`, its claims checked on the printed numbers;
/// the confidence cap of dropout on the logits checked exactly on a network built for it.
@Suite("Chapter 5: MC dropout, deep ensembles, heteroscedastic regression", .serialized)
struct Chapter05Tests {
  static let chapter = "05-mc-dropout"
  static let quickRun = ChapterRun.quick(chapter)

  func run() throws -> ChapterRun { try Self.quickRun.get().run }

  /// The last `count` cells of a table row as numbers (names may span several cells).
  func numbers(_ row: [String], last count: Int) throws -> [Double] {
    try row.suffix(count).map { try #require(Double($0), "\(row)") }
  }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.quickRun.get()
    try run.expectSuccess(
      Self.chapter, figures: ["passes", "dropout-rate", "confidence-maps", "heteroscedastic"],
      in: figures)
  }

  @Test func mcAveragingKeepsTheAccuracyAndCostsSomeNLLOnTestPoints() throws {
    let rows = try run().table(startingWith: "prediction")
    #expect(rows.count == 2)
    let averaged = try numbers(rows[0], last: 3)  // accuracy, NLL, ECE
    let mc = try numbers(rows[1], last: 3)
    #expect(abs(averaged[0] - mc[0]) < 0.02)
    #expect(mc[1] > averaged[1])
  }

  @Test func theMonteCarloErrorFollowsTheOneOverRootTLaw() throws {
    let rows = try run().table(startingWith: "passes")
    #expect(rows.count == 9)
    for row in rows {
      let ratio = try numbers(row, last: 1)[0]  // measured / predicted
      // Each measured RMS error pools 3 × 500 squared errors: its relative spread is a
      // few per cent, so a ratio outside [0.75, 1.33] would mean the law fails.
      #expect(ratio > 0.75 && ratio < 1.33, "\(row)")
    }
  }

  @Test func noDropoutMeansNoMutualInformationAndAnyDropoutGivesMoreFarAway() throws {
    let rows = try run().table(startingWith: "rate")
    #expect(rows.count == 6)
    var farInformation = [Double]()
    for row in rows {
      let v = try numbers(row, last: 6)  // rate, accuracy, NLL, MI test, MI far, confidence
      if v[0] == 0 {
        #expect(v[3] < 1e-12 && v[4] < 1e-12, "\(row)")
      } else {
        #expect(v[4] > v[3], "\(row)")
      }
      farInformation.append(v[4])
    }
    #expect(farInformation.last! > farInformation[1])
  }

  @Test func dropoutOnTheLogitsStaysUnderItsCapAndInflatesInDistributionMI() throws {
    let run = try run()
    let bound = try run.value("bound 1 − p^C (1 − 1/C)")
    #expect(abs(bound - 0.875) < 1e-12)
    #expect(try run.value("mean test confidence, note 000's model") < bound)
    #expect(try run.value("MI on test points, note 000 over ours") > 1.5)
    #expect(try run.value("far / test MI, note 000") < run.value("far / test MI, ours"))
  }

  @Test func aSingleNetworkIsTheMostConfidentFarAwayAndHasNoEpistemicTerm() throws {
    let run = try run()
    let single = try run.value("confidence far away, single MAP network")
    #expect(try single > run.value("confidence far away, MC dropout"))
    #expect(try single > run.value("confidence far away, deep ensemble"))
    #expect(try run.value("MI far away, deep ensemble") > 0)
    #expect(try run.value("MI far away, MC dropout") > run.value("MI far away, deep ensemble"))
    let rows = run.table(startingWith: "model")
    #expect(rows.count == 3)
    let accuracies = try rows.map { try numbers($0, last: 9)[0] }
    #expect(accuracies.max()! - accuracies.min()! < 0.06, "\(accuracies)")
    #expect(try numbers(rows[0], last: 9)[4] == 0)  // the single network's MI
  }

  @Test func heteroscedasticNoiseBeatsOneNoiseLevelOnTheMotorcycleData() throws {
    let run = try run()
    #expect(
      try run.value("motorcycle: heteroscedastic minus homoscedastic test log-likelihood") > 0)
    let ratio =
      try run.value("motorcycle: noise σ at 30 ms") / run.value("motorcycle: noise σ at 10 ms")
    #expect(ratio > 2, "ratio \(ratio)")
  }

  /// With dropout $p$ on $C$ logits, a pass drops them all with probability $p^C$ and
  /// then predicts $1/C$; if the logits are otherwise decisive, the predictive of the
  /// favoured class is exactly $1 - p^C(1 - 1/C)$. Here $C = 2$, $p = 0.5$, logits
  /// $(+50, -50)$: every pass but the all-dropped one gives class 0 probability 1.
  @Test func logitDropoutCapsTheConfidenceAtOneMinusPToTheCTimesOneMinusOneOverC() {
    var rng = Generator(seed: 501)
    let layer = Dense(inputs: 1, outputs: 2, gain: 1, name: "logits", using: &rng)
    layer.weight.value = Matrix([[50, -50]])
    layer.bias.value = Matrix.row([0, 0])
    let network = MLP(layers: [layer, Dropout(width: 2, rate: 0.5)], activation: .relu)
    let draws = 40_000
    let predictive = MonteCarloPredictive.probabilities(
      of: network, at: Matrix([[1]]), samples: draws, using: &rng)
    let exact = 1 - 0.25 * 0.5
    // Per pass, p(class 0) is 1/2 with probability 1/4 and 1 otherwise.
    let passVariance = 0.25 * pow(0.5 - exact, 2) + 0.75 * pow(1 - exact, 2)
    expectWithinStandardErrors(
      predictive.mean[0, 0], exact, standardError: (passVariance / Double(draws)).squareRoot(),
      standardErrors: 5)
  }
}
