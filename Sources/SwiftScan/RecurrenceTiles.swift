/// The blocks of a linear recurrence: a tile of `lanes` independent
/// recurrences side by side, run along `rows`, cut into blocks of rows at
/// fixed positions.
///
/// A block is cut again into `chunks` runs of `chunkRows` rows. Pass one
/// composes each chunk's steps from the identity, all chunks and lanes at
/// once: their chains are independent, so the CPU overlaps them instead of
/// waiting on one multiply-add after another (one chain of 10^7 float32
/// steps is latency-bound at about 4 cycles a step; eight chunks take about
/// one). It keeps every prefix in the scratch, which holds a block. Pass two
/// applies each prefix to the value reaching its chunk, `h = A·h₀ + B`, and
/// writes the outputs; the value reaching the next chunk is its total applied
/// the same way. Every grouping depends on positions only, never on threads.
struct RecurrenceTile<Element: ScanElement> where Element.Accumulator: RecurrenceValue {
  typealias Value = Element.Accumulator

  /// One array's place in the tile: its first element, and the byte steps to
  /// the next row and the next lane.
  struct Operand {
    var base: UnsafeRawPointer
    var rowStride: Int
    var laneStride: Int

    @inline(__always) func load(row: Int, lane: Int) -> Value {
      base.load(fromByteOffset: row &* rowStride &+ lane &* laneStride, as: Element.self).widened
    }
  }

  var b: Operand
  /// nil: the constant `constant.a` at every step.
  var a: Operand?
  /// nil: every recurrence starts from zero. (Its row stride is not read.)
  var initial: Operand?
  var output: UnsafeMutableRawPointer
  var outputRowStride: Int
  var outputLaneStride: Int
  var rows: Int
  var lanes: Int
  var constant: RecurrenceConstants<Value>

  /// Chunks per block and rows per chunk, fixed by the number of lanes: a
  /// block is at most `blockElements` elements, and there are at least
  /// eight chains (chunks × lanes) to overlap.
  var chunks: Int { lanes >= 8 ? 1 : 8 }
  var chunkRows: Int {
    lanes >= 8 ? max(4, blockElements / lanes) : max(16, blockElements / (8 &* lanes))
  }

  /// Elements per block: at most 8 KiB of each array. A block's eight chunks
  /// are read (and written) side by side; 2048 float64 elements put them 2 KiB
  /// apart, so `a`'s, `b`'s and the output's chunks fell into the same L1
  /// sets, more lines than a set's eight ways (10^7 float64 with a varying
  /// step, one thread: 2.3 ns an element, against 1.4 for float32).
  var blockElements: Int { min(RecurrenceConstants<Value>.blockElements, 8192 / MemoryLayout<Element>.stride) }
  var blockRows: Int { chunks &* chunkRows }
  var blockCount: Int { (rows &+ blockRows &- 1) / blockRows }

  /// Rows of chunk `chunk` in a block of `rows` rows.
  @inline(__always) func rows(ofChunk chunk: Int, inBlockOf rows: Int) -> Int {
    max(0, min(chunkRows, rows &- chunk &* chunkRows))
  }

  /// Pass one over `block`: each chunk's composed steps per lane (`stateA`,
  /// `stateB`, chunk-major), and with `keep` every prefix (`localA`,
  /// `localB`, row-major; `localA` only when `a` varies). Returns the block's rows.
  func composeChunks(_ block: Int, keep: Bool, _ scratch: RecurrenceScratch<Value>) -> Int {
    let first = block &* blockRows
    let rows = min(blockRows, self.rows &- first)
    let chains = chunks &* lanes, m = chunkRows
    if lanesAsLines(rows: rows) {
      if !wideTotals(first: first, scratch) {
        for lane in 0..<lanes { composeLine(first: first, lane: lane, keep: keep, scratch) }
      }
      return rows
    }
    scratch.stateB.update(repeating: .zero, count: chains)
    var b = self.b
    b.base += first &* b.rowStride
    if var a {
      a.base += first &* a.rowStride
      scratch.stateA.update(repeating: .one, count: chains)
      for i in 0..<m {
        for chunk in 0..<chunks {
          let row = chunk &* m &+ i
          if row >= rows { break }
          for lane in 0..<lanes {
            let k = chunk &* lanes &+ lane
            let step = a.load(row: row, lane: lane)
            let h = Value.step(step, scratch.stateB[k], constant.scaled(b.load(row: row, lane: lane)))
            let product = Value.times(scratch.stateA[k], step)
            scratch.stateB[k] = h
            scratch.stateA[k] = product
            if keep {
              scratch.localA[row &* lanes &+ lane] = product
              scratch.localB[row &* lanes &+ lane] = h
            }
          }
        }
      }
      return rows
    }
    let step = constant.a
    if b.laneStride == MemoryLayout<Element>.stride {
      // Dense lanes: loops the compiler vectorises (a few channels over time).
      for i in 0..<m {
        for chunk in 0..<chunks {
          let row = chunk &* m &+ i
          if row >= rows { break }
          let source = (b.base + row &* b.rowStride).assumingMemoryBound(to: Element.self)
          let state = scratch.stateB + chunk &* lanes
          for lane in 0..<lanes {
            state[lane] = Value.step(step, state[lane], constant.scaled(source[lane].widened))
          }
          if keep { (scratch.localB + row &* lanes).update(from: state, count: lanes) }
        }
      }
      return rows
    }
    for i in 0..<m {
      for chunk in 0..<chunks {
        let row = chunk &* m &+ i
        if row >= rows { break }
        for lane in 0..<lanes {
          let k = chunk &* lanes &+ lane
          let h = Value.step(step, scratch.stateB[k], constant.scaled(b.load(row: row, lane: lane)))
          scratch.stateB[k] = h
          if keep { scratch.localB[row &* lanes &+ lane] = h }
        }
      }
    }
    return rows
  }

  /// A whole block of fewer than eight lanes is composed, and written, one
  /// lane at a time (its prefixes lane-major in the scratch): each lane's
  /// eight chains in registers, the block's other lanes read again from the
  /// cache. (Lanes side by side cost a loop turn per two or four elements:
  /// (10^6, 2) float32 along axis 0 took 27 copies' time.)
  @inline(__always) func lanesAsLines(rows: Int) -> Bool { lanes < 8 && rows == blockRows }

  /// `composeChunks` of lane `lane` of a whole block: its eight chains in
  /// registers rather than in the scratch (1-D float32 with a constant step:
  /// a chain's multiply-add waits on the previous one's store and load otherwise).
  @inline(__always) func composeLine(first: Int, lane: Int, keep: Bool, _ scratch: RecurrenceScratch<Value>) {
    let m = chunkRows, stride = b.rowStride
    let base = b.base + first &* stride + lane &* b.laneStride
    let gap = m &* stride
    @inline(__always) func input(_ row: UnsafeRawPointer, _ chunk: Int) -> Value {
      constant.scaled((row + chunk &* gap).load(as: Element.self).widened)
    }
    var h0 = Value.zero, h1 = Value.zero, h2 = Value.zero, h3 = Value.zero
    var h4 = Value.zero, h5 = Value.zero, h6 = Value.zero, h7 = Value.zero
    let local = scratch.localB + lane &* blockRows
    if var a {
      a.base += first &* a.rowStride + lane &* a.laneStride
      let aGap = m &* a.rowStride
      var p0 = Value.one, p1 = Value.one, p2 = Value.one, p3 = Value.one
      var p4 = Value.one, p5 = Value.one, p6 = Value.one, p7 = Value.one
      let products = scratch.localA + lane &* blockRows
      for i in 0..<m {
        let row = base + i &* stride
        let steps = a.base + i &* a.rowStride
        @inline(__always) func step(_ chunk: Int) -> Value {
          (steps + chunk &* aGap).load(as: Element.self).widened
        }
        let s0 = step(0), s1 = step(1), s2 = step(2), s3 = step(3)
        let s4 = step(4), s5 = step(5), s6 = step(6), s7 = step(7)
        h0 = Value.step(s0, h0, input(row, 0)); p0 = Value.times(p0, s0)
        h1 = Value.step(s1, h1, input(row, 1)); p1 = Value.times(p1, s1)
        h2 = Value.step(s2, h2, input(row, 2)); p2 = Value.times(p2, s2)
        h3 = Value.step(s3, h3, input(row, 3)); p3 = Value.times(p3, s3)
        h4 = Value.step(s4, h4, input(row, 4)); p4 = Value.times(p4, s4)
        h5 = Value.step(s5, h5, input(row, 5)); p5 = Value.times(p5, s5)
        h6 = Value.step(s6, h6, input(row, 6)); p6 = Value.times(p6, s6)
        h7 = Value.step(s7, h7, input(row, 7)); p7 = Value.times(p7, s7)
        if keep {
          local[i] = h0; local[m &+ i] = h1; local[2 &* m &+ i] = h2; local[3 &* m &+ i] = h3
          local[4 &* m &+ i] = h4; local[5 &* m &+ i] = h5; local[6 &* m &+ i] = h6; local[7 &* m &+ i] = h7
          products[i] = p0; products[m &+ i] = p1; products[2 &* m &+ i] = p2; products[3 &* m &+ i] = p3
          products[4 &* m &+ i] = p4; products[5 &* m &+ i] = p5; products[6 &* m &+ i] = p6
          products[7 &* m &+ i] = p7
        }
      }
      let state = scratch.stateA + lane
      let l = lanes
      state[0] = p0; state[l] = p1; state[2 &* l] = p2; state[3 &* l] = p3
      state[4 &* l] = p4; state[5 &* l] = p5; state[6 &* l] = p6; state[7 &* l] = p7
    } else {
      let step = constant.a
      for i in 0..<m {
        let row = base + i &* stride
        h0 = Value.step(step, h0, input(row, 0))
        h1 = Value.step(step, h1, input(row, 1))
        h2 = Value.step(step, h2, input(row, 2))
        h3 = Value.step(step, h3, input(row, 3))
        h4 = Value.step(step, h4, input(row, 4))
        h5 = Value.step(step, h5, input(row, 5))
        h6 = Value.step(step, h6, input(row, 6))
        h7 = Value.step(step, h7, input(row, 7))
        if keep {
          local[i] = h0; local[m &+ i] = h1; local[2 &* m &+ i] = h2; local[3 &* m &+ i] = h3
          local[4 &* m &+ i] = h4; local[5 &* m &+ i] = h5; local[6 &* m &+ i] = h6; local[7 &* m &+ i] = h7
        }
      }
    }
    let state = scratch.stateB + lane
    let l = lanes
    state[0] = h0; state[l] = h1; state[2 &* l] = h2; state[3 &* l] = h3
    state[4 &* l] = h4; state[5 &* l] = h5; state[6 &* l] = h6; state[7 &* l] = h7
  }

  /// Chunk `chunk`'s composed steps for `lane`, after `composeChunks`.
  @inline(__always) func chunkTotal(
    _ chunk: Int, lane: Int, rows: Int, _ scratch: RecurrenceScratch<Value>
  ) -> AffineStep<Value> {
    let count = self.rows(ofChunk: chunk, inBlockOf: rows)
    if count == 0 { return .identity }
    let k = chunk &* lanes &+ lane
    let a = self.a == nil ? constant.powers[count &- 1] : scratch.stateA[k]
    return AffineStep(a: a, b: scratch.stateB[k])
  }

  /// The block's composed steps for `lane`: its chunks' totals, in order.
  @inline(__always) func blockTotal(lane: Int, rows: Int, _ scratch: RecurrenceScratch<Value>) -> AffineStep<Value> {
    var total = AffineStep<Value>.identity
    for chunk in 0..<chunks { total = total.then(chunkTotal(chunk, lane: lane, rows: rows, scratch)) }
    return total
  }

  /// `total[lane]`: block `block`'s composed steps (`BlockChain`'s reduce). Pass
  /// one is most of a block's work: its prefixes are kept for the scan that follows.
  func reduce(_ block: Int, total: UnsafeMutablePointer<AffineStep<Value>>, _ scratch: RecurrenceScratch<Value>) {
    let rows = composeChunks(block, keep: true, scratch)
    for lane in 0..<lanes { total[lane] = blockTotal(lane: lane, rows: rows, scratch) }
  }

  /// Writes block `block`'s outputs. `carry[lane]` holds the steps composed
  /// from the tile's start to the block; it leaves them composed through the
  /// block (`BlockChain`'s scan). `composed`: `reduce` has just left this
  /// block's prefixes in `scratch`.
  func scan(
    _ block: Int, carry: UnsafeMutablePointer<AffineStep<Value>>, _ scratch: RecurrenceScratch<Value>,
    composed: Bool = false
  ) {
    let rows = composed ? min(blockRows, self.rows &- block &* blockRows) : composeChunks(block, keep: true, scratch)
    let h = scratch.reaching
    for lane in 0..<lanes {
      // Without an initial value the start is zero: the composed `b` alone
      // (`a·0` would be NaN once `a` overflowed).
      h[lane] = initial.map { carry[lane].applied(to: $0.load(row: 0, lane: lane)) } ?? carry[lane].b
      carry[lane] = carry[lane].then(blockTotal(lane: lane, rows: rows, scratch))
    }
    let first = block &* blockRows
    let m = chunkRows
    let size = MemoryLayout<Element>.stride
    if lanesAsLines(rows: rows) {
      if wideLines {
        wideScan(first: first, from: h, scratch)
        return
      }
      for lane in 0..<lanes {
        var start = h[lane]
        for chunk in 0..<chunks {
          let local = scratch.localB + (lane &* blockRows &+ chunk &* m)
          let prefixes = a == nil ? constant.powers : UnsafePointer(scratch.localA + (lane &* blockRows &+ chunk &* m))
          let out = output + (first &+ chunk &* m) &* outputRowStride + lane &* outputLaneStride
          if outputRowStride == size {
            // One dense line: a loop the compiler vectorises.
            let typed = out.assumingMemoryBound(to: Element.self)
            for i in 0..<m { typed[i] = Element(narrowing: Value.step(prefixes[i], start, local[i])) }
          } else {
            for i in 0..<m {
              (out + i &* outputRowStride).storeBytes(
                of: Element(narrowing: Value.step(prefixes[i], start, local[i])), as: Element.self)
            }
          }
          start = chunkTotal(chunk, lane: lane, rows: rows, scratch).applied(to: start)
        }
      }
      return
    }
    for chunk in 0..<chunks {
      let count = self.rows(ofChunk: chunk, inBlockOf: rows)
      if count == 0 { break }
      let local = scratch.localB + chunk &* m &* lanes
      let prefixes = a == nil ? constant.powers : UnsafePointer(scratch.localA + chunk &* m &* lanes)
      let out = output + (first &+ chunk &* m) &* outputRowStride
      for i in 0..<count {
        let row = out + i &* outputRowStride
        let values = local + i &* lanes
        if a == nil {
          let prefix = prefixes[i]
          if outputLaneStride == size {
            let typed = row.assumingMemoryBound(to: Element.self)
            for lane in 0..<lanes { typed[lane] = Element(narrowing: Value.step(prefix, h[lane], values[lane])) }
          } else {
            for lane in 0..<lanes {
              (row + lane &* outputLaneStride).storeBytes(
                of: Element(narrowing: Value.step(prefix, h[lane], values[lane])), as: Element.self)
            }
          }
        } else {
          let products = prefixes + i &* lanes
          for lane in 0..<lanes {
            (row + lane &* outputLaneStride).storeBytes(
              of: Element(narrowing: Value.step(products[lane], h[lane], values[lane])), as: Element.self)
          }
        }
      }
      for lane in 0..<lanes { h[lane] = chunkTotal(chunk, lane: lane, rows: rows, scratch).applied(to: h[lane]) }
    }
  }
}

/// What every tile of one call shares, read-only: the constant step, the
/// scale of `b`, and the constant step's powers `a¹ … a^chunkRows`
/// (`powers[i] = a^(i+1)`, each the previous times `a`, so every tile and
/// block reads the same bits).
struct RecurrenceConstants<Value: RecurrenceValue> {
  var a: Value
  var scale: Value
  /// `scale` is not one (a multiply per element otherwise skipped: `x·1` is `x`).
  var isScaled: Bool

  @inline(__always) func scaled(_ x: Value) -> Value { isScaled ? Value.times(scale, x) : x }
  var powers: UnsafePointer<Value>

  /// The most elements a block has (4-byte elements and narrower; wider ones
  /// fewer, `RecurrenceTile.blockElements`): the prefixes of a block fit in
  /// the L1 cache with room to spare.
  static var blockElements: Int { 2048 }
  /// Lanes per tile: a wider row is split into tiles of this many lanes.
  static var tileLanes: Int { 256 }
  /// The most rows a chunk has (one lane: eight chunks of 256).
  static var maximumChunkRows: Int { 256 }
}

/// A worker's scratch: a block's prefixes, its chunks' states, and the value
/// reaching each lane. Carved out of `BlockChain`'s scratch.
struct RecurrenceScratch<Value> {
  var localA: UnsafeMutablePointer<Value>
  var localB: UnsafeMutablePointer<Value>
  var stateA: UnsafeMutablePointer<Value>
  var stateB: UnsafeMutablePointer<Value>
  var reaching: UnsafeMutablePointer<Value>

  static var block: Int { 2048 }
  static var lanes: Int { 256 }
  /// Values of scratch a worker needs.
  static var count: Int { 2 &* block &+ 3 &* lanes }

  init(_ memory: UnsafeMutableRawPointer) {
    let values = memory.assumingMemoryBound(to: Value.self)
    localA = values
    localB = values + Self.block
    stateA = values + 2 &* Self.block
    stateB = stateA + Self.lanes
    reaching = stateB + Self.lanes
  }
}
