import RealModule

/// How an element is stored in memory, and the type a scan carries it in.
///
/// A scan reads each element, widens it to its `Accumulator`, folds there,
/// and rounds each output once. Wider accumulators are the accuracy lever:
/// half-precision values are carried in `Float` (so `cumsum` of 5000 float16
/// ones is 5000, not 2048), `Float` and `complex64` in double precision (each
/// output of a float32 sum is then within about half an ulp of the exact
/// prefix sum). Integers and `Double` are carried as they are.
public protocol ScanElement {
  associatedtype Accumulator
  var widened: Accumulator { get }
  init(narrowing value: Accumulator)
}

/// Elements that are their own accumulator.
public protocol SelfAccumulating: ScanElement where Accumulator == Self {}
extension SelfAccumulating {
  @inline(__always) public var widened: Self { self }
  @inline(__always) public init(narrowing value: Self) { self = value }
}

extension Int8: SelfAccumulating {}
extension Int16: SelfAccumulating {}
extension Int32: SelfAccumulating {}
extension Int64: SelfAccumulating {}
extension UInt8: SelfAccumulating {}
extension UInt16: SelfAccumulating {}
extension UInt32: SelfAccumulating {}
extension UInt64: SelfAccumulating {}
extension Double: SelfAccumulating {}
extension ScanComplex: ScanElement, SelfAccumulating where RealType == Double {}

extension Float: ScanElement {
  @inline(__always) public var widened: Double { Double(self) }
  @inline(__always) public init(narrowing value: Double) { self = Float(value) }
}

/// complex128 is its own accumulator.
typealias Complex128 = ScanComplex<Double>

/// complex64 as stored (two `Float`s), carried as complex128 like float32 in float64.
/// (A distinct type: `ScanComplex` can conform to `ScanElement` only once.)
struct Complex64Element: ScanElement {
  var real: Float
  var imaginary: Float
  @inline(__always) var widened: Complex128 {
    Complex128(Double(real), Double(imaginary))
  }
  @inline(__always) init(narrowing value: Complex128) {
    real = Float(value.real)
    imaginary = Float(value.imaginary)
  }
}

/// NumPy's bool: one byte, 0 or 1. Any nonzero byte (a view of other bytes as
/// bool) reads as true; results are always written as 0 or 1.
struct BoolByte: ScanElement {
  var byte: UInt8
  @inline(__always) var widened: Bool { byte != 0 }
  @inline(__always) init(narrowing value: Bool) { byte = value ? 1 : 0 }
}
