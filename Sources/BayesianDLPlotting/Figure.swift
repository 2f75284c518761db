import BayesianDL
import Foundation

/// A colour of the course's fixed palette (Okabe & Ito's, which stays distinct for
/// colour-blind readers), or any `#rrggbb`.
public struct Color: Equatable, Sendable {
  /// The colour as `#rrggbb`.
  public let hex: String

  /// A colour from its `#rrggbb` form.
  ///
  /// - Parameter hex: e.g. `"#0072B2"`.
  public init(_ hex: String) { self.hex = hex }

  /// Blue, the first series.
  public static let blue = Color("#0072B2")
  /// Vermillion, the second series.
  public static let vermillion = Color("#D55E00")
  /// Bluish green, the third series.
  public static let green = Color("#009E73")
  /// Reddish purple, the fourth series.
  public static let purple = Color("#CC79A7")
  /// Orange, the fifth series.
  public static let orange = Color("#E69F00")
  /// Sky blue, the sixth series.
  public static let sky = Color("#56B4E9")
  /// Near-black, for data points and truth.
  public static let black = Color("#222222")
  /// Grey, for context (e.g. many sampled functions).
  public static let grey = Color("#999999")

  /// The palette in the order series take it.
  public static let palette: [Color] = [.blue, .vermillion, .green, .purple, .orange, .sky]
}

/// Where a figure's legend goes.
public enum LegendPosition: String, Sendable {
  /// Inside, top left.
  case topLeft = "top left"
  /// Inside, top right.
  case topRight = "top right"
  /// Inside, bottom left.
  case bottomLeft = "bottom left"
  /// Inside, bottom right.
  case bottomRight = "bottom right"
  /// Outside the plot, to the right (never covers data).
  case outsideRight = "outside right top"
  /// Under the plot (never covers data).
  case below = "below center horizontal"
  /// No legend.
  case none = "off"
}

/// The marker of a ``Series/points(x:y:title:color:size:shape:)`` series (filled, except
/// the cross).
public enum MarkerShape: Int, Sendable {
  /// A filled circle.
  case circle = 7
  /// A filled square.
  case square = 5
  /// A filled triangle, pointing up.
  case triangle = 9
  /// A filled diamond.
  case diamond = 13
  /// A cross (×).
  case cross = 2
}

/// One thing drawn in a ``Figure``.
public enum Series: Sendable {
  /// A polyline through $(x_k, y_k)$, `width` in points, optionally dashed.
  case line(
    x: [Double], y: [Double], title: String? = nil, color: Color = .blue, width: Double = 2,
    dashed: Bool = false)
  /// Markers at $(x_k, y_k)$; `size` scales the marker, `shape` tells series apart
  /// without relying on colour alone.
  case points(
    x: [Double], y: [Double], title: String? = nil, color: Color = .black, size: Double = 0.6,
    shape: MarkerShape = .circle)
  /// Markers at $(x_k, y_k)$ with a vertical interval from `lower` to `upper` through each
  /// (a Monte Carlo interval, a standard error): a dot plot, for values whose size is read
  /// off a scale rather than off a bar's length.
  case intervals(
    x: [Double], y: [Double], lower: [Double], upper: [Double], title: String? = nil,
    color: Color = .black, size: Double = 0.9)
  /// A shaded region between `lower` and `upper` along `x`, at 25 % opacity (draw the
  /// mean on top of it).
  case band(
    x: [Double], lower: [Double], upper: [Double], title: String? = nil, color: Color = .blue)
  /// Values on a regular grid shown as colours; `values` is `[ys.count, xs.count]`.
  case heatmap(xs: [Double], ys: [Double], values: Matrix)
  /// Contour lines of gridded values at the given levels; `values` is `[ys.count, xs.count]`.
  case contour(
    xs: [Double], ys: [Double], values: Matrix, levels: [Double], title: String? = nil,
    color: Color = .black)
  /// Vertical bars of the given heights centred at `x`.
  case bars(
    x: [Double], heights: [Double], width: Double, title: String? = nil, color: Color = .blue)

  /// A histogram of `values` in `bins` equal-width bins, drawn as bars of counts.
  ///
  /// - Parameters:
  ///   - values: the sample.
  ///   - bins: the number of bins.
  ///   - range: the binned range (default: the sample's range).
  ///   - title: legend entry, or nil for none.
  ///   - color: the colour.
  public static func histogram(
    _ values: [Double], bins: Int, range: ClosedRange<Double>? = nil, title: String? = nil,
    color: Color = .blue
  ) -> Series {
    let (centres, counts, width) = binned(values, bins: bins, range: range)
    return .bars(x: centres, heights: counts, width: width, title: title, color: color)
  }

  /// A density estimate of `values` drawn as a line through the bin centres (a frequency
  /// polygon): the heights are count / (n · bin width), so the area under it is the
  /// share of the sample inside `range`, and several samples can share one plot without
  /// their bars covering each other.
  ///
  /// - Parameters:
  ///   - values: the sample.
  ///   - bins: the number of bins.
  ///   - range: the binned range (default: the sample's range).
  ///   - title: legend entry, or nil for none.
  ///   - color: the colour.
  public static func densityPolygon(
    _ values: [Double], bins: Int, range: ClosedRange<Double>? = nil, title: String? = nil,
    color: Color = .blue
  ) -> Series {
    let (centres, counts, width) = binned(values, bins: bins, range: range)
    let scale = 1 / (Double(Swift.max(values.count, 1)) * width)
    return .line(x: centres, y: counts.map { $0 * scale }, title: title, color: color)
  }

  /// Counts of `values` in `bins` equal-width bins over `range` (default: the sample's
  /// range); the top edge belongs to the last bin, and values outside are left out.
  private static func binned(_ values: [Double], bins: Int, range: ClosedRange<Double>?) -> (
    centres: [Double], counts: [Double], width: Double
  ) {
    precondition(bins >= 1, "histogram: needs at least one bin")
    let lo = range?.lowerBound ?? (values.min() ?? 0)
    let hi = range?.upperBound ?? (values.max() ?? 1)
    let width = hi > lo ? (hi - lo) / Double(bins) : 1
    var counts = [Double](repeating: 0, count: bins)
    for v in values where v >= lo && v <= hi {
      counts[Swift.min(Int((v - lo) / width), bins - 1)] += 1
    }
    return ((0..<bins).map { lo + (Double($0) + 0.5) * width }, counts, width)
  }

  /// A predictive's ±2 sd bands split by kind: the aleatoric band ($\mu \pm 2\sqrt{\text{aleatoric}}$)
  /// in blue, and the rest of the total band ($\mu \pm 2\sqrt{\text{total}}$) beyond it in
  /// vermillion on either side, so that the two never overlap and mix their colours.
  ///
  /// - Parameters:
  ///   - x: the inputs along the axis.
  ///   - mean: the predictive mean at each input.
  ///   - aleatoric: the aleatoric variance at each input.
  ///   - total: the total variance (aleatoric + epistemic) at each input.
  public static func predictiveBands(
    x: [Double], mean: [Double], aleatoric: [Double], total: [Double]
  ) -> [Series] {
    precondition(
      x.count == mean.count && x.count == aleatoric.count && x.count == total.count,
      "Series.predictiveBands: lengths differ")
    let inner = aleatoric.map { 2 * $0.squareRoot() }
    let outer = total.map { 2 * $0.squareRoot() }
    return [
      .band(
        x: x, lower: zip(mean, outer).map(-), upper: zip(mean, inner).map(-),
        title: "±2 sd, total", color: .vermillion),
      .band(
        x: x, lower: zip(mean, inner).map(+), upper: zip(mean, outer).map(+), color: .vermillion),
      .band(
        x: x, lower: zip(mean, inner).map(-), upper: zip(mean, inner).map(+),
        title: "±2 sd, aleatoric only", color: .blue),
    ]
  }

  /// The 2-D inputs of a labelled data set as one marker series per class, in a fixed
  /// colour and marker shape per class (orange circles, vermillion triangles, then the
  /// palette and the other shapes), titled "class k": the shapes tell the classes apart
  /// where the two warm colours do not (in print, for colour-blind readers).
  ///
  /// - Parameters:
  ///   - data: a data set with two input columns and class labels.
  ///   - count: plot only the first `count` points (all if nil), to keep a map legible.
  ///   - size: the marker size.
  public static func classes(of data: Dataset, first count: Int? = nil, size: Double = 0.5)
    -> [Series]
  {
    precondition(data.inputs.columns == 2, "Series.classes: needs 2-D inputs")
    let labels = data.targets.labels
    let shown = 0..<Swift.min(count ?? data.count, data.count)
    let colours: [Color] = [.orange, .vermillion] + Color.palette
    let shapes: [MarkerShape] = [.circle, .triangle, .square, .diamond, .cross]
    return (0...(labels.max() ?? 0)).map { k in
      let members = shown.filter { labels[$0] == k }
      return .points(
        x: members.map { data.inputs[$0, 0] }, y: members.map { data.inputs[$0, 1] },
        title: "class \(k)", color: colours[k % colours.count], size: size,
        shape: shapes[k % shapes.count])
    }
  }
}

/// A single plot: axes, labels and the series drawn on them.
///
/// A figure is a value; ``GnuplotScript`` turns it into a self-contained gnuplot
/// script and ``FigureWriter`` saves and renders it.
public struct Figure: Sendable {
  /// The title above the plot (gnuplot enhanced text: `σ_p` subscripts p).
  public var title: String
  /// The x-axis label, with units.
  public var xLabel: String
  /// The y-axis label, with units.
  public var yLabel: String
  /// The drawn series, back to front.
  public var series: [Series]
  /// The x range, or nil to fit the data.
  public var xRange: ClosedRange<Double>?
  /// The y range, or nil to fit the data.
  public var yRange: ClosedRange<Double>?
  /// Logarithmic x axis.
  public var logX = false
  /// Logarithmic y axis.
  public var logY = false
  /// Where the legend goes.
  public var legend: LegendPosition = .topLeft
  /// The label of the colour bar (heatmaps only).
  public var colorBarLabel: String?
  /// The values the colour scale spans (heatmaps only), so that panels can share one
  /// scale; nil fits it to the data.
  public var colorRange: ClosedRange<Double>?
  /// Colour heatmaps on a logarithmic scale (every value must be positive: clamp at a
  /// floor first, and say so in the colour-bar label).
  public var logColors = false
  /// Draw the colour bar beside a heatmap; false in all but one panel of a grid whose
  /// panels share a ``colorRange``, so the shared scale is shown once.
  public var showsColorBar = true
  /// Draw x and y with equal scale.
  public var equalAxes = false
  /// Colour heatmaps on a diverging scale (red below the middle of the colour range,
  /// white at it, blue above) for signed values; give a symmetric ``colorRange`` so that
  /// white is zero.
  public var divergingColors = false
  /// Named tick marks on the x axis (e.g. categories under bars), or nil for numbers.
  public var xTickLabels: [(position: Double, label: String)]?
  /// Named tick marks on the y axis (e.g. the rows of a heat strip), or nil for numbers;
  /// an empty list draws no y tick marks at all.
  public var yTickLabels: [(position: Double, label: String)]?

  /// Creates a figure.
  ///
  /// - Parameters:
  ///   - title: the title.
  ///   - xLabel: the x-axis label.
  ///   - yLabel: the y-axis label.
  ///   - series: what to draw, back to front.
  public init(title: String, xLabel: String, yLabel: String, series: [Series] = []) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
  }
}

extension Figure {
  /// A map of a quantity over a regular grid of the input plane, with the first points
  /// of a 2-D classification data set drawn on top (no legend: the colours are the
  /// classes of ``Series/classes(of:first:size:)``).
  ///
  /// - Parameters:
  ///   - title: the panel title.
  ///   - xs: the grid's first coordinates.
  ///   - ys: the grid's second coordinates.
  ///   - values: one value per grid point, `x` fastest (as ``SyntheticData/grid(x:y:nx:ny:)``).
  ///   - colorBarLabel: what the colours measure, with units.
  ///   - data: the training data to overlay.
  ///   - count: how many of its points to draw.
  public static func planeMap(
    title: String, xs: [Double], ys: [Double], values: [Double], colorBarLabel: String,
    data: Dataset, first count: Int = 300
  ) -> Figure {
    precondition(values.count == xs.count * ys.count, "Figure.planeMap: one value per grid point")
    var figure = Figure(
      title: title, xLabel: "x_1", yLabel: "x_2",
      series: [
        .heatmap(xs: xs, ys: ys, values: Matrix(rows: ys.count, columns: xs.count, storage: values))
      ] + Series.classes(of: data, first: count, size: 0.4))
    figure.colorBarLabel = colorBarLabel
    figure.legend = .none
    figure.xRange = xs.first!...xs.last!
    figure.yRange = ys.first!...ys.last!
    return figure
  }
}

/// Several figures in a grid of panels, saved as one image.
public struct FigureGrid: Sendable {
  /// A title over all panels, or nil.
  public var title: String?
  /// The number of panel rows.
  public var rows: Int
  /// The number of panel columns.
  public var columns: Int
  /// The panels, row by row.
  public var panels: [Figure]

  /// Creates a grid; `panels.count` must not exceed `rows * columns`.
  ///
  /// - Parameters:
  ///   - title: a title over all panels.
  ///   - rows: panel rows.
  ///   - columns: panel columns.
  ///   - panels: the figures, row by row.
  public init(title: String? = nil, rows: Int, columns: Int, panels: [Figure]) {
    precondition(
      panels.count <= rows * columns,
      "FigureGrid: \(panels.count) panels do not fit \(rows)×\(columns)")
    self.title = title
    self.rows = rows
    self.columns = columns
    self.panels = panels
  }

  /// The grid with one colour scale for all its heat maps: every panel's
  /// ``Figure/colorRange`` set to `range`, and the colour bar drawn once, beside the last
  /// panel (heat-map panels keep one right margin with or without a bar, so the plot
  /// areas stay equal).
  ///
  /// - Parameter range: the values the shared colour scale spans.
  public func sharingColorScale(_ range: ClosedRange<Double>) -> FigureGrid {
    var grid = self
    for k in grid.panels.indices {
      grid.panels[k].colorRange = range
      grid.panels[k].showsColorBar = k == grid.panels.count - 1
    }
    return grid
  }
}
