/*:
 # 1. What a Bayesian neural network is

 An ordinary network is trained to one set of weights, $w^* = \arg\max_w p(D \mid w)\,p(w)$,
 and predicts with it as if it were certainly right. A Bayesian neural network (BNN)
 keeps every set of weights that explains the data, each in proportion to how well
 it does:

 - a **prior** $p(w)$ says which weights we find plausible before seeing data;
 - the **likelihood** $p(D \mid w) = \prod_n p(y_n \mid x_n, w)$ says how well weights $w$
   explain the data;
 - Bayes' rule gives the **posterior** $p(w \mid D) = p(D \mid w)\,p(w) / p(D)$, with the
   evidence $p(D) = \int p(D \mid w)\,p(w)\,dw$;
 - a prediction averages the network over the posterior, the **predictive distribution**
   $p(y^* \mid x^*, D) = \int p(y^* \mid x^*, w)\,p(w \mid D)\,dw$.

 Note 004 sets this against two other kinds of network. A **deterministic** one has one
 set of weights and outputs a number. A **probabilistic** one still has one set of
 weights but outputs a distribution — a mean and a variance, say, trained by the
 Gaussian likelihood (chapter 5 §6 builds one) — so it can say that the data are noisy
 (aleatoric uncertainty) but not that its weights are uncertain. A **Bayesian** one puts
 a distribution on the weights, and through them on the outputs, so it can say both.
 The notes' comparison table also credits a BNN with "natural regularisation" against
 over-fitting: the prior does act as weight decay on the most probable weights, and
 averaging over the posterior keeps one over-confident fit from deciding alone, but how
 much that helps is a question of the prior and the approximation, which the later
 chapters measure case by case.

 The last integral is the whole point: the prediction carries the uncertainty about
 $w$ with it. It is also the whole difficulty: $w$ has thousands to millions of
 dimensions, the likelihood is not a nice function of it, and $p(D)$ has no closed
 form. Every later chapter is a way to approximate this integral.

 In this chapter we build the pieces and look at them where they can still be seen:
 1. the prior over weights as a prior over *functions*;
 2. an exact posterior, for a network with two weights, computed on a grid, with the
    three approximations of later chapters (mean field, Laplace, HMC) drawn over it;
 3. the Bayesian layer of the notes (a mean and a log-variance per weight) and the
    Monte Carlo predictive, whose error falls like $1/\sqrt S$;
 4. a deterministic and a Bayesian network side by side.

 Mirrors note 000 §1–2, note 003 part 1 and note 004 (deterministic, probabilistic and
 Bayesian networks).
 */
import BayesianDL
import BayesianDLPlotting
import CourseSupport
import Foundation

let chapter = Chapter.start()
var rng = Generator(seed: chapter.seed)

//: ## Configuration
let priorScales = [0.3, 1.0, 3.0]  // σ_p of the N(0, σ_p²) weight prior, one panel each
let priorHidden = 50  // hidden units of the 1-50-1 tanh network drawn from the prior
let priorDraws = chapter.budget(4000, quick: 400)  // prior networks for the spread of f(0)
let shownFunctions = 12  // prior functions drawn per panel
let plotPoints = chapter.budget(200, quick: 60)  // x positions on every curve

let trueA = 1.5  // the two-weight network f(x) = b·tanh(a·x) that made the data
let trueB = 1.2
let twoWeightNoise = 0.3  // σ of the observation noise, known
let twoWeightCount = 10  // data points
let gridPoints = chapter.budget(241, quick: 81)  // grid nodes per weight axis
let evidenceDraws = chapter.budget(40000, quick: 4000)  // prior draws for the Monte Carlo p(D)
let meanFieldSteps = chapter.budget(3000, quick: 600)  // Adam steps on the mean-field ELBO
let hmcWarmUp = chapter.budget(1000, quick: 200)  // HMC warm-up iterations per chain
let hmcDraws = chapter.budget(10000, quick: 300)  // HMC draws kept per chain
let gaussianDraws = chapter.budget(20000, quick: 4000)  // draws of each Gaussian approximation

let gapCount = 40  // points of the 1-D regression with a gap
let gapNoise = 0.1  // its noise σ
let hiddenSizes = [1, 50, 50, 1]  // the network of sections 3–4
let mapEpochs = chapter.budget(1500, quick: 600)  // full-batch Adam steps for the point estimate
let layerSigma = exp(-3.0)  // σ of every weight in the Bayesian copy: log σ² = −6, as note 000
let predictiveSamples = 200  // S for the predictive band (cheap: one draw per pass)
let referenceSamples = chapter.budget(8192, quick: 1024)  // S for the "exact" predictive
let convergenceMaxS = chapter.budget(64, quick: 16)  // largest S in the convergence study
let convergenceRepeats = chapter.budget(64, quick: 16)  // independent estimates per S

/*:
 ## 1. The prior is a distribution over functions

 A prior on weights is hard to read directly: nobody has intuitions about the 151st
 weight of a network. What it implies is easier to see. Draw weights from the prior,
 and each draw is a function $x \mapsto f(x; w)$. Here every weight and bias of a
 1-50-1 tanh network is $\mathcal N(0, \sigma_p^2)$.

 At $x = 0$ the hidden units are $\tanh(b_j)$, so the prior variance of the output has
 a closed form: $\operatorname{Var} f(0) = H\sigma_p^2\,\mathbb E[\tanh^2(\sigma_p z)] + \sigma_p^2$
 with $z \sim \mathcal N(0, 1)$ — a one-dimensional integral we evaluate by quadrature
 and hold the sampled spread against.
 */
Narration.section("1. Prior predictive: functions drawn from N(0, σp²) weights")
let xs = SyntheticData.linspace(-3, 3, count: plotPoints)  // [points, 1]
let origin = Matrix(rows: 1, columns: 1)
/// E[tanh²(σz)] for z ~ N(0, 1), by the trapezoid rule on [−10, 10].
func expectedSquaredTanh(_ sigma: Double) -> Double {
  let n = 4000
  let h = 20.0 / Double(n)
  var total = 0.0
  for k in 0...n {
    let z = -10 + Double(k) * h
    let t = tanh(sigma * z)
    total += (k == 0 || k == n ? 0.5 : 1) * t * t * exp(-0.5 * z * z)
  }
  return total * h / (2 * Double.pi).squareRoot()
}

//: For the figure, each prior gets a panel: the ±2 sd band of $f(x)$ and a few of its
//: functions.
// fold: a panel of the prior figure
/// The panel for the prior of scale `sigmaP`: the ±2 sd band of f(x) over `priorDraws / 4`
/// networks drawn from `network`, then `shownFunctions` functions drawn from it.
func priorPanel(_ network: MLP, sigmaP: Double, using rng: inout Generator) -> Figure {
  var series = [Series]()
  let spread = MonteCarloPredictive.outputs(
    of: network, at: xs, samples: priorDraws / 4, using: &rng)
  series.append(
    .band(
      x: xs.storage, lower: (spread.mean - 2 * spread.standardDeviation).storage,
      upper: (spread.mean + 2 * spread.standardDeviation).storage, title: "±2 sd of f(x)",
      color: .sky))
  for k in 0..<shownFunctions {
    let f = network.predict(xs, mode: .sample, using: &rng)
    series.append(
      .line(
        x: xs.storage, y: f.storage, title: k == 0 ? "functions f(x; w), w ~ p(w)" : nil,
        color: .blue,
        width: 1.2))
  }
  var panel = Figure(
    title: "σ_p = \(Narration.format(sigmaP, digits: 2))", xLabel: "input x",
    yLabel: "network output f(x)", series: series)
  panel.legend = .none  // the grid's title says what is drawn, once for all three panels
  panel.xRange = -3...3
  return panel
}

//: For each prior scale, a network whose weights are drawn from the prior: the spread of
//: $f(0)$ over many draws, held against the closed form.
var priorPanels = [Figure]()
var priorTable = ResultTable(
  "σp",
  columns: [
    .init("sd f(0) sampled", digits: 4), .init("sd f(0) exact", digits: 4),
    .init("z-score", digits: 2),
  ])
var priorZScores = [Double]()
var priorSampledSDs = [Double]()
for sigmaP in priorScales {
  let network = MLP.bayesian(
    sizes: [1, priorHidden, 1], activation: .tanh, priorStandardDeviation: sigmaP, using: &rng)
  network.setToPrior()  // q = p: sampling the layer now samples the prior
  let atOrigin = MonteCarloPredictive.outputs(
    of: network, at: origin, samples: priorDraws, using: &rng)
  let sampledSD = atOrigin.standardDeviation.scalarValue
  // The standard error of a sample SD is about SD/√(2(M−1)) for near-Gaussian draws.
  let standardError = sampledSD / (2 * Double(priorDraws - 1)).squareRoot()
  let exactSD =
    (Double(priorHidden) * sigmaP * sigmaP * expectedSquaredTanh(sigmaP) + sigmaP * sigmaP)
    .squareRoot()
  let z = (sampledSD - exactSD) / standardError
  priorTable.add(Narration.format(sigmaP, digits: 2), numbers: [sampledSD, exactSD, z])
  chapter.value("priorZ\(priorZScores.count)", z, digits: 2)
  priorZScores.append(z)
  priorSampledSDs.append(sampledSD)
  priorPanels.append(priorPanel(network, sigmaP: sigmaP, using: &rng))
}
chapter.show(priorTable)
chapter.value("priorScaleCount", Double(priorScales.count), digits: 1)
let largestPriorZ = chapter.value(
  "largestPriorZ", priorZScores.map(abs).max()!, digits: 2)
chapter.value("priorSDSmall", priorSampledSDs.first!, digits: 2)
chapter.value("priorSDLarge", priorSampledSDs.last!, digits: 3)
chapter.claim(
  "The sampled spread agrees with the quadrature within Monte Carlo error: no z-score is larger than {{largestPriorZ}} in size.",
  largestPriorZ < 4, atAnyBudget: true)
chapter.claim(
  "The sd of $f(0)$ grows with $\\sigma_p$, from {{priorSDSmall}} at $\\sigma_p = 0.3$ to {{priorSDLarge}} at $\\sigma_p = 3$.",
  zip(priorSampledSDs, priorSampledSDs.dropFirst()).allSatisfy { $0 < $1 }, atAnyBudget: true)
orExit("saving the prior figure") {
  try chapter.figures.save(
    FigureGrid(
      title:
        "Prior predictive of a 1-50-1 tanh network: ±2 sd of f(x) (shaded) and \(shownFunctions) functions drawn from the prior; each panel has its own y-scale",
      rows: 1, columns: 3, panels: priorPanels),
    name: "prior-functions",
    caption:
      "The larger $\\sigma_p$, the larger and the more wiggly the functions: the sd of $f(0)$ goes from {{priorSDSmall}} at $\\sigma_p = 0.3$ to {{priorSDLarge}} at $\\sigma_p = 3$. Mind the y-scales: at $\\sigma_p = 0.3$ the functions are gentle slopes; at $\\sigma_p = 3$ they are steps, where tanh saturates.",
    panelWidth: 460, panelHeight: 380)
}
/*:
 Small $\sigma_p$ gives nearly straight, flat functions; large $\sigma_p$ gives steep
 steps, because $\tanh$ saturates once $|w_1 x|$ is large. The prior over weights is a
 choice about *which functions* are plausible.
 The sd of $f(0)$ grows with $\sigma_p$, from {{priorSDSmall}} at $\sigma_p = 0.3$ to {{priorSDLarge}} at $\sigma_p = 3$.
 The sampled spread agrees with the quadrature within Monte Carlo error: no z-score is
 larger than {{largestPriorZ}} in size. Note the $H$ in the formula: with
 a fixed $\sigma_p$ the prior variance grows with the width, which is why wide networks
 usually scale the prior standard deviation of a layer by $1/\sqrt{\text{fan-in}}$
 (Neal, 1996). The later chapters keep $\mathcal N(0, 1)$ on layers a few dozen units
 wide for simplicity; what matters there is the comparison between methods that share
 one prior.

 ## 2. An exact posterior, for a network with two weights

 For a network with two weights we can afford what is impossible in general: evaluate
 $p(D \mid w)\,p(w)$ on a grid over the whole weight plane and normalise it by
 quadrature. The network is $f(x; a, b) = b\tanh(ax)$ with $a, b \sim \mathcal N(0, 1)$
 and Gaussian noise of known $\sigma$.
 */
Narration.section("2. An exact posterior on a grid: f(x) = b·tanh(a·x)")
/// The two-weight network f(x; a, b) = b·tanh(a·x).
func twoWeightNetwork(_ x: Double, _ a: Double, _ b: Double) -> Double { b * tanh(a * x) }
/// `twoWeightCount` inputs uniform on [−2, 2], then the true network's outputs at them plus
/// Gaussian noise.
func twoWeightData(using rng: inout Generator) -> (x: [Double], y: [Double]) {
  let x = (0..<twoWeightCount).map { _ in rng.uniform(-2, 2) }
  let y = x.map { twoWeightNetwork($0, trueA, trueB) + twoWeightNoise * rng.normal() }
  return (x, y)
}
let (twoWeightX, twoWeightY) = twoWeightData(using: &rng)

//: The unnormalised log posterior, log likelihood plus log prior, is evaluated at every
//: node of a grid over the weight plane; the sum over the nodes gives the evidence and
//: normalises it.
let weightPrior = Gaussian(mean: 0, standardDeviation: 1)
/// log p(D | a, b): the Gaussian log density of the data under weights (a, b).
func logLikelihood(_ a: Double, _ b: Double) -> Double {
  zip(twoWeightX, twoWeightY).reduce(0) { total, point in
    total
      + Gaussian(mean: twoWeightNetwork(point.0, a, b), standardDeviation: twoWeightNoise)
      .logDensity(point.1)
  }
}
let posterior = GridPosterior(first: -4...4, second: -4...4, points: gridPoints) { a, b in
  logLikelihood(a, b) + weightPrior.logDensity(a) + weightPrior.logDensity(b)
}

//: The evidence again, by simple Monte Carlo over the prior:
//: $p(D) = \mathbb E_{p(w)}[p(D \mid w)]$.
var likelihoods = [Double]()
for _ in 0..<evidenceDraws {
  likelihoods.append(
    exp(logLikelihood(weightPrior.sample(using: &rng), weightPrior.sample(using: &rng))))
}
let evidenceMC = MeanEstimate(of: likelihoods)
let evidenceGrid = exp(posterior.logEvidence)
chapter.result("log p(D) by grid quadrature", posterior.logEvidence, as: "logEvidenceGrid")
chapter.result(
  "log p(D) by Monte Carlo over the prior", log(evidenceMC.mean), as: "logEvidenceMonteCarlo")
let evidenceZ = chapter.result(
  "evidence z-score (grid − MC)/SE",
  (evidenceGrid - evidenceMC.mean) / evidenceMC.standardError, digits: 2,
  as: "evidenceZ")
chapter.value("evidenceZSize", abs(evidenceZ), digits: 2)
chapter.value("evidenceDraws", Double(evidenceDraws), digits: 6)
chapter.claim(
  "The grid's evidence and the Monte Carlo average of the likelihood over {{evidenceDraws}} prior draws agree within {{evidenceZSize}} standard errors.",
  abs(evidenceZ) < 4, atAnyBudget: true)

//: Where the posterior's mass lies, and its mean:
let massPositiveA = chapter.result(
  "posterior mass with a > 0", posterior.expectation { a, _ in a > 0 ? 1 : 0 },
  as: "massPositiveA")
let massNegativeA = chapter.result(
  "posterior mass with a < 0", posterior.expectation { a, _ in a < 0 ? 1 : 0 },
  as: "massNegativeA")
let meanA = chapter.result(
  "posterior mean of a", posterior.expectation { a, _ in a }, digits: 3, as: "meanA")
let meanB = chapter.result(
  "posterior mean of b", posterior.expectation { _, b in b }, digits: 3, as: "meanB")
chapter.claim(
  "The posterior has **two modes**, $(a, b)$ and $(-a, -b)$, with half the mass each ({{massPositiveA}} and {{massNegativeA}}):",
  abs(massPositiveA - 0.5) < 1e-9 && abs(massNegativeA - 0.5) < 1e-9, atAnyBudget: true)
chapter.claim(
  "Its mean is the origin to round-off ($a$ = {{meanA}}, $b$ = {{meanB}}), where $f \\equiv 0$: a network that fits nothing.",
  abs(meanA) < 1e-9 && abs(meanB) < 1e-9, atAnyBudget: true)
/*:
 The grid's evidence and the Monte Carlo average of the likelihood over {{evidenceDraws}}
 prior draws agree within {{evidenceZSize}} standard errors.

 The posterior has **two modes**, $(a, b)$ and $(-a, -b)$, with half the mass each
 ({{massPositiveA}} and {{massNegativeA}}): $b\tanh(ax) = (-b)\tanh(-ax)$, and the prior
 is symmetric too, so no data can tell them apart. It is not Gaussian.
 Its mean is the origin to round-off ($a$ = {{meanA}}, $b$ = {{meanB}}), where
 $f \equiv 0$: a network that fits nothing. Averaging *weights* is meaningless here;
 averaging *predictions* is not.

 The MAP estimate is one of the modes. We find it with the autodiff tape: gradient
 ascent on $\log p(D \mid a, b) + \log p(a, b)$ from the best grid node. Either mode
 would do: both draw the same curve.

 The predictive needs no choice of mode. We compute it twice: by quadrature over the
 grid, and by Monte Carlo, sampling weights from the grid posterior and averaging the
 networks.
 */
let mapA = Parameter("a", .scalar(posterior.mode.first))
let mapB = Parameter("b", .scalar(posterior.mode.second))
var mapOptimiser = Adam(parameters: [mapA, mapB], learningRate: 0.01)
let dataX = Matrix.column(twoWeightX)
let dataY = Matrix.column(twoWeightY)
for step in 1...300 {
  let tape = Tape()
  let a = tape.parameter(mapA)
  let b = tape.parameter(mapB)
  let f = tanh(tape.constant(dataX) * a) * b  // [n, 1]
  let negativeLogPosterior =
    square(f - dataY).sum() * (0.5 / (twoWeightNoise * twoWeightNoise)) + (square(a) + square(b))
    * 0.5
  orExit("finding the MAP") {
    try TrainingGuard.check(
      negativeLogPosterior.value.scalarValue, "negative log posterior", step: step)
  }
  tape.backward(from: negativeLogPosterior)
  mapOptimiser.step()
}
let wMAP = (a: mapA.value.scalarValue, b: mapB.value.scalarValue)
Narration.result(
  "MAP (a, b)",
  "(\(Narration.format(wMAP.a)), \(Narration.format(wMAP.b)))  — truth (\(trueA), \(trueB))")
chapter.value("mapA", wMAP.a, digits: 3)
chapter.value("mapB", wMAP.b, digits: 3)
// Which mode the ascent ends in depends on the data's draw; it must end in one of them.
chapter.claim(
  "Here the ascent ends at $(a, b)$ = ({{mapA}}, {{mapB}}), in the mirror image of the truth $(1.5, 1.2)$: the mode at $(-a, -b)$.",
  abs(wMAP.a + trueA) < 0.2 && abs(wMAP.b + trueB) < 0.2)

//: The predictive by quadrature: the moments of $f(x; a, b)$ under the grid posterior,
//: plus the noise.
let wideXs = SyntheticData.linspace(-4, 4, count: plotPoints).storage
var predictiveMean = [Double]()
var predictiveSD = [Double]()
for x in wideXs {
  let f = posterior.moments { a, b in twoWeightNetwork(x, a, b) }
  predictiveMean.append(f.mean)
  predictiveSD.append((f.variance + twoWeightNoise * twoWeightNoise).squareRoot())
}

// How wide the predictive band is in the data (|x| ≤ 2) and at the ends, x = ±4.
let dataIndices = wideXs.indices.filter { abs(wideXs[$0]) <= 2 }
let exactSDInData = chapter.value(
  "exactSDInData", dataIndices.reduce(0) { $0 + predictiveSD[$1] } / Double(dataIndices.count))
let exactSDAtEnds = chapter.value(
  "exactSDAtEnds", (predictiveSD.first! + predictiveSD.last!) / 2)
chapter.claim(
  "Where there are data the predictive sd is {{exactSDInData}}, barely above the noise $\\sigma = 0.3$; at $x = \\pm 4$ it is {{exactSDAtEnds}}, hardly wider:",
  exactSDInData < 1.15 * twoWeightNoise && exactSDAtEnds > exactSDInData
    && exactSDAtEnds < 1.1 * exactSDInData)

//: And by Monte Carlo, at one input beyond the data: sample weights from the grid
//: posterior and average the networks.
let checkX = 3.5  // outside the data, where the modes disagree most about nothing
let exactAtCheck = posterior.expectation { a, b in twoWeightNetwork(checkX, a, b) }
var drawsAtCheck = [Double]()
for _ in 0..<predictiveSamples * 10 {
  let w = posterior.sample(using: &rng)
  drawsAtCheck.append(twoWeightNetwork(checkX, w.first, w.second))
}
let mcAtCheck = MeanEstimate(of: drawsAtCheck)
chapter.result("E[f(3.5)] by quadrature", exactAtCheck, as: "exactAtCheck")
chapter.result(
  "E[f(3.5)] by \(drawsAtCheck.count) posterior draws", mcAtCheck.mean, as: "mcAtCheck")
let predictiveZ = chapter.result(
  "predictive z-score (MC − quadrature)/SE", mcAtCheck.zScore(against: exactAtCheck), digits: 2,
  as: "predictiveZ")
chapter.value("predictiveZSize", abs(predictiveZ), digits: 2)
chapter.value("checkDraws", Double(drawsAtCheck.count), digits: 6)
chapter.claim(
  "At $x = 3.5$, beyond the data, the average of {{checkDraws}} networks drawn from the grid posterior, {{mcAtCheck}}, is within {{predictiveZSize}} standard errors of the quadrature's {{exactAtCheck}}.",
  abs(predictiveZ) < 4, atAnyBudget: true)

//: The posterior over the weight plane, and the predictive it gives next to the MAP network:
// fold: the posterior figure
let contourPanel: Figure = {
  let shown = posterior.coarseDensity(step: max(gridPoints / 80, 1))  // a lighter grid to draw
  var figure = Figure(
    title: "Posterior p(a, b | D) (not Gaussian: two modes)", xLabel: "weight a",
    yLabel: "weight b",
    series: [
      .heatmap(xs: shown.first, ys: shown.second, values: shown.density),
      .contour(
        xs: shown.first, ys: shown.second, values: shown.density,
        levels: [0.05, 0.2, 0.5].map { $0 * shown.density.max() }, title: "density contours",
        color: .black),
      .points(
        x: [trueA, -trueA], y: [trueB, -trueB], title: "truth (and its mirror)", color: .vermillion,
        size: 1.4),
      .points(x: [wMAP.a], y: [wMAP.b], title: "MAP", color: .orange, size: 1.8, shape: .diamond),
    ])
  figure.legend = .topLeft  // the corner far from both modes is empty
  figure.colorBarLabel = "density"
  figure.equalAxes = true
  figure.xRange = -4...4
  figure.yRange = -4...4
  return figure
}()
let predictivePanel: Figure = {
  var figure = Figure(
    title: "Exact predictive; the MAP curve lies on its mean",
    xLabel: "input x", yLabel: "output y",
    series: [
      .band(
        x: wideXs, lower: zip(predictiveMean, predictiveSD).map { $0 - 2 * $1 },
        upper: zip(predictiveMean, predictiveSD).map { $0 + 2 * $1 },
        title: "predictive ±2 sd (with noise)",
        color: .blue),
      .line(x: wideXs, y: predictiveMean, title: "predictive mean", color: .blue, width: 5),
      .line(
        x: wideXs, y: wideXs.map { twoWeightNetwork($0, trueA, trueB) }, title: "truth",
        color: .black, width: 1),
      // Last, so that its dashes show on the wide mean line it lies on.
      .line(
        x: wideXs, y: wideXs.map { twoWeightNetwork($0, wMAP.a, wMAP.b) },
        title: "MAP network (no band)", color: .orange, width: 2, dashed: true),
      .points(x: twoWeightX, y: twoWeightY, title: "data", color: .black, size: 0.9),
    ])
  figure.legend = .topLeft  // above the band's left plateau, which is empty
  figure.xRange = -4...4
  figure.yRange = -2...3  // room for the legend above the data
  return figure
}()
orExit("saving the posterior figure") {
  try chapter.figures.save(
    FigureGrid(rows: 1, columns: 2, panels: [contourPanel, predictivePanel]),
    name: "exact-posterior",
    caption:
      "Left: the exact posterior of $b \\tanh(ax)$ has two mirror-image modes, and the MAP sits in one. Right: the predictive band is barely wider beyond the data (sd {{exactSDAtEnds}} at $x = \\pm 4$) than in them ({{exactSDInData}}); the MAP network draws the same curve as the predictive mean, with no band.",
    panelWidth: 560, panelHeight: 520)
}
/*:
 Here the ascent ends at $(a, b)$ = ({{mapA}}, {{mapB}}), in the mirror image of the truth
 $(1.5, 1.2)$: the mode at $(-a, -b)$.
 At $x = 3.5$, beyond the data, the average of {{checkDraws}} networks drawn from the grid
 posterior, {{mcAtCheck}}, is within {{predictiveZSize}} standard errors of the
 quadrature's {{exactAtCheck}}.

 Where there are data the predictive sd is {{exactSDInData}}, barely above the noise $\sigma = 0.3$; at $x = \pm 4$ it is {{exactSDAtEnds}}, hardly wider:
 $b\tanh(ax)$ saturates, so beyond the data every curve the posterior allows is nearly
 flat at its height $b$, and the band's extra width is only the spread of $b$, which the
 data pin down. The form of the network, not the lack of data, decides how this model
 extrapolates. The MAP network draws one curve and says nothing about how sure it is
 (in the figure it lies on the predictive mean).

 ### Three approximations, drawn over the exact posterior

 Every later chapter replaces this grid by an approximation, because no grid reaches
 beyond a few weights. Here all of them can be laid over the truth before they are
 studied. We fit three to this posterior:
 - **mean field** (chapters 2–3): the Gaussian $q(a)\,q(b)$ with independent axes that
   maximises the ELBO $\mathbb E_q\log p(D \mid a, b) - \mathrm{KL}(q \,\|\, p)$;
 - **Laplace** (chapter 8): the Gaussian at the MAP whose precision is the curvature of
   $-\log p(a, b \mid D)$ there;
 - **Hamiltonian Monte Carlo** (chapter 10): a Markov chain whose draws come from the
   posterior itself, four chains from four starting points drawn from the prior.

 The log posterior and its gradient, for HMC and for the curvature:
 */
/// The two-weight posterior as a target: log p(D | a, b) + log p(a, b) up to a
/// constant, and its gradient.
struct TwoWeightPosterior: DifferentiableLogDensity {
  let x: [Double]
  let y: [Double]
  let noise: Double
  var dimension: Int { 2 }
  func logDensityAndGradient(_ w: [Double]) -> (value: Double, gradient: [Double]) {
    let (a, b) = (w[0], w[1])
    var (value, da, db) = (-0.5 * (a * a + b * b), -a, -b)
    for (xn, yn) in zip(x, y) {
      let t = tanh(a * xn)
      let r = (yn - b * t) / (noise * noise)  // residual over σ²
      value -= 0.5 * r * (yn - b * t)
      db += r * t
      da += r * b * (1 - t * t) * xn
    }
    return (value, [da, db])
  }
}
let target = TwoWeightPosterior(x: twoWeightX, y: twoWeightY, noise: twoWeightNoise)

//: **Laplace.** The curvature at the MAP by central differences of the gradient; its
//: inverse is the covariance.
let mapGradient = target.logDensityAndGradient([wMAP.a, wMAP.b]).gradient
var curvature = Matrix(rows: 2, columns: 2)
for j in 0..<2 {
  var (up, down) = ([wMAP.a, wMAP.b], [wMAP.a, wMAP.b])
  up[j] += 1e-5
  down[j] -= 1e-5
  let (gUp, gDown) = (
    target.logDensityAndGradient(up).gradient, target.logDensityAndGradient(down).gradient
  )
  for i in 0..<2 { curvature[i, j] = -(gUp[i] - gDown[i]) / 2e-5 }
}
curvature = (curvature + curvature.transposed) * 0.5
let laplace = orExit("the Laplace covariance") {
  try MultivariateGaussian(
    mean: .column([wMAP.a, wMAP.b]), covariance: curvature.solveSPD(Matrix.identity(2)))
}
chapter.value("mapGradientNorm", hypot(mapGradient[0], mapGradient[1]), digits: 1)

/*:
 **Mean field.** With $q(a) = \mathcal N(\mu_a, s_a^2)$ and $q(b) = \mathcal N(\mu_b, s_b^2)$
 the expected log-likelihood needs one integral only: $f$ is linear in $b$, so
 $\mathbb E_b(y - b\,t)^2 = (y - \mu_b t)^2 + s_b^2t^2$ with $t = \tanh(ax)$, and the
 average over $a$ is a one-dimensional quadrature. The ELBO is then a smooth function of
 four numbers, maximised with Adam on the tape from the MAP.
 */
let nodes = SyntheticData.linspace(-8, 8, count: 161).storage  // z for a = μ_a + s_a z
let nodeWeights = Matrix.column(
  nodes.map { 0.1 * exp(-0.5 * $0 * $0) / (2 * Double.pi).squareRoot() })
let meanField = Parameter("means", .row([wMAP.a, wMAP.b]))
let meanFieldLogSD = Parameter("log sds", .row([-2, -2]))
var meanFieldOptimiser = Adam(parameters: [meanField, meanFieldLogSD], learningRate: 0.01)
var negativeELBO = 0.0
for step in 1...meanFieldSteps {
  let tape = Tape()
  let (mu, logSD) = (tape.parameter(meanField), tape.parameter(meanFieldLogSD))
  let a = mu.columns(0..<1) + tape.constant(.column(nodes)) * exp(logSD.columns(0..<1))  // [K, 1]
  let t = tanh(a.matmul(tape.constant(.row(twoWeightX))))  // [K, n]
  let squared =
    square(tape.constant(.row(twoWeightY)) - t * mu.columns(1..<2))
    + square(t) * exp(logSD.columns(1..<2) * 2)
  let expectedSquaredError = (tape.constant(nodeWeights) * squared).sum()
  let kl = (square(mu) + exp(logSD * 2) - logSD * 2 - 1).sum() * 0.5
  let loss = expectedSquaredError * (0.5 / (twoWeightNoise * twoWeightNoise)) + kl
  orExit("fitting the mean field") {
    try TrainingGuard.check(loss.value.scalarValue, "negative ELBO", step: step)
  }
  negativeELBO = loss.value.scalarValue
  tape.backward(from: loss)
  meanFieldOptimiser.step()
}
let meanFieldQ = orExit("the mean-field Gaussian") {
  try MultivariateGaussian(
    mean: meanField.value.transposed,
    covariance: Matrix(rows: 2, columns: 2) { i, j in
      i == j ? exp(2 * meanFieldLogSD.value[0, i]) : 0
    })
}

//: **HMC.** Four chains, each started from a draw of the prior, with the core's sampler.
var approximationRng = Generator(seed: chapter.seed &+ 100)  // its own stream: §3 draws as before
let starts = (0..<4).map { _ in
  [weightPrior.sample(using: &approximationRng), weightPrior.sample(using: &approximationRng)]
}
var sampler = HamiltonianMonteCarlo(
  warmUp: hmcWarmUp, iterations: hmcDraws, trajectoryLength: 1.5)
sampler.targetAcceptance = 0.99  // small steps: no trajectory diverges in the narrow tails
let chains = orExit("sampling the two-weight posterior") {
  try sampler.sampleChains(target, from: starts, generators: approximationRng.forks(4))
}

/*:
 The three against the exact posterior. The modes are mirror images and draw the same
 curves, so the weights are compared within the MAP's mode (the grid's moments there are
 those of half its mass) and the functions everywhere: the sd of $f$ at $x = 1$, in the
 data, and at $x = 4$, beyond them.
 */
/// Means, sds and correlation of (a, b), and the sd of f at x = 1 and x = 4.
struct WeightSummary {
  let meanA, meanB, sdA, sdB, correlation, sdF1, sdF4: Double
  /// The summary of weighted points (equal weights for draws).
  init(_ points: [(a: Double, b: Double, weight: Double)]) {
    let total = points.reduce(0) { $0 + $1.weight }
    func mean(_ g: (Double, Double) -> Double) -> Double {
      points.reduce(0) { $0 + $1.weight * g($1.a, $1.b) } / total
    }
    let (ma, mb) = (mean { a, _ in a }, mean { _, b in b })
    let (va, vb) = (mean { a, _ in (a - ma) * (a - ma) }, mean { _, b in (b - mb) * (b - mb) })
    func sdF(_ x: Double) -> Double {
      let m = mean { a, b in twoWeightNetwork(x, a, b) }
      return mean { a, b in pow(twoWeightNetwork(x, a, b) - m, 2) }.squareRoot()
    }
    (meanA, meanB, sdA, sdB) = (ma, mb, va.squareRoot(), vb.squareRoot())
    correlation = mean { a, b in (a - ma) * (b - mb) } / (va * vb).squareRoot()
    (sdF1, sdF4) = (sdF(1), sdF(4))
  }
}
//: The grid's nodes in the MAP's half-plane with their masses, draws of the two Gaussians,
//: and HMC's draws, each summarised the same way:
let modeSign: Double = wMAP.a < 0 ? -1 : 1
var exactPoints = [(a: Double, b: Double, weight: Double)]()
for (j, b) in posterior.second.enumerated() {
  for (i, a) in posterior.first.enumerated() where a * modeSign > 0 {
    exactPoints.append((a, b, posterior.mass[j, i]))
  }
}
/// `count` draws of a Gaussian approximation as equally weighted points.
func draws(_ q: MultivariateGaussian, count: Int, using rng: inout Generator) -> [(
  a: Double, b: Double, weight: Double
)] {
  (0..<count).map { _ in
    let w = q.sample(using: &rng)
    return (w[0, 0], w[1, 0], 1)
  }
}
// The modes are exact mirror images, so a draw from the other mode is reflected into this one.
let mirroredChains = chains.map { chain in
  chain.draws.map { $0[0] * modeSign > 0 ? $0 : [-$0[0], -$0[1]] }
}
let hmcPoints = mirroredChains.flatMap { $0 }.map { ($0[0], $0[1], 1.0) }
let summaries: [(String, WeightSummary)] = [
  ("exact (grid, MAP's mode)", WeightSummary(exactPoints)),
  ("mean field", WeightSummary(draws(meanFieldQ, count: gaussianDraws, using: &approximationRng))),
  (
    "Laplace at the MAP",
    WeightSummary(draws(laplace, count: gaussianDraws, using: &approximationRng))
  ),
  ("HMC (draws mirrored into it)", WeightSummary(hmcPoints)),
]
var approximations = ResultTable(
  "posterior",
  columns: ["E a", "E b", "sd a", "sd b", "corr(a, b)", "sd f(1)", "sd f(4)"].map {
    ResultTable.Column($0, digits: 3)
  })
for (label, s) in summaries {
  approximations.add(
    label, numbers: [s.meanA, s.meanB, s.sdA, s.sdB, s.correlation, s.sdF1, s.sdF4])
}
chapter.show(approximations)
//: Each approximation's numbers recorded, and which mode each chain sampled:
// Each summary's numbers under its own key (exact, meanField, laplace, hmc).
for ((_, s), key) in zip(summaries, ["exact", "meanField", "laplace", "hmc"]) {
  chapter.value("\(key).meanA", s.meanA)
  chapter.value("\(key).sdA", s.sdA)
  chapter.value("\(key).sdB", s.sdB)
  chapter.value("\(key).correlation", s.correlation, digits: 2)
  chapter.value("\(key).sdF1", s.sdF1)
  chapter.value("\(key).sdF4", s.sdF4)
}
// Which mode each chain sampled: the share of its draws with a > 0.
let chainShares = chains.map { chain in
  Double(chain.draws.filter { $0[0] > 0 }.count) / Double(chain.draws.count)
}
chapter.value("chainsInPositiveMode", Double(chainShares.filter { $0 == 1 }.count), digits: 1)
chapter.value("chainsInNegativeMode", Double(chainShares.filter { $0 == 0 }.count), digits: 1)
chapter.value("hmcDivergences", Double(chains.reduce(0) { $0 + $1.divergences }), digits: 1)
chapter.value("hmcDrawsPerChain", Double(hmcDraws), digits: 5)
//: HMC's own Monte Carlo error, from the effective sample sizes of its four chains:
// HMC's Monte Carlo error: the effective sample size of each weight over the four chains.
let (exact, meanFieldSummary, laplaceSummary, hmc) = (
  summaries[0].1, summaries[1].1, summaries[2].1, summaries[3].1
)
/// HMC's mean and sd of one coordinate, each as a z-score against the grid's, with
/// standard errors from effective sample sizes (the sd's through the ESS of the squared
/// deviations, which allows for the heavy tails of b).
func zScores(coordinate k: Int, exactMean: Double, exactSD: Double) -> (
  mean: Double, sd: Double, ess: Double
) {
  let values = mirroredChains.map { $0.map { $0[k] } }
  let all = values.flatMap { $0 }
  let mean = SampleSummary.mean(all)
  let squared = values.map { $0.map { ($0 - mean) * ($0 - mean) } }
  let variance = SampleSummary.mean(squared.flatMap { $0 })
  let ess = MCMCDiagnostics.effectiveSampleSize(values)
  let varianceSE =
    SampleSummary.meanAndStandardDeviation(squared.flatMap { $0 }).sd
    / MCMCDiagnostics.effectiveSampleSize(squared).squareRoot()
  let sd = variance.squareRoot()
  return (
    (mean - exactMean) / (sd / ess.squareRoot()), (sd - exactSD) / (varianceSE / (2 * sd)), ess
  )
}
let zA = zScores(coordinate: 0, exactMean: exact.meanA, exactSD: exact.sdA)
let zB = zScores(coordinate: 1, exactMean: exact.meanB, exactSD: exact.sdB)
chapter.value("hmcESSA", zA.ess.rounded(), digits: 5)
chapter.value("hmcESSB", zB.ess.rounded(), digits: 5)
let hmcZ = [zA.mean, zA.sd, zB.mean, zB.sd]
//: What the table shows, checked:
let largestHMCZ = chapter.value("largestHMCZ", hmcZ.map(abs).max()!, digits: 2)
chapter.claim(
  "Mean field is narrower than the posterior along both weights (sd of $a$ {{meanField.sdA}} against {{exact.sdA}}, of $b$ {{meanField.sdB}} against {{exact.sdB}}) and has no correlation where the posterior's is {{exact.correlation}}:",
  meanFieldSummary.sdA < 0.9 * exact.sdA && meanFieldSummary.sdB < 0.9 * exact.sdB
    && abs(meanFieldSummary.correlation) < 0.05 && exact.correlation < -0.2)
chapter.claim(
  "its band of $f$ is too narrow beyond the data (sd {{meanField.sdF4}} at $x = 4$ against {{exact.sdF4}}) and too wide in them ({{meanField.sdF1}} at $x = 1$ against {{exact.sdF1}}):",
  meanFieldSummary.sdF4 < exact.sdF4 && meanFieldSummary.sdF1 > exact.sdF1)
chapter.claim(
  "Laplace is centred on the mode, $a$ = {{laplace.meanA}}, where the posterior's mean in that mode is {{exact.meanA}}; its widths are closer (sd of $a$ {{laplace.sdA}}, correlation {{laplace.correlation}}), but its symmetric tails reach towards $a = 0$, where the posterior is skewed away, and its sd of $f$ at $x = 1$ is {{laplace.sdF1}} against {{exact.sdF1}}.",
  abs(laplaceSummary.meanA - exact.meanA) > 0.05
    && abs(laplaceSummary.sdA - exact.sdA) < abs(meanFieldSummary.sdA - exact.sdA)
    && laplaceSummary.sdF1 > 1.15 * exact.sdF1)
chapter.claim(
  "HMC's draws match the exact moments within their Monte Carlo error (effective sample sizes {{hmcESSA}} and {{hmcESSB}}; no z-score above {{largestHMCZ}} in size),",
  largestHMCZ < 4)
chapter.claim(
  "yet no chain left the mode it first reached: {{chainsInPositiveMode}} chains sampled only $a > 0$ and {{chainsInNegativeMode}} only $a < 0$.",
  chainShares.allSatisfy { $0 == 0 || $0 == 1 })
//: The posterior with the three approximations drawn over it:
// fold: the whole plane
let overviewPanel: Figure = {
  let shown = posterior.coarseDensity(step: max(gridPoints / 80, 1))
  let thinned = chains.flatMap { chain in
    stride(from: 0, to: chain.draws.count, by: 40).map { chain.draws[$0] }
  }
  var whole = Figure(
    title: "Exact posterior and HMC draws (4 chains)", xLabel: "weight a", yLabel: "weight b",
    series: [
      .heatmap(xs: shown.first, ys: shown.second, values: shown.density),
      .points(
        x: thinned.map { $0[0] }, y: thinned.map { $0[1] }, title: "HMC draws (every 40th)",
        color: .grey, size: 0.3),
      .contour(
        xs: shown.first, ys: shown.second, values: shown.density,
        levels: [0.05, 0.5].map { $0 * shown.density.max() }, title: "density contours",
        color: .black),
    ])
  whole.equalAxes = true
  whole.xRange = -4...4
  whole.yRange = -4...4
  whole.legend = .below
  whole.colorBarLabel = "density"
  return whole
}()
//: And the MAP's mode close up, with the region of the exact posterior that holds as much
//: mass as a Gaussian's $\pm 2$ sd ellipse, $1 - e^{-2} = 86\%$:
// fold: the close-up and the figure
orExit("saving the approximations figure") {
  // The MAP's mode on a finer grid of its own, and the density level whose region holds
  // 1 − e⁻² of its mass: what a ±2 sd ellipse of a 2-D Gaussian holds.
  let zoom = GridPosterior(
    first: (exact.meanA - 4 * exact.sdA)...(exact.meanA + 4 * exact.sdA),
    second: (exact.meanB - 6 * exact.sdB)...(exact.meanB + 6 * exact.sdB), points: 121
  ) { a, b in
    logLikelihood(a, b) + weightPrior.logDensity(a) + weightPrior.logDensity(b)
  }
  var (cumulative, level) = (0.0, 0.0)
  for m in zoom.mass.storage.sorted(by: >) where cumulative < 1 - exp(-2.0) {
    cumulative += m
    level = m
  }
  let cellArea = (zoom.first[1] - zoom.first[0]) * (zoom.second[1] - zoom.second[0])
  let (meanFieldEllipse, laplaceEllipse) = (
    meanFieldQ.ellipse(radius: 2), laplace.ellipse(radius: 2)
  )
  let modeDraws = mirroredChains.flatMap { chain in
    stride(from: 0, to: chain.count, by: 40).map { chain[$0] }
  }
  var close = Figure(
    title: "The MAP's mode: regions holding 86 %", xLabel: "weight a", yLabel: "weight b",
    series: [
      .points(
        x: modeDraws.map { $0[0] }, y: modeDraws.map { $0[1] },
        title: "HMC draws (other mode mirrored)", color: .grey, size: 0.3),
      .contour(
        xs: zoom.first, ys: zoom.second, values: zoom.density, levels: [level / cellArea],
        title: "exact posterior", color: .black),
      .line(
        x: meanFieldEllipse.x, y: meanFieldEllipse.y, title: "mean field, ±2 sd",
        color: .vermillion),
      .line(x: laplaceEllipse.x, y: laplaceEllipse.y, title: "Laplace, ±2 sd", color: .blue),
      .points(x: [wMAP.a], y: [wMAP.b], title: "MAP", color: .orange, size: 1.5),
    ])
  close.legend = .below
  try chapter.figures.save(
    FigureGrid(rows: 1, columns: 2, panels: [overviewPanel, close]), name: "approximations",
    caption:
      "Left: HMC's four chains each stay in the mode they first reach. Right, in the MAP's mode: mean field's ellipse is narrower than the exact region and has no tilt; Laplace's is centred on the MAP, tilted, and symmetric where the posterior is skewed.",
    panelWidth: 560, panelHeight: 560)
}
/*:
 Mean field is narrower than the posterior along both weights (sd of $a$ {{meanField.sdA}}
 against {{exact.sdA}}, of $b$ {{meanField.sdB}} against {{exact.sdB}}) and has no
 correlation where the posterior's is {{exact.correlation}}:
 its band of $f$ is too narrow beyond the data (sd {{meanField.sdF4}} at $x = 4$ against {{exact.sdF4}}) and too wide in them ({{meanField.sdF1}} at $x = 1$ against {{exact.sdF1}}):
 a product $q(a)\,q(b)$ cannot say that a steeper slope goes with a lower height, the
 trade-off that keeps every curve through the data. Minimising $\mathrm{KL}(q \,\|\, p)$
 keeps $q$ inside one mode and inside the posterior's narrow directions; chapter 2
 derives why.

 Laplace is centred on the mode, $a$ = {{laplace.meanA}}, where the posterior's mean in that mode is {{exact.meanA}}; its widths are closer (sd of $a$ {{laplace.sdA}}, correlation {{laplace.correlation}}), but its symmetric tails reach towards $a = 0$, where the posterior is skewed away, and its sd of $f$ at $x = 1$ is {{laplace.sdF1}} against {{exact.sdF1}}.
 It sees only the curvature at one point (chapter 8).

 HMC's draws match the exact moments within their Monte Carlo error (effective sample sizes {{hmcESSA}} and {{hmcESSB}}; no z-score above {{largestHMCZ}} in size),
 yet no chain left the mode it first reached: {{chainsInPositiveMode}} chains sampled only $a > 0$ and {{chainsInNegativeMode}} only $a < 0$.
 Within a mode it is exact in the limit, which is why chapter 10 uses it as the
 reference; between modes it is as local as the others. Here that costs nothing, because
 the two modes draw the same curves, but it is the first sign of why no method in this
 course samples every mode of a real network's posterior.

 ## 3. The Bayesian layer and the Monte Carlo predictive

 With thousands of weights no grid is possible. Note 000's `BayesianLinear` layer gives
 each weight an independent Gaussian, stored as a mean $\mu$ and a log-variance
 $s = \log\sigma^2$ (started at $s = -6$), and offers two forward passes: `sample`
 draws $w = \mu + e^{s/2}\varepsilon$ afresh each call, `mean` uses $w = \mu$. The
 predictive is then estimated by $S$ sampled passes:
 $\hat m = \frac1S\sum_s f(x; w_s)$ and $\hat v = \frac1{S-1}\sum_s (f(x; w_s) - \hat m)^2$.
 For a regression network, averaging the outputs as note 000's `BayesianNetwork.predict`
 does gives the predictive mean; for a classifier the outputs are logits, and the
 predictive is the average of the class *probabilities*, not the softmax of the average
 logit (chapter 5 measures the difference far from the data).

 How $q$ should be *fitted* is chapters 2–3. Here we centre it on a point estimate (a
 MAP fit of a 1-50-50-1 tanh network to data with a gap) and fix every $\sigma$ at the
 notes' starting value, to look at the mechanics.
 */
Narration.section("3. The Bayesian layer: sample vs mean forward, Monte Carlo predictive")
let gapData = SyntheticData.regressionWithGap(count: gapCount, noise: gapNoise, using: &rng)

/// A 1-50-50-1 tanh network fitted to `data` by full-batch Adam: the MAP estimate under
/// the N(0, 1) prior, with the noise σ known.
func mapFit(to data: Dataset, using rng: inout Generator) -> (
  network: MLP, history: [EpochRecord]
) {
  let network = MLP(sizes: hiddenSizes, activation: .tanh, using: &rng)
  var optimiser = Adam(parameters: network.parameters, learningRate: 0.01)
  let trainer = MAPEstimation(
    model: network, likelihood: .gaussian(noiseStandardDeviation: gapNoise),
    priorStandardDeviation: 1)
  let history = training("MAP fit", epochs: mapEpochs, reportEvery: 50) { onEpoch in
    try trainer.train(
      on: data, epochs: mapEpochs, batchSize: data.count, optimiser: &optimiser, using: &rng,
      onEpoch: onEpoch)
  }
  return (network, history)
}
let (pointNetwork, mapHistory) = mapFit(to: gapData, using: &rng)
let pointFit = pointNetwork.predict(gapData.inputs, using: &rng)
let trainingRMSE = ((pointFit - gapData.targets.values).map { $0 * $0 }.mean()).squareRoot()
Narration.result("MAP network: final loss per datum", mapHistory.last!.loss)
Narration.result("MAP network: training RMSE", trainingRMSE, unit: "(noise σ = \(gapNoise))")
chapter.value("trainingRMSE", trainingRMSE, digits: 2)
chapter.claim(
  "The MAP network fits the data to a training RMSE of {{trainingRMSE}}, a little below the noise $\\sigma = 0.1$:",
  trainingRMSE < gapNoise && trainingRMSE > 0.5 * gapNoise)

//: The Bayesian copy: each weight's mean at the point estimate, each $\sigma$ at $e^{-3}$ —
//: note 000's starting log-variance of $-6$, which its comment calls "log(0.001)"; it is
//: $\log 0.0025$ ($e^{-6} = 0.0025$ is the variance, and $\sigma = e^{-3} \approx 0.050$).
let bayesianNetwork = MLP.bayesian(centredOn: pointNetwork, standardDeviation: layerSigma)
let deterministicParameters = chapter.result(
  "parameters: deterministic network", Double(pointNetwork.parameterCount), digits: 6,
  as: "deterministicParameters")
let bayesianParameters = chapter.result(
  "parameters: Bayesian network (μ and log σ²)", Double(bayesianNetwork.parameterCount), digits: 6,
  as: "bayesianParameters")
chapter.claim(
  "The Bayesian copy has {{bayesianParameters}} trainable numbers, twice the deterministic network's {{deterministicParameters}}: a mean and a log-variance per weight.",
  bayesianParameters == 2 * deterministicParameters, atAnyBudget: true)

/*:
 The MAP network fits the data to a training RMSE of {{trainingRMSE}}, a little below the
 noise $\sigma = 0.1$: fifty tanh units per layer can follow some of the noise.
 The Bayesian copy has {{bayesianParameters}} trainable numbers, twice the deterministic
 network's {{deterministicParameters}}: a mean and a log-variance per weight.

 Each Bayesian layer also carries the KL divergence from its $q$ to the prior, the term
 that training will need (chapter 2 derives it):
 $\mathrm{KL}(\mathcal N(\mu, \sigma^2)\,\|\,\mathcal N(0, \sigma_p^2)) = \tfrac12\big[\log\sigma_p^2 - \log\sigma^2 + (\sigma^2 + \mu^2)/\sigma_p^2 - 1\big]$
 per weight. Note 000's `kl_divergence` writes the two log terms the other way round.
 For our $q$, with every $\sigma = e^{-3}$ far below $\sigma_p = 1$, that version comes
 out *negative* — impossible for a KL — and a training loop minimising it would be
 rewarded for shrinking $\sigma$ without end.
 */
let layerMeans = bayesianNetwork.layers.compactMap { $0 as? BayesianDense }.flatMap {
  $0.weightMean.value.storage + $0.biasMean.value.storage
}
let layerLogVariances = bayesianNetwork.layers.compactMap { $0 as? BayesianDense }.flatMap {
  $0.weightScale.value.storage + $0.biasScale.value.storage  // log σ² (note 000's parameterisation)
}
let klCorrect = chapter.result(
  "KL(q ‖ prior), correct closed form",
  KLDivergence.toZeroMeanPrior(
    mean: layerMeans, logVariance: layerLogVariances, priorStandardDeviation: 1),
  as: "klCorrect")
let klNote = chapter.result(
  "KL(q ‖ prior) as note 000 writes it",
  Errata.note000KLToPrior(
    mean: layerMeans, logVariance: layerLogVariances, priorStandardDeviation: 1),
  as: "klNote")
chapter.claim(
  "Here the correct closed form gives {{klCorrect}} nats and note 000's version {{klNote}}.",
  klCorrect > 0 && klNote < 0, atAnyBudget: true)

//: The mean forward pass against the Monte Carlo predictive mean, over a range wider than
//: the data:
let curveXs = SyntheticData.linspace(-5, 5, count: plotPoints)  // [points, 1]
let meanForward = bayesianNetwork.predict(curveXs, mode: .mean, using: &rng)
let band = MonteCarloPredictive.outputs(
  of: bayesianNetwork, at: curveXs, samples: predictiveSamples, using: &rng)
let jensenGap = (meanForward - band.mean).map(abs)
let worst = jensenGap.storage.indices.max { jensenGap.storage[$0] < jensenGap.storage[$1] }!
let worstSE = band.standardDeviation.storage[worst] / Double(predictiveSamples).squareRoot()
chapter.result(
  "largest |mean forward − MC mean| over x", jensenGap.storage[worst], as: "jensenGap")
let worstX = chapter.result("  at x", curveXs.storage[worst], digits: 3, as: "jensenGapX")
let worstZ = chapter.result(
  "  in MC standard errors", jensenGap.storage[worst] / worstSE, digits: 3, as: "jensenGapZ")
// The largest of ~60 |z| values is rarely above 3.5 by chance alone; 4 means a real gap.
chapter.claim(
  "The largest gap over $-5 \\le x \\le 5$ is {{jensenGap}}, {{jensenGapZ}} Monte Carlo standard errors: more than sampling noise.",
  worstZ > 4, atAnyBudget: true)
chapter.claim(
  "It lies at $x$ = {{jensenGapX}}, inside the data, not far from them:",
  abs(worstX) >= 1 && abs(worstX) <= 3)

//: How wide the band is in the data, in the gap between them, and beyond them:
/// The mean of the band's sd (of f, without noise) over the inputs `where` selects.
func meanBandSD(_ selected: (Double) -> Bool) -> Double {
  SampleSummary.mean(band.standardDeviation.storage, at: curveXs.storage, where: selected)
}
let bandSDInData = chapter.value("bandSDInData", meanBandSD { abs($0) >= 1 && abs($0) <= 3 })
let bandSDInGap = chapter.value("bandSDInGap", meanBandSD { abs($0) < 1 })
let bandSDBeyond = chapter.value("bandSDBeyond", meanBandSD { abs($0) > 3 })
chapter.claim(
  "This one's is not fitted: every $\\sigma$ is the notes' starting $e^{-3}$, and the band's sd of $f$ averages {{bandSDInData}} in the data, {{bandSDInGap}} in the gap and {{bandSDBeyond}} beyond $|x| > 3$: barely wider beyond the data than in them, narrower in the gap, and wider than the noise even where the data are.",
  bandSDBeyond < 1.2 * bandSDInData && bandSDInGap < bandSDInData && bandSDInData > gapNoise,
  atAnyBudget: true)
// Where the true function leaves the ±2 sd band (with the noise).
let bandTotalSD = band.variance.storage.map { ($0 + gapNoise * gapNoise).squareRoot() }
let truthOutside = curveXs.storage.indices.filter {
  abs(SyntheticData.gapFunction(curveXs.storage[$0]) - band.mean.storage[$0]) > 2 * bandTotalSD[$0]
}
let truthLeavesAt = chapter.value(
  "truthLeavesBandAt", truthOutside.map { abs(curveXs.storage[$0]) }.min() ?? 99, digits: 2)
chapter.claim(
  "The true function stays inside the band in the data and leaves it beyond $|x|$ = {{truthLeavesBandAt}}:",
  !truthOutside.isEmpty && truthLeavesAt > 3)
/*:
 Here the correct closed form gives {{klCorrect}} nats and note 000's version {{klNote}}.

 The `mean` pass is *not* the predictive mean: $f(x; \mathbb E[w]) \ne \mathbb E[f(x; w)]$
 for a network that is non-linear in its weights.
 The largest gap over $-5 \le x \le 5$ is {{jensenGap}}, {{jensenGapZ}} Monte Carlo
 standard errors: more than sampling noise.
 It lies at $x$ = {{jensenGapX}}, inside the data, not far from them: to second order
 the gap is $\tfrac12\sigma^2\operatorname{tr}\nabla_w^2 f(x; \mu)$, the curvature
 of the network in its weights, and nothing ties that curvature to where the data end.

 How many samples are enough? Each $f(x; w_s)$ is an independent draw, so the error of
 $\hat m$ has standard deviation $\operatorname{sd}[f(x)]/\sqrt S$: four times the
 samples for half the error. We measure it against a reference from many samples.
 */
let probeXs = Matrix.column([-4, -2, 0, 2, 4])  // where the estimates are compared
let reference = MonteCarloPredictive.outputs(
  of: bayesianNetwork, at: probeXs, samples: referenceSamples, using: &rng)

//: For $S = 2, 4, 8, \dots$, many independent $S$-sample estimates, and the RMS of their
//: errors against the reference over the probe inputs:
var sampleSizes = [Int]()
var meanErrors = [Double]()
var sdErrors = [Double]()
var normalisedErrors = [Double]()
var s = 2
while s <= convergenceMaxS {
  var squaredMeanError = 0.0
  var squaredSDError = 0.0
  var squaredNormalised = 0.0
  for _ in 0..<convergenceRepeats {
    let estimate = MonteCarloPredictive.outputs(
      of: bayesianNetwork, at: probeXs, samples: s, using: &rng)
    for k in 0..<probeXs.rows {
      let e = estimate.mean.storage[k] - reference.mean.storage[k]
      squaredMeanError += e * e
      squaredSDError += pow(
        estimate.standardDeviation.storage[k] - reference.standardDeviation.storage[k], 2)
      squaredNormalised += e * e * Double(s) / reference.variance.storage[k]
    }
  }
  let n = Double(convergenceRepeats * probeXs.rows)
  sampleSizes.append(s)
  meanErrors.append((squaredMeanError / n).squareRoot())
  sdErrors.append((squaredSDError / n).squareRoot())
  normalisedErrors.append((squaredNormalised / n).squareRoot())
  s *= 2
}
var convergenceTable = ResultTable(
  "S",
  columns: [
    .init("RMSE of mean", digits: 3), .init("RMSE of sd", digits: 3),
    .init("RMSE·√S/sd", digits: 3),
  ])
for k in sampleSizes.indices {
  convergenceTable.add(
    String(sampleSizes[k]), numbers: [meanErrors[k], sdErrors[k], normalisedErrors[k]])
}
chapter.show(convergenceTable)

//: The rate is the least-squares slope of the errors on the log-log plot:
/// The least-squares slope of log(error) against log(S).
func logLogSlope(_ sizes: [Int], _ errors: [Double]) -> Double {
  let lx = sizes.map { log(Double($0)) }
  let ly = errors.map(log)
  let mx = lx.reduce(0, +) / Double(lx.count)
  let my = ly.reduce(0, +) / Double(ly.count)
  let sxy = zip(lx, ly).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
  let sxx = lx.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
  return sxy / sxx
}
let meanSlope = logLogSlope(sampleSizes, meanErrors)
let sdSlope = logLogSlope(sampleSizes, sdErrors)
let averageNormalised = normalisedErrors.reduce(0, +) / Double(normalisedErrors.count)
chapter.result("log-log slope of the mean's error", meanSlope, digits: 3, as: "meanSlope")
chapter.result("log-log slope of the sd's error", sdSlope, digits: 3, as: "sdSlope")
chapter.result(
  "mean of RMSE·√S/sd (theory: 1)", averageNormalised, digits: 3, as: "normalisedError")
chapter.claim(
  "The mean's error falls with slope {{meanSlope}} on the log-log plot, against $-\\tfrac12$ for $1/\\sqrt S$;",
  meanSlope > -0.7 && meanSlope < -0.3, atAnyBudget: true)
chapter.claim(
  "the sd's error with slope {{sdSlope}}, close to it too.", sdSlope > -0.7 && sdSlope < -0.3)
chapter.claim(
  "The mean's error, scaled by $\\sqrt S/\\operatorname{sd}$, averages {{normalisedError}}, against the 1 of the theory.",
  abs(averageNormalised - 1) < 0.2, atAnyBudget: true)
chapter.claim(
  "With samples its error falls like $1/\\sqrt S$ (measured slope {{meanSlope}}).",
  meanSlope > -0.7 && meanSlope < -0.3, atAnyBudget: true)

//: The predictive band with the mean forward pass, and the errors against $S$:
// fold: the Monte Carlo figure
let bandPanel: Figure = {
  let total = band.variance.map { sqrt($0 + gapNoise * gapNoise) }
  var figure = Figure(
    title: "Monte Carlo predictive, S = \(predictiveSamples), σ = e^{-3} per weight",
    xLabel: "input x", yLabel: "output y",
    series: [
      .band(
        x: curveXs.storage, lower: (band.mean - 2 * total).storage,
        upper: (band.mean + 2 * total).storage, title: "MC mean ±2 sd (with noise)", color: .blue),
      .line(x: curveXs.storage, y: band.mean.storage, title: "MC predictive mean", color: .blue),
      .line(
        x: curveXs.storage, y: meanForward.storage, title: "mean forward f(x; μ)",
        color: .vermillion, dashed: true),
      .line(
        x: curveXs.storage, y: curveXs.storage.map(SyntheticData.gapFunction), title: "truth",
        color: .black, width: 1),
      .points(
        x: gapData.inputs.storage, y: gapData.targets.values.storage, title: "data", color: .black,
        size: 0.8),
    ])
  figure.legend = .topLeft  // above the band's left end, which stays below y = 0
  figure.xRange = -5...5
  return figure
}()
//: and the errors against $S$, on log axes:
// fold: the error panel and the figure
let convergencePanel: Figure = {
  // The reference slope, drawn half as high again as the first point so that it does
  // not hide under the measured curve.
  let reference = sampleSizes.map {
    1.5 * meanErrors[0] * (Double(sampleSizes[0]) / Double($0)).squareRoot()
  }
  let allErrors = meanErrors + sdErrors + reference
  var figure = Figure(
    title: "Error of the S-sample estimate", xLabel: "samples S",
    yLabel: "RMSE against the reference",
    series: [
      .line(
        x: sampleSizes.map(Double.init), y: reference, title: "slope of 1/√S (for reference)",
        color: .grey, width: 1.5, dashed: true),
      .line(x: sampleSizes.map(Double.init), y: meanErrors, title: "predictive mean", color: .blue),
      .points(x: sampleSizes.map(Double.init), y: meanErrors, color: .blue, size: 0.9),
      .line(
        x: sampleSizes.map(Double.init), y: sdErrors, title: "predictive sd", color: .vermillion),
      .points(x: sampleSizes.map(Double.init), y: sdErrors, color: .vermillion, size: 0.9),
    ])
  figure.logX = true
  figure.logY = true
  figure.xRange = (Double(sampleSizes.first!) / 1.2)...(Double(sampleSizes.last!) * 1.2)
  figure.yRange = (allErrors.min()! / 1.3)...(allErrors.max()! * 1.3)
  // A labelled tick at every S, and at round errors within the range (a log axis over
  // less than two decades shows too few of its own).
  figure.xTickLabels = sampleSizes.map { (Double($0), String($0)) }
  figure.yTickLabels = [0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1].filter {
    figure.yRange!.contains($0)
  }.map { ($0, Narration.format($0, digits: 1)) }
  figure.legend = .topRight
  return figure
}()
orExit("saving the Monte Carlo figure") {
  try chapter.figures.save(
    FigureGrid(rows: 1, columns: 2, panels: [bandPanel, convergencePanel]), name: "mc-predictive",
    caption:
      "Left: with every $\\sigma$ fixed at $e^{-3}$ the band is barely wider beyond the data than in them (sd of $f$ {{bandSDInData}} in the data, {{bandSDBeyond}} beyond $|x| = 3$), and the truth leaves it beyond $|x|$ = {{truthLeavesBandAt}}. Right: both errors fall like $1/\\sqrt S$ (slopes {{meanSlope}} and {{sdSlope}}).",
    panelWidth: 560, panelHeight: 500)
}
/*:
 The mean's error falls with slope {{meanSlope}} on the log-log plot, against
 $-\tfrac12$ for $1/\sqrt S$; the sd's error with slope {{sdSlope}}, close to it too.
 The mean's error, scaled by $\sqrt S/\operatorname{sd}$, averages {{normalisedError}},
 against the 1 of the theory. A figure with a smooth band
 needs a few hundred passes; a rough uncertainty estimate needs tens.

 ## 4. Deterministic and Bayesian networks side by side
 */
Narration.section("4. Deterministic vs Bayesian network")
let timingRepeats = chapter.budget(100, quick: 10)
/// The mean seconds of one pass of `point` and of `samples` sampled passes of `bayesian`
/// over `inputs`, each timed over several repeats.
func passTimes(
  _ point: MLP, _ bayesian: MLP, at inputs: Matrix, samples: Int, using rng: inout Generator
) -> (single: Double, sampled: Double) {
  let sampledRepeats = max(timingRepeats / 20, 1)
  let single = Stopwatch.time {
    for _ in 0..<timingRepeats { _ = point.predict(inputs, using: &rng) }
  }.seconds
  let sampled = Stopwatch.time {
    for _ in 0..<sampledRepeats {
      _ = MonteCarloPredictive.outputs(of: bayesian, at: inputs, samples: samples, using: &rng)
    }
  }.seconds
  return (single / Double(timingRepeats), sampled / Double(sampledRepeats))
}
let passSeconds = passTimes(pointNetwork, bayesianNetwork, at: curveXs, samples: 100, using: &rng)
chapter.recordTime("one deterministic pass", seconds: passSeconds.single)
chapter.recordTime("100 sampled passes", seconds: passSeconds.sampled)
/// A time in seconds as microseconds, e.g. `"41.2 µs"`.
func microseconds(_ seconds: Double) -> String {
  Narration.format(seconds * 1e6, digits: 3) + " µs"
}

//: What each network stores, how it predicts, and what a prediction costs:
Narration.table(
  ["aspect", "deterministic network", "Bayesian network (mean field)"],
  [
    ["weights", "one value w*", "a Gaussian N(μ, σ²) per weight"],
    [
      "trainable numbers", String(pointNetwork.parameterCount),
      String(bayesianNetwork.parameterCount),
    ],
    ["prediction", "f(x; w*)", "(1/S) Σ_s f(x; w_s), w_s ~ q"],
    ["uncertainty", "none", "sd over the S passes"],
    ["forward passes per prediction", "1", "S (here 100)"],
    [
      "measured time, \(curveXs.rows) inputs", microseconds(passSeconds.single),
      microseconds(passSeconds.sampled),
    ],
  ])
/*:
 The Bayesian network stores two numbers per weight and pays $S$ forward passes per
 prediction; in exchange its prediction comes with an uncertainty. This one's is not
 fitted: every $\sigma$ is the notes' starting $e^{-3}$, and the band's sd of $f$
 averages {{bandSDInData}} in the data, {{bandSDInGap}} in the gap and {{bandSDBeyond}}
 beyond $|x| > 3$: barely wider beyond the data than in them, narrower in the gap, and
 wider than the noise even where the data are. The true function stays inside the band in the data and leaves it beyond $|x|$ = {{truthLeavesBandAt}}:
 a band that does not grow is confidently wrong where the data end. Fitting $q$ so that
 the uncertainty grows there is the subject of chapters 2–3. (The timings are what this machine measured just now; the
 benchmark target `make bench` reports medians.)

 ## Summary
 - A prior on weights is a prior on functions; its scale decides how wild they are.
 - The posterior of even a two-weight network is not Gaussian; its symmetric modes make
   the mean of the weights useless, while the mean of the predictions is what we want.
 - Over the exact two-weight posterior, mean field is narrower along both weights and drops their correlation, Laplace sits on the mode and misses the skew, and HMC matches the exact moments but, like the others, stays in the mode it found.
 - The predictive is an average over weights.
   With samples its error falls like $1/\sqrt S$ (measured slope {{meanSlope}}).
 - The mean forward pass $f(x; \mu)$ is not the predictive mean; here the two differ by up to {{jensenGap}} ({{jensenGapZ}} standard errors), at $x$ = {{jensenGapX}}, inside the data.
 - A mean-field Bayesian layer doubles the parameters ({{deterministicParameters}} become
   {{bayesianParameters}}) and multiplies prediction cost by $S$.

 ## Exercises
 1. Give the output layer of section 1 the prior $\mathcal N(0, \sigma_p^2/H)$ and show that
    $\operatorname{sd} f(0)$ no longer grows with $H$.
 2. Add more data points in section 2. How do the modes and the band change? Does the
    mass split between the modes change?
 3. In section 3, set $\sigma = 0.2$. Where does the band grow, and what happens to the gap
    between the mean forward pass and the predictive mean?
 */
chapter.claim(
  "Over the exact two-weight posterior, mean field is narrower along both weights and drops their correlation, Laplace sits on the mode and misses the skew, and HMC matches the exact moments but, like the others, stays in the mode it found.",
  meanFieldSummary.sdA < exact.sdA && meanFieldSummary.sdB < exact.sdB
    && abs(meanFieldSummary.correlation) < 0.05
    && abs(laplaceSummary.meanA - exact.meanA) > 0.05 && largestHMCZ < 4
    && chainShares.allSatisfy { $0 == 0 || $0 == 1 })
chapter.claim(
  "The mean forward pass $f(x; \\mu)$ is not the predictive mean; here the two differ by up to {{jensenGap}} ({{jensenGapZ}} standard errors), at $x$ = {{jensenGapX}}, inside the data.",
  worstZ > 4 && abs(worstX) >= 1 && abs(worstX) <= 3)
chapter.finish()  // writes results.json; fails the run if a claim does not hold
