// Layouts: dense and strided lines, 2-D and 3-D arrays in C and Fortran
// order scanned along each axis (so both the 'lines' and the 'lanes' kernels
// run), transposed and flipped views, axis=None (folded into one line, or
// 'chained' over lines that do not fold), empty and length-1 axes, and
// lengths around the tile and block boundaries. Every case is compared
// element by element with a sequential reference; the harness also checks
// that nothing outside the output elements is written.

import XCTest
@testable import SwiftScan

extension Geometry {
  /// A C-ordered array of shape `base` seen through the axis permutation
  /// `permutation` (NumPy's `transpose`). The output is dense in C order of
  /// the permuted shape, or (`outputLikeInput`) laid out like the input.
  static func transposed(_ base: [Int], _ permutation: [Int], axis: Int?, outputLikeInput: Bool = false) -> Geometry {
    let baseStrides = cStrides(base)
    let shape = permutation.map { base[$0] }
    let strides = permutation.map { baseStrides[$0] }
    return Geometry(shape: shape, inputStrides: strides, outputStrides: outputLikeInput ? strides : cStrides(shape), axis: axis)
  }

  /// The same geometry with the input walked backwards along `axes` (a flipped view).
  func flipped(_ axes: [Int]) -> Geometry {
    var copy = self
    for axis in axes { copy.inputStrides[axis] = -copy.inputStrides[axis] }
    return copy
  }

  func scaled(input: [Int]? = nil, output: [Int]? = nil) -> Geometry {
    var copy = self
    if let input { copy.inputStrides = zip(copy.inputStrides, input).map { $0 * $1 } }
    if let output { copy.outputStrides = zip(copy.outputStrides, output).map { $0 * $1 } }
    return copy
  }
}

final class GeometryTests: XCTestCase {
  /// Every axis of `shape`, and nil, in C and Fortran order, in all four variants.
  func everyAxis(_ shape: [Int]) -> [Geometry] {
    let axes: [Int?] = Array(shape.indices) + [nil]
    return axes.flatMap { axis in
      [false, true].flatMap { Geometry.dense(shape, fortran: $0, axis: axis).variants }
    }
  }

  func testContiguousLengthsAroundTileBoundaries() {
    let lengths = [0, 1, 2, 3, 4, 5, 63, 64, 65, 67, 2047, 2048, 2049, 4 * 2048 + 3]
    check(geometryCases, lengths.flatMap { Geometry.line($0).variants }, seed: 1000)
  }

  func testStridedLines() {
    var geometries: [Geometry] = []
    for length in [5, 100, 2049] {
      for (inStride, outStride) in [(2, 1), (-1, 1), (-2, 1), (3, -1), (0, 1), (1, 2), (-1, -2), (1, -1)] {
        geometries += Geometry(shape: [length], inputStrides: [inStride], outputStrides: [outStride], axis: 0).variants
      }
    }
    check(geometryCases, geometries, seed: 2000)
  }

  func testTwoDimensionalEveryAxisCAndFortranOrder() {
    let shapes = [[5, 7], [3, 70], [70, 3], [2, 2049], [65, 2]]
    check(geometryCases, shapes.flatMap(everyAxis), seed: 3000)
  }

  func testThreeDimensionalEveryAxisCAndFortranOrder() {
    let shapes = [[3, 4, 5], [2, 65, 3], [4, 3, 70]]
    check(geometryCases, shapes.flatMap(everyAxis), seed: 4000)
  }

  func testOutputInTheOtherOrderAndStridedOutputs() {
    var geometries: [Geometry] = []
    for axis in [0, 1, 2] {
      // C-ordered input, Fortran-ordered output, and the reverse.
      let shape = [3, 5, 70]
      geometries += Geometry(
        shape: shape, inputStrides: Geometry.cStrides(shape), outputStrides: Geometry.fStrides(shape), axis: axis
      ).variants
      geometries += Geometry(
        shape: shape, inputStrides: Geometry.fStrides(shape), outputStrides: Geometry.cStrides(shape), axis: axis
      ).variants
      // Output with gaps; input sliced, and overlapping itself (as NumPy's as_strided allows).
      geometries += Geometry.dense(shape, axis: axis).scaled(input: [2, 1, 3], output: [2, 2, 2]).variants
      geometries += Geometry.dense(shape, axis: axis).scaled(input: [1, 2, 3], output: [3, 1, 1]).variants
    }
    check(geometryCases, geometries, seed: 5000)
  }

  func testTransposedAndFlippedViews() {
    var geometries: [Geometry] = []
    let base = [3, 4, 70]
    for permutation in [[1, 0, 2], [2, 1, 0], [0, 2, 1], [2, 0, 1]] {
      for axis in [0, 1, 2] as [Int?] + [nil] {
        geometries += Geometry.transposed(base, permutation, axis: axis).variants
        geometries += Geometry.transposed(base, permutation, axis: axis, outputLikeInput: true).flipped([0, 2]).variants
      }
    }
    for axis in [0, 1] as [Int?] + [nil] {
      geometries += Geometry.dense([6, 67], axis: axis).flipped([0]).variants
      geometries += Geometry.dense([6, 67], fortran: true, axis: axis).flipped([1]).variants
      geometries += Geometry.dense([6, 67], axis: axis).flipped([0, 1]).variants
    }
    check(geometryCases, geometries, seed: 6000)
  }

  func testBroadcastInputs() {
    // Zero input strides: a value repeated along the scan, and across lines.
    var geometries: [Geometry] = []
    for axis in [0, 1] as [Int?] + [nil] {
      geometries += Geometry(shape: [4, 70], inputStrides: [0, 1], outputStrides: [70, 1], axis: axis).variants
      geometries += Geometry(shape: [4, 70], inputStrides: [1, 0], outputStrides: [70, 1], axis: axis).variants
      geometries += Geometry(shape: [3, 5], inputStrides: [0, 0], outputStrides: [1, 3], axis: axis).variants
    }
    check(geometryCases, geometries, seed: 7000)
  }

  func testFlattenedScans() {
    // axis=None: the output is a dense line whatever output strides are passed.
    var geometries: [Geometry] = []
    let garbage = Geometry(shape: [3, 4, 70], inputStrides: [280, 70, 1], outputStrides: [0, 12345, -7], axis: nil)
    geometries += garbage.variants
    // Folds partly: a gap between the outer planes.
    geometries += Geometry(shape: [3, 4, 70], inputStrides: [300, 70, 1], outputStrides: [1, 1, 1], axis: nil).variants
    // Does not fold: Fortran order, so the 'chained' kernel runs, with
    // lines of 3, 70 and 2100 elements.
    geometries += Geometry.dense([70, 3], fortran: true, axis: nil).variants
    geometries += Geometry.dense([3, 70], fortran: true, axis: nil).variants
    geometries += Geometry.dense([3, 2100], fortran: true, axis: nil).variants
    geometries += Geometry.dense([2, 3, 4, 5], fortran: true, axis: nil).variants
    // Transposed, flipped, sliced.
    geometries += Geometry.transposed([5, 66], [1, 0], axis: nil).variants
    geometries += Geometry.dense([5, 66], axis: nil).flipped([1]).scaled(input: [3, 2]).variants
    check(geometryCases, geometries, seed: 8000)
  }

  func testEmptyAndLengthOneAxes() {
    let shapes = [[0], [1], [0, 3], [3, 0], [1, 0], [0, 0], [1, 1], [1, 5], [5, 1], [1, 70], [70, 1], [2, 1, 3], [1, 1, 1],
                  [2, 0, 3], [1, 3, 1, 70]]
    check(geometryCases, shapes.flatMap(everyAxis), seed: 9000)
  }

  func testLanesAcrossSeveralTilesAndWithGaps() {
    var geometries: [Geometry] = []
    // 2049 lanes: two lane tiles (2048 + 1).
    geometries += Geometry.dense([3, 2049], axis: 0).variants
    geometries += Geometry.dense([2049, 3], fortran: true, axis: 1).variants
    // Lanes with an outer batch dimension, and lanes that are not contiguous.
    geometries += Geometry.dense([2, 5, 2050], axis: 1).variants
    geometries += Geometry.dense([4, 10], axis: 0).scaled(input: [2, 2]).variants
    geometries += Geometry.dense([4, 10], axis: 0).scaled(output: [3, 3]).variants
    geometries += Geometry.dense([4, 10], axis: 0).flipped([1]).variants
    check(geometryCases, geometries, seed: 10000)
  }

  func testLineLongerThanABlock() {
    // blockSize = 2048 * 64 = 131072 elements.
    let length = 3 * 131_072 + 5
    let cases = allCases.filter { ["Float sum [vector]", "Int32 sum", "Half sum"].contains($0.name) }
    XCTAssertEqual(cases.count, 3)
    check(cases, [Geometry.line(length)], seed: 11000)
    let floatSum = allCases.filter { $0.name == "Float sum" }
    check(floatSum, [Geometry.line(length).with(reverse: true, inclusive: false)], seed: 11100)
    // Chained over two lines of more than a block each.
    check(floatSum, [Geometry.dense([2, 131_072 + 5], fortran: true, axis: nil).with(reverse: true, inclusive: true)],
          seed: 11200)
  }
}
