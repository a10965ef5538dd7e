/// The scan along an axis that is not the innermost in memory, as an
/// element-wise recurrence across rows: `out[i, :] = out[i-1, :] ⊕ in[i, :]`.
///
/// Lanes (neighbouring positions of the innermost batch dimension) are taken
/// a tile of up to `width` at a time, and a tile's rows in blocks of
/// `rowsPerBlock` at fixed positions. Within a block every lane folds its own
/// `local` value from the neutral element and writes `carry ⊕ local`; the
/// block leaves `carry ⊕ total`. That is what lets several threads share the
/// rows of one tile (`BlockChain`) with the bits of one thread: a few channels
/// over a long time axis, `(n, 2)` along axis 0, is one tile of two lanes, which
/// split by lanes alone would run on one thread.
///
/// Each row of a block streams one input row and one output row at full
/// vector width (`TileScanner.accumulateRows`). When the tile is the whole row
/// and rows follow one another in memory with fewer than eight lanes (a few
/// channels along axis 0), the block is one contiguous run of elements in
/// which each element continues the one `lanes` places before it, scanned in
/// vectors that hold several rows at once (`TileScanner.scanInterleaved`)
/// rather than a short row at a time.
enum LaneScan<Tiles: TileScanner> {
  typealias Element = Tiles.Element
  typealias Operation = Tiles.Operation
  typealias Value = Element.Accumulator

  /// Lanes scanned together: a tile's carries and locals (16 KiB) live in
  /// an L1-resident scratch.
  static var width: Int { max(256, 8192 / MemoryLayout<Value>.stride) }

  /// Where a tile's carries start in a scratch that holds its locals first:
  /// 64 bytes past a multiple of 4 KiB, so that a carry's load never waits on
  /// the store of the local just before it (the CPU compares only the low 12
  /// bits of their addresses).
  static var carryOffset: Int { width &+ max(1, 64 / MemoryLayout<Value>.stride) }

  /// Rows per block for a tile of `lanes` lanes: a line block's worth of
  /// elements (depends only on the problem's shape, never on threads).
  static func rowsPerBlock(lanes: Int) -> Int { max(8, (tileElements &* 64) / max(lanes, 1)) }

  /// A tile of lanes of one batch line: where it starts, its rows and lanes.
  struct Tile {
    var input: UnsafeRawPointer
    var output: UnsafeMutableRawPointer
    /// The scanned dimension (already shifted for an exclusive scan).
    var scanned: Dimension
    var lane: Dimension
    var lanes: Range<Int>

    var rowsPerBlock: Int { LaneScan.rowsPerBlock(lanes: lanes.count) }
    var blockCount: Int { (scanned.count &+ rowsPerBlock &- 1) / rowsPerBlock }

    func rows(of block: Int) -> Range<Int> {
      (block &* rowsPerBlock)..<min(scanned.count, (block &+ 1) &* rowsPerBlock)
    }

    /// Rows follow one another in memory, lane after lane, in the input and
    /// the output alike: the tile is one run of elements (interleaved lanes).
    var isInterleaved: Bool {
      let size = MemoryLayout<Element>.stride
      return lanes.count == lane.count && lane.count <= 7 && lane.inputStride == size && lane.outputStride == size
        && abs(scanned.inputStride) == lane.count &* size && scanned.outputStride == scanned.inputStride
    }
  }

  /// Scans block `block` of `tile` from `carry` (one value per lane), leaving
  /// `carry ⊕ total` there. `scratch` holds at least `width` values.
  /// (The `last` block of a tile need not leave a carry.)
  static func scanBlock(
    _ tile: Tile, _ block: Int, carry: UnsafeMutablePointer<Value>, scratch: UnsafeMutablePointer<Value>,
    last: Bool = false
  ) {
    walkBlock(tile, block, carry: carry, local: scratch, writing: true)
    if last { return }
    for lane in 0..<tile.lanes.count { carry[lane] = Operation.combine(carry[lane], scratch[lane]) }
  }

  /// The fold of block `block` of each lane (from the neutral element): what
  /// `scanBlock` adds to the carry, bit for bit.
  static func reduceBlock(_ tile: Tile, _ block: Int, total: UnsafeMutablePointer<Value>) {
    walkBlock(tile, block, carry: total, local: total, writing: false)
  }

  /// The block's locals into `local`, writing `carry ⊕ local` per element when `writing`.
  @inline(__always)
  static func walkBlock(
    _ tile: Tile, _ block: Int, carry: UnsafeMutablePointer<Value>, local: UnsafeMutablePointer<Value>,
    writing: Bool
  ) {
    let rows = tile.rows(of: block)
    let count = tile.lanes.count
    let scanned = tile.scanned
    let input = tile.input + tile.lanes.lowerBound &* tile.lane.inputStride + rows.lowerBound &* scanned.inputStride
    let output = tile.output + tile.lanes.lowerBound &* tile.lane.outputStride + rows.lowerBound &* scanned.outputStride
    if tile.isInterleaved && rows.count > 1 {
      // One run of rows.count * count elements; backward (a reverse scan) it
      // starts at the block's first row's last lane and meets the lanes in
      // reverse order, so the carries go in and the totals come out reversed.
      let step = scanned.inputStride > 0 ? 1 : -1
      let last = (count &- 1) &* MemoryLayout<Element>.stride
      let start = step > 0 ? 0 : last
      if step < 0 && writing { reverse(carry, count) }
      Tiles.scanInterleaved(
        input + start, writing ? output + start : nil, count: rows.count &* count, period: count, step: step,
        carry: carry, totals: local)
      if step < 0 {
        if writing { reverse(carry, count) }
        reverse(local, count)
      }
      return
    }
    local.update(repeating: Operation.neutral, count: count)
    let size = MemoryLayout<Element>.stride
    let contiguous = tile.lane.inputStride == size && tile.lane.outputStride == size
    if contiguous {
      Tiles.accumulateRows(
        input, inputRowStride: scanned.inputStride, writing ? output : nil, outputRowStride: scanned.outputStride,
        rows: rows.count, local: local, carry: carry, count: count)
      return
    }
    for row in 0..<rows.count {
      let rowInput = input + row &* scanned.inputStride
      let rowOutput = output + row &* scanned.outputStride
      for index in 0..<count {
        let value = Operation.combine(
          local[index], Operation.lift(rowInput.load(fromByteOffset: index &* tile.lane.inputStride, as: Element.self).widened))
        local[index] = value
        if writing {
          rowOutput.storeBytes(
            of: Element(narrowing: Operation.combine(carry[index], value)),
            toByteOffset: index &* tile.lane.outputStride, as: Element.self)
        }
      }
    }
  }

  static func reverse(_ values: UnsafeMutablePointer<Value>, _ count: Int) {
    var low = 0, high = count &- 1
    while low < high {
      let swapped = values[low]
      values[low] = values[high]
      values[high] = swapped
      low &+= 1
      high &-= 1
    }
  }

  /// Writes `value` to `count` lanes of one output row (an exclusive scan's first row).
  static func fill(
    _ output: UnsafeMutableRawPointer, lane: Dimension, lanes: Range<Int>, value: Value
  ) {
    let element = Element(narrowing: value)
    for index in lanes {
      output.storeBytes(of: element, toByteOffset: index &* lane.outputStride, as: Element.self)
    }
  }
}
