import ArgumentParser
import BayesianDL
import Foundation

/// `bdl`: calibration of your own classifier's predictions, from CSV files.
struct BDL: ParsableCommand {
  /// The tool's version, for `bdl --version`.
  static let version = "1.1.0"

  static let configuration = CommandConfiguration(
    commandName: "bdl",
    abstract: "Calibration metrics, reliability diagrams and temperature scaling for your own "
      + "classifier's predictions, and the scores of a regression model's Gaussian predictions.",
    discussion: """
      Export the predictions of a model as CSV (or tab-separated: .tsv or --delimiter tab; \
      a header row is recognised; --index-column drops a leading index; - reads standard \
      input), then:

        bdl calibration --probabilities P.csv --labels Y.csv --figure reliability.png
        bdl temperature --logits VAL.csv --labels VAL_Y.csv          (fit T on validation)
        bdl calibration --logits TEST.csv --temperature T --labels TEST_Y.csv
        bdl regression --predictions P.csv --figure calibration.png  (columns mean,std,target)
      """,
    version: BDL.version,
    subcommands: [Calibration.self, Temperature.self, Regression.self])
}

ProcessTuning.apply()
// Usage errors too are one line on standard error with exit status 1, as bad input is
// (the argument parser's own default is a usage block and status 64); `--help` and
// `--version` keep their clean exit.
do {
  var command = try BDL.parseAsRoot()
  try command.run()
} catch {
  guard BDL.exitCode(for: error) == .validationFailure else { BDL.exit(withError: error) }
  Diagnostics.fail(BDL.message(for: error).trimmingCharacters(in: .whitespacesAndNewlines))
}
