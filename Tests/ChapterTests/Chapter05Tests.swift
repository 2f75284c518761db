import BayesianDL
import Foundation
import TestSupport
import Weaving
import Testing

/// Chapter 5 run end to end with `--quick`, its claims checked on the values it recorded
/// (`results.json`); the confidence cap of dropout on the logits checked exactly on a
/// network built for it.
@Suite("Chapter 5: MC dropout, deep ensembles, heteroscedastic regression", .serialized)
struct Chapter05Tests {
  static let chapter = "05-mc-dropout"
  static let quickRun = ChapterRun.quick(chapter)

  func results() throws -> RecordedResults {
    try ChapterRun.results(in: Self.quickRun.get().figures)
  }

  @Test func quickRunSucceedsAndWritesEveryFigure() throws {
    let (run, figures) = try Self.quickRun.get()
    try run.expectSuccess(
      Self.chapter,
      figures: ["passes", "dropout-rate", "confidence-maps", "heteroscedastic", "regression"],
      in: figures)
  }

  /// The claims that need the full training budget (12 epochs fit no network at p = 0.7
  /// and 150 steps no noise head, whose extrapolation then has no trend to follow; 300
  /// steps leave the dropout regressions of section 7 far from their fits); every other
  /// claim holds under `--quick` too.
  static let fullBudgetClaims = [
    "large rates cost fit", "The noise heads recover", "and on the left it keeps shrinking",
    "Inside the clusters the data are the same", "At both rates the spread of $f$ grows",
    "at $p = 0.1$ the mean overshoots",
  ]

  @Test func everyClaimHoldsAndThereAreAtLeastEight() throws {
    try results().expectClaimsHold(budget: "quick", fullBudgetOnly: Self.fullBudgetClaims)
  }

  @Test func mcAveragingKeepsTheAccuracyAndCostsSomeNLLOnTestPoints() throws {
    let results = try results()
    #expect(
      abs(try results.value("averagedAccuracy") - results.value("dropoutAccuracy")) < 0.02)
    #expect(try results.value("dropoutNLL") > results.value("averagedNLL"))
  }

  @Test func theMonteCarloErrorFollowsTheOneOverRootTLaw() throws {
    let results = try results()
    let passCounts = [1, 2, 5, 10, 20, 50, 100, 200, 500]
    #expect(try results.value("passCountsMeasured") == Double(passCounts.count))
    for t in passCounts {
      let ratio = try results.value("passErrorRatio.T\(t)")  // measured / predicted
      // Each measured RMS error pools 3 × 500 squared errors: its relative spread is a
      // few per cent, so a ratio outside [0.75, 1.33] would mean the law fails.
      #expect(ratio > 0.75 && ratio < 1.33, "T = \(t): \(ratio)")
    }
  }

  @Test func noDropoutMeansNoMutualInformationAndAnyDropoutGivesMoreFarAway() throws {
    let results = try results()
    #expect(try results.value("sweepRateCount") == 6)
    var farInformation = [Double]()
    for key in ["p00", "p01", "p02", "p03", "p05", "p07"] {
      let test = try results.value("sweepTestMI.\(key)")
      let far = try results.value("sweepFarMI.\(key)")
      if key == "p00" {
        #expect(test < 1e-12 && far < 1e-12, "\(key)")
      } else {
        #expect(far > test, "\(key)")
      }
      farInformation.append(far)
    }
    #expect(farInformation.last! > farInformation[1])
  }

  @Test func dropoutOnTheLogitsStaysUnderItsCapAndInflatesInDistributionMI() throws {
    let results = try results()
    let bound = try results.value("confidenceBound")
    #expect(abs(bound - 0.875) < 1e-12)
    #expect(try results.value("notesConfidence") < bound)
    #expect(try results.value("testMIRatio") > 1.5)
    #expect(try results.value("notesFarOverTestMI") < results.value("oursFarOverTestMI"))
  }

  @Test func aSingleNetworkIsTheMostConfidentFarAwayAndHasNoEpistemicTerm() throws {
    let results = try results()
    let single = try results.value("mapFarConfidence")
    #expect(try single > results.value("dropoutFarConfidence"))
    #expect(try single > results.value("ensembleFarConfidence"))
    #expect(try results.value("ensembleFarMI") > 0)
    #expect(try results.value("dropoutFarMI") > results.value("ensembleFarMI"))
    let accuracies = try ["mapAccuracy", "dropoutAccuracy", "ensembleAccuracy"].map {
      try results.value($0)
    }
    #expect(accuracies.max()! - accuracies.min()! < 0.06, "\(accuracies)")
    #expect(try results.value("mapFarMI") == 0)  // the single network's MI
  }

  /// Gal's identity λ = l²(1 − p)/(2Nτ) read backwards at our decay 1/(2N) gives the prior
  /// variance 1 − p; the KL of the widened dropout q to the prior has the weight decay as
  /// its only m-dependent part and grows by log 10 per tenfold narrowing.
  @Test func theDroppedKLTermDivergesWhileItsMeanDependentPartIsTheWeightDecay() throws {
    let results = try results()
    #expect(abs(try results.value("impliedPriorVariance") - 0.8) < 1e-12)
    #expect(try results.value("galWeightDecay") < results.value("ourWeightDecay"))
    #expect(abs(try results.value("decayDifference") - 0.8) < 1e-12)
    // Recorded to six digits; the run itself checks it to 1e-6.
    #expect(abs(try results.value("klGrowthPerDecade") - log(10)) < 1e-4)
  }

  /// Note 000's predict averages logits: softmax of the mean logit is more confident far
  /// from the data than the mean of the members' probabilities.
  @Test func averagingLogitsIsMoreConfidentFarAwayThanAveragingProbabilities() throws {
    let results = try results()
    #expect(try results.value("logitFarConfidence") > results.value("ensembleFarConfidence"))
    #expect(try results.value("logitMoreConfidentShare") > 0.5)
  }

  /// Note 000 §6.3's "95% CI" from the spread of f alone misses most fresh points; with the
  /// noise the band covers about 95 %.
  @Test func aBandWithoutTheNoiseMissesMostFreshPoints() throws {
    let results = try results()
    #expect(try results.value("epistemicOnlyCoverage") < 0.5)
    let total = try results.value("totalCoverage")
    #expect(total > 0.9 && total < 0.99, "\(total)")
  }

  @Test func heteroscedasticNoiseBeatsOneNoiseLevelOnTheMotorcycleData() throws {
    let results = try results()
    #expect(try results.value("logLikelihoodGain") > 0)
    let ratio = try results.value("noiseAt30ms") / results.value("noiseAt10ms")
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
