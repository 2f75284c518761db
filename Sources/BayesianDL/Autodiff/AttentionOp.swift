import Foundation

/// Causal multi-head self-attention over a batch of sequences stacked row-wise, in one
/// tape node: what ``scaledDotProductAttention(queries:keys:values:causal:)`` computes for
/// one sequence and one head, done for every sequence and head without slicing the
/// batch into hundreds of small nodes.
///
/// Rows $bT \dots bT + T - 1$ of each input belong to sequence $b$; columns
/// $h\,d_h \dots (h+1)\,d_h - 1$ to head $h$, with $d_h = d/H$. For each sequence and head,
/// $S = QK^\top/\sqrt{d_h}$, $P = \operatorname{softmax}_{\text{causal}}(S)$, $O = PV$, and
/// the heads' outputs sit side by side in the output's columns.
///
/// Pullback, per sequence and head: $\bar V = P^\top\bar O$, $\bar P = \bar O V^\top$,
/// $\bar S_{ij} = P_{ij}\big(\bar P_{ij} - \sum_k P_{ik}\bar P_{ik}\big)$,
/// $\bar Q = \bar S K/\sqrt{d_h}$, $\bar K = \bar S^\top Q/\sqrt{d_h}$.
///
/// - Parameters:
///   - queries: $Q$, `[B·T, d]`.
///   - keys: $K$, `[B·T, d]`.
///   - values: $V$, `[B·T, d]`.
///   - sequenceLength: $T$, the rows of one sequence.
///   - heads: $H$, which must divide $d$.
public func causalSelfAttention(
  queries: Variable, keys: Variable, values: Variable, sequenceLength: Int, heads: Int
) -> Variable {
  let (n, d) = (queries.rows, queries.columns)
  precondition(
    keys.value.shape == queries.value.shape && values.value.shape == queries.value.shape,
    "causalSelfAttention: queries, keys and values differ in shape")
  precondition(
    sequenceLength > 0 && n % sequenceLength == 0,
    "causalSelfAttention: \(n) rows are not whole sequences of \(sequenceLength)")
  precondition(
    heads > 0 && d % heads == 0, "causalSelfAttention: \(heads) heads do not divide \(d)")
  let t = sequenceLength
  let headWidth = d / heads
  let scale = 1 / Double(headWidth).squareRoot()
  let (q, k, v) = (queries.node, keys.node, values.node)
  let layout = AttentionLayout(sequences: n / t, length: t, width: d, heads: heads)
  // P for every (sequence, head), T×T each, lower triangle used: kept for the pullback.
  var attention = [Double](repeating: 0, count: (n / t) * heads * t * t)
  var output = Matrix(rows: n, columns: d)
  // Raw pointers: these loops run over every (sequence, head, i, j, c) of the batch, and
  // bounds checks would double their cost.
  q.value.storage.withUnsafeBufferPointer { qs in
    k.value.storage.withUnsafeBufferPointer { ks in
      v.value.storage.withUnsafeBufferPointer { vs in
        output.storage.withUnsafeMutableBufferPointer { os in
          attention.withUnsafeMutableBufferPointer { a in
            layout.forEachQuery { block, i, qi, offset in
              var top = -Double.infinity
              for j in 0...i {
                let kj = offset(j)
                var s = 0.0
                for c in 0..<headWidth { s += qs[qi + c] * ks[kj + c] }
                a[block + i * t + j] = s * scale
                top = Swift.max(top, s * scale)
              }
              var total = 0.0
              for j in 0...i {
                let e = Foundation.exp(a[block + i * t + j] - top)
                a[block + i * t + j] = e
                total += e
              }
              for j in 0...i {
                let p = a[block + i * t + j] / total
                a[block + i * t + j] = p
                let vj = offset(j)
                for c in 0..<headWidth { os[qi + c] += p * vs[vj + c] }
              }
            }
          }
        }
      }
    }
  }
  let probabilities = attention
  return queries.tape.record(output, inputs: [queries, keys, values]) { g, tape in
    var (dq, dk, dv) = (
      Matrix(rows: n, columns: d), Matrix(rows: n, columns: d), Matrix(rows: n, columns: d)
    )
    var dp = [Double](repeating: 0, count: t)
    g.storage.withUnsafeBufferPointer { gs in
      q.value.storage.withUnsafeBufferPointer { qs in
        k.value.storage.withUnsafeBufferPointer { ks in
          v.value.storage.withUnsafeBufferPointer { vs in
            probabilities.withUnsafeBufferPointer { a in
              dq.storage.withUnsafeMutableBufferPointer { dqs in
                dk.storage.withUnsafeMutableBufferPointer { dks in
                  dv.storage.withUnsafeMutableBufferPointer { dvs in
                    layout.forEachQuery { block, i, qi, offset in
                      // P̄_ij = Ō_i · V_j, and V̄_j += P_ij Ō_i.
                      var weighted = 0.0
                      for j in 0...i {
                        let vj = offset(j)
                        let p = a[block + i * t + j]
                        var s = 0.0
                        for c in 0..<headWidth {
                          s += gs[qi + c] * vs[vj + c]
                          dvs[vj + c] += p * gs[qi + c]
                        }
                        dp[j] = s
                        weighted += p * s
                      }
                      for j in 0...i {
                        let ds = a[block + i * t + j] * (dp[j] - weighted) * scale
                        let kj = offset(j)
                        for c in 0..<headWidth {
                          dqs[qi + c] += ds * ks[kj + c]
                          dks[kj + c] += ds * qs[qi + c]
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    tape.accumulate(dq, into: q)
    tape.accumulate(dk, into: k)
    tape.accumulate(dv, into: v)
  }
}

/// Where each sequence and head of a batched attention lives in the stacked `[B·T, d]`
/// inputs and in the `[B·H·T·T]` buffer of attention weights.
private struct AttentionLayout {
  /// $B$, $T$, $d$ and $H$.
  let sequences: Int, length: Int, width: Int, heads: Int

  /// Calls `body(block, i, qi, offset)` for every query row $i$ of every sequence and
  /// head: `block` is where that (sequence, head)'s $T \times T$ weights start, `qi` the
  /// index of the row's first entry of this head in the inputs, and `offset(j)` that of
  /// row $j$ of the same sequence and head.
  @inline(__always)
  func forEachQuery(_ body: (_ block: Int, _ i: Int, _ qi: Int, _ offset: (Int) -> Int) -> Void) {
    let headWidth = width / heads
    for b in 0..<sequences {
      for h in 0..<heads {
        let block = (b * heads + h) * length * length
        let column = h * headWidth
        let offset = { (j: Int) in (b * length + j) * width + column }
        for i in 0..<length { body(block, i, offset(i), offset) }
      }
    }
  }
}
