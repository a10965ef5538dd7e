import Glibc
import ScanABI
import XCTest

@testable import SwiftScan

/// Linear recurrences through the C entry point, exactly: steps `a` of -1, 0
/// and 1 and integer inputs keep every value an integer, so every grouping of
/// the steps (chunks, blocks, lanes, threads) must give a sequential loop's
/// bits. Shapes sit at and around every edge where the engine changes path:
/// chunks of 256 rows, blocks of 2048 elements, lines shorter than 64 (lanes),
/// eight lanes, tiles of 256 lanes, whole blocks of one or two dense lanes
/// (`WideLine`).
final class RecurrenceTests: XCTestCase {
  struct Case {
    var shape: [Int]
    var axis: Int
  }

  /// C-order byte strides of `shape` for elements of `size` bytes.
  func strides(_ shape: [Int], _ size: Int) -> [Int] {
    var result = [Int](repeating: size, count: shape.count)
    for index in stride(from: shape.count - 2, through: 0, by: -1) { result[index] = result[index + 1] * shape[index + 1] }
    return result
  }

  /// `values` into a C array of `int64_t` (a tuple in Swift).
  func store<Tuple>(_ values: [Int], into tuple: inout Tuple) {
    withUnsafeMutableBytes(of: &tuple) { bytes in
      for (index, value) in values.enumerated() { bytes.storeBytes(of: Int64(value), toByteOffset: index * 8, as: Int64.self) }
    }
  }

  /// The engine's float64 recurrence (`a` nil: the constant), dense C-order arrays;
  /// `initial` has the shape without the axis.
  func engine(
    a: [Double]?, constant: Double, b: [Double], initial: [Double]?, _ c: Case, reverse: Bool, threads: Int
  ) -> (Int32, [Double]) {
    setenv("MLX_LITE_NUM_THREADS", String(threads), 1)
    defer { unsetenv("MLX_LITE_NUM_THREADS") }
    var output = [Double](repeating: .nan, count: b.count)
    var rest = c.shape
    rest.remove(at: c.axis)
    var initialStrides = strides(rest, 8)
    initialStrides.insert(0, at: c.axis)
    var problem = mlxl_recurrence_problem()
    problem.dtype = Int32(MLXL_FLOAT64.rawValue)
    problem.ndim = Int32(c.shape.count)
    problem.axis = Int32(c.axis)
    problem.reverse = reverse ? 1 : 0
    problem.a_constant = (constant, 0)
    problem.scale = 1
    store(c.shape, into: &problem.shape)
    store(strides(c.shape, 8), into: &problem.a_strides)
    store(strides(c.shape, 8), into: &problem.b_strides)
    store(initialStrides, into: &problem.initial_strides)
    store(strides(c.shape, 8), into: &problem.output_strides)
    let steps = a ?? []
    let start = initial ?? []
    let status = steps.withUnsafeBytes { aBytes in
      b.withUnsafeBytes { bBytes in
        start.withUnsafeBytes { initialBytes in
          output.withUnsafeMutableBytes { out in
            problem.a = a == nil ? nil : aBytes.baseAddress
            problem.b = bBytes.baseAddress
            problem.initial = initial == nil ? nil : initialBytes.baseAddress
            problem.output = out.baseAddress
            return linearRecurrence(&problem)
          }
        }
      }
    }
    return (status, output)
  }

  /// One step at a time along each line.
  func loop(a: [Double]?, constant: Double, b: [Double], initial: [Double]?, _ c: Case, reverse: Bool) -> [Double] {
    let elementStrides = strides(c.shape, 1)
    let step = elementStrides[c.axis], n = c.shape[c.axis]
    var output = [Double](repeating: 0, count: b.count)
    var line = 0
    for start in 0..<b.count where (start / step) % n == 0 {
      var h = initial?[line] ?? 0
      for t in 0..<n {
        let index = start + (reverse ? n - 1 - t : t) * step
        h = (a?[index] ?? constant) * h + b[index]
        output[index] = h
      }
      line += 1
    }
    return output
  }

  func testExactlyASequentialLoopOnEveryPath() {
    var generator = SystemRandomNumberGenerator()
    let cases = [
      Case(shape: [1], axis: 0), Case(shape: [255], axis: 0), Case(shape: [256], axis: 0), Case(shape: [2049], axis: 0),
      Case(shape: [270_001], axis: 0), Case(shape: [3000, 2], axis: 0), Case(shape: [1500, 7], axis: 0),
      Case(shape: [900, 8], axis: 0), Case(shape: [40, 257], axis: 0), Case(shape: [5, 4100], axis: 1),
      Case(shape: [1000, 63], axis: 1), Case(shape: [700, 64], axis: 1), Case(shape: [4, 90, 3], axis: 1),
      Case(shape: [200_000, 2], axis: 0), Case(shape: [2, 200_000], axis: 1),
      // Wide lines (one lane, or two side by side): no whole block, exactly one, one and a bit.
      Case(shape: [2047], axis: 0), Case(shape: [2048], axis: 0), Case(shape: [1023, 2], axis: 0),
      Case(shape: [1024, 2], axis: 0), Case(shape: [1025, 2], axis: 0), Case(shape: [3, 2048], axis: 1),
    ]
    for c in cases {
      let count = c.shape.reduce(1, *)
      let a = (0..<count).map { _ in Double(Int.random(in: -1...1, using: &generator)) }
      // Mostly ±1, so values travel far along the line before a zero resets them.
      let mostlyOne = (0..<count).map { _ in Int.random(in: 0..<50, using: &generator) == 0 ? 0.0 : 1.0 }
      let b = (0..<count).map { _ in Double(Int.random(in: -8...8, using: &generator)) }
      let initial = (0..<(count / c.shape[c.axis])).map { _ in Double(Int.random(in: -5...5, using: &generator)) }
      for (steps, constant) in [(a, 0.0), (mostlyOne, 0.0), (nil, 1.0), (nil, -1.0)] as [([Double]?, Double)] {
        for reverse in [false, true] {
          for start in [nil, initial] {
            let want = loop(a: steps, constant: constant, b: b, initial: start, c, reverse: reverse)
            for threads in [1, 2, 3] {
              let (status, got) = engine(
                a: steps, constant: constant, b: b, initial: start, c, reverse: reverse, threads: threads)
              XCTAssertEqual(status, 0)
              let first = got.indices.first { got[$0] != want[$0] }
              XCTAssertNil(first, "\(c.shape) axis \(c.axis) constant \(constant) reverse \(reverse) threads \(threads)")
            }
          }
        }
      }
    }
  }

  func testTheAlgebra() {
    // (a1, b1) then (a2, b2) is (a1·a2, a2·b1 + b2); (1, 0) is the identity; applying is a·h + b.
    let first = AffineStep<Double>(a: 2, b: 3), second = AffineStep<Double>(a: 5, b: 7)
    let both = first.then(second)
    XCTAssertEqual(both.a, 10)
    XCTAssertEqual(both.b, 22)
    XCTAssertEqual(both.applied(to: 1), second.applied(to: first.applied(to: 1)))
    XCTAssertEqual(AffineStep<Double>.identity.then(first).b, first.b)
    XCTAssertEqual(first.then(.identity).a, first.a)
  }

  func testBadProblemsAreRefused() {
    var problem = mlxl_recurrence_problem()
    problem.dtype = Int32(MLXL_INT32.rawValue)
    problem.ndim = 1
    problem.axis = 0
    XCTAssertEqual(linearRecurrence(&problem), Int32(MLXL_STATUS_UNSUPPORTED.rawValue))
    problem.dtype = Int32(MLXL_FLOAT64.rawValue)
    problem.axis = 1
    XCTAssertEqual(linearRecurrence(&problem), Int32(MLXL_STATUS_BAD_PROBLEM.rawValue))
  }
}
