import BayesianDL
import Foundation

/// Turns ``Figure``s into self-contained gnuplot scripts: the data go inline as
/// `$name << EOD` datablocks, so the script alone redraws the figure.
///
/// The output file defaults to `<name>.png` next to the script and can be overridden
/// with `gnuplot -e "outfile='other.png'" name.gp`.
public enum GnuplotScript {
  /// The house style shared by every figure. The fill is solid because gnuplot draws the
  /// colour bar with it (a transparent fill fades the bar so it no longer matches its
  /// map); bands set their own transparency.
  static let style = """
    set encoding utf8
    set border 3 lw 1 lc rgb '#444444'
    set tics nomirror out scale 0.6
    set grid xtics ytics lc rgb '#e6e6e6' lw 1 dt 1
    set key noautotitle samplen 2.5 spacing 1.1 font ',10'
    set style fill solid 1.0 noborder
    """

  /// The sequential palette of the house style and the diverging one for signed values.
  static let sequentialPalette =
    "set palette defined (0 '#ffffff', 0.05 '#deebf7', 0.3 '#9ecae1', 0.6 '#3182bd', 1 '#08306b')\n"
  static let divergingPalette =
    "set palette defined (0 '#b2182b', 0.25 '#ef8a62', 0.5 '#f7f7f7', 0.75 '#67a9cf', 1 '#2166ac')\n"

  /// The script for one figure.
  ///
  /// - Parameters:
  ///   - figure: what to draw.
  ///   - name: the base name (the default output is `name.png`).
  ///   - width: image width in pixels.
  ///   - height: image height in pixels.
  public static func script(for figure: Figure, name: String, width: Int = 800, height: Int = 560)
    -> String
  {
    var out = header(name: name, width: width, height: height)
    var blocks = DatablockNamer(prefix: "p1")
    out += panel(figure, blocks: &blocks)
    return out
  }

  /// The script for a grid of panels (gnuplot `multiplot`).
  ///
  /// - Parameters:
  ///   - grid: the panels.
  ///   - name: the base name (the default output is `name.png`).
  ///   - panelWidth: pixels per panel column.
  ///   - panelHeight: pixels per panel row.
  public static func script(
    for grid: FigureGrid, name: String, panelWidth: Int = 520, panelHeight: Int = 440
  ) -> String {
    let titleSpace = grid.title == nil ? 0 : 40
    var out = header(
      name: name, width: panelWidth * grid.columns, height: panelHeight * grid.rows + titleSpace)
    let title = grid.title.map { " title '\(escape($0))' font ',14'" } ?? ""
    out += "set multiplot layout \(grid.rows),\(grid.columns)\(title)\n"
    for (k, figure) in grid.panels.enumerated() {
      var blocks = DatablockNamer(prefix: "p\(k + 1)")
      out += "\n# Panel \(k + 1)\nreset\n" + style + "\n"
      out += panel(figure, blocks: &blocks)
    }
    out += "unset multiplot\n"
    return out
  }

  private static func header(name: String, width: Int, height: Int) -> String {
    """
    # \(name).gp — written by the course; redraw with: gnuplot \(name).gp
    if (!exists("outfile")) outfile = '\(escape(name)).png'
    set terminal pngcairo size \(width),\(height) enhanced font 'DejaVu Sans,11' background rgb 'white'
    set output outfile
    \(style)

    """
  }

  /// Gives each datablock of a panel a unique name.
  struct DatablockNamer {
    let prefix: String
    var next = 0
    mutating func callAsFunction() -> String {
      next += 1
      return "$\(prefix)_\(next)"
    }
  }

  private static func panel(_ figure: Figure, blocks: inout DatablockNamer) -> String {
    var out = ""
    var plotClauses = [String]()
    for series in figure.series {
      let block = blocks()
      switch series {
      case .line(let x, let y, let title, let color, let width, let dashed):
        out += datablock(block, columns: [x, y])
        plotClauses.append(
          "\(block) using 1:2 with lines lw \(format(width)) lc rgb '\(color.hex)'\(dashed ? " dt 2" : "")\(titled(title))"
        )
      case .points(let x, let y, let title, let color, let size, let shape):
        out += datablock(block, columns: [x, y])
        plotClauses.append(
          "\(block) using 1:2 with points pt \(shape.rawValue) ps \(format(size)) lc rgb '\(color.hex)'\(titled(title))"
        )
      case .intervals(let x, let y, let lower, let upper, let title, let color, let size):
        out += datablock(block, columns: [x, y, lower, upper])
        plotClauses.append(
          "\(block) using 1:2:3:4 with yerrorbars pt 7 ps \(format(size)) lw 1.5 lc rgb '\(color.hex)'\(titled(title))"
        )
      case .band(let x, let lower, let upper, let title, let color):
        out += datablock(block, columns: [x, lower, upper])
        plotClauses.append(
          "\(block) using 1:2:3 with filledcurves lc rgb '\(color.hex)' fs transparent solid 0.25 noborder\(titled(title))"
        )
      case .heatmap(let xs, let ys, let values):
        out += gridDatablock(block, xs: xs, ys: ys, values: values)
        // One bitmap: `with image pixels` draws each cell as a rectangle, and the
        // antialiased edges leave light seams across dark maps.
        plotClauses.append("\(block) using 1:2:3 with image")
      case .contour(let xs, let ys, let values, let levels, let title, let color):
        out += gridDatablock(block, xs: xs, ys: ys, values: values)
        let table = block + "_lines"
        out += """
          set contour base
          set cntrparam levels discrete \(levels.map(format).joined(separator: ","))
          unset surface
          set table \(table)
          splot \(block) using 1:2:3 with lines
          unset table
          unset contour
          set surface

          """
        plotClauses.append(
          "\(table) using 1:2 with lines lw 1.5 lc rgb '\(color.hex)'\(titled(title))")
      case .bars(let x, let heights, let width, let title, let color):
        out += datablock(block, columns: [x, heights])
        plotClauses.append(
          "\(block) using 1:2:(\(format(width * 0.9))) with boxes lc rgb '\(color.hex)' fs solid 0.6 noborder\(titled(title))"
        )
      }
    }
    out += "set title '\(escape(figure.title))' font ',13'\n"
    out += "set xlabel '\(escape(figure.xLabel))'\nset ylabel '\(escape(figure.yLabel))'\n"
    if let r = figure.xRange {
      out += "set xrange [\(format(r.lowerBound)):\(format(r.upperBound))]\n"
    }
    if let r = figure.yRange {
      out += "set yrange [\(format(r.lowerBound)):\(format(r.upperBound))]\n"
    }
    if figure.logX { out += "set logscale x\nset format x '10^{%L}'\n" }
    if figure.logY { out += "set logscale y\nset format y '10^{%L}'\n" }
    if figure.equalAxes { out += "set size ratio -1\n" }
    if let ticks = figure.xTickLabels {
      let list = ticks.map { "'\(escape($0.label))' \(format($0.position))" }.joined(
        separator: ", ")
      out += "set xtics (\(list))\n"
    }
    if let ticks = figure.yTickLabels {
      let list = ticks.map { "'\(escape($0.label))' \(format($0.position))" }.joined(
        separator: ", ")
      out += ticks.isEmpty ? "unset ytics\n" : "set ytics (\(list))\n"
    }
    if let cb = figure.colorBarLabel { out += "set cblabel '\(escape(cb))'\n" }
    if let r = figure.colorRange {
      out += "set cbrange [\(format(r.lowerBound)):\(format(r.upperBound))]\n"
    }
    let hasImage = figure.series.contains {
      if case .heatmap = $0 { return true } else { return false }
    }
    // The bar is placed against the plot rather than in gnuplot's default spot: the
    // default takes its room from the plot, which shrinks a panel with equal axes in both
    // directions. With the same right margin with or without the bar, the panels of a
    // grid that show one shared bar keep plot areas of one size.
    if !hasImage || !figure.showsColorBar {
      out += "unset colorbox\n"
    } else {
      out += "set colorbox user origin graph 1.03, graph 0 size character 1.5, graph 1\n"
    }
    if hasImage { out += "set rmargin 13\n" }
    if hasImage && figure.logColors { out += "set logscale cb\nset format cb '10^{%L}'\n" }
    // Set per panel: a palette set by one panel of a multiplot would carry over.
    if hasImage { out += figure.divergingColors ? divergingPalette : sequentialPalette }
    out += figure.legend == .none ? "unset key\n" : "set key \(figure.legend.rawValue)\n"
    out += "plot \\\n  " + plotClauses.joined(separator: ", \\\n  ") + "\n"
    return out
  }

  private static func titled(_ title: String?) -> String {
    title.map { " title '\(escape($0))'" } ?? " notitle"
  }

  /// Quotes a string for a single-quoted gnuplot literal ('' stands for ') and escapes
  /// `~`, which enhanced text would read as an overprint (`^` and `_` keep their
  /// meaning: super- and subscripts).
  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "~", with: "\\~")
  }

  /// A number in a form gnuplot reads back exactly enough for plotting.
  static func format(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "1e308" : "-1e308" }
    return String(format: "%.6g", value)
  }

  private static func datablock(_ name: String, columns: [[Double]]) -> String {
    let n = columns.first?.count ?? 0
    precondition(columns.allSatisfy { $0.count == n }, "Figure: a series' columns differ in length")
    var out = "\(name) << EOD\n"
    for k in 0..<n {
      out += columns.map { format($0[k]) }.joined(separator: " ") + "\n"
    }
    return out + "EOD\n"
  }

  /// A grid as gnuplot scan lines: one block of `xs.count` rows per y value, separated
  /// by blank lines (the layout both `with image` and `splot` contours read).
  private static func gridDatablock(_ name: String, xs: [Double], ys: [Double], values: Matrix)
    -> String
  {
    precondition(
      values.rows == ys.count && values.columns == xs.count,
      "Figure: grid values are [\(values.rows), \(values.columns)] but the axes have \(ys.count) × \(xs.count) points"
    )
    var out = "\(name) << EOD\n"
    for (j, y) in ys.enumerated() {
      for (i, x) in xs.enumerated() {
        out += "\(format(x)) \(format(y)) \(format(values[j, i]))\n"
      }
      out += "\n"
    }
    return out + "EOD\n"
  }
}
