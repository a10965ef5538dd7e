// The 16-bit storage conversions, checked against Swift's own Float16
// (binary16) and against a bfloat16 rounding written on Double, plus scans
// that depend on the float32 accumulator.

import Foundation
import XCTest
@testable import SwiftScan

final class HalfPrecisionTests: XCTestCase {
  /// Reports at most a few mismatches of a long check as one failure each.
  struct Mismatches {
    var count = 0
    var examples: [String] = []
    mutating func add(_ example: @autoclosure () -> String) {
      count += 1
      if examples.count < 8 { examples.append(example()) }
    }
    func report(_ what: String, file: StaticString = #filePath, line: UInt = #line) {
      if count > 0 { XCTFail("\(what): \(count) mismatches, e.g. \(examples.joined(separator: "; "))", file: file, line: line) }
    }
  }

  static func hex<T: BinaryInteger>(_ value: T) -> String { "0x" + String(value, radix: 16) }

  func isHalfNaN(_ bits: UInt16) -> Bool { bits & 0x7c00 == 0x7c00 && bits & 0x03ff != 0 }

  func testHalfWideningMatchesFloat16OnAllPatterns() {
    var mismatches = Mismatches()
    for bits in UInt16.min...UInt16.max {
      let got = Half(bits: bits).widened
      let expected = Float(Float16(bitPattern: bits))
      if expected.isNaN {
        if !got.isNaN { mismatches.add("\(Self.hex(bits)) -> \(got), expected NaN") }
      } else if got.bitPattern != expected.bitPattern {
        mismatches.add("\(Self.hex(bits)) -> \(got) (\(Self.hex(got.bitPattern))), expected \(expected)")
      }
    }
    mismatches.report("Half.widened")
  }

  func checkHalfNarrowing(_ value: Float, _ mismatches: inout Mismatches) {
    let got = Half(narrowing: value).bits
    let expected = Float16(value).bitPattern
    if value.isNaN {
      if !isHalfNaN(got) { mismatches.add("\(Self.hex(value.bitPattern)) (NaN) -> \(Self.hex(got)), expected a NaN") }
    } else if got != expected {
      mismatches.add("\(value) (\(Self.hex(value.bitPattern))) -> \(Self.hex(got)), expected \(Self.hex(expected))")
    }
  }

  func testHalfNarrowingOfHalfValuesAndHalfwayCases() {
    var mismatches = Mismatches()
    // Every half value round-trips; every midpoint between neighbours (exact
    // in Float) rounds to the even one, and one float ulp either side of it
    // rounds to the nearer one. 0x7bff -> 0x7c00 covers 65504 / 65520 / inf.
    for bits in UInt16(0)...UInt16(0x7c00) {
      for sign: UInt16 in [0, 0x8000] {
        let value = Float(Float16(bitPattern: bits | sign))
        checkHalfNarrowing(value, &mismatches)
        if bits < 0x7c00 {
          let next = bits == 0x7bff ? Float(65536) : Float(Float16(bitPattern: bits + 1))
          let midpoint = (abs(value) + next) / 2 * (sign == 0 ? 1 : -1)
          checkHalfNarrowing(midpoint, &mismatches)
          checkHalfNarrowing(midpoint.nextUp, &mismatches)
          checkHalfNarrowing(midpoint.nextDown, &mismatches)
        }
      }
    }
    for value: Float in [65504, 65519, 65519.996, 65520, 65520.004, 65535, 65536, 1e10, .greatestFiniteMagnitude,
                         .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                         0x1p-24, 0x1p-25, 0x1.000002p-25, 0x1p-14, 0x1.ffcp-15, .nan, -.nan, .signalingNaN] {
      checkHalfNarrowing(value, &mismatches)
    }
    mismatches.report("Half(narrowing:) on half values and midpoints")
  }

  func testHalfNarrowingOfRandomFloats() {
    var mismatches = Mismatches()
    var rng = SplitMix64(seed: 16)
    for _ in 0..<200_000 {
      // Any bit pattern: huge, tiny, NaN, infinities, subnormal floats.
      checkHalfNarrowing(Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng)), &mismatches)
    }
    for _ in 0..<100_000 {
      // Half's subnormal range and just above it.
      let value = Float.random(in: 0..<0x1p-13, using: &rng)
      checkHalfNarrowing(Bool.random(using: &rng) ? value : -value, &mismatches)
    }
    for _ in 0..<100_000 {
      // Around the largest half value and the overflow threshold.
      let value = Float.random(in: 65000..<66000, using: &rng)
      checkHalfNarrowing(Bool.random(using: &rng) ? value : -value, &mismatches)
    }
    for _ in 0..<100_000 {
      // Exponents in half's normal range, with random low bits near the rounding point.
      let exponent = UInt32.random(in: 103...142, using: &rng)
      let kept = UInt32.random(in: 0..<(1 << 10), using: &rng) << 13
      let dropped: UInt32 = [0x0000, 0x0fff, 0x1000, 0x1001, 0x1fff].randomElement(using: &rng)!
      let sign: UInt32 = Bool.random(using: &rng) ? 0x8000_0000 : 0
      checkHalfNarrowing(Float(bitPattern: sign | exponent << 23 | kept | dropped), &mismatches)
    }
    mismatches.report("Half(narrowing:) on random floats")
  }

  /// bfloat16's value by its definition, on Double.
  func bfloat16Value(_ bits: UInt16) -> Double {
    let sign: Double = bits & 0x8000 != 0 ? -1 : 1
    let exponent = Int(bits >> 7 & 0xff), fraction = Double(bits & 0x7f)
    if exponent == 0xff { return fraction == 0 ? sign * .infinity : .nan }
    if exponent == 0 { return sign * fraction / 128 * 0x1p-126 }
    return sign * (1 + fraction / 128) * Foundation.pow(2, Double(exponent - 127))
  }

  func testBFloat16WideningOnAllPatterns() {
    var mismatches = Mismatches()
    for bits in UInt16.min...UInt16.max {
      let got = Double(BFloat16(bits: bits).widened)
      let expected = bfloat16Value(bits)
      if expected.isNaN ? !got.isNaN : got.bitPattern != expected.bitPattern {
        mismatches.add("\(Self.hex(bits)) -> \(got), expected \(expected)")
      }
    }
    mismatches.report("BFloat16.widened")
  }

  func checkBFloat16Narrowing(_ value: Float, _ mismatches: inout Mismatches) {
    let got = BFloat16(narrowing: value).bits
    if value.isNaN {
      if !(got & 0x7f80 == 0x7f80 && got & 0x7f != 0) {
        mismatches.add("\(Self.hex(value.bitPattern)) (NaN) -> \(Self.hex(got)), expected a NaN")
      }
      return
    }
    let expected = bfloat16Nearest(Double(value))
    if got != expected {
      mismatches.add("\(value) (\(Self.hex(value.bitPattern))) -> \(Self.hex(got)), expected \(Self.hex(expected))")
    }
  }

  func testBFloat16NarrowingRoundsToNearestEven() {
    var mismatches = Mismatches()
    var rng = SplitMix64(seed: 10)
    for _ in 0..<200_000 {
      checkBFloat16Narrowing(Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng)), &mismatches)
    }
    for _ in 0..<50_000 {
      // Exact ties (lower half 0x8000) and one float ulp either side, subnormals included.
      let upper = UInt32.random(in: 0...0xffff, using: &rng)
      for lower: UInt32 in [0x7fff, 0x8000, 0x8001, 0x0000, 0xffff] {
        checkBFloat16Narrowing(Float(bitPattern: upper << 16 | lower), &mismatches)
      }
    }
    for value: Float in [.greatestFiniteMagnitude, -.greatestFiniteMagnitude, Float(bitPattern: 0x7f7f_8000),
                         Float(bitPattern: 0x7f7f_7fff), .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude,
                         .leastNormalMagnitude, .nan, .signalingNaN, Float(bitPattern: 0x7f80_0001),
                         Float(bitPattern: 0xff80_0001), 1, 1.00390625, 1.01171875] {
      checkBFloat16Narrowing(value, &mismatches)
    }
    mismatches.report("BFloat16(narrowing:)")
  }

  func testHalfSumsAccumulateInFloat() {
    // cumsum of 5000 float16 ones is 1, 2, ..., 5000 rounded once each
    // (a float16 accumulator would stop at 2048).
    let ones = [Half](repeating: Half(bits: Float16(1).bitPattern), count: 5000)
    for (name, run) in bothRunners(Half.self, SumOp<Float>.self) {
      let out = scan1D(ones, run: run)
      let wrong = out.indices.filter { out[$0].bits != Float16(Float($0 + 1)).bitPattern }
      XCTAssertTrue(wrong.isEmpty, "\(name): outputs \(wrong.prefix(5)) wrong, e.g. \(wrong.first.map { out[$0].text } ?? "")")
      XCTAssertEqual(out.last?.bits, Float16(5000).bitPattern, name)
    }
    let bfOnes = [BFloat16](repeating: BFloat16(bits: 0x3f80), count: 3000)
    for (name, run) in bothRunners(BFloat16.self, SumOp<Float>.self) {
      let out = scan1D(bfOnes, run: run)
      let wrong = out.indices.filter { out[$0].bits != bfloat16Nearest(Double($0 + 1)) }
      XCTAssertTrue(wrong.isEmpty, "bfloat16 \(name): outputs \(wrong.prefix(5)) wrong")
    }
  }
}
