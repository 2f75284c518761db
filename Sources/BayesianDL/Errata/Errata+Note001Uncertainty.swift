import Foundation

extension Errata {
  /// Note 001's `UncertaintyDecomposition.estimate` with its sampling repaired, to show what
  /// its reductions compute on their own.
  ///
  /// The note forms the logits as `W @ h.T`, `[classes, batch]`, takes the softmax over the
  /// classes (dim 0, correctly), stacks the samples to `[samples, classes, batch]` (its
  /// comment says `[samples, batch, classes]`) and sums $-p\log p$ over dim $-1$: over the
  /// **images of the batch**, not over the classes. So each of its three "uncertainties" is
  /// one number per *class*, summed over the batch,
  /// $$\text{total}_c = -\sum_n \bar p_{nc}\log\bar p_{nc}, \qquad
  ///   \text{aleatoric}_c = \frac1S\sum_s -\sum_n p_{snc}\log p_{snc}, \qquad
  ///   \text{epistemic}_c = \text{total}_c - \text{aleatoric}_c,$$
  /// with $\bar p_{nc} = \frac1S\sum_s p_{snc}$. None of them belongs to an image; they change
  /// with what else is in the batch; and summed over the classes the epistemic entries give
  /// the batch's total mutual information $\sum_n I_n$, the only per-image quantity left in
  /// them. (The note also adds $10^{-10}$ inside the logarithm; left out here, so that the
  /// identity holds to round-off.)
  ///
  /// - Parameter probabilities: $S \ge 1$ sampled predictions, each `[n, classes]` (the
  ///   course's layout, the transpose of the note's).
  /// - Returns: per class, the note's three terms.
  public static func note001BatchSummedDecomposition(classProbabilities probabilities: [Matrix])
    -> (total: [Double], aleatoric: [Double], epistemic: [Double])
  {
    precondition(!probabilities.isEmpty, "note001BatchSummedDecomposition: no samples")
    let (rows, classes) = (probabilities[0].rows, probabilities[0].columns)
    /// $-\sum_n p_{nc}\log p_{nc}$ for each class $c$ (with $0\log 0 = 0$).
    func entropySummedOverBatch(_ p: Matrix) -> [Double] {
      (0..<classes).map { c in
        (0..<rows).reduce(0) { sum, n in
          let x = p[n, c]
          return x > 0 ? sum - x * log(x) : sum
        }
      }
    }
    let s = Double(probabilities.count)
    let mean = probabilities.dropFirst().reduce(probabilities[0], +) / s
    let total = entropySummedOverBatch(mean)
    let perSample = probabilities.map(entropySummedOverBatch)
    let aleatoric = (0..<classes).map { c in perSample.reduce(0) { $0 + $1[c] } / s }
    return (total, aleatoric, zip(total, aleatoric).map { $0 - $1 })
  }

  /// Note 001's `OODDetector._calibrate_threshold` rule: the smallest epistemic score on a
  /// validation set of in-distribution inputs. With `is_id = epistemic < threshold`, every
  /// validation input is declared out of distribution, and so is nearly every new
  /// in-distribution input: the rule flags all but the few that happen to score below the
  /// validation minimum. A threshold meant to keep a false-positive rate $a$ is the
  /// $1 - a$ quantile of the in-distribution scores instead.
  ///
  /// - Parameter validationScores: the epistemic scores of in-distribution validation inputs.
  public static func note001OODThreshold(validationScores: [Double]) -> Double {
    precondition(!validationScores.isEmpty, "note001OODThreshold: no scores")
    return validationScores.min()!
  }

  /// Note 001's `TwoStageBLL.train_backbone`: stage one applies the cross-entropy to the
  /// backbone's *features* — there is no classification head in that stage. With $H$
  /// features and $C < H$ classes, PyTorch's `CrossEntropyLoss` accepts this silently:
  /// it reads the $H$ features as the logits of $H$ classes, of which only the first $C$
  /// ever occur as labels. So stage one trains the first $C$ feature units to be the class
  /// scores and pushes every other unit down, which for ReLU features means to 0 — a
  /// softmax classifier over $H$ classes, not a feature extractor for a last layer.
  ///
  /// The objective per datum is the mean of $-\log\operatorname{softmax}(\phi(x_n))_{y_n}$ over
  /// the batch, $\phi = \mathrm{ReLU}$ of `backbone`'s output, with no weight decay (the
  /// note's plain Adam).
  public struct Note001StageOne: MinibatchObjective {
    /// The feature extractor: its output, through a ReLU, is $\phi(x)$.
    public let backbone: MLP

    /// Creates the objective.
    ///
    /// - Parameter backbone: deterministic layers; its output width is the feature width $H$.
    public init(backbone: MLP) { self.backbone = backbone }

    /// The features the note's stage one trains, $\mathrm{ReLU}$ of the backbone's output.
    ///
    /// - Parameter x: `[batch, inputs]`.
    /// - Returns: `[batch, features]`.
    public func features(at x: Matrix) -> Matrix {
      var unused = Generator(seed: 0)  // dense layers draw nothing
      return backbone.predict(x, using: &unused).map { Swift.max($0, 0) }
    }

    /// The cross-entropy of the features read as logits, on a new tape.
    ///
    /// - Parameters:
    ///   - batch: inputs and class labels (each below the feature width).
    ///   - datasetSize: $N$ (unused: there is no regulariser).
    ///   - rng: unused by dense layers.
    public func loss(on batch: Dataset, datasetSize: Int, using rng: inout Generator)
      -> MinibatchLoss
    {
      let tape = Tape()
      let features = relu(backbone.forward(tape.constant(batch.inputs), mode: .sample, using: &rng))
      let nll = softmaxCrossEntropy(logits: features, labels: batch.targets.labels)
      return MinibatchLoss(total: nll, negativeLogLikelihood: nll.value.scalarValue, regulariser: 0)
    }
  }
}
