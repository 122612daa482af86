// Multinomial logistic regression, the bag-of-tokens no-tracing baseline (NoTracingBaselines.swift).
// Pure, serial Double arithmetic: the same data always give the same weights.
//
// Shapes: N examples, D features, K classes. Features are standardised with the training mean and
// standard deviation (a constant feature keeps scale 1), then
//   logits (K) = W (K×D) · x (D) + b (K),  loss = mean_n CE(softmax(logits_n), y_n) + λ/2 ‖W‖²
// minimised by Nesterov-accelerated full-batch gradient descent with step 1/L, where
// L = (D + 1)/2 + λ bounds the Hessian (softmax curvature ≤ 1/2 times XᵀX/N, whose largest
// eigenvalue is at most its trace D + 1 for standardised features plus the intercept).

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

public struct SoftmaxRegression: Sendable {
    public let classes: Int             // K
    public let mean: [Double]           // D: training feature means
    public let scale: [Double]          // D: training feature standard deviations (1 when constant)
    public var weights: [Double]        // K×D, row-major
    public var bias: [Double]           // K
    public static let l2 = 1e-4         // λ: keeps the weights finite on separable data
    public static let iterations = 300

    /// Fits on `features` (N×D) and `labels` (N, in 0..<classes).
    public static func fit(features: [[Double]], labels: [Int32], classes: Int,
                           iterations: Int = iterations) -> SoftmaxRegression {
        let d = features.first?.count ?? 0
        let n = Double(max(features.count, 1))
        var mean = [Double](repeating: 0, count: d), scale = [Double](repeating: 0, count: d)
        for x in features { for j in 0..<d { mean[j] += x[j] / n } }
        for x in features { for j in 0..<d { scale[j] += (x[j] - mean[j]) * (x[j] - mean[j]) / n } }
        scale = scale.map { $0 > 1e-24 ? $0.squareRoot() : 1 }
        var model = SoftmaxRegression(classes: classes, mean: mean, scale: scale,
                                      weights: [Double](repeating: 0, count: classes * d),
                                      bias: [Double](repeating: 0, count: classes))
        let xs = features.map(model.standardised)
        let step = 1 / (Double(d + 1) / 2 + l2)
        var previous = model.parameters
        for t in 0..<iterations {
            // Nesterov: evaluate the gradient at θ + (t − 1)/(t + 2)·(θ − θ_prev).
            let current = model.parameters
            let momentum = Double(t) / Double(t + 3)
            var look = model
            look.parameters = zip(current, previous).map { $0 + momentum * ($0 - $1) }
            let g = look.gradient(standardised: xs, labels: labels)
            previous = current
            model.parameters = zip(look.parameters, g).map { $0 - step * $1 }
        }
        return model
    }

    /// W then b, flattened (K·D + K): what gradient descent moves.
    var parameters: [Double] {
        get { weights + bias }
        set {
            weights = Array(newValue[0..<weights.count])
            bias = Array(newValue[weights.count...])
        }
    }

    var dimension: Int { mean.count }

    func standardised(_ x: [Double]) -> [Double] {
        (0..<dimension).map { (x[$0] - mean[$0]) / scale[$0] }
    }

    /// Class probabilities (K) of a standardised feature vector (D).
    func probabilities(standardised x: [Double]) -> [Double] {
        let d = dimension
        var logits = bias
        for k in 0..<classes { for j in 0..<d { logits[k] += weights[k * d + j] * x[j] } }
        let top = logits.max() ?? 0
        let e = logits.map { exp($0 - top) }
        let z = e.reduce(0, +)
        return e.map { $0 / z }
    }

    /// The loss (mean cross-entropy + λ/2 ‖W‖²) on standardised features.
    func loss(standardised xs: [[Double]], labels: [Int32]) -> Double {
        var total = 0.0
        for (x, y) in zip(xs, labels) { total -= log(probabilities(standardised: x)[Int(y)]) }
        return total / Double(max(xs.count, 1)) + Self.l2 / 2 * weights.reduce(0) { $0 + $1 * $1 }
    }

    /// ∂loss/∂(W, b), flattened like `parameters`.
    func gradient(standardised xs: [[Double]], labels: [Int32]) -> [Double] {
        let d = dimension
        var g = [Double](repeating: 0, count: classes * d + classes)
        let n = Double(max(xs.count, 1))
        for (x, y) in zip(xs, labels) {
            var p = probabilities(standardised: x)
            p[Int(y)] -= 1                                   // ∂CE/∂logits = softmax − onehot
            for k in 0..<classes {
                let r = p[k] / n
                for j in 0..<d { g[k * d + j] += r * x[j] }
                g[classes * d + k] += r
            }
        }
        for i in 0..<(classes * d) { g[i] += Self.l2 * weights[i] }
        return g
    }

    /// The most probable class of a raw feature vector (ties: the smallest class).
    public func predict(_ x: [Double]) -> Int32 {
        let p = probabilities(standardised: standardised(x))
        return Int32(p.indices.max { p[$0] < p[$1] || (p[$0] == p[$1] && $0 > $1) }!)
    }
}
