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
   $b_i = x_i\mu + \mu_b + ((x_i \odot s_i)\Delta W + \Delta b)\odot r_i$ with $s_i, r_i \in \{\pm1\}$.
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
var momentRows = [[String]]()
var histograms = [(String, [Double])]()
for (name, estimator, short) in estimators.dropFirst() {
  layer.estimator = estimator!
  var sum = Matrix(rows: 4, columns: 3)
  var sumOfSquares = Matrix(rows: 4, columns: 3)
  var crossProduct = 0.0  // between examples 0 and 1, unit 0
  var firstUnit = [Double]()
  for _ in 0..<outputDraws {
    let tape = Tape(recordsGradients: false)
    let out = layer.forward(tape.constant(batch), mode: .sample, using: &rng).value
    sum += out
    sumOfSquares += out * out
    crossProduct += (out[0, 0] - exactMean[0, 0]) * (out[1, 0] - exactMean[1, 0])
    firstUnit.append(out[0, 0])
  }
  let n = Double(outputDraws)
  let mean = sum / n
  let variance = (sumOfSquares / n - mean * mean) * (n / (n - 1))
  // Largest standardised error over the 12 outputs: the mean's SE is sd/√n; the
  // variance's SE is about √2·var/√n for near-Gaussian outputs.
  var worstMeanZ = 0.0
  var worstVarianceZ = 0.0
  for k in 0..<12 {
    let v = exactVariance.storage[k]
    worstMeanZ = max(worstMeanZ, abs(mean.storage[k] - exactMean.storage[k]) / (v / n).squareRoot())
    worstVarianceZ = max(
      worstVarianceZ, abs(variance.storage[k] - v) / (2.0.squareRoot() * v / n.squareRoot()))
  }
  let correlation = crossProduct / n / (exactVariance[0, 0] * exactVariance[1, 0]).squareRoot()
  momentRows.append([
    name, Narration.format(worstMeanZ, digits: 2), Narration.format(worstVarianceZ, digits: 2),
    Narration.format(correlation, digits: 3),
  ])
  histograms.append((short, firstUnit))
}
Narration.table(
  ["estimator", "worst |z| of a mean", "worst |z| of a variance", "corr. of examples 1 and 2"],
  momentRows)
/*:
 Twelve means and twelve variances per estimator, all within a few standard errors of
 the exact values. Only the last column differs: with one shared weight sample two
 examples' outputs are correlated; the other three make them uncorrelated.

 ## 2. The variance of the minibatch gradient

 Now note 000's 2-64-64-2 network, trained for a while on two moons, then frozen. At that
 point we draw many minibatch gradients of the negative ELBO with respect to the weight
 means — each with a fresh random minibatch and fresh noise — and measure their
 variance, averaged over all weight means. "No noise" uses the mean weights: its
 variance comes from the choice of minibatch alone.
 */
Narration.section("2. Gradient variance at a fixed point of training")
let moons = SyntheticData.twoMoons(count: moonsCount, noise: 0.1, using: &rng)
var modelRNG = rng.fork()
let model = MLP.bayesian(sizes: sizes, using: &modelRNG)
var adam = Adam(parameters: model.parameters, learningRate: 1e-3)
orExit("training to a fixed point") {
  try BayesByBackprop(model: model, likelihood: .categorical).train(
    on: moons, epochs: warmUpEpochs, batchSize: batchSize, optimiser: &adam, using: &modelRNG)
}
let weightMeans = model.layers.compactMap { $0 as? BayesianDense }.map(\.weightMean)

/// The mean over weight means of the variance of their minibatch gradient.
@MainActor func gradientVariance(_ estimator: GradientEstimator?) -> Double {
  if let estimator { model.use(estimator) }
  let objective = BayesByBackprop(model: model, likelihood: .categorical)
  var sums = weightMeans.map { Matrix(rows: $0.value.rows, columns: $0.value.columns) }
  var squares = sums
  for _ in 0..<gradientDraws {
    let indices = Array(rng.permutation(moonsCount).prefix(batchSize))
    let minibatch = moons.subset(indices)
    let loss: MinibatchLoss
    if estimator == nil {
      // The same objective with the weights at their means: only the minibatch varies.
      let tape = Tape()
      let nll = Likelihood.categorical.negativeLogLikelihood(
        model.forward(tape.constant(minibatch.inputs), mode: .mean, using: &rng), minibatch.targets)
      let kl = model.klDivergence(on: tape) * (1 / Double(moonsCount))
      loss = MinibatchLoss(
        total: nll + kl, negativeLogLikelihood: nll.value.scalarValue,
        regulariser: kl.value.scalarValue)
    } else {
      loss = objective.loss(on: minibatch, datasetSize: moonsCount, using: &rng)
    }
    loss.total.tape.backward(from: loss.total)
    for (k, p) in weightMeans.enumerated() {
      sums[k] += p.gradient
      squares[k] += p.gradient * p.gradient
    }
    for p in model.parameters { p.zeroGradient() }
  }
  let n = Double(gradientDraws)
  var total = 0.0
  var count = 0
  for k in weightMeans.indices {
    let variance = (squares[k] - sums[k] * sums[k] / n) / (n - 1)
    total += variance.sum()
    count += variance.count
  }
  model.use(.sharedWeights)
  return total / Double(count)
}
var variances = [Double]()
for (_, estimator, _) in estimators { variances.append(gradientVariance(estimator)) }
Narration.table(
  ["estimator", "mean gradient variance", "relative to one shared sample"],
  zip(estimators, variances).map { e, v in
    [e.name, Narration.format(v, digits: 3), Narration.format(v / variances.last!, digits: 3)]
  })
for (e, v) in zip(estimators, variances) { Narration.result("variance: \(e.name)", v) }
orExit("saving the variance figure") {
  let positions = estimators.indices.map(Double.init)
  var bars = Figure(
    title: "Variance of the minibatch gradient w.r.t. the weight means", xLabel: "",
    yLabel: "mean variance per weight mean (log scale)",
    series: [.bars(x: positions, heights: variances, width: 0.7, title: nil, color: .blue)])
  bars.logY = true
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
    panelWidth: 600, panelHeight: 460)
}
/*:
 (Bars, left to right, in the order of the table.) Mean weights give the lowest
 variance — only the minibatch varies — and one shared weight sample the highest; its
 excess is the covariance between examples that section 1 showed, since averaging $|B|$
 correlated terms does not divide their variance by $|B|$. Local reparameterisation and
 separate weights per example agree within Monte Carlo error, as they must: for a
 factorised Gaussian $q$ the two give every layer's pre-activations the same joint
 distribution given its inputs, and the gradient with respect to the means is
 $\sum_i h_i^\top\delta_i$ in both. Kingma et al. report the same ordering (their Table 1
 has local reparameterisation a little below separate samples). Flipout's examples are
 uncorrelated too, but its gradients share one $\varepsilon$; it stays well below the shared
 sample.

 ## 3. What each costs
 */
Narration.section("3. Time per training step")
let clock = ContinuousClock()
var costRows = [[String]]()
for (name, estimator, _) in estimators.dropFirst() {
  model.use(estimator!)
  let objective = BayesByBackprop(model: model, likelihood: .categorical)
  // Tiny steps: this loop measures time, it is not meant to train.
  var optimiser = Adam(parameters: model.parameters, learningRate: 1e-9)
  let minibatch = moons.subset(Array(0..<batchSize))
  let elapsed = clock.measure {
    for _ in 0..<timingSteps {
      let loss = objective.loss(on: minibatch, datasetSize: moonsCount, using: &rng)
      loss.total.tape.backward(from: loss.total)
      optimiser.step()
    }
  }
  let microseconds =
    (Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) * 1e-12)
    / Double(timingSteps)
  costRows.append([name, Narration.format(microseconds, digits: 3) + " µs"])
}
model.use(.sharedWeights)
Narration.table(["estimator", "time per step (measured now)"], costRows)
/*:
 Local reparameterisation and Flipout cost one extra matrix product per layer over a
 plain step; separate weights per example cost a weight draw and a product for every
 example. Local reparameterisation applies only to layers whose
 pre-activations are Gaussian sums (dense layers with a factorised Gaussian $q$);
 Flipout works for any perturbation that is symmetric around zero.

 ## Summary
 - All four estimators give each example the same output distribution; they differ in
   the correlation between examples.
 - That correlation is what makes one shared weight sample the noisiest gradient.
 - Local reparameterisation and Flipout remove most of it at about twice the cost of a
   plain step; separate weight samples remove it at many times the cost.

 ## Exercises
 1. Repeat section 2 with a batch of 8 and of 256. How do the ratios change, and why?
 2. Train the classifier of chapter 3 with each estimator for the same time (not the same
    number of epochs) and compare the test NLL.
 */
chapter.finish()  // writes results.json; fails the run if a claim does not hold
