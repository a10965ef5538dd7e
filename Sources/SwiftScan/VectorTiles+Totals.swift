/// The totals of the reduce pass: what a tile's scan returns, bit for bit,
/// without its stores (TileContractTests checks every scanner and path).
extension VectorTiles {
  public static func tileTotal(
    _ input: UnsafeRawPointer, _ inputStride: Int, outputStride: Int, count: Int
  ) -> Value {
    // The same choice of path as `scanTile`; the total depends on the input's direction only.
    switch steps(inputStride, outputStride)?.input {
    case 1: return pairs && !foldsInAnyOrder ? walk(input, nil, count: count, carry: Operation.neutral, step: 1) : total(input, count: count, step: 1)
    case -1: return pairs && !foldsInAnyOrder ? walk(input, nil, count: count, carry: Operation.neutral, step: -1) : total(input, count: count, step: -1)
    default: return Scalar.tileTotal(input, inputStride, outputStride: outputStride, count: count)
    }
  }

  /// Whether any grouping and order of a tile's elements gives its total's
  /// bits: integers wrap, and take maxima, minima and products, associatively
  /// and commutatively, so their reduce folds octets lane by lane (the cheapest
  /// fold; the reduce of int8 sums was 0.65 of the scan's time in the
  /// two-thread chain). Metatype comparisons, as for `broadcastRunning`.
  static var foldsInAnyOrder: Bool {
    Value.self == Int8.self || Value.self == UInt8.self || Value.self == Int16.self || Value.self == UInt16.self
      || Value.self == Int32.self || Value.self == UInt32.self || Value.self == Int64.self
      || Value.self == UInt64.self
  }

  /// The `local` that `walk` returns for the same tile, bit for bit, at a
  /// fraction of the cost: the reduce pass of a parallel scan needs only each
  /// eight elements' total, not their prefixes. `walk` folds, in order, the
  /// totals `((x0 ⊕ x1) ⊕ (x2 ⊕ x3)) ⊕ ((x4 ⊕ x5) ⊕ (x6 ⊕ x7))` of its
  /// octets (lane 7 of `prefix`); here four octets' totals are made at once,
  /// with the same operands in the same order, by combining even lanes with
  /// odd ones three times (pairs, quads, halves), then folded in order.
  /// (Not for `pairs`, whose walk groups its octets differently, unless
  /// `foldsInAnyOrder`.)
  @inline(__always)
  static func total(_ source: UnsafeRawPointer, count: Int, step: Int) -> Value {
    if count <= 8 { return walk(source, nil, count: count, carry: Operation.neutral, step: step) }
    var local = Operation.neutral
    var index = 0
    if foldsInAnyOrder {
      // Four octets lane by lane, in four independent chains.
      let n = Octet(repeating: Operation.neutral)
      var l0 = n, l1 = n, l2 = n, l3 = n
      while index &+ 32 <= count {
        l0 = Operation.combine(l0, lifted(loadOctet(source, index, step: step)))
        l1 = Operation.combine(l1, lifted(loadOctet(source, index &+ 8, step: step)))
        l2 = Operation.combine(l2, lifted(loadOctet(source, index &+ 16, step: step)))
        l3 = Operation.combine(l3, lifted(loadOctet(source, index &+ 24, step: step)))
        index &+= 32
      }
      let lanes = Operation.combine(Operation.combine(l0, l1), Operation.combine(l2, l3))
      for lane in 0..<8 { local = Operation.combine(local, lanes[lane]) }
    }
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
