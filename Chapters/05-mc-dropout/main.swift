/*:
 # 5. MC dropout, deep ensembles and heteroscedastic regression

 Bayes by Backprop doubles the parameters and samples every weight. Two cheaper routes
 to a predictive distribution are in everyday use.

 **MC dropout** (Gal & Ghahramani, 2016). Train an ordinary network with dropout and a
 little weight decay, then *keep dropout on at test time* and average $T$ stochastic
 passes. With the course's convention $h = xW$ (inputs as rows), dropping unit $k$ of a
 layer's input zeroes row $k$ of the next weight matrix, so each pass uses weights
 $\operatorname{diag}(z)M$ with $z_k \sim \text{Bernoulli}(1-p)$ ($p$ the dropout rate,
 $1-p$ the keep probability): a draw from a distribution $q(W)$ whose "means" are the
 trained matrices $M$. The $T$ passes are then Monte Carlo samples of an approximate
 posterior predictive
 $$p(y \mid x, D) \approx \frac1T\sum_{t=1}^T p(y \mid x, W_t).$$

 Why "posterior": Gal and Ghahramani take a regression model with Gaussian noise of
 precision $\tau$ (the *model precision*) and a prior $\mathcal N(0, l^{-2}I)$ on every
 weight ($l$ a prior length-scale). The negative ELBO of that $q$, divided by $N\tau$, is then,
 up to terms that do not depend on $M$ and the biases $m_i$,
 $$\frac1{2N}\sum_{n=1}^N \lVert y_n - f(x_n; \hat W_n)\rVert^2 + \sum_i\Big(\frac{(1-p)\,l^2}{2N\tau}\lVert M_i\rVert^2 + \frac{l^2}{2N\tau}\lVert m_i\rVert^2\Big),$$
 with one mask draw $\hat W_n$ per datum: exactly the dropout loss with weight decay
 $$\lambda = \frac{l^2(1-p)}{2N\tau}$$
 on the weights (Gal writes $p$ for the keep probability: $\lambda = l^2p/(2N\tau)$). A
 classifier has no $\tau$: its softmax likelihood takes the place of the squared error and
 $\tau = 1$. The terms set aside are the KL divergence from $q$ to the prior, which for a
 Bernoulli $q$ (all its mass on the masked copies of $M$, a set of volume zero) is infinite;
 the derivation replaces each row's two atoms by Gaussians of a small width $s$ and drops the
 part of their KL that does not depend on $M$, which grows like $-\log s$ without bound as
 $s \to 0$ (Hron, Matthews & Ghahramani, 2018). So the dropout objective is a limit of
 ELBOs with a diverging constant removed: it justifies predicting by averaging masked
 passes, but it is not a bound, and its value cannot compare two rates $p$ or two
 architectures; section 1 computes that KL for one weight. Chapter 11 compares with their
 UCI results, where $\tau$ is the hyperparameter they tune and, through $\lambda$, it sets
 the weight decay during training; chapter 11 says how its own protocol differs.

 **Deep ensembles** (Lakshminarayanan et al., 2017). Train $M$ networks from different
 random initialisations and minibatch orders and average their predictions. Not a
 variational method, but the members land in different modes of the posterior, which a
 single Gaussian $q$ cannot do.

 **Heteroscedastic regression.** Both of those express uncertainty about the weights
 (epistemic). Noise that varies with the input (aleatoric) needs the likelihood to
 change: a network with a mean head and a log-variance head, trained by the Gaussian
 negative log-likelihood. Combined with an ensemble it gives both kinds.

 Mirrors note 000 §5, §6.3, §7.1–7.3 and §8.1.
 */
import BayesianDL
import BayesianDLPlotting
import CourseSupport
import Foundation

let chapter = Chapter.start()
var rng = Generator(seed: chapter.seed)

//: ## Configuration
let moonsCount = 1000  // two-moons training points, as note 000 §7.3
let moonsNoise = 0.1
let testCount = 1000  // a fresh test set from the same distribution
let farCount = 500  // inputs far from the data: an annulus around the moons
let farRadii = 3.0...4.0  // its radii, around the moons' centre (0.5, 0.25)
let sizes = [2, 64, 64, 2]  // note 000's network
let dropoutRate = 0.2  // p for the main MC dropout model (the sweep below varies it)
let priorStandardDeviation = 1.0  // the Gaussian prior behind the weight decay
let epochs = chapter.budget(100, quick: 12)
let batchSize = 64
let learningRate = 1e-3  // Adam, as note 000
let passes = 100  // T, stochastic passes per MC dropout prediction
let referencePasses = chapter.budget(2000, quick: 400)  // T for the "exact" predictive
let convergenceCount = 500  // test points used in the convergence study
let convergenceRepeats = 3  // independent estimates averaged per T
let sweepRates = [0.0, 0.1, 0.2, 0.3, 0.5, 0.7]
let noteRate = 0.5  // note 000's dropout rate, for the dropout-on-logits comparison
let ensembleSize = 5  // M, as Lakshminarayanan et al.
let gridSide = chapter.budget(80, quick: 20)  // confidence maps
let regressionSizes = [1, 50, 50, 2]  // outputs [μ, log σ²]
let regressionSteps = chapter.budget(1500, quick: 150)  // Adam steps per member
let regressionBatchSize = 100
let regressionLearningRate = 1e-2
let syntheticCount = 400  // heteroscedastic sine, noise σ(x) = 0.05 + 0.2(x + π)
let motorcycleTestFraction = 0.25  // held out of the 133 motorcycle points (33)
let gapCount = 200  // chapter 3's regression with a gap, in [−3, −1] ∪ [1, 3]
let gapNoise = 0.1  // its noise σ, known to the model
let gapRates = [0.1, 0.5]  // dropout rates of the regression section
let gapSteps = chapter.budget(8000, quick: 300)  // full-batch Adam steps
let gapLearningRates = [1e-2, 1e-3]  // Adam, gapSteps at each

/*:
 The data: two moons to train on, a fresh test set from the same distribution, and an
 annulus of inputs far from both.
 */
let moons = SyntheticData.twoMoons(count: moonsCount, noise: moonsNoise, using: &rng)
let moonsTest = SyntheticData.twoMoons(count: testCount, noise: moonsNoise, using: &rng)
let far = SyntheticData.annulus(count: farCount, centre: (0.5, 0.25), radii: farRadii, using: &rng)
let testLabels = moonsTest.targets.labels

/*:
 Every classifier of the chapter is note 000's network trained to the MAP estimate under
 the Gaussian prior; only where its dropout goes, and at what rate, changes.
 */
/// Trains a deterministic classifier (MAP under the Gaussian prior) with `dropout` on the
/// inputs of its hidden weight layers, and on its logits too if `logitDropout` is set.
/// It draws only from its own `generator`, so several can train at once (``Parallel``);
/// `onEpoch` sees each epoch's record, e.g. for a progress line.
func trainClassifier(
  dropout: Double, logitDropout: Double = 0, on data: Dataset, generator: Generator,
  onEpoch: (EpochRecord) -> Void = { _ in }
) throws -> MLP {
  var local = generator
  var model = MLP(sizes: sizes, dropout: dropout, using: &local)
  if logitDropout > 0 {
    model = MLP(
      layers: model.layers + [Dropout(width: sizes.last!, rate: logitDropout)],
      activation: model.activation)
  }
  var adam = Adam(parameters: model.parameters, learningRate: learningRate)
  try MAPEstimation(
    model: model, likelihood: .categorical, priorStandardDeviation: priorStandardDeviation
  ).train(
    on: data, epochs: epochs, batchSize: batchSize, optimiser: &adam, using: &local,
    onEpoch: onEpoch)
  return model
}

/*:
 Every predictive is scored the same way, from sets of sampled class probabilities ($T$
 passes of one network, or one set per ensemble member): on the test set, and far from
 the data.
 */
/// What a classifier's predictive scores: on the test set, and far from the data.
struct Scores {
  let accuracy: Double
  let negativeLogLikelihood: Double
  let calibrationError: Double
  let testMutualInformation: Double
  let farMutualInformation: Double
  let farConfidence: Double

  /// Scores the predictive built from `testSamples` and `farSamples`, sets of sampled
  /// class probabilities on the test and far inputs.
  init(testSamples: [Matrix], farSamples: [Matrix]) {
    let test = UncertaintyDecomposition(classProbabilities: testSamples)
    let farSplit = UncertaintyDecomposition(classProbabilities: farSamples)
    let p = testSamples.dropFirst().reduce(testSamples[0], +) / Double(testSamples.count)
    let pFar = farSamples.dropFirst().reduce(farSamples[0], +) / Double(farSamples.count)
    accuracy = ClassificationMetrics.accuracy(p, labels: testLabels)
    negativeLogLikelihood = ClassificationMetrics.negativeLogLikelihood(p, labels: testLabels)
    calibrationError = ClassificationMetrics.expectedCalibrationError(p, labels: testLabels)
    testMutualInformation = SampleSummary.mean(test.epistemic)
    farMutualInformation = SampleSummary.mean(farSplit.epistemic)
    farConfidence = SampleSummary.mean(pFar.max(over: .columns).storage)
  }
}

/// The MC dropout predictive of `model`: `passes` masked passes on each input set.
func dropoutScores(_ model: MLP, using rng: inout Generator) -> Scores {
  Scores(
    testSamples: MonteCarloPredictive.probabilitySamples(
      of: model, at: moonsTest.inputs, samples: passes, using: &rng),
    farSamples: MonteCarloPredictive.probabilitySamples(
      of: model, at: far, samples: passes, using: &rng))
}

/// `count` generators forked from `rng` in turn, one per job of a ``Parallel`` map.
func independentGenerators(_ count: Int, from rng: inout Generator) -> [Generator] {
  (0..<count).map { _ in rng.fork() }
}

/*:
 ## 1. Train with dropout, predict with dropout

 Note 000's 2-64-64-2 network, with dropout $p = 0.2$ on the inputs of the second and
 third weight layers, trained on 1000 two-moons points with Adam. The weight decay
 $\lVert w\rVert^2/(2\sigma_p^2N)$ is the Gaussian prior $\mathcal N(0, 1)$ of the earlier
 chapters on every layer, so every method in this chapter answers to the same prior. In
 Gal's reading that is nearly, not exactly, the same: his identity with $l = 1/\sigma_p = 1$
 and $\tau = 1$ gives a dropped layer the decay $(1-p)/(2N)$, so our decay on the two dropped
 layers corresponds to a prior of variance $1 - p$ there (the numbers are below).

 Standard practice switches dropout off at test time and uses the weights as trained
 ("weight averaging": inverted dropout already scaled the kept units by $1/(1-p)$ so that
 the expected input of each layer is unchanged). MC dropout keeps it on and averages.
 The tables score each predictive by its test accuracy, its test NLL (the mean of
 $-\log \hat p(y_n \mid x_n)$ over the test points; lower is better) and its ECE, the
 expected calibration error over 15 equal-width confidence bins (chapter 7 defines it);
 "MI" below is the mutual information between label and weights, the epistemic part of
 the predictive entropy (chapter 6).
 */
Narration.section("1. Train with dropout p = \(dropoutRate), predict with T = \(passes) passes")
let mainGenerator = rng.fork()
let (mainModel, mainSeconds) = Stopwatch.time {
  training("dropout p = \(dropoutRate)", epochs: epochs) { onEpoch in
    try trainClassifier(
      dropout: dropoutRate, on: moons, generator: mainGenerator, onEpoch: onEpoch)
  }
}
Narration.result("training time", mainSeconds, digits: 2, unit: "s")
chapter.recordTime("training, dropout p = \(dropoutRate)", seconds: mainSeconds)

//: The same network predicts the test set both ways: with dropout off, and as the average of
//: $T$ masked passes.
let mainScores = dropoutScores(mainModel, using: &rng)
let averaged = mainModel.predict(moonsTest.inputs, using: &rng).softmaxRows()
let averagedAccuracy = chapter.value(
  "averagedAccuracy", ClassificationMetrics.accuracy(averaged, labels: testLabels), digits: 4)
let averagedNLL = chapter.value(
  "averagedNLL", ClassificationMetrics.negativeLogLikelihood(averaged, labels: testLabels),
  digits: 2)
chapter.value("dropoutAccuracy", mainScores.accuracy, digits: 4)
chapter.value("dropoutNLL", mainScores.negativeLogLikelihood, digits: 2)
var predictions = ResultTable(
  "prediction",
  columns: ["test accuracy", "test NLL", "ECE (15 bins)"].map { ResultTable.Column($0, digits: 4) })
predictions.add(
  "weight averaging (dropout off)",
  numbers: [
    averagedAccuracy, averagedNLL,
    ClassificationMetrics.expectedCalibrationError(averaged, labels: testLabels),
  ])
predictions.add(
  "MC dropout, \(passes) passes",
  numbers: [mainScores.accuracy, mainScores.negativeLogLikelihood, mainScores.calibrationError])
chapter.show(predictions)
chapter.claim(
  "Both classify the test set equally well (accuracy {{averagedAccuracy}} and {{dropoutAccuracy}}).",
  abs(averagedAccuracy - mainScores.accuracy) < 0.02, atAnyBudget: true)
chapter.claim(
  "MC averaging softens the most confident predictions a little, which costs some NLL on these easy, in-distribution points ({{dropoutNLL}} against {{averagedNLL}});",
  mainScores.negativeLogLikelihood > averagedNLL, atAnyBudget: true)
/*:
 Both classify the test set equally well (accuracy {{averagedAccuracy}} and {{dropoutAccuracy}}).
 MC averaging softens the most confident predictions a little, which costs some NLL on
 these easy, in-distribution points ({{dropoutNLL}} against {{averagedNLL}}); what
 it buys is what the predictive says about inputs unlike the training data, which the
 sections below measure.
 */
//: The weight decay we use on a dropped layer, what Gal's identity gives for the prior
//: $\mathcal N(0, 1)$, and the prior variance our decay stands for in his reading:
let ourWeightDecay = chapter.value(
  "ourWeightDecay", 1 / (2 * priorStandardDeviation * priorStandardDeviation * Double(moonsCount)),
  digits: 2)
let galWeightDecay = chapter.value(
  "galWeightDecay",
  (1 - dropoutRate) / (priorStandardDeviation * priorStandardDeviation) / (2 * Double(moonsCount)),
  digits: 2)
// λ = l²(1 − p)/(2N) solved for l⁻², the prior variance, at our λ.
let impliedPriorVariance = chapter.value(
  "impliedPriorVariance", (1 - dropoutRate) / (2 * Double(moonsCount) * ourWeightDecay), digits: 3)
chapter.claim(
  "Our decay on a dropped layer is {{ourWeightDecay}} per datum where Gal's identity with $l = 1$ gives {{galWeightDecay}}: in his reading it is a prior of variance {{impliedPriorVariance}} on those layers, the keep probability.",
  abs(impliedPriorVariance - (1 - dropoutRate)) < 1e-12 && galWeightDecay < ourWeightDecay,
  atAnyBudget: true)
/*:
 Our decay on a dropped layer is {{ourWeightDecay}} per datum where Gal's identity with
 $l = 1$ gives {{galWeightDecay}}: in his reading it is a prior of variance
 {{impliedPriorVariance}} on those layers, the keep probability.

 The KL term that the derivation sets aside can be computed for one weight. Its $q$ is
 the mixture $(1-p)\,\mathcal N(m, s^2) + p\,\mathcal N(0, s^2)$, kept with probability
 $1 - p$ at its trained value $m$ and dropped to 0 otherwise, each atom widened to a width
 $s$; the prior is $\mathcal N(0, l^{-2})$. For small $s$ the two components do not overlap
 and
 $$\mathrm{KL}(q \,\|\, p) \approx \frac{(1-p)\,l^2 m^2}{2} - \log s - H(p) + \tfrac12\log\frac{1}{e\,l^2},$$
 with $H(p)$ the entropy of the Bernoulli mask: the part that depends on $m$ is the
 weight decay, the rest grows without bound as $s \to 0$. We compute the KL by quadrature
 ($E_q\log q$ on a fine grid around each component, $E_q\log p$ in closed form) for two
 trained values $m$ and shrinking widths $s$.
 */
/// KL(q ‖ N(0, 1/l²)) for q = (1 − p) N(m, s²) + p N(0, s²): E_q log q by the trapezoid
/// rule over ±12 s around each component, E_q[−log p] in closed form.
func dropoutKL(mean m: Double, width s: Double, rate p: Double, lengthScale l: Double) -> Double {
  let (kept, dropped) = (
    Gaussian(mean: m, standardDeviation: s), Gaussian(mean: 0, standardDeviation: s)
  )
  let h = 0.005
  var expectedLogQ = 0.0
  for (weight, centre) in [(1 - p, m), (p, 0.0)] {
    for k in -2400...2400 {
      let t = Double(k) * h
      let w = centre + s * t
      let logQ = logSumExp([log(1 - p) + kept.logDensity(w), log(p) + dropped.logDensity(w)])
      expectedLogQ += weight * h * exp(-0.5 * t * t) / (2 * Double.pi).squareRoot() * logQ
    }
  }
  let secondMoment = (1 - p) * m * m + s * s
  let expectedLogPrior = -0.5 * log(2 * Double.pi / (l * l)) - 0.5 * l * l * secondMoment
  return expectedLogQ - expectedLogPrior
}
let widths = [1e-2, 1e-3, 1e-4, 1e-6]
let (smallMean, largeMean) = (0.5, 1.5)
var klTable = ResultTable(
  "width s",
  columns: [
    .init("KL, m = \(smallMean)", digits: 4), .init("KL, m = \(largeMean)", digits: 4),
    .init("difference", digits: 6),
  ])
var klDifferences = [Double]()
var klSmall = [Double]()
for s in widths {
  let (a, b) = (
    dropoutKL(mean: smallMean, width: s, rate: dropoutRate, lengthScale: 1),
    dropoutKL(mean: largeMean, width: s, rate: dropoutRate, lengthScale: 1)
  )
  klTable.add(Narration.format(s, digits: 1), numbers: [a, b, b - a])
  klDifferences.append(b - a)
  klSmall.append(a)
}
chapter.show(klTable)
let decayDifference = chapter.value(
  "decayDifference", (1 - dropoutRate) * (largeMean * largeMean - smallMean * smallMean) / 2,
  digits: 3)
let klGrowthPerDecade = chapter.value(
  "klGrowthPerDecade", klSmall[2] - klSmall[1], digits: 4)
chapter.value("klAtSmallestWidth", klSmall.last!, digits: 3)
chapter.claim(
  "At every width the difference between the two trained values is the weight-decay term $(1-p)(1.5^2 - 0.5^2)/2$ = {{decayDifference}},",
  klDifferences.allSatisfy { abs($0 - decayDifference) < 1e-6 }, atAnyBudget: true)
chapter.claim(
  "while each tenfold narrowing adds {{klGrowthPerDecade}} nats, $\\log 10$, to both: at $s = 10^{-6}$ the KL is already {{klAtSmallestWidth}} nats for one weight, and at $s = 0$ it is infinite.",
  abs(klGrowthPerDecade - log(10)) < 1e-6
    && abs((klSmall[3] - klSmall[2]) - 2 * log(10)) < 1e-6, atAnyBudget: true)
/*:
 At every width the difference between the two trained values is the weight-decay term
 $(1-p)(1.5^2 - 0.5^2)/2$ = {{decayDifference}}, while each tenfold narrowing adds
 {{klGrowthPerDecade}} nats, $\log 10$, to both: at $s = 10^{-6}$ the KL is already
 {{klAtSmallestWidth}} nats for one weight, and at $s = 0$ it is infinite. Training only
 ever sees the first part; the second is the constant the derivation drops.

 ## 2. How many passes?

 The MC estimate $\hat p_T(x) = \frac1T\sum_t p(y \mid x, W_t)$ is an average of
 independent draws, so its error has standard deviation
 $\sqrt{\operatorname{Var}_t[p(y \mid x, W_t)]/T}$: halving the error costs four times the
 passes. We measure it against a reference predictive with many more passes, on 500
 test points, and compare with that law (the reference's own error adds
 $\operatorname{Var}/T_\text{ref}$ to the expected squared difference).
 */
Narration.section("2. Error of the MC predictive against T")
let convergenceInputs = moonsTest.inputs.rows(0..<convergenceCount)
let reference = MonteCarloPredictive.probabilities(
  of: mainModel, at: convergenceInputs, samples: referencePasses, using: &rng)
// The spread of one pass's probability of class 1, averaged over the inputs.
let passVariance = reference.variance.columns(1..<2).mean()

//: For each $T$, the RMS difference from the reference over a few independent estimates,
//: next to what the law predicts.
let passCounts = [1, 2, 5, 10, 20, 50, 100, 200, 500]
var measuredError = [Double]()
var predictedError = [Double]()
for t in passCounts {
  var squared = 0.0
  for _ in 0..<convergenceRepeats {
    let estimate = MonteCarloPredictive.probabilities(
      of: mainModel, at: convergenceInputs, samples: t, using: &rng)
    let difference = estimate.mean.columns(1..<2) - reference.mean.columns(1..<2)
    squared += (difference * difference).mean()
  }
  measuredError.append((squared / Double(convergenceRepeats)).squareRoot())
  predictedError.append(
    (passVariance * (1 / Double(t) + 1 / Double(referencePasses))).squareRoot())
}
var convergence = ResultTable(
  "passes T",
  columns: [
    .init("RMS error of p̂(class 1)", digits: 4), .init("√(Var/T + Var/T_ref)", digits: 4),
    .init("measured / predicted", digits: 3),
  ])
for (t, (measured, predicted)) in zip(passCounts, zip(measuredError, predictedError)) {
  chapter.value("passErrorRatio.T\(t)", measured / predicted, digits: 3)
  convergence.add("\(t)", numbers: [measured, predicted, measured / predicted])
}
chapter.show(convergence)
chapter.result(
  "mean variance of one pass's p(class 1)", passVariance, digits: 5, as: "passVariance")
let errorRatios = zip(measuredError, predictedError).map { $0 / $1 }
chapter.value("passCountsMeasured", Double(passCounts.count), digits: 1)
chapter.value("smallestPassErrorRatio", errorRatios.min()!, digits: 2)
chapter.value("largestPassErrorRatio", errorRatios.max()!, digits: 2)
let errorAt100 = chapter.value(
  "errorAt100Passes", measuredError[passCounts.firstIndex(of: 100)!], digits: 2)
let singlePassSpread = chapter.value("singlePassSpread", passVariance.squareRoot(), digits: 2)
chapter.claim(
  "The measured error follows the $1/\\sqrt T$ law at every $T$: measured over predicted stays between {{smallestPassErrorRatio}} and {{largestPassErrorRatio}}.",
  errorRatios.allSatisfy { $0 > 0.75 && $0 < 1.33 }, atAnyBudget: true)
chapter.claim(
  "At $T = 100$ the typical error in a probability, {{errorAt100Passes}}, is about a tenth of the spread of a single pass ({{singlePassSpread}})",
  errorAt100 / singlePassSpread > 0.08 && errorAt100 / singlePassSpread < 0.125)
//: The measured errors against the law, on log-log axes:
// fold: the convergence figure
orExit("saving the convergence figure") {
  let ts = passCounts.map(Double.init)
  var figure = Figure(
    title: "MC dropout: error of the T-pass predictive", xLabel: "passes T",
    yLabel: "RMS error of p(class 1) vs T_{ref} = \(referencePasses)",
    series: [
      .line(x: ts, y: predictedError, title: "√(Var/T + Var/T_{ref})", color: .grey),
      .points(x: ts, y: measuredError, title: "measured", color: .blue, size: 1.2),
    ])
  figure.logX = true
  figure.logY = true
  figure.legend = .topRight
  try chapter.figures.save(
    figure, name: "passes",
    caption:
      "The measured error of the T-pass predictive (dots) follows the 1/√T law (line): measured over predicted stays between \(Narration.format(errorRatios.min()!, digits: 2)) and \(Narration.format(errorRatios.max()!, digits: 2)) at the \(passCounts.count) values of T.",
    width: 700, height: 480)
}
/*:
 The measured error follows the $1/\sqrt T$ law at every $T$: measured over predicted stays
 between {{smallestPassErrorRatio}} and {{largestPassErrorRatio}}.
 At $T = 100$ the typical error in a probability, {{errorAt100Passes}}, is about a tenth
 of the spread of a single pass ({{singlePassSpread}}) — small next to
 the differences between models below, and the reason 100 passes is the usual choice.

 ## 3. The dropout rate

 The rate $p$ is the one knob of the approximate posterior: $q$'s spread grows with it.
 At $p = 0$ the passes are identical and the mutual information between the label and
 the weights (the epistemic part of the predictive entropy, chapter 6) is 0.
 */
Narration.section("3. Sweep of the dropout rate p")
// One model per rate, trained side by side on the two cores; the main model is p = 0.2.
let sweepGenerators = independentGenerators(sweepRates.count, from: &rng)
let sweepModels = orExit("training the dropout-rate sweep") {
  try Parallel.map(sweepRates.count) { k -> MLP? in
    try sweepRates[k] == dropoutRate
      ? nil : trainClassifier(dropout: sweepRates[k], on: moons, generator: sweepGenerators[k])
  }
}.map { $0 ?? mainModel }
var sweep = [(rate: Double, scores: Scores)]()
for (rate, model) in zip(sweepRates, sweepModels) {
  sweep.append((rate, rate == dropoutRate ? mainScores : dropoutScores(model, using: &rng)))
}
//: The scores at each rate:
// fold: the table, each rate's scores recorded (e.g. as sweepFarMI.p01 for p = 0.1)
var sweepTable = ResultTable(
  "rate p",
  columns: ["test accuracy", "test NLL", "MI on test", "MI far away", "confidence far away"].map {
    ResultTable.Column($0, digits: 4)
  })
for (rate, s) in sweep {
  let key = String(format: "p%02d", Int((rate * 10).rounded()))  // p00, p01, …, p07
  chapter.value("sweepAccuracy.\(key)", s.accuracy, digits: 3)
  chapter.value("sweepNLL.\(key)", s.negativeLogLikelihood, digits: 2)
  chapter.value("sweepTestMI.\(key)", s.testMutualInformation, digits: 2)
  chapter.value("sweepFarMI.\(key)", s.farMutualInformation, digits: 2)
  chapter.value("sweepFarConfidence.\(key)", s.farConfidence, digits: 3)
  sweepTable.add(
    "\(rate)",
    numbers: [
      s.accuracy, s.negativeLogLikelihood, s.testMutualInformation, s.farMutualInformation,
      s.farConfidence,
    ])
}
chapter.show(sweepTable)
chapter.value("sweepRateCount", Double(sweep.count), digits: 1)
//: What the sweep shows, checked:
let noDropout = sweep.first { $0.rate == 0 }!.scores
let smallRate = sweep.first { $0.rate == 0.1 }!.scores
let largestRate = sweep.last!.scores
chapter.value(
  "largestMIWithoutDropout", max(noDropout.testMutualInformation, noDropout.farMutualInformation),
  digits: 1)
chapter.claim(
  "Without dropout the mutual information is 0 up to round-off ({{largestMIWithoutDropout}} at most).",
  noDropout.testMutualInformation < 1e-12 && noDropout.farMutualInformation < 1e-12,
  atAnyBudget: true)
chapter.claim(
  "Small rates fit about as well as no dropout (test NLL {{sweepNLL.p01}} at $p = 0.1$ against {{sweepNLL.p00}});",
  smallRate.negativeLogLikelihood < 1.5 * noDropout.negativeLogLikelihood)
chapter.claim(
  "large rates cost fit: the test NLL rises to {{sweepNLL.p07}} at $p = 0.7$ once the network has to carry its prediction through many dropped units.",
  largestRate.negativeLogLikelihood > 3 * noDropout.negativeLogLikelihood)
chapter.claim(
  "At every rate above 0 the mutual information is larger far from the data than on the test points, the signature of epistemic uncertainty,",
  sweep.allSatisfy {
    $0.rate == 0 || $0.scores.farMutualInformation > $0.scores.testMutualInformation
  },
  atAnyBudget: true)
chapter.claim(
  "and it broadly grows with $p$, from {{sweepFarMI.p01}} at $p = 0.1$ to {{sweepFarMI.p07}} at $p = 0.7$ far from the data (not strictly: each rate is a different trained network).",
  largestRate.farMutualInformation > smallRate.farMutualInformation, atAnyBudget: true)
//: Fit and epistemic uncertainty against the rate:
// fold: the dropout-rate figure
orExit("saving the dropout-rate figure") {
  let rates = sweep.map(\.rate)
  var nll = Figure(
    title: "Fit", xLabel: "dropout rate p", yLabel: "test NLL (nats)",
    series: [
      .line(x: rates, y: sweep.map(\.scores.negativeLogLikelihood), color: .blue),
      .points(x: rates, y: sweep.map(\.scores.negativeLogLikelihood), color: .blue, size: 1),
    ])
  nll.legend = .none
  var information = Figure(
    title: "Epistemic uncertainty", xLabel: "dropout rate p", yLabel: "mean MI (nats)",
    series: [
      .line(
        x: rates, y: sweep.map(\.scores.farMutualInformation), title: "far from the data",
        color: .vermillion),
      .line(
        x: rates, y: sweep.map(\.scores.testMutualInformation), title: "on test points",
        color: .blue),
      .points(x: rates, y: sweep.map(\.scores.farMutualInformation), color: .vermillion, size: 1),
      .points(x: rates, y: sweep.map(\.scores.testMutualInformation), color: .blue, size: 1),
    ])
  information.legend = .topLeft
  try chapter.figures.save(
    FigureGrid(rows: 1, columns: 2, panels: [nll, information]), name: "dropout-rate",
    caption:
      "Left: small rates cost no fit, large ones do. Right: at every rate above 0 the mutual information far from the data (vermillion) is above that on the test points (blue), and it broadly grows with the rate.",
    panelWidth: 520, panelHeight: 400)
}
/*:
 Without dropout the mutual information is 0 up to round-off ({{largestMIWithoutDropout}} at most).
 Small rates fit about as well as no dropout (test NLL {{sweepNLL.p01}} at $p = 0.1$ against {{sweepNLL.p00}});
 large rates cost fit: the test NLL rises to {{sweepNLL.p07}} at $p = 0.7$ once the network
 has to carry its prediction through many dropped units. At every
 rate above 0 the mutual information is larger far from the data than on the test
 points, the signature of epistemic uncertainty,
 and it broadly grows with $p$, from {{sweepFarMI.p01}} at $p = 0.1$ to {{sweepFarMI.p07}} at $p = 0.7$
 far from the data (not strictly: each rate is a different trained network). In Gal's treatment $p$ is a
 variational parameter and could be learned (Concrete dropout); here it is a
 hyperparameter.

 ## 4. Where the dropout goes: note 000 drops the logits

 Note 000's MC-dropout model applies dropout to its output logits as well. With $C$
 classes, every pass then has probability $p^C$ of dropping *all* logits, which predicts
 the uniform distribution whatever the input. The predictive can therefore never exceed
 $$\max_k \hat p_k(x) \le 1 - p^C\left(1 - \tfrac1C\right),$$
 which is {{confidenceBound}} for $p = 0.5$ and two classes, on the training points as much as
 anywhere else. The noise it adds is the same near the data and far away, so it does not
 measure what the model does not know. Dropout belongs on the inputs of weight layers,
 where a mask means a different weight matrix.
 */
Narration.section(
  "4. Dropout on the logits (note 000) vs only before weight layers, p = \(noteRate)")
let notesGenerator = rng.fork()
let notesModel = orExit("training note 000's model") {
  try trainClassifier(
    dropout: noteRate, logitDropout: noteRate, on: moons, generator: notesGenerator)
}
let weightsOnly = sweepModels[sweepRates.firstIndex(of: noteRate)!]
let notesScores = dropoutScores(notesModel, using: &rng)
let weightsOnlyScores = sweep.first { $0.rate == noteRate }!.scores
let confidenceBound = 1 - pow(noteRate, Double(sizes.last!)) * (1 - 1 / Double(sizes.last!))

/// The MC dropout predictive's largest class probability, averaged over the test points.
func meanTestConfidence(_ model: MLP, using rng: inout Generator) -> Double {
  MonteCarloPredictive.probabilities(of: model, at: moonsTest.inputs, samples: passes, using: &rng)
    .mean.max(over: .columns).mean()
}
let notesConfidence = meanTestConfidence(notesModel, using: &rng)
let weightsOnlyConfidence = meanTestConfidence(weightsOnly, using: &rng)
//: The two placements of dropout side by side:
// fold: the table
var placements = ResultTable(
  "dropout",
  columns: [
    .init("mean test confidence", digits: 4), .init("test NLL", digits: 4),
    .init("MI on test", digits: 4), .init("MI far", digits: 4), .init("far / test", digits: 3),
  ])
for (label, s, confidence) in [
  ("hidden + logits (note 000)", notesScores, notesConfidence),
  ("before weight layers only", weightsOnlyScores, weightsOnlyConfidence),
] {
  placements.add(
    label,
    numbers: [
      confidence, s.negativeLogLikelihood, s.testMutualInformation, s.farMutualInformation,
      s.farMutualInformation / s.testMutualInformation,
    ])
}
chapter.show(placements)
//: The bound, the confidences and the ratios of mutual information the prose quotes:
chapter.result("bound 1 − p^C (1 − 1/C)", confidenceBound, as: "confidenceBound")
chapter.result(
  "mean test confidence, note 000's model", notesConfidence, digits: 3, as: "notesConfidence")
chapter.result(
  "mean test confidence, dropout before weights", weightsOnlyConfidence, digits: 3,
  as: "weightsOnlyConfidence")
let testMIRatio = chapter.result(
  "MI on test points, note 000 over ours",
  notesScores.testMutualInformation / weightsOnlyScores.testMutualInformation, digits: 3,
  as: "testMIRatio")
let notesFarOverTest = chapter.result(
  "far / test MI, note 000", notesScores.farMutualInformation / notesScores.testMutualInformation,
  digits: 3, as: "notesFarOverTestMI")
let oursFarOverTest = chapter.result(
  "far / test MI, ours",
  weightsOnlyScores.farMutualInformation / weightsOnlyScores.testMutualInformation, digits: 3,
  as: "oursFarOverTestMI")
chapter.value("notesAccuracy", notesScores.accuracy, digits: 3)
chapter.value("notesNLL", notesScores.negativeLogLikelihood, digits: 2)
chapter.value("weightsOnlyNLL", weightsOnlyScores.negativeLogLikelihood, digits: 2)
chapter.claim(
  "which is {{confidenceBound}} for $p = 0.5$ and two classes,",
  abs(confidenceBound - 0.875) < 1e-12, atAnyBudget: true)
chapter.claim(
  "Note 000's model stays below the bound, at a mean test confidence of {{notesConfidence}} (accuracy {{notesAccuracy}}),",
  notesConfidence < confidenceBound, atAnyBudget: true)
chapter.claim(
  "and its test NLL pays for it: {{notesNLL}} against {{weightsOnlyNLL}} for the same rate without logit dropout.",
  notesScores.negativeLogLikelihood > weightsOnlyScores.negativeLogLikelihood)
chapter.claim(
  "Its mutual information on the test points is {{testMIRatio}} times ours:", testMIRatio > 1.5,
  atAnyBudget: true)
chapter.claim(
  "the contrast between far and near shrinks (far over test MI {{notesFarOverTestMI}} against our {{oursFarOverTestMI}}).",
  notesFarOverTest < oursFarOverTest, atAnyBudget: true)
/*:
 Note 000's model stays below the bound, at a mean test confidence of {{notesConfidence}}
 (accuracy {{notesAccuracy}}), and its test NLL pays for it: {{notesNLL}} against
 {{weightsOnlyNLL}} for the same rate without logit dropout.
 Its mutual information on the test points is {{testMIRatio}} times ours:
 the logit noise reads as "epistemic" uncertainty exactly where the model
 has seen the most data, and
 the contrast between far and near shrinks (far over test MI {{notesFarOverTestMI}} against our {{oursFarOverTestMI}}).

 ## 5. Deep ensembles against MC dropout

 Five networks without dropout, each with its own initialisation and minibatch order,
 trained with the same prior (weight decay) and budget; the predictive is the average of
 their softmax outputs. A single one of them is the MAP baseline. Every model is scored
 on the same test points and far points.
 */
Narration.section(
  "5. Deep ensemble (M = \(ensembleSize)) vs MC dropout (p = \(dropoutRate), T = \(passes))")

/// `ensembleSize` networks without dropout, trained as the MC dropout model was (same
/// prior, epochs and optimiser), each from its own initialisation and minibatch order.
func trainEnsemble(using rng: inout Generator) -> DeepEnsemble {
  orExit("training the ensemble") {
    try DeepEnsemble.trainMAP(
      count: ensembleSize, sizes: sizes, likelihood: .categorical,
      priorStandardDeviation: priorStandardDeviation, on: moons, epochs: epochs,
      batchSize: batchSize, learningRate: learningRate, using: &rng)
  }
}
let ensembleStart = ContinuousClock.now
let ensemble = trainEnsemble(using: &rng)
let ensembleSeconds = Stopwatch.seconds(since: ensembleStart)  // wall clock, members two at a time
chapter.recordTime("training, deep ensemble", seconds: ensembleSeconds)

//: The ensemble is scored from its members' probabilities, and its first member alone is
//: the single MAP network; the time to predict the test set is measured for the ensemble
//: and for MC dropout's $T$ passes.
let (ensembleTest, ensemblePredictSeconds) = Stopwatch.time {
  ensemble.probabilities(at: moonsTest.inputs).members
}
let ensembleFarSamples = ensemble.probabilities(at: far).members
let ensembleScores = Scores(testSamples: ensembleTest, farSamples: ensembleFarSamples)
let mapScores = Scores(testSamples: [ensembleTest[0]], farSamples: [ensembleFarSamples[0]])
let dropoutPredictStart = ContinuousClock.now
_ = MonteCarloPredictive.probabilities(
  of: mainModel, at: moonsTest.inputs, samples: passes, using: &rng)
let dropoutPredictSeconds = Stopwatch.seconds(since: dropoutPredictStart)
//: The three models, their scores and their costs:
// fold: the table
var comparison = ResultTable(
  "model",
  columns: [
    .init("accuracy", digits: 4), .init("NLL", digits: 4), .init("ECE", digits: 4),
    .init("confidence far", digits: 3), .init("MI far", digits: 4), .init("trainings"),
    .init("training s", digits: 2), .init("passes"), .init("prediction s", digits: 4),
  ])
for (label, s, trainings, wall, passCount, predict) in [
  (
    "single MAP network", mapScores, 1, mainSeconds, 1,
    ensemblePredictSeconds / Double(ensembleSize)
  ),
  ("MC dropout", mainScores, 1, mainSeconds, passes, dropoutPredictSeconds),
  (
    "deep ensemble", ensembleScores, ensembleSize, ensembleSeconds, ensembleSize,
    ensemblePredictSeconds
  ),
] {
  comparison.add(
    label,
    numbers: [
      s.accuracy, s.negativeLogLikelihood, s.calibrationError, s.farConfidence,
      s.farMutualInformation, Double(trainings), wall, Double(passCount), predict,
    ])
}
chapter.show(comparison)
//: The confidence and mutual information far away, recorded and checked:
let mapFar = chapter.result(
  "confidence far away, single MAP network", mapScores.farConfidence, digits: 3,
  as: "mapFarConfidence")
let dropoutFar = chapter.result(
  "confidence far away, MC dropout", mainScores.farConfidence, digits: 3,
  as: "dropoutFarConfidence")
let ensembleFar = chapter.result(
  "confidence far away, deep ensemble", ensembleScores.farConfidence, digits: 3,
  as: "ensembleFarConfidence")
let dropoutFarMI = chapter.result(
  "MI far away, MC dropout", mainScores.farMutualInformation, digits: 2, as: "dropoutFarMI")
let ensembleFarMI = chapter.result(
  "MI far away, deep ensemble", ensembleScores.farMutualInformation, digits: 2,
  as: "ensembleFarMI")
chapter.value("mapFarMI", mapScores.farMutualInformation, digits: 2)
chapter.value("mapAccuracy", mapScores.accuracy, digits: 4)
chapter.value("ensembleAccuracy", ensembleScores.accuracy, digits: 4)
let accuracies = [mapScores.accuracy, mainScores.accuracy, ensembleScores.accuracy]
chapter.claim(
  "All three classify the test set equally well (accuracy {{mapAccuracy}}, {{dropoutAccuracy}} and {{ensembleAccuracy}}).",
  accuracies.max()! - accuracies.min()! < 0.06, atAnyBudget: true)
chapter.claim(
  "The single network extrapolates its decision boundary with near-certainty (mean confidence {{mapFarConfidence}} far away),",
  mapFar > 0.95)
chapter.claim(
  "and as one network it has no epistemic term at all (mutual information {{mapFarMI}}).",
  mapScores.farMutualInformation == 0, atAnyBudget: true)
chapter.claim(
  "MC dropout and the ensemble are both less confident there ({{dropoutFarConfidence}} and {{ensembleFarConfidence}}).",
  mapFar > dropoutFar && mapFar > ensembleFar, atAnyBudget: true)
chapter.claim(
  "On this problem MC dropout spreads more: its mutual information far away is {{dropoutFarMI}} against the ensemble's {{ensembleFarMI}},",
  dropoutFarMI > ensembleFarMI && ensembleFarMI > 0, atAnyBudget: true)
chapter.claim(
  "and it is the less confident of the two.", dropoutFar < ensembleFar)
//: The confidence of the three predictives over the plane:
// fold: the three confidence maps
let mapGrid = SyntheticData.grid(x: -4...5, y: -3.5...4, nx: gridSide, ny: gridSide)
let confidenceMaps: [(String, Matrix)] = [
  ("single MAP network", ensemble.members[0].predict(mapGrid, using: &rng).softmaxRows()),
  (
    "MC dropout, p = \(dropoutRate)",
    MonteCarloPredictive.probabilities(of: mainModel, at: mapGrid, samples: passes, using: &rng)
      .mean
  ),
  ("deep ensemble, M = \(ensembleSize)", ensemble.probabilities(at: mapGrid).mean),
]
orExit("saving the confidence maps") {
  let xs = SyntheticData.linspace(-4, 5, count: gridSide).storage
  let ys = SyntheticData.linspace(-3.5, 4, count: gridSide).storage
  // 1 − confidence on a log scale: a confidence scale saturates above 0.95, where the
  // far field lies. Floored at 1e-4 (a confidence of 0.9999) for the log.
  let doubtFloor = 1e-4
  // The annulus the far-away scores average over, as two dashed circles.
  let circle = { (r: Double, first: Bool) -> Series in
    let t = SyntheticData.linspace(0, 2 * Double.pi, count: 121).storage
    return .line(
      x: t.map { 0.5 + r * cos($0) }, y: t.map { 0.25 + r * sin($0) },
      title: first ? "far-away annulus" : nil, color: .grey, width: 1.5, dashed: true)
  }
  let panels = confidenceMaps.map { map in
    var figure = Figure.planeMap(
      title: map.0, xs: xs, ys: ys,
      values: map.1.max(over: .columns).storage.map { max(1 - $0, doubtFloor) },
      colorBarLabel: "1 − confidence (floored at 10^{-4})", data: moons)
    figure.series += [circle(farRadii.lowerBound, true), circle(farRadii.upperBound, false)]
    figure.logColors = true
    return figure
  }
  let farDoubt = [mapFar, dropoutFar, ensembleFar].map { Narration.format(1 - $0, digits: 2) }
  try chapter.figures.save(
    FigureGrid(rows: 1, columns: 3, panels: panels).sharingColorScale(doubtFloor...0.5),
    name: "confidence-maps",
    caption:
      "One minus the confidence, on a log scale shared by the three panels (dark: doubt). Inside the dashed annulus, where the far-away scores are measured, the mean of 1 − confidence is \(farDoubt[0]) for the single network, \(farDoubt[1]) for MC dropout and \(farDoubt[2]) for the ensemble. The speckle of the MC dropout map is the Monte Carlo error of its \(passes) passes, about \(Narration.format(errorAt100, digits: 2)) in a probability.",
    panelWidth: 500, panelHeight: 440)
}
/*:
 All three classify the test set equally well (accuracy {{mapAccuracy}}, {{dropoutAccuracy}} and {{ensembleAccuracy}}).
 Far from the data they differ.
 The single network extrapolates its decision boundary with near-certainty (mean
 confidence {{mapFarConfidence}} far away), and as one network it has no epistemic term
 at all (mutual information {{mapFarMI}}).
 MC dropout and the ensemble are both less confident there ({{dropoutFarConfidence}} and {{ensembleFarConfidence}}).
 On this problem MC dropout spreads more: its mutual information far away is
 {{dropoutFarMI}} against the ensemble's {{ensembleFarMI}}, and it is the less confident of
 the two. Its band of doubt widens with the distance from the data, while the five ReLU members,
 trained on the same data under the same prior, mostly agree on how the boundary
 continues and disagree only around its extension. That is not a general ranking — on
 image benchmarks ensembles are usually the better of the two (Ovadia et al., 2019) —
 and chapter 10 measures both against an HMC reference. The cost: the ensemble trains
 $M$ networks where MC dropout trains one; at prediction time it needs $M = 5$ passes
 where MC dropout needs $T = 100$.

 **Average probabilities, not logits.** Note 000's `DeepEnsemble.predict` averages the
 members' raw outputs and reports their mean and spread, and so do its `MCDropoutModel`,
 `BayesianNetwork` and `BayesByBackpropNet`; for a classifier those outputs are logits,
 and the class probabilities become $\operatorname{softmax}\big(\frac1M\sum_m f_m(x)\big)$.
 The Bayesian model average is $\frac1M\sum_m \operatorname{softmax} f_m(x)$, what every
 predictive above uses. For regression the two coincide (the outputs are the means); for a
 classifier they do not, and the difference is largest where the members disagree. Our
 ensemble both ways:
 */
/// The note's recipe: softmax of the members' mean logits.
func logitAveraged(_ ensemble: DeepEnsemble, at inputs: Matrix) -> Matrix {
  var unused = Generator(seed: 0)  // the members have no dropout: nothing is drawn
  let logits = ensemble.members.map { $0.predict(inputs, using: &unused) }
  return (logits.dropFirst().reduce(logits[0], +) / Double(logits.count)).softmaxRows()
}
let logitFar = logitAveraged(ensemble, at: far)
let logitTest = logitAveraged(ensemble, at: moonsTest.inputs)
let logitFarConfidence = chapter.result(
  "confidence far away, ensemble, logits averaged (note 000)",
  logitFar.max(over: .columns).mean(), digits: 3, as: "logitFarConfidence")
let logitTestNLL = chapter.result(
  "test NLL, ensemble, logits averaged (note 000)",
  ClassificationMetrics.negativeLogLikelihood(logitTest, labels: testLabels), digits: 4,
  as: "logitTestNLL")
chapter.value("ensembleNLL", ensembleScores.negativeLogLikelihood, digits: 4)
// The share of far inputs where the logit average is the more confident of the two.
let ensembleFarMean = ensemble.probabilities(at: far).mean
let moreConfidentShare = chapter.value(
  "logitMoreConfidentShare",
  Double(
    (0..<far.rows).filter {
      logitFar.row($0).storage.max()! > ensembleFarMean.row($0).storage.max()!
    }.count) / Double(far.rows), digits: 3)
chapter.claim(
  "Averaging logits makes the ensemble more confident far from the data, {{logitFarConfidence}} against {{ensembleFarConfidence}} for averaging probabilities, and more confident at {{logitMoreConfidentShare}} of the far inputs:",
  logitFarConfidence > ensembleFar && moreConfidentShare > 0.5, atAnyBudget: true)
chapter.claim(
  "On the test points the two recipes score alike (test NLL {{logitTestNLL}} against {{ensembleNLL}});",
  abs(logitTestNLL - ensembleScores.negativeLogLikelihood)
    < 0.2 * ensembleScores.negativeLogLikelihood)
/*:
 Averaging logits makes the ensemble more confident far from the data,
 {{logitFarConfidence}} against {{ensembleFarConfidence}} for averaging probabilities, and
 more confident at {{logitMoreConfidentShare}} of the far inputs: a member that doubts
 contributes a logit near 0, which barely moves the average of the others' large logits,
 while its probability near $\tfrac12$ pulls the average of probabilities down. The
 average of logits also leaves a single distribution: the split into aleatoric and
 epistemic parts (chapter 6) needs the members' own probabilities.
 On the test points the two recipes score alike (test NLL {{logitTestNLL}} against {{ensembleNLL}});
 the difference is where the members disagree.

 ## 6. Heteroscedastic regression, and both kinds of uncertainty

 A network with outputs $[\mu(x), s(x)]$ and $\sigma^2(x) = e^{s(x)}$, trained by
 $-\log\mathcal N(y \mid \mu(x), \sigma^2(x))$ — note 000's `HeteroscedasticRegressor`,
 with one network and two heads instead of two networks, and the log-variance as the
 output so that no `+ 1e-8` is needed. An ensemble of $M = 5$ such networks is a mixture
 of Gaussians, whose variance splits by the law of total variance:
 $$\operatorname{Var}[y \mid x] = \underbrace{\tfrac1M\textstyle\sum_m \sigma_m^2(x)}_{\text{aleatoric}} + \underbrace{\tfrac1M\textstyle\sum_m \big(\mu_m(x) - \bar\mu(x)\big)^2}_{\text{epistemic}}.$$

 First on synthetic data whose noise we know, $y = \sin x + \sigma(x)\varepsilon$ with
 $\sigma(x) = 0.05 + 0.2(x + \pi)$ on $[-\pi, \pi]$; then on the motorcycle-crash data
 (Silverman, 1985): head acceleration against time after impact, nearly noiseless at
 first and very noisy later.

 Note 000's §7.2 `UncertaintyAwareClassifier` announces the same split for a classifier,
 "a heteroscedastic loss (aleatoric) plus MC dropout (epistemic)", but its one
 heteroscedastic parameter, `log_noise`, appears neither in the forward pass nor in the
 loss, and the model trains by plain cross-entropy: it has no aleatoric head, and its
 "aleatoric" part can only be the entropy of the softmax. A learned noise has to enter the
 likelihood to be learned, as the log-variance head does here (for classifiers, Kendall &
 Gal, 2017, put it on the logits and average the softmax over it).
 */
Narration.section("6. Heteroscedastic regression")

/// Trains an ensemble of regressors on standardised data: mean-and-variance members
/// (`.heteroscedastic`), or mean-only members with a unit noise level.
func regressionEnsemble(
  on data: Dataset, heteroscedastic: Bool = true, using rng: inout Generator
) -> DeepEnsemble {
  orExit("training a regression ensemble") {
    try DeepEnsemble.trainMAP(
      count: ensembleSize, sizes: heteroscedastic ? regressionSizes : [1, 50, 50, 1],
      likelihood: heteroscedastic ? .heteroscedastic : .gaussian(noiseStandardDeviation: 1),
      priorStandardDeviation: priorStandardDeviation, on: data,
      epochs: regressionSteps * regressionBatchSize / data.count, batchSize: regressionBatchSize,
      learningRate: regressionLearningRate, clipNorm: 10, using: &rng)
  }
}

//: On the synthetic data the true noise level is known, so the learned one can be checked
//: against it.
// Synthetic: inputs already on a unit scale.
let synthetic = SyntheticData.heteroscedastic(count: syntheticCount, using: &rng)
let syntheticEnsemble = regressionEnsemble(on: synthetic, using: &rng)
let syntheticX = SyntheticData.linspace(-Double.pi, Double.pi, count: 200)
let syntheticFit = syntheticEnsemble.regressionPredictive(at: syntheticX)
let trueSigma = syntheticX.storage.map(SyntheticData.heteroscedasticNoise)
let learnedSigma = syntheticFit.aleatoric.map { $0.squareRoot() }
let relativeErrors = zip(learnedSigma, trueSigma).map { abs($0 / $1 - 1) }
let sigmaError = chapter.result(
  "synthetic: mean |learned σ / true σ − 1|", SampleSummary.mean(relativeErrors), digits: 2,
  as: "sigmaRelativeError")
let probes = syntheticEnsemble.regressionPredictive(at: .column([-2, 2]))
for (k, x) in [-2.0, 2.0].enumerated() {
  Narration.result(
    "synthetic: learned σ at x = \(Int(x))", probes.aleatoric[k].squareRoot(), digits: 3,
    unit: "(true \(Narration.format(SyntheticData.heteroscedasticNoise(x), digits: 3)))")
  let key = x < 0 ? "Minus2" : "2"
  chapter.value("learnedSigmaAt\(key)", probes.aleatoric[k].squareRoot(), digits: 3)
  chapter.value("trueSigmaAt\(key)", SyntheticData.heteroscedasticNoise(x), digits: 3)
}

//: The motorcycle data are standardised on the training points only, and the same recipe
//: trains an ensemble on them.
let motorcycleAll = orExit("reading the motorcycle data (run from the repository root)") {
  try ShippedData.motorcycle()
}
let split = Splits.trainTest(
  count: motorcycleAll.count, testFraction: motorcycleTestFraction, using: &rng)
let motorcycleTrainRaw = motorcycleAll.subset(split.train)
let motorcycleTestRaw = motorcycleAll.subset(split.test)
let inputScaler = Standardiser(fitting: motorcycleTrainRaw.inputs)
let targetScaler = Standardiser(fitting: motorcycleTrainRaw.targets.values)
/// `d` in the units the networks see, by the scalers fitted on the training points.
func standardised(_ d: Dataset) -> Dataset {
  Dataset(
    inputs: inputScaler.transform(d.inputs),
    targets: .values(targetScaler.transform(d.targets.values)))
}
let motorcycleTrain = standardised(motorcycleTrainRaw)
let motorcycleTest = standardised(motorcycleTestRaw)
let motorcycleEnsemble = regressionEnsemble(on: motorcycleTrain, using: &rng)
let (targetShift, targetScale) = (targetScaler.mean[0, 0], targetScaler.standardDeviation[0, 0])

/*:
 Each model is scored by the mean log density of the held-out targets, in the data's own
 units: under the mixture of the members' Gaussians for the heteroscedastic ensemble, and
 under a single noise level around the ensemble's mean for the baseline.
 */
/// The mean log density of the test targets (original units) under the predictive
/// Gaussian mixture of `ensemble`.
func testLogLikelihood(_ ensemble: DeepEnsemble) -> Double {
  let (means, variances) = ensemble.gaussianComponents(at: motorcycleTest.inputs)
  let y = motorcycleTestRaw.targets.values
  var total = 0.0
  for i in 0..<y.rows {
    let logs = zip(means, variances).map { m, v in
      Gaussian(
        mean: m[i, 0] * targetScale + targetShift,
        standardDeviation: v[i, 0].squareRoot() * targetScale
      ).logDensity(y[i, 0])
    }
    total += logSumExp(logs) - log(Double(logs.count))
  }
  return total / Double(y.rows)
}
let heteroscedasticLogLikelihood = testLogLikelihood(motorcycleEnsemble)

//: The baseline is the same ensemble recipe with a mean head only, and one noise level
//: fitted by maximum likelihood to the training residuals.
let homoscedastic = regressionEnsemble(
  on: motorcycleTrain, heteroscedastic: false, using: &rng)
let trainResidual =
  homoscedastic.meanPrediction(at: motorcycleTrain.inputs) - motorcycleTrain.targets.values
let homoscedasticSigma = (trainResidual * trainResidual).mean().squareRoot() * targetScale
let homoscedasticLogLikelihood: Double = {
  let mu = homoscedastic.meanPrediction(at: motorcycleTest.inputs).map {
    $0 * targetScale + targetShift
  }
  let y = motorcycleTestRaw.targets.values
  return SampleSummary.mean(
    (0..<y.rows).map { i in
      Gaussian(mean: mu[i, 0], standardDeviation: homoscedasticSigma).logDensity(y[i, 0])
    })
}()
//: The two models' scores, and the learned noise level early and late:
var motorcycleTable = ResultTable(
  "motorcycle model", columns: [.init("test log-likelihood per point", digits: 3)])
motorcycleTable.add(
  "homoscedastic ensemble, σ = \(Narration.format(homoscedasticSigma, digits: 3)) g",
  numbers: [homoscedasticLogLikelihood])
motorcycleTable.add("heteroscedastic ensemble", numbers: [heteroscedasticLogLikelihood])
chapter.show(motorcycleTable)
let early = motorcycleEnsemble.regressionPredictive(at: inputScaler.transform(.column([10])))
  .inOriginalUnits(of: targetScaler)
let late = motorcycleEnsemble.regressionPredictive(at: inputScaler.transform(.column([30])))
  .inOriginalUnits(of: targetScaler)
let logLikelihoodGain = chapter.result(
  "motorcycle: heteroscedastic minus homoscedastic test log-likelihood",
  heteroscedasticLogLikelihood - homoscedasticLogLikelihood, digits: 3, as: "logLikelihoodGain")
let noiseEarly = chapter.result(
  "motorcycle: noise σ at 10 ms", early.aleatoric[0].squareRoot(), digits: 3, unit: "g",
  as: "noiseAt10ms")
let noiseLate = chapter.result(
  "motorcycle: noise σ at 30 ms", late.aleatoric[0].squareRoot(), digits: 3, unit: "g",
  as: "noiseAt30ms")
chapter.value("homoscedasticSigma", homoscedasticSigma, digits: 3, unit: "g")
chapter.value("homoscedasticLogLikelihood", homoscedasticLogLikelihood, digits: 3)
chapter.value("heteroscedasticLogLikelihood", heteroscedasticLogLikelihood, digits: 3)
chapter.claim(
  "The noise heads recover $\\sigma(x)$ across the data range, to {{sigmaRelativeError}} relative error on average (at $x = -2$: {{learnedSigmaAtMinus2}} against the true {{trueSigmaAtMinus2}}; at $x = 2$: {{learnedSigmaAt2}} against {{trueSigmaAt2}}).",
  sigmaError < 0.2)
chapter.claim(
  "On the motorcycle data the model learns that the first milliseconds are nearly noiseless and the later ones are not: its noise level is {{noiseAt10ms}} at 10 ms and {{noiseAt30ms}} at 30 ms.",
  noiseLate / noiseEarly > 2, atAnyBudget: true)
chapter.claim(
  "A single noise level, {{homoscedasticSigma}}, has to be too wide early and too narrow late,",
  noiseEarly < homoscedasticSigma && homoscedasticSigma < noiseLate)
chapter.claim(
  "and the held-out log-likelihood says so: {{heteroscedasticLogLikelihood}} per point against {{homoscedasticLogLikelihood}}, a gain of {{logLikelihoodGain}} nats.",
  logLikelihoodGain > 0, atAnyBudget: true)
//: Beyond the data: the synthetic ensemble from $x = -4.5$ to $4.5$, where nothing was
//: observed outside $\pm\pi$; the sd of the members' means (epistemic) and the learned
//: noise (aleatoric) in the data and at the two ends.
let wideX = SyntheticData.linspace(-4.5, 4.5, count: 200)
let wideFit = syntheticEnsemble.regressionPredictive(at: wideX)
let inData = wideX.storage.indices.filter { abs(wideX.storage[$0]) <= Double.pi }
let epistemicInData = chapter.value(
  "epistemicSDInData",
  SampleSummary.mean(inData.map { wideFit.epistemic[$0].squareRoot() }), digits: 2)
let epistemicLeft = chapter.value(
  "epistemicSDAtMinus4p5", wideFit.epistemic.first!.squareRoot(), digits: 2)
let epistemicRight = chapter.value(
  "epistemicSDAt4p5", wideFit.epistemic.last!.squareRoot(), digits: 2)
let noiseAtPi = syntheticEnsemble.regressionPredictive(at: .column([Double.pi]))
chapter.value("learnedSigmaAtPi", noiseAtPi.aleatoric[0].squareRoot(), digits: 2)
chapter.value("learnedSigmaAt4p5", wideFit.aleatoric.last!.squareRoot(), digits: 2)
chapter.value("learnedSigmaAtMinus4p5", wideFit.aleatoric.first!.squareRoot(), digits: 2)
let noiseAtMinusPi = syntheticEnsemble.regressionPredictive(at: .column([-Double.pi]))
chapter.value("learnedSigmaAtMinusPi", noiseAtMinusPi.aleatoric[0].squareRoot(), digits: 2)
chapter.claim(
  "The members' means disagree more beyond the data than in them: their sd is {{epistemicSDInData}} on average over $[-\\pi, \\pi]$, {{epistemicSDAtMinus4p5}} at $x = -4.5$ and {{epistemicSDAt4p5}} at $x = 4.5$.",
  epistemicLeft > 1.5 * epistemicInData && epistemicRight > 1.5 * epistemicInData)
chapter.claim(
  "The learned noise keeps growing past the data too, from {{learnedSigmaAtPi}} at $x = \\pi$ to {{learnedSigmaAt4p5}} at $x = 4.5$:",
  wideFit.aleatoric.last! > noiseAtPi.aleatoric[0])
chapter.claim(
  "and on the left it keeps shrinking, from {{learnedSigmaAtMinusPi}} at $x = -\\pi$ to {{learnedSigmaAtMinus4p5}} at $x = -4.5$:",
  wideFit.aleatoric.first! < noiseAtMinusPi.aleatoric[0])

//: Both data sets with the ensembles' bands, and on the synthetic data the learned noise
//: level against the truth and the members' disagreement:
// fold: the heteroscedastic figure
orExit("saving the heteroscedastic figure") {
  func bands(
    _ xs: [Double], _ fit: RegressionPredictive, data: (x: [Double], y: [Double]), title: String,
    xLabel: String, yLabel: String
  ) -> Figure {
    var figure = Figure(
      title: title, xLabel: xLabel, yLabel: yLabel,
      series: Series.predictiveBands(
        x: xs, mean: fit.mean, aleatoric: fit.aleatoric, total: fit.total)
        // The total band's edges as lines: where the epistemic part is small, the band
        // beyond the aleatoric one is a thin rim that the lines make visible.
        + [1.0, -1.0].map { side in
          .line(
            x: xs, y: zip(fit.mean, fit.total).map { $0 + side * 2 * $1.squareRoot() },
            title: side > 0 ? "edge of the total band" : nil, color: .vermillion, width: 1.2)
        } + [
          .points(x: data.x, y: data.y, title: "data", color: .black, size: 0.5),
          .line(x: xs, y: fit.mean, title: "ensemble mean", color: .black),
        ])
    figure.legend = .topLeft
    return figure
  }
  var syntheticPanel = bands(
    wideX.storage, wideFit, data: (synthetic.inputs.storage, synthetic.targets.values.storage),
    title: "Synthetic: y = sin x + σ(x) ε", xLabel: "x", yLabel: "y")
  syntheticPanel.yRange = -4...4
  var sigmaPanel = Figure(
    title: "Noise level and the members' disagreement", xLabel: "x", yLabel: "sd",
    series: [
      .line(x: syntheticX.storage, y: trueSigma, title: "true noise σ(x)", color: .grey, width: 3),
      .line(
        x: wideX.storage, y: wideFit.aleatoric.map { $0.squareRoot() },
        title: "learned noise σ(x) (aleatoric)", color: .blue),
      .line(
        x: wideX.storage, y: wideFit.epistemic.map { $0.squareRoot() },
        title: "sd of the members' means (epistemic)", color: .vermillion),
    ])
  sigmaPanel.legend = .topLeft
  sigmaPanel.xRange = -4.5...4.5
  let times = SyntheticData.linspace(0, 60, count: 240)
  let motorcycleFit = motorcycleEnsemble.regressionPredictive(at: inputScaler.transform(times))
    .inOriginalUnits(of: targetScaler)
  var motorcyclePanel = bands(
    times.storage, motorcycleFit,
    data: (motorcycleAll.inputs.storage, motorcycleAll.targets.values.storage),
    title: "Motorcycle crash: heteroscedastic ensemble", xLabel: "time after impact (ms)",
    yLabel: "head acceleration (g)")
  motorcyclePanel.legend = .bottomRight
  let sd = { (variance: Double) in Narration.format(variance.squareRoot(), digits: 2) }
  try chapter.figures.save(
    FigureGrid(rows: 1, columns: 3, panels: [syntheticPanel, sigmaPanel, motorcyclePanel]),
    name: "heteroscedastic",
    caption:
      "Blue: ±2 sd of the noise alone; vermillion, up to the solid edges: what the members' disagreement adds to make the ±2 sd total band. At x = −4.5 the members' sd is \(sd(wideFit.epistemic.first!)) against a noise sd of \(sd(wideFit.aleatoric.first!)), so it widens the band visibly; at x = 4.5 it is \(sd(wideFit.epistemic.last!)) against \(sd(wideFit.aleatoric.last!)), and the total band is the noise band (sds add in squares). The middle panel shows both sds along x.",
    panelWidth: 520, panelHeight: 420)
}
/*:
 The noise heads recover $\sigma(x)$ across the data range, to {{sigmaRelativeError}}
 relative error on average (at $x = -2$: {{learnedSigmaAtMinus2}} against the true
 {{trueSigmaAtMinus2}}; at $x = 2$: {{learnedSigmaAt2}} against {{trueSigmaAt2}}).
 The members' means disagree more beyond the data than in them: their sd is
 {{epistemicSDInData}} on average over $[-\pi, \pi]$, {{epistemicSDAtMinus4p5}} at
 $x = -4.5$ and {{epistemicSDAt4p5}} at $x = 4.5$. The vermillion curve of the middle panel
 shows it. On the right that is small next to the noise, so the total band (vermillion) adds at most a thin rim
 around the aleatoric band (blue); on the left, where the noise is small, it is most of
 the band. The learned noise keeps growing past the data too, from {{learnedSigmaAtPi}} at
 $x = \pi$ to {{learnedSigmaAt4p5}} at $x = 4.5$:
 and on the left it keeps shrinking, from {{learnedSigmaAtMinusPi}} at $x = -\pi$ to {{learnedSigmaAtMinus4p5}} at $x = -4.5$:
 that is the variance head extrapolating the trend it learned in both directions, not knowledge — nothing was observed beyond $\pm\pi$, and a
 widening aleatoric band there is no sign that the model knows it does not know.

 On the motorcycle data the model learns that the first milliseconds are nearly noiseless
 and the later ones are not: its noise level is {{noiseAt10ms}} at 10 ms and {{noiseAt30ms}}
 at 30 ms. A single noise level, {{homoscedasticSigma}}, has to be too wide early and too
 narrow late, and the held-out log-likelihood says so: {{heteroscedasticLogLikelihood}} per
 point against {{homoscedasticLogLikelihood}}, a gain of {{logLikelihoodGain}} nats.

 **A band for $f$ is not a band for $y$.** Note 000's §6.3 plots the mean of sampled
 network outputs $\pm 2$ sd and labels it "95% CI". That spread is the epistemic part
 only: the observation noise is missing (the error chapters 3 and 8 correct in notes 003
 and 002). Fresh points from the synthetic distribution show what each band covers:
 */
let freshCount = 4000
let fresh = SyntheticData.heteroscedastic(count: freshCount, using: &rng)
let freshFit = syntheticEnsemble.regressionPredictive(at: fresh.inputs)
/// The share of the fresh targets within mean ± 2 sd, for the variances `variance`.
func coverage(_ variance: [Double]) -> Double {
  let y = fresh.targets.values.storage
  let inside = y.indices.filter { abs(y[$0] - freshFit.mean[$0]) <= 2 * variance[$0].squareRoot() }
  return Double(inside.count) / Double(y.count)
}
let epistemicCoverage = chapter.result(
  "fresh points within ±2 sd of f (epistemic only, note 000 §6.3)", coverage(freshFit.epistemic),
  digits: 3, as: "epistemicOnlyCoverage")
let totalCoverage = chapter.result(
  "fresh points within ±2 sd of y (epistemic + aleatoric)", coverage(freshFit.total), digits: 3,
  as: "totalCoverage")
chapter.value("freshCount", Double(freshCount), digits: 4)
chapter.claim(
  "Of {{freshCount}} fresh points, the band of $f$ alone covers {{epistemicOnlyCoverage}}, far from the 95% its label promises; the band with the noise covers {{totalCoverage}}.",
  epistemicCoverage < 0.5 && totalCoverage > 0.9 && totalCoverage < 0.99)
/*:
 Of {{freshCount}} fresh points, the band of $f$ alone covers {{epistemicOnlyCoverage}}, far
 from the 95% its label promises; the band with the noise covers {{totalCoverage}}.

 ## 7. MC dropout for regression

 Sections 1–5 used MC dropout on a classifier; note 000's §6.3 draws it on a regression.
 The recipe is the same: a network with dropout before each hidden weight layer, trained
 by the Gaussian log-likelihood with a known noise level and the N(0, 1) prior (squared
 error plus weight decay), predicted by $T$ masked passes. The passes' spread is the
 epistemic variance of $f(x)$; the predictive of $y$ adds the noise variance $\sigma^2$.
 The data are chapter 3's: inputs in two clusters, $1 \le |x| \le 3$, with a gap between
 them, and $y = \sin 2x + x/2$ plus noise of sd {{gapNoise}}. Two rates show what sets the
 band's width.
 */
Narration.section("7. MC dropout for regression")
let gapData = SyntheticData.regressionWithGap(count: gapCount, noise: gapNoise, using: &rng)
let gapCurve = SyntheticData.linspace(-5, 5, count: 201)
chapter.value("gapNoise", gapNoise, digits: 2)
//: One network per rate, full batch, and the last quarter of training to show it settled:
/// A dropout network for the gap data at rate `rate`, fitted by Adam on the full batch,
/// `gapSteps` steps at each of `gapLearningRates`; with how far its loss (nats per point)
/// fell over the last quarter of the steps — the mean over the last tenth against the
/// mean over the tenth before the last quarter, as the dropout loss is noisy — and that
/// noise, the loss's standard deviation from step to step over the last tenth.
func gapRegressor(rate: Double, generator: Generator) -> (
  model: MLP, lastQuarterFall: Double, lossNoise: Double
) {
  var own = generator
  let model = MLP(sizes: [1, 50, 50, 1], dropout: rate, using: &own)
  let objective = MAPEstimation(
    model: model, likelihood: .gaussian(noiseStandardDeviation: gapNoise),
    priorStandardDeviation: priorStandardDeviation)
  var adam = Adam(parameters: model.parameters, learningRate: gapLearningRates[0])
  var records = [EpochRecord]()
  for learningRate in gapLearningRates {
    adam.learningRate = learningRate
    records += training(
      "dropout regression, p = \(rate), learning rate \(learningRate)", epochs: gapSteps,
      reportEvery: 100
    ) { onEpoch in
      try objective.train(
        on: gapData, epochs: gapSteps, batchSize: gapData.count, optimiser: &adam, using: &own,
        onEpoch: onEpoch)
    }
  }
  let tenth = gapSteps / 10
  let (late, noise) = SampleSummary.meanAndStandardDeviation(records.suffix(tenth).map(\.loss))
  let earlier = SampleSummary.mean(records.dropLast(gapSteps / 4).suffix(tenth).map(\.loss))
  return (model, earlier - late, noise)
}
/// The passes' predictive of the gap regressor along `gapCurve`: the mean, the
/// epistemic variance of f, and the noise added for y.
func gapPredictive(_ model: MLP, using rng: inout Generator) -> RegressionPredictive {
  let outputs = MonteCarloPredictive.outputs(
    of: model, at: gapCurve, samples: passes, using: &rng)
  return RegressionPredictive(
    mean: outputs.mean.storage,
    aleatoric: Array(repeating: gapNoise * gapNoise, count: gapCurve.rows),
    epistemic: outputs.variance.storage)
}
let gapFits = gapRates.map { rate in
  let (model, fall, noise) = gapRegressor(rate: rate, generator: rng.fork())
  return (rate: rate, fall: fall, noise: noise, fit: gapPredictive(model, using: &rng))
}
//: Each band measured where the data are, in the middle of the gap and beyond them, and
//: against fresh points from the same distribution:
let gapFresh = SyntheticData.regressionWithGap(count: freshCount, noise: gapNoise, using: &rng)
/// `values` along `gapCurve` read at `x` by linear interpolation: the fresh points'
/// bands come from the same passes (the curve's points are 0.05 apart, much finer than
/// the function's wiggles).
func along(_ values: [Double], at x: Double) -> Double {
  let position = (x + 5) / 10 * Double(gapCurve.rows - 1)
  let k = min(Int(position), gapCurve.rows - 2)
  let t = position - Double(k)
  return (1 - t) * values[k] + t * values[k + 1]
}
//: The table:
var gapTable = ResultTable(
  "rate p",
  columns: [
    .init("loss fall, last quarter", as: "lastQuarterFall", digits: 2),
    .init("loss sd, step to step", as: "lossNoise", digits: 2),
    .init("sd of f, data", as: "sdData", digits: 2),
    .init("sd of f, gap", as: "sdGap", digits: 2),
    .init("sd of f, |x| ≥ 4", as: "sdFar", digits: 2),
    .init("fresh in f band", as: "coverageF", digits: 2),
    .init("fresh in y band", as: "coverageY", digits: 2),
    .init("truth outside y band in gap", as: "truthOutside", digits: 2),
  ])
for (rate, fall, noise, fit) in gapFits {
  let sd = fit.epistemic.map { $0.squareRoot() }
  // The sd of f averaged over the curve points whose |x| lies in `region`.
  let sdOver = { (region: ClosedRange<Double>) in
    SampleSummary.mean(sd, at: gapCurve.storage) { region.contains(abs($0)) }
  }
  let totalSD = fit.total.map { $0.squareRoot() }
  let freshX = gapFresh.inputs.storage
  let freshY = gapFresh.targets.values.storage
  func covered(_ spread: [Double]) -> Double {
    let inside = freshX.indices.filter {
      abs(freshY[$0] - along(fit.mean, at: freshX[$0])) <= 2 * along(spread, at: freshX[$0])
    }
    return Double(inside.count) / Double(freshX.count)
  }
  let truthOutside = gapCurve.storage.indices.filter { abs(gapCurve.storage[$0]) < 1 }
    .map { k in
      abs(SyntheticData.gapFunction(gapCurve.storage[k]) - fit.mean[k]) > 2 * totalSD[k] ? 1.0 : 0
    }
  gapTable.add(
    "\(rate)", as: "p\(Int(rate * 10))",
    numbers: [
      fall, noise, sdOver(1.2...2.8), sdOver(0...0.5), sdOver(4...5), covered(sd),
      covered(totalSD),
      SampleSummary.mean(truthOutside),
    ])
}
chapter.show(gapTable)
//: The two bands at both rates:
// fold: the regression-band figure
orExit("saving the dropout regression figure") {
  let x = gapCurve.storage
  let panels = gapFits.map { fit -> Figure in
    func band(_ variance: [Double]) -> (lower: [Double], upper: [Double]) {
      let sd = variance.map { 2 * $0.squareRoot() }
      return (zip(fit.fit.mean, sd).map(-), zip(fit.fit.mean, sd).map(+))
    }
    let y = band(fit.fit.total)
    let f = band(fit.fit.epistemic)
    var figure = Figure(
      title: "MC dropout, p = \(fit.rate), T = \(passes) passes", xLabel: "x", yLabel: "y",
      series: [
        .band(x: x, lower: y.lower, upper: y.upper, title: "±2 sd of y (with the noise)"),
        // The band of f as its edges: a second translucent fill over the first would
        // blend both into one colour.
        .line(
          x: x, y: f.upper, title: "±2 sd of f (note 000's \"95% CI\")", color: .vermillion,
          width: 1.5),
        .line(x: x, y: f.lower, color: .vermillion, width: 1.5),
        .points(
          x: gapData.inputs.storage, y: gapData.targets.values.storage, title: "data",
          color: .black, size: 0.4),
        .line(x: x, y: x.map(SyntheticData.gapFunction), title: "truth", color: .grey, width: 2),
        .line(x: x, y: fit.fit.mean, title: "mean of the passes", color: .black),
      ])
    figure.xRange = -5...5
    figure.yRange = -4.5...4.5
    figure.legend = .topLeft
    return figure
  }
  try chapter.figures.save(
    FigureGrid(rows: 1, columns: 2, panels: panels), name: "regression",
    caption:
      "MC dropout on data with a gap (|x| < 1) at two dropout rates. The vermillion lines "
      + "bound the spread of the passes alone, what note 000 labels a 95 % interval; the "
      + "blue band adds the noise. Compare the bands' widths inside the two clusters: the data are the "
      + "same, only p differs.",
    panelWidth: 620, panelHeight: 440)
}
//: What the table and the figure show, each statement checked on this run:
// fold: the claims below, checked on this run
chapter.claim(
  "Neither fit is still moving by much: over the last quarter of training the loss fell by {{p1.lastQuarterFall}} and {{p5.lastQuarterFall}} nats per point, less than its own step-to-step noise ({{p1.lossNoise}} and {{p5.lossNoise}}).",
  gapFits.allSatisfy { $0.fall < $0.noise })
chapter.claim(
  "Inside the clusters the data are the same for both, yet the sd of $f$ there is {{p1.sdData}} at $p = 0.1$ and {{p5.sdData}} at $p = 0.5$:",
  chapter.number("p5.sdData") > 2 * chapter.number("p1.sdData"))
chapter.claim(
  "At $p = 0.1$ it covers {{p1.coverageF}} of {{freshCount}} fresh points;",
  chapter.number("p1.coverageF") < 0.85)
chapter.claim(
  "at $p = 0.5$ it covers {{p5.coverageF}}, but only because at that rate the passes' spread is itself larger than the noise ({{p5.sdData}} against {{gapNoise}}).",
  chapter.number("p5.sdData") > gapNoise)
chapter.claim(
  "At both rates the spread of $f$ grows away from the data: in the middle of the gap it is {{p1.sdGap}} and {{p5.sdGap}}, beyond $|x| = 4$ {{p1.sdFar}} and {{p5.sdFar}}.",
  ["p1", "p5"].allSatisfy {
    chapter.number("\($0).sdGap") > 2 * chapter.number("\($0).sdData")
      && chapter.number("\($0).sdFar") > 2 * chapter.number("\($0).sdGap")
  })
chapter.claim(
  "at $p = 0.1$ the mean overshoots in the gap by more than the band allows: the truth lies outside the band of $y$ on {{p1.truthOutside}} of the gap.",
  chapter.number("p1.truthOutside") > 0.3)
/*:
 Neither fit is still moving by much: over the last quarter of training the loss fell by {{p1.lastQuarterFall}} and {{p5.lastQuarterFall}} nats per point, less than its own step-to-step noise ({{p1.lossNoise}} and {{p5.lossNoise}}).

 **The rate sets the band's width, not the data.** Inside the clusters the data are the same for both, yet the sd of $f$ there is {{p1.sdData}} at $p = 0.1$ and {{p5.sdData}} at $p = 0.5$:
 as in section 3, $p$ is a hyperparameter of $q$, and Gal and Ghahramani choose it (with $\tau$) by validation
 log-likelihood (chapter 11). Note 000's band, the spread of $f$ alone labelled "95% CI", depends on it the same way.
 At $p = 0.1$ it covers {{p1.coverageF}} of {{freshCount}} fresh points;
 at $p = 0.5$ it covers {{p5.coverageF}}, but only because at that rate the passes' spread is itself larger than the noise ({{p5.sdData}} against {{gapNoise}}).
 With the noise added, the band of $y$ covers {{p1.coverageY}} and {{p5.coverageY}}.

 At both rates the spread of $f$ grows away from the data: in the middle of the gap it is {{p1.sdGap}} and {{p5.sdGap}}, beyond $|x| = 4$ {{p1.sdFar}} and {{p5.sdFar}}.
 Growing is not the same as covering:
 at $p = 0.1$ the mean overshoots in the gap by more than the band allows: the truth lies outside the band of $y$ on {{p1.truthOutside}} of the gap.
 (The passes' mean is jagged beyond the data at $p = 0.5$: with $T = 100$ passes of a
 spread that large, its Monte Carlo error is about a tenth of the band.)

 ## Summary

 - MC dropout is (approximately) variational inference with Bernoulli masks on weight
   rows: train with dropout and weight decay, predict by averaging $T$ masked passes;
   the Monte Carlo error falls as $1/\sqrt T$ (at $T = 100$ it is {{errorAt100Passes}} in a probability).
 - The rate $p$ sets the spread of $q$; the epistemic signal grows with it, and at every rate above 0 it is larger far from the data than on the test points.
 - Dropout on the logits (note 000) caps every prediction at $1 - p^C(1 - 1/C)$ and adds
   uncertainty where the model knows most: {{testMIRatio}} times our mutual information on the test points.
 - Deep ensembles cost $M$ trainings. On this problem MC dropout is the least confident far from the data ({{dropoutFarConfidence}}); the ensemble sits between it and the single network ({{ensembleFarConfidence}} against {{mapFarConfidence}}).
 - MC dropout is Gal's objective — squared error or cross-entropy plus the weight decay
   $\lambda = l^2(1-p)/(2N\tau)$ — only up to a KL term that is infinite for Bernoulli
   masks; it justifies the averaged passes, not a bound.
 - Average the members' (or passes') probabilities, not their logits: on our ensemble the
   logit average is more confident far from the data ({{logitFarConfidence}} against {{ensembleFarConfidence}}).
 - A mean-and-variance network learns input-dependent noise; an ensemble of them
   separates aleatoric from epistemic variance. A band without the noise is not a
   prediction interval for $y$: it covered {{epistemicOnlyCoverage}} of fresh points.
 - For regression, MC dropout's spread of $f$ grows in the gap and beyond the data, but
   its width inside the data is set by $p$ ({{p1.sdData}} at $p = 0.1$, {{p5.sdData}} at $p = 0.5$, on the same data).

 ## Exercises
 1. Make $p$ a learned parameter with the Concrete relaxation of the Bernoulli mask.
    Which rate does it choose, and does the far-away mutual information follow?
 2. Add dropout to the ensemble members: does the mixture of MC-dropout networks improve
    on either far from the data?
 3. Predict the motorcycle data with an MC-dropout heteroscedastic network instead of an
    ensemble and compare the bands and the held-out log-likelihood.
 */
chapter.claim(
  "the Monte Carlo error falls as $1/\\sqrt T$ (at $T = 100$ it is {{errorAt100Passes}} in a probability).",
  errorRatios.allSatisfy { $0 > 0.75 && $0 < 1.33 }, atAnyBudget: true)
chapter.claim(
  "The rate $p$ sets the spread of $q$; the epistemic signal grows with it, and at every rate above 0 it is larger far from the data than on the test points.",
  largestRate.farMutualInformation > smallRate.farMutualInformation
    && largestRate.testMutualInformation > smallRate.testMutualInformation
    && sweep.allSatisfy {
      $0.rate == 0 || $0.scores.farMutualInformation > $0.scores.testMutualInformation
    }, atAnyBudget: true)
chapter.claim(
  "uncertainty where the model knows most: {{testMIRatio}} times our mutual information on the test points.",
  testMIRatio > 1.5 && notesConfidence < confidenceBound, atAnyBudget: true)
chapter.claim(
  "On this problem MC dropout is the least confident far from the data ({{dropoutFarConfidence}}); the ensemble sits between it and the single network ({{ensembleFarConfidence}} against {{mapFarConfidence}}).",
  dropoutFar < ensembleFar && ensembleFar < mapFar)
chapter.claim(
  "on our ensemble the logit average is more confident far from the data ({{logitFarConfidence}} against {{ensembleFarConfidence}}).",
  logitFarConfidence > ensembleFar, atAnyBudget: true)
chapter.claim(
  "A band without the noise is not a prediction interval for $y$: it covered {{epistemicOnlyCoverage}} of fresh points.",
  epistemicCoverage < 0.5)
chapter.finish()  // writes results.json; fails the run if a claim does not hold
