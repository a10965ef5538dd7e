import XCTest
@testable import SwiftScan

/// Scans whose input is their output (the bridge converts byte-swapped,
/// misaligned or cast inputs into the result, then scans it in place).
final class InPlaceTests: XCTestCase {
  /// Exclusive and inclusive, forward and reverse, over a 2-D array along each
  /// axis and flattened, in place, against the same scan out of place.
  func testInPlaceMatchesOutOfPlace() {
    let rows = 3, columns = 2051
    var random = SystemRandomNumberGenerator()
    let values = (0..<(rows * columns)).map { _ in Float.random(in: -1...1, using: &random) }
    let dims = [
      Dimension(count: rows, inputStride: columns * 4, outputStride: columns * 4),
      Dimension(count: columns, inputStride: 4, outputStride: 4),
    ]
    for axis in [nil, 0, 1] as [Int?] {
      for reverse in [false, true] {
        for inclusive in [false, true] {
          var expected = [Float](repeating: .nan, count: values.count)
          var inPlace = values
          values.withUnsafeBytes { input in
            expected.withUnsafeMutableBytes { output in
              let geometry = ScanGeometry(
                input: input.baseAddress!, output: output.baseAddress!, dimensions: dims,
                axis: axis, reverse: reverse, inclusive: inclusive, elementSize: 4)
              XCTAssertEqual(TiledScanEngine<VectorTiles<Float, SumOp<Double>>>.run(geometry), .done)
            }
          }
          inPlace.withUnsafeMutableBytes { buffer in
            let geometry = ScanGeometry(
              input: UnsafeRawPointer(buffer.baseAddress!), output: buffer.baseAddress!, dimensions: dims,
              axis: axis, reverse: reverse, inclusive: inclusive, elementSize: 4)
            XCTAssertTrue(geometry.isInPlace)
            XCTAssertEqual(TiledScanEngine<VectorTiles<Float, SumOp<Double>>>.run(geometry), .done)
          }
          XCTAssertEqual(
            inPlace.map(\.bitPattern), expected.map(\.bitPattern),
            "axis \(String(describing: axis)) reverse \(reverse) inclusive \(inclusive)")
        }
      }
    }
  }

  /// The exclusive shift in place starts from +0 as the out-of-place scan does.
  func testExclusiveSumInPlaceOfNegativeZerosStartsFromPositiveZero() {
    var values: [Double] = [-0.0, -0.0, -0.0]
    values.withUnsafeMutableBytes { buffer in
      let geometry = ScanGeometry(
        input: UnsafeRawPointer(buffer.baseAddress!), output: buffer.baseAddress!,
        dimensions: [Dimension(count: 3, inputStride: 8, outputStride: 8)],
        axis: 0, reverse: false, inclusive: false, elementSize: 8)
      XCTAssertEqual(ScanEngine<Double, SumOp<Double>>.run(geometry), .done)
    }
    XCTAssertEqual(values.map { $0.sign }, [.plus, .plus, .plus])
  }
}
