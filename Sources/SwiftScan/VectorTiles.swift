/// Vector forms of the scan operations, and the tile scanner that uses them.
///
/// Where an operation's accumulator is a SIMD scalar (integers, `Float`,
/// `Double`), a tile is scanned four elements at a time: the in-vector
/// inclusive prefix takes two log-steps (shift by one lane, combine; shift by
/// two, combine), and the running value is carried from vector to vector, so
/// the dependency chain is one combine per four elements. Each output is
/// `(carry ⊕ local) ⊕ prefix`, with `local` the tile's running total.

/// An operation with a lane-wise form on four-lane vectors.
public protocol VectorScanOperation: ScanOperation where Value: SIMDScalar {
  /// `combine` applied lane by lane.
  static func combine(_ running: SIMD4<Value>, _ next: SIMD4<Value>) -> SIMD4<Value>
}

public protocol ScanVectorSummable: ScanSummable & SIMDScalar {
  static func sum(_ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMD4<Self>
}
public protocol ScanVectorMultiplicable: ScanMultiplicable & SIMDScalar {
  static func product(_ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMD4<Self>
}
public protocol ScanVectorOrdered: ScanOrdered & SIMDScalar {
  static func maximum(_ running: SIMD4<Self>, _ next: SIMD4<Self>) -> SIMD4<Self>
  static func minimum(_ running: SIMD4<Self>, _ next: SIMD4<Self>) -> SIMD4<Self>
}

extension ScanVectorSummable where Self: FixedWidthInteger {
  @inline(__always) public static func sum(_ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMD4<Self> { a &+ b }
}
extension ScanVectorMultiplicable where Self: FixedWidthInteger {
  @inline(__always) public static func product(_ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMD4<Self> { a &* b }
}
extension ScanVectorOrdered where Self: FixedWidthInteger {
  @inline(__always) public static func maximum(_ running: SIMD4<Self>, _ next: SIMD4<Self>) -> SIMD4<Self> {
    next.replacing(with: running, where: running .> next)
  }
  @inline(__always) public static func minimum(_ running: SIMD4<Self>, _ next: SIMD4<Self>) -> SIMD4<Self> {
    next.replacing(with: running, where: running .< next)
  }
}

extension ScanVectorSummable where Self: BinaryFloatingPoint {
  @inline(__always) public static func sum(_ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMD4<Self> { a + b }
}
extension ScanVectorMultiplicable where Self: BinaryFloatingPoint {
  @inline(__always) public static func product(_ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMD4<Self> { a * b }
}
extension ScanVectorOrdered where Self: BinaryFloatingPoint {
  // As the scalar forms: a NaN `next` wins the comparison's false; a NaN
  // `running` (unequal to itself) is then put back. (Correct, and tested, but
  // not dispatched: see `vectorInexactKernel`.)
  @inline(__always) public static func maximum(_ running: SIMD4<Self>, _ next: SIMD4<Self>) -> SIMD4<Self> {
    let larger = next.replacing(with: running, where: running .> next)
    return larger.replacing(with: running, where: running .!= running)
  }
  @inline(__always) public static func minimum(_ running: SIMD4<Self>, _ next: SIMD4<Self>) -> SIMD4<Self> {
    let smaller = next.replacing(with: running, where: running .< next)
    return smaller.replacing(with: running, where: running .!= running)
  }
}

extension Int8: ScanVectorSummable, ScanVectorMultiplicable, ScanVectorOrdered {}
extension Int16: ScanVectorSummable, ScanVectorMultiplicable, ScanVectorOrdered {}
extension Int32: ScanVectorSummable, ScanVectorMultiplicable, ScanVectorOrdered {}
extension Int64: ScanVectorSummable, ScanVectorMultiplicable, ScanVectorOrdered {}
extension UInt8: ScanVectorSummable, ScanVectorMultiplicable, ScanVectorOrdered {}
extension UInt16: ScanVectorSummable, ScanVectorMultiplicable, ScanVectorOrdered {}
extension UInt32: ScanVectorSummable, ScanVectorMultiplicable, ScanVectorOrdered {}
extension UInt64: ScanVectorSummable, ScanVectorMultiplicable, ScanVectorOrdered {}
extension Float: ScanVectorSummable, ScanVectorMultiplicable, ScanVectorOrdered {}
extension Double: ScanVectorSummable, ScanVectorMultiplicable, ScanVectorOrdered {}

extension SumOp: VectorScanOperation where Value: ScanVectorSummable {
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> {
    Value.sum(a, b)
  }
}
extension ProductOp: VectorScanOperation where Value: ScanVectorMultiplicable {
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> {
    Value.product(a, b)
  }
}
extension MaxOp: VectorScanOperation where Value: ScanVectorOrdered {
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> {
    Value.maximum(a, b)
  }
}
extension MinOp: VectorScanOperation where Value: ScanVectorOrdered {
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> {
    Value.minimum(a, b)
  }
}

/// The vector tile scanner. It handles tiles whose input and output are both
/// contiguous, forward or backward (reverse scans); any other tile goes to
/// `ChunkedTiles`, and `tileTotal` makes the same choice from the same
/// strides, so totals match scans bit for bit.
public enum VectorTiles<Element: ScanElement, Operation: VectorScanOperation>: TileScanner
where Operation.Value == Element.Accumulator {
  public typealias Value = Element.Accumulator
  typealias Scalar = ChunkedTiles<Element, Operation>

  /// +1 when input and output both run forward through memory element by
  /// element, -1 when both run backward (a reverse scan), 0 otherwise.
  @inline(__always)
  static func direction(_ inputStride: Int, _ outputStride: Int) -> Int {
    let size = MemoryLayout<Element>.stride
    if inputStride == size && outputStride == size { return 1 }
    if inputStride == -size && outputStride == -size { return -1 }
    return 0
  }

  /// Four elements in scan order from `index`, stepping `step` (a literal ±1
  /// once inlined, so a backward load is a forward load and a lane reversal).
  @inline(__always)
  static func load(_ source: UnsafePointer<Element>, _ index: Int, step: Int) -> SIMD4<Value> {
    SIMD4(source[index &* step].widened, source[(index &+ 1) &* step].widened,
          source[(index &+ 2) &* step].widened, source[(index &+ 3) &* step].widened)
  }

  /// The inclusive prefix of four lanes, in two log-steps.
  @inline(__always)
  static func prefix(_ v: SIMD4<Value>) -> SIMD4<Value> {
    let neutral = Operation.neutral
    let once = Operation.combine(SIMD4(neutral, v[0], v[1], v[2]), v)
    return Operation.combine(SIMD4(neutral, neutral, once[0], once[1]), once)
  }

  public static func scanTile(
    _ input: UnsafeRawPointer, _ inputStride: Int,
    _ output: UnsafeMutableRawPointer, _ outputStride: Int,
    count: Int, carry: Value, scratch: UnsafeMutablePointer<Value>
  ) -> Value {
    let source = input.assumingMemoryBound(to: Element.self)
    let target = output.assumingMemoryBound(to: Element.self)
    switch direction(inputStride, outputStride) {
    case 1: return scan(source, target, count: count, carry: carry, step: 1)
    case -1: return scan(source, target, count: count, carry: carry, step: -1)
    default:
      return Scalar.scanTile(input, inputStride, output, outputStride, count: count, carry: carry, scratch: scratch)
    }
  }

  @inline(__always)
  static func scan(
    _ source: UnsafePointer<Element>, _ target: UnsafeMutablePointer<Element>,
    count: Int, carry: Value, step: Int
  ) -> Value {
    var local = Operation.neutral
    var index = 0
    while index &+ 4 <= count {
      let lanes = prefix(load(source, index, step: step))
      let result = Operation.combine(SIMD4(repeating: Operation.combine(carry, local)), lanes)
      for lane in 0..<4 { target[(index &+ lane) &* step] = Element(narrowing: result[lane]) }
      local = Operation.combine(local, lanes[3])
      index &+= 4
    }
    while index < count {
      local = Operation.combine(local, source[index &* step].widened)
      target[index &* step] = Element(narrowing: Operation.combine(carry, local))
      index &+= 1
    }
    return local
  }

  public static func tileTotal(
    _ input: UnsafeRawPointer, _ inputStride: Int, outputStride: Int, count: Int
  ) -> Value {
    let source = input.assumingMemoryBound(to: Element.self)
    switch direction(inputStride, outputStride) {
    case 1: return total(source, count: count, step: 1)
    case -1: return total(source, count: count, step: -1)
    default: return Scalar.tileTotal(input, inputStride, outputStride: outputStride, count: count)
    }
  }

  @inline(__always)
  static func total(_ source: UnsafePointer<Element>, count: Int, step: Int) -> Value {
    var local = Operation.neutral
    var index = 0
    while index &+ 4 <= count {
      local = Operation.combine(local, prefix(load(source, index, step: step))[3])
      index &+= 4
    }
    while index < count {
      local = Operation.combine(local, source[index &* step].widened)
      index &+= 1
    }
    return local
  }
}
