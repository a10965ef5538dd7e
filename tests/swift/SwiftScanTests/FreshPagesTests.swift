// FreshPages: the dense output span the first touches may cover, checked
// against the set of every output element's bytes (C, Fortran, flipped,
// gapped and axis=None layouts, each direction, inclusive or not, with and
// without the initial element); and touches that leave every value as it was.

import XCTest
@testable import SwiftScan

final class FreshPagesTests: XCTestCase {
  /// Byte offsets of every output element, from the output's data pointer.
  func outputOffsets(shape: [Int], strides: [Int], axis: Int?, extraAlongAxis: Int, flatStride: Int) -> [Int] {
    guard let axis else {
      return (0..<(shape.reduce(1, *) + extraAlongAxis)).map { $0 * flatStride }
    }
    var extended = shape
    extended[axis] += extraAlongAxis
    var offsets: [Int] = []
    forEachIndex(extended) { index in offsets.append(zip(index, strides).map { $0 * $1 }.reduce(0, +)) }
    return offsets
  }

  func testDenseOutputIsExactlyTheElementsBytes() {
    let size = 4
    var checked = 0, dense = 0
    for shape in [[7], [5, 6], [3, 4, 5], [1, 6], [4, 1, 3]] {
      var layouts = [Geometry.cStrides(shape), Geometry.fStrides(shape)]
      for d in shape.indices {
        var flipped = layouts[0]
        flipped[d] = -flipped[d]
        var gapped = layouts[1]
        gapped[d] *= 2
        layouts += [flipped, gapped]
      }
      for elementStrides in layouts {
        let strides = elementStrides.map { $0 * size }
        for axis in Array(shape.indices).map(Optional.some) + [nil] {
          for (inclusive, initial) in [(true, false), (false, false), (true, true)] {
            for reverse in [false, true] {
              for flatStride in axis == nil ? [size, -size, 2 * size] : [size] {
                let extra = initial ? 1 : 0
                var extended = shape
                if let axis { extended[axis] += extra }
                let offsets = outputOffsets(
                  shape: shape, strides: strides, axis: axis, extraAlongAxis: extra, flatStride: flatStride)
                let low = offsets.min()!, sorted = offsets.sorted()
                let isDense = sorted == Array(stride(from: low, to: low + sorted.count * size, by: size))
                // A fake address far from 0: denseOutput only does arithmetic on it.
                let base = UnsafeMutableRawPointer(bitPattern: 1 << 30)!
                let dimensions = shape.indices.map {
                  Dimension(count: shape[$0], inputStride: strides[$0], outputStride: strides[$0])
                }
                let geometry = ScanGeometry(
                  input: UnsafeRawPointer(base), output: base, dimensions: dimensions, axis: axis, reverse: reverse,
                  inclusive: inclusive, elementSize: size, includeInitial: initial, flatOutputStride: flatStride)
                let span = geometry.denseOutput(elementSize: size)
                let label = "shape \(shape) strides \(strides) axis \(String(describing: axis)) flat \(flatStride)"
                  + " inclusive \(inclusive) initial \(initial) reverse \(reverse)"
                if isDense && axis == nil && initial && span?.count != sorted.count * size {
                  // Lines that did not fold: all but the start, which lies at one end.
                  let inner = (span?.baseAddress).map { $0 - base } ?? -1
                  XCTAssertTrue(inner == low || inner == low + size, label)
                  XCTAssertEqual(span?.count, (sorted.count - 1) * size, label)
                  dense += 1
                } else if isDense {
                  XCTAssertEqual(span?.baseAddress, base + low, label)
                  XCTAssertEqual(span?.count, sorted.count * size, label)
                  dense += 1
                } else {
                  XCTAssertNil(span, label)
                }
                checked += 1
              }
            }
          }
        }
      }
    }
    XCTAssertGreaterThan(dense, 0)
    XCTAssertGreaterThan(checked - dense, 0)
  }

  /// Touching spans around and across huge-page boundaries writes nothing new.
  func testTouchesLeaveEveryByteAsItWas() {
    let count = 3 * FreshPages.hugePage + 12345
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 64)
    defer { bytes.deallocate() }
    for index in 0..<count { bytes[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 7) }
    let before = Array(bytes)
    for (offset, length) in [(0, count), (1, count - 1), (777, FreshPages.minimumBytes), (5, FreshPages.minimumBytes - 1)] {
      for threads in [1, 2, 3] {
        FreshPages.touch(UnsafeMutableRawBufferPointer(rebasing: bytes[offset..<(offset + length)]), threads: threads)
      }
    }
    XCTAssertTrue(before.elementsEqual(bytes))
  }
}
