import Foundation

/// Synthetic data sets with known generating processes, so that a chapter can compare
/// what a model learned with the truth.
public enum SyntheticData {
  /// Two interleaving half circles ("two moons"), labels 0 and 1.
  ///
  /// Class 0 lies on $(\cos t, \sin t)$ and class 1 on $(1 - \cos t, \tfrac12 - \sin t)$
  /// for $t \sim \mathcal U[0, \pi]$, each point moved by isotropic
  /// $\mathcal N(0, \text{noise}^2)$ noise. Classes alternate, so any prefix is balanced.
  ///
  /// - Parameters:
  ///   - count: the number of points.
  ///   - noise: the standard deviation of the added noise.
  ///   - rng: the generator.
  public static func twoMoons(count: Int, noise: Double, using rng: inout Generator) -> Dataset {
    var x = Matrix(rows: count, columns: 2)
    var labels = [Int](repeating: 0, count: count)
    for i in 0..<count {
      let label = i % 2
      let t = Double.pi * rng.uniform()
      let (u, v) = label == 0 ? (cos(t), sin(t)) : (1 - cos(t), 0.5 - sin(t))
      x[i, 0] = u + noise * rng.normal()
      x[i, 1] = v + noise * rng.normal()
      labels[i] = label
    }
    return Dataset(inputs: x, targets: .classes(labels))
  }

  /// The mean function of ``regressionWithGap(count:noise:using:)``: $f(x) = \sin(2x) + x/2$.
  ///
  /// - Parameter x: the input.
  public static func gapFunction(_ x: Double) -> Double { sin(2 * x) + 0.5 * x }

  /// 1-D regression with a hole in the inputs: $x \sim \mathcal U([-3, -1] \cup [1, 3])$,
  /// $y = \sin(2x) + x/2 + \varepsilon$, $\varepsilon \sim \mathcal N(0, \text{noise}^2)$.
  ///
  /// A good model is confident where the data are and uncertain in the gap $(-1, 1)$ and
  /// beyond $|x| > 3$. Inputs alternate between the two pieces.
  ///
  /// - Parameters:
  ///   - count: the number of points.
  ///   - noise: the noise standard deviation.
  ///   - rng: the generator.
  public static func regressionWithGap(count: Int, noise: Double, using rng: inout Generator)
    -> Dataset
  {
    regressionWithGap(count: count, noiseStandardDeviation: { _ in noise }, using: &rng)
  }

  /// ``regressionWithGap(count:noise:using:)`` with noise whose standard deviation
  /// $\sigma(x)$ depends on the input: both a gap (epistemic) and changing noise
  /// (aleatoric) in one data set. The draws are those of the constant-noise version.
  ///
  /// - Parameters:
  ///   - count: the number of points.
  ///   - noiseStandardDeviation: $\sigma(x)$.
  ///   - rng: the generator.
  public static func regressionWithGap(
    count: Int, noiseStandardDeviation: (Double) -> Double, using rng: inout Generator
  ) -> Dataset {
    var x = Matrix(rows: count, columns: 1)
    var y = Matrix(rows: count, columns: 1)
    for i in 0..<count {
      let magnitude = rng.uniform(1, 3)
      x[i, 0] = i % 2 == 0 ? -magnitude : magnitude
      y[i, 0] = gapFunction(x[i, 0]) + noiseStandardDeviation(x[i, 0]) * rng.normal()
    }
    return Dataset(inputs: x, targets: .values(y))
  }

  /// The noise standard deviation of ``heteroscedastic(count:using:)`` at `x`:
  /// $\sigma(x) = 0.05 + 0.2\,(x + \pi)$, from 0.05 at $x = -\pi$ to about 1.3 at $x = \pi$.
  ///
  /// - Parameter x: the input.
  public static func heteroscedasticNoise(_ x: Double) -> Double { 0.05 + 0.2 * (x + Double.pi) }

  /// 1-D regression whose noise grows from left to right: $x \sim \mathcal U[-\pi, \pi]$,
  /// $y = \sin x + \sigma(x)\,\varepsilon$ with $\sigma$ from ``heteroscedasticNoise(_:)``.
  ///
  /// - Parameters:
  ///   - count: the number of points.
  ///   - rng: the generator.
  public static func heteroscedastic(count: Int, using rng: inout Generator) -> Dataset {
    var x = Matrix(rows: count, columns: 1)
    var y = Matrix(rows: count, columns: 1)
    for i in 0..<count {
      x[i, 0] = rng.uniform(-Double.pi, Double.pi)
      y[i, 0] = sin(x[i, 0]) + heteroscedasticNoise(x[i, 0]) * rng.normal()
    }
    return Dataset(inputs: x, targets: .values(y))
  }

  /// Points spread uniformly over an annulus, for probing a model far from its data:
  /// the angle is uniform, and the radius is drawn so that the density is uniform in area,
  /// $r = \sqrt{r_0^2 + u\,(r_1^2 - r_0^2)}$ with $u \sim \mathcal U[0, 1)$.
  ///
  /// - Parameters:
  ///   - count: the number of points.
  ///   - centre: the annulus's centre.
  ///   - radii: the inner and outer radius $r_0 \le r_1$.
  ///   - rng: the generator.
  /// - Returns: `[count, 2]`.
  public static func annulus(
    count: Int, centre: (Double, Double), radii: ClosedRange<Double>, using rng: inout Generator
  ) -> Matrix {
    precondition(radii.lowerBound >= 0, "annulus: radii must not be negative")
    let (inner, outer) = (radii.lowerBound * radii.lowerBound, radii.upperBound * radii.upperBound)
    var out = Matrix(rows: count, columns: 2)
    for i in 0..<count {
      let angle = 2 * Double.pi * rng.uniform()
      let r = (inner + rng.uniform() * (outer - inner)).squareRoot()
      out[i, 0] = centre.0 + r * cos(angle)
      out[i, 1] = centre.1 + r * sin(angle)
    }
    return out
  }

  /// `count` evenly spaced points from `a` to `b` inclusive, as a column `[count, 1]`.
  ///
  /// - Parameters:
  ///   - a: the first point.
  ///   - b: the last point.
  ///   - count: the number of points (≥ 2).
  public static func linspace(_ a: Double, _ b: Double, count: Int) -> Matrix {
    precondition(count >= 2, "linspace: needs at least two points")
    return Matrix.column((0..<count).map { a + (b - a) * Double($0) / Double(count - 1) })
  }

  /// A regular grid over a rectangle, as rows $(x, y)$ with $x$ varying fastest,
  /// `[nx * ny, 2]` — the layout gnuplot's `with image` expects.
  ///
  /// - Parameters:
  ///   - x: the range of the first coordinate.
  ///   - y: the range of the second coordinate.
  ///   - nx: points along $x$.
  ///   - ny: points along $y$.
  public static func grid(
    x: ClosedRange<Double>, y: ClosedRange<Double>, nx: Int, ny: Int
  ) -> Matrix {
    let xs = linspace(x.lowerBound, x.upperBound, count: nx).storage
    let ys = linspace(y.lowerBound, y.upperBound, count: ny).storage
    var out = Matrix(rows: nx * ny, columns: 2)
    for j in 0..<ny {
      for i in 0..<nx {
        out[j * nx + i, 0] = xs[i]
        out[j * nx + i, 1] = ys[j]
      }
    }
    return out
  }
}
