/*:
 # 7. Calibration: reliability, ECE and temperature scaling

 A classifier that says "90 %" should be right nine times in ten when it says so. That
 is **calibration**: $P(\text{correct} \mid \text{confidence} = c) = c$ for every $c$, where the
 confidence is the largest predicted class probability. Accuracy does not measure it —
 a classifier can be accurate and over-confident — and neither does the NLL alone.

 The tools: a **reliability diagram** (bin the predictions by confidence; plot each bin's
 accuracy against its mean confidence), the **expected calibration error**
 $\mathrm{ECE} = \sum_b \frac{n_b}{n}\lvert \mathrm{acc}_b - \mathrm{conf}_b\rvert$ and its maximum
 over bins (MCE), and two proper scoring rules that reward calibration and sharpness
 together, the NLL and the Brier score. The cheapest fix is **temperature scaling**
 (Guo et al., 2017): divide the logits by one number $T$ fitted on held-out data.

 Unless said otherwise the ECE here is the usual **top-label, equal-width** one: only the
 predicted class's probability (the confidence) is binned, into 15 bins of width $1/15$
 on $[0, 1]$, and $\mathrm{acc}_b$ is the share of correct predictions in bin $b$. The
 **adaptive** (equal-mass) **ECE** is the same sum over 15 bins cut so that each holds the
 same number of predictions, so no bin is nearly empty when the confidences crowd near 1.
 The **classwise ECE** (Kull et al., 2019) bins every class's probability, not just the
 top one: for each class $k$, the predicted $p_{ik}$ of every row against whether the
 label was $k$, averaged over the classes,
 $\frac1C\sum_k \sum_b \frac{n_{kb}}{n}\lvert \overline{[y = k]}_{kb} - \bar p_{k,kb}\rvert$.
 The **Brier score** is the squared distance between the predicted probability vector and
 the one-hot label, summed over the classes and averaged over the predictions,
 $\frac1n\sum_i\sum_k (p_{ik} - [y_i = k])^2 \in [0, 2]$. The **MCE** is the gap of the worst
 non-empty bin, whatever its size — and on a few hundred test points that is often a bin
 with one or two predictions in it (section 2 counts them).

 This chapter measures all of it on real data — the 8×8 digits — for a MAP network, MC
 dropout, a deep ensemble and Bayes by Backprop, each before and after temperature
 scaling, over several seeds; then does the same for regression, where calibration
 means that a 90 % interval holds 90 % of the targets.

 Mirrors note 000 §7.4.
 */
import BayesianDL
import BayesianDLPlotting
import CourseSupport
import Foundation

let chapter = Chapter.start()
var rng = Generator(seed: chapter.seed)

//: ## Configuration
let populationSizes = chapter.budget([1_000, 10_000, 100_000], quick: [1_000, 10_000])
let bins = 15  // as Guo et al.; note 000 uses 10
let seeds = chapter.budget(3, quick: 2)  // independent splits and initialisations
let validationFraction = 0.2  // of the digits, for fitting T
let testFraction = 0.2
let sizes = [64, 64, 64, 10]
let priorStandardDeviation = 1.0
let epochs = chapter.budget(100, quick: 8)  // MAP, dropout and ensemble members
let variationalEpochs = chapter.budget(100, quick: 8)  // Bayes by Backprop, the same budget
let batchSize = 64
let learningRate = 1e-3
let dropoutRate = 0.2
let passes = 100  // MC dropout and Bayes by Backprop predictive samples
let ensembleSize = 5
let regressionTrainCount = 400
let regressionTestCount = 4000
let regressionSteps = chapter.budget(1500, quick: 150)
let levels = (1...19).map { Double($0) / 20 } + [0.99]  // nominal coverages

/*:
 ## 1. What the ECE measures, on populations we understand

 Draw confidences $c \sim \mathcal U(0.5, 1)$ for a two-class problem and make each
 prediction correct with probability $c$: a perfectly calibrated population. Its ECE is
 not 0 on a finite sample — each bin's accuracy is a noisy estimate — but it falls like
 $1/\sqrt n$. Make the predictions correct with probability $c^2$ instead: the classifier
 claims $c$ but delivers $c^2$, everywhere over-confident, and the ECE converges to
 $\mathbb E[c - c^2] = \tfrac34 - \tfrac7{12} = \tfrac16$.
 */
/// `n` confidences c ~ U(0.5, 1) and, for each, whether the prediction was
/// right: with probability c in the calibrated population and, on the same c, with
/// probability c² in the over-confident one.
func populations(_ n: Int, using rng: inout Generator) -> (
  confidences: [Double], calibrated: [Bool], overconfident: [Bool]
) {
  var confidences = [Double]()
  var calibrated = [Bool]()
  var overconfident = [Bool]()
  for _ in 0..<n {
    let c = rng.uniform(0.5, 1)
    confidences.append(c)
    calibrated.append(rng.uniform() < c)
    overconfident.append(rng.uniform() < c * c)
  }
  return (confidences, calibrated, overconfident)
}
/*:
 At each size: the calibrated population's ECE with equal-width and with equal-mass bins,
 and the over-confident population's ECE and MCE.
 */
Narration.section("1. ECE of a calibrated and an over-confident population")
var populationRows = [[String]]()
var calibratedECEs = [Double]()
var overconfidentECEs = [Double]()
var overconfidentMCEs = [Double]()
for n in populationSizes {
  let (confidences, calibrated, overconfident) = populations(n, using: &rng)
  let good = Reliability(confidences: confidences, correct: calibrated, bins: bins)
  let bad = Reliability(confidences: confidences, correct: overconfident, bins: bins)
  let adaptive = Reliability(
    confidences: confidences, correct: calibrated, bins: bins, equalMass: true)
  chapter.value("calibratedECE.n\(n)", good.expectedCalibrationError, digits: 2)
  chapter.value("adaptiveCalibratedECE.n\(n)", adaptive.expectedCalibrationError, digits: 2)
  chapter.value("overconfidentECE.n\(n)", bad.expectedCalibrationError, digits: 3)
  chapter.value("overconfidentMCE.n\(n)", bad.maximumCalibrationError, digits: 3)
  calibratedECEs.append(good.expectedCalibrationError)
  overconfidentECEs.append(bad.expectedCalibrationError)
  overconfidentMCEs.append(bad.maximumCalibrationError)
  populationRows.append([
    "\(n)", Narration.format(good.expectedCalibrationError, digits: 3),
    Narration.format(adaptive.expectedCalibrationError, digits: 3),
    Narration.format(bad.expectedCalibrationError, digits: 4),
    Narration.format(bad.maximumCalibrationError, digits: 3),
  ])
}
Narration.table(
  [
    "predictions", "ECE calibrated", "adaptive ECE calibrated", "ECE over-confident",
    "MCE over-confident",
  ],
  populationRows)
//: The largest population against the limits: ECE 0 for the calibrated one, $1/6$ and an MCE of $1/4$ for the over-confident one.
let calibratedLargest = chapter.result(
  "calibrated population, ECE at the largest n", calibratedECEs.last!, digits: 2,
  as: "calibratedECELargest")
let overconfidentLargest = chapter.result(
  "over-confident population, ECE at the largest n (limit 1/6)", overconfidentECEs.last!,
  digits: 3, as: "overconfidentECELargest")
chapter.value("largestPopulation", Double(populationSizes.last!), digits: 6)
let overconfidentMCELargest = chapter.value(
  "overconfidentMCELargest", overconfidentMCEs.last!, digits: 3)
let eceFalls = calibratedECEs == calibratedECEs.sorted(by: >) && calibratedLargest < 0.01
chapter.claim(
  "The calibrated population's ECE shrinks with $n$ towards 0, from {{calibratedECE.n1000}} at 1000 predictions to {{calibratedECELargest}} at {{largestPopulation}},",
  eceFalls)
chapter.claim(
  "and the over-confident one's settles at $1/6$ ({{overconfidentECELargest}}).",
  abs(overconfidentLargest - 1.0 / 6) < 0.01)
chapter.claim(
  "The over-confident population's MCE approaches the largest gap, $\\max_c (c - c^2) = 1/4$ at $c = 1/2$ ({{overconfidentMCELargest}}),",
  abs(overconfidentMCELargest - 0.25) < 0.02)
/*:
 The calibrated population's ECE shrinks with $n$ towards 0, from {{calibratedECE.n1000}}
 at 1000 predictions to {{calibratedECELargest}} at {{largestPopulation}},
 and the over-confident one's settles at $1/6$ ({{overconfidentECELargest}}).
 The over-confident population's MCE approaches the largest gap, $\max_c (c - c^2) = 1/4$ at $c = 1/2$ ({{overconfidentMCELargest}}),
 but only slowly from above: at 1000 predictions a bin's accuracy is noisy, and the
 worst bin is the noisiest ({{overconfidentMCE.n1000}}).
 Read a small ECE on a small test set with the calibrated population's floor in mind.

 ## 2. Four models on the digits, before and after temperature scaling

 The 1797 digits split at random into 60 % training, 20 % validation and 20 % test;
 a 64-64-64-10 network in four flavours:
 - a **MAP** network (weight decay from the $\mathcal N(0, 1)$ prior);
 - **MC dropout**, $p = 0.2$, 100 passes;
 - a **deep ensemble** of five MAP networks;
 - **Bayes by Backprop**, mean field, 100 weight samples.

 Temperature scaling treats the log of each model's predictive probabilities as logits —
 for the MAP network that is its own logits up to a constant per row, which softmax
 ignores — and fits $T$ on the validation split by minimising the NLL, a convex problem
 in $1/T$ solved by safeguarded Newton steps (see `TemperatureScaling`). Every number is a
 mean ± standard deviation over three seeds (two with `--quick`), each with its own split and
 initialisation.
 */
Narration.section("2. Digits: calibration of four models, before and after temperature scaling")
let digits = orExit("reading the digits (run from the repository root)") {
  try ShippedData.digits()
}
let modelNames = ["MAP network", "MC dropout", "deep ensemble", "Bayes by Backprop"]
//: Each seed starts from its own random split of the digits.

/// The digits split at random into validation, test and training sets.
func split(_ digits: Dataset, using rng: inout Generator) -> (
  train: Dataset, validation: Dataset, test: Dataset
) {
  let order = rng.permutation(digits.count)
  let nValidation = Int(Double(digits.count) * validationFraction)
  let nTest = Int(Double(digits.count) * testFraction)
  return (
    train: digits.subset(Array(order[(nValidation + nTest)...])),
    validation: digits.subset(Array(order[..<nValidation])),
    test: digits.subset(Array(order[nValidation..<(nValidation + nTest)]))
  )
}
/*:
 On the training split it trains the four models one after another, all from the seed's
 generator. Each model's predictive is its class probabilities: a softmax for the MAP
 network, the ensemble's mixture, and a Monte Carlo mean for the two that sample.
 */
/// Trains `model` to the MAP estimate under the N(0, 1) prior.
func trainMAP(_ model: MLP, on train: Dataset, using rng: inout Generator) {
  var adam = Adam(parameters: model.parameters, learningRate: learningRate)
  orExit("training on the digits") {
    try MAPEstimation(
      model: model, likelihood: .categorical, priorStandardDeviation: priorStandardDeviation
    ).train(on: train, epochs: epochs, batchSize: batchSize, optimiser: &adam, using: &rng)
  }
}

/// The four models of this section, trained on one split.
struct Models {
  let map: MLP
  let dropout: MLP
  let ensemble: DeepEnsemble
  let variational: MLP

  /// Trains the MAP network, MC dropout, the ensemble and Bayes by Backprop, in turn.
  init(trainedOn train: Dataset, using rng: inout Generator) {
    map = MLP(sizes: sizes, using: &rng)
    trainMAP(map, on: train, using: &rng)
    dropout = MLP(sizes: sizes, dropout: dropoutRate, using: &rng)
    trainMAP(dropout, on: train, using: &rng)
    ensemble = orExit("training the ensemble") {
      try DeepEnsemble.trainMAP(
        count: ensembleSize, sizes: sizes, likelihood: .categorical,
        priorStandardDeviation: priorStandardDeviation, on: train, epochs: epochs,
        batchSize: batchSize, learningRate: learningRate, using: &rng)
    }
    variational = MLP.bayesian(sizes: sizes, parameterisation: .softplus, using: &rng)
    var adam = Adam(parameters: variational.parameters, learningRate: learningRate)
    orExit("training Bayes by Backprop on the digits") {
      try BayesByBackprop(model: variational, likelihood: .categorical).train(
        on: train, epochs: variationalEpochs, batchSize: batchSize, optimiser: &adam,
        using: &rng)
    }
  }

  /// The predictive class probabilities of model `k` (in the order of `modelNames`) at `x`.
  func predictive(_ k: Int, at x: Matrix, using rng: inout Generator) -> Matrix {
    switch k {
    case 0: return map.predict(x, using: &rng).softmaxRows()
    case 1:
      return MonteCarloPredictive.probabilities(of: dropout, at: x, samples: passes, using: &rng)
        .mean
    case 2: return ensemble.probabilities(at: x).mean
    default:
      return MonteCarloPredictive.probabilities(
        of: variational, at: x, samples: passes, using: &rng
      ).mean
    }
  }
}
/*:
 Each model is then scored on the test split twice: as trained, and after a temperature
 fitted on the validation split. A score is six numbers for one set of test predictions.
 */
/// Accuracy, NLL, Brier, the three ECEs, the MCE and how many predictions its bin holds,
/// for one set of test predictions.
struct Scores: Sendable {
  let values: [Double]
  static let names = [
    "accuracy", "NLL", "Brier", "ECE", "adaptive ECE", "classwise ECE", "MCE", "MCE bin size",
  ]

  init(_ p: Matrix, _ labels: [Int]) {
    let report = CalibrationReport(p, labels: labels, bins: bins)
    // The MCE's bin: the non-empty equal-width bin with the largest gap.
    let worst = report.equalWidth.bins.filter { $0.count > 0 }.max { $0.gap < $1.gap }!
    values = [
      report.accuracy, report.negativeLogLikelihood, report.brierScore,
      report.equalWidth.expectedCalibrationError, report.equalMass.expectedCalibrationError,
      ClassificationMetrics.classwiseCalibrationError(p, labels: labels, bins: bins),
      report.equalWidth.maximumCalibrationError, Double(worst.count),
    ]
  }
}

/// Log-probabilities as logits; a probability that underflowed to 0 becomes −690.
func logits(_ p: Matrix) -> Matrix { p.map { log(max($0, 1e-300)) } }
/*:
 Note 000 predicts the class from the mean logits but reports the confidence of the mean
 probabilities, and the two can name different classes (section 4). Each seed also
 measures how often they do for MC dropout, and the ECE the note's calibrator computes.
 */
/// How often the argmax of MC dropout's mean logits differs from that of its mean
/// probabilities, and the ECE (10 bins) of note 000's calibrator, which checks the first
/// against the label and bins by the confidence of the second.
func notesCalibrator(
  _ dropout: MLP, on test: Dataset, meanProbabilities: Matrix, using rng: inout Generator
) -> (disagreements: Int, ece: Double) {
  let meanLogits = MonteCarloPredictive.outputs(
    of: dropout, at: test.inputs, samples: passes, using: &rng
  ).mean.argmaxPerRow()
  let ours = meanProbabilities.argmaxPerRow()
  let ece = Reliability(
    confidences: meanProbabilities.max(over: .columns).storage,
    correct: zip(meanLogits, test.targets.labels).map { $0 == $1 }, bins: 10
  ).expectedCalibrationError
  return (zip(meanLogits, ours).filter { $0 != $1 }.count, ece)
}
//: One seed's whole run, and what it keeps for the tables and figures below.

/// What one seed produced for every model.
struct SeedResult: Sendable {
  var before = [Scores]()
  var after = [Scores]()
  var temperatures = [Double]()
  var largestAccuracyChange = 0.0
  var testProbabilities = [Matrix]()
  var scaledProbabilities = [Matrix]()
  var testLabels = [Int]()
  /// MC dropout: how often the argmax of the mean logits differs from that of the mean
  /// probabilities, and the ECE note 000's calibrator computes from the mixture.
  var argmaxDisagreements = 0
  var notesECE = 0.0
}

/// Trains the four models on one random split of `digits` and scores them before and
/// after temperature scaling. Uses only its own generator, so seeds run side by side.
func evaluate(_ digits: Dataset, _ generator: Generator) -> SeedResult {
  var rng = generator
  let (train, validation, test) = split(digits, using: &rng)
  let models = Models(trainedOn: train, using: &rng)
  var result = SeedResult()
  result.testLabels = test.targets.labels
  for k in modelNames.indices {
    let p = models.predictive(k, at: test.inputs, using: &rng)
    let scaling = TemperatureScaling.fit(
      logits: logits(models.predictive(k, at: validation.inputs, using: &rng)),
      labels: validation.targets.labels)
    let scaled = scaling.probabilities(logits(p))
    let (before, after) = (Scores(p, result.testLabels), Scores(scaled, result.testLabels))
    result.before.append(before)
    result.after.append(after)
    result.temperatures.append(scaling.temperature)
    result.largestAccuracyChange = max(
      result.largestAccuracyChange, abs(before.values[0] - after.values[0]))
    result.testProbabilities.append(p)
    result.scaledProbabilities.append(scaled)
  }
  (result.argmaxDisagreements, result.notesECE) = notesCalibrator(
    models.dropout, on: test, meanProbabilities: result.testProbabilities[1], using: &rng)
  return result
}
//: The seeds run two at a time, each from a generator forked off the chapter's.
let seedGenerators = (0..<seeds).map { _ in rng.fork() }
let (results, seconds) = Stopwatch.time {
  Parallel.map(seeds) { evaluate(digits, seedGenerators[$0]) }
}
Narration.note(
  "  (\(seeds) seeds × 4 models, trained two seeds at a time: \(Narration.format(seconds, digits: 2)) s)"
)
//: Every score as its mean ± standard deviation over the seeds, each model as trained and after scaling ("+ T"):

/// "mean ± sd" of one score over seeds.
func summary(_ pick: (SeedResult) -> Double, digits: Int = 3) -> String {
  let s = SampleSummary.meanAndStandardDeviation(results.map(pick))
  return Narration.format(s.mean, plusMinus: s.sd, digits: digits)
}
var rows = [[String]]()
for k in modelNames.indices {
  for (label, pick) in [("", { (r: SeedResult) in r.before[k] }), (" + T", { $0.after[k] })] {
    rows.append(
      [modelNames[k] + label]
        + Scores.names.indices.map { j in summary({ pick($0).values[j] }) })
  }
}
Narration.table(["model"] + Scores.names, rows)
//: The means are recorded by name for the prose, e.g. `nll.dropout` as trained and `nll.dropout.scaled` after scaling, and so are the fitted temperatures.

/// Each model's short name in `results.json`.
let modelKeys = ["map", "dropout", "ensemble", "bbb"]
let scoreKeys = [
  "accuracy", "nll", "brier", "ece", "adaptiveECE", "classwiseECE", "mce", "mceBinSize",
]
/// The mean over seeds of score `j` of model `k`, before or after scaling.
func meanScore(_ k: Int, _ j: Int, scaled: Bool) -> Double {
  SampleSummary.mean(results.map { (scaled ? $0.after[k] : $0.before[k]).values[j] })
}
for k in modelNames.indices {
  for (j, score) in scoreKeys.enumerated() {
    chapter.value("\(score).\(modelKeys[k])", meanScore(k, j, scaled: false), digits: 3)
    chapter.value("\(score).\(modelKeys[k]).scaled", meanScore(k, j, scaled: true), digits: 3)
  }
}
var temperatures = [Double]()
for k in modelNames.indices {
  let t = SampleSummary.meanAndStandardDeviation(results.map { $0.temperatures[k] })
  chapter.result(
    "fitted T, \(modelNames[k])", t.mean, digits: 3, unit: "± \(Narration.format(t.sd, digits: 2))",
    as: "temperature.\(modelKeys[k])")
  chapter.value("temperatureSD.\(modelKeys[k])", t.sd, digits: 2)
  temperatures.append(t.mean)
}
//: What the prose below says of them, checked:
let largestAccuracyChange = chapter.result(
  "largest change of accuracy by temperature scaling", results.map(\.largestAccuracyChange).max()!,
  digits: 3, as: "largestAccuracyChange")
let (nll, ece) = (scoreKeys.firstIndex(of: "nll")!, scoreKeys.firstIndex(of: "ece")!)
let scaledECEs = modelNames.indices.map { meanScore($0, ece, scaled: true) }
chapter.value("smallestScaledECE", scaledECEs.min()!, digits: 2)
chapter.value("largestScaledECE", scaledECEs.max()!, digits: 2)
let bayesian = Array(modelNames.indices.dropFirst())
chapter.claim(
  "Temperature scaling never changes a prediction: the largest change of accuracy over all models and seeds is {{largestAccuracyChange}}.",
  largestAccuracyChange == 0, atAnyBudget: true)
chapter.claim(
  "The MAP network, with its weight decay, is nearly calibrated ($T$ = {{temperature.map}} over the seeds).",
  abs(temperatures[0] - 1) < 0.15)
chapter.claim(
  "MC dropout and Bayes by Backprop are clearly *under*-confident ($T$ = {{temperature.dropout}} and {{temperature.bbb}}),",
  bayesian.allSatisfy { temperatures[$0] < 1 } && temperatures[1] < 0.8 && temperatures[3] < 0.8)
chapter.claim(
  "most of all Bayes by Backprop, whose $q$ is the widest.",
  temperatures[3] == temperatures.min())
//: Is the ensemble's $T$ different from 1, and from the MAP network's? Each mean over the seeds with its standard error:
let temperatureEstimates = modelNames.indices.map { k in
  MeanEstimate(of: results.map { $0.temperatures[k] })
}
let (ensembleT, mapT) = (temperatureEstimates[2], temperatureEstimates[0])
let ensembleBelowOne = chapter.value(
  "ensembleTBelowOne", -ensembleT.zScore(against: 1), digits: 2)
let mapBelowOne = chapter.value("mapTBelowOne", -mapT.zScore(against: 1), digits: 2)
let temperatureGap = chapter.value(
  "temperatureGap", ensembleT.mean - mapT.mean, digits: 2)
let temperatureGapSE = chapter.value(
  "temperatureGapSE",
  (ensembleT.standardError * ensembleT.standardError + mapT.standardError * mapT.standardError)
    .squareRoot(), digits: 2)
chapter.value("seedCount", Double(seeds), digits: 2)
chapter.claim(
  "The ensemble's $T$ is below 1 too ({{temperature.ensemble}}, {{ensembleTBelowOne}} standard errors below 1, the MAP network's only {{mapTBelowOne}}),",
  ensembleBelowOne > 3 && mapBelowOne < 3)
chapter.claim(
  "but it differs from the MAP network's by {{temperatureGap}} ± {{temperatureGapSE}} (one standard error over {{seedCount}} seeds): the two cannot be told apart.",
  abs(temperatureGap) < 2 * temperatureGapSE)
chapter.claim(
  "Sharpening the models ($T < 1$) lowers the mean test NLL of every model",
  modelNames.indices.allSatisfy {
    meanScore($0, nll, scaled: true) < meanScore($0, nll, scaled: false)
  })
chapter.claim(
  "and brings every ECE down, to between {{smallestScaledECE}} and {{largestScaledECE}}.",
  modelNames.indices.allSatisfy {
    meanScore($0, ece, scaled: true) < meanScore($0, ece, scaled: false)
  }
    && scaledECEs.allSatisfy { $0 > 0.005 && $0 < 0.03 })
//: The other columns: the classwise ECE, and how many predictions the MCE's bin holds against how many sit in the top bin, $c > 14/15$:
let testSize = results[0].testLabels.count
chapter.value("testSize", Double(testSize), digits: 6)
let classwise = scoreKeys.firstIndex(of: "classwiseECE")!
let (mce, mceBinSize) = (scoreKeys.firstIndex(of: "mce")!, scoreKeys.firstIndex(of: "mceBinSize")!)
let bothScalings = modelNames.indices.flatMap { k in [false, true].map { (k, $0) } }
let mceBinSizeLargest = chapter.value(
  "mceBinSizeLargest", bothScalings.map { meanScore($0.0, mceBinSize, scaled: $0.1) }.max()!,
  digits: 2)
let mces = bothScalings.map { meanScore($0.0, mce, scaled: $0.1) }
chapter.value("smallestMCE", mces.min()!, digits: 2)
chapter.value("largestMCE", mces.max()!, digits: 2)
let mceOverECE = chapter.value(
  "smallestMCEOverECE",
  bothScalings.map { meanScore($0.0, mce, scaled: $0.1) / meanScore($0.0, ece, scaled: $0.1) }
    .min()!, digits: 2)
let smallMCEBins = chapter.value(
  "smallMCEBins",
  Double(bothScalings.filter { meanScore($0.0, mceBinSize, scaled: $0.1) <= 2 }.count),
  digits: 2)
let topBinShares = modelNames.indices.map { k in
  SampleSummary.mean(
    results.map {
      Double(
        Reliability($0.testProbabilities[k], labels: $0.testLabels, bins: bins).bins.last!.count)
        / Double($0.testLabels.count)
    })
}
let topBinShareSmallest = chapter.value("topBinShareSmallest", topBinShares.min()!, digits: 2)
chapter.claim(
  "Every MCE, from {{smallestMCE}} to {{largestMCE}}, is at least {{smallestMCEOverECE}} times its ECE, and the bin that sets it holds on average at most {{mceBinSizeLargest}} of the {{testSize}} test predictions, while the top bin holds at least {{topBinShareSmallest}} of them.",
  mceOverECE > 5 && mceBinSizeLargest < 0.05 * Double(testSize)
    && topBinShareSmallest > 0.5)
chapter.claim(
  "In {{smallMCEBins}} of the table's eight rows that bin holds two predictions or fewer on average:",
  smallMCEBins >= 6)
chapter.claim(
  "The classwise ECE is below the top-label one for every model as trained (MAP network: {{classwiseECE.map}} against {{ece.map}}):",
  modelNames.indices.allSatisfy {
    meanScore($0, classwise, scaled: false) < meanScore($0, ece, scaled: false)
  })
/*:
 Temperature scaling never changes a prediction: the largest change of accuracy over
 all models and seeds is {{largestAccuracyChange}}. Guo et al. found modern deep networks
 *over*-confident and fitted $T > 1$. Here it is the other way round.
 The MAP network, with its weight decay, is nearly calibrated ($T$ = {{temperature.map}} over the seeds).
 MC dropout and Bayes by Backprop are clearly *under*-confident ($T$ = {{temperature.dropout}}
 and {{temperature.bbb}}), because averaging over weights softens the predictive, and on
 these easy digits it softens too much —
 most of all Bayes by Backprop, whose $q$ is the widest.
 The ensemble's $T$ is below 1 too ({{temperature.ensemble}}, {{ensembleTBelowOne}} standard errors below 1, the MAP network's only {{mapTBelowOne}}),
 but it differs from the MAP network's by {{temperatureGap}} ± {{temperatureGapSE}} (one standard error over {{seedCount}} seeds): the two cannot be told apart.
 Three seeds say the ensemble is a little under-confident; they cannot say that it is
 more so than a single network.
 Sharpening the models ($T < 1$) lowers the mean test NLL of every model
 and brings every ECE down, to between {{smallestScaledECE}} and {{largestScaledECE}}.
 Calibration is a property of a model *and* data, not of a method: measure it.

 Every MCE, from {{smallestMCE}} to {{largestMCE}}, is at least {{smallestMCEOverECE}} times its ECE, and the bin that sets it holds on average at most {{mceBinSizeLargest}} of the {{testSize}} test predictions, while the top bin holds at least {{topBinShareSmallest}} of them.
 In {{smallMCEBins}} of the table's eight rows that bin holds two predictions or fewer on average:
 the MCE is the gap of a nearly empty bin, where one prediction more or less right moves
 the bin's accuracy by a half or more. On a test set this small it measures the noise of
 one or two predictions, not the model; the ECE weighs each gap by its bin's share, and the
 adaptive ECE has no nearly empty bins. (The MCE of the over-confident population in
 section 1 needed thousands of predictions to settle.)
 The classwise ECE is below the top-label one for every model as trained (MAP network: {{classwiseECE.map}} against {{ece.map}}):
 each class's probability is near 0 for most rows, and rightly so, so most of its bins are
 calibrated almost by construction and dilute the average. What it adds is a look at the
 probabilities of the classes that were *not* predicted, which the top-label ECE ignores.

 ## 3. Reliability diagrams

 The first seed's test predictions, before (first row) and after (second row) temperature
 scaling. Each blue bar is a bin's accuracy; a vermillion line joins it to the bin's mean
 confidence — above the bar where the model was over-confident, inside it where it was
 under-confident. The line is drawn at full height whatever the bin holds, as the MCE
 sees it. The ECE weighs each gap by its bin's share of the predictions (third row), and
 the fourth row shows each bin's term of the ECE, share times gap, before and after
 scaling; the terms add up to the ECE in the panel titles. Most predictions sit in the
 top bin, so the long lines at low confidence are the one- and two-prediction bins that
 set the MCE, and their terms are small.
 Most of the ECE comes from the crowded bins: in none of the eight diagrams do bins of one or two predictions carry more than {{nearlyEmptyECEShare}} of it.
 */
// fold: a reliability diagram, and a bar chart of each bin's term of the ECE
/// A reliability diagram: per filled bin, the accuracy as a blue bar and the gap to the
/// mean confidence as a vermillion line, with the ECE in the title.
func reliabilityPanel(_ reliability: Reliability, title: String) -> Figure {
  let filled = reliability.bins.filter { $0.count > 0 }
  var series = [Series]()
  for (k, bin) in filled.enumerated() {
    let centre = (bin.lower + bin.upper) / 2
    series.append(
      .bars(
        x: [centre], heights: [bin.accuracy], width: bin.upper - bin.lower,
        title: k == 0 ? "accuracy" : nil, color: .blue))
    series.append(
      .line(
        x: [centre, centre], y: [bin.accuracy, bin.confidence],
        title: k == 0 ? "gap to mean confidence" : nil, color: .vermillion, width: 2.5))
  }
  series.append(
    .line(x: [0, 1], y: [0, 1], title: "perfect calibration", color: .grey, dashed: true))
  let ece = Narration.format(reliability.expectedCalibrationError, digits: 2)
  var figure = Figure(
    title: "\(title): ECE \(ece)", xLabel: "confidence (largest probability)",
    yLabel: "accuracy", series: series)
  figure.xRange = 0...1
  figure.yRange = 0...1
  return figure
}
/// Each bin's term of the ECE, its share of the predictions times its gap, before
/// (vermillion) and after (blue) temperature scaling, side by side in the bin.
func eceTerms(_ before: Reliability, _ after: Reliability, title: String, top: Double) -> Figure {
  let terms = { (r: Reliability) in
    r.bins.map { Double($0.count) / Double(r.count) * $0.gap }
  }
  let width = (before.bins[0].upper - before.bins[0].lower) / 2
  let centres = before.bins.map { ($0.lower + $0.upper) / 2 }
  var figure = Figure(
    title: title, xLabel: "confidence (largest probability)", yLabel: "share × gap",
    series: [
      .bars(
        x: centres.map { $0 - width / 2 }, heights: terms(before), width: width,
        title: "as trained", color: .vermillion),
      .bars(
        x: centres.map { $0 + width / 2 }, heights: terms(after), width: width,
        title: "after scaling", color: .blue),
    ])
  figure.xRange = 0...1
  figure.yRange = 0...top
  figure.legend = .topLeft
  return figure
}
//: The sixteen panels, and the largest share of a diagram's ECE that bins of one or two
//: predictions carry:
// fold: the reliability figure: sixteen panels
Narration.section("3. Reliability diagrams (first seed)")
let first = results[0]
let diagrams = (first.testProbabilities + first.scaledProbabilities).map {
  Reliability($0, labels: first.testLabels, bins: bins)
}
let nearlyEmptyShare = chapter.result(
  "largest share of a diagram's ECE from bins of at most two predictions",
  diagrams.map { r in
    let small = r.bins.filter { $0.count <= 2 }.map { Double($0.count) * $0.gap }.reduce(0, +)
    return small / Double(r.count) / r.expectedCalibrationError
  }.max()!, digits: 2, as: "nearlyEmptyECEShare")
chapter.claim(
  "Most of the ECE comes from the crowded bins: in none of the eight diagrams do bins of one or two predictions carry more than {{nearlyEmptyECEShare}} of it.",
  nearlyEmptyShare < 0.5)
orExit("saving the reliability diagrams") {
  let m = modelNames.count
  let largestTerm = diagrams.flatMap { r in
    r.bins.map { Double($0.count) / Double(r.count) * $0.gap }
  }.max()!
  var panels = modelNames.indices.map { reliabilityPanel(diagrams[$0], title: modelNames[$0]) }
  panels += modelNames.indices.map {
    reliabilityPanel(
      diagrams[m + $0],
      title: "\(modelNames[$0]), T = \(Narration.format(first.temperatures[$0], digits: 3))")
  }
  panels += modelNames.indices.map {
    .confidenceHistogram(diagrams[$0], title: "\(modelNames[$0]): confidences")
  }
  for k in panels.indices { panels[k].legend = .none }  // the key is in the title
  panels += modelNames.indices.map {
    eceTerms(
      diagrams[$0], diagrams[m + $0], title: "\(modelNames[$0]): ECE terms",
      top: (largestTerm * 1.25 * 100).rounded(.up) / 100)
  }
  try chapter.figures.save(
    FigureGrid(
      title:
        "Digits test set, first seed — blue bars: accuracy per bin; vermillion: gap to the bin's "
        + "mean confidence; dashed: perfect calibration",
      rows: 4, columns: 4, panels: panels), name: "reliability",
    caption:
      "Rows: as trained; after temperature scaling; the share of predictions per confidence bin; each bin's term of the ECE (share × gap). The long lines at low confidence are bins of one or two predictions: they set the MCE, but carry at most \(Narration.format(nearlyEmptyShare * 100, digits: 2)) % of any diagram's ECE.",
    panelWidth: 440, panelHeight: 340)
}
Narration.note("  sixteen panels: reliability before and after scaling, confidences, ECE terms")
/*:
 ## 4. Note 000's calibrator mixes two predictions

 Note 000's `UncertaintyAwareClassifier` predicts the class as the argmax of the *mean
 logits* over the dropout passes but reports as its confidence the largest *mean
 probability*; its calibrator then checks the first against the label and bins by the
 second. When the two argmaxes differ, the confidence belongs to a class that was not
 the prediction. The consistent choice is one predictive — the mean probabilities — for
 both. (Its name notwithstanding, `UncertaintyCalibrator.calibrate` fits nothing: it
 measures the ECE and the reliability diagram and returns them; the model's
 probabilities are left as they were.
 A calibrator changes them, as temperature scaling in section 2 does.)
 */
Narration.section("4. Argmax of the mean logits vs of the mean probabilities (MC dropout)")
let disagreements = results.map(\.argmaxDisagreements)
let meanDisagreements = chapter.result(
  "test predictions where the two argmaxes differ, per seed (of \(testSize))",
  SampleSummary.meanAndStandardDeviation(disagreements.map(Double.init)).mean, digits: 3,
  as: "argmaxDisagreements")
let notesECE = chapter.result(
  "ECE (10 bins) as note 000 computes it",
  SampleSummary.meanAndStandardDeviation(results.map(\.notesECE)).mean, digits: 3, as: "notesECE")
let meanProbabilityECE = chapter.result(
  "ECE (10 bins) of the mean probabilities",
  SampleSummary.meanAndStandardDeviation(
    results.map {
      Reliability($0.testProbabilities[1], labels: $0.testLabels, bins: 10)
        .expectedCalibrationError
    }
  ).mean, digits: 3, as: "meanProbabilityECE")
chapter.claim(
  "On these digits the two argmaxes rarely differ ({{argmaxDisagreements}} of {{testSize}} test predictions per seed, on average),",
  meanDisagreements <= 5)
chapter.claim(
  "so the damage is small here (an ECE of {{notesECE}} as the note computes it against {{meanProbabilityECE}});",
  abs(notesECE - meanProbabilityECE) < 0.005)
/*:
 On these digits the two argmaxes rarely differ ({{argmaxDisagreements}} of {{testSize}}
 test predictions per seed, on average), so the damage is small here (an ECE of
 {{notesECE}} as the note computes it against {{meanProbabilityECE}}); on harder
 data, and with fewer passes, they can differ far more often. Note 000's `reliability_diagram` also gives an
 empty bin an accuracy of 0 and the bin's midpoint as confidence, which draws a full-size
 gap where there is no data; our diagram leaves empty bins out.

 ## 5. Regression: do the intervals hold what they promise?

 For regression the question is whether the central $\alpha$-interval of the predictive
 holds a fraction $\alpha$ of the targets. With the predictive CDF $F$, a target $y$ lies in
 the central $\alpha$-interval exactly when $|F(y) - \tfrac12| \le \alpha/2$ — for a
 Gaussian mixture $F$ is a sum of normal CDFs, so no Gaussian approximation is needed.
 Three predictives for chapter 5's $y = \sin x + \sigma(x)\varepsilon$, trained on 400 points
 and checked on 4000 fresh ones:
 - the heteroscedastic ensemble (aleatoric + epistemic);
 - a homoscedastic ensemble whose single noise level is fitted on the training residuals;
 - the heteroscedastic ensemble's spread of means alone — note 003's band, which leaves
   out the noise.
 */
Narration.section("5. Coverage of central predictive intervals")
let regressionTrain = SyntheticData.heteroscedastic(count: regressionTrainCount, using: &rng)
let regressionTest = SyntheticData.heteroscedastic(count: regressionTestCount, using: &rng)

/// A MAP ensemble on `data`: mean-and-variance members, or mean-only members with a unit
/// noise level in their loss.
func regressionEnsemble(heteroscedastic: Bool, on data: Dataset, using rng: inout Generator)
  -> DeepEnsemble
{
  orExit("training a regression ensemble") {
    try DeepEnsemble.trainMAP(
      count: ensembleSize, sizes: [1, 50, 50, heteroscedastic ? 2 : 1],
      likelihood: heteroscedastic ? .heteroscedastic : .gaussian(noiseStandardDeviation: 1),
      priorStandardDeviation: priorStandardDeviation, on: data,
      epochs: regressionSteps / Splits.batchesPerEpoch(count: data.count, batchSize: 100),
      batchSize: 100, learningRate: 1e-2, clipNorm: 10, using: &rng)
  }
}
let heteroscedastic = regressionEnsemble(heteroscedastic: true, on: regressionTrain, using: &rng)
let homoscedastic = regressionEnsemble(heteroscedastic: false, on: regressionTrain, using: &rng)
/*:
 Each predictive's CDF at each test target, $F(y)$ — its PIT value: an equal-weight mixture
 of the members' Gaussians for the two ensembles (the homoscedastic members all with the
 noise variance fitted on the training residuals), one Gaussian for the spread of means.
 */
/// The mixture CDF of equal-weight Gaussians at each target: the PIT values.
func pit(means: [Matrix], variances: [Matrix], targets: Matrix) -> [Double] {
  (0..<targets.rows).map { i in
    zip(means, variances).reduce(0.0) { sum, component in
      sum
        + Gaussian(mean: component.0[i, 0], standardDeviation: component.1[i, 0].squareRoot())
        .cdf(targets[i, 0])
    } / Double(means.count)
  }
}
let y = regressionTest.targets.values
let components = heteroscedastic.gaussianComponents(at: regressionTest.inputs)
var unused = Generator(seed: 0)
let homoscedasticMeans = homoscedastic.members.map {
  $0.predict(regressionTest.inputs, using: &unused)
}
let trainResiduals =
  homoscedastic.meanPrediction(at: regressionTrain.inputs) - regressionTrain.targets.values
let fittedNoise = (trainResiduals * trainResiduals).mean()
let heteroscedasticFit = heteroscedastic.regressionPredictive(at: regressionTest.inputs)
let predictives: [(String, [Double])] = [
  (
    "heteroscedastic ensemble",
    pit(means: components.means, variances: components.variances, targets: y)
  ),
  (
    "homoscedastic ensemble",
    pit(
      means: homoscedasticMeans,
      variances: homoscedasticMeans.map { $0.map { _ in fittedNoise } }, targets: y)
  ),
  (
    "spread of means only (note 003)",
    (0..<y.rows).map { i in
      Gaussian(
        mean: heteroscedasticFit.mean[i],
        standardDeviation: max(heteroscedasticFit.epistemic[i], 1e-12).squareRoot()
      ).cdf(y[i, 0])
    }
  ),
]
/*:
 The coverage of the central $\alpha$-interval is the share of PIT values within $\alpha/2$ of
 $\tfrac12$. The table shows three levels and the mean gap to the nominal coverage over all
 twenty.
 */
/// The fraction of `pits` inside the central interval of each level,
/// |F(y) − ½| ≤ α/2 (the core's `IntervalCalibration`, which `bdl
/// regression` uses too).
func coverage(_ pits: [Double], at levels: [Double]) -> [Double] {
  let calibration = IntervalCalibration(pits: pits)
  return levels.map { calibration.coverage($0) }
}
/// The position of `level` among the nominal coverages.
func levelIndex(_ level: Double) -> Int { levels.firstIndex { abs($0 - level) < 1e-9 }! }
let predictiveKeys = ["heteroscedastic", "homoscedastic", "meansOnly"]
var coverageCurves = [(String, [Double])]()
var coverageErrors = [Double]()
var largestCoverageErrors = [Double]()
var coverageRows = [[String]]()
for ((name, values), key) in zip(predictives, predictiveKeys) {
  let curve = coverage(values, at: levels)
  coverageCurves.append((name, curve))
  let gaps = zip(curve, levels).map { abs($0 - $1) }
  let error = gaps.reduce(0, +) / Double(levels.count)
  coverageErrors.append(error)
  largestCoverageErrors.append(gaps.max()!)
  chapter.value("coverageError.\(key)", error, digits: 2)
  chapter.value("largestCoverageError.\(key)", largestCoverageErrors.last!, digits: 2)
  for level in [0.5, 0.9, 0.95] {
    chapter.value("coverage\(Int(level * 100)).\(key)", curve[levelIndex(level)], digits: 3)
  }
  coverageRows.append(
    [name]
      + [0.5, 0.9, 0.95].map { Narration.format(curve[levelIndex($0)], digits: 3) }
      + [Narration.format(error, digits: 3)])
  Narration.result("mean |coverage − nominal|, \(name)", error, digits: 3)
}
Narration.table(
  ["predictive", "50 % interval", "90 % interval", "95 % interval", "mean |error|"], coverageRows)
//: The whole curves, coverage against nominal level, are in the figure.

// fold: the coverage figure
orExit("saving the coverage curves") {
  let colours: [Color] = [.blue, .green, .vermillion]
  var figure = Figure(
    title: "Regression calibration: coverage of central intervals",
    xLabel: "nominal coverage α", yLabel: "fraction of test targets inside",
    series: [
      .line(x: [0, 1], y: [0, 1], title: "perfect calibration", color: .grey, dashed: true)
    ]
      + zip(coverageCurves, colours).map { curve, colour in
        .line(x: levels, y: curve.1, title: curve.0, color: colour)
      })
  figure.xRange = 0...1
  figure.yRange = 0...1
  figure.legend = .topLeft
  let off = coverageErrors.map { Narration.format($0, digits: 2) }
  try chapter.figures.save(
    figure, name: "coverage",
    caption:
      "A calibrated predictive follows the diagonal. On average over the levels the curves are off it by \(off[0]) for the heteroscedastic ensemble, \(off[1]) for the homoscedastic one and \(off[2]) for the spread of the means alone.",
    width: 640, height: 520)
}
/*:
 The curve is an average over $x$ as well. The noise grows from $\sigma = 0.05$ at
 $x = -\pi$ to 1.31 at $x = \pi$, so split the test inputs at $x = 0$ into a quiet half
 ($\sigma < 0.68$) and a noisy half, and measure each predictive's coverage in each.
 */
let quietHalf = (0..<y.rows).map { regressionTest.inputs[$0, 0] < 0 }
var regionCurves = [[(String, [Double])]](repeating: [], count: 2)  // [quiet, noisy]
var regionTable = ResultTable(
  "predictive",
  columns: [
    .init("90 %, x < 0", as: "coverage90Quiet"), .init("90 %, x > 0", as: "coverage90Noisy"),
    .init("mean |error|, x < 0", as: "coverageErrorQuiet", digits: 2),
    .init("mean |error|, x > 0", as: "coverageErrorNoisy", digits: 2),
  ])
for ((name, values), key) in zip(predictives, predictiveKeys) {
  let halves = [true, false].map { quiet in
    coverage(zip(values, quietHalf).filter { $0.1 == quiet }.map(\.0), at: levels)
  }
  for (h, curve) in halves.enumerated() { regionCurves[h].append((name, curve)) }
  let errors = halves.map { curve in
    zip(curve, levels).map { abs($0 - $1) }.reduce(0, +) / Double(levels.count)
  }
  regionTable.add(
    name, as: key,
    numbers: [halves[0][levelIndex(0.9)], halves[1][levelIndex(0.9)], errors[0], errors[1]])
}
chapter.show(regionTable)
chapter.value("quietCount", Double(quietHalf.filter { $0 }.count), digits: 4)
chapter.value("noisyCount", Double(quietHalf.filter { !$0 }.count), digits: 4)
//: The two halves' curves side by side:
// fold: the figure of coverage by region
orExit("saving the coverage curves by region") {
  let colours: [Color] = [.blue, .green, .vermillion]
  let panels = zip(regionCurves, ["quiet half, x < 0", "noisy half, x > 0"]).map {
    curves, region in
    var figure = Figure(
      title: "Coverage of central intervals, \(region)", xLabel: "nominal coverage α",
      yLabel: "fraction of test targets inside",
      series: [
        .line(x: [0, 1], y: [0, 1], title: "perfect calibration", color: .grey, dashed: true)
      ]
        + zip(curves, colours).map { curve, colour in
          .line(x: levels, y: curve.1, title: curve.0, color: colour)
        })
    figure.xRange = 0...1
    figure.yRange = 0...1
    figure.legend = .below
    return figure
  }
  try chapter.figures.save(
    FigureGrid(rows: 1, columns: 2, panels: panels), name: "coverage-regions",
    caption:
      "The same curves for the test inputs left and right of x = 0. The single noise level of the homoscedastic ensemble gives intervals too wide where the noise is low and too narrow where it is high: its 90 % interval holds \(Narration.format(chapter.number("homoscedastic.coverage90Quiet"), digits: 3)) of the targets on the left and \(Narration.format(chapter.number("homoscedastic.coverage90Noisy"), digits: 3)) on the right.",
    panelWidth: 560, panelHeight: 500)
}
//: What the prose below says of the three predictives, checked:
chapter.claim(
  "The heteroscedastic ensemble's intervals hold close to what they promise at every level: {{coverageError.heteroscedastic}} from the nominal coverage on average, and {{largestCoverageError.heteroscedastic}} at worst.",
  coverageErrors[0] < 0.03 && largestCoverageErrors[0] < 0.05)
chapter.claim(
  "on average over $x$ the errors partly cancel: its 90 % interval holds {{coverage90.homoscedastic}} of the targets, as the heteroscedastic ensemble's holds {{coverage90.heteroscedastic}},",
  coverageErrors[0] < coverageErrors[1])
chapter.claim(
  "The spread of the means alone, note 003's band, is far too narrow: its 90 % interval holds {{coverage90.meansOnly}} of the targets.",
  coverageErrors[1] < coverageErrors[2] && coverageCurves[2].1[levelIndex(0.9)] < 0.5)
let region = { (key: String, column: String) in chapter.number("\(key).\(column)") }
chapter.claim(
  "Split at $x = 0$, the homoscedastic ensemble's 90 % interval holds {{homoscedastic.coverage90Quiet}} of the targets in the quiet half and {{homoscedastic.coverage90Noisy}} in the noisy half:",
  region("homoscedastic", "coverage90Quiet") > 0.95
    && region("homoscedastic", "coverage90Noisy") < 0.85)
chapter.claim(
  "The heteroscedastic ensemble's holds {{heteroscedastic.coverage90Quiet}} and {{heteroscedastic.coverage90Noisy}}, and its curve stays within {{heteroscedastic.coverageErrorQuiet}} and {{heteroscedastic.coverageErrorNoisy}} of the diagonal on average in the two halves, against {{homoscedastic.coverageErrorQuiet}} and {{homoscedastic.coverageErrorNoisy}} for the homoscedastic one.",
  ["Quiet", "Noisy"].allSatisfy { half in
    region("heteroscedastic", "coverageError\(half)") < 0.04
      && abs(region("heteroscedastic", "coverage90\(half)") - 0.9) < 0.05
      && region("homoscedastic", "coverageError\(half)")
        > 2 * region("heteroscedastic", "coverageError\(half)")
  })
/*:
 The heteroscedastic ensemble's intervals hold close to what they promise at every
 level: {{coverageError.heteroscedastic}} from the nominal coverage on average, and
 {{largestCoverageError.heteroscedastic}} at worst. One noise level for all inputs is too
 wide where the data are quiet and too narrow where they are noisy;
 on average over $x$ the errors partly cancel: its 90 % interval holds {{coverage90.homoscedastic}} of the targets, as the heteroscedastic ensemble's holds {{coverage90.heteroscedastic}},
 so a single coverage number can flatter it. Its curve is off by
 {{coverageError.homoscedastic}} on average, and shows more — but the curve too is an
 average over $x$.
 The spread of the means alone, note 003's band, is far too narrow: its 90 % interval holds {{coverage90.meansOnly}} of the targets.
 It leaves out the noise, which here is most of the uncertainty.

 Split at $x = 0$, the homoscedastic ensemble's 90 % interval holds {{homoscedastic.coverage90Quiet}} of the targets in the quiet half and {{homoscedastic.coverage90Noisy}} in the noisy half:
 too wide where the noise is low, too narrow where it is high — the two errors that its
 overall {{coverage90.homoscedastic}} hid.
 The heteroscedastic ensemble's holds {{heteroscedastic.coverage90Quiet}} and {{heteroscedastic.coverage90Noisy}}, and its curve stays within {{heteroscedastic.coverageErrorQuiet}} and {{heteroscedastic.coverageErrorNoisy}} of the diagonal on average in the two halves, against {{homoscedastic.coverageErrorQuiet}} and {{homoscedastic.coverageErrorNoisy}} for the homoscedastic one.
 Two halves are still averages (of {{quietCount}} and {{noisyCount}} test points); calibration
 at each $x$ is what a regression predictive promises, and the finer the split, the more
 test points it takes to check.

 ## Summary

 - Calibration is $P(\text{correct} \mid \text{confidence} = c) = c$; the ECE estimates the
   average gap, with a floor from sampling noise that shrinks like $1/\sqrt n$.
 - Temperature scaling fits one number on validation data and never changes a
   prediction.
   On the digits the Bayesian approximations were under-confident (every fitted $T$ below 1, {{temperature.bbb}} for Bayes by Backprop) and the MAP network nearly calibrated; scaling lowered every model's NLL.
 - The ECE weighs each bin's gap by its share; the MCE does not, and on a few hundred
   test points it is the gap of a bin with one or two predictions in it.
 - One predictive for both the class and the confidence; empty bins are not gaps.
 - For regression, compare the coverage of central intervals with their nominal level,
   and include the noise; then compare it region by region, since an average over $x$
   lets too wide and too narrow cancel.

 ## Exercises
 1. Fit the temperature on the *test* split and see how much better the numbers look —
    that is the leak to avoid.
 2. Replace the ECE's 15 bins by 5 and by 50 on the calibrated population: how does its
    floor move? And the MCE's?
 3. Split the regression test inputs into eight slices of $x$ instead of two and plot the
    homoscedastic ensemble's 90 % coverage per slice: where does it cross 0.9, and how
    does that compare with where its fitted noise level equals $\sigma(x)$?
 4. Scale the temperature of each MC-dropout pass's logits before averaging instead of
    after: is the fitted $T$ the same?
 */
chapter.claim(
  "On the digits the Bayesian approximations were under-confident (every fitted $T$ below 1, {{temperature.bbb}} for Bayes by Backprop) and the MAP network nearly calibrated; scaling lowered every model's NLL.",
  bayesian.allSatisfy { temperatures[$0] < 1 } && abs(temperatures[0] - 1) < 0.15
    && modelNames.indices.allSatisfy {
      meanScore($0, nll, scaled: true) < meanScore($0, nll, scaled: false)
    })
chapter.finish()  // writes results.json; fails the run if a claim does not hold
