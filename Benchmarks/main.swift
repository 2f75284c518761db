/*
 Benchmarks named in the course's issues, run in release:
 `swift run -c release benchmarks` (or `make bench`). Each reports the median of
 several runs, after one warm-up run.
 */
import BayesianDL
import PredictionFiles
import Foundation

ProcessTuning.apply()
let runs = CommandLine.arguments.contains("--quick") ? 3 : 7
/// `--only NAME` runs the benchmarks whose name contains NAME (for profiling one).
let only: String? = CommandLine.arguments.firstIndex(of: "--only").map {
  CommandLine.arguments[$0 + 1]
}
let clock = ContinuousClock()

/// Runs `body` once to warm up, then `count` times, and returns the median in seconds.
func median(_ count: Int, _ body: () -> Void) -> Double {
  body()
  let times = (0..<count).map { _ -> Double in
    let d = clock.measure(body)
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }.sorted()
  return times[times.count / 2]
}

func benchmark(_ name: String, target: Double, runs count: Int = runs, _ body: () -> Void) {
  if let only, !name.contains(only) { return }
  report(name, median(count, body), target: target)
}

func report(_ name: String, _ seconds: Double, target: Double) {
  let verdict = target.isInfinite ? "(no target)" : seconds <= target ? "ok" : "OVER TARGET"
  let goal = target.isInfinite ? "" : "target ≤ \(target) s   "
  print(
    "\(name.padding(toLength: 62, withPad: " ", startingAt: 0)) median \(String(format: "%7.4f", seconds)) s   \(goal)\(verdict)"
  )
}

// MARK: Bayes by Backprop, note 000's network
// 2-64-64-2 mean-field (log-variance, as note 000), batch 64, Adam, 1000 two-moons
// points, 100 epochs.
var dataRNG = Generator(seed: 1)
let moons = SyntheticData.twoMoons(count: 1000, noise: 0.1, using: &dataRNG)
benchmark("Bayes by Backprop 2-64-64-2, 1000 points, batch 64, 100 epochs", target: 0.5) {
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
benchmark("MC predictive 2-64-64-2, 100 samples × 100×100 grid", target: 0.5) {
  var rng = Generator(seed: 4)
  _ = MonteCarloPredictive.probabilities(of: predictiveModel, at: grid, samples: 100, using: &rng)
}

// MARK: MC dropout predictive
// 100 dropout passes (p = 0.5 on both hidden layers, fresh masks per example) of a
// 2-64-64-2 network over a 100×100 input grid.
var dropoutRNG = Generator(seed: 6)
let dropoutModel = MLP(sizes: [2, 64, 64, 2], dropout: 0.5, using: &dropoutRNG)
benchmark("MC dropout 2-64-64-2, 100 passes × 100×100 grid", target: 0.5) {
  var rng = Generator(seed: 7)
  _ = MonteCarloPredictive.probabilities(of: dropoutModel, at: grid, samples: 100, using: &rng)
}

// MARK: One epoch of Bayes by Backprop, by estimator
// The same 2-64-64-2 network and data, one pass of 16 minibatches: weight sampling (one
// shared sample per minibatch) against local reparameterisation.
for (name, estimator) in [
  ("weight sampling", GradientEstimator.sharedWeights),
  ("local reparameterisation", GradientEstimator.localReparameterisation),
] {
  benchmark("One epoch of Bayes by Backprop, \(name)", target: .infinity) {
    var rng = Generator(seed: 5)
    let model = MLP.bayesian(sizes: [2, 64, 64, 2], using: &rng)
    model.use(estimator)
    var adam = Adam(parameters: model.parameters, learningRate: 1e-3)
    _ = try! BayesByBackprop(model: model, likelihood: .categorical)
      .train(on: moons, epochs: 1, batchSize: 64, optimiser: &adam, using: &rng)
  }
}

// MARK: Chapter 1 end to end
// The release executable without --quick, figures into a temporary directory (gnuplot
// rendering included when it is installed). Three runs: each takes seconds.
let chapterDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
let chapterOne = chapterDirectory.appendingPathComponent("01-bnn-definition")
if FileManager.default.isExecutableFile(atPath: chapterOne.path) {
  let figures = FileManager.default.temporaryDirectory.appendingPathComponent("bench-figures")
  benchmark("Chapter 1 end to end (release, full budget)", target: 5, runs: 3) {
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
    benchmark(bdlNames[0], target: 2, runs: 5) {
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
  benchmark(bdlNames[1], target: 0.05) {
    let report = CalibrationReport(probabilities, labels: labels, bins: 15)
    precondition(report.negativeLogLikelihood.isFinite)
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
benchmark("Laplace last-layer full (65 weights): fit on 200 points + GLM at 200", target: 0.02) {
  let la = try! LaplaceApproximation(
    model: laplaceModel, data: laplaceData, likelihood: .gaussian(noiseStandardDeviation: 0.3),
    subset: .lastLayer, structure: .full)
  precondition(la.regressionPredictive(at: laplaceQueries).total.allSatisfy(\.isFinite))
}

// MARK: Network posterior gradient, what HMC spends its time on
// Chapter 10's two networks: 1-50-1 tanh on 40 points, 2-16-16-2 tanh on 200 points;
// 1000 evaluations of log p(θ | D) and its gradient (reported per evaluation).
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
  let name = "Network posterior gradient \(label), per evaluation"
  if let only, !name.contains(only) { continue }
  let theta = (0..<posterior.dimension).map { _ in posteriorRNG.normal() }
  let seconds = median(runs) {
    for _ in 0..<1000 { precondition(posterior.logDensityAndGradient(theta).value.isFinite) }
  }
  print(
    "\(name.padding(toLength: 62, withPad: " ", startingAt: 0)) median \(String(format: "%7.1f", seconds * 1000)) µs  (no target)"
  )
}
