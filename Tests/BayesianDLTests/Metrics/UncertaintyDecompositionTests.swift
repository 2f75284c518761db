import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The entropy split and the law of total variance against direct computations, as
/// property tests over many random sample sets; AUROC against hand-computed cases.
@Suite struct UncertaintyDecompositionTests {
  /// `count` random probability matrices `[rows, classes]` (softmax of Gaussian logits).
  static func randomSamples(count: Int, rows: Int, classes: Int, using rng: inout Generator)
    -> [Matrix]
  {
    (0..<count).map { _ in
      rng.normalMatrix(rows: rows, columns: classes, standardDeviation: 2).softmaxRows()
    }
  }

  @Test func entropySplitIsAnIdentityWithMutualInformationBetweenZeroAndLogC() {
    var rng = Generator(seed: 61)
    for trial in 0..<200 {
      let classes = 2 + trial % 6
      let samples = Self.randomSamples(count: 1 + trial % 9, rows: 3, classes: classes, using: &rng)
      let d = UncertaintyDecomposition(classProbabilities: samples)
      for i in 0..<3 {
        // Total by hand: the entropy of the averaged row.
        let averaged = (0..<classes).map { k in
          samples.reduce(0) { $0 + $1[i, k] } / Double(samples.count)
        }
        let handTotal = averaged.reduce(0) { $0 - ($1 > 0 ? $1 * log($1) : 0) }
        #expect(abs(d.total[i] - handTotal) < 1e-12)
        #expect(abs(d.total[i] - d.aleatoric[i] - d.epistemic[i]) < 1e-12)
        #expect(d.epistemic[i] >= 0)
        #expect(d.epistemic[i] <= log(Double(classes)) + 1e-12)
      }
    }
  }

  @Test func identicalSamplesHaveNoEpistemicUncertaintyAndOneHotDisagreementIsAllEpistemic() {
    let p = Matrix([[0.7, 0.2, 0.1]])
    let same = UncertaintyDecomposition(classProbabilities: [p, p, p])
    #expect(same.epistemic[0] < 1e-15)
    // Two confident, opposite predictions: aleatoric 0, epistemic = total = log 2.
    let split = UncertaintyDecomposition(classProbabilities: [Matrix([[1, 0]]), Matrix([[0, 1]])])
    #expect(abs(split.aleatoric[0]) < 1e-15)
    #expect(abs(split.epistemic[0] - log(2)) < 1e-15)
  }

  @Test func lawOfTotalVarianceMatchesTheMixtureVarianceByMonteCarlo() {
    var rng = Generator(seed: 62)
    let means = (0..<5).map { _ in rng.normalMatrix(rows: 2, columns: 1, standardDeviation: 1.5) }
    let variances = (0..<5).map { _ in rng.uniformMatrix(rows: 2, columns: 1, 0.1, 0.8) }
    let d = UncertaintyDecomposition(means: means, variances: variances)
    // Draw from the equal-weight mixture directly and compare its sample variance.
    let n = 200_000
    for i in 0..<2 {
      let draws = (0..<n).map { _ -> Double in
        let s = Int(rng.next() % 5)
        return means[s][i, 0] + variances[s][i, 0].squareRoot() * rng.normal()
      }
      let m = sampleMoments(draws)
      // The sample variance has standard error √((μ₄ − σ⁴)/n); 3√(2/n)·σ² allows a kurtosis
      // up to 19, far above this five-component mixture's.
      expectWithinStandardErrors(
        m.variance, d.total[i], standardError: 3 * (2 / Double(n)).squareRoot() * d.total[i],
        standardErrors: 4)
      #expect(abs(d.total[i] - d.aleatoric[i] - d.epistemic[i]) < 1e-12)
    }
  }

  @Test func aurocMatchesHandCountsIncludingTies() {
    // Pairs (positive, negative): 3 > 1, 3 > 2, 3 = 3 (½), 5 > all three, 2 > 1, 2 = 2 (½), 2 < 3.
    let positives = [3.0, 5.0, 2.0]
    let negatives = [1.0, 2.0, 3.0]
    let wins = 2.5 + 3 + 1.5
    #expect(abs(AUROC.of(positives: positives, negatives: negatives) - wins / 9) < 1e-15)
    #expect(AUROC.of(positives: [2, 3], negatives: [0, 1]) == 1)
    #expect(AUROC.of(positives: [0, 1], negatives: [2, 3]) == 0)
    #expect(AUROC.of(positives: [1, 1], negatives: [1, 1, 1]) == 0.5)
  }

  @Test func aurocEqualsTheBruteForcePairCountOnRandomScores() {
    var rng = Generator(seed: 63)
    for _ in 0..<50 {
      // Rounded scores, so that ties occur.
      let positives = (0..<(1 + Int(rng.next() % 20))).map { _ in (rng.normal() * 3).rounded() }
      let negatives = (0..<(1 + Int(rng.next() % 20))).map { _ in (rng.normal() * 3 - 1).rounded() }
      var count = 0.0
      for p in positives {
        for q in negatives { count += p > q ? 1 : (p == q ? 0.5 : 0) }
      }
      let expected = count / Double(positives.count * negatives.count)
      #expect(abs(AUROC.of(positives: positives, negatives: negatives) - expected) < 1e-12)
    }
  }
}
