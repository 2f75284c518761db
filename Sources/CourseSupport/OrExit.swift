import Foundation

/// Runs `body` and returns its value; if it throws, prints the error as one clear line
/// on standard error and exits with status 1 (a chapter's way of stopping on bad input
/// or diverged training instead of crashing).
///
/// - Parameters:
///   - context: what was being done, e.g. `"training the MAP network"`.
///   - body: the throwing work.
@discardableResult
public func orExit<T>(_ context: String, _ body: () throws -> T) -> T {
  do {
    return try body()
  } catch {
    FileHandle.standardError.write(Data("error: \(context): \(error)\n".utf8))
    exit(1)
  }
}
