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

// MARK: - Package
// The targets by role. The numerics (`BayesianDL`) depend on BLAS/LAPACK alone and carry
// no unsafe flags, so another package can depend on them by version. What is not
// numerics sits beside them: figures, the chapters' support, the page weaver, and the
// `bdl` tool's file reading. Nothing in the numerics imports any of those.
let package = Package(
  name: "BayesianDeepLearning",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "BayesianDL", targets: ["BayesianDL"]),
    .library(name: "BayesianDLPlotting", targets: ["BayesianDLPlotting"]),
    .executable(name: "bdl", targets: ["bdl"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // `swift package generate-documentation`: the API reference of `make site`.
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    // MARK: Numerics
    .systemLibrary(
      name: "CBLAS",
      path: "Sources/CBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
    ),
    // Vectorised kernels in C: each carries its own AVX2 copy beside the portable one,
    // picked at run time, which Swift code could only get from unsafe flags.
    .target(name: "CVectorMath", path: "Sources/CVectorMath"),
    // Linear algebra, randomness, autodiff, layers, distributions, inference, metrics,
    // data and sequence models.
    .target(
      name: "BayesianDL", dependencies: ["CBLAS", "CVectorMath"], path: "Sources/BayesianDL"),
    // MARK: Figures
    // Figures as values, rendered to self-contained gnuplot scripts and PNGs.
    .target(
      name: "BayesianDLPlotting", dependencies: ["BayesianDL"], path: "Sources/BayesianDLPlotting"),
    // MARK: Course
    // The literate-page weaver: source parsing, output attribution, markers. Knows
    // nothing of the numerics.
    .target(name: "Weaving", path: "Sources/Weaving"),
    // What every chapter uses: options, narration, results and claims, progress.
    .target(
      name: "CourseSupport",
      dependencies: [
        "BayesianDL", "BayesianDLPlotting", "Weaving",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Sources/CourseSupport"
    ),
    // `weave`: runs a chapter with weave markers on and writes its page,
    // `Chapters/NN-slug/README.md` (prose, code, and each run's output and figures).
    .executableTarget(
      name: "weave",
      dependencies: [
        "Weaving", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Sources/weave"
    ),
    // MARK: Tools
    // The fast, exact reader of prediction files (numeric CSV) behind `bdl`.
    .target(name: "PredictionFiles", dependencies: ["BayesianDL"], path: "Sources/PredictionFiles"),
    // `bdl`: calibration metrics and temperature scaling for a practitioner's own
    // predictions (see the README).
    .executableTarget(
      name: "bdl",
      dependencies: [
        "BayesianDL", "BayesianDLPlotting", "PredictionFiles",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Sources/bdl"
    ),
    // MARK: Benchmarks
    .executableTarget(
      name: "benchmarks",
      // Weaving: the record's schema and the README's table (BenchmarkTable).
      // CBLAS: the matrix-product benchmark times OpenBLAS beside the course's kernel.
      dependencies: ["BayesianDL", "CBLAS", "PredictionFiles", "Weaving"],
      path: "Benchmarks",
      // The recorded results and the reference scripts with their numbers: data, not code.
      exclude: ["results.json", "reference"]
    ),
    // MARK: Tests
    // One test target per target, folders mirroring the sources'. `make test` builds
    // them in release with testing enabled: the suites run Monte Carlo checks and whole
    // chapters, which take 10–50 times longer unoptimised.
    .target(
      name: "TestSupport", dependencies: ["BayesianDL"], path: "Tests/TestSupport"),
    .testTarget(
      name: "BayesianDLTests", dependencies: ["BayesianDL", "TestSupport"],
      path: "Tests/BayesianDLTests"),
    .testTarget(
      name: "BayesianDLPlottingTests", dependencies: ["BayesianDLPlotting", "TestSupport"],
      path: "Tests/BayesianDLPlottingTests"),
    .testTarget(
      name: "CourseSupportTests", dependencies: ["CourseSupport", "TestSupport"],
      path: "Tests/CourseSupportTests"),
    .testTarget(
      name: "WeavingTests", dependencies: ["Weaving"], path: "Tests/WeavingTests"),
    // `bdl` is a dependency so that `swift test` builds it: the suite runs it.
    .testTarget(
      name: "BDLTests",
      dependencies: ["PredictionFiles", "BayesianDLPlotting", "bdl", "TestSupport"],
      path: "Tests/BDLTests"),
    // The chapters are dependencies so that `swift test` builds them: the suite runs
    // each one end to end and checks what it recorded.
    .testTarget(
      name: "ChapterTests",
      dependencies: ["BayesianDL", "Weaving", "TestSupport"] + chapters.map { .target(name: $0) },
      path: "Tests/ChapterTests"),
  ]
    // MARK: Chapter targets
    + chapters.map { name in
      .executableTarget(
        name: name,
        dependencies: ["BayesianDL", "BayesianDLPlotting", "CourseSupport"],
        path: "Chapters/\(name)",
        // The page and the run's records, written by `make`.
        exclude: ["README.md", "results.json", "timings.json"]
      )
    }
)
