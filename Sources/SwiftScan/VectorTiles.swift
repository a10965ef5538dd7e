import VectorShims

/// Vector forms of the scan operations, and the tile scanner that uses them.
///
/// Where an operation's accumulator is a SIMD scalar (integers, `Float`,
/// `Double`), a tile is scanned in vectors: the in-vector inclusive prefix
/// of eight lanes takes three log-steps (pairs, quads, halves), and the
/// running value is carried from vector to vector. Each output is
/// `(carry ⊕ local) ⊕ prefix`, with `local` the tile's running total.

/// The lane moves of `VectorTiles.prefix`: each result lane is one of `v`'s
/// or `fill`'s own (generated per type: see VectorOperations+Generated.swift).
public protocol ScanVectorLanes: SIMDScalar {
  /// `(f0, v0, f2, v2, f4, v4, f6, v6)`
  static func pairsShifted(_ v: SIMD8<Self>, fill: SIMD8<Self>) -> SIMD8<Self>
  /// `(f0, f1, v1, v1, f4, f5, v5, v5)`
  static func quadsShifted(_ v: SIMD8<Self>, fill: SIMD8<Self>) -> SIMD8<Self>
  /// `(f0, f1, f2, f3, v3, v3, v3, v3)`
  static func halvesShifted(_ v: SIMD8<Self>, fill: SIMD8<Self>) -> SIMD8<Self>
  /// `(a0, a2, b0, b2, a4, a6, b4, b6)`
  static func evenLanes(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
  /// `(a1, a3, b1, b3, a5, a7, b5, b7)`
  static func oddLanes(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
  /// `(v7, v7, v7, v7, v7, v7, v7, v7)`
  static func lastLane(_ v: SIMD8<Self>) -> SIMD8<Self>
  /// `(f0, …, f(k-1), v0, …, v(7-k))` for `k` in 1...7: every lane moved up `k` places.
  static func shiftedUp(_ v: SIMD8<Self>, fill: SIMD8<Self>, by k: Int) -> SIMD8<Self>
  /// Lane `j` is `v[8 - p + j % p]`, for `p` in 2...7: the last of `v`'s
  /// elements in the sequence of each lane of the next eight (`p` interleaved sequences).
  static func periodCarry(_ v: SIMD8<Self>, period p: Int) -> SIMD8<Self>
  /// Lane `j` is `v[(j + 8) % p]`: a per-sequence pattern moved on by eight elements.
  static func periodRotate(_ v: SIMD8<Self>, period p: Int) -> SIMD8<Self>
}

/// An operation with a lane-wise form on eight-, four- and two-lane vectors.
public protocol VectorScanOperation: ScanOperation where Value: ScanVectorLanes {
  /// `lift` lane by lane (the identity but for the NaN-skipping scans).
  static func lift(_ v: SIMD8<Value>) -> SIMD8<Value>
  static func lift(_ v: SIMD4<Value>) -> SIMD4<Value>
  static func lift(_ v: SIMD2<Value>) -> SIMD2<Value>
  /// `combine` applied lane by lane.
  static func combine(_ running: SIMD8<Value>, _ next: SIMD8<Value>) -> SIMD8<Value>
  static func combine(_ running: SIMD4<Value>, _ next: SIMD4<Value>) -> SIMD4<Value>
  static func combine(_ running: SIMD2<Value>, _ next: SIMD2<Value>) -> SIMD2<Value>
}

public protocol ScanVectorSummable: ScanSummable & ScanVectorLanes {
  static func sum(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
  static func sum(_ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMD4<Self>
  static func sum(_ a: SIMD2<Self>, _ b: SIMD2<Self>) -> SIMD2<Self>
}
public protocol ScanVectorMultiplicable: ScanMultiplicable & ScanVectorLanes {
  static func product(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
  static func product(_ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMD4<Self>
  static func product(_ a: SIMD2<Self>, _ b: SIMD2<Self>) -> SIMD2<Self>
}
public protocol ScanVectorOrdered: ScanOrdered & ScanVectorLanes {
  static func maximum(_ running: SIMD8<Self>, _ next: SIMD8<Self>) -> SIMD8<Self>
  static func minimum(_ running: SIMD8<Self>, _ next: SIMD8<Self>) -> SIMD8<Self>
  static func maximum(_ running: SIMD4<Self>, _ next: SIMD4<Self>) -> SIMD4<Self>
  static func minimum(_ running: SIMD4<Self>, _ next: SIMD4<Self>) -> SIMD4<Self>
  static func maximum(_ running: SIMD2<Self>, _ next: SIMD2<Self>) -> SIMD2<Self>
  static func minimum(_ running: SIMD2<Self>, _ next: SIMD2<Self>) -> SIMD2<Self>
}

extension VectorScanOperation {
  @inline(__always) public static func lift(_ v: SIMD8<Value>) -> SIMD8<Value> { v }
  @inline(__always) public static func lift(_ v: SIMD4<Value>) -> SIMD4<Value> { v }
  @inline(__always) public static func lift(_ v: SIMD2<Value>) -> SIMD2<Value> { v }
}

// The conformances, and each type's lane-wise operations, are generated
// (VectorOperations+Generated.swift): written on the concrete vector type,
// `a &+ b` is one vector instruction; written once in a generic extension it
// is a lane-by-lane loop the compiler scalarises.


extension SumOp: VectorScanOperation where Value: ScanVectorSummable {
  @inline(__always) public static func combine(_ a: SIMD8<Value>, _ b: SIMD8<Value>) -> SIMD8<Value> {
    Value.sum(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> {
    Value.sum(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD2<Value>, _ b: SIMD2<Value>) -> SIMD2<Value> {
    Value.sum(a, b)
  }
}
extension ProductOp: VectorScanOperation where Value: ScanVectorMultiplicable {
  @inline(__always) public static func combine(_ a: SIMD8<Value>, _ b: SIMD8<Value>) -> SIMD8<Value> {
    Value.product(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> {
    Value.product(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD2<Value>, _ b: SIMD2<Value>) -> SIMD2<Value> {
    Value.product(a, b)
  }
}
extension MaxOp: VectorScanOperation where Value: ScanVectorOrdered {
  @inline(__always) public static func combine(_ a: SIMD8<Value>, _ b: SIMD8<Value>) -> SIMD8<Value> {
    Value.maximum(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> {
    Value.maximum(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD2<Value>, _ b: SIMD2<Value>) -> SIMD2<Value> {
    Value.maximum(a, b)
  }
}
extension MinOp: VectorScanOperation where Value: ScanVectorOrdered {
  @inline(__always) public static func combine(_ a: SIMD8<Value>, _ b: SIMD8<Value>) -> SIMD8<Value> {
    Value.minimum(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> {
    Value.minimum(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD2<Value>, _ b: SIMD2<Value>) -> SIMD2<Value> {
    Value.minimum(a, b)
  }
}

/// The vector tile scanner. It handles tiles whose input and output are both
/// contiguous, forward or backward (reverse scans); any other tile goes to
/// `ChunkedTiles`, and `tileTotal` makes the same choice from the same
/// strides, so totals match scans bit for bit.
///
/// Eight elements are taken at a time, as one eight-lane vector (one AVX
/// register of 4-byte accumulators), so the tile's running total (the one
/// dependency chain) takes one combine per eight elements. Loads and stores
/// are `@_transparent`, not `@inline(__always)`: with the half-precision
/// conversions inside, the optimizer left them as calls with a variable
/// step, and the reversal of a backward step went through memory.
public enum VectorTiles<Element: VectorScanElement, Operation: VectorScanOperation>: TileScanner
where Operation.Value == Element.Accumulator {
  public typealias Value = Element.Accumulator
  typealias Scalar = ChunkedTiles<Element, Operation>
  typealias Vector = SIMD4<Value>

  static var size: Int { MemoryLayout<Element>.stride }

  /// +1 when input and output both run forward through memory element by
  /// element, -1 when both run backward (a reverse scan), 0 otherwise.
  @inline(__always)
  static func direction(_ inputStride: Int, _ outputStride: Int) -> Int {
    if inputStride == size && outputStride == size { return 1 }
    if inputStride == -size && outputStride == -size { return -1 }
    return 0
  }

  typealias Octet = SIMD8<Value>
  typealias StoredOctet = SIMD8<Element.Stored>

  /// Eight elements as stored, in scan order from `index`, stepping `step`
  /// (a literal ±1 once inlined): a backward step loads the eight below and
  /// reverses them.
  @_transparent
  static func loadOctet(_ base: UnsafeRawPointer, _ index: Int, step: Int) -> StoredOctet {
    if step > 0 { return (base + index &* size).loadUnaligned(as: StoredOctet.self) }
    let m = (base - (index &+ 7) &* size).loadUnaligned(as: StoredOctet.self)
    return StoredOctet(m[7], m[6], m[5], m[4], m[3], m[2], m[1], m[0])
  }

  /// Stores eight results in scan order from `index` (a backward step writes
  /// them reversed, below), rounded to storage. `streaming` (a literal once
  /// inlined) writes with streaming stores (see streaming_stores.h): the
  /// octet must then start 16-byte aligned and be whole 16-byte pieces.
  @_transparent
  static func storeOctet(
    _ values: Octet, _ base: UnsafeMutableRawPointer, _ index: Int, step: Int, streaming: Bool = false
  ) {
    let v = Element.narrow(values)
    let start = step > 0 ? base + index &* size : base - (index &+ 7) &* size
    let ordered = step > 0 ? v : StoredOctet(v[7], v[6], v[5], v[4], v[3], v[2], v[1], v[0])
    guard streaming else {
      start.storeBytes(of: ordered, as: StoredOctet.self)
      return
    }
    withUnsafeBytes(of: ordered) { bytes in
      var offset = 0
      while offset < bytes.count {
        mlxl_stream_store16(start + offset, bytes.loadUnaligned(fromByteOffset: offset, as: mlxl_bytes16.self))
        offset &+= 16
      }
    }
  }

  /// Whether `streamTile` may stream a tile with these strides and output:
  /// contiguous octets of whole 16-byte pieces, each starting 16-byte aligned.
  @inline(__always)
  static func canStream(_ output: UnsafeMutableRawPointer, step: Int) -> Bool {
    guard size >= 2 else { return false }
    let first = Int(bitPattern: output) &+ (step < 0 ? size : 0)
    return first & 15 == 0
  }

  /// Eight stored elements as the scan reads them: widened, then lifted
  /// (`ScanOperation.lift`: a NaN-skipping scan's NaN becomes its neutral element).
  @_transparent
  static func lifted(_ stored: StoredOctet) -> Octet { Operation.lift(Element.widen(stored)) }

  /// Four elements at `address`, widened and lifted.
  @_transparent
  static func liftedQuad(from address: UnsafeRawPointer) -> Vector {
    Operation.lift(Element.loadWidened(from: address) as Vector)
  }

  /// The inclusive prefix of eight lanes in three steps: within each pair of
  /// lanes, then each quad's first pair into its second, then the first
  /// quad's total into the second quad. The grouping is fixed, whatever the
  /// register width: lane 6, say, is `((x0 ⊕ x1) ⊕ (x2 ⊕ x3)) ⊕ ((x4 ⊕ x5) ⊕ x6)`.
  ///
  /// The lane moves are the accumulator's own (`ScanVectorLanes`): for
  /// floats they are C shuffles, since written as Swift initialisers the
  /// compiler moved them before the widening conversion and split the
  /// conversion into pieces.
  @_transparent
  static func prefix(_ stored: StoredOctet) -> Octet {
    let n = Octet(repeating: Operation.neutral)
    let v = lifted(stored)
    let pairs = Operation.combine(Value.pairsShifted(v, fill: n), v)
    let quads = Operation.combine(Value.quadsShifted(pairs, fill: n), pairs)
    return Operation.combine(Value.halvesShifted(quads, fill: n), quads)
  }

  typealias Pair = SIMD2<Value>

  /// Two elements in scan order from `index` (as `load`, for pairs).
  @_transparent
  static func loadPair(_ base: UnsafeRawPointer, _ index: Int, step: Int) -> Pair {
    if step > 0 { return Operation.lift(Element.loadWidened(from: base + index &* size) as Pair) }
    let memoryOrder = Operation.lift(Element.loadWidened(from: base - (index &+ 1) &* size) as Pair)
    return Pair(memoryOrder[1], memoryOrder[0])
  }

  @_transparent
  static func storePair(_ values: Pair, _ base: UnsafeMutableRawPointer, _ index: Int, step: Int) {
    if step > 0 {
      Element.storeNarrowed(values, to: base + index &* size)
    } else {
      Element.storeNarrowed(Pair(values[1], values[0]), to: base - (index &+ 1) &* size)
    }
  }

  /// The inclusive prefix of a pair, lifted by `offset` (broadcast).
  @_transparent
  static func prefix(_ v: Pair, after offset: Value) -> Pair {
    Operation.combine(Pair(repeating: offset), Operation.combine(Pair(Operation.neutral, v[0]), v))
  }

  /// Whether the octet loop of `walk` keeps its running total in all eight
  /// lanes: faster for floating-point and 8-byte accumulators (in cache,
  /// float16 sums 0.28 -> 0.25 ns per element, int64 0.30 -> 0.25), slower
  /// for narrower integers (int32 0.16 -> 0.27), whose lane 7 reaches a
  /// scalar register in one instruction.
  ///
  /// Metatype comparisons, not `Value.self is any FixedWidthInteger.Type`:
  /// the optimizer left that cast as a call to the runtime's conformance
  /// lookup once per tile, whose shared reader count the threads fought
  /// over (a tenth of a two-thread float16 scan's time).
  static var broadcastRunning: Bool {
    Value.self == Float.self || Value.self == Double.self || MemoryLayout<Value>.size == 8
  }

  /// Whether the walk takes pairs: for 8-byte accumulators, except in the
  /// Haswell build, where four of them fill one AVX register.
  static var pairs: Bool {
    #if MLX_LITE_HASWELL
    return false
    #else
    return MemoryLayout<Value>.size == 8
    #endif
  }

  /// Walks a tile, writing `carry ⊕ local ⊕ prefix` to `target` when there is
  /// one (inlined with a literal nil, the stores vanish and the same chain
  /// gives `tileTotal`'s bits); returns the tile's total `local`.
  ///
  /// 8-byte accumulators go in pairs where one SSE register holds two: in
  /// four-lane vectors the compiler splits every operation across two
  /// registers and reshuffles lanes between them at a cost of more
  /// instructions than the arithmetic itself.
  @inline(__always)
  static func walk(
    _ source: UnsafeRawPointer, _ target: UnsafeMutableRawPointer?,
    count: Int, carry: Value, step: Int, streaming: Bool = false
  ) -> Value {
    var local = Operation.neutral
    var index = 0
    if count <= 8 {
      // Rows this short are folded in sequence (see `scanRowsOfFour`).
      index = count
      for position in 0..<count {
        let offset = position &* step &* size
        local = Operation.combine(local, Operation.lift(source.load(fromByteOffset: offset, as: Element.self).widened))
        target?.storeBytes(of: Element(narrowing: Operation.combine(carry, local)), toByteOffset: offset, as: Element.self)
      }
      return local
    }
    if pairs {
      while index &+ 8 <= count {
        let p0 = prefix(loadPair(source, index, step: step), after: Operation.neutral)
        let p1 = prefix(loadPair(source, index &+ 2, step: step), after: p0[1])
        let p2 = prefix(loadPair(source, index &+ 4, step: step), after: p1[1])
        let p3 = prefix(loadPair(source, index &+ 6, step: step), after: p2[1])
        if let target {
          let base = Pair(repeating: Operation.combine(carry, local))
          storePair(Operation.combine(base, p0), target, index, step: step)
          storePair(Operation.combine(base, p1), target, index &+ 2, step: step)
          storePair(Operation.combine(base, p2), target, index &+ 4, step: step)
          storePair(Operation.combine(base, p3), target, index &+ 6, step: step)
        }
        local = Operation.combine(local, p3[1])
        index &+= 8
      }
    }
    if broadcastRunning && index &+ 8 <= count {
      // The running total is kept in all eight lanes, so that neither it nor
      // `carry ⊕ local` is moved between a vector and a scalar every step
      // (the same combines of the same values, lane by lane).
      let carries = Octet(repeating: carry)
      var running = Octet(repeating: local)
      while index &+ 8 <= count {
        let octet = prefix(loadOctet(source, index, step: step))
        if let target {
          storeOctet(
            Operation.combine(Operation.combine(carries, running), octet), target, index, step: step,
            streaming: streaming)
        }
        running = Operation.combine(running, Value.lastLane(octet))
        index &+= 8
      }
      local = running[0]
    }
    while index &+ 8 <= count {
      let octet = prefix(loadOctet(source, index, step: step))
      if let target {
        storeOctet(
          Operation.combine(Octet(repeating: Operation.combine(carry, local)), octet), target, index, step: step,
          streaming: streaming)
      }
      local = Operation.combine(local, octet[7])
      index &+= 8
    }
    while index < count {
      let offset = index &* step &* size
      local = Operation.combine(local, Operation.lift(source.load(fromByteOffset: offset, as: Element.self).widened))
      target?.storeBytes(of: Element(narrowing: Operation.combine(carry, local)), toByteOffset: offset, as: Element.self)
      index &+= 1
    }
    return local
  }

  public static func scanTile(
    _ input: UnsafeRawPointer, _ inputStride: Int,
    _ output: UnsafeMutableRawPointer, _ outputStride: Int,
    count: Int, carry: Value, scratch: UnsafeMutablePointer<Value>
  ) -> Value {
    switch direction(inputStride, outputStride) {
    case 1: return walk(input, output, count: count, carry: carry, step: 1)
    case -1: return walk(input, output, count: count, carry: carry, step: -1)
    default:
      return Scalar.scanTile(input, inputStride, output, outputStride, count: count, carry: carry, scratch: scratch)
    }
  }

  public static func streamTile(
    _ input: UnsafeRawPointer, _ inputStride: Int,
    _ output: UnsafeMutableRawPointer, _ outputStride: Int,
    count: Int, carry: Value, scratch: UnsafeMutablePointer<Value>
  ) -> Value {
    let step = direction(inputStride, outputStride)
    guard step != 0 && !pairs && canStream(output, step: step) else {
      return scanTile(input, inputStride, output, outputStride, count: count, carry: carry, scratch: scratch)
    }
    let total = step > 0
      ? walk(input, output, count: count, carry: carry, step: 1, streaming: true)
      : walk(input, output, count: count, carry: carry, step: -1, streaming: true)
    mlxl_stream_fence()
    return total
  }

  public static func scanRows(
    _ input: UnsafeRawPointer, _ inputStride: Int,
    _ output: UnsafeMutableRawPointer, _ outputStride: Int,
    rowStrides: (input: Int, output: Int), rows: Int,
    count: Int, carry: Value, scratch: UnsafeMutablePointer<Value>
  ) {
    // The direction is checked once for all rows, and `walk` inlined for each.
    switch direction(inputStride, outputStride) {
    case 1 where count == 8 && rows >= 4:
      let whole = rows & ~3
      var row = 0
      while row < whole {
        scanRowsOfFour(input + row &* rowStrides.input, output + row &* rowStrides.output, rowStrides: rowStrides, carry: carry)
        row &+= 4
      }
      for rest in whole..<rows {
        _ = walk(input + rest &* rowStrides.input, output + rest &* rowStrides.output, count: count, carry: carry, step: 1)
      }
    case 1 where (count == 2 || count == 4) && rows >= 4
      && rowStrides.input == count &* size && rowStrides.output == count &* size:
      // Rows of two or four back to back: eight elements hold four or two
      // whole rows, whose prefixes are the first one or two steps of `prefix`.
      let elements = rows &* count
      var index = 0
      let n = Octet(repeating: Operation.neutral)
      let base = Octet(repeating: carry)
      while index &+ 8 <= elements {
        let v = lifted(loadOctet(input, index, step: 1))
        var local = Operation.combine(Value.pairsShifted(v, fill: n), v)
        if count == 4 { local = Operation.combine(Value.quadsShifted(local, fill: n), local) }
        storeOctet(Operation.combine(base, local), output, index, step: 1)
        index &+= 8
      }
      for row in (index / count)..<rows {
        _ = walk(input + row &* rowStrides.input, output + row &* rowStrides.output, count: count, carry: carry, step: 1)
      }
    case 1:
      for row in 0..<rows {
        _ = walk(input + row &* rowStrides.input, output + row &* rowStrides.output, count: count, carry: carry, step: 1)
      }
    case -1:
      for row in 0..<rows {
        _ = walk(input + row &* rowStrides.input, output + row &* rowStrides.output, count: count, carry: carry, step: -1)
      }
    default:
      for row in 0..<rows {
        _ = Scalar.scanTile(
          input + row &* rowStrides.input, inputStride, output + row &* rowStrides.output, outputStride,
          count: count, carry: carry, scratch: scratch)
      }
    }
  }

  /// A lane scan's step, eight lanes at a time (see `TileScanner.accumulateRow`):
  /// the same combines per lane, so the same bits as the scalar loop.
  public static func accumulateRow(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer?,
    local: UnsafeMutablePointer<Value>, carry: UnsafePointer<Value>, count: Int
  ) {
    let locals = UnsafeMutableRawPointer(local)
    let carries = UnsafeRawPointer(carry)
    let valueSize = MemoryLayout<Value>.stride
    var index = 0
    while index &+ 8 <= count {
      let value = Operation.combine(
        (locals + index &* valueSize).loadUnaligned(as: Octet.self),
        lifted(loadOctet(input, index, step: 1)))
      (locals + index &* valueSize).storeBytes(of: value, as: Octet.self)
      if let output {
        storeOctet(
          Operation.combine((carries + index &* valueSize).loadUnaligned(as: Octet.self), value), output, index,
          step: 1)
      }
      index &+= 8
    }
    while index < count {
      let value = Operation.combine(
        local[index], Operation.lift(input.load(fromByteOffset: index &* size, as: Element.self).widened))
      local[index] = value
      output?.storeBytes(
        of: Element(narrowing: Operation.combine(carry[index], value)), toByteOffset: index &* size, as: Element.self)
      index &+= 1
    }
  }

  /// `TileScanner.mapRow` eight at a time.
  public static func mapRow(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, carry: Value, count: Int) {
    let base = Octet(repeating: carry)
    var index = 0
    while index &+ 8 <= count {
      storeOctet(Operation.combine(base, lifted(loadOctet(input, index, step: 1))), output, index, step: 1)
      index &+= 8
    }
    while index < count {
      let value = Operation.lift(input.load(fromByteOffset: index &* size, as: Element.self).widened)
      output.storeBytes(of: Element(narrowing: Operation.combine(carry, value)), toByteOffset: index &* size, as: Element.self)
      index &+= 1
    }
  }

  /// Four contiguous rows of eight, transposed into columns, folded in
  /// sequence down the columns (one vector combine per column for all four
  /// rows), and transposed back.
  @inline(__always)
  static func scanRowsOfFour(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, rowStrides: (input: Int, output: Int), carry: Value
  ) {
    @inline(__always) func transpose(_ a: Vector, _ b: Vector, _ c: Vector, _ d: Vector) -> (Vector, Vector, Vector, Vector) {
      (Vector(a[0], b[0], c[0], d[0]), Vector(a[1], b[1], c[1], d[1]),
       Vector(a[2], b[2], c[2], d[2]), Vector(a[3], b[3], c[3], d[3]))
    }
    let in1 = input + rowStrides.input, in2 = in1 + rowStrides.input, in3 = in2 + rowStrides.input
    let out1 = output + rowStrides.output, out2 = out1 + rowStrides.output, out3 = out2 + rowStrides.output
    let base = Vector(repeating: carry)
    var running = Vector(repeating: Operation.neutral)
    for half in 0..<2 {
      let offset = half &* 4 &* size
      let columns = transpose(
        liftedQuad(from: input + offset), liftedQuad(from: in1 + offset),
        liftedQuad(from: in2 + offset), liftedQuad(from: in3 + offset))
      running = Operation.combine(running, columns.0)
      let c0 = Operation.combine(base, running)
      running = Operation.combine(running, columns.1)
      let c1 = Operation.combine(base, running)
      running = Operation.combine(running, columns.2)
      let c2 = Operation.combine(base, running)
      running = Operation.combine(running, columns.3)
      let c3 = Operation.combine(base, running)
      let rowsOut = transpose(c0, c1, c2, c3)
      Element.storeNarrowed(rowsOut.0, to: output + offset)
      Element.storeNarrowed(rowsOut.1, to: out1 + offset)
      Element.storeNarrowed(rowsOut.2, to: out2 + offset)
      Element.storeNarrowed(rowsOut.3, to: out3 + offset)
    }
  }

  public static func tileTotal(
    _ input: UnsafeRawPointer, _ inputStride: Int, outputStride: Int, count: Int
  ) -> Value {
    switch direction(inputStride, outputStride) {
    case 1: return pairs ? walk(input, nil, count: count, carry: Operation.neutral, step: 1) : total(input, count: count, step: 1)
    case -1: return pairs ? walk(input, nil, count: count, carry: Operation.neutral, step: -1) : total(input, count: count, step: -1)
    default: return Scalar.tileTotal(input, inputStride, outputStride: outputStride, count: count)
    }
  }

  /// The `local` that `walk` returns for the same tile, bit for bit, at a
  /// fraction of the cost: the reduce pass of a parallel scan needs only each
  /// eight elements' total, not their prefixes. `walk` folds, in order, the
  /// totals `((x0 ⊕ x1) ⊕ (x2 ⊕ x3)) ⊕ ((x4 ⊕ x5) ⊕ (x6 ⊕ x7))` of its
  /// octets (lane 7 of `prefix`); here four octets' totals are made at once,
  /// with the same operands in the same order, by combining even lanes with
  /// odd ones three times (pairs, quads, halves), then folded in order.
  /// (Not for `pairs`, whose walk groups its octets differently.)
  @inline(__always)
  static func total(_ source: UnsafeRawPointer, count: Int, step: Int) -> Value {
    if count <= 8 { return walk(source, nil, count: count, carry: Operation.neutral, step: step) }
    var local = Operation.neutral
    var index = 0
    while index &+ 32 <= count {
      let v0 = lifted(loadOctet(source, index, step: step))
      let v1 = lifted(loadOctet(source, index &+ 8, step: step))
      let v2 = lifted(loadOctet(source, index &+ 16, step: step))
      let v3 = lifted(loadOctet(source, index &+ 24, step: step))
      // Lanes (v0 p0, v0 p1, v1 p0, v1 p1, v0 p2, v0 p3, v1 p2, v1 p3), pN the Nth pair's combine.
      let pairs01 = Operation.combine(Value.evenLanes(v0, v1), Value.oddLanes(v0, v1))
      let pairs23 = Operation.combine(Value.evenLanes(v2, v3), Value.oddLanes(v2, v3))
      // Lanes (v0 q0, v1 q0, v2 q0, v3 q0, v0 q1, v1 q1, v2 q1, v3 q1), q0 = p0 ⊕ p1, q1 = p2 ⊕ p3.
      let quads = Operation.combine(Value.evenLanes(pairs01, pairs23), Value.oddLanes(pairs01, pairs23))
      let totals = Operation.combine(quads.lowHalf, quads.highHalf)
      local = Operation.combine(Operation.combine(Operation.combine(
        Operation.combine(local, totals[0]), totals[1]), totals[2]), totals[3])
      index &+= 32
    }
    while index &+ 8 <= count {
      local = Operation.combine(local, prefix(loadOctet(source, index, step: step))[7])
      index &+= 8
    }
    while index < count {
      let offset = index &* step &* size
      local = Operation.combine(local, Operation.lift(source.load(fromByteOffset: offset, as: Element.self).widened))
      index &+= 1
    }
    return local
  }
}
