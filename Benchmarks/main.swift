/*
 Benchmarks named in the course's issues, run in release:
 `swift run -c release benchmarks` (or `make bench`). Each reports the median of
 several runs, after one warm-up run, with the fastest and slowest run.

 `--record FILE` writes the measurements (with the date, the machine and its load) to FILE,
 and `--readme PAGE` then rewrites PAGE's benchmark table from them and from the reference
 scripts' numbers in Benchmarks/reference/ (`make bench` does both). `--table-only` rewrites
 the table from the record already in FILE without measuring. `--export-chapter10 FILE`
 writes chapter 10's regression data and MAP starts for Benchmarks/reference/numpyro_nuts.py.
 */
import BayesianDL
import CBLAS
import PredictionFiles
import Foundation
import Weaving

ProcessTuning.apply()
let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
  arguments.firstIndex(of: name).map { arguments[$0 + 1] }
}
let runs = arguments.contains("--quick") ? 3 : 7
/// `--only NAME` runs the benchmarks whose name contains NAME (for profiling one).
let only = option("--only")
let recorder = Recorder(only: only)
let recordFile = option("--record").map { URL(fileURLWithPath: $0) }
let readme = option("--readme").map { URL(fileURLWithPath: $0) }
let referenceFolder = URL(fileURLWithPath: "Benchmarks/reference")
if arguments.contains("--table-only") {
  guard let recordFile, let readme else {
    print("--table-only needs --record FILE and --readme PAGE")
    exit(1)
  }
  let record = try JSONDecoder().decode(BenchmarkRecord.self, from: Data(contentsOf: recordFile))
  try Recorder.fillTable(readme, from: record, references: referenceFolder)
  exit(0)
}
if let path = option("--export-chapter10") {
  try Chapter10Posterior().export(to: URL(fileURLWithPath: path))
  exit(0)
}

/// Times `body` (a warm-up run, then `count` runs) and records it, in `unit` (`s` or `ms`).
@MainActor func benchmark(
  _ id: String, _ name: String, _ description: String, unit: String = "s",
  target: BenchmarkTarget?, runs count: Int = runs, _ body: () -> Void
) {
  guard recorder.wants(name) else { return }
  let scale = unit == "ms" ? 1e3 : 1
  recorder.record(
    id, name: name, description: description, unit: unit, target: target,
    values: recorder.times(count, body).map { $0 * scale })
}

// MARK: Bayes by Backprop, note 000's network
// 2-64-64-2 mean-field (log-variance, as note 000), batch 64, Adam, 1000 two-moons
// points, 100 epochs.
var dataRNG = Generator(seed: 1)
let moons = SyntheticData.twoMoons(count: 1000, noise: 0.1, using: &dataRNG)
benchmark(
  "bbb-100-epochs", "Bayes by Backprop 2-64-64-2, 1000 points, batch 64, 100 epochs",
  "Bayes by Backprop, 2-64-64-2 mean-field network (log-variance, as note 000), 1000 "
    + "two-moons points, batch 64, Adam, 100 epochs", target: .atMost(0.25)
) {
  var rng = Generator(seed: 2)
  let model = MLP.bayesian(sizes: [2, 64, 64, 2], using: &rng)
  var adam = Adam(parameters: model.parameters, learningRate: 1e-3)
  let trainer = BayesByBackprop(model: model, likelihood: .categorical)
  _ = try! trainer.train(on: moons, epochs: 100, batchSize: 64, optimiser: &adam, using: &rng)
}

// MARK: Monte Carlo predictive
// 100 weight samples of a 2-64-64-2 mean-field network over a 100×100 input grid.
var modelRNG = Generator(seed: 3)
let predictiveModel = MLP.bayesian(sizes: [2, 64, 64, 2], using: &modelRNG)
let grid = SyntheticData.grid(x: -2...3, y: -1.5...2, nx: 100, ny: 100)
benchmark(
  "mc-predictive-grid", "MC predictive 2-64-64-2, 100 samples × 100×100 grid",
  "Monte Carlo predictive of a 2-64-64-2 mean-field network, 100 weight samples over a "
    + "100×100 grid (two cores)", target: .atMost(0.25)
) {
  var rng = Generator(seed: 4)
  _ = MonteCarloPredictive.probabilities(of: predictiveModel, at: grid, samples: 100, using: &rng)
}

// MARK: MC dropout predictive
// 100 dropout passes (p = 0.5 on both hidden layers, fresh masks per example) of a
// 2-64-64-2 network over a 100×100 input grid.
var dropoutRNG = Generator(seed: 6)
let dropoutModel = MLP(sizes: [2, 64, 64, 2], dropout: 0.5, using: &dropoutRNG)
benchmark(
  "mc-dropout-grid", "MC dropout 2-64-64-2, 100 passes × 100×100 grid",
  "MC dropout predictive of a 2-64-64-2 network (p = 0.5), 100 passes over a 100×100 grid "
    + "(two cores)", target: .atMost(0.25)
) {
  var rng = Generator(seed: 7)
  _ = MonteCarloPredictive.probabilities(of: dropoutModel, at: grid, samples: 100, using: &rng)
}

// MARK: One epoch of Bayes by Backprop, by estimator
// The same 2-64-64-2 network and data, one pass of 16 minibatches: weight sampling (one
// shared sample per minibatch) against local reparameterisation.
for (id, name, estimator) in [
  ("bbb-epoch-weight-sampling", "weight sampling", GradientEstimator.sharedWeights),
  (
    "bbb-epoch-local-reparameterisation", "local reparameterisation",
    GradientEstimator.localReparameterisation
  ),
] {
  benchmark(
    id, "One epoch of Bayes by Backprop, \(name)",
    "One epoch of Bayes by Backprop on the same network and data (16 minibatches), \(name)",
    unit: "ms", target: nil
  ) {
    var rng = Generator(seed: 5)
    let model = MLP.bayesian(sizes: [2, 64, 64, 2], using: &rng)
    model.use(estimator)
    var adam = Adam(parameters: model.parameters, learningRate: 1e-3)
    _ = try! BayesByBackprop(model: model, likelihood: .categorical)
      .train(on: moons, epochs: 1, batchSize: 64, optimiser: &adam, using: &rng)
  }
}

// MARK: A UCI network, as chapter 11 trains it thousands of times
// 13-50-1 ReLU network with dropout p = 0.05 on its hidden layer, Gaussian likelihood,
// N(0, 1) prior on every weight, batch 32, Adam, 40 epochs over 364 points (Boston's
// fitting part). The matrices are small, so on a tape the time is the bookkeeping, not the
// arithmetic: MAPEstimation's tape-free step and the tape's, one after the other, give the
// same weights bit for bit.
var uciRNG = Generator(seed: 8)
let uciLike = Dataset(
  inputs: uciRNG.normalMatrix(rows: 364, columns: 13, standardDeviation: 1),
  targets: .values(uciRNG.normalMatrix(rows: 364, columns: 1, standardDeviation: 1)))
for (slug, label, throughTape) in [("", "tape-free step", false), ("-tape", "on a tape", true)] {
  benchmark(
    "uci-map-40-epochs\(slug)",
    "MAP 13-50-1, dropout, 40 epochs: \(label)",
    "MAP training of chapter 11's network (13-50-1 ReLU, dropout 0.05, Gaussian likelihood, "
      + "N(0, 1) prior), 364 points, batch 32, Adam, 40 epochs (480 steps), \(label)",
    unit: "ms", target: nil
  ) {
    var rng = Generator(seed: 9)
    let model = MLP(sizes: [13, 50, 1], activation: .relu, dropout: 0.05, using: &rng)
    var adam = Adam(parameters: model.parameters, learningRate: 1e-2)
    let map = MAPEstimation(
      model: model, likelihood: .gaussian(noiseStandardDeviation: 1), priorStandardDeviation: 1)
    let step =
      throughTape
      ? map.tapeGradientStep(datasetSize: uciLike.count)
      : map.gradientStep(datasetSize: uciLike.count)
    _ = try! TrainingLoop.run(
      on: uciLike, epochs: 40, batchSize: 32, optimiser: &adam, using: &rng, gradientStep: step)
  }
}

// MARK: Chapter 1 end to end
// The release executable without --quick, figures into a temporary directory (gnuplot
// rendering included when it is installed). Three runs: each takes seconds.
let chapterDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
let chapterOne = chapterDirectory.appendingPathComponent("01-bnn-definition")
if FileManager.default.isExecutableFile(atPath: chapterOne.path) {
  let figures = FileManager.default.temporaryDirectory.appendingPathComponent("bench-figures")
  benchmark(
    "chapter-1", "Chapter 1 end to end (release, full budget)",
    "Chapter 1 end to end, full budget, figures rendered", target: .atMost(5), runs: 3
  ) {
    let process = Process()
    process.executableURL = chapterOne
    process.arguments = [
      "--figures", figures.path, "--results", figures.appendingPathComponent("results.json").path,
    ]
    process.standardOutput = FileHandle.nullDevice
    try! process.run()
    process.waitUntilExit()
    precondition(process.terminationStatus == 0, "chapter 1 failed")
  }
} else {
  print("Chapter 1 end to end: build it first (swift build -c release); skipped")
}

// MARK: bdl on a million predictions
// 10⁶ rows × 10 classes: logits z ~ N(0, 3²), probabilities softmax(z) as Swift prints
// doubles (the shortest form that reads back exactly, ~200 MB), labels drawn from
// softmax(z / 2) so that the predictions are over-confident; written once to a temporary
// directory. (a) The release `bdl calibration` process end to end, reading and checking
// both files included; (b) the metrics it computes, on the matrix in memory: one
// `CalibrationReport`, as `bdl` makes.
let bdlNames = [
  "bdl calibration end to end, 10⁶ × 10 probabilities (release)",
  "bdl metrics alone, 10⁶ × 10 in memory",
  "classwise ECE, 10⁶ × 10 in memory",
]
let bdlTool = chapterDirectory.appendingPathComponent("bdl")
if bdlNames.contains(where: { only == nil || $0.contains(only!) }) {
  let (rows, classes) = (1_000_000, 10)
  var bdlRNG = Generator(seed: 9)
  let logits = bdlRNG.normalMatrix(rows: rows, columns: classes, standardDeviation: 3)
  let probabilities = logits.softmaxRows()
  let tempered = (logits / 2).softmaxRows()
  let labels = (0..<rows).map { i in
    bdlRNG.categorical(Array(tempered.storage[(i * classes)..<((i + 1) * classes)]))
  }
  let bdlDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "bench-bdl-\(ProcessInfo.processInfo.processIdentifier)")
  try! FileManager.default.createDirectory(at: bdlDirectory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: bdlDirectory) }
  var csv = [UInt8]()
  csv.reserveCapacity(rows * classes * 21)
  for (k, p) in probabilities.storage.enumerated() {
    csv += p.description.utf8
    csv.append(k % classes == classes - 1 ? UInt8(ascii: "\n") : UInt8(ascii: ","))
  }
  let probabilityFile = bdlDirectory.appendingPathComponent("P.csv")
  let labelFile = bdlDirectory.appendingPathComponent("Y.csv")
  try! Data(csv).write(to: probabilityFile)
  try! Data(labels.map { "\($0)\n" }.joined().utf8).write(to: labelFile)

  if FileManager.default.isExecutableFile(atPath: bdlTool.path) {
    benchmark(
      "bdl-calibration", bdlNames[0],
      "`bdl calibration` end to end, 10⁶ predictions × 10 classes (203 MB of CSV)",
      target: .atMost(0.7), runs: 5
    ) {
      let process = Process()
      process.executableURL = bdlTool
      process.arguments = [
        "calibration", "--probabilities", probabilityFile.path, "--labels", labelFile.path,
        "--json",
      ]
      process.standardOutput = FileHandle.nullDevice
      try! process.run()
      process.waitUntilExit()
      precondition(process.terminationStatus == 0, "bdl calibration failed")
    }
  } else {
    print("bdl end to end: build it first (swift build -c release); skipped")
  }
  benchmark(
    "calibration-metrics", bdlNames[1],
    "Calibration metrics alone (`CalibrationReport`: accuracy, NLL, Brier, equal-width and "
      + "equal-mass reliability), 10⁶ × 10 in memory", unit: "ms", target: .atMost(25),
    runs: 21  // milliseconds each: the median of 21 rides out the shared machine's bursts
  ) {
    let report = CalibrationReport(probabilities, labels: labels, bins: 15)
    precondition(report.negativeLogLikelihood.isFinite)
  }
  // Not one of the metrics the 25 ms target was set for: it bins all 10⁷ probabilities
  // rather than the 10⁶ confidences, so it is timed on its own.
  benchmark(
    "classwise-ece", bdlNames[2],
    "Classwise ECE alone (`ClasswiseReliability`, all 10⁷ probabilities binned), 10⁶ × 10 "
      + "in memory", unit: "ms", target: nil
  ) {
    let classwise = ClasswiseReliability(probabilities, labels: labels, bins: 15)
    precondition(classwise.expectedCalibrationError.isFinite)
  }
}

// MARK: bdl regression on a million predictions
// 10⁶ Gaussian predictions: means ~ N(0, 1), standard deviations exp(0.3·N(0, 1)), targets
// mean + 1.2·std·N(0, 1) (the intervals are too narrow), written once with a header row
// `mean,std,target` as Swift prints doubles (~58 MB). (a) The release `bdl regression`
// process end to end, reading and checking the file included; (b) its scores alone, on
// the columns in memory.
let regressionNames = [
  "bdl regression end to end, 10⁶ Gaussian predictions (release)",
  "bdl regression scores alone, 10⁶ in memory",
]
if regressionNames.contains(where: { only == nil || $0.contains(only!) }) {
  let rows = 1_000_000
  var rng = Generator(seed: 10)
  let mean = (0..<rows).map { _ in rng.normal() }
  let std = (0..<rows).map { _ in exp(0.3 * rng.normal()) }
  let target = (0..<rows).map { mean[$0] + 1.2 * std[$0] * rng.normal() }
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "bench-bdl-regression-\(ProcessInfo.processInfo.processIdentifier)")
  try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  var csv = [UInt8]("mean,std,target\n".utf8)
  csv.reserveCapacity(rows * 60)
  for i in 0..<rows {
    csv += "\(mean[i]),\(std[i]),\(target[i])\n".utf8
  }
  let file = directory.appendingPathComponent("R.csv")
  try! Data(csv).write(to: file)
  if FileManager.default.isExecutableFile(atPath: bdlTool.path) {
    benchmark(
      "bdl-regression", regressionNames[0],
      "`bdl regression` end to end, 10⁶ Gaussian predictions (58 MB of CSV)",
      target: .atMost(1), runs: 5
    ) {
      let process = Process()
      process.executableURL = bdlTool
      process.arguments = ["regression", "--predictions", file.path, "--json"]
      process.standardOutput = FileHandle.nullDevice
      try! process.run()
      process.waitUntilExit()
      precondition(process.terminationStatus == 0, "bdl regression failed")
    }
  } else {
    print("bdl regression end to end: build it first (swift build -c release); skipped")
  }
  benchmark(
    "regression-scores", regressionNames[1],
    "Regression scores alone (`GaussianRegressionScores`), 10⁶ predictions in memory",
    unit: "ms", target: nil
  ) {
    let scores = GaussianRegressionScores(mean: mean, standardDeviation: std, target: target)
    precondition(scores.negativeLogLikelihood.isFinite)
  }
}

// MARK: Laplace, last layer
// Note 002's 1-64-64-1 network (weights as initialised: the cost does not depend on
// them); last-layer full GGN Laplace (65 weights) fitted on 200 points, then the GLM
// predictive at 200 inputs.
var laplaceRNG = Generator(seed: 7)
let laplaceModel = MLP(sizes: [1, 64, 64, 1], using: &laplaceRNG)
let laplaceX = SyntheticData.linspace(-5, 5, count: 200)
let laplaceData = Dataset(
  inputs: laplaceX, targets: .values(laplaceX.map { sin($0) + 0.3 * laplaceRNG.normal() }))
let laplaceQueries = SyntheticData.linspace(-6, 6, count: 200)
benchmark(
  "laplace-last-layer", "Laplace last-layer full (65 weights): fit on 200 points + GLM at 200",
  "Last-layer full Laplace of note 002's 1-64-64-1 network (65 weights): GGN fit on 200 "
    + "points + GLM predictive at 200 inputs", unit: "ms", target: .atMost(20)
) {
  let la = try! LaplaceApproximation(
    model: laplaceModel, data: laplaceData, likelihood: .gaussian(noiseStandardDeviation: 0.3),
    subset: .lastLayer, structure: .full)
  precondition(la.regressionPredictive(at: laplaceQueries).total.allSatisfy(\.isFinite))
}

// MARK: Network posterior gradient, what HMC spends its time on
// Chapter 10's two networks: 1-50-1 tanh on 40 points, 2-16-16-2 tanh on 200 points;
// 1000 evaluations of log p(θ | D) and its gradient a run (reported per evaluation).
var posteriorRNG = Generator(seed: 8)
let gapPosterior = NetworkPosterior(
  sizes: [1, 50, 1], activation: .tanh,
  data: SyntheticData.regressionWithGap(count: 40, noise: 0.2, using: &posteriorRNG),
  likelihood: .gaussian(noiseStandardDeviation: 0.2), priorStandardDeviation: 1)
let moonsPosterior = NetworkPosterior(
  sizes: [2, 16, 16, 2], activation: .tanh,
  data: SyntheticData.twoMoons(count: 200, noise: 0.2, using: &posteriorRNG),
  likelihood: .categorical, priorStandardDeviation: 1)
for (label, posterior) in [
  ("1-50-1, 40 points", gapPosterior), ("2-16-16-2, 200 points", moonsPosterior),
] {
  let name = "Network posterior gradient \(label)"
  if !recorder.wants(name) { continue }
  let theta = (0..<posterior.dimension).map { _ in posteriorRNG.normal() }
  // Chapter 10's network: the matrix path and the fused C kernel (AVX2 where the
  // processor has it; both with the vectorised tanh, eight lanes at a time with AVX-512)
  // timed in alternation, so that both see the same load on this shared machine. The target
  // is the fused path's, which chapter 10 uses.
  var paths = [("matrix path", posterior)]
  if label.hasPrefix("1-50-1") {
    var fast = posterior
    fast.vectorisedTanh = true
    paths.append(("fused", fast))
  }
  var times = paths.map { _ in [Double]() }
  for run in 0...runs {
    for (k, (_, target)) in paths.enumerated() {
      let d = ContinuousClock().measure {
        for _ in 0..<1000 { precondition(target.logDensityAndGradient(theta).value.isFinite) }
      }
      // Run 0 warms up; µs per evaluation.
      if run > 0 { times[k].append(Recorder.seconds(d) * 1e3) }
    }
  }
  for ((path, _), measured) in zip(paths, times) {
    let isFast = path == "fused"
    let slug = label.hasPrefix("1-50-1") ? "1-50-1" : "2-16-16-2"
    recorder.record(
      "posterior-gradient-\(slug)\(isFast ? "" : "-matrix")", name: "\(name), \(path)",
      description: "Log posterior and its gradient (`NetworkPosterior`), one evaluation: "
        + "\(slug) tanh on \(label.hasPrefix("1-50-1") ? 40 : 200) points, "
        + (isFast ? "one fused C pass per layer (as chapter 10)" : "matrix products"),
      unit: "µs", target: isFast ? .atMost(8) : nil, values: measured)
  }
}

// MARK: Matrix products: the course's kernel against OpenBLAS
// The product of a hidden layer in a training step (32 × 50 by 50 × 50), as `Matrix.product`
// computes it (the course's kernel, the bits of OpenBLAS's Haswell kernels) and as OpenBLAS's
// `cblas_dgemm` on one thread computes it, timed in alternation so that both see the same
// load. Two threads multiply at once, as they do when a chapter trains two models side by
// side: OpenBLAS packs both factors into buffers it shares between calls and locks. 1000
// products per thread a run, reported per product.
let productName = "Matrix product 32×50 by 50×50, two threads at once"
if recorder.wants(productName) {
  var productRNG = Generator(seed: 12)
  let left = productRNG.normalMatrix(rows: 32, columns: 50)
  let right = productRNG.normalMatrix(rows: 50, columns: 50)
  let kernels: [(String, String, @Sendable () -> Void)] = [
    (
      "course kernel", "the course's kernel (`Matrix.product`)",
      {
        precondition(Matrix.product(left, right).storage[0].isFinite)
      }
    ),
    (
      "OpenBLAS", "OpenBLAS's `cblas_dgemm` on one thread (Haswell kernels)",
      {
        var out = [Double](repeating: 0, count: 32 * 50)
        cblas_dgemm(
          CblasRowMajor, CblasNoTrans, CblasNoTrans, 32, 50, 50, 1, left.storage, 50,
          right.storage, 50, 1, &out, 50)
        precondition(out[0].isFinite)
      }
    ),
  ]
  var times = kernels.map { _ in [Double]() }
  for run in 0...runs {
    for (k, (_, _, multiply)) in kernels.enumerated() {
      let d = ContinuousClock().measure {
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
          for _ in 0..<1000 { multiply() }
        }
      }
      if run > 0 { times[k].append(Recorder.seconds(d) * 1e3) }  // µs per product
    }
  }
  for ((label, description, _), measured) in zip(kernels, times) {
    recorder.record(
      "matrix-product-\(label == "OpenBLAS" ? "openblas" : "course")",
      name: "\(productName), \(label)",
      description: "A hidden layer's product in a training step, 32 × 50 by 50 × 50, by "
        + "\(description); two threads at once, 1000 products each", unit: "µs", target: nil,
      values: measured)
  }
}

// MARK: NUTS against HMC on chapter 10's regression posterior
// Chapter 10's set-up through the core's API (seed 1, as the chapter's default): 1-50-1
// tanh, 40 points of the regression with a gap, σ = 0.2, N(0, 1) on every weight; MAP
// starts by 3000 full-batch Adam steps (learning rate 10⁻²) from the chapter's first two
// start generators. 2 chains × (500 warm-up + 500 draws), side by side on the two cores;
// HMC with the chapter's T = 1. Efficiency: the smallest effective sample size over the
// predictions f(−2), f(0), f(2), f(4.5), per second of sampling (wall clock, warm-up
// included), and per 1000 gradient evaluations (warm-up included), which does not depend on
// the gradient's speed or the machine's load. Each sampler runs from several chain seeds;
// the median and the spread.
//
// NumPyro's NUTS on the same posterior is the reference: Benchmarks/reference/numpyro_nuts.py
// reads the data and MAP starts this program exports (`--export-chapter10`) and records its
// numbers in numpyro_nuts.json, which the README's table shows beside ours. Both samplers'
// trees run to depth 10 on this posterior: its narrow directions are not along the axes, so
// a diagonal mass cannot undo them. The third sampler caps our NUTS's trees at depth 8 (at
// most 255 leapfrog steps, a trajectory about as long as the HMC's T = 1 at this step size):
// the functions of interest mix before the slowest weight directions turn, so shorter
// trajectories buy more ESS per gradient.
let samplerNames = [
  "NUTS 1-50-1 regression posterior", "HMC 1-50-1 regression posterior",
  "NUTS 1-50-1 regression posterior, tree depth ≤ 8",
]
if samplerNames.contains(where: recorder.wants) {
  let problem = Chapter10Posterior()
  let starts = problem.starts()
  let seeds: [UInt64] = arguments.contains("--quick") ? [11] : [11, 12, 13]
  for name in samplerNames where recorder.wants(name) {
    var rates = [Double]()
    var perGradient = [Double]()
    var details = [String]()
    for seed in seeds {
      var chainRNG = Generator(seed: seed)
      let generators = chainRNG.forks(2)
      var draws = [[[Double]]]()
      var gradients = 0
      var trees = ""
      let time = ContinuousClock().measure {
        if name.hasPrefix("NUTS") {
          var sampler = NoUTurnSampler(warmUp: 500, iterations: 500)
          if name.hasSuffix("≤ 8") { sampler.maxTreeDepth = 8 }
          let chains = try! sampler.sampleChains(
            problem.posterior, from: starts, generators: generators)
          draws = chains.map(\.draws)
          gradients = chains.reduce(0) { $0 + $1.gradientEvaluations }
          let depths = chains.flatMap(\.treeDepths)
          trees = String(
            format: ", ε %.4f, mean tree depth %.2f, %d at the cap, %d divergent",
            chains[0].stepSize, Double(depths.reduce(0, +)) / Double(depths.count),
            chains.reduce(0) { $0 + $1.maxDepthHits }, chains.reduce(0) { $0 + $1.divergences })
        } else {
          let chains = try! HamiltonianMonteCarlo(
            warmUp: 500, iterations: 500, trajectoryLength: 1
          ).sampleChains(problem.posterior, from: starts, generators: generators)
          draws = chains.map(\.draws)
          gradients = chains.reduce(0) { $0 + $1.gradientEvaluations }
        }
      }
      let ess = problem.smallestESS(draws)
      rates.append(ess / Recorder.seconds(time))
      perGradient.append(1000 * ess / Double(gradients))
      details.append(
        String(
          format: "ESS %.0f in %.2f s, %d gradients (%.2f per 1000)", ess, Recorder.seconds(time),
          gradients, 1000 * ess / Double(gradients)) + trees)
    }
    let (slug, what) =
      name.hasPrefix("HMC")
      ? ("hmc", "HMC (T = 1, chapter 10's reference sampler)")
      : name.hasSuffix("≤ 8")
        ? ("nuts-depth-8", "NUTS, trees capped at depth 8")
        : ("nuts", "NUTS (defaults: diagonal mass, acceptance 0.8, depth ≤ 10)")
    let setting =
      "on chapter 10's 1-50-1 regression posterior, 2 chains × (500 + 500) from MAP starts "
      + "on two cores, min ESS over four predictions (\(seeds.count) chain seeds)"
    recorder.record(
      "\(slug)-ess-per-second", name: name, description: "\(what) \(setting), per second",
      unit: "ESS/s", target: slug == "nuts" ? .atLeast(150) : nil, values: rates)
    recorder.record(
      "\(slug)-ess-per-1000-gradients", name: "\(name), per 1000 gradients",
      description: "\(what), the same runs, per "
        + "1000 gradient evaluations (warm-up included; independent of speed and load)",
      unit: "per 1000 gradients", target: nil, values: perGradient)
    for detail in details { print("    \(detail)") }
  }
}

if let recordFile, only == nil {
  try recorder.write(to: recordFile, readme: readme, references: referenceFolder)
  print(
    "recorded in \(recordFile.relativePath)\(readme.map { ", table in \($0.relativePath)" } ?? "")")
}
