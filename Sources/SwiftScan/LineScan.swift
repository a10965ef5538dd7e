/// The scan of one strided line, blocked so that its result does not depend
/// on how many threads share the line.
///
/// A line is cut into *tiles* of `tileSize` elements, and tiles into *blocks*
/// of `tilesPerBlock` tiles, at fixed positions from the line's start. A
/// `TileScanner` scans one tile from a carry and returns the tile's own total
/// (folded from the neutral element); a tile's outputs are `carry ⊕ local`.
/// A block's carry-out is `carry-in ⊕ (fold of its tile totals)`, which a
/// thread can compute for any block without scanning the blocks before it:
/// that is what lets several threads scan one line (reduce, then scan) and
/// still produce the same bits as one thread.
///
/// For sums, carrying in a wider accumulator and adding a short local prefix
/// to a long carry keeps every output within about an ulp of the exact prefix.
@usableFromInline
enum LineScan<Tiles: TileScanner> {
  typealias Element = Tiles.Element
  typealias Operation = Tiles.Operation
  typealias Value = Element.Accumulator

  static var tileSize: Int { tileElements }
  static var blockSize: Int { tileElements &* 64 }

  /// The fold of block `block`'s tile totals (from the neutral element).
  static func blockTotal(_ line: Line, block: Int) -> Value {
    let (lower, upper) = line.blockBounds(block)
    var total = Operation.neutral
    var tileStart = lower
    while tileStart < upper {
      let count = min(tileSize, upper &- tileStart)
      total = Operation.combine(
        total, Tiles.tileTotal(
          line.input + tileStart &* line.inputStride, line.inputStride,
          outputStride: line.outputStride, count: count))
      tileStart &+= count
    }
    return total
  }

  /// Scans blocks `blocks` of `line`, the first starting from `carry`;
  /// returns the carry after the last. Stops early, returning nil, when interrupted.
  static func scanBlocks(
    _ line: Line, _ blocks: Range<Int>, carry: Value, scratch: UnsafeMutablePointer<Value>,
    interrupt: Interrupt
  ) -> Value? {
    var blockCarry = carry
    for block in blocks {
      if interrupt.isRaised { return nil }
      let (lower, upper) = line.blockBounds(block)
      var tileCarry = blockCarry
      var total = Operation.neutral
      var tileStart = lower
      while tileStart < upper {
        let count = min(tileSize, upper &- tileStart)
        let tileInput = line.input + tileStart &* line.inputStride
        let tileOutput = line.output + tileStart &* line.outputStride
        let tile = line.streaming
          ? Tiles.streamTile(
            tileInput, line.inputStride, tileOutput, line.outputStride, count: count, carry: tileCarry, scratch: scratch)
          : Tiles.scanTile(
            tileInput, line.inputStride, tileOutput, line.outputStride, count: count, carry: tileCarry, scratch: scratch)
        tileCarry = Operation.combine(tileCarry, tile)
        total = Operation.combine(total, tile)
        tileStart &+= count
      }
      blockCarry = Operation.combine(blockCarry, total)
    }
    return blockCarry
  }
}

/// A line to scan: `count` elements from `input` to `output`, already shifted
/// for an exclusive scan.
@usableFromInline
struct Line {
  var input: UnsafeRawPointer
  var inputStride: Int
  var output: UnsafeMutableRawPointer
  var outputStride: Int
  var count: Int
  var blockSize: Int
  /// Whether tiles are written with streaming stores (`TileScanner.streamTile`).
  var streaming = false

  var blockCount: Int { (count &+ blockSize &- 1) / blockSize }

  func blockBounds(_ block: Int) -> (Int, Int) {
    (block &* blockSize, min(count, (block &+ 1) &* blockSize))
  }
}

/// Elements per tile: the scratch a tile scanner may use holds this many accumulators.
let tileElements = 2048

/// Scans one tile of a line.
public protocol TileScanner {
  associatedtype Element: ScanElement
  associatedtype Operation: ScanOperation where Operation.Value == Element.Accumulator

  /// Scans `count` (at most `tileElements`) elements into the output, each
  /// `carry ⊕ (its prefix within the tile)`; returns the tile's total folded
  /// from the neutral element.
  static func scanTile(
    _ input: UnsafeRawPointer, _ inputStride: Int,
    _ output: UnsafeMutableRawPointer, _ outputStride: Int,
    count: Int, carry: Element.Accumulator, scratch: UnsafeMutablePointer<Element.Accumulator>
  ) -> Element.Accumulator

  /// `scanTile`, writing past the caches where the scanner can (streaming
  /// stores, fenced before it returns): for outputs much larger than the
  /// caches, where an ordinary store first reads the line it overwrites.
  /// The same outputs and total, bit for bit.
  static func streamTile(
    _ input: UnsafeRawPointer, _ inputStride: Int,
    _ output: UnsafeMutableRawPointer, _ outputStride: Int,
    count: Int, carry: Element.Accumulator, scratch: UnsafeMutablePointer<Element.Accumulator>
  ) -> Element.Accumulator

  /// The total `scanTile` would return for the same tile and strides, bit for
  /// bit, without writing anything.
  static func tileTotal(
    _ input: UnsafeRawPointer, _ inputStride: Int, outputStride: Int, count: Int
  ) -> Element.Accumulator

  /// A lane scan's step over `count` contiguous lanes (see the default).
  static func accumulateRow(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer?,
    local: UnsafeMutablePointer<Element.Accumulator>, carry: UnsafePointer<Element.Accumulator>, count: Int)

  /// A lane scan's block: `rows` rows (`inputRowStride`, `outputRowStride`
  /// bytes apart) of `count` contiguous lanes. `local` holds the neutral
  /// element on entry and each lane's fold of the block on return; each output
  /// is `carry ⊕ (its lane's fold so far)` (rounded), nothing written when
  /// `output` is nil (and `carry`, which may then alias `local`, is not read).
  /// The default is `accumulateRow` row after row.
  static func accumulateRows(
    _ input: UnsafeRawPointer, inputRowStride: Int, _ output: UnsafeMutableRawPointer?, outputRowStride: Int,
    rows: Int, local: UnsafeMutablePointer<Element.Accumulator>, carry: UnsafePointer<Element.Accumulator>, count: Int)

  /// Whether several threads should share the rows of a lane tile
  /// (`BlockChain`, see `TiledScanEngine.runLanes`) when there are fewer
  /// tiles than two per thread. A lane block's reduce is a full pass of the
  /// scan's arithmetic, so sharing pays only where that arithmetic, not
  /// memory, bounds the scan (true by default; see `VectorTiles`).
  static var sharesLaneRows: Bool { get }

  /// `output[k] = carry ⊕ input[k]` (rounded) for `count` contiguous
  /// elements: a scanned axis of length one.
  static func mapRow(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, carry: Element.Accumulator, count: Int)

  /// Scans `count` elements that follow one another in memory (forward from
  /// `input` when `step` is 1, backward when -1) as `period` interleaved
  /// sequences: element `p` continues element `p - period`, and belongs to
  /// sequence `p % period`. Writes `carry[k] ⊕ (the fold so far of sequence
  /// k)` to `output` at the same offsets (nothing when `output` is nil, and
  /// `carry` is then not read), and each sequence's fold from the neutral
  /// element to `totals`. `period` is at most 7.
  static func scanInterleaved(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer?, count: Int, period: Int, step: Int,
    carry: UnsafePointer<Element.Accumulator>, totals: UnsafeMutablePointer<Element.Accumulator>)

  /// `scanTile` on `rows` lines of `count` (at most `tileElements`) elements,
  /// each from `carry`, the lines `rowStrides` bytes apart: many short rows
  /// without a call and a stride check per row.
  static func scanRows(
    _ input: UnsafeRawPointer, _ inputStride: Int,
    _ output: UnsafeMutableRawPointer, _ outputStride: Int,
    rowStrides: (input: Int, output: Int), rows: Int,
    count: Int, carry: Element.Accumulator, scratch: UnsafeMutablePointer<Element.Accumulator>
  )
}

extension TileScanner {
  public static var sharesLaneRows: Bool { true }

  /// Scanners without streaming stores scan as usual.
  public static func streamTile(
    _ input: UnsafeRawPointer, _ inputStride: Int,
    _ output: UnsafeMutableRawPointer, _ outputStride: Int,
    count: Int, carry: Element.Accumulator, scratch: UnsafeMutablePointer<Element.Accumulator>
  ) -> Element.Accumulator {
    scanTile(input, inputStride, output, outputStride, count: count, carry: carry, scratch: scratch)
  }

  /// One step of a lane scan over `count` contiguous lanes:
  /// `local[k] = local[k] ⊕ input[k]`, `output[k] = carry[k] ⊕ local[k]`
  /// (rounded), nothing written when `output` is nil.
  /// The compiler vectorizes this loop only behind a run-time overlap check of
  /// the pointers, which failed for rows walked backward (reverse scans),
  /// leaving the scalar loop; the vector tile scanner has its own.
  public static func accumulateRow(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer?,
    local: UnsafeMutablePointer<Element.Accumulator>, carry: UnsafePointer<Element.Accumulator>, count: Int
  ) {
    let source = input.assumingMemoryBound(to: Element.self)
    for index in 0..<count {
      let value = Operation.combine(local[index], Operation.lift(source[index].widened))
      local[index] = value
      output?.storeBytes(
        of: Element(narrowing: Operation.combine(carry[index], value)),
        toByteOffset: index &* MemoryLayout<Element>.stride, as: Element.self)
    }
  }

  public static func accumulateRows(
    _ input: UnsafeRawPointer, inputRowStride: Int, _ output: UnsafeMutableRawPointer?, outputRowStride: Int,
    rows: Int, local: UnsafeMutablePointer<Element.Accumulator>, carry: UnsafePointer<Element.Accumulator>, count: Int
  ) {
    for row in 0..<rows {
      accumulateRow(
        input + row &* inputRowStride, output.map { $0 + row &* outputRowStride }, local: local, carry: carry,
        count: count)
    }
  }

  public static func mapRow(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, carry: Element.Accumulator, count: Int
  ) {
    let size = MemoryLayout<Element>.stride
    for index in 0..<count {
      let value = Operation.lift(input.load(fromByteOffset: index &* size, as: Element.self).widened)
      output.storeBytes(of: Element(narrowing: Operation.combine(carry, value)), toByteOffset: index &* size, as: Element.self)
    }
  }

  public static func scanInterleaved(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer?, count: Int, period: Int, step: Int,
    carry: UnsafePointer<Element.Accumulator>, totals: UnsafeMutablePointer<Element.Accumulator>
  ) {
    totals.update(repeating: Operation.neutral, count: period)
    var sequence = 0
    for index in 0..<count {
      let offset = index &* step &* MemoryLayout<Element>.stride
      let value = Operation.combine(totals[sequence], Operation.lift(input.load(fromByteOffset: offset, as: Element.self).widened))
      totals[sequence] = value
      output?.storeBytes(
        of: Element(narrowing: Operation.combine(carry[sequence], value)), toByteOffset: offset, as: Element.self)
      sequence &+= 1
      if sequence == period { sequence = 0 }
    }
  }

  public static func scanRows(
    _ input: UnsafeRawPointer, _ inputStride: Int,
    _ output: UnsafeMutableRawPointer, _ outputStride: Int,
    rowStrides: (input: Int, output: Int), rows: Int,
    count: Int, carry: Element.Accumulator, scratch: UnsafeMutablePointer<Element.Accumulator>
  ) {
    for row in 0..<rows {
      _ = scanTile(
        input + row &* rowStrides.input, inputStride, output + row &* rowStrides.output, outputStride,
        count: count, carry: carry, scratch: scratch)
    }
  }
}

/// The scalar tile scanner, for every operation and element type: four
/// chunks of the tile are folded as four independent chains (so a
/// floating-point add's latency is paid once per four elements, not once per
/// element) into an L1-resident scratch of accumulators; a second,
/// vectorizable pass adds each chunk's offset and rounds to the output.
public enum ChunkedTiles<Element: ScanElement, Operation: ScanOperation>: TileScanner
where Operation.Value == Element.Accumulator {
  public typealias Value = Element.Accumulator

  /// Below this a tile is folded as one chain: four chunks would not pay.
  static var shortLine: Int { 64 }

  @inline(__always)
  static func load(_ base: UnsafeRawPointer, _ index: Int, _ stride: Int) -> Value {
    Operation.lift(base.load(fromByteOffset: index &* stride, as: Element.self).widened)
  }

  @inline(__always)
  static func store(_ value: Value, _ base: UnsafeMutableRawPointer, _ index: Int, _ stride: Int) {
    base.storeBytes(of: Element(narrowing: value), toByteOffset: index &* stride, as: Element.self)
  }

  /// Where the four chunks of an `count`-element tile start; chunk 3 takes the remainder.
  @inline(__always)
  static func chunkLength(_ count: Int) -> Int { count / 4 }

  /// The chunk totals of a tile, folded as four independent chains; with a
  /// scratch, each chain's running values are kept there too. (Inlined with a
  /// literal nil, the stores vanish: `tileTotal` runs the same chains.)
  @inline(__always)
  static func foldChunks(
    _ input: UnsafeRawPointer, _ inputStride: Int, count: Int, into scratch: UnsafeMutablePointer<Value>?
  ) -> (Value, Value, Value, Value) {
    let chunk = chunkLength(count)
    let start1 = chunk, start2 = 2 &* chunk, start3 = 3 &* chunk
    var a0 = Operation.neutral, a1 = a0, a2 = a0, a3 = a0
    for index in 0..<chunk {
      a0 = Operation.combine(a0, load(input, index, inputStride))
      a1 = Operation.combine(a1, load(input, start1 &+ index, inputStride))
      a2 = Operation.combine(a2, load(input, start2 &+ index, inputStride))
      a3 = Operation.combine(a3, load(input, start3 &+ index, inputStride))
      if let scratch {
        scratch[index] = a0
        scratch[start1 &+ index] = a1
        scratch[start2 &+ index] = a2
        scratch[start3 &+ index] = a3
      }
    }
    for index in (start3 &+ chunk)..<count {
      a3 = Operation.combine(a3, load(input, index, inputStride))
      scratch?[index] = a3
    }
    return (a0, a1, a2, a3)
  }

  /// Scans one tile into the output, from `carry`; returns the tile's total,
  /// folded from the neutral element.
  public static func scanTile(
    _ input: UnsafeRawPointer, _ inputStride: Int,
    _ output: UnsafeMutableRawPointer, _ outputStride: Int,
    count: Int, carry: Value, scratch: UnsafeMutablePointer<Value>
  ) -> Value {
    if count < shortLine {
      var local = Operation.neutral
      for index in 0..<count {
        local = Operation.combine(local, load(input, index, inputStride))
        store(Operation.combine(carry, local), output, index, outputStride)
      }
      return local
    }
    let (a0, a1, a2, a3) = foldChunks(input, inputStride, count: count, into: scratch)
    let chunk = chunkLength(count)
    // Offsets of the chunks within the tile, folded from the neutral element.
    let offset1 = a0
    let offset2 = Operation.combine(offset1, a1)
    let offset3 = Operation.combine(offset2, a2)
    let total = Operation.combine(offset3, a3)
    finish(scratch, 0, chunk, Operation.combine(carry, Operation.neutral), output, outputStride)
    finish(scratch, chunk, 2 &* chunk, Operation.combine(carry, offset1), output, outputStride)
    finish(scratch, 2 &* chunk, 3 &* chunk, Operation.combine(carry, offset2), output, outputStride)
    finish(scratch, 3 &* chunk, count, Operation.combine(carry, offset3), output, outputStride)
    return total
  }

  /// Second pass of a tile: output[k] = offset ⊕ scratch[k] for k in lower..<upper.
  @inline(__always)
  static func finish(
    _ scratch: UnsafeMutablePointer<Value>, _ lower: Int, _ upper: Int, _ offset: Value,
    _ output: UnsafeMutableRawPointer, _ outputStride: Int
  ) {
    if outputStride == MemoryLayout<Element>.stride {
      let typed = output.assumingMemoryBound(to: Element.self)
      for index in lower..<upper {
        typed[index] = Element(narrowing: Operation.combine(offset, scratch[index]))
      }
    } else {
      for index in lower..<upper {
        store(Operation.combine(offset, scratch[index]), output, index, outputStride)
      }
    }
  }

  /// The total `scanTile` would return, without writing anything: the same
  /// chains in the same order, so the same bits.
  public static func tileTotal(
    _ input: UnsafeRawPointer, _ inputStride: Int, outputStride: Int, count: Int
  ) -> Value {
    if count < shortLine {
      var local = Operation.neutral
      for index in 0..<count { local = Operation.combine(local, load(input, index, inputStride)) }
      return local
    }
    let (a0, a1, a2, a3) = foldChunks(input, inputStride, count: count, into: nil)
    return Operation.combine(Operation.combine(Operation.combine(a0, a1), a2), a3)
  }
}
