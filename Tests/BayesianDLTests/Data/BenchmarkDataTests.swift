import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// The UCI benchmark data as shipped: sizes, the 20 standard splits, standardisation on
/// the training split only, and the mixture test log-likelihood against a hand computation.
@Suite struct BenchmarkDataTests {
  static let root = Repository.url("Data").path

  @Test(arguments: [("boston", 506, 13, 455, 51), ("concrete", 1030, 8, 927, 103)])
  func theSplitsParseToTheStatedSizesAndAreDisjoint(
    name: String, rows: Int, features: Int, trainSize: Int, testSize: Int
  ) throws {
    let data =
      try name == "boston"
      ? ShippedData.boston(directory: Self.root) : ShippedData.concrete(directory: Self.root)
    #expect(data.count == rows && data.inputs.columns == features)
    let splits = try BenchmarkSplits.read(path: "\(Self.root)/\(name)_splits.txt", rows: rows)
    #expect(splits.count == 20)
    for split in splits {
      // 90/10: the test set is the last tenth (rounded down) of a permutation.
      #expect(split.train.count == trainSize && split.test.count == testSize)
      #expect(Set(split.train).isDisjoint(with: split.test))
      #expect(Set(split.train + split.test) == Set(0..<rows))
    }
    #expect(splits[0].test != splits[1].test, "the splits differ")
  }

  @Test func malformedSplitFilesNameTheLine() {
    let cases: [(String, Int, String)] = [
      ("train 0: 0 1\ntest 0: 2 9\n", 2, "'9' is not a row index"),
      ("train 0: 0 1 1\ntest 0: 2\n", 1, "row 1 appears twice"),
      ("train 0: 0 1\ntest 0: 1 2\n", 2, "train and test share rows"),
      ("# c\ntrain 0: 0 1\n", 2, "needs both a train and a test line"),
      ("train zero: 0\n", 1, "expected 'train K"),
    ]
    for (text, line, reason) in cases {
      do {
        _ = try BenchmarkSplits.parse(text, path: "s.txt", rows: 4)
        Issue.record("accepted: \(text)")
      } catch let error as SplitFileError {
        #expect(error.line == line && error.reason.contains(reason), "\(error)")
      } catch {
        Issue.record("unexpected \(error)")
      }
    }
  }

  @Test func standardisingWithTheTrainingSplitUsesOnlyItsRows() throws {
    let data = try ShippedData.boston(directory: Self.root)
    let split = try BenchmarkSplits.read(path: "\(Self.root)/boston_splits.txt", rows: 506)[0]
    let train = data.subset(split.train)
    let scaler = Standardiser(fitting: train.inputs)
    // By hand, column 0 (crime rate): the mean and sd of the training rows alone.
    let column = train.inputs.column(0).storage
    let mean = SampleSummary.mean(column)
    #expect(abs(scaler.mean[0, 0] - mean) < 1e-12)
    let changedTest = data.subset(split.test).inputs.map { $0 * 1000 }
    #expect(Standardiser(fitting: train.inputs) == scaler, "test rows play no part")
    let z = scaler.transform(changedTest)
    #expect(abs(z[0, 0] - (changedTest[0, 0] - mean) / scaler.standardDeviation[0, 0]) < 1e-9)
  }

  @Test func mixtureLogLikelihoodMatchesAHandComputation() {
    // Two components at y = 1: N(1; 0, 1) = e^{−1/2}/√(2π), N(1; 2, 4) = e^{−1/8}/√(8π).
    let byHand = log(
      0.5 * (exp(-0.5) / (2 * Double.pi).squareRoot() + exp(-0.125) / (8 * Double.pi).squareRoot()))
    let value = GaussianMixtureLikelihood.meanLogDensity(
      means: [[0], [2]], variances: [[1], [4]], targets: [1])
    #expect(abs(value - byHand) < 1e-14)
    // One component is the Gaussian itself; far tails stay finite (log-sum-exp).
    #expect(
      abs(
        GaussianMixtureLikelihood.meanLogDensity(means: [[0]], variances: [[1]], targets: [3])
          - (-0.5 * log(2 * Double.pi) - 4.5)) < 1e-14)
    let far = GaussianMixtureLikelihood.meanLogDensity(
      means: [[0], [0]], variances: [[1e-4], [1e-4]], targets: [10])
    #expect(far.isFinite && abs(far - (-0.5 * log(2 * Double.pi * 1e-4) - 100 / 2e-4)) < 1e-6)
  }
}
