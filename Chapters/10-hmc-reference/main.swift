/*:
 # 10. Every approximation against an HMC reference

 The notes rank the ways of doing Bayesian inference in a network in a table: Hamiltonian
 Monte Carlo "highest quality, very high cost", SGLD "high", mean-field variational
 inference "medium", MC dropout "medium", ensembles "medium-high". Nothing in the notes
 measures it, and two of their tables disagree with each other (note 000 rates mean field
 "medium" in §2.4 and Bayes by Backprop "high" in §9.2). This chapter measures it.

 On problems small enough for **Hamiltonian Monte Carlo** to converge — checked, not
 assumed — its samples are the posterior predictive up to Monte Carlo error. Every other
 method in the course is then fitted to the *same* data, the *same* network and the
 *same* prior, and scored by how far its predictive is from HMC's: over a grid of inputs
 that reaches far from the data, by its test log-likelihood and calibration, and by what
 it costs.

 Two problems:
 1. regression with a gap — a 1-50-1 tanh network, 40 points in $[-3, -1] \cup [1, 3]$,
    known noise;
 2. two moons — a 2-16-16-2 tanh network, 200 points.

 Mirrors note 000 §2.3–2.4 (and its §9.2 table).
 */
import BayesianDL
import BayesianDLPlotting
import CourseSupport
import Foundation

let chapter = Chapter.start()
var rng = Generator(seed: chapter.seed)

//: ## Configuration
let priorStandardDeviation = 1.0  // N(0, 1) on every weight, for every method
let regressionCount = 40
let regressionNoise = 0.2  // σ, known to every method
let regressionSizes = [1, 50, 1]
let moonsCount = 200
let moonsNoise = 0.2
let moonsSizes = [2, 16, 16, 2]
let activation = Activation.tanh  // smooth, so that leapfrog trajectories stay accurate
let testCount = 1000  // fresh points from the training distribution
let adamSteps = chapter.budget(3000, quick: 400)  // full-batch steps for every trained method
let learningRate = 1e-2
let ensembleSize = 5
let dropoutRate = 0.1
let predictiveSamples = chapter.budget(200, quick: 40)  // S, draws per sampled predictive
let chains = 4  // HMC chains, two at a time on the two cores
let warmUp = chapter.budget(500, quick: 60)  // HMC iterations adapting step size and mass
let iterations = chapter.budget(500, quick: 60)  // HMC iterations kept per chain
let trajectoryLength = 1.0  // HMC integration time per iteration
let keepEvery = chapter.budget(5, quick: 3)  // thinning of the kept HMC iterations
let sgldSteps = chapter.budget(30000, quick: 3000)
let sgldBatchSize = 20
let plotX = SyntheticData.linspace(-6, 6, count: chapter.budget(121, quick: 41))
let gridSide = chapter.budget(50, quick: 20)
/*:
 Every method is fitted by one of a few functions, shared by both problems, and all use
 the same prior. Those that train run Adam on the full batch for the same number of
 steps; first the MAP network (with dropout, it is also MC dropout's network) and the
 mean-field network, trained by Bayes by Backprop with one of three gradient estimators.
 */
/// A network fitted by Adam to the MAP estimate under the N(0, 1) prior, full batch, with
/// dropout when `dropout > 0` (MC dropout trains this way too).
///
/// - Parameters:
///   - sizes: the widths.
///   - likelihood: the observation model.
///   - data: the training set.
///   - dropout: the dropout rate.
///   - generator: the initialisation and dropout masks.
func trainMAP(
  sizes: [Int], likelihood: Likelihood, on data: Dataset, dropout: Double = 0,
  generator: Generator
) -> MLP {
  var own = generator
  let model = MLP(sizes: sizes, activation: activation, dropout: dropout, using: &own)
  var adam = Adam(parameters: model.parameters, learningRate: learningRate)
  orExit("training the \(dropout > 0 ? "dropout" : "MAP") network \(sizes)") {
    try MAPEstimation(
      model: model, likelihood: likelihood, priorStandardDeviation: priorStandardDeviation
    ).train(on: data, epochs: adamSteps, batchSize: data.count, optimiser: &adam, using: &own)
  }
  return model
}

/// A mean-field Gaussian network fitted by Bayes by Backprop (the ELBO with one weight
/// draw per step, drawn as `estimator` says), full batch.
///
/// - Parameters:
///   - sizes: the widths.
///   - likelihood: the observation model.
///   - data: the training set.
///   - estimator: how the draws are shared across the batch.
///   - generator: the initialisation and the draws.
///   - onLastEpoch: called with the last epoch's record (the ELBO's terms).
func trainMeanField(
  sizes: [Int], likelihood: Likelihood, on data: Dataset, estimator: GradientEstimator,
  generator: Generator, onLastEpoch: (EpochRecord) -> Void = { _ in }
) -> MLP {
  var own = generator
  let model = MLP.bayesian(
    sizes: sizes, activation: activation, priorStandardDeviation: priorStandardDeviation,
    parameterisation: .softplus, initialStandardDeviation: softplus(-4.5), using: &own)
  model.use(estimator)
  var adam = Adam(parameters: model.parameters, learningRate: learningRate)
  let records = orExit("training the mean-field network (\(estimator.rawValue))") {
    try BayesByBackprop(model: model, likelihood: likelihood).train(
      on: data, epochs: adamSteps, batchSize: data.count, optimiser: &adam, using: &own)
  }
  onLastEpoch(records.last!)
  return model
}
/*:
 An ensemble is several MAP networks, each from its own initialisation. A Laplace
 approximation is fitted at a MAP network, with the same prior as every other method.
 */
/// A deep ensemble of MAP networks, each from its own initialisation.
///
/// - Parameters:
///   - sizes: the widths.
///   - likelihood: the observation model.
///   - data: the training set.
///   - generator: the parent generator of the members.
func trainEnsemble(sizes: [Int], likelihood: Likelihood, on data: Dataset, generator: Generator)
  -> DeepEnsemble
{
  var own = generator
  return orExit("training the deep ensemble") {
    try DeepEnsemble.trainMAP(
      count: ensembleSize, sizes: sizes, activation: activation, likelihood: likelihood,
      priorStandardDeviation: priorStandardDeviation, on: data, epochs: adamSteps,
      batchSize: data.count, learningRate: learningRate, using: &own)
  }
}

/// A Laplace approximation at `map` with the same prior as every other method (no
/// tuning by marginal likelihood: the reference posterior is the one of this prior).
///
/// - Parameters:
///   - map: the MAP network.
///   - data: its training set.
///   - likelihood: the observation model.
///   - subset: all weights or the last layer.
///   - structure: full, K-FAC or diagonal.
func laplace(
  _ map: MLP, _ data: Dataset, _ likelihood: Likelihood, _ subset: WeightSubset,
  _ structure: HessianStructure
) -> LaplaceApproximation {
  orExit("fitting the \(subset.rawValue) \(structure.rawValue) Laplace approximation") {
    try LaplaceApproximation(
      model: map, data: data, likelihood: likelihood, subset: subset, structure: structure,
      priorPrecision: 1 / (priorStandardDeviation * priorStandardDeviation))
  }
}
/*:
 The two samplers start from MAP networks: HMC runs one chain from each of several, each
 chain with its own generator; SGLD runs one chain from one.
 */
/// HMC chains on the posterior of a dense network, each started from its own MAP
/// estimate (so that warm-up does not have to find the data first).
///
/// - Parameters:
///   - posterior: the log posterior.
///   - starts: one MAP network per chain.
///   - generator: the parent of the chains' generators.
func runHMC(_ posterior: NetworkPosterior, from starts: [MLP], generator: Generator)
  -> [MarkovChain]
{
  var own = generator
  let sampler = HamiltonianMonteCarlo(
    warmUp: warmUp, iterations: iterations, trajectoryLength: trajectoryLength,
    keepEvery: keepEvery)
  let generators = forks(starts.count, of: &own)
  return orExit("sampling the posterior by HMC") {
    try sampler.sampleChains(
      posterior, from: starts.map(NetworkPosterior.parameters(of:)), generators: generators)
  }
}

/// SGLD draws on the posterior of a dense network, from a MAP start.
///
/// - Parameters:
///   - posterior: the log posterior (minibatch gradients).
///   - start: the MAP network.
///   - generator: the minibatches and the injected noise.
func runSGLD(_ posterior: NetworkPosterior, from start: MLP, generator: Generator) -> [[Double]] {
  var own = generator
  let sampler = StochasticGradientLangevin(
    steps: sgldSteps, batchSize: sgldBatchSize, burnIn: sgldSteps / 2,
    keep: predictiveSamples)
  return orExit("sampling the posterior by SGLD") {
    try sampler.sample(posterior, from: NetworkPosterior.parameters(of: start), using: &own)
  }
}

/// `count` generators forked from `rng` one after the other, one per parallel task (a
/// task cannot share the parent).
///
/// - Parameters:
///   - count: how many.
///   - rng: the parent; it advances `count` times.
func forks(_ count: Int, of rng: inout Generator) -> [Generator] {
  (0..<count).map { _ in rng.fork() }
}
/*:
 ## 1. The reference: HMC, and how we know it converged

 HMC treats $U(\theta) = -\log p(\theta \mid D)$ as a potential energy, gives the weights a
 momentum $r \sim \mathcal N(0, M)$ and follows Hamilton's equations for a while with the
 leapfrog integrator, then accepts the end point with probability
 $\min(1, e^{-\Delta H})$. Leapfrog is reversible and preserves volume, so the Metropolis
 step makes the chain exact whatever the step size; the step size only decides how often
 it accepts. Warm-up adapts the step size (dual averaging, to accept 80 %) and a diagonal
 mass matrix (the variances of the weights); then the kept draws are the sample.

 Converged means: several chains from different starts agree. For chosen *predictions*
 (not weights — a network's weights can be permuted and sign-flipped without changing
 the function, so the weight posterior has many equivalent modes no chain needs to
 visit) we report the split-$\hat R$, which is 1 when the chains agree and must be below
 1.01, and the effective sample size.
 */
Narration.section("1. HMC on the regression with a gap, and its diagnostics")
let regressionLikelihood = Likelihood.gaussian(noiseStandardDeviation: regressionNoise)
let regression = SyntheticData.regressionWithGap(
  count: regressionCount, noise: regressionNoise, using: &rng)
let regressionTest = SyntheticData.regressionWithGap(
  count: testCount, noise: regressionNoise, using: &rng)
let regressionPosterior = NetworkPosterior(
  sizes: regressionSizes, activation: activation, data: regression,
  likelihood: regressionLikelihood, priorStandardDeviation: priorStandardDeviation)
let regressionStartGenerators = forks(chains, of: &rng)
let (regressionStarts, regressionStartSeconds) = Stopwatch.time {
  Parallel.map(chains) { k in
    trainMAP(
      sizes: regressionSizes, likelihood: regressionLikelihood, on: regression,
      generator: regressionStartGenerators[k])
  }
}
let regressionChainGenerator = rng.fork()
let (regressionChains, regressionHMCSeconds) = Stopwatch.time {
  runHMC(regressionPosterior, from: regressionStarts, generator: regressionChainGenerator)
}
/*:
 The chains are compared on predictions, not weights: each kept draw becomes a network,
 and its output at a few probe inputs gives one number per probe and draw.
 */
/// A probe's split-R̂ and effective sample size.
typealias ProbeDiagnostics = (rHat: Double, effectiveSize: Double)

/// Chain diagnostics of scalar predictions: for each probe, split-R̂ and the effective
/// sample size over all chains, from each kept draw's prediction at that probe.
///
/// - Parameters:
///   - chains: the HMC chains.
///   - posterior: turns a draw into a network.
///   - probes: inputs `[m, inputs]`.
///   - quantity: the scalar read off a network's outputs at the probes (one per probe).
func diagnostics(
  _ chains: [MarkovChain], _ posterior: NetworkPosterior, probes: Matrix,
  quantity: (Matrix) -> [Double]
) -> [ProbeDiagnostics] {
  var unused = Generator(seed: 0)  // dense networks draw nothing
  // values[chain][draw][probe]
  let values = chains.map { chain in
    chain.draws.map { quantity(posterior.network($0).predict(probes, using: &unused)) }
  }
  return (0..<probes.rows).map { j in
    let perChain = values.map { chain in chain.map { $0[j] } }
    return (
      MCMCDiagnostics.splitRHat(perChain), MCMCDiagnostics.effectiveSampleSize(perChain)
    )
  }
}

/// The outputs of the networks with weights `draws` at `inputs`.
///
/// - Parameters:
///   - draws: weight vectors.
///   - posterior: turns a draw into a network.
///   - inputs: `[n, inputs]`.
func outputs(of draws: [[Double]], _ posterior: NetworkPosterior, at inputs: Matrix) -> [Matrix] {
  var unused = Generator(seed: 0)
  return draws.map { posterior.network($0).predict(inputs, using: &unused) }
}
/*:
 How each chain ran and each probe's diagnostics make two tables; their extremes are
 recorded for the prose.
 */
// fold: the two tables of a run of chains, and the extremes recorded
/// Records the extremes of the probes' diagnostics and of the chains' runs under
/// `problem` (`regression.maxRHat`, …).
///
/// - Parameters:
///   - chains: the HMC chains.
///   - diagnostics: the probes' diagnostics.
///   - problem: the prefix of the recorded values.
///   - chapter: where they are recorded.
func recordExtremes(
  of chains: [MarkovChain], _ diagnostics: [ProbeDiagnostics], as problem: String,
  in chapter: Chapter
) {
  let acceptance = chains.map(\.acceptanceRate)
  let steps = chains.map(\.stepSize)
  let leapfrog = chains.map { Double($0.leapfrogSteps) }
  chapter.value("\(problem).maxRHat", diagnostics.map(\.rHat).max()!, digits: 4)
  chapter.value("\(problem).minESS", diagnostics.map(\.effectiveSize).min()!)
  chapter.value("\(problem).minAcceptance", acceptance.min()!, digits: 2)
  chapter.value("\(problem).maxAcceptance", acceptance.max()!, digits: 2)
  chapter.value("\(problem).minStepSize", steps.min()!, digits: 2)
  chapter.value("\(problem).maxStepSize", steps.max()!, digits: 2)
  chapter.value("\(problem).minLeapfrog", leapfrog.min()!)
  chapter.value("\(problem).maxLeapfrog", leapfrog.max()!)
  chapter.value("\(problem).divergences", Double(chains.reduce(0) { $0 + $1.divergences }))
}

/// How each chain ran: its acceptance rate, adapted step size, leapfrog steps per
/// iteration, divergent transitions and kept draws.
func chainTable(_ chains: [MarkovChain]) -> ResultTable {
  var table = ResultTable(
    "chain",
    columns: [
      .init("acceptance"), .init("step size"), .init("leapfrog steps"), .init("divergent"),
      .init("draws kept"),
    ])
  for (k, c) in chains.enumerated() {
    table.add(
      "\(k + 1)",
      [
        .number(c.acceptanceRate), .number(c.stepSize), .text("\(c.leapfrogSteps)"),
        .text("\(c.divergences)"), .text("\(c.draws.count)"),
      ])
  }
  return table
}

/// Each probe's split-R̂ and effective sample size, under the probe's label.
func probeTable(_ probes: [String], _ diagnostics: [ProbeDiagnostics]) -> ResultTable {
  var table = ResultTable(
    "prediction",
    columns: [.init("split R̂", digits: 4), .init("effective sample size", digits: 4)])
  for (label, d) in zip(probes, diagnostics) {
    table.add(label, numbers: [d.rHat, d.effectiveSize])
  }
  return table
}
/*:
 On the regression the probes are $f$ at two inputs inside the data, one in the gap and
 one beyond the data:
 */
let regressionProbes = [-2.0, 0, 2, 4.5]
let regressionDiagnostics = diagnostics(
  regressionChains, regressionPosterior, probes: Matrix.column(regressionProbes)
) { $0.storage }
recordExtremes(of: regressionChains, regressionDiagnostics, as: "regression", in: chapter)
chapter.show(chainTable(regressionChains))
chapter.show(
  probeTable(
    regressionProbes.map { "f(\(Narration.format($0, digits: 2)))" }, regressionDiagnostics))
Narration.result(
  "largest split R̂ over the regression probes", regressionDiagnostics.map(\.rHat).max()!,
  digits: 4)
Narration.result("HMC wall-clock seconds, regression", regressionHMCSeconds, digits: 3)
chapter.recordTime("regression.hmc", seconds: regressionHMCSeconds)
let regressionEvaluations = chapter.result(
  "HMC gradient evaluations, all chains, regression",
  Double(regressionChains.reduce(0) { $0 + $1.gradientEvaluations }), digits: 4,
  as: "regression.gradientEvaluations")
do {
  let step = regressionChains.map(\.stepSize)
  let leapfrog = regressionChains.map { Double($0.leapfrogSteps) }
  let acceptance = regressionChains.map(\.acceptanceRate)
  chapter.claim(
    "The four chains start from four different MAP networks and agree: every probe's $\\hat R$ is below 1.01 (at most {{regression.maxRHat}}), with at least {{regression.minESS}} effective draws each.",
    regressionDiagnostics.allSatisfy { $0.rHat < 1.01 && $0.effectiveSize > 200 })
  chapter.claim(
    "They accept {{regression.minAcceptance}} to {{regression.maxAcceptance}} of their proposals, with {{regression.divergences}} divergent transitions.",
    acceptance.allSatisfy { $0 > 0.8 && $0 < 0.99 }
      && regressionChains.allSatisfy { $0.divergences == 0 })
  chapter.claim(
    "the leapfrog step must stay near 0.004 ({{regression.minStepSize}} to {{regression.maxStepSize}})",
    step.allSatisfy { abs($0 - 0.004) < 0.001 })
  chapter.claim(
    "a unit of integration time takes about 270 gradient evaluations ({{regression.minLeapfrog}} to {{regression.maxLeapfrog}}): about a million evaluations for the whole run ({{regression.gradientEvaluations}}).",
    leapfrog.allSatisfy { abs($0 - 270) < 30 } && regressionEvaluations > 0.9e6
      && regressionEvaluations < 1.3e6)
}
/*:
 The four chains start from four different MAP networks and agree: every probe's
 $\hat R$ is below 1.01 (at most {{regression.maxRHat}}), with at least {{regression.minESS}}
 effective draws each. They accept {{regression.minAcceptance}} to {{regression.maxAcceptance}}
 of their proposals, with {{regression.divergences}} divergent transitions. The price is in the
 step size. The posterior is narrow along the directions the 40 points pin down and
 wide along the others (the prior's scale), so
 the leapfrog step must stay near 0.004 ({{regression.minStepSize}} to {{regression.maxStepSize}})
 and a unit of integration time takes about 270 gradient evaluations
 ({{regression.minLeapfrog}} to {{regression.maxLeapfrog}}): about a million evaluations for
 the whole run ({{regression.gradientEvaluations}}).
 */
/*:
 ## 2. Regression: every method against HMC

 Each method is fitted to the same 40 points with the same network, prior and noise. Its
 predictive at each $x$ is summarised as a Gaussian with the predictive mean and the total
 variance (spread of $f$ plus $\sigma^2$), and compared with HMC's by the 2-Wasserstein
 distance between the two Gaussians,
 $$W_2 = \sqrt{(\mu - \mu_{\mathrm{HMC}})^2 + (s - s_{\mathrm{HMC}})^2},$$
 in the units of $y$: averaged over 121 inputs on $[-6, 6]$, and over those beyond the
 data ($|x| > 3$), where the methods differ most. The test scores are on 1000 fresh points
 from the training distribution: the mean log-likelihood per point (higher is better) and
 the share inside the central 95 % interval. Costs are wall-clock seconds on the two
 cores: fitting, and predicting at the grid and the test points.
 */
Narration.section("2. Regression: distance to HMC, test scores and cost")

/// One fitted method: its predictive at the grid and at the test inputs, and what they
/// cost.
struct Fit<Predictive> {
  let name: String
  let trainSeconds: Double
  let predictSeconds: Double
  let grid: Predictive
  let test: Predictive
}

/// Fits a method (`train` returns its predictor, drawing from the generator it is
/// given) and predicts at the grid and test inputs, timing both.
///
/// - Parameters:
///   - name: the method.
///   - inputs: the comparison grid and the test inputs.
///   - before: seconds already spent on what the method starts from (its MAP network).
///   - rng: the generator `train` draws from.
///   - train: fits the method and returns how it predicts.
func fit<Predictive>(
  _ name: String, at inputs: (grid: Matrix, test: Matrix), before: Double = 0,
  using rng: inout Generator, _ train: (inout Generator) -> (Matrix) -> Predictive
) -> Fit<Predictive> {
  let (predict, trainSeconds) = Stopwatch.time { train(&rng) }
  let ((atGrid, atTest), predictSeconds) = Stopwatch.time {
    (predict(inputs.grid), predict(inputs.test))
  }
  return Fit(
    name: name, trainSeconds: before + trainSeconds, predictSeconds: predictSeconds,
    grid: atGrid, test: atTest)
}

/// `fit` for a method that draws nothing (a sampled reference, a deterministic network,
/// a Laplace approximation with a closed-form predictive).
func fit<Predictive>(
  _ name: String, at inputs: (grid: Matrix, test: Matrix), before: Double = 0,
  _ train: () -> (Matrix) -> Predictive
) -> Fit<Predictive> {
  var unused = Generator(seed: 0)
  return fit(name, at: inputs, before: before, using: &unused) { _ in train() }
}
/*:
 On the regression a predictive is a Gaussian at each input. Sampled networks (HMC's
 draws, SGLD's, the ensemble's members) give its mean and spread from their outputs;
 networks with stochastic layers from $S$ forward passes; both add the noise.
 */
/// The predictive of sampled outputs $f_s(x)$ with the known noise: mean and spread of
/// the draws, plus $\sigma^2$.
func regressionPredictive(_ draws: [Matrix]) -> RegressionPredictive {
  let noise = Matrix(rows: draws[0].rows, columns: 1, repeating: regressionNoise * regressionNoise)
  return RegressionPredictive(means: draws, variances: draws.map { _ in noise })
}

/// The predictive of a network with stochastic layers (mean-field or dropout): $S$
/// forward passes, plus the noise.
///
/// - Parameters:
///   - model: the network.
///   - rng: forked once, for the passes' draws.
func monteCarloRegression(_ model: MLP, using rng: inout Generator)
  -> (Matrix) -> RegressionPredictive
{
  var own = rng.fork()
  return { inputs in
    let f = MonteCarloPredictive.outputs(
      of: model, at: inputs, samples: predictiveSamples, using: &own)
    return RegressionPredictive(
      mean: f.mean.storage,
      aleatoric: f.mean.storage.map { _ in regressionNoise * regressionNoise },
      epistemic: f.variance.storage)
  }
}

/// The outputs of a deterministic network (or several) at `inputs`.
func predictions(_ networks: [MLP], at inputs: Matrix) -> [Matrix] {
  var unused = Generator(seed: 0)  // dense networks draw nothing
  return networks.map { $0.predict(inputs, using: &unused) }
}
/*:
 First HMC, from its chains' draws, and one MAP network: the Laplace approximations, the
 Bayesian last layer and SGLD start from it, so its training time counts in theirs.
 */
let regressionMAPGenerator = rng.fork()
let (regressionMAP, regressionMAPSeconds) = Stopwatch.time {
  trainMAP(
    sizes: regressionSizes, likelihood: regressionLikelihood, on: regression,
    generator: regressionMAPGenerator)
}
let regressionInputs = (grid: plotX, test: regressionTest.inputs)
var regressionFits: [Fit<RegressionPredictive>] = [
  fit(
    "HMC (reference)", at: regressionInputs, before: regressionStartSeconds + regressionHMCSeconds
  ) {
    let draws = regressionChains.flatMap(\.draws)
    return { regressionPredictive(outputs(of: draws, regressionPosterior, at: $0)) }
  },
  fit("MAP", at: regressionInputs, before: regressionMAPSeconds) {
    { regressionPredictive(predictions([regressionMAP], at: $0)) }
  },
]
/*:
 The three mean-field runs differ in their gradient estimator; the first also
 records the ELBO's two terms at the end of training, beside the MAP network's misfit,
 for the reading below. MC dropout trains the MAP network with dropout and predicts, like
 mean field, by $S$ forward passes.
 */
regressionFits += [
  fit("mean field (Bayes by Backprop)", at: regressionInputs, using: &rng) { generator in
    monteCarloRegression(
      trainMeanField(
        sizes: regressionSizes, likelihood: regressionLikelihood, on: regression,
        estimator: .sharedWeights, generator: generator.fork()
      ) { last in
        // The ELBO's two terms, summed over the data: KL(q‖p) against the expected misfit.
        let n = Double(regressionCount)
        chapter.result(
          "mean field: KL(q ‖ p) at the end of training (nats)", last.regulariser * n,
          as: "regression.meanField.kl")
        chapter.result(
          "mean field: expected negative log-likelihood, summed over the data (nats)",
          last.negativeLogLikelihood * n, as: "regression.meanField.nll")
        let mapFit = regressionPredictive(predictions([regressionMAP], at: regression.inputs))
        chapter.result(
          "MAP network: negative log-likelihood, summed over the data (nats)",
          -mapFit.meanLogLikelihood(of: regression.targets.values.storage) * n,
          as: "regression.map.nll")
      }, using: &generator)
  },
  fit("mean field, local reparameterisation", at: regressionInputs, using: &rng) { generator in
    monteCarloRegression(
      trainMeanField(
        sizes: regressionSizes, likelihood: regressionLikelihood, on: regression,
        estimator: .localReparameterisation, generator: generator.fork()), using: &generator)
  },
  fit("mean field, Flipout", at: regressionInputs, using: &rng) { generator in
    monteCarloRegression(
      trainMeanField(
        sizes: regressionSizes, likelihood: regressionLikelihood, on: regression,
        estimator: .flipout, generator: generator.fork()), using: &generator)
  },
  fit("MC dropout (rate \(dropoutRate))", at: regressionInputs, using: &rng) { generator in
    monteCarloRegression(
      trainMAP(
        sizes: regressionSizes, likelihood: regressionLikelihood, on: regression,
        dropout: dropoutRate, generator: generator.fork()), using: &generator)
  },
]
/*:
 Then the ensemble, the four Laplace approximations at the MAP network, the conjugate
 Bayesian last layer on its last-layer features, and SGLD started from it.
 */
let regressionPrecision = 1 / (priorStandardDeviation * priorStandardDeviation)
regressionFits += [
  fit("deep ensemble of \(ensembleSize)", at: regressionInputs, using: &rng) { generator in
    let ensemble = trainEnsemble(
      sizes: regressionSizes, likelihood: regressionLikelihood, on: regression,
      generator: generator.fork())
    return { regressionPredictive(predictions(ensemble.members, at: $0)) }
  },
  fit("Laplace, diagonal, GLM", at: regressionInputs, before: regressionMAPSeconds) {
    let la = laplace(regressionMAP, regression, regressionLikelihood, .all, .diagonal)
    return { la.regressionPredictive(at: $0) }
  },
  fit("Laplace, K-FAC, GLM", at: regressionInputs, before: regressionMAPSeconds) {
    let la = laplace(regressionMAP, regression, regressionLikelihood, .all, .kronecker)
    return { la.regressionPredictive(at: $0) }
  },
  fit("Laplace, full, GLM", at: regressionInputs, before: regressionMAPSeconds) {
    let la = laplace(regressionMAP, regression, regressionLikelihood, .all, .full)
    return { la.regressionPredictive(at: $0) }
  },
  fit("Laplace, last layer, GLM", at: regressionInputs, before: regressionMAPSeconds) {
    let la = laplace(regressionMAP, regression, regressionLikelihood, .lastLayer, .full)
    return { la.regressionPredictive(at: $0) }
  },
  fit("Bayesian last layer (conjugate)", at: regressionInputs, before: regressionMAPSeconds) {
    let head = orExit("solving the conjugate last layer") {
      try ConjugateLastLayer(
        design: LastLayerDesign.rows(regressionMAP.lastLayerFeatures(at: regression.inputs)),
        targets: regression.targets.values, priorPrecision: regressionPrecision,
        noise: .homoscedastic(variance: regressionNoise * regressionNoise))
    }
    return { head.predictive(at: LastLayerDesign.rows(regressionMAP.lastLayerFeatures(at: $0))) }
  },
  fit("SGLD", at: regressionInputs, before: regressionMAPSeconds, using: &rng) { generator in
    let draws = runSGLD(regressionPosterior, from: regressionMAP, generator: generator.fork())
    return { regressionPredictive(outputs(of: draws, regressionPosterior, at: $0)) }
  },
]
/*:
 Each method is scored against HMC's predictive: $W_2$ over the whole grid and beyond
 the data, the predictive standard deviation at the grid's two ends, and the test
 log-likelihood and coverage. Its scores are recorded under a short name made from the
 start of its name in the table (`regression.map.w2`, …).
 */
let regressionReference = regressionFits[0]
let regressionTargets = regressionTest.targets.values.storage
let beyondData = plotX.storage.indices.filter { abs(plotX.storage[$0]) > 3 }
/// The mean of `values` at the indices `subset` (all when nil).
func average(_ values: [Double], over subset: [Int]? = nil) -> Double {
  SampleSummary.mean(subset.map { $0.map { values[$0] } } ?? values)
}
/// The methods' names in the values: `regression.<key>.w2`, …, in the order of the tables.
let meanFieldNames = [
  "mean field (Bayes by Backprop)", "mean field, local reparameterisation", "mean field, Flipout",
]
// Every method but HMC, by the start of its name in the tables.
let otherNames = [
  "MAP", "mean field (Bayes by Backprop)", "mean field, local reparameterisation",
  "mean field, Flipout", "MC dropout", "deep ensemble", "Laplace, diagonal", "Laplace, K-FAC",
  "Laplace, full", "Laplace, last layer", "Bayesian last layer", "SGLD",
]
let methodKeys = ["hmcReference"] + otherNames.map(ChapterResults.valueName)
precondition(
  zip(methodKeys.dropFirst(), regressionFits.dropFirst()).allSatisfy { key, fit in
    ChapterResults.valueName(fit.name).hasPrefix(key)
  }, "one key per method, in the order of the fits")

// The table prints the log-likelihood to 4 digits and the prose quotes it to 3, so the
// scores are recorded here rather than by the table; the times go to timings.json.
var regressionTable = ResultTable(
  "method",
  columns: [
    .init("W2 to HMC"), .init("W2, |x| > 3"), .init("sd at x = −6"), .init("sd at x = 6"),
    .init("test log-lik.", digits: 4), .init("95 % cover"), .init("fit (s)"),
    .init("predict (s)"),
  ])
for (method, f) in zip(methodKeys, regressionFits) {
  let distance = f.grid.wassersteinDistances(to: regressionReference.grid)
  let scores: KeyValuePairs = [
    "w2": average(distance), "w2Far": average(distance, over: beyondData),
    "sdLeft": f.grid.total.first!.squareRoot(), "sdRight": f.grid.total.last!.squareRoot(),
    "logLik": f.test.meanLogLikelihood(of: regressionTargets),
    "coverage": f.test.coverage(of: regressionTargets, within: 1.959964),
  ]
  for (what, x) in scores { chapter.value("regression.\(method).\(what)", x) }
  chapter.recordTime("regression.\(method).fit", seconds: f.trainSeconds)
  chapter.recordTime("regression.\(method).predict", seconds: f.predictSeconds)
  regressionTable.add(f.name, numbers: scores.map(\.value) + [f.trainSeconds, f.predictSeconds])
}
chapter.show(regressionTable)
//: The reading below, checked on these scores: first the distances and the test scores,
/// A recorded score of the method `name` on `problem` (`regression` or `moons`).
let score = { (problem: String, name: String, what: String) -> Double in
  chapter.number("\(problem).\(ChapterResults.valueName(name)).\(what)")
}
let r = { (name: String, what: String) in score("regression", name, what) }
chapter.claim(
  "Mean field and MC dropout are more than twice as far from HMC as the plain MAP network ({{regression.map.w2}}), and score lower on the test points.",
  (meanFieldNames + ["MC dropout"]).allSatisfy {
    r($0, "w2") > 2 * r("MAP", "w2") && r($0, "logLik") < r("MAP", "logLik")
  })
chapter.claim(
  "The mean-field network ends with a KL of about 180 nats ({{regression.meanField.kl}}) and an expected negative log-likelihood of about 200 nats ({{regression.meanField.nll}}), where the MAP network's negative log-likelihood is {{regression.map.nll}}, below zero.",
  abs(chapter.number("regression.meanField.kl") - 180) < 10
    && abs(chapter.number("regression.meanField.nll") - 200) < 10
    && chapter.number("regression.map.nll") < 0)
chapter.claim(
  "its test log-likelihood ({{regression.mcDropout.logLik}}) is the worst of all.",
  otherNames.allSatisfy { r($0, "logLik") >= r("MC dropout", "logLik") })
let cluster = [
  "MAP", "deep ensemble", "Laplace, diagonal", "Laplace, K-FAC", "Laplace, full",
  "Laplace, last layer", "Bayesian last layer", "SGLD",
]
chapter.value("regression.clusterMinW2", cluster.map { r($0, "w2") }.min()!, digits: 2)
chapter.value("regression.clusterMaxW2", cluster.map { r($0, "w2") }.max()!, digits: 2)
chapter.claim(
  "The Laplace approximations, the last-layer methods, the ensemble, MAP and SGLD sit together, {{regression.clusterMinW2}}–{{regression.clusterMaxW2}} from HMC,",
  cluster.allSatisfy { r($0, "w2") > 0.28 && r($0, "w2") < 0.5 })
chapter.claim(
  "full Laplace (all weights, GLM) is closer than K-FAC, K-FAC closer than the last layer alone or the diagonal.",
  r("Laplace, full", "w2") < r("Laplace, K-FAC", "w2")
    && r("Laplace, K-FAC", "w2") < r("Laplace, last layer", "w2")
    && r("Laplace, K-FAC", "w2") < r("Laplace, diagonal", "w2"))
chapter.claim(
  "SGLD, started from the MAP network, is the closest of all ({{regression.sgld.w2}}), as close as full Laplace ({{regression.laplaceFull.w2}}).",
  abs(r("SGLD", "w2") - r("Laplace, full", "w2")) < 0.03
    && otherNames.allSatisfy { r($0, "w2") >= r("SGLD", "w2") })
//: then the predictive standard deviation at the ends of the grid, and the cost.
chapter.claim(
  "At $x = \\pm 6$ HMC's predictive standard deviation is about 1.2 ({{regression.hmcReference.sdLeft}} and {{regression.hmcReference.sdRight}}).",
  abs(r("HMC (reference)", "sdLeft") - 1.2) < 0.1
    && abs(r("HMC (reference)", "sdRight") - 1.2) < 0.1)
chapter.claim(
  "Full Laplace is the only method wider than that (about 1.6: {{regression.laplaceFull.sdRight}} at $x = 6$);",
  otherNames.allSatisfy { name in
    let wider =
      r(name, "sdLeft") > r("HMC (reference)", "sdLeft")
      && r(name, "sdRight") > r("HMC (reference)", "sdRight")
    let narrower =
      r(name, "sdLeft") < r("HMC (reference)", "sdLeft")
      && r(name, "sdRight") < r("HMC (reference)", "sdRight")
    return name == "Laplace, full" ? wider : narrower
  } && abs(r("Laplace, full", "sdRight") - 1.6) < 0.1)
chapter.claim(
  "K-FAC, the last-layer methods and SGLD reach about half;",
  ["Laplace, K-FAC", "Laplace, last layer", "Bayesian last layer", "SGLD"].allSatisfy {
    r($0, "sdRight") > 0.4 * r("HMC (reference)", "sdRight")
      && r($0, "sdRight") < 0.7 * r("HMC (reference)", "sdRight")
  })
chapter.claim(
  "the ensemble, MAP and dropout stay near the noise level 0.2 (below 0.3).",
  ["deep ensemble", "MAP", "MC dropout"].allSatisfy { r($0, "sdRight") < 0.3 })
chapter.recordTime(
  "regression.slowestOther", seconds: regressionFits.dropFirst().map(\.trainSeconds).max()!)
/*:
 Each method's predictive against HMC's, one panel each:
 */
// fold: the regression panels
orExit("saving the regression panels") {
  let hmcSD = regressionReference.grid.total.map { $0.squareRoot() }
  let x = plotX.storage
  let panels = regressionFits.enumerated().map { k, f in
    let sd = f.grid.total.map { $0.squareRoot() }
    var figure = Figure(
      title: f.name, xLabel: "x", yLabel: "y",
      series: [
        .band(
          x: x, lower: zip(f.grid.mean, sd).map { $0 - 2 * $1 },
          upper: zip(f.grid.mean, sd).map { $0 + 2 * $1 }, title: "±2 sd", color: .blue),
        .line(x: x, y: f.grid.mean, title: "mean", color: .blue),
        .line(
          x: x, y: zip(regressionReference.grid.mean, hmcSD).map { $0 + 2 * $1 },
          title: "HMC ±2 sd", color: .black, width: 1, dashed: true),
        .line(
          x: x, y: zip(regressionReference.grid.mean, hmcSD).map { $0 - 2 * $1 }, color: .black,
          width: 1, dashed: true),
        .points(
          x: regression.inputs.storage, y: regression.targets.values.storage, color: .vermillion,
          size: 0.4),
      ])
    figure.yRange = -6...6
    figure.legend = k == 0 ? .topLeft : .none
    return figure
  }
  try chapter.figures.save(
    FigureGrid(
      title: "Predictive ±2 sd of each method (blue) against HMC's (dashed); data in vermillion",
      rows: 3, columns: 5, panels: panels), name: "regression", panelWidth: 360, panelHeight: 300)
}
/*:
 What the table says, from the largest effect down:

 - **The farthest from HMC.**
   Mean field and MC dropout are more than twice as far from HMC as the plain MAP network ({{regression.map.w2}}),
   and score lower on the test points. All three mean-field estimators optimise the same
   ELBO and land in the same place: a nearly flat function through the middle of the
   data, with bands that neither widen in the gap nor outside. The ELBO's two terms say
   why. The mean-field network ends with a KL of about 180 nats ({{regression.meanField.kl}})
   and an expected negative log-likelihood of about 200 nats ({{regression.meanField.nll}}),
   where the MAP network's negative log-likelihood is {{regression.map.nll}}, below zero.
   Fitting the wiggles would need many weights pinned down narrowly, and under a
   factorised $q$ each one costs KL on its own, so switching units off is cheaper — the
   "over-pruning" of mean-field VI (Trippe & Turner 2017). MC dropout at $p = 0.1$
   underfits the same way;
   its test log-likelihood ({{regression.mcDropout.logLik}}) is the worst of all.
 - **The rest, together.**
   The Laplace approximations, the last-layer methods, the ensemble, MAP and SGLD sit together, {{regression.clusterMinW2}}–{{regression.clusterMaxW2}} from HMC,
   and the order within them follows how much of the posterior's shape each keeps:
   full Laplace (all weights, GLM) is closer than K-FAC, K-FAC closer than the last layer alone or the diagonal.
   SGLD, started from the MAP network, is the closest of all ({{regression.sgld.w2}}), as close as full Laplace ({{regression.laplaceFull.w2}}).
 - **Far from the data the methods part ways, and that is where the distances are
   largest.**
   At $x = \pm 6$ HMC's predictive standard deviation is about 1.2 ({{regression.hmcReference.sdLeft}} and {{regression.hmcReference.sdRight}}).
   Full Laplace is the only method wider than that (about 1.6: {{regression.laplaceFull.sdRight}} at $x = 6$);
   K-FAC, the last-layer methods and SGLD reach about half;
   the ensemble, MAP and dropout stay near the noise level 0.2 (below 0.3).
 - **Cost.** HMC took {{regression.hmc}} on two cores here, and the most expensive other
   method {{regression.slowestOther}}; every Laplace variant costs the MAP network plus
   milliseconds. (Times are from the machine that last ran `make`; the test suite checks
   the ratios.)
 */
/*:
 ## 3. Two moons: every method against HMC

 The same comparison for classification. The distance between two predictives at an
 input is the total variation $\tfrac12\sum_k \lvert p_k - p_k^{\mathrm{HMC}}\rvert$ — the
 largest difference in probability the two give any event — averaged over a grid that
 covers the moons and the empty space around them, and over the grid points more than
 one unit from every training point. Test scores: accuracy, mean log-likelihood and the
 expected calibration error (15 bins) on 1000 fresh points. The Laplace rows use the GLM
 predictive, by Monte Carlo over the linearised network's Gaussian logits.
 */
Narration.section("3. Two moons: HMC, then distance to HMC, test scores and cost")
let moons = SyntheticData.twoMoons(count: moonsCount, noise: moonsNoise, using: &rng)
let moonsTest = SyntheticData.twoMoons(count: testCount, noise: moonsNoise, using: &rng)
let moonsPosterior = NetworkPosterior(
  sizes: moonsSizes, activation: activation, data: moons, likelihood: .categorical,
  priorStandardDeviation: priorStandardDeviation)
let moonsStartGenerators = forks(chains, of: &rng)
let (moonsStarts, moonsStartSeconds) = Stopwatch.time {
  Parallel.map(chains) { k in
    trainMAP(
      sizes: moonsSizes, likelihood: .categorical, on: moons, generator: moonsStartGenerators[k])
  }
}
let moonsChainGenerator = rng.fork()
let (moonsChains, moonsHMCSeconds) = Stopwatch.time {
  runHMC(moonsPosterior, from: moonsStarts, generator: moonsChainGenerator)
}
/*:
 The same diagnostics, on the probability of class 1 at five probes:
 */
let moonsProbes = Matrix([[0.5, 0.25], [-1, 1.5], [2.5, -1.5], [0, -2], [3.5, 2.5]])
let moonsDiagnostics = diagnostics(moonsChains, moonsPosterior, probes: moonsProbes) {
  $0.softmaxRows().column(1).storage
}
recordExtremes(of: moonsChains, moonsDiagnostics, as: "moons", in: chapter)
chapter.show(chainTable(moonsChains))
chapter.show(
  probeTable(
    (0..<moonsProbes.rows).map { j in
      "p(class 1 | (\(Narration.format(moonsProbes[j, 0], digits: 2)), \(Narration.format(moonsProbes[j, 1], digits: 2))))"
    }, moonsDiagnostics))
chapter.recordTime("moons.hmc", seconds: moonsHMCSeconds)
chapter.claim(
  "The moons chains agree too: every probe's $\\hat R$ is below 1.01 (at most {{moons.maxRHat}}).",
  moonsDiagnostics.allSatisfy { $0.rHat < 1.01 })
Narration.result(
  "largest split R̂ over the moons probes", moonsDiagnostics.map(\.rHat).max()!, digits: 4)
Narration.result("HMC wall-clock seconds, moons", moonsHMCSeconds, digits: 3)
/*:
 A predictive is now the class probabilities at each input, compared over a grid around
 the moons. Sampled networks average their softmaxes; networks with stochastic layers
 and the Laplace approximations' GLM predictive average $S$ Monte Carlo softmaxes.
 */
let moonsXs = SyntheticData.linspace(-3, 4, count: gridSide).storage
let moonsYs = SyntheticData.linspace(-2.5, 3, count: gridSide).storage
let moonsGrid = SyntheticData.grid(x: -3...4, y: -2.5...3, nx: gridSide, ny: gridSide)
/// The class probabilities of a network with stochastic layers: the mean of $S$ softmaxes.
///
/// - Parameters:
///   - model: the network.
///   - rng: forked once, for the passes' draws.
func monteCarloProbabilities(_ model: MLP, using rng: inout Generator) -> (Matrix) -> Matrix {
  var own = rng.fork()
  return { inputs in
    MonteCarloPredictive.probabilities(
      of: model, at: inputs, samples: predictiveSamples, using: &own
    ).mean
  }
}
/// The mean of the softmaxes of several outputs.
func meanSoftmax(_ outputs: [Matrix]) -> Matrix {
  outputs.map { $0.softmaxRows() }.dropFirst().reduce(outputs[0].softmaxRows(), +)
    / Double(outputs.count)
}
/// The GLM predictive of a Laplace approximation, by Monte Carlo over its logits.
///
/// - Parameters:
///   - la: the Laplace approximation.
///   - rng: forked once, for the logits' draws.
func laplaceProbabilities(_ la: LaplaceApproximation, using rng: inout Generator)
  -> (Matrix) -> Matrix
{
  var own = rng.fork()
  return { la.glmSampledProbabilities(at: $0, samples: predictiveSamples, using: &own) }
}
/*:
 The same methods in the same order, the MAP network trained once for those that start
 from it: first HMC, MAP, the three mean-field runs and MC dropout,
 */
let moonsMAPGenerator = rng.fork()
let (moonsMAP, moonsMAPSeconds) = Stopwatch.time {
  trainMAP(sizes: moonsSizes, likelihood: .categorical, on: moons, generator: moonsMAPGenerator)
}
let moonsInputs = (grid: moonsGrid, test: moonsTest.inputs)
var moonsFits: [Fit<Matrix>] = [
  fit("HMC (reference)", at: moonsInputs, before: moonsStartSeconds + moonsHMCSeconds) {
    let draws = moonsChains.flatMap(\.draws)
    return { meanSoftmax(outputs(of: draws, moonsPosterior, at: $0)) }
  },
  fit("MAP", at: moonsInputs, before: moonsMAPSeconds) {
    { meanSoftmax(predictions([moonsMAP], at: $0)) }
  },
  fit("mean field (Bayes by Backprop)", at: moonsInputs, using: &rng) { generator in
    monteCarloProbabilities(
      trainMeanField(
        sizes: moonsSizes, likelihood: .categorical, on: moons, estimator: .sharedWeights,
        generator: generator.fork()), using: &generator)
  },
  fit("mean field, local reparameterisation", at: moonsInputs, using: &rng) { generator in
    monteCarloProbabilities(
      trainMeanField(
        sizes: moonsSizes, likelihood: .categorical, on: moons,
        estimator: .localReparameterisation, generator: generator.fork()), using: &generator)
  },
  fit("mean field, Flipout", at: moonsInputs, using: &rng) { generator in
    monteCarloProbabilities(
      trainMeanField(
        sizes: moonsSizes, likelihood: .categorical, on: moons, estimator: .flipout,
        generator: generator.fork()), using: &generator)
  },
  fit("MC dropout (rate \(dropoutRate))", at: moonsInputs, using: &rng) { generator in
    monteCarloProbabilities(
      trainMAP(
        sizes: moonsSizes, likelihood: .categorical, on: moons, dropout: dropoutRate,
        generator: generator.fork()), using: &generator)
  },
]
/*:
 then the ensemble, the four Laplace approximations and SGLD. For classes the Bayesian
 last layer is variational: a Bayesian dense layer trained by Bayes by Backprop on the
 MAP network's last-layer features.
 */
moonsFits += [
  fit("deep ensemble of \(ensembleSize)", at: moonsInputs, using: &rng) { generator in
    let ensemble = trainEnsemble(
      sizes: moonsSizes, likelihood: .categorical, on: moons, generator: generator.fork())
    return { ensemble.probabilities(at: $0).mean }
  },
  fit("Laplace, diagonal, GLM", at: moonsInputs, before: moonsMAPSeconds, using: &rng) {
    generator in
    let la = laplace(moonsMAP, moons, .categorical, .all, .diagonal)
    return laplaceProbabilities(la, using: &generator)
  },
  fit("Laplace, K-FAC, GLM", at: moonsInputs, before: moonsMAPSeconds, using: &rng) { generator in
    let la = laplace(moonsMAP, moons, .categorical, .all, .kronecker)
    return laplaceProbabilities(la, using: &generator)
  },
  fit("Laplace, full, GLM", at: moonsInputs, before: moonsMAPSeconds, using: &rng) { generator in
    let la = laplace(moonsMAP, moons, .categorical, .all, .full)
    return laplaceProbabilities(la, using: &generator)
  },
  fit("Laplace, last layer, GLM", at: moonsInputs, before: moonsMAPSeconds, using: &rng) {
    generator in
    let la = laplace(moonsMAP, moons, .categorical, .lastLayer, .full)
    return laplaceProbabilities(la, using: &generator)
  },
  fit(
    "Bayesian last layer (variational)", at: moonsInputs, before: moonsMAPSeconds, using: &rng
  ) { generator in
    var own = generator.fork()
    let width = moonsSizes[moonsSizes.count - 2]
    let head = MLP(
      layers: [
        BayesianDense(
          inputs: width, outputs: moonsSizes.last!, priorStandardDeviation: priorStandardDeviation,
          gain: 0.01 * Double(width).squareRoot(), name: "last", using: &own)
      ], activation: .identity)
    let features = Dataset(
      inputs: moonsMAP.lastLayerFeatures(at: moons.inputs), targets: moons.targets)
    var adam = Adam(parameters: head.parameters, learningRate: learningRate)
    orExit("training the variational last layer") {
      try BayesByBackprop(model: head, likelihood: .categorical).train(
        on: features, epochs: adamSteps, batchSize: moons.count, optimiser: &adam, using: &own)
    }
    let predict = monteCarloProbabilities(head, using: &generator)
    return { predict(moonsMAP.lastLayerFeatures(at: $0)) }
  },
  fit("SGLD", at: moonsInputs, before: moonsMAPSeconds, using: &rng) { generator in
    let draws = runSGLD(moonsPosterior, from: moonsMAP, generator: generator.fork())
    return { meanSoftmax(outputs(of: draws, moonsPosterior, at: $0)) }
  },
]
/*:
 The scores: total variation to HMC over the grid and far from the data, and accuracy,
 log-likelihood and ECE on the test points.
 */
let moonsReference = moonsFits[0]
let moonsLabels = moonsTest.targets.labels
// Grid points more than one unit from every training point.
let farFromMoons = (0..<moonsGrid.rows).filter { i in
  (0..<moons.count).allSatisfy { n in
    let (dx, dy) = (moonsGrid[i, 0] - moons.inputs[n, 0], moonsGrid[i, 1] - moons.inputs[n, 1])
    return dx * dx + dy * dy > 1
  }
}
// Printed and recorded to different digits (log-likelihood, ECE), as on the regression.
var moonsTable = ResultTable(
  "method",
  columns: [
    .init("TV to HMC"), .init("TV, far"), .init("accuracy"), .init("test log-lik.", digits: 4),
    .init("ECE"), .init("fit (s)"), .init("predict (s)"),
  ])
for (method, f) in zip(methodKeys, moonsFits) {
  let distance = ClassificationMetrics.totalVariationDistances(f.grid, moonsReference.grid)
  let scores: KeyValuePairs = [
    "tv": average(distance), "tvFar": average(distance, over: farFromMoons),
    "accuracy": ClassificationMetrics.accuracy(f.test, labels: moonsLabels),
    "logLik": -ClassificationMetrics.negativeLogLikelihood(f.test, labels: moonsLabels),
    "ece": ClassificationMetrics.expectedCalibrationError(f.test, labels: moonsLabels),
  ]
  for (what, x) in scores {
    chapter.value("moons.\(method).\(what)", x, digits: what == "ece" ? 2 : 3)
  }
  chapter.recordTime("moons.\(method).fit", seconds: f.trainSeconds)
  chapter.recordTime("moons.\(method).predict", seconds: f.predictSeconds)
  moonsTable.add(f.name, numbers: scores.map(\.value) + [f.trainSeconds, f.predictSeconds])
}
chapter.show(moonsTable)
Narration.result(
  "grid points more than one unit from the data", Double(farFromMoons.count), digits: 5)
chapter.value("moons.methods", Double(moonsFits.count), digits: 2)
//: The reading below, checked on these scores:
let m = { (name: String, what: String) in score("moons", name, what) }
let meanFieldTV = meanFieldNames.map { m($0, "tv") }
chapter.value("moons.meanFieldSpread", meanFieldTV.max()! / meanFieldTV.min()!, digits: 2)
chapter.claim(
  "Two of them settle on an almost straight, under-confident boundary (accuracy {{moons.meanFieldBayesByBackprop.accuracy}} and {{moons.meanFieldLocalReparameterisation.accuracy}});",
  meanFieldNames.prefix(2).allSatisfy { m($0, "accuracy") > 0.86 && m($0, "accuracy") < 0.93 })
chapter.claim(
  "the Flipout run finds the curved one (accuracy {{moons.meanFieldFlipout.accuracy}}) and is the closest of all methods to HMC.",
  m("mean field, Flipout", "accuracy") > 0.95
    && otherNames.allSatisfy { m($0, "tv") >= m("mean field, Flipout", "tv") })
chapter.claim(
  "the distance to HMC varies more than threefold with it ({{moons.meanFieldSpread}}-fold).",
  meanFieldTV.max()! / meanFieldTV.min()! > 3)
chapter.claim(
  "Full and K-FAC Laplace are again the closest Laplace variants, followed by the ensemble and the diagonal Laplace.",
  m("Laplace, full", "tv") < m("Laplace, K-FAC", "tv")
    && m("Laplace, K-FAC", "tv") < m("deep ensemble", "tv")
    && m("Laplace, K-FAC", "tv") < m("Laplace, diagonal", "tv")
    && m("deep ensemble", "tv") < m("Laplace, last layer", "tv"))
chapter.claim(
  "The diagonal Laplace is the odd one out: closest to HMC *far* from the data, where it is uncertain, but under-confident on the test points (the largest ECE, about 0.17: {{moons.laplaceDiagonal.ece}}),",
  otherNames.allSatisfy {
    m($0, "tvFar") >= m("Laplace, diagonal", "tvFar")
      && m($0, "ece") <= m("Laplace, diagonal", "ece")
  } && abs(m("Laplace, diagonal", "ece") - 0.17) < 0.01)
/*:
 Each method's confidence over the plane:
 */
// fold: the moons panels
orExit("saving the moons panels") {
  let panels = moonsFits.map { f in
    var figure = Figure.planeMap(
      title: f.name, xs: moonsXs, ys: moonsYs, values: f.grid.max(over: .columns).storage,
      colorBarLabel: "confidence", data: moons)
    figure.colorRange = 0.5...1
    return figure
  }
  try chapter.figures.save(
    FigureGrid(
      title: "Confidence max_k p_k of each method's predictive; HMC's is the reference",
      rows: 3, columns: 5, panels: panels), name: "moons", panelWidth: 360, panelHeight: 300)
}
/*:
 The moons chains agree too: every probe's $\hat R$ is below 1.01 (at most {{moons.maxRHat}}).
 On two moons the spread is smaller (the data pin the boundary down, and every method
 agrees near it) and one thing is new: **mean field's result depends on the run.** The
 three estimators optimise the same objective from the same initialisation. Two of them
 settle on an almost straight, under-confident boundary (accuracy {{moons.meanFieldBayesByBackprop.accuracy}}
 and {{moons.meanFieldLocalReparameterisation.accuracy}});
 the Flipout run finds the curved one (accuracy {{moons.meanFieldFlipout.accuracy}}) and is the
 closest of all methods to HMC. Which optimum the noisy ELBO gradients reach is luck here, and
 the distance to HMC varies more than threefold with it ({{moons.meanFieldSpread}}-fold).
 Full and K-FAC Laplace are again the closest Laplace variants, followed by the ensemble and the diagonal Laplace.
 The diagonal Laplace is the odd one out: closest to HMC *far* from the data, where it is
 uncertain, but under-confident on the test points (the largest ECE, about 0.17: {{moons.laplaceDiagonal.ece}}),
 because a diagonal posterior over correlated weights spreads the logits everywhere.
 */
/*:
 ## 4. The measured table, against the notes'

 One picture of both tables: each method's distance to HMC, on both problems (MF: mean
 field; LA: Laplace, GLM; BLL: Bayesian last layer).
 */
// fold: the summary figure
Narration.section("4. Distance to HMC, both problems")
orExit("saving the summary") {
  // Short names for the axis, in the order of the tables.
  let names = [
    "MAP", "MF", "MF LRT", "MF Flipout", "dropout", "ensemble", "LA diag", "LA K-FAC",
    "LA full", "LA last", "BLL", "SGLD",
  ]
  precondition(names.count == regressionFits.count - 1, "one short name per method")
  let regressionDistances = regressionFits.dropFirst().map {
    average($0.grid.wassersteinDistances(to: regressionReference.grid))
  }
  let moonsDistances = moonsFits.dropFirst().map {
    average(ClassificationMetrics.totalVariationDistances($0.grid, moonsReference.grid))
  }
  let positions = names.indices.map(Double.init)
  func panel(_ title: String, _ yLabel: String, _ heights: [Double], _ color: Color) -> Figure {
    var figure = Figure(
      title: title, xLabel: "", yLabel: yLabel,
      series: [.bars(x: positions, heights: heights, width: 0.7, color: color)])
    figure.legend = .none
    figure.xRange = -0.6...(Double(names.count) - 0.4)
    figure.yRange = 0...(heights.max()! * 1.1)
    figure.xTickLabels = zip(positions, names).map { ($0, $1) }
    return figure
  }
  try chapter.figures.save(
    FigureGrid(
      rows: 2, columns: 1,
      panels: [
        panel("Regression: mean W2 to HMC over x in [−6, 6]", "W2", regressionDistances, .blue),
        panel(
          "Two moons: mean total variation to HMC over the grid", "TV", moonsDistances, .vermillion),
      ]), name: "summary", panelWidth: 1100, panelHeight: 380)
}

//: Both tables ranked, for the comparison with the notes:
let regressionOrder = otherNames.sorted { r($0, "w2") < r($1, "w2") }
let moonsOrder = otherNames.sorted { m($0, "tv") < m($1, "tv") }
chapter.value("regression.closest", text: regressionOrder[0])
chapter.value("moons.closest", text: moonsOrder[0])
chapter.claim(
  "full GLM Laplace is second-closest on both,",
  regressionOrder[1] == "Laplace, full" && moonsOrder[1] == "Laplace, full")
chapter.claim(
  "MC dropout is in the bottom half on both at $p = 0.1$;",
  regressionOrder.firstIndex(of: "MC dropout")! >= 6
    && moonsOrder.firstIndex(of: "MC dropout")! >= 6)
chapter.claim(
  "mean field is the farthest on the regression (its three runs and dropout are the four farthest);",
  Set(regressionOrder.suffix(4)) == Set(meanFieldNames + ["MC dropout"]))
chapter.claim(
  "the ensemble is little closer than the MAP network it multiplies by five ({{regression.deepEnsemble.w2}} against {{regression.map.w2}});",
  r("deep ensemble", "w2") < r("MAP", "w2") && r("MAP", "w2") - r("deep ensemble", "w2") < 0.05)
let sgldPlace = moonsOrder.firstIndex(of: "SGLD")!
chapter.value("moons.otherMethods", Double(otherNames.count), digits: 2)
chapter.value("moons.sgldPlace", Double(sgldPlace + 1), digits: 2)
chapter.claim(
  "SGLD is mid-table on the moons ({{moons.sgldPlace}}th of {{moons.otherMethods}}).",
  sgldPlace >= 4 && sgldPlace <= 9)
let closestMeanField = meanFieldNames.map { r($0, "w2") }.min()!
chapter.value(
  "regression.meanFieldOverEnsemble", closestMeanField / r("deep ensemble", "w2"), digits: 2)
let beatenByEnsemble = meanFieldNames.filter { m($0, "tv") > m("deep ensemble", "tv") }
chapter.claim(
  "So do we on the regression, by a factor of about three ({{regression.meanFieldOverEnsemble}}),",
  closestMeanField / r("deep ensemble", "w2") > 2.5
    && closestMeanField / r("deep ensemble", "w2") < 3.5)
chapter.claim(
  "and on the moons against two of the three mean-field runs — the third, lucky one beats the ensemble.",
  beatenByEnsemble.count == 2 && !beatenByEnsemble.contains("mean field, Flipout"))

/*:
 **Against note 000's table.**

 | the notes say | measured here |
 |---|---|
 | HMC: highest quality, very high cost | the reference; many times the cost of every other method (the tests check at least ten times) |
 | SGLD: high quality, high cost | the closest on the regression, mid-table on the moons; a fraction of HMC's cost |
 | mean field: medium (§2.4), "high" for Bayes by Backprop (§9.2) | the farthest on the regression, and erratic on the moons |
 | MC dropout: medium quality, low cost | cheap, but in the bottom half on both |
 | ensembles: medium-high quality, adjustable cost | mid-table on both, little closer than the MAP network |
 | (Laplace is not in the table) | full GLM Laplace is second-closest on both, for milliseconds on top of the MAP |

 In words, measured: full GLM Laplace is second-closest on both,
 MC dropout is in the bottom half on both at $p = 0.1$;
 mean field is the farthest on the regression (its three runs and dropout are the four farthest);
 the ensemble is little closer than the MAP network it multiplies by five ({{regression.deepEnsemble.w2}} against {{regression.map.w2}});
 SGLD is mid-table on the moons ({{moons.sgldPlace}}th of {{moons.otherMethods}}).

 So the notes' place for HMC holds; the rest of their ranking is not borne out on these
 problems. Mean field in particular is not a "medium" method here: with little data
 its KL term wins, and it ends up farther from the posterior than no posterior at all.

 **Against Izmailov et al. (2021)**, who compared with HMC on real networks and data:
 they found deep ensembles closer to HMC's predictive than mean-field VI.
 So do we on the regression, by a factor of about three ({{regression.meanFieldOverEnsemble}}),
 and on the moons against two of the three mean-field runs — the third, lucky one beats the ensemble. They also found the
 HMC predictive hard to match far from the data, as here.

 These are two small problems with one seed; the claims above are checked on this seed's
 run, not a ranking for every network.

 ## Summary
 - HMC, run as four chains from different MAP networks with an adapted step size and
   mass matrix, gives a reference whose chains agree at every probe.
 - Measured against it, full GLM Laplace and SGLD come closest; the ensemble sits with the
   MAP network; mean field and MC dropout are the farthest on the regression, where with
   little data the KL term switches units off.
 - Far from the data every method but full Laplace is narrower than HMC.
 - The notes' ranking holds for HMC and not for the rest on these problems.

 ## Exercises
 1. Run the chapter with `--seed 2` and `--seed 3`: which claims are properties of the
    methods and which of one run (start with mean field on the moons)?
 2. Give mean field a KL weight that grows from 0 to 1 over training (a "warm-up") and see
    whether it still switches units off.
 3. Replace the diagonal Laplace's prior precision by one chosen by the marginal likelihood
    (chapter 8) and see where it moves in both tables.
 */
chapter.finish()  // writes results.json; fails the run if a claim does not hold
