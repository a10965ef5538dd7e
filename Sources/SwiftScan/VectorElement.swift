import VectorShims

/// Storage types whose neighbours load and store as one vector: eight (or
/// four) elements widened to accumulators in one step, and rounded back.
///
/// The vector tile scanner reads and writes only through these, so its hot
/// loop is vector code from memory to memory. Built lane by lane from scalar
/// loads, the same loop is one the compiler declines to vectorize: it
/// scalarises the whole of it instead (seen in the generated assembly).
public protocol VectorScanElement: ScanElement where Accumulator: SIMDScalar {
  /// An element as a vector lane in memory: its bit pattern (16-bit floats)
  /// or the element itself.
  associatedtype Stored: SIMDScalar
  /// Eight stored lanes widened to accumulators.
  static func widen(_ stored: SIMD8<Stored>) -> SIMD8<Accumulator>
  /// Eight accumulators rounded to stored lanes.
  static func narrow(_ values: SIMD8<Accumulator>) -> SIMD8<Stored>
  /// The four elements at `address`, widened, in memory order.
  static func loadWidened(from address: UnsafeRawPointer) -> SIMD4<Accumulator>
  /// Rounds four accumulators and stores them at `address`, in memory order.
  static func storeNarrowed(_ values: SIMD4<Accumulator>, to address: UnsafeMutableRawPointer)
  /// The two elements at `address`, widened (the unit of 8-byte accumulators).
  static func loadWidened(from address: UnsafeRawPointer) -> SIMD2<Accumulator>
  static func storeNarrowed(_ values: SIMD2<Accumulator>, to address: UnsafeMutableRawPointer)
}

extension VectorScanElement {
  // Pairs element by element: used only where the accumulator is narrower
  // than 8 bytes, and the vector tiles then take four lanes, never pairs.
  @inlinable @inline(__always)
  public static func loadWidened(from address: UnsafeRawPointer) -> SIMD2<Accumulator> {
    SIMD2(address.load(as: Self.self).widened, address.load(fromByteOffset: MemoryLayout<Self>.stride, as: Self.self).widened)
  }
  @inlinable @inline(__always)
  public static func storeNarrowed(_ values: SIMD2<Accumulator>, to address: UnsafeMutableRawPointer) {
    address.storeBytes(of: Self(narrowing: values[0]), as: Self.self)
    address.storeBytes(of: Self(narrowing: values[1]), toByteOffset: MemoryLayout<Self>.stride, as: Self.self)
  }
}

/// Integers and `Double`: the accumulator is the element.
public protocol SelfAccumulatingVectorElement: VectorScanElement, SelfAccumulating, SIMDScalar where Stored == Self {}

extension SelfAccumulatingVectorElement {
  @inlinable @inline(__always) public static func widen(_ stored: SIMD8<Self>) -> SIMD8<Self> { stored }
  @inlinable @inline(__always) public static func narrow(_ values: SIMD8<Self>) -> SIMD8<Self> { values }
  @inlinable @inline(__always)
  public static func loadWidened(from address: UnsafeRawPointer) -> SIMD4<Self> {
    address.loadUnaligned(as: SIMD4<Self>.self)
  }
  @inlinable @inline(__always)
  public static func storeNarrowed(_ values: SIMD4<Self>, to address: UnsafeMutableRawPointer) {
    address.storeBytes(of: values, as: SIMD4<Self>.self)
  }
  @inlinable @inline(__always)
  public static func loadWidened(from address: UnsafeRawPointer) -> SIMD2<Self> {
    address.loadUnaligned(as: SIMD2<Self>.self)
  }
  @inlinable @inline(__always)
  public static func storeNarrowed(_ values: SIMD2<Self>, to address: UnsafeMutableRawPointer) {
    address.storeBytes(of: values, as: SIMD2<Self>.self)
  }
}

extension Int8: SelfAccumulatingVectorElement {}
extension Int16: SelfAccumulatingVectorElement {}
extension Int32: SelfAccumulatingVectorElement {}
extension Int64: SelfAccumulatingVectorElement {}
extension UInt8: SelfAccumulatingVectorElement {}
extension UInt16: SelfAccumulatingVectorElement {}
extension UInt32: SelfAccumulatingVectorElement {}
extension UInt64: SelfAccumulatingVectorElement {}
extension Double: SelfAccumulatingVectorElement {}

extension Float: VectorScanElement {
  // Through VectorShims: Swift's SIMD conversions are lane loops.
  @inlinable @inline(__always) public static func widen(_ stored: SIMD8<Float>) -> SIMD8<Double> { mlxl_widen_float8(stored) }
  @inlinable @inline(__always) public static func narrow(_ values: SIMD8<Double>) -> SIMD8<Float> { mlxl_narrow_double8(values) }
  @inlinable @inline(__always)
  public static func loadWidened(from address: UnsafeRawPointer) -> SIMD4<Double> {
    mlxl_widen_float4(address.loadUnaligned(as: SIMD4<Float>.self))
  }
  @inlinable @inline(__always)
  public static func storeNarrowed(_ values: SIMD4<Double>, to address: UnsafeMutableRawPointer) {
    address.storeBytes(of: mlxl_narrow_double4(values), as: SIMD4<Float>.self)
  }
  @inlinable @inline(__always)
  public static func loadWidened(from address: UnsafeRawPointer) -> SIMD2<Double> {
    mlxl_widen_float2(address.loadUnaligned(as: SIMD2<Float>.self))
  }
  @inlinable @inline(__always)
  public static func storeNarrowed(_ values: SIMD2<Double>, to address: UnsafeMutableRawPointer) {
    address.storeBytes(of: mlxl_narrow_double2(values), as: SIMD2<Float>.self)
  }
}

/// 16-bit floating-point storage, four or eight at a time through its vector conversions.
public protocol SixteenBitFloat: VectorScanElement where Accumulator == Float, Stored == UInt16 {
  static func widen(_ halves: SIMD4<UInt16>) -> SIMD4<Float>
  static func narrow(_ values: SIMD4<Float>) -> SIMD4<UInt16>
  static func widen(_ halves: SIMD8<UInt16>) -> SIMD8<Float>
  static func narrow(_ values: SIMD8<Float>) -> SIMD8<UInt16>
}

extension SixteenBitFloat {
  /// Eight lanes as two fours, where the type has no wider conversion.
  @inlinable @inline(__always)
  public static func widen(_ halves: SIMD8<UInt16>) -> SIMD8<Float> {
    SIMD8(lowHalf: widen(halves.lowHalf), highHalf: widen(halves.highHalf))
  }
  @inlinable @inline(__always)
  public static func narrow(_ values: SIMD8<Float>) -> SIMD8<UInt16> {
    SIMD8(lowHalf: narrow(values.lowHalf), highHalf: narrow(values.highHalf))
  }
  @inlinable @inline(__always)
  public static func loadWidened(from address: UnsafeRawPointer) -> SIMD4<Float> {
    widen(address.loadUnaligned(as: SIMD4<UInt16>.self))
  }
  @inlinable @inline(__always)
  public static func storeNarrowed(_ values: SIMD4<Float>, to address: UnsafeMutableRawPointer) {
    address.storeBytes(of: narrow(values), as: SIMD4<UInt16>.self)
  }
}

extension Half: SixteenBitFloat {}
extension BFloat16: SixteenBitFloat {}

/// float32 storage carried as itself: for the scans that never round
/// (maximum and minimum), where `Float`'s `Double` accumulator would only
/// widen and narrow every element and halve the lanes per register (1-D
/// float32 cummax: 2x the time of a copy with `Double` lanes). Same bits.
@frozen
public struct ExactFloat: VectorScanElement {
  public var value: Float
  @inlinable @inline(__always) public var widened: Float { value }
  @inlinable @inline(__always) public init(narrowing value: Float) { self.value = value }
  @inlinable @inline(__always) public static func widen(_ stored: SIMD8<Float>) -> SIMD8<Float> { stored }
  @inlinable @inline(__always) public static func narrow(_ values: SIMD8<Float>) -> SIMD8<Float> { values }
  @inlinable @inline(__always)
  public static func loadWidened(from address: UnsafeRawPointer) -> SIMD4<Float> {
    address.loadUnaligned(as: SIMD4<Float>.self)
  }
  @inlinable @inline(__always)
  public static func storeNarrowed(_ values: SIMD4<Float>, to address: UnsafeMutableRawPointer) {
    address.storeBytes(of: values, as: SIMD4<Float>.self)
  }
}
