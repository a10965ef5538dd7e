/// Three to seven channels along axis 0, `(n, c)` whose rows follow one
/// another: each row taken as one vector of four lanes (`c` of 3 or 4) or
/// eight (`c` of 5 to 7), loaded from where the row starts, its last lanes
/// the next row's first elements.
///
/// A row's lanes are its channels, so each lane folds its own sequence with
/// no lane moves at all: four rows `a, b, c, d` at a time go out as
/// `l ⊕ a`, `l ⊕ (a ⊕ b)`, `(l ⊕ (a ⊕ b)) ⊕ c` and `l ⊕ ((a ⊕ b) ⊕ (c ⊕ d))`,
/// the last the new running value `l` (one combine per four rows on the
/// chain). The lanes past the row are folded too and thrown away; their
/// stores land on the next row's first elements, which the next row's store
/// then overwrites, so rows go out in order and the last rows, whose vector
/// would reach past the run, go one element at a time. The shuffling walk of
/// `VectorTiles+Interleaved.swift` this replaces for these channel counts
/// took 1.7–2.3 ms for 4·10^6 float32 elements on one core (0.8 ms for
/// eight channels, whose rows are whole vectors).
///
/// Not when the input and the output overlap (a scan in place): a row's
/// store would reach the next row before that row is read.
extension VectorTiles {
  /// Whether `scanInterleaved` takes the channel rows for `period`, and the
  /// run's memory allows it.
  @inline(__always)
  static func takesChannelRows(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer?, count: Int, period: Int, step: Int
  ) -> Bool {
    guard (3...7).contains(period), step == 1 || step == -1 else { return false }
    guard let output else { return true }
    return apart(input, output, count: count, step: step)
  }

  /// Whether `count` elements from `input` and from `output` (forward, or
  /// backward from there when `step` is -1) share no byte.
  @inline(__always)
  static func apart(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, count: Int, step: Int) -> Bool {
    let bytes = count &* size
    let inputLow = step > 0 ? Int(bitPattern: input) : Int(bitPattern: input) &- bytes &+ size
    let outputLow = step > 0 ? Int(bitPattern: output) : Int(bitPattern: output) &- bytes &+ size
    return inputLow &+ bytes <= outputLow || outputLow &+ bytes <= inputLow
  }

  /// Whether `scanRows` takes `shortRows` for rows of `count` back to back.
  @inline(__always)
  static func takesShortRows(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, rowStrides: (input: Int, output: Int), rows: Int,
    count: Int
  ) -> Bool {
    (5...7).contains(count) && rows >= 2 && keepsAccuracyInterleaved && rowStrides.input == count &* size
      && rowStrides.output == count &* size && apart(input, output, count: rows &* count, step: 1)
  }

  /// Rows of 5 to 7 elements back to back, each scanned alone from `carry`
  /// (the scanned axis last, `(n, c)` along axis 1): each row one octet loaded
  /// where it starts, its prefix (`prefix`), stored whole, the spare lanes'
  /// stores overwritten by the next row's. The last rows, whose octet would
  /// reach past the end, go through an eight-element copy, so every row has
  /// the same bits wherever a thread's share of rows ends. Row by row in
  /// sequence, (800000, 5) float32 took 2.3 ms on one core, (571428, 7)
  /// 2.3 ms; by octets 1.9 and 1.5 ms (noisy machine). Rows of 3 were slower
  /// by octets (2.9 -> 3.9 ms: five of eight lanes wasted); rows of 2 and 4
  /// have their own path (`scanRows`).
  static func shortRows(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, rows: Int, count: Int, carry: Value
  ) {
    let base = Octet(repeating: carry)
    let elements = rows &* count
    let vectorRows = elements >= 8 ? (elements &- 8) / count &+ 1 : 0
    var index = 0
    for _ in 0..<vectorRows {
      storeOctet(Operation.combine(base, prefix(loadOctet(input, index, step: 1))), output, index, step: 1)
      index &+= count
    }
    while index < elements {
      var row = StoredOctet()
      for lane in 0..<count {
        row[lane] = input.load(fromByteOffset: (index &+ lane) &* size, as: Element.Stored.self)
      }
      let scanned = Element.narrow(Operation.combine(base, prefix(row)))
      for lane in 0..<count {
        output.storeBytes(of: scanned[lane], toByteOffset: (index &+ lane) &* size, as: Element.Stored.self)
      }
      index &+= count
    }
  }

  /// `scanInterleaved` by channel rows (`takesChannelRows` said yes).
  static func scanChannelRows(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer?, count: Int, period: Int, step: Int,
    carry: UnsafePointer<Value>, totals: UnsafeMutablePointer<Value>
  ) {
    // Each case inlines the walk with a literal step and width and whether it writes.
    switch (period <= 4, step > 0, output) {
    case (true, true, let output?): walkChannelRows(input, output, count, period, 1, carry, totals, quads: true)
    case (true, false, let output?): walkChannelRows(input, output, count, period, -1, carry, totals, quads: true)
    case (false, true, let output?): walkChannelRows(input, output, count, period, 1, carry, totals, quads: false)
    case (false, false, let output?): walkChannelRows(input, output, count, period, -1, carry, totals, quads: false)
    case (true, true, nil): walkChannelRows(input, nil, count, period, 1, carry, totals, quads: true)
    case (true, false, nil): walkChannelRows(input, nil, count, period, -1, carry, totals, quads: true)
    case (false, true, nil): walkChannelRows(input, nil, count, period, 1, carry, totals, quads: false)
    case (false, false, nil): walkChannelRows(input, nil, count, period, -1, carry, totals, quads: false)
    }
  }

  @inline(__always)
  static func walkChannelRows(
    _ source: UnsafeRawPointer, _ target: UnsafeMutableRawPointer?, _ count: Int, _ period: Int, _ step: Int,
    _ carry: UnsafePointer<Value>, _ totals: UnsafeMutablePointer<Value>, quads: Bool
  ) {
    if quads {
      walkRows(
        source, target, count, period, step, carry, totals, load: { loadQuad(source, $0, step: step) },
        store: { storeQuad($0, target!, $1, step: step) }, combine: { Operation.combine($0, $1) })
    } else {
      walkRows(
        source, target, count, period, step, carry, totals, load: { lifted(loadOctet(source, $0, step: step)) },
        store: { storeOctet($0, target!, $1, step: step) }, combine: { Operation.combine($0, $1) })
    }
  }

  /// The walk over rows as vectors of `Row`'s width; `load(i)` and
  /// `store(v, i)` take the elements from the `i`th in scan order.
  @inline(__always)
  static func walkRows<Row: SIMD>(
    _ source: UnsafeRawPointer, _ target: UnsafeMutableRawPointer?, _ count: Int, _ period: Int, _ step: Int,
    _ carry: UnsafePointer<Value>, _ totals: UnsafeMutablePointer<Value>,
    load: (Int) -> Row, store: (Row, Int) -> Void, combine: (Row, Row) -> Row
  ) where Row.Scalar == Value {
    let width = Row.scalarCount
    let n = Row(repeating: Operation.neutral)
    var carries = n
    if target != nil {
      for lane in 0..<period { carries[lane] = carry[lane] }
    }
    var local = n
    // Rows whose vector ends inside the run (r·period + width ≤ count), four at a time.
    let vectorRows = count >= width ? (count &- width) / period &+ 1 : 0
    var index = 0
    var row = 0
    while row &+ 4 <= vectorRows {
      let a = load(index), b = load(index &+ period)
      let c = load(index &+ 2 &* period), d = load(index &+ 3 &* period)
      let ab = combine(a, b)
      let throughB = combine(local, ab)
      let next = combine(local, combine(ab, combine(c, d)))
      if target != nil {
        store(combine(carries, combine(local, a)), index)
        store(combine(carries, throughB), index &+ period)
        store(combine(carries, combine(throughB, c)), index &+ 2 &* period)
        store(combine(carries, next), index &+ 3 &* period)
      }
      local = next
      row &+= 4
      index &+= 4 &* period
    }
    for lane in 0..<period { totals[lane] = local[lane] }
    // The rest one element at a time, each sequence on from its local value.
    var sequence = 0
    while index < count {
      let offset = index &* step &* size
      let value = Operation.combine(
        totals[sequence], Operation.lift(source.load(fromByteOffset: offset, as: Element.self).widened))
      totals[sequence] = value
      target?.storeBytes(
        of: Element(narrowing: Operation.combine(carry[sequence], value)), toByteOffset: offset, as: Element.self)
      index &+= 1
      sequence &+= 1
      if sequence == period { sequence = 0 }
    }
  }

  /// Four elements in scan order from `index`, widened and lifted (a
  /// backward step loads the four below and reverses them).
  @_transparent
  static func loadQuad(_ base: UnsafeRawPointer, _ index: Int, step: Int) -> Vector {
    if step > 0 { return liftedQuad(from: base + index &* size) }
    let m = liftedQuad(from: base - (index &+ 3) &* size)
    return Vector(m[3], m[2], m[1], m[0])
  }

  /// Four results in scan order from `index`, rounded to storage.
  @_transparent
  static func storeQuad(_ values: Vector, _ base: UnsafeMutableRawPointer, _ index: Int, step: Int) {
    if step > 0 {
      Element.storeNarrowed(values, to: base + index &* size)
    } else {
      Element.storeNarrowed(Vector(values[3], values[2], values[1], values[0]), to: base - (index &+ 3) &* size)
    }
  }
}
