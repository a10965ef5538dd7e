// Threads: the same bits whatever the thread count, accuracy of long float32
// sums, every multi-threaded path (many lines split across threads, lane
// tiles split across threads, one line shared by all threads) against the
// reference, and interruption.

import Foundation
import XCTest
@testable import SwiftScan

final class ParallelTests: XCTestCase {
  func testLongFloatSumIsBitwiseIdenticalForAnyThreadCount() {
    // 2_000_003 elements: 16 blocks of 131072, shared by 1 to 4 threads.
    var rng = SplitMix64(seed: 2024)
    let xs = (0..<2_000_003).map { _ in Float.random(in: -1..<1, using: &rng) }
    var exact = [Double]()
    exact.reserveCapacity(xs.count)
    var running = 0.0
    for x in xs {
      running += Double(x)
      exact.append(running)
    }
    withThreadLimit(8) {
      for (name, run) in bothRunners(Float.self, SumOp<Double>.self) {
        for (reverse, inclusive) in [(false, true), (true, false)] {
          let single = scan1D(xs, reverse: reverse, inclusive: inclusive, threads: 1, run: run).map(\.bitPattern)
          for threads in 2...4 {
            let out = scan1D(xs, reverse: reverse, inclusive: inclusive, threads: threads, run: run).map(\.bitPattern)
            let first = out.indices.first { out[$0] != single[$0] }
            XCTAssertNil(first, "\(name) reverse \(reverse) inclusive \(inclusive): \(threads) threads differ from 1 at \(first ?? -1)")
          }
          if reverse { continue }
          // And the values are the prefix sums.
          let worst = xs.indices.lazy.map {
            abs(Double(Float(bitPattern: single[$0])) - exact[$0]) / max(abs(exact[$0]), 1e-3)
          }.max()!
          XCTAssertLessThan(worst, 1e-6, name)
        }
      }
    }
  }

  func testFloatSumAccuracy() {
    // Each output within 1.2e-7 (about 2 float32 half-ulps) of the exact prefix sum.
    var rng = SplitMix64(seed: 99)
    let xs = (0..<1_000_000).map { _ in Float.random(in: 0..<1, using: &rng) }
    for (name, run) in bothRunners(Float.self, SumOp<Double>.self) {
      let out = scan1D(xs, threads: 2, run: run)
      var exact = 0.0
      var worst = (error: 0.0, index: -1)
      for index in xs.indices {
        exact += Double(xs[index])
        let error = abs(Double(out[index]) - exact) / exact
        if error > worst.error { worst = (error, index) }
      }
      XCTAssertLessThanOrEqual(worst.error, 1.2e-7, "\(name): worst relative error at \(worst.index)")
    }
  }

  func testManyLinesSplitAcrossThreads() {
    // 64 lines of 4100: the lines are shared out between two threads.
    let cases = allCases.filter { ["Float sum [vector]", "Int16 sum", "Complex64Element sum"].contains($0.name) }
    XCTAssertEqual(cases.count, 3)
    var geometry = Geometry.dense([64, 4100], axis: 1)
    geometry.threads = 2
    check(cases, [geometry, geometry.with(reverse: true, inclusive: false)], seed: 300)
  }

  func testLaneTilesSplitAcrossThreads() {
    // Scanning the middle axis: 2 outer rows x 2 lane tiles, on two threads.
    let cases = allCases.filter { ["Double min", "UInt8 max [vector]"].contains($0.name) }
    XCTAssertEqual(cases.count, 2)
    var geometry = Geometry.dense([2, 64, 2100], axis: 1)
    geometry.threads = 2
    check(cases, [geometry.with(reverse: true, inclusive: false)], seed: 400)
    check(Array(cases.prefix(1)), [geometry], seed: 401)
  }

  func testOneLineSharedByAllThreads() {
    withThreadLimit(8) {
      // Two lines of two blocks each (fewer lines than twice the threads):
      // each line is reduced, then scanned, by two threads.
      var two = Geometry.dense([2, 140_000], axis: 1)
      two.threads = 3
      check(allCases.filter { $0.name == "Int64 sum [vector]" }, [two], seed: 500)
      // One line of four blocks on three threads.
      var one = Geometry.line(3 * 131_072 + 5)
      one.threads = 3
      check(allCases.filter { $0.name == "Double sum" }, [one.with(reverse: true, inclusive: false)], seed: 501)
      check(allCases.filter { $0.name == "Half max [vector]" }, [one], seed: 502)
    }
  }

  func testRaisedInterruptStopsTheScan() {
    var flag: Int32 = 1
    let xs = [Float](repeating: 1, count: 1000)
    var out = [Float](repeating: 0, count: 1000)
    for (axis, shape): (Int?, [Int]) in [(0, [1000]), (0, [10, 100]), (nil, [100, 10])] {
      let outcome: ScanEngine<Float, SumOp<Double>>.Outcome = xs.withUnsafeBytes { input in
        out.withUnsafeMutableBytes { output in
          let strides = axis == nil ? Geometry.fStrides(shape) : Geometry.cStrides(shape)
          let geometry = ScanGeometry(
            input: input.baseAddress!, output: output.baseAddress!,
            dimensions: zip(shape, strides).map { Dimension(count: $0, inputStride: $1 * 4, outputStride: $1 * 4) },
            axis: axis, reverse: false, inclusive: true, elementSize: 4)
          return withUnsafePointer(to: &flag) { ScanEngine<Float, SumOp<Double>>.run(geometry, threads: 1, interrupt: $0) }
        }
      }
      XCTAssertEqual(outcome, .interrupted, "shape \(shape) axis \(String(describing: axis))")
    }
    flag = 0
    let outcome: ScanEngine<Float, SumOp<Double>>.Outcome = xs.withUnsafeBytes { input in
      out.withUnsafeMutableBytes { output in
        let geometry = ScanGeometry(
          input: input.baseAddress!, output: output.baseAddress!,
          dimensions: [Dimension(count: 1000, inputStride: 4, outputStride: 4)],
          axis: 0, reverse: false, inclusive: true, elementSize: 4)
        return withUnsafePointer(to: &flag) { ScanEngine<Float, SumOp<Double>>.run(geometry, threads: 1, interrupt: $0) }
      }
    }
    XCTAssertEqual(outcome, .done)
    XCTAssertEqual(out.last, 1000)
  }
}
