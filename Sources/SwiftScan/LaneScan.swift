/// The scan along an axis that is not the innermost in memory, as an
/// element-wise recurrence across rows: `out[i, :] = out[i-1, :] ⊕ in[i, :]`.
///
/// The running values of up to `width` neighbouring lanes live in an
/// L1-resident scratch row; each step streams one input row and one output
/// row at full vector width. No column is ever walked element by element.
enum LaneScan<Tiles: TileScanner> {
  typealias Element = Tiles.Element
  typealias Operation = Tiles.Operation
  typealias Value = Element.Accumulator

  /// Lanes scanned together: the scratch row holds this many accumulators.
  static var width: Int { 2048 }

  /// Scans lanes `lanes` (a range of the lane dimension) of the rows at
  /// `input`/`output`. `scanned` is already shifted for an exclusive scan,
  /// whose first row the caller has written.
  static func scan(
    input: UnsafeRawPointer, output: UnsafeMutableRawPointer,
    scanned: Dimension, lane: Dimension, lanes: Range<Int>, seed: Value,
    scratch: UnsafeMutablePointer<Value>, interrupt: Interrupt
  ) -> Bool {
    let count = lanes.count
    let input = input + lanes.lowerBound &* lane.inputStride
    let output = output + lanes.lowerBound &* lane.outputStride
    scratch.update(repeating: seed, count: count)
    let elementStride = MemoryLayout<Element>.stride
    let contiguous = lane.inputStride == elementStride && lane.outputStride == elementStride
    for row in 0..<scanned.count {
      if row & 63 == 0 && interrupt.isRaised { return false }
      let rowInput = input + row &* scanned.inputStride
      let rowOutput = output + row &* scanned.outputStride
      if contiguous {
        Tiles.accumulateRow(rowInput, rowOutput, running: scratch, count: count)
      } else {
        for index in 0..<count {
          let value = Operation.combine(
            scratch[index],
            rowInput.load(fromByteOffset: index &* lane.inputStride, as: Element.self).widened)
          scratch[index] = value
          rowOutput.storeBytes(
            of: Element(narrowing: value), toByteOffset: index &* lane.outputStride, as: Element.self)
        }
      }
    }
    return true
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
