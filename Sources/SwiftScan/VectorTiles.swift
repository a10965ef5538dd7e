import VectorShims

/// The eight-lane vector tile scanner, for operations with a vector form
/// (VectorOperations.swift). Where an operation's accumulator is a SIMD scalar
/// (integers, `Float`, `Double`), a tile is scanned in vectors: the in-vector
/// inclusive prefix of eight lanes takes three log-steps (pairs, quads, halves),
/// and the running value is carried from vector to vector. Each output is
/// `(carry ⊕ local) ⊕ prefix`, with `local` the tile's running total. Rows of
/// lanes are in VectorTiles+Rows.swift, the reduce pass's totals in
/// VectorTiles+Totals.swift, interleaved channels in VectorTiles+Interleaved.swift.

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

  /// The steps of a tile whose input and output are each contiguous, in
  /// either direction: +1 forward through memory, -1 backward; nil otherwise.
  /// Opposite directions are a forward scan of a reversed view, `x[::-1]`,
  /// whose result NumPy lays out forward (2.0x a copy's time when these
  /// tiles took the scalar path).
  @inline(__always)
  static func steps(_ inputStride: Int, _ outputStride: Int) -> (input: Int, output: Int)? {
    guard inputStride.magnitude == size && outputStride.magnitude == size else { return nil }
    return (inputStride > 0 ? 1 : -1, outputStride > 0 ? 1 : -1)
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
    count: Int, carry: Value, step: Int, outputStep: Int? = nil, streaming: Bool = false
  ) -> Value {
    let outputStep = outputStep ?? step
    var local = Operation.neutral
    var index = 0
    if count <= 8 {
      // Rows this short are folded in sequence (see `scanRowsOfFour`).
      index = count
      for position in 0..<count {
        local = Operation.combine(
          local, Operation.lift(source.load(fromByteOffset: position &* step &* size, as: Element.self).widened))
        target?.storeBytes(
          of: Element(narrowing: Operation.combine(carry, local)), toByteOffset: position &* outputStep &* size,
          as: Element.self)
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
          storePair(Operation.combine(base, p0), target, index, step: outputStep)
          storePair(Operation.combine(base, p1), target, index &+ 2, step: outputStep)
          storePair(Operation.combine(base, p2), target, index &+ 4, step: outputStep)
          storePair(Operation.combine(base, p3), target, index &+ 6, step: outputStep)
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
            Operation.combine(Operation.combine(carries, running), octet), target, index, step: outputStep,
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
          Operation.combine(Octet(repeating: Operation.combine(carry, local)), octet), target, index, step: outputStep,
          streaming: streaming)
      }
      local = Operation.combine(local, octet[7])
      index &+= 8
    }
    while index < count {
      local = Operation.combine(
        local, Operation.lift(source.load(fromByteOffset: index &* step &* size, as: Element.self).widened))
      target?.storeBytes(
        of: Element(narrowing: Operation.combine(carry, local)), toByteOffset: index &* outputStep &* size,
        as: Element.self)
      index &+= 1
    }
    return local
  }

  public static func scanTile(
    _ input: UnsafeRawPointer, _ inputStride: Int,
    _ output: UnsafeMutableRawPointer, _ outputStride: Int,
    count: Int, carry: Value, scratch: UnsafeMutablePointer<Value>
  ) -> Value {
    switch steps(inputStride, outputStride) {
    case (1, 1)?: return walk(input, output, count: count, carry: carry, step: 1)
    case (-1, -1)?: return walk(input, output, count: count, carry: carry, step: -1)
    case (-1, 1)?: return walk(input, output, count: count, carry: carry, step: -1, outputStep: 1)
    case (1, -1)?: return walk(input, output, count: count, carry: carry, step: 1, outputStep: -1)
    default:
      return Scalar.scanTile(input, inputStride, output, outputStride, count: count, carry: carry, scratch: scratch)
    }
  }

  public static func streamTile(
    _ input: UnsafeRawPointer, _ inputStride: Int,
    _ output: UnsafeMutableRawPointer, _ outputStride: Int,
    count: Int, carry: Value, scratch: UnsafeMutablePointer<Value>
  ) -> Value {
    guard let directions = steps(inputStride, outputStride), !pairs && canStream(output, step: directions.output) else {
      return scanTile(input, inputStride, output, outputStride, count: count, carry: carry, scratch: scratch)
    }
    let total: Value
    switch directions {
    case (1, 1): total = walk(input, output, count: count, carry: carry, step: 1, streaming: true)
    case (-1, -1): total = walk(input, output, count: count, carry: carry, step: -1, streaming: true)
    case (-1, _): total = walk(input, output, count: count, carry: carry, step: -1, outputStep: 1, streaming: true)
    default: total = walk(input, output, count: count, carry: carry, step: 1, outputStep: -1, streaming: true)
    }
    mlxl_stream_fence()
    return total
  }
}
