/// Many short rows and rows of lanes, in vectors: the vector tile scanner's
/// `scanRows`, `accumulateRow` and `mapRow` (see `TileScanner`).
extension VectorTiles {
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
    case 1 where takesShortRows(input, output, rowStrides: rowStrides, rows: rows, count: count):
      shortRows(input, output, rows: rows, count: count, carry: carry)
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

  /// Vector lanes run at memory speed on one thread, so threads never share
  /// a tile's rows: on two threads the reduce-then-scan took two to three
  /// times the CPU time of one thread's scan, and more wall time (the quiet
  /// benchmark's two threads against one thread alone: 4096x4096 int8 along
  /// axis 0, 3.2 ms against 1.5; (2000000, 2) float32, 1.9 ms against 1.2).
  /// Few tiles then take one thread each.
  public static var sharesLaneRows: Bool { false }

  /// `accumulateRow` down a block's rows. A tile of 8 or 16 lanes (24 or 32
  /// with 4-byte accumulators) keeps its locals in registers from row to row:
  /// through memory, each row's combines waited on the store of the row before
  /// (a store-to-load round trip per row of eight), and (500000, 8) float32
  /// along axis 0 took 2.3x a copy's time. The same combines per lane, so the
  /// same bits.
  public static func accumulateRows(
    _ input: UnsafeRawPointer, inputRowStride: Int, _ output: UnsafeMutableRawPointer?, outputRowStride: Int,
    rows: Int, local: UnsafeMutablePointer<Value>, carry: UnsafePointer<Value>, count: Int
  ) {
    let rowStrides = (input: inputRowStride, output: outputRowStride)
    let narrow = MemoryLayout<Value>.size <= 4
    switch (count, output) {
    case (8, let output?): accumulateOctetRows(input, output, rowStrides, rows, local, carry, octets: 1)
    case (8, nil): accumulateOctetRows(input, nil, rowStrides, rows, local, carry, octets: 1)
    case (16, let output?): accumulateOctetRows(input, output, rowStrides, rows, local, carry, octets: 2)
    case (16, nil): accumulateOctetRows(input, nil, rowStrides, rows, local, carry, octets: 2)
    case (24, let output?) where narrow: accumulateOctetRows(input, output, rowStrides, rows, local, carry, octets: 3)
    case (24, nil) where narrow: accumulateOctetRows(input, nil, rowStrides, rows, local, carry, octets: 3)
    case (32, let output?) where narrow: accumulateOctetRows(input, output, rowStrides, rows, local, carry, octets: 4)
    case (32, nil) where narrow: accumulateOctetRows(input, nil, rowStrides, rows, local, carry, octets: 4)
    default:
      for row in 0..<rows {
        accumulateRow(
          input + row &* rowStrides.input, output.map { $0 + row &* rowStrides.output }, local: local, carry: carry,
          count: count)
      }
    }
  }

  /// `accumulateRows` on `octets` (a literal once inlined, 1 to 4) whole
  /// octets of lanes, their locals and carries in registers.
  @inline(__always)
  static func accumulateOctetRows(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer?, _ rowStrides: (input: Int, output: Int),
    _ rows: Int, _ local: UnsafeMutablePointer<Value>, _ carry: UnsafePointer<Value>, octets: Int
  ) {
    let locals = UnsafeMutableRawPointer(local), carries = UnsafeRawPointer(carry)
    let span = 8 &* MemoryLayout<Value>.stride
    var l0 = locals.loadUnaligned(as: Octet.self)
    var l1 = octets > 1 ? (locals + span).loadUnaligned(as: Octet.self) : l0
    var l2 = octets > 2 ? (locals + 2 &* span).loadUnaligned(as: Octet.self) : l0
    var l3 = octets > 3 ? (locals + 3 &* span).loadUnaligned(as: Octet.self) : l0
    let n = Octet(repeating: Operation.neutral)
    let c0 = output == nil ? n : carries.loadUnaligned(as: Octet.self)
    let c1 = output == nil || octets < 2 ? n : (carries + span).loadUnaligned(as: Octet.self)
    let c2 = output == nil || octets < 3 ? n : (carries + 2 &* span).loadUnaligned(as: Octet.self)
    let c3 = output == nil || octets < 4 ? n : (carries + 3 &* span).loadUnaligned(as: Octet.self)
    for row in 0..<rows {
      let source = input + row &* rowStrides.input
      l0 = Operation.combine(l0, lifted(loadOctet(source, 0, step: 1)))
      if octets > 1 { l1 = Operation.combine(l1, lifted(loadOctet(source, 8, step: 1))) }
      if octets > 2 { l2 = Operation.combine(l2, lifted(loadOctet(source, 16, step: 1))) }
      if octets > 3 { l3 = Operation.combine(l3, lifted(loadOctet(source, 24, step: 1))) }
      if let output {
        let target = output + row &* rowStrides.output
        storeOctet(Operation.combine(c0, l0), target, 0, step: 1)
        if octets > 1 { storeOctet(Operation.combine(c1, l1), target, 8, step: 1) }
        if octets > 2 { storeOctet(Operation.combine(c2, l2), target, 16, step: 1) }
        if octets > 3 { storeOctet(Operation.combine(c3, l3), target, 24, step: 1) }
      }
    }
    locals.storeBytes(of: l0, as: Octet.self)
    if octets > 1 { (locals + span).storeBytes(of: l1, as: Octet.self) }
    if octets > 2 { (locals + 2 &* span).storeBytes(of: l2, as: Octet.self) }
    if octets > 3 { (locals + 3 &* span).storeBytes(of: l3, as: Octet.self) }
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
}
