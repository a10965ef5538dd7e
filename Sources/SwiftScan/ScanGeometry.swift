/// One dimension of a strided walk: its extent and the byte distance between
/// neighbouring elements in the input and in the output (either may be
/// negative, or zero for a broadcast input).
struct Dimension: Equatable {
  var count: Int
  var inputStride: Int
  var outputStride: Int

  init(count: Int, inputStride: Int, outputStride: Int) {
    self.count = count
    self.inputStride = inputStride
    self.outputStride = outputStride
  }

  /// `outer` and `inner` walk memory as one dimension of their product.
  func continues(into inner: Dimension) -> Bool {
    inputStride == inner.inputStride &* inner.count && outputStride == inner.outputStride &* inner.count
  }

  func merged(with inner: Dimension) -> Dimension {
    Dimension(count: count &* inner.count, inputStride: inner.inputStride, outputStride: inner.outputStride)
  }
}

/// A scan reduced to its simplest equivalent form.
///
/// Direction is a signed stride: a reverse scan starts at the last element and
/// walks with negated strides, so every kernel only ever scans forward.
/// Dimensions of size one are dropped and neighbours that walk memory as one
/// are folded together, so a C- or Fortran-ordered array, a transposed view
/// and a contiguous slab all reach the kernels as the same few loops.
///
/// (Public only because `TiledScanEngine.run` in ScanEngine.swift is; its members are internal.)
public struct ScanGeometry {
  var input: UnsafeRawPointer
  var output: UnsafeMutableRawPointer
  /// The dimension the fold runs along.
  var scanned: Dimension
  /// The independent dimensions, outermost (largest output stride) first.
  var batch: [Dimension]
  /// The fold carries on from one batch line to the next (axis=None over a
  /// layout that did not fold into one line): the batch is then in C order
  /// and the output one dense sequence.
  var carriesAcrossBatch: Bool
  var inclusive: Bool
  /// The output holds one element more along the scan, the exclusive start,
  /// first in scan order: written, then the output moves one step on, as for
  /// an exclusive scan, but every input element is still scanned.
  var includesInitial = false

  /// The output moves one step on after its first element (the start).
  var writesStart: Bool { !inclusive || includesInitial }

  /// The scan reads and writes the very same elements: a scan in place.
  var isInPlace: Bool {
    input == UnsafeRawPointer(output) && scanned.inputStride == scanned.outputStride
      && batch.allSatisfy { $0.inputStride == $0.outputStride }
  }

  /// The one batch dimension, when lines are at most a tile long and evenly
  /// spaced (a matrix of short rows): they can be scanned without a walker.
  var shortRows: Dimension? {
    guard batch.count == 1, !carriesAcrossBatch, scanned.count <= tileElements else { return nil }
    return batch[0]
  }

  /// Total number of elements scanned.
  var elementCount: Int { batch.reduce(scanned.count) { $0 &* $1.count } }

  /// The scan of `dimensions[axis]`, or, with `axis == nil`, of all of them as
  /// one sequence in C order written to a 1-D output whose elements are
  /// `flatOutputStride` bytes apart (`elementSize`: dense). With
  /// `includeInitial`, the output has one element more along the scan.
  init(
    input: UnsafeRawPointer, output: UnsafeMutableRawPointer, dimensions: [Dimension],
    axis: Int?, reverse: Bool, inclusive: Bool, elementSize: Int,
    includeInitial: Bool = false, flatOutputStride: Int? = nil
  ) {
    self.input = input
    self.output = output
    self.inclusive = inclusive
    self.includesInitial = includeInitial && inclusive
    // Reversed, the start is the last output: the walk begins one step further on.
    let startsLast = reverse && includesInitial
    guard let axis else {
      // Flattened: the output is one sequence in C order, whatever strides
      // were passed for it. Fold neighbours in C order, never reorder.
      let flatStride = flatOutputStride ?? elementSize
      if startsLast && !dimensions.contains(where: { $0.count == 0 }) { self.output += flatStride }
      var denseStride = flatStride
      var flat = dimensions
      for index in flat.indices.reversed() {
        flat[index].outputStride = denseStride
        denseStride &*= flat[index].count
      }
      var folded: [Dimension] = []
      for dimension in flat where dimension.count != 1 {
        if let outer = folded.last, outer.continues(into: dimension) {
          folded[folded.count - 1] = outer.merged(with: dimension)
        } else {
          folded.append(dimension)
        }
      }
      if dimensions.contains(where: { $0.count == 0 }) { folded = [Dimension(count: 0, inputStride: 0, outputStride: 0)] }
      if folded.isEmpty { folded = [Dimension(count: 1, inputStride: elementSize, outputStride: flatStride)] }
      scanned = folded.removeLast()
      batch = folded
      carriesAcrossBatch = !batch.isEmpty
      if reverse {
        // The reversed C order is every dimension walked backwards.
        for index in batch.indices { Self.reverse(&batch[index], input: &self.input, output: &self.output) }
        Self.reverse(&scanned, input: &self.input, output: &self.output)
      }
      return
    }
    scanned = dimensions[axis]
    var others = dimensions.enumerated().filter { $0.offset != axis && $0.element.count != 1 }.map(\.element)
    if others.contains(where: { $0.count == 0 }) { scanned.count = 0; others = [] }
    // Outermost first by output stride (the output is dense, laid out like
    // the input), then fold neighbours that walk memory as one.
    others.sort { abs($0.outputStride) > abs($1.outputStride) }
    var folded: [Dimension] = []
    for dimension in others {
      if let outer = folded.last, outer.continues(into: dimension) {
        folded[folded.count - 1] = outer.merged(with: dimension)
      } else {
        folded.append(dimension)
      }
    }
    batch = folded
    carriesAcrossBatch = false
    if startsLast && scanned.count > 0 { self.output += scanned.outputStride }
    if reverse { Self.reverse(&scanned, input: &self.input, output: &self.output) }
  }

  /// Walk `dimension` from its last element backwards.
  static func reverse(
    _ dimension: inout Dimension, input: inout UnsafeRawPointer, output: inout UnsafeMutableRawPointer
  ) {
    guard dimension.count > 0 else { return }
    input += (dimension.count &- 1) &* dimension.inputStride
    output += (dimension.count &- 1) &* dimension.outputStride
    dimension.inputStride = -dimension.inputStride
    dimension.outputStride = -dimension.outputStride
  }
}
