import VectorShims

/// A whole block of one lane, or of two lanes side by side, as eight dense
/// chunks run four elements at a time in double precision (float32 and
/// float64 inputs): the vector form of `RecurrenceTile.composeLine` and of
/// its pass two.
///
/// Pass one (`totals`) composes each chunk from the identity and keeps only
/// its totals; pass two (`scan`) runs each chunk again from the values
/// reaching it and writes the outputs, so no prefix goes through the scratch.
/// A varying step's chunks go as columns, four chunks a vector
/// (`RecurrenceColumns.swift`). With a constant step, four elements are one
/// vector, composed from the identity by shifted multiply-adds
/// (`WidePeriod`); the outputs are `S·h + X`, with `h` the previous row's
/// outputs moved into place. The first row's lanes are `s·h + x`, the
/// sequential step's bits (the −0 shifted in adds nothing, not even to a −0).
/// Each chunk's chain waits about ten cycles a vector; eight chains overlap.
/// Every grouping depends on positions only, never on threads.
///
/// (One float32 line of 2·10^4 elements in the cache, one thread, both
/// passes: 0.78 ns an element with a constant step and 1.96 with a varying
/// one when pass one kept every prefix and pass two read them; 0.48 and 1.0 as
/// vectors.)
protocol WideLineElement {
  static func load4(_ pointer: UnsafeRawPointer) -> SIMD4<Double>
  static func store4(_ values: SIMD4<Double>, _ pointer: UnsafeMutableRawPointer)
}

/// `load4` and `store4` are logcumsumexp's (`LogSumExpElement`).
extension Float: WideLineElement {}
extension Double: WideLineElement {}

/// How four elements hold rows: one lane (four rows) or two (two rows of two).
protocol WidePeriod {
  /// Lanes side by side in a vector.
  static var lanes: Int { get }
  /// `X` of a constant step `a`: `S` (`steps`) is `(a, a², a³, a⁴)` or `(a, a, a², a²)`.
  static func compose(_ x: SIMD4<Double>, _ a: Double, _ powers: UnsafePointer<Double>) -> SIMD4<Double>
  static func steps(_ powers: UnsafePointer<Double>) -> SIMD4<Double>
  /// The last row's lanes in every row: `(v₃, v₃, v₃, v₃)` or `(v₂, v₃, v₂, v₃)`.
  static func last(_ v: SIMD4<Double>) -> SIMD4<Double>
  /// `values[0 ..< lanes]` in every row.
  static func rows(_ values: UnsafePointer<Double>) -> SIMD4<Double>
  /// Four elements' rows in the other order, each row's lanes in place (a
  /// reversed line's memory order and its rows' order, either way round):
  /// of a vector, of four vectors (`WideColumns`' rows), of an element's index.
  static func mirrored(_ v: SIMD4<Double>) -> SIMD4<Double>
  static func mirrored(_ four: DoubleQuad) -> DoubleQuad
  static func mirrored(_ element: Int) -> Int
}

typealias DoubleQuad = (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>)

/// Which way a line's rows go in memory: up, or down (a reversed recurrence,
/// its strides negated). Every operand of a `WideLine` goes the same way.
protocol WideDirection { static var backward: Bool { get } }
enum Upward: WideDirection { @inline(__always) static var backward: Bool { false } }
enum Downward: WideDirection { @inline(__always) static var backward: Bool { true } }

enum OneLane: WidePeriod {
  @inline(__always) static var lanes: Int { 1 }
  @inline(__always) static func compose(_ x: SIMD4<Double>, _ a: Double, _ powers: UnsafePointer<Double>) -> SIMD4<Double> {
    let x1 = add(x, mul(SIMD4(1, a, a, a), mlxl_up1_double4(x, -0.0)))
    return add(x1, mul(SIMD4(1, 1, powers[1], powers[1]), mlxl_up2_double4(x1, -0.0)))
  }
  @inline(__always) static func steps(_ powers: UnsafePointer<Double>) -> SIMD4<Double> {
    SIMD4(powers[0], powers[1], powers[2], powers[3])
  }
  @inline(__always) static func last(_ v: SIMD4<Double>) -> SIMD4<Double> { mlxl_last_double4(v) }
  @inline(__always) static func rows(_ values: UnsafePointer<Double>) -> SIMD4<Double> { mlxl_splat_double4(values[0]) }
  @inline(__always) static func mirrored(_ v: SIMD4<Double>) -> SIMD4<Double> { mlxl_reversed_double4(v) }
  @inline(__always) static func mirrored(_ four: DoubleQuad) -> DoubleQuad { (four.3, four.2, four.1, four.0) }
  @inline(__always) static func mirrored(_ element: Int) -> Int { 3 &- element }
}

enum TwoLanes: WidePeriod {
  @inline(__always) static var lanes: Int { 2 }
  @inline(__always) static func compose(_ x: SIMD4<Double>, _ a: Double, _ powers: UnsafePointer<Double>) -> SIMD4<Double> {
    add(x, mul(SIMD4(1, 1, a, a), mlxl_up2_double4(x, -0.0)))
  }
  @inline(__always) static func steps(_ powers: UnsafePointer<Double>) -> SIMD4<Double> {
    SIMD4(powers[0], powers[0], powers[1], powers[1])
  }
  @inline(__always) static func last(_ v: SIMD4<Double>) -> SIMD4<Double> { mlxl_last_pair_double4(v) }
  @inline(__always) static func rows(_ values: UnsafePointer<Double>) -> SIMD4<Double> {
    SIMD4(values[0], values[1], values[0], values[1])
  }
  @inline(__always) static func mirrored(_ v: SIMD4<Double>) -> SIMD4<Double> { mlxl_swapped_halves_double4(v) }
  @inline(__always) static func mirrored(_ four: DoubleQuad) -> DoubleQuad { (four.2, four.3, four.0, four.1) }
  @inline(__always) static func mirrored(_ element: Int) -> Int { element ^ 2 }
}

/// Eight chunks of `P.lanes` dense lanes: chunk `c` starts `c·rows` rows
/// past `b` (and `a`, and `output`), rows going the way `D` says. A chunk is
/// a whole number of 32 elements (`RecurrenceTile.wideLines`).
struct WideLine<E: WideLineElement, P: WidePeriod, D: WideDirection> {
  var b: UnsafeRawPointer
  /// nil: the constant step `constant` (then `powers[i] = constant^(i+1)`).
  var a: UnsafeRawPointer?
  var rows: Int
  var constant: Double
  var powers: UnsafePointer<Double>
  /// `b`'s scale (ewma's α; one multiplies exactly).
  var scale: Double

  /// Bytes from one chunk to the next, and from one vector to the next.
  var gap: Int { rows &* P.lanes &* MemoryLayout<E>.stride }
  var vector: Int { 4 &* MemoryLayout<E>.stride }
  var vectors: Int { rows &* P.lanes / 4 }

  /// Bytes from an operand's first row to the vector `offset` bytes on (as
  /// an upward line counts them): going down, the vector ends there.
  @inline(__always) func at(_ offset: Int) -> Int {
    D.backward ? 0 &- (offset &+ vector &- P.lanes &* MemoryLayout<E>.stride) : offset
  }

  /// The vector `offset` bytes on, its elements in row order.
  @inline(__always) func load(_ line: UnsafeRawPointer, _ offset: Int) -> SIMD4<Double> {
    let v = E.load4(line + at(offset))
    return D.backward ? P.mirrored(v) : v
  }

  @inline(__always) func store(_ v: SIMD4<Double>, _ line: UnsafeMutableRawPointer, _ offset: Int) {
    E.store4(D.backward ? P.mirrored(v) : v, line + at(offset))
  }

  /// Each chunk's composed steps from the identity, lane `l` of chunk `c` at
  /// `[c·lanes + l]`: `b` in `totalB`, the product of a varying step's in
  /// `totalA` (a constant step's is `powers[rows − 1]`). A varying step's
  /// chunks go as columns (`columnTotals`).
  func totals(_ totalA: UnsafeMutablePointer<Double>, _ totalB: UnsafeMutablePointer<Double>) {
    guard let a else {
      for c in 0..<8 { reduction(c &* gap, totalB + c &* P.lanes) }
      return
    }
    columnTotals(a, totalA, totalB)
  }

  /// `Σ a^(rows−1−r)·scale·x[r]` of each lane of one chunk, a constant
  /// `|a| ≤ 1`, into `total[0 ..< lanes]`: eight vectors (32 elements) at a
  /// time, each vector times `a^(32/lanes)` plus the next, then each element
  /// weighed by its row's power and the lanes summed in a fixed order.
  /// (Chunk `chunk` bytes on; a vector's elements in memory order, each
  /// weighed by its row.)
  @inline(__always) func reduction(_ chunk: Int, _ total: UnsafeMutablePointer<Double>) {
    let span = 32 / P.lanes
    let stride = mlxl_splat_double4(powers[span &- 1])
    let scale4 = mlxl_splat_double4(scale)
    var v = eight(mlxl_splat_double4(0))
    for k in 0..<(vectors / 8) {
      let p = chunk &+ k &* 8 &* vector
      for byte in Swift.stride(from: 0, to: 8 &* vector, by: 64) { mlxl_prefetch(b + at(p &+ 8 &* gap &+ byte)) }
      @inline(__always) func next(_ v: inout SIMD4<Double>, _ j: Int) {
        v = add(mul(v, stride), mul(scale4, E.load4(b + at(p &+ j &* vector))))
      }
      next(&v.0, 0); next(&v.1, 1); next(&v.2, 2); next(&v.3, 3)
      next(&v.4, 4); next(&v.5, 5); next(&v.6, 6); next(&v.7, 7)
    }
    // Element e of vector j is row (4j + e) / lanes of the span, weighed a^(span − 1 − row); a⁰ is one.
    @inline(__always) func weighed(_ v: SIMD4<Double>, _ j: Int) -> SIMD4<Double> {
      @inline(__always) func power(_ e: Int) -> Double {
        let k = span &- 1 &- (4 &* j &+ (D.backward ? P.mirrored(e) : e)) / P.lanes
        return k == 0 ? 1 : powers[k &- 1]
      }
      return mul(v, SIMD4(power(0), power(1), power(2), power(3)))
    }
    let sum = add(
      add(add(weighed(v.0, 0), weighed(v.1, 1)), add(weighed(v.2, 2), weighed(v.3, 3))),
      add(add(weighed(v.4, 4), weighed(v.5, 5)), add(weighed(v.6, 6), weighed(v.7, 7))))
    if P.lanes == 1 {
      total[0] = (sum[0] + sum[1]) + (sum[2] + sum[3])
    } else {
      total[0] = sum[0] + sum[2]
      total[1] = sum[1] + sum[3]
    }
  }

  /// Pass two: chunk `c`'s lanes from `start[c·lanes ..< (c+1)·lanes]`, the
  /// values reaching it, its outputs written from `output` on.
  func scan(from start: UnsafePointer<Double>, into output: UnsafeMutableRawPointer) {
    let gap = self.gap
    let scale4 = mlxl_splat_double4(scale)
    var h = (
      P.rows(start), P.rows(start + P.lanes), P.rows(start + 2 &* P.lanes), P.rows(start + 3 &* P.lanes),
      P.rows(start + 4 &* P.lanes), P.rows(start + 5 &* P.lanes), P.rows(start + 6 &* P.lanes),
      P.rows(start + 7 &* P.lanes))
    if let a {
      scanColumns(a, from: start, into: output)
      return
    }
    let steps = P.steps(powers), constant = self.constant, powers = self.powers
    for g in 0..<vectors {
      let offset = g &* vector
      prefetchNextBlock(output: output, g)
      @inline(__always) func chain(_ c: Int, _ h: inout SIMD4<Double>) {
        let at = c &* gap &+ offset
        let values = add(mul(steps, h), P.compose(mul(scale4, load(b, at)), constant, powers))
        store(values, output, at)
        h = P.last(values)
      }
      chain(0, &h.0); chain(1, &h.1); chain(2, &h.2); chain(3, &h.3)
      chain(4, &h.4); chain(5, &h.5); chain(6, &h.6); chain(7, &h.7)
    }
  }

  /// Asks for the part of the next block's `line` (eight chunks on) that
  /// iteration `g` of this block's chunks reaches: the block is `vectors`
  /// iterations of `8·vector` bytes.
  @inline(__always) func prefetchNextBlock(_ line: UnsafeRawPointer, _ g: Int) {
    let from = 8 &* gap &+ g &* 8 &* vector
    for byte in Swift.stride(from: 0, to: 8 &* vector, by: 64) { mlxl_prefetch(line + at(from &+ byte)) }
  }

  /// The same part of the next block's output, to be written (a store to a
  /// line not in the cache reads it first, and the stores behind it wait:
  /// 10^7 float64 with a varying step, one thread, 2.2 → 1.2 ns an element).
  @inline(__always) func prefetchNextBlock(output: UnsafeMutableRawPointer, _ g: Int) {
    let from = 8 &* gap &+ g &* 8 &* vector
    for byte in Swift.stride(from: 0, to: 8 &* vector, by: 64) { mlxl_prefetch_write(output + at(from &+ byte)) }
  }

  /// Eight chains' vectors, one variable each (a `SIMD8` indexed in the chunk
  /// loop went through the stack: 3 to 5 ns an element instead of under one).
  typealias Eight = (
    SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>
  )

  @inline(__always) func eight(_ v: SIMD4<Double>) -> Eight { (v, v, v, v, v, v, v, v) }
}

@inline(__always) private func add(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> { mlxl_sum_double4(a, b) }
@inline(__always) private func mul(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> { mlxl_product_double4(a, b) }

extension RecurrenceTile {
  /// Whole blocks of one float32 or float64 lane with dense rows, or of two
  /// dense lanes side by side (rows of two elements, one after another), run
  /// as `WideLine`s; a constant step only when `|a| ≤ 1` (its chunk totals are
  /// a reduction weighed by powers of `a`, which must not overflow). Fixed per
  /// tile, so every block of it takes the same path whichever thread runs it.
  /// (Other lane counts: a tile of more lanes has dense rows only when its
  /// lines are shorter than 64, never a whole block; four or more lanes side
  /// by side are vectors of rows already.)
  @inline(__always) var wideLines: Bool {
    let size = MemoryLayout<Element>.stride
    guard Value.self == Double.self, Element.self == Float.self || Element.self == Double.self,
      lanes == 1 || lanes == 2, (chunkRows &* lanes) % 32 == 0
    else { return false }
    // Rows up (or all down: a reversed line), each row's lanes up.
    let row = b.rowStride < 0 ? 0 &- lanes &* size : lanes &* size
    @inline(__always) func dense(_ rowStride: Int, _ laneStride: Int) -> Bool {
      rowStride == row && (lanes == 1 || laneStride == size)
    }
    guard dense(b.rowStride, b.laneStride), dense(outputRowStride, outputLaneStride) else { return false }
    if let a { return dense(a.rowStride, a.laneStride) }
    return abs(unsafeBitCast(constant.a, to: Double.self)) <= 1
  }

  /// Runs `task` on the whole block starting at row `first` as a `WideLine`
  /// (only when `wideLines`: the values are doubles).
  @inline(__always) func withWideLine<T: WideLineTask>(first: Int, _ task: T) {
    @inline(__always) func run<E: WideLineElement, P: WidePeriod, D: WideDirection>(_: E.Type, _: P.Type, _: D.Type) {
      task.run(WideLine<E, P, D>(
        b: b.base + first &* b.rowStride, a: a.map { $0.base + first &* $0.rowStride },
        rows: chunkRows, constant: unsafeBitCast(constant.a, to: Double.self),
        powers: UnsafeRawPointer(constant.powers).assumingMemoryBound(to: Double.self),
        scale: unsafeBitCast(constant.scale, to: Double.self)))
    }
    @inline(__always) func run<E: WideLineElement, P: WidePeriod>(_: E.Type, _: P.Type) {
      if b.rowStride < 0 { run(E.self, P.self, Downward.self) } else { run(E.self, P.self, Upward.self) }
    }
    switch (Element.self == Float.self, lanes == 1) {
    case (true, true): run(Float.self, OneLane.self)
    case (true, false): run(Float.self, TwoLanes.self)
    case (false, true): run(Double.self, OneLane.self)
    case (false, false): run(Double.self, TwoLanes.self)
    }
  }

  @inline(__always) func doubles(_ values: UnsafeMutablePointer<Value>) -> UnsafeMutablePointer<Double> {
    UnsafeMutableRawPointer(values).assumingMemoryBound(to: Double.self)
  }

  /// Pass one of the whole block starting at row `first` as a `WideLine`,
  /// its chunks' totals in `stateA`/`stateB`; false when the tile is not wide lines.
  @inline(__always) func wideTotals(first: Int, _ scratch: RecurrenceScratch<Value>) -> Bool {
    guard wideLines else { return false }
    withWideLine(first: first, WideTotals(totalA: doubles(scratch.stateA), totalB: doubles(scratch.stateB)))
    return true
  }

  /// Pass two of the whole block starting at row `first` as a `WideLine`,
  /// from `h[lane]`, the values reaching it, after `wideTotals`.
  func wideScan(first: Int, from h: UnsafeMutablePointer<Value>, _ scratch: RecurrenceScratch<Value>) {
    // The values reaching each chunk, chunk-major as the totals are.
    let starts = scratch.localB
    for lane in 0..<lanes {
      var start = h[lane]
      for chunk in 0..<chunks {
        starts[chunk &* lanes &+ lane] = start
        start = chunkTotal(chunk, lane: lane, rows: blockRows, scratch).applied(to: start)
      }
    }
    withWideLine(first: first, WideScan(start: UnsafePointer(doubles(starts)), output: output + first &* outputRowStride))
  }
}

/// A pass over one block's `WideLine`, whichever its element, lanes and direction.
protocol WideLineTask {
  func run<E: WideLineElement, P: WidePeriod, D: WideDirection>(_ line: WideLine<E, P, D>)
}

struct WideTotals: WideLineTask {
  var totalA: UnsafeMutablePointer<Double>
  var totalB: UnsafeMutablePointer<Double>
  @inline(__always) func run<E: WideLineElement, P: WidePeriod, D: WideDirection>(_ line: WideLine<E, P, D>) {
    line.totals(totalA, totalB)
  }
}

struct WideScan: WideLineTask {
  var start: UnsafePointer<Double>
  var output: UnsafeMutableRawPointer
  @inline(__always) func run<E: WideLineElement, P: WidePeriod, D: WideDirection>(_ line: WideLine<E, P, D>) {
    line.scan(from: start, into: output)
  }
}
