import ArgumentParser
import BayesianDL

/// `bdl`: calibration of your own classifier's predictions, from CSV files.
struct BDL: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bdl",
    abstract: "Calibration metrics, reliability diagrams and temperature scaling for your own "
      + "classifier's predictions.",
    discussion: """
      Export the predictions of a model as CSV — one row per example, one column per \
      class, no header — and the true classes one per line, then:

        bdl calibration --probabilities P.csv --labels Y.csv --figure reliability.png
        bdl temperature --logits Z.csv --labels Y.csv --apply calibrated.csv
      """,
    subcommands: [Calibration.self, Temperature.self])
}

ProcessTuning.apply()
BDL.main()
