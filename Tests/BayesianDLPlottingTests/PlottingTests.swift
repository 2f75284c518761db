import BayesianDL
import Foundation
import TestSupport
import Testing

@testable import BayesianDLPlotting

/// gnuplot scripts from ``Figure``s (exact text), and rendering through ``FigureWriter``
/// when gnuplot is installed.
@Suite struct PlottingTests {
  static let hasGnuplot = FigureWriter.findExecutable("gnuplot") != nil

  /// One line of three points and one band, the smallest figure with data.
  static var tinyFigure: Figure {
    var figure = Figure(
      title: "Tiny", xLabel: "x (m)", yLabel: "y (s)",
      series: [
        .band(x: [0, 1, 2], lower: [0, 0.5, 1], upper: [2, 3, 4], title: "band"),
        .line(x: [0, 1, 2], y: [1, 4, 9], title: "line"),
      ])
    figure.xRange = -1...3
    return figure
  }

  /// A fresh directory under the system temporary directory, named after the process and
  /// the test, removed by the caller.
  static func temporaryDirectory(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "bdl-tests-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
    try? FileManager.default.removeItem(at: url)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  // MARK: Script text

  @Test func scriptOfATinyFigureHasTheDatablocksAndClauses() {
    let script = GnuplotScript.script(for: Self.tinyFigure, name: "ch-tiny")
    let lines = script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.contains("if (!exists(\"outfile\")) outfile = 'ch-tiny.png'"))
    #expect(lines.contains("set output outfile"))
    // Datablocks, in series order, one row per point.
    #expect(script.contains("$p1_1 << EOD\n0 0 2\n1 0.5 3\n2 1 4\nEOD\n"))
    #expect(script.contains("$p1_2 << EOD\n0 1\n1 4\n2 9\nEOD\n"))
    #expect(script.contains("$p1_1 using 1:2:3 with filledcurves"))
    #expect(script.contains("$p1_2 using 1:2 with lines lw 2 lc rgb '#0072B2' title 'line'"))
    #expect(lines.contains("set title 'Tiny' font ',13'"))
    #expect(lines.contains("set xlabel 'x (m)'"))
    #expect(lines.contains("set ylabel 'y (s)'"))
    #expect(lines.contains("set xrange [-1:3]"))
    #expect(lines.contains("set key top left"))
    #expect(lines.contains("plot \\"))
    // The header comes before any data.
    let header = script.range(of: "if (!exists(\"outfile\"))")!
    #expect(header.lowerBound < script.range(of: "$p1_1 << EOD")!.lowerBound)
  }

  @Test func quotesInTextAreDoubled() {
    var figure = Self.tinyFigure
    figure.title = "Bob's 'plot'"
    figure.xLabel = "it's x"
    let script = GnuplotScript.script(for: figure, name: "q")
    #expect(script.contains("set title 'Bob''s ''plot''' font ',13'"))
    #expect(script.contains("set xlabel 'it''s x'"))
    #expect(GnuplotScript.escape("a'b''c") == "a''b''''c")
  }

  @Test func numbersAreFormattedForGnuplot() {
    #expect(GnuplotScript.format(0.1) == "0.1")
    #expect(GnuplotScript.format(-2) == "-2")
    #expect(GnuplotScript.format(1_234_567) == "1.23457e+06")
    #expect(GnuplotScript.format(.nan) == "NaN")
    #expect(GnuplotScript.format(.infinity) == "1e308")
    #expect(GnuplotScript.format(-.infinity) == "-1e308")
  }

  @Test func figureOptionsAppearInTheScript() {
    var figure = Figure(
      title: "t", xLabel: "x", yLabel: "y",
      series: [.points(x: [1, 10], y: [1, 100]), .line(x: [1, 10], y: [2, 3], dashed: true)])
    figure.logX = true
    figure.logY = true
    figure.equalAxes = true
    figure.legend = .none
    figure.yRange = 0.5...200
    figure.colorRange = 0...0.7
    let script = GnuplotScript.script(for: figure, name: "o")
    for line in [
      "set logscale x", "set logscale y", "set size ratio -1", "unset key", "set yrange [0.5:200]",
      "unset colorbox", "set cbrange [0:0.7]",
    ] {
      #expect(script.contains(line + "\n"), "missing \(line)")
    }
    #expect(script.contains("with points pt 7"))
    #expect(script.contains(" dt 2"))
    #expect(script.contains("notitle"))
  }

  @Test func gridScriptUsesMultiplotWithOnePanelPerFigure() {
    let grid = FigureGrid(
      title: "Two by three", rows: 2, columns: 3, panels: [Self.tinyFigure, Self.tinyFigure])
    let script = GnuplotScript.script(for: grid, name: "g", panelWidth: 100, panelHeight: 80)
    #expect(script.contains("set multiplot layout 2,3 title 'Two by three'"))
    #expect(script.contains("unset multiplot\n"))
    #expect(script.contains("$p1_1 << EOD") && script.contains("$p2_1 << EOD"))
    // 3 panels of 100 px across; 2 of 80 px down plus 40 px for the title.
    #expect(script.contains("set terminal pngcairo size 300,200 "))
  }

  @Test func histogramCountsValuesPerBin() {
    let series = Series.histogram([0, 0.1, 0.5, 0.9, 1, 2], bins: 2, range: 0...1)
    guard case .bars(let x, let heights, let width, _, _) = series else {
      Issue.record("a histogram is drawn as bars")
      return
    }
    // Bins [0, 0.5) and [0.5, 1]; 2 lies outside the range.
    #expect(x == [0.25, 0.75])
    #expect(heights == [2, 3])
    #expect(width == 0.5)
  }

  @Test func densityPolygonIsCountsOverSampleSizeTimesBinWidth() {
    let series = Series.densityPolygon([0, 0.1, 0.5, 0.9, 1, 2], bins: 2, range: 0...1)
    guard case .line(let x, let y, _, _, _, _) = series else {
      Issue.record("a density polygon is drawn as a line")
      return
    }
    // Counts 2 and 3 of the 6 values, in bins 0.5 wide: 2/3 and 1 per unit.
    #expect(x == [0.25, 0.75])
    #expect(abs(y[0] - 2.0 / 3) < 1e-15 && y[1] == 1)
  }

  @Test func gridValuesAreWrittenAsScanLines() {
    let figure = Figure(
      title: "h", xLabel: "x", yLabel: "y",
      series: [.heatmap(xs: [0, 1], ys: [5, 6], values: Matrix([[1, 2], [3, 4]]))])
    let script = GnuplotScript.script(for: figure, name: "h")
    #expect(script.contains("$p1_1 << EOD\n0 5 1\n1 5 2\n\n0 6 3\n1 6 4\n\nEOD\n"))
    #expect(script.contains("with image"))
    #expect(!script.contains("unset colorbox"))
    // Against the plot's right edge, in the margin: gnuplot's default place takes the
    // bar's room from the plot, which shrinks a panel with equal axes.
    #expect(script.contains("set colorbox user origin graph 1.03, graph 0"))
    #expect(!script.contains("logscale cb"))
  }

  @Test func aMapCanHideItsColourBarAndUseALogScale() {
    var figure = Figure(
      title: "h", xLabel: "x", yLabel: "y",
      series: [.heatmap(xs: [0, 1], ys: [5, 6], values: Matrix([[1e-3, 1e-2], [1e-1, 1]]))])
    figure.logColors = true
    figure.showsColorBar = false
    let script = GnuplotScript.script(for: figure, name: "h")
    #expect(script.contains("unset colorbox\n"))
    #expect(script.contains("set logscale cb\n"))
    #expect(script.contains("set rmargin 13\n"), "the same margin as a panel with its bar")
  }

  @Test func aGridCanShareOneColourScaleWithOneBar() {
    let map = { (scale: Double) in
      Figure(
        title: "h", xLabel: "x", yLabel: "y",
        series: [.heatmap(xs: [0, 1], ys: [5, 6], values: Matrix([[1, 2], [3, 4]]) * scale)])
    }
    let grid = FigureGrid(rows: 1, columns: 3, panels: [map(1), map(2), map(3)])
      .sharingColorScale(0...12)
    #expect(grid.panels.map(\.colorRange) == Array(repeating: 0...12, count: 3))
    #expect(grid.panels.map(\.showsColorBar) == [false, false, true])
    let script = GnuplotScript.script(for: grid, name: "g")
    #expect(script.components(separatedBy: "unset colorbox").count - 1 == 2)
    #expect(script.components(separatedBy: "set cbrange [0:12]").count - 1 == 3)
  }

  @Test func intervalsAreMarkersWithVerticalErrorBars() {
    let figure = Figure(
      title: "i", xLabel: "x", yLabel: "y",
      series: [.intervals(x: [1, 2], y: [0.5, 0.7], lower: [0.4, 0.6], upper: [0.6, 0.8])])
    let script = GnuplotScript.script(for: figure, name: "i")
    #expect(script.contains("$p1_1 << EOD\n1 0.5 0.4 0.6\n2 0.7 0.6 0.8\nEOD\n"))
    #expect(script.contains("$p1_1 using 1:2:3:4 with yerrorbars"))
  }

  // MARK: Rendering

  @Test func findExecutableReturnsNilForANonsenseName() {
    #expect(FigureWriter.findExecutable("no-such-program-bdl-\(UInt64.max)") == nil)
    #expect(FigureWriter.findExecutable("sh") != nil)
  }

  @Test(.enabled(if: PlottingTests.hasGnuplot))
  func writerSavesAScriptAndAPNG() throws {
    let directory = try Self.temporaryDirectory("png")
    defer { try? FileManager.default.removeItem(at: directory) }
    let writer = try FigureWriter(directory: directory.path, chapter: "t")
    let path = try writer.save(Self.tinyFigure, name: "tiny", width: 320, height: 240)
    #expect(path == directory.appendingPathComponent("t-tiny.png").path)
    let script = try String(
      contentsOf: directory.appendingPathComponent("t-tiny.gp"), encoding: .utf8)
    #expect(
      script == GnuplotScript.script(for: Self.tinyFigure, name: "t-tiny", width: 320, height: 240))
    let png = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(png.count > 100)
    #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
      .filter { $0.hasSuffix(".tmp") }
    #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")
  }

  @Test(.enabled(if: PlottingTests.hasGnuplot))
  func heatmapWithContoursRendersWithoutGnuplotErrors() throws {
    let directory = try Self.temporaryDirectory("heatmap")
    defer { try? FileManager.default.removeItem(at: directory) }
    let xs = SyntheticData.linspace(-2, 2, count: 21).storage
    let ys = SyntheticData.linspace(-1.5, 1.5, count: 15).storage
    let values = makeMatrix(ys.count, xs.count) { j, i in xs[i] * xs[i] + ys[j] * ys[j] }
    var figure = Figure(
      title: "x² + y²", xLabel: "x", yLabel: "y",
      series: [
        .heatmap(xs: xs, ys: ys, values: values),
        .contour(xs: xs, ys: ys, values: values, levels: [0.5, 1, 2], title: "levels"),
        .points(x: [0, 1], y: [0, -1], title: "data"),
      ])
    figure.colorBarLabel = "value"
    figure.equalAxes = true
    let writer = try FigureWriter(directory: directory.path, chapter: "t")
    let path = try writer.save(figure, name: "heat", width: 320, height: 240)
    let png = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
  }

  @Test(.enabled(if: PlottingTests.hasGnuplot))
  func gridAndEverySeriesKindRender() throws {
    let directory = try Self.temporaryDirectory("grid")
    defer { try? FileManager.default.removeItem(at: directory) }
    var logFigure = Figure(
      title: "log axes", xLabel: "n", yLabel: "error",
      series: [
        .line(x: [1, 10, 100], y: [1, 0.1, 0.01], dashed: true),
        .points(x: [1, 100], y: [1, 0.01]),
      ])
    logFigure.logX = true
    logFigure.logY = true
    logFigure.legend = .outsideRight
    let bars = Figure(
      title: "histogram", xLabel: "value", yLabel: "count",
      series: [.histogram([0.1, 0.2, 0.2, 0.7, 0.9], bins: 4, title: "counts")])
    let grid = FigureGrid(
      title: "panels", rows: 2, columns: 2, panels: [Self.tinyFigure, logFigure, bars])
    let writer = try FigureWriter(directory: directory.path, chapter: "t")
    let path = try writer.save(grid, name: "grid", panelWidth: 200, panelHeight: 160)
    #expect(path.hasSuffix("t-grid.png"))
    let png = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
  }

  @Test(.enabled(if: PlottingTests.hasGnuplot))
  func gnuplotErrorsAreReportedNotSwallowed() throws {
    let directory = try Self.temporaryDirectory("error")
    defer { try? FileManager.default.removeItem(at: directory) }
    // A colour gnuplot cannot parse makes the plot command fail.
    let figure = Figure(
      title: "bad", xLabel: "x", yLabel: "y",
      series: [.line(x: [0, 1], y: [0, 1], color: Color("not-a-colour"))])
    let writer = try FigureWriter(directory: directory.path, chapter: "t")
    #expect(throws: FigureError.self) { try writer.save(figure, name: "bad") }
    #expect(
      !FileManager.default.fileExists(atPath: directory.appendingPathComponent("t-bad.png").path))
  }

  @Test func classSeriesSplitThePointsByLabelInFixedColours() {
    let data = Dataset(
      inputs: Matrix([[0, 1], [2, 3], [4, 5], [6, 7]]), targets: .classes([1, 0, 1, 1]))
    let series = Series.classes(of: data, first: 3)
    #expect(series.count == 2)
    guard case .points(let x0, let y0, let t0, let c0, _, let s0) = series[0],
      case .points(let x1, let y1, let t1, let c1, _, let s1) = series[1]
    else {
      Issue.record("expected two point series")
      return
    }
    #expect(x0 == [2] && y0 == [3] && t0 == "class 0" && c0 == .orange)
    #expect(x1 == [0, 4] && y1 == [1, 5] && t1 == "class 1" && c1 == .vermillion)
    #expect(s0 == .circle && s1 == .triangle, "the classes differ by shape as well as colour")
  }

  @Test func planeMapLaysTheValuesOutOnTheGridWithTheDataOnTop() {
    let data = Dataset(inputs: Matrix([[0, 0], [1, 1]]), targets: .classes([0, 1]))
    let figure = Figure.planeMap(
      title: "m", xs: [0, 1, 2], ys: [5, 6], values: [1, 2, 3, 4, 5, 6], colorBarLabel: "nats",
      data: data)
    #expect(figure.series.count == 3)
    guard case .heatmap(_, _, let values) = figure.series[0] else {
      Issue.record("first series is not the heatmap")
      return
    }
    #expect(values.shape == (2, 3) && values[1, 0] == 4)
    #expect(figure.xRange == 0...2 && figure.yRange == 5...6 && figure.legend == .none)
  }

  /// Two predictions in (0.6, 0.8] (one right) and one in (0.8, 1] (right): a bar of 0.5
  /// with a gap segment up to the mean confidence 0.7, a bar of 1 with a segment down to
  /// 0.9, and no bars for the empty bins.
  @Test func reliabilityDiagramDrawsBarsAndGapsForFilledBinsOnly() {
    let r = Reliability(confidences: [0.65, 0.75, 0.9], correct: [true, false, true], bins: 5)
    let figure = Figure.reliabilityDiagram(r, title: "t")
    let bars = figure.series.compactMap { series -> (x: Double, height: Double, width: Double)? in
      if case .bars(let x, let heights, let width, _, _) = series {
        return (x[0], heights[0], width)
      }
      return nil
    }
    #expect(bars.count == 2)
    #expect(abs(bars[0].x - 0.7) < 1e-12 && abs(bars[1].x - 0.9) < 1e-12)
    #expect(bars.map(\.height) == [0.5, 1] && bars.allSatisfy { abs($0.width - 0.2) < 1e-12 })
    let gaps = figure.series.dropFirst(3).compactMap { series -> [Double]? in
      if case .line(_, let y, _, _, _, _) = series { return y }
      return nil
    }
    #expect(gaps.count == 2)
    #expect(abs(gaps[0][0] - 0.5) < 1e-12 && abs(gaps[0][1] - 0.7) < 1e-12)
    #expect(abs(gaps[1][0] - 1) < 1e-12 && abs(gaps[1][1] - 0.9) < 1e-12)
    let histogram = Figure.confidenceHistogram(r, title: "h")
    guard case .bars(_, let shares, _, _, _) = histogram.series[0] else {
      Issue.record("the histogram has no bars")
      return
    }
    #expect(shares.count == 5 && abs(shares.reduce(0, +) - 1) < 1e-12)
    #expect(abs(shares[3] - 2.0 / 3) < 1e-12)
  }

  @Test func equalMassBinsKeepTheirOwnBarWidths() {
    let r = Reliability(
      confidences: [0.3, 0.4, 0.6, 0.9], correct: [true, false, true, true], bins: 2,
      equalMass: true)
    let widths = Figure.reliabilityDiagram(r, title: "t").series.compactMap { series -> Double? in
      if case .bars(_, _, let width, _, _) = series { return width }
      return nil
    }
    #expect(widths.count == 2)
    #expect(abs(widths[0] - 0.1) < 1e-12 && abs(widths[1] - 0.3) < 1e-12)
  }

  @Test func savingAFigureGridToAPathWritesTheScriptBesideThePNG() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "grid-\(UUID().uuidString)")
    var panel = Figure(
      title: "t", xLabel: "x", yLabel: "y", series: [.line(x: [0, 1], y: [0, 1])])
    panel.legend = .none
    let target = dir.appendingPathComponent("sub/name.png").path
    let saved = try FigureWriter.save(
      FigureGrid(rows: 1, columns: 1, panels: [panel]), toPNG: target)
    let script = dir.appendingPathComponent("sub/name.gp").path
    #expect(FileManager.default.fileExists(atPath: script))
    if FigureWriter.findExecutable("gnuplot") != nil {
      #expect(saved == target)
      let png = try Data(contentsOf: URL(fileURLWithPath: target))
      #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    } else {
      #expect(saved == script)
    }
  }
}
