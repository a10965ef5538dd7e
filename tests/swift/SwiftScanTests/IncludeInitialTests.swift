import ScanABI
import XCTest

@testable import SwiftScan

/// `include_initial` (n + 1 outputs along the axis: the exclusive start, then
/// the inclusive scan; reversed, the start last) and a strided 1-D output for
/// axis -1, through the C entry point, against a plain reference.
final class IncludeInitialTests: XCTestCase {
  /// Runs an int64 sum over `shape` (C order, dense input) with the output laid out by `outputStrides` (elements).
  func run(
    _ values: [Int64], shape: [Int], axis: Int32, reverse: Bool, includeInitial: Bool,
    outputShape: [Int], outputStrides: [Int], outputCount: Int, op: mlxl_op = MLXL_OP_SUM
  ) -> (Int32, [Int64]) {
    var output = [Int64](repeating: 0x5A5A, count: outputCount)
    var inputStrides = [Int](repeating: 8, count: shape.count)
    for index in stride(from: shape.count - 2, through: 0, by: -1) { inputStrides[index] = inputStrides[index + 1] * shape[index + 1] }
    let status: Int32 = values.withUnsafeBytes { input in
      output.withUnsafeMutableBytes { out in
        var c = mlxl_scan_problem()
        c.op = Int32(op.rawValue)
        c.dtype = Int32(MLXL_INT64.rawValue)
        c.ndim = Int32(shape.count)
        c.axis = axis
        c.reverse = reverse ? 1 : 0
        c.inclusive = 1
        c.include_initial = includeInitial ? 1 : 0
        c.input = input.baseAddress
        // A negative stride walks down from the end of the buffer.
        let startElement = outputStrides.first.map { $0 < 0 ? outputCount - 1 : 0 } ?? 0
        c.output = out.baseAddress! + startElement * 8
        setDimensions(&c, shape.indices.map {
          Dimension(count: shape[$0], inputStride: inputStrides[$0], outputStride: $0 < outputStrides.count ? outputStrides[$0] * 8 : 0)
        })
        return scan(&c)
      }
    }
    return (status, output)
  }

  func testAlongAnAxisTheStartComesFirstOrLast() {
    let values: [Int64] = [1, 2, 3, 4, 5, 6]  // shape (2, 3)
    // axis 1, forward: rows of 4 outputs.
    var (status, out) = run(values, shape: [2, 3], axis: 1, reverse: false, includeInitial: true,
                            outputShape: [2, 4], outputStrides: [4, 1], outputCount: 8)
    XCTAssertEqual(status, 0)
    XCTAssertEqual(out, [0, 1, 3, 6, 0, 4, 9, 15])
    (status, out) = run(values, shape: [2, 3], axis: 1, reverse: true, includeInitial: true,
                        outputShape: [2, 4], outputStrides: [4, 1], outputCount: 8)
    XCTAssertEqual(out, [6, 5, 3, 0, 15, 11, 6, 0])
    // axis 0: three lanes, three rows of output.
    (status, out) = run(values, shape: [2, 3], axis: 0, reverse: false, includeInitial: true,
                        outputShape: [3, 3], outputStrides: [3, 1], outputCount: 9)
    XCTAssertEqual(out, [0, 0, 0, 1, 2, 3, 5, 7, 9])
    (status, out) = run(values, shape: [2, 3], axis: 0, reverse: true, includeInitial: true,
                        outputShape: [3, 3], outputStrides: [3, 1], outputCount: 9)
    XCTAssertEqual(out, [5, 7, 9, 4, 5, 6, 0, 0, 0])
  }

  func testAnEmptyAxisGivesTheStartAlone() {
    let (status, out) = run([], shape: [3, 0], axis: 1, reverse: false, includeInitial: true,
                            outputShape: [3, 1], outputStrides: [1, 1], outputCount: 3, op: MLXL_OP_PROD)
    XCTAssertEqual(status, 0)
    XCTAssertEqual(out, [1, 1, 1])
    let (_, flat) = run([], shape: [0], axis: -1, reverse: true, includeInitial: true,
                        outputShape: [1], outputStrides: [1], outputCount: 1, op: MLXL_OP_MAX)
    XCTAssertEqual(flat, [Int64.min])
  }

  func testFlattenedIntoAStridedOutput() {
    let values = (1...6).map(Int64.init)  // shape (2, 3), flattened
    // Every other element of a buffer of 13, forward with the start.
    var (status, out) = run(values, shape: [2, 3], axis: -1, reverse: false, includeInitial: true,
                            outputShape: [7], outputStrides: [2], outputCount: 13)
    XCTAssertEqual(status, 0)
    XCTAssertEqual(stride(from: 0, to: 13, by: 2).map { out[$0] }, [0, 1, 3, 6, 10, 15, 21])
    XCTAssertEqual(stride(from: 1, to: 13, by: 2).map { out[$0] }, [Int64](repeating: 0x5A5A, count: 6))
    // Reversed, into a backward output (stride -1 from the last element): the start is written last in memory order's reverse.
    (status, out) = run(values, shape: [2, 3], axis: -1, reverse: true, includeInitial: true,
                        outputShape: [7], outputStrides: [-1], outputCount: 7)
    // Output element i (at buffer index 6 - i) is the reverse scan's i-th value; the start is element 6.
    XCTAssertEqual(Array(out.reversed()), [21, 20, 18, 15, 11, 6, 0])
    // Without include_initial, a strided flat output of an exclusive scan.
    (status, out) = run(values, shape: [2, 3], axis: -1, reverse: false, includeInitial: false,
                        outputShape: [6], outputStrides: [2], outputCount: 11)
    XCTAssertEqual(stride(from: 0, to: 11, by: 2).map { out[$0] }, [1, 3, 6, 10, 15, 21])
  }
}
