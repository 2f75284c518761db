import BayesianDL
import Testing

@testable import BayesianDLPlotting

/// A figure's alt text says what it shows from what the figure names.
@Suite struct FigureAltTextTests {
  @Test func aPlotNamesItsTitleAxesAndLegend() {
    let figure = Figure(
      title: "Prior functions", xLabel: "input x", yLabel: "f(x)",
      series: [
        .line(x: [0, 1], y: [0, 1], title: "mean"), .points(x: [0], y: [0]),
        .band(x: [0, 1], lower: [0, 0], upper: [1, 1], title: "±2 sd"),
      ])
    #expect(figure.altText == "Prior functions: f(x) against input x (mean, ±2 sd)")
  }

  @Test func aMapSaysSoAndAGridListsItsPanels() {
    var map = Figure(
      title: "", xLabel: "x1", yLabel: "x2",
      series: [
        .heatmap(xs: [0, 1], ys: [0, 1], values: Matrix(rows: 2, columns: 2) { _, _ in 0 })
      ])
    map.colorBarLabel = "confidence"
    #expect(map.altText == "x2 against x1, as a map of confidence")
    let grid = FigureGrid(title: "Two", rows: 1, columns: 2, panels: [map, map])
    #expect(grid.altText.hasPrefix("Two, in 2 panels: x2 against x1, as a map"))
  }
}
