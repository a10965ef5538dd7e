import ComplexModule
import RealModule

/// Complex numbers: component-wise sums, the schoolbook product (as NumPy and
/// MLX compute it, so overflow behaves alike), the lexicographic order MLX
/// uses (real part, then imaginary part; NaN in either component wins), and
/// log-add-exp factored by the argument with the larger real part.
extension ScanComplex: ScanSummable where RealType: ScanSummable {
  @inline(__always) static var zero: Self { Self(RealType.zero, RealType.zero) }
  @inline(__always) static var sumNeutral: Self {
    Self(RealType.sumNeutral, RealType.sumNeutral)
  }
  @inline(__always) static func sum(_ a: Self, _ b: Self) -> Self {
    Self(RealType.sum(a.real, b.real), RealType.sum(a.imaginary, b.imaginary))
  }
}

extension ScanComplex: ScanMultiplicable {
  @inline(__always) static var one: Self { Self(1, 0) }
  /// The schoolbook product, except that a factor of exactly `1 + 0i`
  /// returns the other factor unchanged: the formula would turn an infinite
  /// component into NaN (`inf * 0`) and `-0` into `+0`, and a scan relies on
  /// its neutral element being exact.
  @inline(__always) static func product(_ a: Self, _ b: Self) -> Self {
    if a.real == 1 && a.imaginary == 0 { return b }
    if b.real == 1 && b.imaginary == 0 { return a }
    return Self(
      a.real * b.real - a.imaginary * b.imaginary,
      a.real * b.imaginary + a.imaginary * b.real)
  }
}

extension ScanComplex: ScanOrdered {
  @inline(__always) static var lowest: Self { Self(-.infinity, -.infinity) }
  @inline(__always) static var highest: Self { Self(.infinity, .infinity) }

  @inline(__always) static func isAbove(_ a: Self, _ b: Self) -> Bool {
    a.real > b.real || (a.real == b.real && a.imaginary > b.imaginary)
  }
  @inline(__always) static func maximum(_ running: Self, _ next: Self) -> Self {
    if running.hasNaN { return running }
    if next.hasNaN { return next }
    return isAbove(running, next) ? running : next
  }
  @inline(__always) static func minimum(_ running: Self, _ next: Self) -> Self {
    if running.hasNaN { return running }
    if next.hasNaN { return next }
    return isAbove(next, running) ? running : next
  }
}

extension ScanComplex: ScanLogAddExp {
  @inline(__always) static var logZero: Self { Self(-.infinity, 0) }
  static func logAddExp(_ a: Self, _ b: Self) -> Self {
    if a.hasNaN { return a }
    if b.hasNaN { return b }
    // A real part of -inf is exp(z) = 0: the other side is the result, exactly.
    if a.real == -.infinity { return b }
    if b.real == -.infinity { return a }
    let (high, low) = a.real >= b.real ? (a, b) : (b, a)
    if high.real == .infinity { return high }
    // log(e^h + e^l) = h + log(1 + e^(l - h)), where |e^(l - h)| <= 1.
    let ratio = Complex.exp(Complex(low.real - high.real, low.imaginary - high.imaginary))
    let t = Complex.log(onePlus: ratio)
    return Self(high.real + t.real, high.imaginary + t.imaginary)
  }
}
