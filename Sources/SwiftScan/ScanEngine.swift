import Glibc

/// Runs a whole scan: picks the loop shape for the geometry, splits the work
/// across threads, and owns the scratch memory.
///
/// - Lanes: the scanned axis is not innermost; rows are streamed across the
///   innermost batch dimension (`LaneScan`). Work is split by lane tiles.
/// - Lines: the scanned axis is innermost; each line is scanned by
///   `LineScan`. Many lines are split across threads; few long lines are each
///   scanned by all threads (reduce, then scan) with the same bits as one.
/// - Chained: axis=None over a layout that did not fold into one line; lines
///   are scanned in C order, each starting from the previous one's carry.
///
/// Lines are scanned tile by tile by `Tiles`: the vector tile scanner where
/// the operation has a lane-wise form, the chunked scalar one otherwise.
///
/// Exclusive scans are the inclusive scan shifted by one place: the first
/// output is written with `exclusiveStart`, the output pointer moves one step
/// along the scan, and one element fewer is read.
public enum TiledScanEngine<Tiles: TileScanner> {
  public typealias Element = Tiles.Element
  public typealias Operation = Tiles.Operation
  typealias Value = Element.Accumulator
  typealias Lines = LineScan<Tiles>
  typealias Lanes = LaneScan<Tiles>
  public typealias Outcome = ScanOutcome

  public static func run(
    _ geometry: ScanGeometry, threads maximumThreads: Int? = nil, interrupt flag: UnsafePointer<Int32>? = nil
  ) -> Outcome {
    let interrupt = Interrupt(flag: flag)
    let total = geometry.elementCount
    if total == 0 {
      if geometry.includesInitial { writeStarts(geometry) }
      return .done
    }
    let threads = min(maximumThreads ?? ThreadBudget.maximum, ThreadBudget.threads(for: total))
    if !geometry.inclusive && geometry.isInPlace {
      // Shifting while scanning would overwrite inputs not yet read: scan
      // inclusively in place, then shift each line by one.
      var inclusive = geometry
      inclusive.inclusive = true
      let outcome = run(inclusive, threads: threads, interrupt: flag)
      if outcome == .done { shiftInPlace(geometry) }
      return outcome
    }
    if !geometry.isInPlace, let output = geometry.denseOutput(elementSize: MemoryLayout<Element>.stride) {
      FreshPages.touch(output, threads: threads)
    }
    if geometry.carriesAcrossBatch { return runChained(geometry, interrupt) }
    if let lane = geometry.batch.last,
      abs(lane.outputStride) < abs(geometry.scanned.outputStride) || geometry.scanned.count == 1
    {
      // A scanned axis of length one is a copy (or a fill): the batch's
      // innermost dimension taken as lanes, one row of them.
      return runLanes(geometry, lane: lane, threads: threads, interrupt)
    }
    return runLines(geometry, threads: threads, interrupt)
  }

  /// `body(scratch)` with a tile's worth of accumulators, or nil if memory ran out.
  static func withScratch<Result>(_ body: (UnsafeMutablePointer<Value>) -> Result) -> Result? {
    guard let raw = malloc(scratchCapacity &* MemoryLayout<Value>.stride) else { return nil }
    defer { free(raw) }
    return body(raw.bindMemory(to: Value.self, capacity: scratchCapacity))
  }

  /// A tile's accumulators, or a lane tile's locals and carries (see `carryOffset`).
  static var scratchCapacity: Int { max(Lines.tileSize, Lanes.carryOffset &+ Lanes.width) }

  /// Outputs of at least this many bytes are written with streaming stores:
  /// beyond what the caches could keep for whoever reads the result next.
  static var streamingThreshold: Int { 16 << 20 }

  static func streams(_ geometry: ScanGeometry) -> Bool {
    geometry.elementCount &* MemoryLayout<Element>.stride >= streamingThreshold && !geometry.isInPlace
  }

  static func seed(_ inclusive: Bool) -> Value { inclusive ? Operation.neutral : Operation.exclusiveSeed }

  /// The line for batch offsets, shifted for an exclusive scan (after writing its first output).
  static func line(_ geometry: ScanGeometry, inputOffset: Int, outputOffset: Int) -> Line {
    let scanned = geometry.scanned
    var line = Line(
      input: geometry.input + inputOffset, inputStride: scanned.inputStride,
      output: geometry.output + outputOffset, outputStride: scanned.outputStride,
      count: scanned.count, blockSize: Lines.blockSize, streaming: streams(geometry))
    if geometry.writesStart {
      line.output.storeBytes(of: Element(narrowing: Operation.exclusiveStart), as: Element.self)
      line.output += scanned.outputStride
      if !geometry.inclusive { line.count &-= 1 }
    }
    return line
  }

  // MARK: - Lines

  static func runLines(_ geometry: ScanGeometry, threads: Int, _ interrupt: Interrupt) -> Outcome {
    let lineCount = BatchWalker.lineCount(geometry.batch)
    let seed = seed(geometry.inclusive)
    if lineCount >= 2 &* threads || threads == 1 {
      // Enough independent lines: each worker takes a contiguous share.
      let workers = min(threads, lineCount)
      var outcomes = Array(repeating: Outcome.done, count: workers)
      outcomes.withUnsafeMutableBufferPointer { outcomes in
        ForkJoin.run(workers: workers) { worker in
          let lines = share(of: lineCount, worker: worker, workers: workers)
          outcomes[worker] = withScratch { scratch in
            if let rows = geometry.shortRows, !geometry.writesStart {
              // Rows of one tile or less, evenly spaced: a batch of rows per call.
              let scanned = geometry.scanned
              var row = lines.lowerBound
              while row < lines.upperBound {
                if interrupt.isRaised { return .interrupted }
                let batch = min(4096, lines.upperBound &- row)
                Tiles.scanRows(
                  geometry.input + row &* rows.inputStride, scanned.inputStride,
                  geometry.output + row &* rows.outputStride, scanned.outputStride,
                  rowStrides: (rows.inputStride, rows.outputStride), rows: batch,
                  count: scanned.count, carry: seed, scratch: scratch)
                row &+= batch
              }
              return Outcome.done
            }
            var walker = BatchWalker(geometry.batch, startingAt: lines.lowerBound)
            for index in lines {
              if index & 255 == 0 && interrupt.isRaised { return .interrupted }
              let line = line(geometry, inputOffset: walker.inputOffset, outputOffset: walker.outputOffset)
              if line.count <= Lines.tileSize {
                // One tile: what scanBlocks does, without its block bookkeeping,
                // which would cost more than the scan of a short row.
                _ = Tiles.scanTile(
                  line.input, line.inputStride, line.output, line.outputStride,
                  count: line.count, carry: seed, scratch: scratch)
              } else if Lines.scanBlocks(
                line, 0..<line.blockCount, carry: seed, scratch: scratch, interrupt: interrupt) == nil {
                return .interrupted
              }
              walker.advance()
            }
            return Outcome.done
          } ?? .noMemory
        }
      }
      return outcomes.first { $0 != .done } ?? .done
    }
    // Few long lines: all threads on each line in turn.
    var walker = BatchWalker(geometry.batch, startingAt: 0)
    for _ in 0..<lineCount {
      let line = line(geometry, inputOffset: walker.inputOffset, outputOffset: walker.outputOffset)
      let outcome = scanLineInParallel(line, seed: seed, threads: threads, interrupt)
      if outcome != .done { return outcome }
      walker.advance()
    }
    return .done
  }

  /// All threads on one line: its blocks in a single pass (`BlockChain`),
  /// with the bits of one thread.
  static func scanLineInParallel(_ line: Line, seed: Value, threads: Int, _ interrupt: Interrupt) -> Outcome {
    let chain = BlockChain<Value>(
      blocks: line.blockCount, width: 1,
      reduce: { block, total, _ in total.pointee = Lines.blockTotal(line, block: block) },
      scan: { block, carry, scratch, _ in
        guard let next = Lines.scanBlocks(
          line, block..<(block &+ 1), carry: carry.pointee, scratch: scratch, interrupt: interrupt)
        else { return false }
        carry.pointee = next
        return true
      },
      combine: { Operation.combine($0, $1) })
    return chain.run(seed: seed, threads: threads, scratchCount: scratchCapacity, interrupt: interrupt)
  }

  // MARK: - Lanes

  static func runLanes(_ geometry: ScanGeometry, lane: Dimension, threads: Int, _ interrupt: Interrupt) -> Outcome {
    let outer = Array(geometry.batch.dropLast())
    let outerCount = BatchWalker.lineCount(outer)
    let tilesPerRow = (lane.count &+ Lanes.width &- 1) / Lanes.width
    let items = outerCount &* tilesPerRow
    var scanned = geometry.scanned
    var output = geometry.output
    if geometry.writesStart {
      // The shift: the first row is the identity, the rest the inclusive scan moved down one.
      var walker = BatchWalker(outer, startingAt: 0)
      for _ in 0..<outerCount {
        Lanes.fill(output + walker.outputOffset, lane: lane, lanes: 0..<lane.count, value: Operation.exclusiveStart)
        walker.advance()
      }
      output += scanned.outputStride
      if !geometry.inclusive { scanned.count &-= 1 }
    }
    if scanned.count == 0 { return .done }
    let seed = seed(geometry.inclusive)
    let elementSize = MemoryLayout<Element>.stride
    func tile(_ walker: BatchWalker, _ index: Int) -> Lanes.Tile {
      Lanes.Tile(
        input: geometry.input + walker.inputOffset, output: output + walker.outputOffset,
        scanned: scanned, lane: lane,
        lanes: (index &* Lanes.width)..<min(lane.count, (index &+ 1) &* Lanes.width))
    }
    if items < 2 &* threads && threads > 1 && Tiles.sharesLaneRows {
      // Few tiles: all threads on the rows of each tile in turn.
      var walker = BatchWalker(outer, startingAt: 0)
      for item in 0..<items {
        let current = tile(walker, item % tilesPerRow)
        let chain = BlockChain<Value>(
          blocks: current.blockCount, width: current.lanes.count,
          reduce: { block, total, _ in Lanes.reduceBlock(current, block, total: total) },
          scan: { block, carry, scratch, _ in
            if interrupt.isRaised { return false }
            Lanes.scanBlock(current, block, carry: carry, scratch: scratch)
            return true
          },
          combine: { Operation.combine($0, $1) })
        let outcome = chain.run(seed: seed, threads: threads, scratchCount: Lanes.width, interrupt: interrupt)
        if outcome != .done { return outcome }
        if item % tilesPerRow == tilesPerRow &- 1 { walker.advance() }
      }
      return .done
    }
    // Many tiles: each worker takes a contiguous share, each tile's blocks in turn.
    let workers = min(threads, items)
    var outcomes = Array(repeating: Outcome.done, count: workers)
    outcomes.withUnsafeMutableBufferPointer { outcomes in
      ForkJoin.run(workers: workers) { worker in
        let mine = share(of: items, worker: worker, workers: workers)
        outcomes[worker] = withScratch { scratch in
          let carry = scratch + Lanes.carryOffset
          var walker = BatchWalker(outer, startingAt: mine.lowerBound / tilesPerRow)
          var index = mine.lowerBound % tilesPerRow
          for _ in mine {
            let current = tile(walker, index)
            if scanned.count == 1 && current.lane.inputStride == elementSize && current.lane.outputStride == elementSize {
              // A scanned axis of length one: each output is `seed ⊕ input`.
              Tiles.mapRow(
                current.input + current.lanes.lowerBound &* elementSize,
                current.output + current.lanes.lowerBound &* elementSize, carry: seed, count: current.lanes.count)
            } else {
              carry.update(repeating: seed, count: current.lanes.count)
              for block in 0..<current.blockCount {
                if interrupt.isRaised { return Outcome.interrupted }
                Lanes.scanBlock(current, block, carry: carry, scratch: scratch, last: block == current.blockCount &- 1)
              }
            }
            index &+= 1
            if index == tilesPerRow {
              index = 0
              walker.advance()
            }
          }
          return Outcome.done
        } ?? .noMemory
      }
    }
    return outcomes.first { $0 != .done } ?? .done
  }

  /// An empty scanned axis with `includesInitial`: each line's one output is the start.
  static func writeStarts(_ geometry: ScanGeometry) {
    let start = Element(narrowing: Operation.exclusiveStart)
    var walker = BatchWalker(geometry.batch, startingAt: 0)
    for _ in 0..<BatchWalker.lineCount(geometry.batch) {
      (geometry.output + walker.outputOffset).storeBytes(of: start, as: Element.self)
      walker.advance()
    }
  }

  // MARK: - In place

  /// Turns an inclusive scan in place into the exclusive one: each line moves
  /// one step along the scan, taking `exclusiveStart ⊕ value` (which is what
  /// the exclusive scan's seed gives: `+0 + (-0)` is `+0`), and its first
  /// element becomes `exclusiveStart`.
  static func shiftInPlace(_ geometry: ScanGeometry) {
    let start = Operation.exclusiveStart
    let seed = Operation.exclusiveSeed
    let stride = geometry.scanned.outputStride
    let count = geometry.carriesAcrossBatch ? geometry.elementCount : geometry.scanned.count
    let lineCount = geometry.carriesAcrossBatch ? 1 : BatchWalker.lineCount(geometry.batch)
    var walker = BatchWalker(geometry.carriesAcrossBatch ? [] : geometry.batch, startingAt: 0)
    for _ in 0..<lineCount {
      let base = geometry.output + walker.outputOffset
      var index = count &- 1
      while index > 0 {
        let previous = base.load(fromByteOffset: (index &- 1) &* stride, as: Element.self).widened
        base.storeBytes(
          of: Element(narrowing: Operation.combine(seed, previous)), toByteOffset: index &* stride, as: Element.self)
        index &-= 1
      }
      base.storeBytes(of: Element(narrowing: start), as: Element.self)
      walker.advance()
    }
  }

  // MARK: - Chained

  /// axis=None over lines that do not fold into one: the lines in C order
  /// are one sequence, written densely to the output.
  static func runChained(_ geometry: ScanGeometry, _ interrupt: Interrupt) -> Outcome {
    let scanned = geometry.scanned
    var output = geometry.output
    var remaining = geometry.elementCount
    if geometry.writesStart {
      output.storeBytes(of: Element(narrowing: Operation.exclusiveStart), as: Element.self)
      output += scanned.outputStride
      if !geometry.inclusive { remaining &-= 1 }
    }
    var carry = seed(geometry.inclusive)
    return withScratch { scratch in
      var walker = BatchWalker(geometry.batch, startingAt: 0)
      while remaining > 0 {
        let count = min(scanned.count, remaining)
        let line = Line(
          input: geometry.input + walker.inputOffset, inputStride: scanned.inputStride,
          output: output, outputStride: scanned.outputStride, count: count, blockSize: Lines.blockSize,
          streaming: streams(geometry))
        guard let next = Lines.scanBlocks(line, 0..<line.blockCount, carry: carry, scratch: scratch, interrupt: interrupt)
        else { return Outcome.interrupted }
        carry = next
        output += count &* scanned.outputStride
        remaining &-= count
        walker.advance()
      }
      return Outcome.done
    } ?? .noMemory
  }
}

public enum ScanOutcome: Equatable { case done, noMemory, interrupted }

/// The engine with the scalar tile scanner, which every operation and element type has.
public enum ScanEngine<Element: ScanElement, Operation: ScanOperation>
where Operation.Value == Element.Accumulator {
  public typealias Outcome = ScanOutcome

  public static func run(
    _ geometry: ScanGeometry, threads: Int? = nil, interrupt: UnsafePointer<Int32>? = nil
  ) -> Outcome {
    TiledScanEngine<ChunkedTiles<Element, Operation>>.run(geometry, threads: threads, interrupt: interrupt)
  }
}
