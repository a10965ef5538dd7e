/// Storage types whose neighbours load and store as one vector: four elements
/// widened to four accumulators in one step, and four rounded back.
///
/// The vector tile scanner reads and writes only through these, so its hot
/// loop is vector code from memory to memory. Built lane by lane from scalar
/// loads, the same loop is one the compiler declines to vectorize: it
/// scalarises the whole of it instead (seen in the generated assembly).
public protocol VectorScanElement: ScanElement where Accumulator: SIMDScalar {
  /// The four elements at `address`, widened, in memory order.
  static func loadWidened(from address: UnsafeRawPointer) -> SIMD4<Accumulator>
  /// Rounds four accumulators and stores them at `address`, in memory order.
  static func storeNarrowed(_ values: SIMD4<Accumulator>, to address: UnsafeMutableRawPointer)
}

/// Integers and `Double`: the accumulator is the element.
public protocol SelfAccumulatingVectorElement: VectorScanElement, SelfAccumulating, SIMDScalar {}

extension SelfAccumulatingVectorElement {
  @inlinable @inline(__always)
  public static func loadWidened(from address: UnsafeRawPointer) -> SIMD4<Self> {
    address.loadUnaligned(as: SIMD4<Self>.self)
  }
  @inlinable @inline(__always)
  public static func storeNarrowed(_ values: SIMD4<Self>, to address: UnsafeMutableRawPointer) {
    address.storeBytes(of: values, as: SIMD4<Self>.self)
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
  @inlinable @inline(__always)
  public static func loadWidened(from address: UnsafeRawPointer) -> SIMD4<Double> {
    SIMD4<Double>(address.loadUnaligned(as: SIMD4<Float>.self))
  }
  @inlinable @inline(__always)
  public static func storeNarrowed(_ values: SIMD4<Double>, to address: UnsafeMutableRawPointer) {
    address.storeBytes(of: SIMD4<Float>(values), as: SIMD4<Float>.self)
  }
}

extension Half: VectorScanElement {
  @inlinable @inline(__always)
  public static func loadWidened(from address: UnsafeRawPointer) -> SIMD4<Float> {
    widen(address.loadUnaligned(as: SIMD4<UInt16>.self))
  }
  @inlinable @inline(__always)
  public static func storeNarrowed(_ values: SIMD4<Float>, to address: UnsafeMutableRawPointer) {
    address.storeBytes(of: narrow(values), as: SIMD4<UInt16>.self)
  }
}

extension BFloat16: VectorScanElement {
  @inlinable @inline(__always)
  public static func loadWidened(from address: UnsafeRawPointer) -> SIMD4<Float> {
    widen(address.loadUnaligned(as: SIMD4<UInt16>.self))
  }
  @inlinable @inline(__always)
  public static func storeNarrowed(_ values: SIMD4<Float>, to address: UnsafeMutableRawPointer) {
    address.storeBytes(of: narrow(values), as: SIMD4<UInt16>.self)
  }
}
