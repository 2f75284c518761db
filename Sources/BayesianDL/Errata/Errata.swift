import Foundation

/// Formulas as the source notes wrote them, where they are wrong.
///
/// Kept in the core so that a chapter can show, and a test can prove, how each one
/// fails. No result the course reports rests on them; where a chapter trains with one,
/// it is to show what the wrong formula does.
public enum Errata {}
