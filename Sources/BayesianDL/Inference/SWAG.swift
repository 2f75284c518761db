import Foundation

/// SWAG, stochastic weight averaging–Gaussian (Maddox et al. 2019): a Gaussian over the
/// weights fitted to the iterates of SGD run at a constant, high learning rate.
///
/// From a trained network, SGD keeps going at a constant step and does not settle: its
/// iterates wander around the minimum, more along flat directions than steep ones. SWAG
/// takes a snapshot $\theta_1, \dots, \theta_T$ every so often (once per epoch in the paper)
/// and keeps
/// - the running first and second moments, giving the mean
///   $\bar\theta = \frac1T\sum_t\theta_t$ (the SWA solution) and the diagonal
///   $\Sigma_{\text{diag}} = \operatorname{diag}\big(\overline{\theta^2} - \bar\theta^2\big)$;
/// - the deviations of the last $K$ snapshots from the mean, as the $K$ columns of a
///   $P \times K$ matrix $\hat D$, giving the rank-$K$ part
///   $\Sigma_{\text{low}} = \hat D\hat D^\top/(K - 1)$.
///
/// The posterior approximation is
/// $\mathcal N\big(\bar\theta,\ \tfrac12(\Sigma_{\text{diag}} + \Sigma_{\text{low}})\big)$,
/// sampled without forming any $P \times P$ matrix:
/// $$\tilde\theta = \bar\theta + \tfrac1{\sqrt2}\,\Sigma_{\text{diag}}^{1/2} z_1 + \tfrac1{\sqrt{2(K-1)}}\,\hat D z_2,
/// \qquad z_1 \sim \mathcal N(0, I_P),\ z_2 \sim \mathcal N(0, I_K).$$
/// With rank $K = 0$ it is SWAG-diagonal, $\mathcal N(\bar\theta, \Sigma_{\text{diag}})$.
///
/// One difference from the paper: Maddox et al. subtract the running mean at the time of
/// each snapshot, because they stream. Keeping the last $K$ snapshots costs the same
/// memory, so here the deviations are taken from the final mean $\bar\theta$; then, when
/// $K \ge T$, $\Sigma_{\text{low}}$ is exactly the sample covariance of the snapshots.
///
/// Nothing in SWAG is tuned to the posterior: how wide it is depends on the learning rate
/// and the batch size of the SGD run (Mandt et al. 2017 relate the two).
public struct SWAG: Sendable {
  /// $\bar\theta$, the mean of the snapshots (the SWA weights).
  public let mean: [Double]
  /// The diagonal of $\Sigma_{\text{diag}}$: each weight's variance over the snapshots
  /// (divided by $T$).
  public let variance: [Double]
  /// The columns of $\hat D$: the last $K$ snapshots minus $\bar\theta$, oldest first.
  public let deviations: [[Double]]
  /// $T$, the snapshots the moments were taken over.
  public let snapshots: Int

  /// The SWAG Gaussian of a list of snapshots (what ``Collector`` builds as it goes).
  ///
  /// - Parameters:
  ///   - snapshots: $T \ge 2$ weight vectors of one length, in the order SGD visited them.
  ///   - rank: $K$, 0 (SWAG-diagonal) or $2 \le K \le T$.
  public init(snapshots: [[Double]], rank: Int) {
    var collector = Collector(dimension: snapshots.first?.count ?? 0, rank: rank)
    for theta in snapshots { collector.add(theta) }
    self = collector.gaussian()
  }

  /// Wraps moments already computed.
  ///
  /// - Parameters:
  ///   - mean: $\bar\theta$.
  ///   - variance: the diagonal of $\Sigma_{\text{diag}}$ (non-negative).
  ///   - deviations: the $K$ columns of $\hat D$ (none, or at least 2).
  ///   - snapshots: $T$.
  public init(mean: [Double], variance: [Double], deviations: [[Double]], snapshots: Int) {
    precondition(
      variance.count == mean.count && deviations.allSatisfy { $0.count == mean.count },
      "SWAG: the mean, variance and deviations must have one length")
    precondition(deviations.count != 1, "SWAG: the low-rank part needs K = 0 or K ≥ 2 columns")
    precondition(variance.allSatisfy { $0 >= 0 }, "SWAG: negative variance")
    self.mean = mean
    self.variance = variance
    self.deviations = deviations
    self.snapshots = snapshots
  }

  /// $P$, the number of weights.
  public var dimension: Int { mean.count }

  /// $K$, the rank of the low-rank part (0 for SWAG-diagonal).
  public var rank: Int { deviations.count }

  /// $\Sigma_{\text{low}} = \hat D\hat D^\top/(K - 1)$, $P \times P$ (for checks on small
  /// problems; sampling never forms it). Zero when $K = 0$.
  public func lowRankCovariance() -> Matrix {
    guard rank >= 2 else { return Matrix(rows: dimension, columns: dimension, repeating: 0) }
    // D is stored by columns: as a K × P row-major matrix it is Dᵀ.
    let transposed = Matrix(rows: rank, columns: dimension, storage: deviations.flatMap { $0 })
    return Matrix.product(transposed, transposed, transposeA: true) / Double(rank - 1)
  }

  /// The covariance of the Gaussian, $P \times P$: $\tfrac12(\Sigma_{\text{diag}} +
  /// \Sigma_{\text{low}})$, or $\Sigma_{\text{diag}}$ for SWAG-diagonal.
  public func covariance() -> Matrix {
    var sigma = lowRankCovariance()
    for i in 0..<dimension { sigma[i, i] += variance[i] }
    return rank >= 2 ? sigma * 0.5 : sigma
  }

  /// One draw $\tilde\theta$ from the Gaussian.
  ///
  /// - Parameter rng: $P$ standard normals for $z_1$, then $K$ for $z_2$.
  public func sample(using rng: inout Generator) -> [Double] {
    let diagonalScale = rank >= 2 ? 0.5.squareRoot() : 1
    var theta = mean
    for i in theta.indices { theta[i] += diagonalScale * variance[i].squareRoot() * rng.normal() }
    guard rank >= 2 else { return theta }
    let lowRankScale = 1 / (2 * Double(rank - 1)).squareRoot()
    for column in deviations {
      let z = lowRankScale * rng.normal()
      for i in theta.indices { theta[i] += z * column[i] }
    }
    return theta
  }

  /// `count` independent draws.
  ///
  /// - Parameters:
  ///   - count: how many.
  ///   - rng: the draws' generator.
  public func samples(_ count: Int, using rng: inout Generator) -> [[Double]] {
    (0..<count).map { _ in sample(using: &rng) }
  }
}

extension SWAG {
  /// The running moments of the snapshots and the last $K$ of them, updated one snapshot
  /// at a time as SGD runs.
  ///
  /// The mean and the sum of squared deviations are updated by Welford's recurrence, which
  /// equals $\overline{\theta^2} - \bar\theta^2$ in exact arithmetic without its
  /// cancellation.
  public struct Collector: Sendable {
    /// $K$.
    public let rank: Int
    /// $T$ so far.
    public private(set) var count = 0
    private var runningMean: [Double]
    private var squaredDeviations: [Double]
    private var lastSnapshots: [[Double]] = []

    /// An empty collector.
    ///
    /// - Parameters:
    ///   - dimension: $P$.
    ///   - rank: $K$, 0 (SWAG-diagonal) or at least 2.
    public init(dimension: Int, rank: Int) {
      precondition(dimension >= 1, "SWAG.Collector: no weights")
      precondition(rank == 0 || rank >= 2, "SWAG.Collector: rank must be 0 or at least 2")
      self.rank = rank
      runningMean = [Double](repeating: 0, count: dimension)
      squaredDeviations = runningMean
    }

    /// Adds a snapshot.
    ///
    /// - Parameter theta: the weights, $P$ numbers.
    public mutating func add(_ theta: [Double]) {
      precondition(theta.count == runningMean.count, "SWAG.Collector: wrong number of weights")
      count += 1
      let n = Double(count)
      for i in theta.indices {
        let before = theta[i] - runningMean[i]
        runningMean[i] += before / n
        squaredDeviations[i] += before * (theta[i] - runningMean[i])
      }
      if rank > 0 {
        lastSnapshots.append(theta)
        if lastSnapshots.count > rank { lastSnapshots.removeFirst() }
      }
    }

    /// The SWAG Gaussian of the snapshots so far.
    ///
    /// Needs at least 2 snapshots, and at least $K$ of them.
    public func gaussian() -> SWAG {
      precondition(count >= 2 && count >= rank, "SWAG.Collector: needs max(2, K) snapshots")
      let deviations = lastSnapshots.map { theta in
        zip(theta, runningMean).map { $0 - $1 }
      }
      return SWAG(
        mean: runningMean,
        variance: squaredDeviations.map { Swift.max($0 / Double(count), 0) },
        deviations: deviations, snapshots: count)
    }
  }

  /// How the SGD run that SWAG watches is set up.
  public struct Schedule: Sendable {
    /// $\eta$, the constant step.
    public var learningRate: Double
    /// Heavy-ball momentum $\mu$ ($v \leftarrow \mu v + g$, $\theta \leftarrow \theta - \eta v$).
    public var momentum: Double
    /// Steps run before the first snapshot (to leave the start for SGD's stationary regime).
    public var warmUp: Int
    /// $T$, the snapshots.
    public var snapshots: Int
    /// Steps between snapshots (an epoch, for a network).
    public var stepsBetweenSnapshots: Int
    /// $K$, the rank of the low-rank part (0: SWAG-diagonal).
    public var rank: Int

    /// A schedule.
    ///
    /// - Parameters:
    ///   - learningRate: $\eta > 0$.
    ///   - momentum: $\mu \in [0, 1)$ (default 0).
    ///   - warmUp: steps before the first snapshot (default 0).
    ///   - snapshots: $T \ge \max(2, K)$.
    ///   - stepsBetweenSnapshots: at least 1.
    ///   - rank: $K$ (default 20, as in the paper).
    public init(
      learningRate: Double, momentum: Double = 0, warmUp: Int = 0, snapshots: Int,
      stepsBetweenSnapshots: Int, rank: Int = 20
    ) {
      precondition(learningRate > 0 && momentum >= 0 && momentum < 1, "SWAG.Schedule: bad step")
      precondition(warmUp >= 0 && stepsBetweenSnapshots >= 1, "SWAG.Schedule: bad spacing")
      precondition(
        (rank == 0 || rank >= 2) && snapshots >= Swift.max(2, rank),
        "SWAG.Schedule: needs rank 0 or ≥ 2, and at least max(2, rank) snapshots")
      self.learningRate = learningRate
      self.momentum = momentum
      self.warmUp = warmUp
      self.snapshots = snapshots
      self.stepsBetweenSnapshots = stepsBetweenSnapshots
      self.rank = rank
    }

    /// Steps in all: the warm-up, then `stepsBetweenSnapshots` per snapshot.
    public var steps: Int { warmUp + snapshots * stepsBetweenSnapshots }
  }

  /// Runs SGD on any loss from `initial` and fits SWAG to its snapshots: the snapshot is
  /// the weights after steps `warmUp + stepsBetweenSnapshots`, `warmUp + 2 ×
  /// stepsBetweenSnapshots`, ….
  ///
  /// - Parameters:
  ///   - schedule: the SGD run and the rank.
  ///   - initial: the start (for a network, a trained one).
  ///   - rng: passed to `gradient` (minibatches, noise).
  ///   - gradient: the gradient of the loss being minimised at $\theta$ (a minibatch
  ///     estimate, or exact).
  /// - Throws: ``NonFiniteError`` if an iterate leaves the finite numbers (the step is
  ///   too large).
  public static func fit(
    _ schedule: Schedule, from initial: [Double], using rng: inout Generator,
    gradient: ([Double], inout Generator) -> [Double]
  ) throws(NonFiniteError) -> SWAG {
    var collector = Collector(dimension: initial.count, rank: schedule.rank)
    var theta = initial
    var velocity = [Double](repeating: 0, count: initial.count)
    for step in 1...schedule.steps {
      let g = gradient(theta, &rng)
      for i in theta.indices {
        velocity[i] = schedule.momentum * velocity[i] + g[i]
        theta[i] -= schedule.learningRate * velocity[i]
      }
      if let bad = theta.first(where: { !$0.isFinite }) {
        throw NonFiniteError(
          step: step, quantity: "a SWAG iterate (learning rate \(schedule.learningRate))",
          value: bad)
      }
      let afterWarmUp = step - schedule.warmUp
      if afterWarmUp > 0, afterWarmUp % schedule.stepsBetweenSnapshots == 0 {
        collector.add(theta)
      }
    }
    return collector.gaussian()
  }

  /// SWAG on a network posterior: minibatch SGD on the negative log posterior per datum,
  /// $-\frac1N\log p(\theta \mid D)$ (the mean negative log-likelihood plus the prior's
  /// weight decay $\lVert\theta\rVert^2/(2N\sigma_p^2)$, the loss of ordinary training),
  /// shuffling the data each epoch.
  ///
  /// - Parameters:
  ///   - posterior: the network, data and prior.
  ///   - schedule: the SGD run and the rank (`stepsBetweenSnapshots` is usually the
  ///     number of minibatches per epoch).
  ///   - batchSize: examples per step.
  ///   - initial: the start, e.g. ``NetworkPosterior/parameters(of:)`` of a MAP network.
  ///   - rng: the minibatches.
  /// - Throws: as the generic version.
  public static func fit(
    _ posterior: NetworkPosterior, _ schedule: Schedule, batchSize: Int, from initial: [Double],
    using rng: inout Generator
  ) throws(NonFiniteError) -> SWAG {
    precondition(initial.count == posterior.dimension, "SWAG: wrong number of weights")
    let perDatum = 1 / Double(posterior.data.count)
    var batches = [[Int]]()
    return try fit(schedule, from: initial, using: &rng) { theta, rng in
      if batches.isEmpty {
        batches = Splits.minibatches(
          count: posterior.data.count, batchSize: batchSize, using: &rng
        ).reversed()
      }
      return posterior.logDensityAndGradient(theta, batch: batches.removeLast()).gradient.map {
        -perDatum * $0
      }
    }
  }
}
