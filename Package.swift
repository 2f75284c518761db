// swift-tools-version:6.1
import PackageDescription

// MARK: - Chapters
// One executable per chapter, built from `Chapters/<name>/main.swift`. Add a chapter
// by adding its folder name here; the Makefile and CI read the same list.
let chapters = [
  "01-bnn-definition",
  "02-mean-field-elbo",
  "03-bayes-by-backprop",
  "04-local-reparameterization",
  "05-mc-dropout",
  "06-uncertainty-decomposition",
  "07-calibration",
  "08-laplace",
  "09-bayesian-last-layer",
  "10-hmc-reference",
  "11-uci-benchmark",
  "12-sequence-uncertainty",
]

// The numerical core and the chapters are compiled with optimisation in debug builds
// too: `make test` builds in debug, and its end-to-end chapter runs and Monte Carlo
// checks spend their time in loops that run 10–50 times slower unoptimised.
let optimisedEvenInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

// MARK: - Package
let package = Package(
  name: "BayesianDeepLearning",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "BayesianDL", targets: ["BayesianDL"]),
    .executable(name: "bdl", targets: ["bdl"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    // MARK: Core
    .systemLibrary(
      name: "CBLAS",
      path: "Sources/CBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
    ),
    .target(
      name: "BayesianDL",
      dependencies: [
        "CBLAS",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Sources/BayesianDL",
      swiftSettings: optimisedEvenInDebug
    ),
    // MARK: Tools
    // `bdl`: calibration metrics and temperature scaling for a practitioner's own
    // predictions (see the README).
    .executableTarget(
      name: "bdl",
      dependencies: [
        "BayesianDL",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Sources/bdl",
      swiftSettings: optimisedEvenInDebug
    ),
    // `weave`: runs a chapter with weave markers on and writes its page,
    // `Chapters/NN-slug/README.md` (prose, code, and each run's output and figures).
    .executableTarget(
      name: "weave",
      dependencies: [
        "BayesianDL",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Sources/weave"
    ),
    // MARK: Benchmarks
    .executableTarget(
      name: "benchmarks",
      dependencies: ["BayesianDL"],
      path: "Benchmarks"
    ),
    // MARK: Tests
    // The chapters and `bdl` are dependencies so that `swift test` builds them: the
    // suite runs each one end to end and checks what it prints.
    .testTarget(
      name: "BayesianDLTests",
      dependencies: ["BayesianDL", "bdl"] + chapters.map { .target(name: $0) },
      path: "Tests/BayesianDLTests"
    ),
  ]
    // MARK: Chapter targets
    + chapters.map { name in
      .executableTarget(
        name: name,
        dependencies: ["BayesianDL"],
        path: "Chapters/\(name)",
        exclude: ["README.md"],
        swiftSettings: optimisedEvenInDebug
      )
    }
)
