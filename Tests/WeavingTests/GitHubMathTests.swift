import Testing

@testable import Weaving

/// The rewrite to GitHub's maths forms, checked on the constructs the pages use and on
/// the text that must stay as it is.
@Suite struct GitHubMathTests {
  @Test func inlineMathBecomesACodeSpanBetweenDollars() {
    #expect(
      GitHubMath.rewrite(#"where $s_i \in \{\pm1\}$ and $a\,b$."#)
        == #"where $`s_i \in \{\pm1\}`$ and $`a\,b`$."#)
    #expect(GitHubMath.rewrite("$x$") == "$`x`$")
  }

  @Test func aLineThatIsOneDisplayFormulaBecomesAMathBlockAtItsIndentation() {
    #expect(
      GitHubMath.rewrite(#"  $$\mathrm{KL}(q\,\|\,p)$$"#)
        == "  ```math\n  \\mathrm{KL}(q\\,\\|\\,p)\n  ```")
    // Inside a sentence, $$…$$ is inline maths.
    #expect(GitHubMath.rewrite("so $$a$$ holds") == "so $`a`$ holds")
  }

  @Test func dollarsThatAreNotMathStayAsTheyAre() {
    for text in [
      "costs $5 and $6", "a $ sign", #"an escaped \$x\$"#, "`code $x$ here`",
      "unclosed $x", "$ x$",
    ] {
      #expect(GitHubMath.rewrite(text) == text, "\(text)")
    }
  }

  @Test func fencedBlocksAreLeftAlone() {
    let block = "```swift\nlet s = \"$x$\"\n```\nthen $y$"
    #expect(GitHubMath.rewrite(block) == "```swift\nlet s = \"$x$\"\n```\nthen $`y`$")
  }
}
