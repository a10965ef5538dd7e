import Glibc
import ScanABI

/// One dimension of a recurrence's four arrays: its extent and each array's byte stride.
struct RecurrenceDimension {
  var count: Int
  var a: Int
  var b: Int
  var initial: Int
  var output: Int

  /// `self` (outer) and `inner` walk every array as one dimension of their product.
  func continues(into inner: RecurrenceDimension) -> Bool {
    a == inner.a &* inner.count && b == inner.b &* inner.count
      && initial == inner.initial &* inner.count && output == inner.output &* inner.count
  }
}

typealias RecurrenceKernel = (mlxl_recurrence_problem, [RecurrenceDimension]) -> mlxl_status

/// Runs a linear recurrence: reduces the arrays' layout to lines or lanes,
/// cuts them into tiles (`RecurrenceTile`) and splits the tiles, or one
/// tile's blocks, across threads.
///
/// - Lines: the recurrence runs along the innermost axis and is long; a tile
///   is one line (one lane).
/// - Lanes: the recurrence runs along an outer axis (a few channels over a
///   long time axis), or its lines are short; a tile is up to
///   `tileLanes` neighbouring recurrences of the innermost other axis, run
///   row by row.
///
/// Many tiles: each worker takes a contiguous share. Few: all workers on one
/// tile's blocks at a time (`BlockChain`), which composes the block totals
/// in order, so either way every output has the same bits.
enum RecurrenceEngine<Element: ScanElement> where Element.Accumulator: RecurrenceValue {
  typealias Value = Element.Accumulator
  typealias Tile = RecurrenceTile<Element>

  static func run(_ problem: mlxl_recurrence_problem, _ dimensions: [RecurrenceDimension]) -> mlxl_status {
    let axis = Int(problem.axis)
    var scanned = dimensions[axis]
    var others = dimensions.enumerated().filter { $0.offset != axis && $0.element.count != 1 }.map(\.element)
    if scanned.count == 0 || others.contains(where: { $0.count == 0 }) { return MLXL_STATUS_OK }
    guard let b = problem.b, let output = problem.output else { return MLXL_STATUS_BAD_PROBLEM }
    others.sort { abs($0.output) > abs($1.output) }
    var folded: [RecurrenceDimension] = []
    for dimension in others {
      if let outer = folded.last, outer.continues(into: dimension) {
        folded[folded.count - 1] = RecurrenceDimension(
          count: outer.count &* dimension.count, a: dimension.a, b: dimension.b,
          initial: dimension.initial, output: dimension.output)
      } else {
        folded.append(dimension)
      }
    }
    var origin = (a: problem.a, b: b, output: output)
    if problem.reverse != 0 {
      // The mirrored sequence: start at the last element, walk backwards.
      let last = scanned.count &- 1
      origin.a = origin.a.map { $0 + last &* scanned.a }
      origin.b += last &* scanned.b
      origin.output += last &* scanned.output
      scanned.a = -scanned.a
      scanned.b = -scanned.b
      scanned.output = -scanned.output
    }
    // Lanes when the recurrence is not innermost, or its lines are too short
    // for blocks of their own (then neighbouring lines are lanes, even strided).
    var lane: RecurrenceDimension?
    if let innermost = folded.last, abs(innermost.output) < abs(scanned.output) || scanned.count < 64 {
      lane = innermost
      folded.removeLast()
    }
    let laneCount = lane?.count ?? 1
    let tileLanes = RecurrenceConstants<Value>.tileLanes
    let tilesPerLine = (laneCount &+ tileLanes &- 1) / tileLanes
    let lineCount = folded.reduce(1) { $0 &* $1.count }
    let items = lineCount &* tilesPerLine

    // The constant step's powers, shared by every tile.
    let powerCount = RecurrenceConstants<Value>.maximumChunkRows
    guard let powerMemory = malloc(powerCount &* MemoryLayout<Value>.stride) else { return MLXL_STATUS_NO_MEMORY }
    defer { free(powerMemory) }
    let powers = powerMemory.bindMemory(to: Value.self, capacity: powerCount)
    let constantA = Value(constant: problem.a_constant.0, problem.a_constant.1)
    var power = constantA
    for index in 0..<powerCount {
      powers[index] = power
      power = Value.times(power, constantA)
    }
    let constants = RecurrenceConstants(
      a: constantA, scale: Value(constant: problem.scale, 0), isScaled: problem.scale != 1, powers: powers)

    func tile(_ item: Int) -> Tile {
      var line = item / tilesPerLine
      let firstLane = (item % tilesPerLine) &* tileLanes
      var offset = (a: 0, b: 0, initial: 0, output: 0)
      for dimension in folded.reversed() {
        let digit = line % dimension.count
        line /= dimension.count
        offset.a &+= digit &* dimension.a
        offset.b &+= digit &* dimension.b
        offset.initial &+= digit &* dimension.initial
        offset.output &+= digit &* dimension.output
      }
      let across = lane ?? RecurrenceDimension(count: 1, a: 0, b: 0, initial: 0, output: 0)
      offset.a &+= firstLane &* across.a
      offset.b &+= firstLane &* across.b
      offset.initial &+= firstLane &* across.initial
      offset.output &+= firstLane &* across.output
      return Tile(
        b: Tile.Operand(base: origin.b + offset.b, rowStride: scanned.b, laneStride: across.b),
        a: origin.a.map { Tile.Operand(base: $0 + offset.a, rowStride: scanned.a, laneStride: across.a) },
        initial: problem.initial.map {
          Tile.Operand(base: $0 + offset.initial, rowStride: 0, laneStride: across.initial)
        },
        output: origin.output + offset.output, outputRowStride: scanned.output, outputLaneStride: across.output,
        rows: scanned.count, lanes: min(tileLanes, laneCount &- firstLane), constant: constants)
    }

    let interrupt = Interrupt(flag: problem.interrupt.map { UnsafeRawPointer($0).assumingMemoryBound(to: Int32.self) })
    let total = items &* scanned.count &* min(tileLanes, laneCount)
    let threads = min(ThreadBudget.maximum, ThreadBudget.threads(for: total))
    // A fresh result's huge pages first touched where the kernel zeroes them fastest.
    if let span = FreshPages.denseSpan(
      output, dimensions.map { (count: $0.count, stride: $0.output) }, elementSize: MemoryLayout<Element>.stride)
    {
      FreshPages.touch(span, threads: threads)
    }
    // Scratch in BlockChain's unit, a step (two values).
    let scratchSteps = (RecurrenceScratch<Value>.count &+ 1) / 2
    if items < 2 &* threads && threads > 1 {
      for item in 0..<items {
        let current = tile(item)
        let chain = BlockChain<AffineStep<Value>>(
          blocks: current.blockCount, width: current.lanes,
          reduce: { block, total, scratch in current.reduce(block, total: total, RecurrenceScratch(UnsafeMutableRawPointer(scratch))) },
          scan: { block, carry, scratch, reduced in
            if interrupt.isRaised { return false }
            current.scan(block, carry: carry, RecurrenceScratch(UnsafeMutableRawPointer(scratch)), composed: reduced)
            return true
          },
          combine: { $0.then($1) })
        switch chain.run(seed: .identity, threads: threads, scratchCount: scratchSteps, interrupt: interrupt) {
        case .done: continue
        case .noMemory: return MLXL_STATUS_NO_MEMORY
        case .interrupted: return MLXL_STATUS_INTERRUPTED
        }
      }
      return MLXL_STATUS_OK
    }
    let workers = min(max(threads, 1), items)
    var outcomes = Array(repeating: ScanOutcome.done, count: workers)
    outcomes.withUnsafeMutableBufferPointer { outcomes in
      ForkJoin.run(workers: workers) { worker in
        let steps = RecurrenceConstants<Value>.tileLanes
        let bytes = (RecurrenceScratch<Value>.count &+ 2 &* steps) &* MemoryLayout<Value>.stride
        guard let memory = malloc(bytes) else {
          outcomes[worker] = .noMemory
          return
        }
        defer { free(memory) }
        let scratch = RecurrenceScratch<Value>(memory)
        let carry = (memory + RecurrenceScratch<Value>.count &* MemoryLayout<Value>.stride)
          .bindMemory(to: AffineStep<Value>.self, capacity: steps)
        for item in share(of: items, worker: worker, workers: workers) {
          let current = tile(item)
          carry.update(repeating: .identity, count: current.lanes)
          for block in 0..<current.blockCount {
            if interrupt.isRaised {
              outcomes[worker] = .interrupted
              return
            }
            current.scan(block, carry: carry, scratch)
          }
        }
      }
    }
    switch outcomes.first(where: { $0 != .done }) ?? .done {
    case .done: return MLXL_STATUS_OK
    case .noMemory: return MLXL_STATUS_NO_MEMORY
    case .interrupted: return MLXL_STATUS_INTERRUPTED
    }
  }
}

/// Runs one linear recurrence described by a C `mlxl_recurrence_problem`.
@_cdecl("mlxl_linear_recurrence")
public func linearRecurrence(_ problem: UnsafePointer<mlxl_recurrence_problem>) -> Int32 {
  let problem = problem.pointee
  let ndim = Int(problem.ndim)
  guard (1...Int(MLXL_MAX_DIMS)).contains(ndim), (0..<problem.ndim).contains(problem.axis)
  else { return Int32(MLXL_STATUS_BAD_PROBLEM.rawValue) }
  guard let kernel = recurrenceKernel(dtype: problem.dtype) else { return Int32(MLXL_STATUS_UNSUPPORTED.rawValue) }
  var dimensions: [RecurrenceDimension] = []
  dimensions.reserveCapacity(ndim)
  withUnsafeBytes(of: problem.shape) { shape in
    withUnsafeBytes(of: problem.a_strides) { a in
      withUnsafeBytes(of: problem.b_strides) { b in
        withUnsafeBytes(of: problem.initial_strides) { initial in
          withUnsafeBytes(of: problem.output_strides) { output in
            func read(_ strides: UnsafeRawBufferPointer, _ index: Int) -> Int {
              Int(strides.load(fromByteOffset: index &* 8, as: Int64.self))
            }
            for index in 0..<ndim {
              dimensions.append(RecurrenceDimension(
                count: read(shape, index), a: read(a, index), b: read(b, index),
                initial: read(initial, index), output: read(output, index)))
            }
          }
        }
      }
    }
  }
  guard dimensions.allSatisfy({ $0.count >= 0 }) else { return Int32(MLXL_STATUS_BAD_PROBLEM.rawValue) }
  return Int32(kernel(problem, dimensions).rawValue)
}
