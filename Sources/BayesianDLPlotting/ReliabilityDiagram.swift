import BayesianDL

extension Figure {
  /// A reliability diagram (Guo et al., 2017): the accuracy in each confidence bin as a
  /// bar, the gap from it to the bin's mean confidence as a thick vermillion segment
  /// (above the bar where the model was over-confident, inside it where it was
  /// under-confident), and the diagonal that a perfectly calibrated classifier would
  /// follow. Empty bins have neither.
  ///
  /// - Parameters:
  ///   - reliability: the binned predictions.
  ///   - title: the panel title (say which model and data).
  public static func reliabilityDiagram(_ reliability: Reliability, title: String) -> Figure {
    let filled = reliability.bins.filter { $0.count > 0 }
    // One bar series per bin, so that equal-mass bins keep their own widths.
    var series: [Series] = filled.enumerated().map { k, bin in
      .bars(
        x: [(bin.lower + bin.upper) / 2], heights: [bin.accuracy],
        width: Swift.max(bin.upper - bin.lower, 0.01), title: k == 0 ? "accuracy" : nil,
        color: .blue)
    }
    series.append(
      .line(x: [0, 1], y: [0, 1], title: "perfect calibration", color: .grey, dashed: true))
    for (k, bin) in filled.enumerated() where bin.gap > 0 {
      let centre = (bin.lower + bin.upper) / 2
      series.append(
        .line(
          x: [centre, centre], y: [bin.accuracy, bin.confidence],
          title: k == filled.firstIndex { $0.gap > 0 } ? "gap to mean confidence" : nil,
          color: .vermillion, width: 5))
    }
    var figure = Figure(
      title: title, xLabel: "confidence (largest probability)", yLabel: "accuracy",
      series: series)
    figure.xRange = 0...1
    figure.yRange = 0...1
    figure.legend = .topLeft
    return figure
  }

  /// The share of predictions in each confidence bin of a reliability diagram — the
  /// histogram that belongs beneath it, since a bin's gap matters in proportion to its
  /// share.
  ///
  /// - Parameters:
  ///   - reliability: the binned predictions.
  ///   - title: the panel title.
  public static func confidenceHistogram(_ reliability: Reliability, title: String) -> Figure {
    let bins = reliability.bins
    var figure = Figure(
      title: title, xLabel: "confidence (largest probability)", yLabel: "share of predictions",
      series: [
        .bars(
          x: bins.map { ($0.lower + $0.upper) / 2 },
          heights: bins.map { Double($0.count) / Double(reliability.count) },
          width: bins.map { $0.upper - $0.lower }.min() ?? 0.1, color: .grey)
      ])
    figure.xRange = 0...1
    figure.yRange = 0...1
    figure.legend = .none
    return figure
  }
}
