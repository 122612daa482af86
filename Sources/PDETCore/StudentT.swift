// Confidence intervals need one quantile: used by the reproduction report (PDETReproduce) and the
// MiniLM attention study (PDETBert), so it lives here, below both.

/// The 0.975 quantile of Student's t with `df` degrees of freedom (two-sided 95%): exact table
/// values for df 1…30, then the Cornish–Fisher expansion around 1.959964 (error < 1e-5 beyond 30).
public func studentT975(degreesOfFreedom df: Int) -> Double {
    let table: [Double] = [12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
                           2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
                           2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423]
    guard df >= 1 else { return .nan }
    if df <= table.count { return table[df - 1] }
    let z = 1.959964, v = Double(df)
    let z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z
    return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v)
        + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v)
}
