/// The area under the ROC curve of a score that should be higher for positives.
public enum AUROC {
  /// $P(\text{score of a random positive} > \text{score of a random negative})$, with ties
  /// counted as one half (the Mann–Whitney statistic divided by $n_+ n_-$).
  ///
  /// Computed from the ranks of the pooled scores (mid-ranks for ties):
  /// $\mathrm{AUROC} = \big(R_+ - n_+(n_+ + 1)/2\big)/(n_+ n_-)$.
  ///
  /// - Parameters:
  ///   - positives: scores of the positive class (e.g. out-of-distribution inputs).
  ///   - negatives: scores of the negative class.
  public static func of(positives: [Double], negatives: [Double]) -> Double {
    precondition(
      !positives.isEmpty && !negatives.isEmpty, "AUROC: needs at least one score of each class")
    precondition(
      (positives + negatives).allSatisfy { !$0.isNaN }, "AUROC: a score is NaN")
    let pooled = (positives.map { ($0, true) } + negatives.map { ($0, false) }).sorted {
      $0.0 < $1.0
    }
    var rankSum = 0.0
    var i = 0
    while i < pooled.count {
      var j = i
      while j + 1 < pooled.count && pooled[j + 1].0 == pooled[i].0 { j += 1 }
      let midRank = Double(i + j) / 2 + 1  // ranks are 1-based
      for k in i...j where pooled[k].1 { rankSum += midRank }
      i = j + 1
    }
    let (np, nn) = (Double(positives.count), Double(negatives.count))
    return (rankSum - np * (np + 1) / 2) / (np * nn)
  }
}
