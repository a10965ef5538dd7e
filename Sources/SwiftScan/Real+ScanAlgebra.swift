import RealModule

/// Binary floating point: IEEE 754 arithmetic, NaN-propagating order, and a
/// stable log-add-exp on RealModule's `exp` and `log(onePlus:)`.
extension ScanSummable where Self: BinaryFloatingPoint {
  @inline(__always) public static var zero: Self { 0 }
  @inline(__always) public static var sumNeutral: Self { -0.0 }
  @inline(__always) public static func sum(_ a: Self, _ b: Self) -> Self { a + b }
}

extension ScanMultiplicable where Self: BinaryFloatingPoint {
  @inline(__always) public static var one: Self { 1 }
  @inline(__always) public static func product(_ a: Self, _ b: Self) -> Self { a * b }
}

extension ScanOrdered where Self: BinaryFloatingPoint {
  @inline(__always) public static var lowest: Self { -.infinity }
  @inline(__always) public static var highest: Self { .infinity }
  // `running > next` is false when either is NaN, so a NaN `next` is taken;
  // the `isNaN` test keeps a NaN `running`.
  @inline(__always) public static func maximum(_ running: Self, _ next: Self) -> Self {
    (running > next || running.isNaN) ? running : next
  }
  @inline(__always) public static func minimum(_ running: Self, _ next: Self) -> Self {
    (running < next || running.isNaN) ? running : next
  }
}

extension ScanLogAddExp where Self: Real {
  @inline(__always) public static var logZero: Self { -.infinity }
  public static func logAddExp(_ a: Self, _ b: Self) -> Self {
    // NaN first: the infinity shortcuts below must not swallow it.
    if a.isNaN { return a }
    if b.isNaN { return b }
    let (high, low) = a > b ? (a, b) : (b, a)
    // -inf on the low side adds nothing (and `-inf - -inf` would be NaN);
    // +inf on the high side absorbs everything.
    if low == -.infinity || high == .infinity { return high }
    return high + .log(onePlus: .exp(low - high))
  }
}

extension Float: ScanSummable, ScanMultiplicable, ScanOrdered, ScanLogAddExp {}
extension Double: ScanSummable, ScanMultiplicable, ScanOrdered, ScanLogAddExp {}
