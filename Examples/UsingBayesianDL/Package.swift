// swift-tools-version:6.1
import PackageDescription

// A package of your own that uses the course's numerical core, by version, as any
// dependency. `.ci/check-consumer` builds and runs it against a tagged copy of this
// repository (the URL and version below are replaced there).
let package = Package(
  name: "UsingBayesianDL",
  platforms: [.macOS(.v13)],
  dependencies: [
    .package(url: "https://github.com/OWNER/bayesian-deep-learning", from: "1.0.0")
  ],
  targets: [
    .executableTarget(
      name: "UsingBayesianDL",
      dependencies: [.product(name: "BayesianDL", package: "bayesian-deep-learning")])
  ]
)
