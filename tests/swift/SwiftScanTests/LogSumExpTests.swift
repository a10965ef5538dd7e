// The log-sum-exp tiles (LogSumExpTiles.swift) on their own: every tile's
// `scanTile` total equals `tileTotal` bit for bit, in both directions and at
// every length up to a tile, including the tiles that fall back to the scalar
// path (whose outputs must then be the scalar path's, bit for bit); outputs
// within an ulp of a sequential double reference; and the vector exp and log
// (vector_math.h) against Foundation's.

import Foundation
import XCTest
@testable import SwiftScan
import VectorShims

final class LogSumExpTests: XCTestCase {
  typealias Tiles = LogSumExpTiles<Float>

  /// The sequential scan in double, from `carry`.
  func reference(_ x: [Float], carry: Double) -> [Double] {
    var running = carry
    return x.map { value in
      running = Double.logAddExp(running, Double(value))
      return running
    }
  }

  /// Runs both tile functions on `x` laid out forward or backward; returns the outputs (in scan order) and the total.
  func scan(_ x: [Float], carry: Double, step: Int) -> (outputs: [Float], total: Double, tileTotal: Double) {
    let count = x.count
    let stride = step * MemoryLayout<Float>.stride
    var input = [Float](repeating: 0, count: count + 2)
    var output = [Float](repeating: .nan, count: count + 2)
    for (index, value) in x.enumerated() { input[step > 0 ? 1 + index : count - index] = value }
    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: tileElements)
    defer { scratch.deallocate() }
    return input.withUnsafeBytes { input in
      output.withUnsafeMutableBytes { output in
        let start = step > 0 ? 4 : 4 * count
        let total = Tiles.scanTile(
          input.baseAddress! + start, stride, output.baseAddress! + start, stride, count: count, carry: carry,
          scratch: scratch)
        let other = Tiles.tileTotal(input.baseAddress! + start, stride, outputStride: stride, count: count)
        let written = (0..<count).map { output.load(fromByteOffset: start + $0 * stride, as: Float.self) }
        return (written, total, other)
      }
    }
  }

  func ulps(_ got: Float, _ exact: Double) -> Double {
    if exact.isNaN { return got.isNaN ? 0 : .infinity }
    if !exact.isFinite { return Double(got) == exact ? 0 : .infinity }
    let rounded = Float(exact)
    return abs(Double(got) - exact) / Double(max(rounded.magnitude.ulp, Float.leastNormalMagnitude.ulp))
  }

  func randomTile(_ count: Int, _ rng: inout SplitMix64, spread: Float = 30) -> [Float] {
    (0..<count).map { _ in Float.random(in: -spread...spread, using: &rng) }
  }

  func testTotalsMatchAndOutputsWithinAnUlp() {
    var rng = SplitMix64(seed: 11)
    let lengths = [1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 1000, tileElements - 1, tileElements]
    for count in lengths {
      for carry in [-Double.infinity, -100, 0, 3.25, 40, 1e3] {
        for step in [1, -1] {
          let x = randomTile(count, &rng)
          let (outputs, total, other) = scan(x, carry: carry, step: step)
          XCTAssertEqual(total.bitPattern, other.bitPattern, "count \(count) carry \(carry) step \(step)")
          let exact = reference(x, carry: carry)
          let worst = zip(outputs, exact).map { ulps($0, $1) }.max() ?? 0
          XCTAssertLessThanOrEqual(worst, 1.0, "count \(count) carry \(carry) step \(step)")
          let exactTotal = reference(x, carry: -.infinity).last!
          XCTAssertLessThanOrEqual(abs(total - exactTotal), 1e-12 * max(1, abs(exactTotal)))
        }
      }
    }
  }

  /// Tiles the rescaling cannot take: their outputs and totals are the scalar path's.
  func testFallbackTilesAreTheScalarPath() {
    var rng = SplitMix64(seed: 12)
    var cases: [[Float]] = []
    for special: Float in [-.infinity, -700, -1000, .nan, .infinity] {
      var x = randomTile(300, &rng)
      x[0] = special
      cases.append(x)
    }
    var allLow = [Float](repeating: -.infinity, count: 100)
    cases.append(allLow)
    allLow[50] = .nan
    cases.append(allLow)
    for x in cases {
      for carry in [-Double.infinity, 0, 50] {
        let (outputs, total, other) = scan(x, carry: carry, step: 1)
        XCTAssertEqual(total.bitPattern, other.bitPattern)
        var expected = [Float](repeating: 0, count: x.count)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: tileElements)
        defer { scratch.deallocate() }
        let scalarTotal = x.withUnsafeBytes { input in
          expected.withUnsafeMutableBytes { output in
            ChunkedTiles<Float, LogAddExpOp<Double>>.scanTile(
              input.baseAddress!, 4, output.baseAddress!, 4, count: x.count, carry: carry, scratch: scratch)
          }
        }
        XCTAssertEqual(outputs.map(\.bitPattern), expected.map(\.bitPattern), "first \(x[0]) carry \(carry)")
        XCTAssertTrue(total.bitPattern == scalarTotal.bitPattern || (total.isNaN && scalarTotal.isNaN))
      }
    }
  }

  /// Deep values inside a tile (not first) stay on the vector path, exactly enough.
  func testLargeSpreadsInsideATile() {
    var rng = SplitMix64(seed: 13)
    var x = randomTile(500, &rng)
    x[1] = -1000
    x[7] = -.infinity
    x[200] = 80
    x[300] = -3e38
    for carry in [-Double.infinity, 90, 1e30, .infinity, .nan] {
      let (outputs, total, other) = scan(x, carry: carry, step: 1)
      XCTAssertEqual(total.bitPattern, other.bitPattern)
      let exact = reference(x, carry: carry)
      let worst = zip(outputs, exact).map { ulps($0, $1) }.max()!
      XCTAssertLessThanOrEqual(worst, 1.0, "carry \(carry)")
    }
  }

  /// Outputs near zero under a far larger tile maximum: the scalar path's, exact to an ulp.
  func testOutputsNearZero() {
    var x = [Float](repeating: -25, count: 300)
    x[150] = 30
    for carry in [0.0, -1e-3] {
      for step in [1, -1] {
        let (outputs, total, other) = scan(x, carry: carry, step: step)
        XCTAssertEqual(total.bitPattern, other.bitPattern)
        let worst = zip(outputs, reference(x, carry: carry)).map { ulps($0, $1) }.max()!
        XCTAssertLessThanOrEqual(worst, 1.0, "carry \(carry) step \(step)")
      }
    }
    let tiny = mlxl_logaddexp_double4(SIMD4(repeating: 0), SIMD4(-25, -30, -40, -700))
    for lane in 0..<4 {
      let exact = Foundation.log1p(Foundation.exp([-25.0, -30, -40, -700][lane]))
      XCTAssertEqual(tiny[lane], exact, accuracy: 4 * exact.ulp)
    }
  }

  func testVectorExpAndLogAgainstFoundation() {
    var rng = SplitMix64(seed: 14)
    func ulpDistance(_ a: Double, _ b: Double) -> Double { a == b ? 0 : abs(a - b) / b.magnitude.ulp }
    // float64's precision: within 1 and 2 ulps; float32's and the 16-bit
    // types': a relative error of the exp below 2^-bits, an absolute error of
    // the log below 2^-bits (plus its rounding), vector_math.h's bounds.
    for bits in [MLXL_BITS_DOUBLE, MLXL_BITS_SINGLE, MLXL_BITS_HALF] {
      var worstExp = 0.0, worstLog = 0.0
      for _ in 0..<100_000 {
        let x = SIMD4<Double>((0..<4).map { _ in -Double.random(in: 0...708, using: &rng) })
        let e = mlxl_exp_nonpositive_double4(x, bits)
        let s = SIMD4<Double>((0..<4).map { _ in exp2(Double.random(in: -960...12, using: &rng)) })
        let l = mlxl_log_double4(s, bits)
        for lane in 0..<4 {
          let exactExp = Foundation.exp(x[lane]), exactLog = Foundation.log(s[lane])
          if bits == MLXL_BITS_DOUBLE {
            worstExp = max(worstExp, ulpDistance(e[lane], exactExp))
            worstLog = max(worstLog, ulpDistance(l[lane], exactLog))
          } else {
            worstExp = max(worstExp, abs(e[lane] - exactExp) / (exactExp * 0x1p-52 + 0x1p-1074))
            worstLog = max(worstLog, abs(l[lane] - exactLog) / (2 * exactLog.magnitude.ulp + 0x1p-52))
          }
        }
      }
      // Off the double precision: in units of 2^-52 (relative, absolute).
      let bound = bits == MLXL_BITS_DOUBLE ? (1.0, 2.0) : (exp2(Double(52 - bits)), exp2(Double(52 - bits)))
      XCTAssertLessThanOrEqual(worstExp, bound.0, "bits \(bits)")
      XCTAssertLessThanOrEqual(worstLog, bound.1, "bits \(bits)")
    }
    let special = mlxl_exp_nonpositive_double4(SIMD4(-.infinity, -709, 0, .nan), MLXL_BITS_HALF)
    XCTAssertEqual(special[0], 0)
    XCTAssertEqual(special[1], 0)
    XCTAssertEqual(special[2], 1)
    XCTAssertTrue(special[3].isNaN)
  }

  func testVectorLogAddExpRules() {
    let a = SIMD4<Double>(1000, -.infinity, .nan, .infinity)
    let b = SIMD4<Double>(1000, -.infinity, 1, 3)
    let r = mlxl_logaddexp_double4(a, b)
    XCTAssertEqual(r[0], 1000 + Foundation.log(2), accuracy: 1e-12)
    XCTAssertEqual(r[1], -.infinity)
    XCTAssertTrue(r[2].isNaN)
    XCTAssertEqual(r[3], .infinity)
    let spread = mlxl_logaddexp_double4(SIMD4(-1000, 0, -.infinity, 5), SIMD4(0, -1000, 2, .infinity))
    XCTAssertEqual(spread, SIMD4(0, 0, 2, .infinity))
  }
}
