/// The NaN-skipping scans, NumPy's `nancumsum` and `nancumprod`, and
/// `np.fmax.accumulate` / `np.fmin.accumulate` as `nancummax` / `nancummin`.
///
/// A sum or product reads a NaN element as 0 or 1 (`lift`, applied to each
/// element before any combine), never a NaN it makes itself: `inf + -inf` is
/// still NaN, as in NumPy. A complex value with a NaN part counts as 0 or 1.
/// The maximum and minimum skip NaN in `combine`: NaN is their neutral
/// element, so an output is NaN only while every element so far is NaN. Their
/// exclusive scans start from -inf / +inf (as cummax's), then continue as the
/// inclusive scan shifted by one (`exclusiveSeed`).
/// On integers and bool the scan table runs the plain operations instead.

/// Values a NaN-skipping scan can test and skip.
public protocol ScanNaNSkipping {
  /// NaN, or for complex numbers a NaN in either part.
  var hasNaNPart: Bool { get }
  /// A NaN: the neutral element of `nanMaximum` and `nanMinimum`.
  static var notANumber: Self { get }
  /// The larger of two values, a NaN on either side skipped; `next` on ties.
  static func nanMaximum(_ running: Self, _ next: Self) -> Self
  /// The smaller of two values, a NaN on either side skipped; `next` on ties.
  static func nanMinimum(_ running: Self, _ next: Self) -> Self
}

extension ScanNaNSkipping where Self: BinaryFloatingPoint {
  @inline(__always) public var hasNaNPart: Bool { isNaN }
  @inline(__always) public static var notANumber: Self { .nan }
  // A NaN `next` is skipped; a NaN `running` loses every comparison, so `next` is taken.
  @inline(__always) public static func nanMaximum(_ running: Self, _ next: Self) -> Self {
    (running > next || next.isNaN) ? running : next
  }
  @inline(__always) public static func nanMinimum(_ running: Self, _ next: Self) -> Self {
    (running < next || next.isNaN) ? running : next
  }
}

extension Float: ScanNaNSkipping {}
extension Double: ScanNaNSkipping {}

extension ScanComplex: ScanNaNSkipping {
  @inline(__always) public var hasNaNPart: Bool { hasNaN }
  @inline(__always) public static var notANumber: Self { Self(.nan, .nan) }
  @inline(__always) public static func nanMaximum(_ running: Self, _ next: Self) -> Self {
    if next.hasNaN { return running }
    if running.hasNaN { return next }
    return isAbove(running, next) ? running : next
  }
  @inline(__always) public static func nanMinimum(_ running: Self, _ next: Self) -> Self {
    if next.hasNaN { return running }
    if running.hasNaN { return next }
    return isAbove(next, running) ? running : next
  }
}

/// Running sum with NaN read as 0: `nancumsum`.
public enum NaNSkippingSumOp<Value: ScanSummable & ScanNaNSkipping>: ScanOperation {
  @inline(__always) public static var neutral: Value { Value.sumNeutral }
  @inline(__always) public static var exclusiveStart: Value { Value.zero }
  @inline(__always) public static func combine(_ a: Value, _ b: Value) -> Value { Value.sum(a, b) }
  @inline(__always) public static func lift(_ element: Value) -> Value {
    element.hasNaNPart ? Value.zero : element
  }
}

/// Running product with NaN read as 1: `nancumprod`.
public enum NaNSkippingProductOp<Value: ScanMultiplicable & ScanNaNSkipping>: ScanOperation {
  @inline(__always) public static var neutral: Value { Value.one }
  @inline(__always) public static func combine(_ a: Value, _ b: Value) -> Value { Value.product(a, b) }
  @inline(__always) public static func lift(_ element: Value) -> Value {
    element.hasNaNPart ? Value.one : element
  }
}

/// Running maximum skipping NaN: `nancummax` (`np.fmax.accumulate`).
public enum NaNSkippingMaxOp<Value: ScanOrdered & ScanNaNSkipping>: ScanOperation, SelectingOperation {
  @inline(__always) public static var neutral: Value { Value.notANumber }
  @inline(__always) public static var exclusiveStart: Value { Value.lowest }
  @inline(__always) public static var exclusiveSeed: Value { neutral }
  @inline(__always) public static func combine(_ a: Value, _ b: Value) -> Value { Value.nanMaximum(a, b) }
}

/// Running minimum skipping NaN: `nancummin` (`np.fmin.accumulate`).
public enum NaNSkippingMinOp<Value: ScanOrdered & ScanNaNSkipping>: ScanOperation, SelectingOperation {
  @inline(__always) public static var neutral: Value { Value.notANumber }
  @inline(__always) public static var exclusiveStart: Value { Value.highest }
  @inline(__always) public static var exclusiveSeed: Value { neutral }
  @inline(__always) public static func combine(_ a: Value, _ b: Value) -> Value { Value.nanMinimum(a, b) }
}

// MARK: - Vector forms (Float and Double lanes, through VectorShims)

/// Lane-wise forms of `ScanNaNSkipping` (generated for `Float` and `Double`).
public protocol ScanVectorNaNSkipping: ScanNaNSkipping & ScanVectorLanes {
  /// Each NaN lane of `v` replaced by `replacement`.
  static func replacingNaN(_ v: SIMD8<Self>, with replacement: Self) -> SIMD8<Self>
  static func replacingNaN(_ v: SIMD4<Self>, with replacement: Self) -> SIMD4<Self>
  static func replacingNaN(_ v: SIMD2<Self>, with replacement: Self) -> SIMD2<Self>
  static func nanMaximum(_ running: SIMD8<Self>, _ next: SIMD8<Self>) -> SIMD8<Self>
  static func nanMaximum(_ running: SIMD4<Self>, _ next: SIMD4<Self>) -> SIMD4<Self>
  static func nanMaximum(_ running: SIMD2<Self>, _ next: SIMD2<Self>) -> SIMD2<Self>
  static func nanMinimum(_ running: SIMD8<Self>, _ next: SIMD8<Self>) -> SIMD8<Self>
  static func nanMinimum(_ running: SIMD4<Self>, _ next: SIMD4<Self>) -> SIMD4<Self>
  static func nanMinimum(_ running: SIMD2<Self>, _ next: SIMD2<Self>) -> SIMD2<Self>
}

extension NaNSkippingSumOp: VectorScanOperation where Value: ScanVectorSummable & ScanVectorNaNSkipping {
  @inline(__always) public static func combine(_ a: SIMD8<Value>, _ b: SIMD8<Value>) -> SIMD8<Value> { Value.sum(a, b) }
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> { Value.sum(a, b) }
  @inline(__always) public static func combine(_ a: SIMD2<Value>, _ b: SIMD2<Value>) -> SIMD2<Value> { Value.sum(a, b) }
  @inline(__always) public static func lift(_ v: SIMD8<Value>) -> SIMD8<Value> { Value.replacingNaN(v, with: Value.zero) }
  @inline(__always) public static func lift(_ v: SIMD4<Value>) -> SIMD4<Value> { Value.replacingNaN(v, with: Value.zero) }
  @inline(__always) public static func lift(_ v: SIMD2<Value>) -> SIMD2<Value> { Value.replacingNaN(v, with: Value.zero) }
}

extension NaNSkippingProductOp: VectorScanOperation where Value: ScanVectorMultiplicable & ScanVectorNaNSkipping {
  @inline(__always) public static func combine(_ a: SIMD8<Value>, _ b: SIMD8<Value>) -> SIMD8<Value> { Value.product(a, b) }
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> { Value.product(a, b) }
  @inline(__always) public static func combine(_ a: SIMD2<Value>, _ b: SIMD2<Value>) -> SIMD2<Value> { Value.product(a, b) }
  @inline(__always) public static func lift(_ v: SIMD8<Value>) -> SIMD8<Value> { Value.replacingNaN(v, with: Value.one) }
  @inline(__always) public static func lift(_ v: SIMD4<Value>) -> SIMD4<Value> { Value.replacingNaN(v, with: Value.one) }
  @inline(__always) public static func lift(_ v: SIMD2<Value>) -> SIMD2<Value> { Value.replacingNaN(v, with: Value.one) }
}

extension NaNSkippingMaxOp: VectorScanOperation where Value: ScanVectorNaNSkipping {
  @inline(__always) public static func combine(_ a: SIMD8<Value>, _ b: SIMD8<Value>) -> SIMD8<Value> { Value.nanMaximum(a, b) }
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> { Value.nanMaximum(a, b) }
  @inline(__always) public static func combine(_ a: SIMD2<Value>, _ b: SIMD2<Value>) -> SIMD2<Value> { Value.nanMaximum(a, b) }
}

extension NaNSkippingMinOp: VectorScanOperation where Value: ScanVectorNaNSkipping {
  @inline(__always) public static func combine(_ a: SIMD8<Value>, _ b: SIMD8<Value>) -> SIMD8<Value> { Value.nanMinimum(a, b) }
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> { Value.nanMinimum(a, b) }
  @inline(__always) public static func combine(_ a: SIMD2<Value>, _ b: SIMD2<Value>) -> SIMD2<Value> { Value.nanMinimum(a, b) }
}
