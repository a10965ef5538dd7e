import ScanABI

/// The byte offsets of the lines of a batch, walked in order from any flat
/// index: an odometer over the batch dimensions (outermost first).
struct BatchWalker {
  let dimensions: [Dimension]
  var digits: [Int]
  var inputOffset = 0
  var outputOffset = 0

  /// Number of lines in `dimensions` (1 for none).
  static func lineCount(_ dimensions: [Dimension]) -> Int {
    dimensions.reduce(1) { $0 &* $1.count }
  }

  /// Positioned at line `flatIndex` (C order over `dimensions`).
  init(_ dimensions: [Dimension], startingAt flatIndex: Int) {
    self.dimensions = dimensions
    digits = Array(repeating: 0, count: dimensions.count)
    var rest = flatIndex
    for axis in dimensions.indices.reversed() {
      let count = dimensions[axis].count
      digits[axis] = rest % count
      rest /= count
      inputOffset &+= digits[axis] &* dimensions[axis].inputStride
      outputOffset &+= digits[axis] &* dimensions[axis].outputStride
    }
  }

  /// Moves to the next line.
  @inline(__always)
  mutating func advance() {
    if dimensions.count == 1 {
      // The common case (the rows of a matrix): no carry to propagate.
      inputOffset &+= dimensions[0].inputStride
      outputOffset &+= dimensions[0].outputStride
      return
    }
    var axis = dimensions.count &- 1
    while axis >= 0 {
      let dimension = dimensions[axis]
      digits[axis] &+= 1
      inputOffset &+= dimension.inputStride
      outputOffset &+= dimension.outputStride
      if digits[axis] < dimension.count { return }
      inputOffset &-= dimension.count &* dimension.inputStride
      outputOffset &-= dimension.count &* dimension.outputStride
      digits[axis] = 0
      axis &-= 1
    }
  }
}

/// The caller's request to stop, polled between blocks of work.
struct Interrupt {
  let flag: UnsafePointer<Int32>?
  var isRaised: Bool { mlxl_flag_is_raised(flag) != 0 }
}

/// The share of `0..<count` that worker `worker` of `workers` takes.
func share(of count: Int, worker: Int, workers: Int) -> Range<Int> {
  (count &* worker / workers)..<(count &* (worker &+ 1) / workers)
}
