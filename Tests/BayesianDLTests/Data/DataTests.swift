import Foundation
import TestSupport
import Testing

@testable import BayesianDL

/// CSV reading with exact error positions, index splits, the standardiser and the
/// synthetic data sets (checked against their generating processes written out by hand).
@Suite struct DataTests {
  // MARK: CSV

  @Test func parsesAHeaderAndNumbers() throws {
    let table = try CSVTable.parse("x,y\n1,2\n3,4.5\n", path: "t.csv", hasHeader: true)
    #expect(table.header == ["x", "y"])
    #expect(table.values == Matrix([[1, 2], [3, 4.5]]))
  }

  @Test func parsesWithoutAHeader() throws {
    let table = try CSVTable.parse("1,2,3\n-4.5e2,+5,0.25", path: "t.csv", hasHeader: false)
    #expect(table.header == nil)
    #expect(table.values == Matrix([[1, 2, 3], [-450, 5, 0.25]]))
  }

  @Test func parsesWindowsLineEndings() throws {
    let table = try CSVTable.parse("x,y\r\n1,2\r\n3,4\r\n", path: "t.csv", hasHeader: true)
    #expect(table.header == ["x", "y"])
    #expect(table.values == Matrix([[1, 2], [3, 4]]))
  }

  @Test func skipsBlankLines() throws {
    let table = try CSVTable.parse("\n1,2\n\n   \n3,4\n\n", path: "t.csv", hasHeader: false)
    #expect(table.values == Matrix([[1, 2], [3, 4]]))
  }

  @Test func stripsQuotesAndSurroundingSpaces() throws {
    let table = try CSVTable.parse(
      "\"a\", \"b\"\n\"1\", \"2.5\"\n 3 ,4 \n", path: "t.csv", hasHeader: true)
    #expect(table.header == ["a", "b"])
    #expect(table.values == Matrix([[1, 2.5], [3, 4]]))
  }

  @Test func reportsANonNumberWithItsLineAndColumn() {
    #expect(throws: CSVError.notANumber(path: "t.csv", line: 3, column: 2, field: "abc")) {
      try CSVTable.parse("x,y\n1,2\n3,abc\n", path: "t.csv", hasHeader: true)
    }
    // Blank lines still count towards the line number.
    #expect(throws: CSVError.notANumber(path: "t.csv", line: 4, column: 1, field: "?")) {
      try CSVTable.parse("1,2\n\n\n?,4\n", path: "t.csv", hasHeader: false)
    }
    #expect(throws: CSVError.notANumber(path: "t.csv", line: 1, column: 2, field: "")) {
      try CSVTable.parse("1,,3\n", path: "t.csv", hasHeader: false)
    }
  }

  @Test func rejectsNaNAndInfinityFields() {
    #expect(throws: CSVError.notANumber(path: "t.csv", line: 2, column: 2, field: "nan")) {
      try CSVTable.parse("1,2\n3,nan\n", path: "t.csv", hasHeader: false)
    }
    #expect(throws: CSVError.notANumber(path: "t.csv", line: 1, column: 1, field: "inf")) {
      try CSVTable.parse("inf,2\n", path: "t.csv", hasHeader: false)
    }
  }

  @Test func reportsARaggedRowWithItsLine() {
    #expect(throws: CSVError.wrongFieldCount(path: "t.csv", line: 3, expected: 3, found: 2)) {
      try CSVTable.parse("1,2,3\n4,5,6\n7,8\n", path: "t.csv", hasHeader: false)
    }
    // The header fixes the width too.
    #expect(throws: CSVError.wrongFieldCount(path: "t.csv", line: 2, expected: 2, found: 3)) {
      try CSVTable.parse("a,b\n1,2,3\n", path: "t.csv", hasHeader: true)
    }
  }

  @Test func rejectsFilesWithoutDataRows() {
    #expect(throws: CSVError.empty(path: "t.csv")) {
      try CSVTable.parse("", path: "t.csv", hasHeader: false)
    }
    #expect(throws: CSVError.empty(path: "t.csv")) {
      try CSVTable.parse("\n  \n\n", path: "t.csv", hasHeader: false)
    }
    #expect(throws: CSVError.empty(path: "t.csv")) {
      try CSVTable.parse("x,y\n", path: "t.csv", hasHeader: true)
    }
  }

  @Test func readingAMissingFileIsUnreadable() {
    let path = "/nonexistent-directory-\(UInt64.max)/data.csv"
    do {
      _ = try CSVTable.read(path: path, hasHeader: true)
      Issue.record("reading a missing file did not throw")
    } catch let error as CSVError {
      guard case .unreadable(let p, _) = error else {
        Issue.record("expected .unreadable, got \(error)")
        return
      }
      #expect(p == path)
      #expect(error.description.contains(path))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func readingAFileMatchesParsingItsText() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bdl-tests-\(ProcessInfo.processInfo.processIdentifier)-csv")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("d.csv")
    try Data("a,b\n1,2\n3,4\n".utf8).write(to: url)
    let table = try CSVTable.read(path: url.path, hasHeader: true)
    #expect(table.header == ["a", "b"])
    #expect(table.values == Matrix([[1, 2], [3, 4]]))
  }

  @Test func errorDescriptionsNameFileLineAndColumn() {
    let error = CSVError.notANumber(path: "d.csv", line: 7, column: 3, field: "x")
    #expect(error.description.contains("d.csv:7"))
    #expect(error.description.contains("column 3"))
    #expect(
      CSVError.wrongFieldCount(path: "d.csv", line: 2, expected: 3, found: 4).description.contains(
        "d.csv:2"))
  }

  // MARK: Datasets and splits

  @Test func datasetSubsetPicksRowsAndTargetsTogether() {
    let data = Dataset(inputs: Matrix([[0], [10], [20]]), targets: .classes([0, 1, 2]))
    let subset = data.subset([2, 0])
    #expect(subset.inputs == Matrix([[20], [0]]))
    #expect(subset.targets == .classes([2, 0]))
    #expect(subset.count == 2)
    let regression = Dataset(inputs: Matrix([[0], [10]]), targets: .values(Matrix([[1], [2]])))
    #expect(regression.subset([1]).targets.values == Matrix([[2]]))
    #expect(data.targets.labels == [0, 1, 2])
  }

  @Test func trainTestSplitHasTheRightSizesAndPartitionsTheIndices() {
    var rng = Generator(seed: 111)
    let (train, test) = Splits.trainTest(count: 103, testFraction: 0.2, using: &rng)
    // round(103 · 0.2) = round(20.6) = 21.
    #expect(test.count == 21)
    #expect(train.count == 82)
    #expect(Set(train).isDisjoint(with: Set(test)))
    #expect((train + test).sorted() == Array(0..<103))
  }

  @Test func trainTestSplitIsReproducibleAndShuffled() {
    var a = Generator(seed: 112)
    var b = Generator(seed: 112)
    let first = Splits.trainTest(count: 50, testFraction: 0.3, using: &a)
    let second = Splits.trainTest(count: 50, testFraction: 0.3, using: &b)
    #expect(first.train == second.train && first.test == second.test)
    #expect(first.test != Array(0..<15), "the test set is not simply the first indices")
  }

  @Test func openSetSplitKeepsUnknownClassesOutOfTrainingAndPartitionsTheRest() {
    // Example i has label i % 4 and input i, so inputs identify examples.
    let data = Dataset(
      inputs: Matrix.column((0..<40).map(Double.init)), targets: .classes((0..<40).map { $0 % 4 }))
    var rng = Generator(seed: 114)
    let split = OpenSetSplit(data, knownClasses: 0...1, testFraction: 0.25, using: &rng)
    #expect(split.train.targets.labels.allSatisfy { $0 <= 1 })
    #expect(split.test.targets.labels.allSatisfy { $0 <= 1 })
    #expect(split.unknown.targets.labels.allSatisfy { $0 >= 2 })
    #expect((split.train.count, split.test.count, split.unknown.count) == (15, 5, 20))
    let seen = (split.train.inputs.storage + split.test.inputs.storage).map { Int($0) }
    #expect(seen.sorted() == (0..<40).filter { $0 % 4 <= 1 })
  }

  @Test func minibatchesCoverEveryIndexExactlyOnce() {
    var rng = Generator(seed: 113)
    let batches = Splits.minibatches(count: 23, batchSize: 5, using: &rng)
    #expect(batches.map(\.count) == [5, 5, 5, 5, 3])
    #expect(batches.flatMap { $0 }.sorted() == Array(0..<23))
    #expect(Splits.minibatches(count: 4, batchSize: 10, using: &rng).map(\.count) == [4])
    #expect(Splits.minibatches(count: 0, batchSize: 3, using: &rng).isEmpty)
  }

  // MARK: Standardiser

  @Test func standardiserUsesPopulationStatisticsByHand() {
    // Column 0: mean 3, variance (4 + 0 + 4)/3 = 8/3. Column 1 is constant.
    let data = Matrix([[1, 5], [3, 5], [5, 5]])
    let s = Standardiser(fitting: data)
    #expect(s.mean == Matrix.row([3, 5]))
    expectClose(s.standardDeviation, Matrix.row([(8.0 / 3).squareRoot(), 1]), tolerance: 1e-15)
    let z = s.transform(data)
    let d = (8.0 / 3).squareRoot()
    expectClose(z, Matrix([[-2 / d, 0], [0, 0], [2 / d, 0]]), tolerance: 1e-15)
  }

  @Test func standardiserMapsAConstantColumnToZero() {
    let s = Standardiser(fitting: Matrix([[7, 1], [7, 2]]))
    let z = s.transform(Matrix([[7, 1.5]]))
    #expect(z[0, 0] == 0)
    #expect(z.isFinite)
  }

  @Test func standardisedColumnsHaveZeroMeanAndUnitDeviationAndInvertBack() {
    var rng = Generator(seed: 114)
    let data = makeMatrix(40, 3) { _, j in
      rng.normal(mean: Double(j) * 10 - 5, standardDeviation: Double(j + 1))
    }
    let s = Standardiser(fitting: data)
    let z = s.transform(data)
    for j in 0..<3 {
      let column = (0..<40).map { z[$0, j] }
      let mean = column.reduce(0, +) / 40
      let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 40
      #expect(abs(mean) < 1e-14)
      expectClose(variance, 1, tolerance: 1e-13)
    }
    expectClose(s.inverse(z), data, tolerance: 1e-14)
  }

  // MARK: Synthetic data

  @Test func twoMoonsIsBalancedAndAlternates() {
    var rng = Generator(seed: 115)
    let data = SyntheticData.twoMoons(count: 200, noise: 0.1, using: &rng)
    #expect(data.count == 200)
    let labels = data.targets.labels
    #expect(labels.filter { $0 == 0 }.count == 100)
    #expect(labels.enumerated().allSatisfy { $0.element == $0.offset % 2 })
  }

  @Test func twoMoonsWithoutNoiseLiesOnTheTwoHalfCircles() {
    var rng = Generator(seed: 116)
    let data = SyntheticData.twoMoons(count: 100, noise: 0, using: &rng)
    for i in 0..<100 {
      let (u, v) = (data.inputs[i, 0], data.inputs[i, 1])
      if data.targets.labels[i] == 0 {
        // (cos t, sin t), t ∈ [0, π]: unit circle, upper half.
        expectClose(u * u + v * v, 1, tolerance: 1e-14)
        #expect(v >= 0)
      } else {
        // (1 − cos t, ½ − sin t): unit circle around (1, ½), lower half.
        expectClose((u - 1) * (u - 1) + (v - 0.5) * (v - 0.5), 1, tolerance: 1e-14)
        #expect(v <= 0.5)
      }
    }
  }

  @Test func regressionWithGapHasNoInputsInTheGapAndTheRightNoise() {
    var rng = Generator(seed: 117)
    let n = 4000
    let noise = 0.3
    let data = SyntheticData.regressionWithGap(count: n, noise: noise, using: &rng)
    let x = data.inputs.storage
    #expect(x.allSatisfy { abs($0) >= 1 && abs($0) <= 3 })
    #expect(x.filter { $0 < 0 }.count == n / 2)
    // Residuals from f(x) = sin 2x + x/2, written out here, are N(0, noise²).
    let residuals = (0..<n).map {
      data.targets.values[$0, 0] - (Foundation.sin(2 * x[$0]) + x[$0] / 2)
    }
    let m = sampleMoments(residuals)
    expectWithinStandardErrors(m.mean, 0, standardError: noise / Double(n).squareRoot())
    expectWithinStandardErrors(
      m.variance, noise * noise, standardError: noise * noise * (2 / Double(n - 1)).squareRoot())
    expectClose(SyntheticData.gapFunction(1.3), Foundation.sin(2.6) + 0.65, tolerance: 1e-15)
  }

  @Test func heteroscedasticNoiseGrowsFromLeftToRight() {
    var rng = Generator(seed: 118)
    let n = 9000
    let data = SyntheticData.heteroscedastic(count: n, using: &rng)
    let x = data.inputs.storage
    #expect(x.allSatisfy { $0 >= -Double.pi && $0 < Double.pi })
    // σ(x) = 0.05 + 0.2(x + π). On a third [a, b) of the range the residual variance is
    // E[σ²] = ∫ σ² / (b − a) = [(σ(b)³ − σ(a)³) / (3 · 0.2)] / (b − a).
    func sigma(_ x: Double) -> Double { 0.05 + 0.2 * (x + Double.pi) }
    var thirds = [Double]()
    for k in 0..<3 {
      let a = -Double.pi + Double(k) * 2 * Double.pi / 3
      let b = a + 2 * Double.pi / 3
      let squares = (0..<n).filter { x[$0] >= a && x[$0] < b }.map { i -> Double in
        let r = data.targets.values[i, 0] - Foundation.sin(x[i])
        return r * r
      }
      let expected =
        (Foundation.pow(sigma(b), 3) - Foundation.pow(sigma(a), 3)) / (3 * 0.2) / (b - a)
      let m = sampleMoments(squares)
      expectWithinStandardErrors(m.mean, expected, standardError: m.standardError, "third \(k)")
      thirds.append(m.mean)
    }
    #expect(thirds[0] < thirds[1] && thirds[1] < thirds[2])
    expectClose(SyntheticData.heteroscedasticNoise(-Double.pi), 0.05, tolerance: 1e-15)
  }

  @Test func linspaceAndGridByHand() {
    #expect(SyntheticData.linspace(0, 1, count: 5) == Matrix.column([0, 0.25, 0.5, 0.75, 1]))
    let grid = SyntheticData.grid(x: 0...1, y: 10...12, nx: 2, ny: 3)
    #expect(grid == Matrix([[0, 10], [1, 10], [0, 11], [1, 11], [0, 12], [1, 12]]))
  }

  /// Uniform in area: the circle of radius $\sqrt{(r_0^2 + r_1^2)/2}$ halves the annulus.
  @Test func annulusPointsLieInTheRingAndAreUniformInArea() {
    var rng = Generator(seed: 151)
    let n = 20_000
    let points = SyntheticData.annulus(count: n, centre: (0.5, -1), radii: 2...3, using: &rng)
    #expect(points.shape == (n, 2))
    let middle = ((4.0 + 9.0) / 2).squareRoot()
    var inner = 0.0
    var rightHalf = 0.0
    for i in 0..<n {
      let (dx, dy) = (points[i, 0] - 0.5, points[i, 1] + 1)
      let r = (dx * dx + dy * dy).squareRoot()
      #expect(r >= 2 - 1e-12 && r <= 3 + 1e-12)
      if r < middle { inner += 1 }
      if dx > 0 { rightHalf += 1 }
    }
    let se = (0.25 / Double(n)).squareRoot()
    expectWithinStandardErrors(inner / Double(n), 0.5, standardError: se, standardErrors: 5)
    expectWithinStandardErrors(rightHalf / Double(n), 0.5, standardError: se, standardErrors: 5)
  }

  @Test func bootstrapResamplesWithReplacementUniformly() {
    var rng = Generator(seed: 152)
    let n = 1000
    var counts = [Int](repeating: 0, count: n)
    var distinct = 0.0
    let repeats = 50
    for _ in 0..<repeats {
      let sample = Splits.bootstrap(count: n, using: &rng)
      #expect(sample.count == n && sample.allSatisfy { (0..<n).contains($0) })
      for i in sample { counts[i] += 1 }
      distinct += Double(Set(sample).count)
    }
    // The expected share of distinct examples is 1 − (1 − 1/n)^n ≈ 0.632.
    let share = distinct / Double(repeats * n)
    let expected = 1 - pow(1 - 1 / Double(n), Double(n))
    #expect(abs(share - expected) < 0.01, "share \(share)")
    // Every example is drawn Binomial(n · repeats, 1/n) times: mean 50, sd ≈ 7.
    #expect(counts.min()! > 15 && counts.max()! < 95)
    #expect(Splits.batchesPerEpoch(count: 50, batchSize: 100) == 1)
    #expect(Splits.batchesPerEpoch(count: 201, batchSize: 100) == 3)
  }

  @Test func regressionWithGapCanHaveNoiseThatChangesWithTheInput() {
    var rng = Generator(seed: 153)
    let data = SyntheticData.regressionWithGap(
      count: 20_000, noiseStandardDeviation: { $0 < 0 ? 0.1 : 0.5 }, using: &rng)
    var left = [Double]()
    var right = [Double]()
    for i in 0..<data.count {
      let x = data.inputs[i, 0]
      #expect(abs(x) >= 1 && abs(x) <= 3)
      let residual = data.targets.values[i, 0] - SyntheticData.gapFunction(x)
      if x < 0 { left.append(residual) } else { right.append(residual) }
    }
    let sdLeft = sampleMoments(left).variance.squareRoot()
    let sdRight = sampleMoments(right).variance.squareRoot()
    #expect(abs(sdLeft - 0.1) < 0.005 && abs(sdRight - 0.5) < 0.02, "\(sdLeft) \(sdRight)")
    // The constant-noise version makes the same draws.
    var a = Generator(seed: 154)
    var b = Generator(seed: 154)
    #expect(
      SyntheticData.regressionWithGap(count: 30, noise: 0.3, using: &a)
        == SyntheticData.regressionWithGap(
          count: 30, noiseStandardDeviation: { _ in 0.3 }, using: &b))
  }
}
