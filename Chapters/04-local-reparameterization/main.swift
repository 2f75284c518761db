/*:
 # 4. The local reparameterisation trick, and Flipout

 Bayes by Backprop as note 000 writes it draws one weight matrix per minibatch. Every
 example in the batch then sees the *same* noise, so the examples' contributions to the
 gradient are correlated, and averaging over the batch removes less variance than it
 should. Two fixes keep the cost close to one draw per batch:

 - **Local reparameterisation** (Kingma, Salimans & Welling, 2015). For a factorised
   Gaussian layer, each pre-activation $b_{ij} = \sum_k x_{ik}w_{kj}$ is itself Gaussian,
   $b_{ij} \sim \mathcal N\big((x\mu)_{ij},\ (x^2\sigma^2)_{ij}\big)$, so sample $b$ directly, with
   independent noise per example: two matrix products, no weight draw at all.
 - **Flipout** (Wen et al., 2018). Draw one perturbation $\Delta W = \sigma\odot\varepsilon$ (and
   $\Delta b$) and give every example its own random signs:
   $b_i = x_i\mu + \mu_b + ((x_i \odot s_i)\Delta W + \Delta b)\odot r_i$, where every entry of
   the sign vectors $s_i$ and $r_i$ is $+1$ or $-1$ at random.
   Each example's marginal is unchanged, and the signs make the examples uncorrelated.

 We check that all estimators give each example the same output distribution, then
 measure what they do to the gradient's variance — the experiment of Table 1 in
 Kingma et al. — and what each costs.

 Mirrors note 000 §4.4.
 */
import BayesianDL
import BayesianDLPlotting
import CourseSupport
import Foundation

let chapter = Chapter.start()
var rng = Generator(seed: chapter.seed)

//: ## Configuration
let outputDraws = chapter.budget(40_000, quick: 8_000)  // forward passes for the moment check
let moonsCount = 1000
let sizes = [2, 64, 64, 2]  // note 000's network
let batchSize = 64
let warmUpEpochs = chapter.budget(30, quick: 8)  // training before the variance is measured
let gradientDraws = chapter.budget(300, quick: 120)  // minibatch gradients per estimator
let timingSteps = chapter.budget(200, quick: 20)  // training steps timed per estimator
let timingRounds = chapter.budget(5, quick: 2)  // rounds over the estimators; each keeps its fastest
let varianceGroups = 10  // the gradient draws in groups, for the variance's standard error
chapter.value("varianceGroups", Double(varianceGroups), digits: 3)
chapter.value("outputDraws", Double(outputDraws), digits: 6)
chapter.value("gradientDraws", Double(gradientDraws), digits: 6)
chapter.value("warmUpEpochs", Double(warmUpEpochs), digits: 6)
chapter.value("batchSize", Double(batchSize), digits: 6)
chapter.value("timingSteps", Double(timingSteps), digits: 6)
chapter.value("timingRounds", Double(timingRounds), digits: 2)

let estimators: [(name: String, estimator: GradientEstimator?, short: String)] = [
  ("no noise (mean weights)", nil, "means"),
  ("local reparameterisation", .localReparameterisation, "local"),
  ("Flipout", .flipout, "Flipout"),
  ("separate weights per example", .weightsPerExample, "per example"),
  ("one shared weight sample", .sharedWeights, "shared"),
]

/*:
 ## 1. Same distribution for each example

 One layer, 5 inputs, 3 outputs, a fixed batch of 4 examples. Under every estimator the
 pre-activation of example $i$, unit $j$ should have mean $(x\mu + \mu_b)_{ij}$ and variance
 $(x^2\sigma^2 + \sigma_b^2)_{ij}$. What differs is the covariance *between* examples: with
 one shared weight sample the examples move together.
 */
Narration.section("1. Output moments under each estimator (one layer, exact values beside)")
var layerRNG = rng.fork()
let layer = BayesianDense(
  inputs: 5, outputs: 3, parameterisation: .softplus, initialStandardDeviation: 0.3,
  using: &layerRNG)
layer.biasMean.value = Matrix.row([0.1, -0.2, 0.3])
let batch = rng.normalMatrix(rows: 4, columns: 5)
let sigmaW = layer.weightStandardDeviations
let sigmaB = layer.biasStandardDeviations
let exactMean = batch.matmul(layer.weightMean.value) + layer.biasMean.value
let exactVariance = (batch * batch).matmul(sigmaW * sigmaW) + sigmaB * sigmaB
/*:
 Each estimator draws the batch's pre-activations {{outputDraws}} times. Every mean and
 variance of the draws is compared with its exact value in standard errors, and the same
 draws give the correlation of examples 1 and 2 at the first unit.
 */
/// What many draws of a layer's pre-activations on a batch say against their exact
/// moments.
struct MomentCheck {
  /// The largest |z| over the outputs' means.
  var worstMeanZ: Double
  /// The largest |z| over the outputs' variances.
  var worstVarianceZ: Double
  /// The correlation of examples 1 and 2 at unit 1.
  var correlation: Double
  /// The draws of example 1 at unit 1, for the histogram.
  var firstUnit: [Double]
}

/// Draws `layer`'s pre-activations on `batch` `draws` times, with the layer's estimator,
/// and compares their moments with the exact ones.
///
/// - Parameters:
///   - layer: the layer.
///   - batch: its inputs.
///   - exactMean: the exact means of the pre-activations.
///   - exactVariance: their exact variances.
///   - draws: forward passes.
///   - rng: the noise of the passes.
func checkMoments(
  of layer: BayesianDense, on batch: Matrix, exactMean: Matrix, exactVariance: Matrix,
  draws: Int, using rng: inout Generator
) -> MomentCheck {
  var sum = Matrix(rows: exactMean.rows, columns: exactMean.columns)
  var sumOfSquares = sum
  var crossProduct = 0.0  // between examples 0 and 1, unit 0
  var firstUnit = [Double]()
  for _ in 0..<draws {
    let tape = Tape(recordsGradients: false)
    let out = layer.forward(tape.constant(batch), mode: .sample, using: &rng).value
    sum += out
    sumOfSquares += out * out
    crossProduct += (out[0, 0] - exactMean[0, 0]) * (out[1, 0] - exactMean[1, 0])
    firstUnit.append(out[0, 0])
  }
  let n = Double(draws)
  let mean = sum / n
  let variance = (sumOfSquares / n - mean * mean) * (n / (n - 1))
  // The mean's SE is sd/√n; the variance's SE is about √2·var/√n for near-Gaussian outputs.
  var check = MomentCheck(
    worstMeanZ: 0, worstVarianceZ: 0,
    correlation: crossProduct / n / (exactVariance[0, 0] * exactVariance[1, 0]).squareRoot(),
    firstUnit: firstUnit)
  for k in 0..<exactMean.count {
    let v = exactVariance.storage[k]
    check.worstMeanZ = max(
      check.worstMeanZ, abs(mean.storage[k] - exactMean.storage[k]) / (v / n).squareRoot())
    check.worstVarianceZ = max(
      check.worstVarianceZ, abs(variance.storage[k] - v) / (2.0.squareRoot() * v / n.squareRoot()))
  }
  return check
}
/*:
 Every estimator but the mean weights, one row each:
 */
var momentTable = ResultTable(
  "estimator",
  columns: [
    .init("worst |z| of a mean", as: "meanZ", digits: 2),
    .init("worst |z| of a variance", as: "varianceZ", digits: 2),
    .init("corr. of examples 1 and 2", as: "correlation", digits: 3),
  ])
var histograms = [(String, [Double])]()
for (name, estimator, short) in estimators.dropFirst() {
  layer.estimator = estimator!
  let check = checkMoments(
    of: layer, on: batch, exactMean: exactMean, exactVariance: exactVariance,
    draws: outputDraws, using: &rng)
  momentTable.add(name, numbers: [check.worstMeanZ, check.worstVarianceZ, check.correlation])
  histograms.append((short, check.firstUnit))
}
chapter.show(momentTable)  // records oneSharedWeightSample.correlation, …
chapter.value("momentRowCount", Double(momentTable.rows.count), digits: 1)
//: The largest $|z|$ of all and the largest correlation, and the next paragraph's statements checked:
let momentKeys = estimators.dropFirst().map { ChapterResults.valueName($0.name) }
let sharedKey = ChapterResults.valueName("one shared weight sample")
let worstZ = momentKeys.map {
  max(chapter.number("\($0).meanZ"), chapter.number("\($0).varianceZ"))
}.max()!
chapter.value("worstMomentZ", worstZ, digits: 2)
let independentKeys = momentKeys.filter { $0 != sharedKey }
chapter.value(
  "largestIndependentCorrelation",
  independentKeys.map { abs(chapter.number("\($0).correlation")) }.max()!, digits: 2)
chapter.claim(
  "Over the {{outputDraws}} forward passes, every one of the twelve means and twelve variances of every estimator lies within 4.5 standard errors of its exact value (the largest |z| is {{worstMomentZ}}).",
  worstZ < 4.5, atAnyBudget: true)
chapter.claim(
  "With one shared weight sample the outputs of examples 1 and 2 are correlated ({{\(sharedKey).correlation}}).",
  abs(chapter.number("\(sharedKey).correlation")) > 0.1, atAnyBudget: true)
chapter.claim(
  "The other three estimators make them uncorrelated (no correlation beyond {{largestIndependentCorrelation}} in size).",
  independentKeys.allSatisfy { abs(chapter.number("\($0).correlation")) < 0.06 },
  atAnyBudget: true)
/*:
 Twelve means and twelve variances per estimator, compared with the exact values in
 standard errors (the table's $|z|$). Over the {{outputDraws}} forward passes, every one of
 the twelve means and twelve variances of every estimator lies within 4.5 standard errors
 of its exact value (the largest |z| is {{worstMomentZ}}). Only the last column differs.
 With one shared weight sample the outputs of examples 1 and 2 are correlated
 ({{oneSharedWeightSample.correlation}}). The other three estimators make them
 uncorrelated (no correlation beyond {{largestIndependentCorrelation}} in size).

 ## 2. The variance of the minibatch gradient

 Now note 000's 2-64-64-2 network, trained for {{warmUpEpochs}} epochs on two moons, then
 frozen. At that point we draw {{gradientDraws}} minibatch gradients of the negative ELBO
 (minibatches of {{batchSize}}) with respect to the weight means — each with a fresh random
 minibatch and fresh noise — and measure their variance, averaged over all weight means.
 "No noise" uses the mean weights: its variance comes from the choice of minibatch alone.
 The standard error beside each variance comes from splitting the draws into
 {{varianceGroups}} groups and comparing the groups' estimates.
 */
Narration.section("2. Gradient variance at a fixed point of training")
let moons = SyntheticData.twoMoons(count: moonsCount, noise: 0.1, using: &rng)
var modelRNG = rng.fork()
let model = MLP.bayesian(sizes: sizes, using: &modelRNG)
var adam = Adam(parameters: model.parameters, learningRate: 1e-3)
training("the network to a fixed point", epochs: warmUpEpochs) { onEpoch in
  try BayesByBackprop(model: model, likelihood: .categorical).train(
    on: moons, epochs: warmUpEpochs, batchSize: batchSize, optimiser: &adam,
    using: &modelRNG, onEpoch: onEpoch)
}
/*:
 A variance over draws needs only running sums of the gradients and of their squares,
 kept once over all the draws and once per group of draws:
 */
/// Running sums of the gradients of some parameters and of their squares: enough for
/// the variance of every entry over the draws added so far.
struct GradientMoments {
  private(set) var sums: [Matrix]
  private(set) var squares: [Matrix]
  /// The draws added.
  private(set) var count = 0

  /// Empty sums, shaped like `parameters`.
  init(_ parameters: [Parameter]) {
    sums = parameters.map { Matrix(rows: $0.value.rows, columns: $0.value.columns) }
    squares = sums
  }

  /// Adds the current gradients of `parameters` (the same as at `init`) as one draw.
  mutating func add(_ parameters: [Parameter]) {
    for (k, p) in parameters.enumerated() {
      sums[k] += p.gradient
      squares[k] += p.gradient * p.gradient
    }
    count += 1
  }

  /// The mean over all entries of their variance across the draws.
  var meanVariance: Double {
    let n = Double(count)
    var total = 0.0
    var entries = 0
    for k in sums.indices {
      let variance = (squares[k] - sums[k] * sums[k] / n) / (n - 1)
      total += variance.sum()
      entries += variance.count
    }
    return total / Double(entries)
  }
}
/*:
 One draw is the negative ELBO on a fresh random minibatch, with fresh noise from the
 estimator; "no noise" evaluates the same objective with the weights at their means.
 */
/// The negative ELBO on `minibatch` under the model's current estimator, or with the
/// weights at their means when `estimator` is nil (then only the minibatch varies).
///
/// - Parameters:
///   - model: the network.
///   - estimator: the estimator in use, or nil for the mean weights.
///   - minibatch: the examples.
///   - datasetSize: the training set's size, which scales the KL term.
///   - rng: the weight noise.
func minibatchLoss(
  of model: MLP, _ estimator: GradientEstimator?, on minibatch: Dataset, datasetSize: Int,
  using rng: inout Generator
) -> MinibatchLoss {
  guard estimator == nil else {
    return BayesByBackprop(model: model, likelihood: .categorical).loss(
      on: minibatch, datasetSize: datasetSize, using: &rng)
  }
  let tape = Tape()
  let nll = Likelihood.categorical.negativeLogLikelihood(
    model.forward(tape.constant(minibatch.inputs), mode: .mean, using: &rng), minibatch.targets)
  let kl = model.klDivergence(on: tape) * (1 / Double(datasetSize))
  return MinibatchLoss(
    total: nll + kl, negativeLogLikelihood: nll.value.scalarValue,
    regulariser: kl.value.scalarValue)
}
/*:
 The variance for one estimator: each draw's gradient goes into the sums over all draws
 and into those of its group, and the groups' estimates give the standard error.
 */
/// The mean over weight means of the variance of their minibatch gradient, and its
/// standard error from the spread of the estimates of `groups` groups of draws.
///
/// - Parameters:
///   - model: the network; its estimator is back to one shared sample afterwards.
///   - estimator: the estimator, or nil for the mean weights.
///   - data: the training set the minibatches are drawn from.
///   - batchSize: the minibatch size.
///   - draws: minibatch gradients, a multiple of `groups`.
///   - groups: groups of draws, for the standard error.
///   - rng: the minibatches and the weight noise.
func gradientVariance(
  of model: MLP, _ estimator: GradientEstimator?, on data: Dataset, batchSize: Int, draws: Int,
  groups: Int, using rng: inout Generator
) -> (variance: Double, standardError: Double) {
  if let estimator { model.use(estimator) }
  defer { model.use(.sharedWeights) }
  let weightMeans = model.layers.compactMap { $0 as? BayesianDense }.map(\.weightMean)
  var all = GradientMoments(weightMeans)
  var group = all
  var groupEstimates = [Double]()
  for _ in 0..<draws {
    let minibatch = data.subset(Array(rng.permutation(data.count).prefix(batchSize)))
    let loss = minibatchLoss(
      of: model, estimator, on: minibatch, datasetSize: data.count, using: &rng)
    loss.total.tape.backward(from: loss.total)
    all.add(weightMeans)
    group.add(weightMeans)
    for p in model.parameters { p.zeroGradient() }
    if group.count == draws / groups {
      groupEstimates.append(group.meanVariance)
      group = GradientMoments(weightMeans)
    }
  }
  return (all.meanVariance, MeanEstimate(of: groupEstimates).standardError)
}
/*:
 Each estimator in turn, the mean weights first:
 */
var variances = [Double]()
var standardErrors = [Double]()
for (name, estimator, _) in estimators {
  let (variance, standardError) = gradientVariance(
    of: model, estimator, on: moons, batchSize: batchSize, draws: gradientDraws,
    groups: varianceGroups, using: &rng)
  variances.append(variance)
  standardErrors.append(standardError)
  let key = ChapterResults.valueName(name)
  chapter.value("\(key).variance", variance, digits: 3)
  chapter.value("\(key).varianceSE", standardError, digits: 2)
  // The same in units of 1e-5, for the prose.
  chapter.value("\(key).variance5", variance * 1e5, digits: 3)
  chapter.value("\(key).varianceSE5", standardError * 1e5, digits: 2)
}
var varianceTable = ResultTable(
  "estimator",
  columns: [
    .init("mean gradient variance"), .init("standard error", digits: 2),
    .init("relative to one shared sample"),
  ])
for (k, (name, _, _)) in estimators.enumerated() {
  varianceTable.add(
    name, numbers: [variances[k], standardErrors[k], variances[k] / variances.last!])
}
chapter.show(varianceTable)
/*:
 Two panels: the first pre-activation's histogram under each estimator of section 1, and
 the variances with their standard errors.
 */
// fold: the figure
orExit("saving the variance figure") {
  let positions = estimators.indices.map(Double.init)
  // In units of 1e-5, on a linear axis from 0: a dot per estimator with its ± 2 SE interval.
  let (scaled, scaledSE) = (variances.map { $0 * 1e5 }, standardErrors.map { $0 * 1e5 })
  var bars = Figure(
    title: "Gradient variance per estimator, ± 2 standard errors", xLabel: "estimator",
    yLabel: "mean variance per weight mean (× 10^{-5})",
    series: [
      .intervals(
        x: positions, y: scaled, lower: zip(scaled, scaledSE).map { $0 - 2 * $1 },
        upper: zip(scaled, scaledSE).map { $0 + 2 * $1 }, title: "variance ± 2 SE",
        color: .blue, size: 1.2)
    ])
  bars.yRange = 0...(1.15 * zip(scaled, scaledSE).map { $0 + 2 * $1 }.max()!)
  bars.legend = .none
  bars.xRange = -0.6...(Double(estimators.count) - 0.4)
  bars.xTickLabels = estimators.enumerated().map { (Double($0.offset), $0.element.short) }
  var histogram = Figure(
    title: "One pre-activation, 4 estimators: the same distribution",
    xLabel: "pre-activation b_{11}",
    yLabel: "count", series: [])
  let all = histograms.flatMap(\.1)
  let range = (all.min() ?? -1)...(all.max() ?? 1)
  let colors: [Color] = [.blue, .green, .orange, .vermillion]
  for (k, (estimator, values)) in histograms.enumerated() {
    guard case .bars(let x, let heights, _, _, _) = Series.histogram(values, bins: 40, range: range)
    else { continue }
    histogram.series.append(
      .line(x: x, y: heights, title: estimator, color: colors[k], width: 1.5))
  }
  histogram.legend = .topRight
  try chapter.figures.save(
    FigureGrid(rows: 1, columns: 2, panels: [histogram, bars]), name: "gradient-variance",
    caption:
      "Left: every estimator gives the pre-activation the same distribution. Right: they differ in the variance of the gradient they produce — one shared weight sample has {{sharedToLocal}} times the variance of the local reparameterisation, which agrees within Monte Carlo error with one weight sample per example (a ratio of {{localToSeparate}}).",
    panelWidth: 600, panelHeight: 460)
}
//: The ratios and distances the next paragraphs quote,
let variance = { (key: String) in chapter.number("\(key).variance") }
let standardError = { (key: String) in chapter.number("\(key).varianceSE") }
/// How many standard errors of their difference two estimators' variances lie apart.
let zBetween = { (a: String, b: String) in
  (variance(a) - variance(b))
    / (standardError(a) * standardError(a) + standardError(b) * standardError(b)).squareRoot()
}
let (means, local, flipout, separate, shared) = (
  "noNoiseMeanWeights", "localReparameterisation", "flipout", "separateWeightsPerExample",
  "oneSharedWeightSample"
)
let keys = [means, local, flipout, separate, shared]
chapter.value("meansToShared", variance(means) / variance(shared), digits: 2)
chapter.value("sharedToLocal", variance(shared) / variance(local), digits: 2)
let localToSeparate = chapter.value(
  "localToSeparate", variance(local) / variance(separate), digits: 3)
let localSeparateZ = chapter.value("localSeparateZ", zBetween(local, separate), digits: 2)
let flipoutLocalZ = chapter.value("flipoutLocalZ", zBetween(flipout, local), digits: 2)
let flipoutToShared = chapter.value(
  "flipoutToShared", variance(flipout) / variance(shared), digits: 2)
/// The part of the shared sample's excess over the mean weights that an estimator removes.
let excessRemoved = { (key: String) in
  1 - (variance(key) - variance(means)) / (variance(shared) - variance(means))
}
chapter.value("localExcessRemoved", excessRemoved(local), digits: 2)
chapter.value("flipoutExcessRemoved", excessRemoved(flipout), digits: 2)
//: and what they say, checked:
chapter.claim(
  "Mean weights give the lowest variance, {{meansToShared}} of the shared sample's — only the minibatch varies — and one shared weight sample the highest.",
  keys.dropFirst().allSatisfy { variance(means) < variance($0) }
    && keys.dropLast().allSatisfy { variance($0) < variance(shared) },
  atAnyBudget: true)
chapter.claim(
  "It is {{sharedToLocal}} times the variance of local reparameterisation, and the excess is the covariance between examples that section 1 showed, since averaging $|B|$ correlated terms does not divide their variance by $|B|$.",
  variance(shared) > 1.5 * variance(local))
chapter.claim(
  "Local reparameterisation and separate weights per example agree within Monte Carlo error, as they must:",
  abs(localSeparateZ) < 2)
chapter.claim(
  "their variances are ({{localReparameterisation.variance5}} ± {{localReparameterisation.varianceSE5}})·10⁻⁵ and ({{separateWeightsPerExample.variance5}} ± {{separateWeightsPerExample.varianceSE5}})·10⁻⁵, {{localSeparateZ}} standard errors of their difference apart (a ratio of {{localToSeparate}}, well within 1 ± 0.5).",
  abs(localToSeparate - 1) < 0.5, atAnyBudget: true)
chapter.claim(
  "Flipout's examples are uncorrelated too, but its gradients share one $\\varepsilon$; its variance lies {{flipoutLocalZ}} standard errors above local reparameterisation's, too few for this run to tell whether that sharing costs anything;",
  abs(flipoutLocalZ) < 2)
chapter.claim(
  "it stays well below the shared sample, at {{flipoutToShared}} of its variance.",
  flipoutToShared < 0.75)
/*:
 (Bars, left to right, in the order of the table; the black lines are ± 2 standard
 errors.) Mean weights give the lowest variance, {{meansToShared}} of the shared sample's —
 only the minibatch varies — and one shared weight sample the highest. It is
 {{sharedToLocal}} times the variance of local reparameterisation, and the excess is the
 covariance between examples that section 1 showed, since averaging $|B|$ correlated
 terms does not divide their variance by $|B|$.

 Local reparameterisation and separate weights per example agree within Monte Carlo
 error, as they must: their variances are ({{localReparameterisation.variance5}} ±
 {{localReparameterisation.varianceSE5}})·10⁻⁵ and ({{separateWeightsPerExample.variance5}} ±
 {{separateWeightsPerExample.varianceSE5}})·10⁻⁵, {{localSeparateZ}} standard errors of their
 difference apart (a ratio of {{localToSeparate}}, well within 1 ± 0.5). For a factorised
 Gaussian $q$ the two give every layer's pre-activations the same joint distribution given
 its inputs, and the gradient with respect to the means is $\sum_i h_i^\top\delta_i$ in
 both. Kingma et al. find otherwise: their Table 1 has local reparameterisation at about
 half the variance of separate samples. Their variational-dropout parameterisation
 $w = \theta(1 + \sqrt{\alpha}\varepsilon)$ makes the two estimators' gradients with respect
 to $\theta$ differ; in ours (additive noise, gradients with respect to the means) they
 coincide.

 Flipout's examples are uncorrelated too, but its gradients share one $\varepsilon$; its
 variance lies {{flipoutLocalZ}} standard errors above local reparameterisation's, too few
 for this run to tell whether that sharing costs anything; it stays well below the shared sample, at {{flipoutToShared}} of its variance.

 ## 3. What each costs
 */
Narration.section("3. Time per training step")
/// Seconds taken by `steps` training steps of `model` on `minibatch` under its current
/// estimator (tiny steps: this measures time, it is not meant to train).
///
/// - Parameters:
///   - model: the network.
///   - minibatch: the examples of every step.
///   - datasetSize: the training set's size, which scales the KL term.
///   - steps: how many steps.
///   - rng: the weight noise.
func stepSeconds(
  of model: MLP, on minibatch: Dataset, datasetSize: Int, steps: Int,
  using rng: inout Generator
) -> Double {
  let objective = BayesByBackprop(model: model, likelihood: .categorical)
  var optimiser = Adam(parameters: model.parameters, learningRate: 1e-9)
  return Stopwatch.time {
    for _ in 0..<steps {
      let loss = objective.loss(on: minibatch, datasetSize: datasetSize, using: &rng)
      loss.total.tape.backward(from: loss.total)
      optimiser.step()
    }
  }.seconds
}
//: Each estimator but the mean weights, timed on the same minibatch, in several interleaved
//: rounds so that a moment of load on the machine falls on every estimator alike; each
//: keeps its fastest round:
var fastest = [String: Double]()
for _ in 0..<timingRounds {
  for (name, estimator, _) in estimators.dropFirst() {
    model.use(estimator!)
    let seconds = stepSeconds(
      of: model, on: moons.subset(Array(0..<batchSize)), datasetSize: moonsCount,
      steps: timingSteps, using: &rng)
    fastest[name] = min(fastest[name] ?? .infinity, seconds)
  }
}
model.use(.sharedWeights)
var costTable = ResultTable(
  "estimator", columns: [.init("time per step (measured now)"), .init("÷ a plain step")])
let plainStep = fastest["one shared weight sample"]!
for (name, _, _) in estimators.dropFirst() {
  // Times go to timings.json only: they differ from machine to machine.
  chapter.recordTime("\(ChapterResults.valueName(name)).steps", seconds: fastest[name]!)
  let microseconds = fastest[name]! * 1e6 / Double(timingSteps)
  costTable.add(
    name,
    [
      .text(Narration.format(microseconds, digits: 3) + " µs"),
      .text(Narration.format(fastest[name]! / plainStep, digits: 2) + "×"),
    ])
}
chapter.show(costTable)
//: What the times show, checked (the ratios stay out of results.json, as the times do):
let costRatio = { (name: String) in fastest[name]! / plainStep }
chapter.claim(
  "Local reparameterisation and Flipout each cost more than a plain step but less than three,",
  ["local reparameterisation", "Flipout"].allSatisfy { costRatio($0) > 1 && costRatio($0) < 3 })
chapter.claim(
  "and separate weights per example more than eight times as much.",
  costRatio("separate weights per example") > 8)
/*:
 On the machine that last wove this page, {{timingSteps}} steps took
 {{oneSharedWeightSample.steps}} with one shared weight sample (the plain step),
 {{localReparameterisation.steps}} with local reparameterisation, {{flipout.steps}} with
 Flipout and {{separateWeightsPerExample.steps}} with separate weights per example (the
 fastest of {{timingRounds}} rounds each). Local reparameterisation and Flipout each cost
 more than a plain step but less than three, and separate weights per example more than
 eight times as much. By operation count, local reparameterisation and Flipout each add
 one matrix product per layer to a plain step (Flipout also draws a sign for every input
 and output of every example, local reparameterisation takes a square root per
 pre-activation); separate weights per example cost a weight draw and a product for every
 example. The exact ratios depend on the machine, its load and the layer sizes; the table
 gives this run's.

 Local reparameterisation applies only to layers whose pre-activations are Gaussian sums
 (dense layers with a factorised Gaussian $q$); Flipout works for any perturbation that is
 symmetric around zero. Local reparameterisation is also a device for training only: it
 draws the pre-activations
 independently for every input, so at prediction time it gives each input the right
 marginal but no coherent function draw across inputs (note 000's `BayesianRegressor`
 predicts with such layers). To draw whole functions, for a band or a correlation between
 inputs, draw the weights.

 ## Summary
 - All four estimators give each example the same output distribution (no $|z|$ above
   {{worstMomentZ}}); they differ in the correlation between examples.
 - That correlation is what makes one shared weight sample the noisiest gradient.
 - Local reparameterisation and Flipout remove most of the shared sample's excess variance
   over the mean weights ({{localExcessRemoved}} and {{flipoutExcessRemoved}} of it), at one
   extra matrix product per layer; separate weight samples remove as much as local
   reparameterisation at a weight draw per example.

 ## Exercises
 1. Repeat section 2 with a batch of 8 and of 256. How do the ratios change, and why?
 2. Train the classifier of chapter 3 with each estimator for the same time (not the same
    number of epochs) and compare the test NLL.
 3. Draw 20 functions of a trained network on a grid of inputs with weight samples and with
    local reparameterisation. Both give the same band of marginals; plot the draws and say
    which one shows functions.
 */
chapter.claim(
  "All four estimators give each example the same output distribution (no $|z|$ above {{worstMomentZ}}); they differ in the correlation between examples.",
  worstZ < 4.5 && abs(chapter.number("\(sharedKey).correlation")) > 0.1, atAnyBudget: true)
chapter.claim(
  "That correlation is what makes one shared weight sample the noisiest gradient.",
  keys.allSatisfy { variance($0) <= variance(shared) }, atAnyBudget: true)
chapter.claim(
  "Local reparameterisation and Flipout remove most of the shared sample's excess variance over the mean weights ({{localExcessRemoved}} and {{flipoutExcessRemoved}} of it), at one extra matrix product per layer;",
  excessRemoved(local) > 0.5 && excessRemoved(flipout) > 0.5)
chapter.claim(
  "separate weight samples remove as much as local reparameterisation at a weight draw per example.",
  abs(localSeparateZ) < 2)
chapter.finish()  // writes results.json; fails the run if a claim does not hold
