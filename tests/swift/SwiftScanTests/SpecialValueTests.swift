// Integer wrap-around, NaN and infinities, signed zeros, MLX's tie rule for
// max/min, and log-add-exp at its extremes: the small examples of the spec
// written out, the rest compared with the sequential reference through both
// tile scanners, short lines and lines long enough for the chunked tiles.

import Foundation
import XCTest
@testable import SwiftScan

/// The runners for an operation with a vector form.
func bothRunners<E: VectorScanElement, Op: VectorScanOperation>(_: E.Type, _: Op.Type) -> [(String, Runner)]
where Op.Value == E.Accumulator {
  [("chunked", chunkedRunner(E.self, Op.self)), ("vector", vectorRunner(E.self, Op.self))]
}

func chunkedOnly<E: ScanElement, Op: ScanOperation>(_: E.Type, _: Op.Type) -> [(String, Runner)]
where Op.Value == E.Accumulator {
  [("chunked", chunkedRunner(E.self, Op.self))]
}

/// `special` with `count - special.count` random values of `kind` around it,
/// the special run starting at `position`.
func embed<E: TestElement>(_ special: [E], at position: Int, count: Int, kind: SampleKind, seed: UInt64) -> [E] {
  var rng = SplitMix64(seed: seed)
  var values = (0..<count).map { _ in E.sample(kind, &rng) }
  values.replaceSubrange(position..<(position + special.count), with: special)
  return values
}

final class SpecialValueTests: XCTestCase {
  // MARK: Integers

  func testIntegerWrapAroundExamples() {
    for (name, run) in bothRunners(Int8.self, SumOp<Int8>.self) {
      XCTAssertEqual(scan1D([Int8(100), 100, 100], run: run), [100, -56, 44], name)
    }
    for (name, run) in bothRunners(UInt8.self, SumOp<UInt8>.self) {
      XCTAssertEqual(scan1D([UInt8(200), 200], run: run), [200, 144], name)
    }
    for (name, run) in bothRunners(Int32.self, ProductOp<Int32>.self) {
      let products = scan1D([Int32](repeating: 1000, count: 5), run: run)
      XCTAssertEqual(products[3], -727_379_968, name)
      var expected: [Int32] = [1000]
      for _ in 1..<5 { expected.append(expected.last! &* 1000) }
      XCTAssertEqual(products, expected, name)
    }
  }

  func testIntegerWrapAroundOnLongLines() {
    // Sums of large values wrap many times; the reference wraps with &+ / &*.
    func values<I: FixedWidthInteger>(_: I.Type, _ count: Int) -> [I] {
      var rng = SplitMix64(seed: 42)
      return (0..<count).map { _ in I.max - I(truncatingIfNeeded: Int.random(in: 0...3, using: &rng)) }
    }
    for count in [3, 100, 2100] {
      checkValues(values(Int8.self, count), .wrappingSum, runners: bothRunners(Int8.self, SumOp<Int8>.self))
      checkValues(values(UInt16.self, count), .wrappingSum, runners: bothRunners(UInt16.self, SumOp<UInt16>.self))
      checkValues(values(Int64.self, count), .wrappingSum, runners: bothRunners(Int64.self, SumOp<Int64>.self))
      checkValues(values(UInt64.self, count), .wrappingProduct,
                  runners: bothRunners(UInt64.self, ProductOp<UInt64>.self))
      checkValues(values(Int32.self, count), .wrappingProduct, runners: bothRunners(Int32.self, ProductOp<Int32>.self))
    }
    // Extremes for max and min.
    let extremes: [Int16] = [0, .min, .max, -1, .max, .min, 1]
    checkValues(extremes, .maximum, runners: bothRunners(Int16.self, MaxOp<Int16>.self))
    checkValues(extremes, .minimum, runners: bothRunners(Int16.self, MinOp<Int16>.self))
  }

  // MARK: NaN and infinities

  /// Special-value inputs for sum, product, max and min, short and embedded in longer lines.
  func checkSpecialReals<E: TestReal & VectorScanElement>(_: E.Type)
  where E.Accumulator: ScanVectorSummable & ScanVectorMultiplicable & ScanVectorOrdered {
    let nan = Double.nan, inf = Double.infinity
    func values(_ xs: [Double]) -> [E] { xs.map { E(rounding: $0) } }
    let sumInputs: [[Double]] = [
      [1, nan, 2, 3], [nan], [inf, -inf], [-inf, inf, 1], [inf, 1, 2], [-inf, -2, -inf], [nan, inf], [inf, nan, -inf],
    ]
    let productInputs: [[Double]] = [
      [2, nan, 3], [0, inf], [inf, 0, 1], [-inf, -2, 0.5], [nan, 0], [-0.0, inf], [300, 300, 0.5],
    ]
    let orderInputs: [[Double]] = [
      [1, nan, 5, inf], [nan, inf], [nan, -inf], [-inf, -inf], [inf, inf], [3, nan, -inf, nan], [0.0, -0.0],
      [-0.0, 0.0], [-0.0, -0.0, 0.0, 0.0, -0.0], [-inf, nan],
    ]
    typealias A = E.Accumulator
    for (index, xs) in sumInputs.enumerated() {
      checkValues(values(xs), .sum, runners: bothRunners(E.self, SumOp<A>.self))
      let long = embed(values(xs), at: 70 + index, count: 2100, kind: .sum, seed: UInt64(index))
      checkValues(long, .sum, runners: bothRunners(E.self, SumOp<A>.self), label: "\(xs) at \(70 + index)")
    }
    for (index, xs) in productInputs.enumerated() {
      checkValues(values(xs), .product, runners: bothRunners(E.self, ProductOp<A>.self))
      let long = embed(values(xs), at: 600 + index, count: 2100, kind: .product, seed: UInt64(index))
      checkValues(long, .product, runners: bothRunners(E.self, ProductOp<A>.self), label: "\(xs) at \(600 + index)")
    }
    for (index, xs) in orderInputs.enumerated() {
      checkValues(values(xs), .maximum, runners: bothRunners(E.self, MaxOp<A>.self))
      checkValues(values(xs), .minimum, runners: bothRunners(E.self, MinOp<A>.self))
      let long = embed(values(xs), at: 1100 + index, count: 2100, kind: .max, seed: UInt64(index))
      checkValues(long, .maximum, runners: bothRunners(E.self, MaxOp<A>.self), label: "\(xs) at \(1100 + index)")
      checkValues(long, .minimum, runners: bothRunners(E.self, MinOp<A>.self), label: "\(xs) at \(1100 + index)")
    }
  }

  /// Special-value inputs for log-add-exp, short and embedded in longer lines.
  func checkSpecialLogAddExp<E: TestReal>(_: E.Type, logTolerance: Double) where E.Accumulator: ScanLogAddExp {
    let nan = Double.nan, inf = Double.infinity
    func values(_ xs: [Double]) -> [E] { xs.map { E(rounding: $0) } }
    let logInputs: [[Double]] = [
      [1, nan, 2], [nan, inf], [inf, nan], [nan, -inf], [-inf, nan, 2], [-inf, -inf], [inf, inf], [inf, -inf],
      [-inf, inf], [1000, 1000], [-inf, 3, -inf], [2, inf, 1, nan],
    ]
    for (index, xs) in logInputs.enumerated() {
      let runners = chunkedOnly(E.self, LogAddExpOp<E.Accumulator>.self)
      checkValues(values(xs), .logAddExp, .numeric(logTolerance), runners: runners)
      let long = embed(values(xs), at: 1500 + index, count: 2100, kind: .logAddExp, seed: UInt64(index))
      checkValues(long, .logAddExp, .numeric(logTolerance), runners: runners, label: "\(xs) at \(1500 + index)")
    }
  }

  func testNaNAndInfinitiesFloat() { checkSpecialReals(Float.self) }
  func testNaNAndInfinitiesDouble() { checkSpecialReals(Double.self) }
  func testNaNAndInfinitiesHalf() { checkSpecialReals(Half.self) }
  func testNaNAndInfinitiesBFloat16() { checkSpecialReals(BFloat16.self) }

  func testLogAddExpNaNAndInfinities() {
    checkSpecialLogAddExp(Float.self, logTolerance: 2.5e-7)
    checkSpecialLogAddExp(Double.self, logTolerance: 1e-11)
    checkSpecialLogAddExp(Half.self, logTolerance: 1e-3)
    checkSpecialLogAddExp(BFloat16.self, logTolerance: 8e-3)
  }

  /// Independently of the reference: for inputs with a NaN at a third of
  /// the line followed by `after`, every output from the NaN on is NaN and
  /// every output before it is not.
  func checkNaNPropagation(_ runners: [(String, Runner)], file: StaticString = #filePath, line: UInt = #line) {
    for after: Float in [.infinity, -.infinity, 0, 1] {
      var rng = SplitMix64(seed: 7)
      for count in [4, 100, 2100] {
        let position = count / 3
        var xs = (0..<count).map { _ in Float.random(in: -2...2, using: &rng) }
        xs[position] = .nan
        xs[position + 1] = after
        for (name, run) in runners {
          let out = scan1D(xs, run: run)
          XCTAssertFalse(out[..<position].contains(where: \.isNaN), "\(name) count \(count): NaN before the NaN",
                         file: file, line: line)
          let firstNumber = out[position...].firstIndex { !$0.isNaN }
          XCTAssertNil(
            firstNumber,
            "\(name) on \(count) float32 values, NaN at \(position) followed by \(after): output \(firstNumber ?? -1) is \(firstNumber.map { out[$0] } ?? 0), not NaN",
            file: file, line: line)
        }
      }
    }
  }

  func testNaNPropagatesFromTheFirstNaNOn() {
    checkNaNPropagation(bothRunners(Float.self, SumOp<Double>.self).map { ("sum \($0.0)", $0.1) })
    checkNaNPropagation(bothRunners(Float.self, ProductOp<Double>.self).map { ("prod \($0.0)", $0.1) })
    checkNaNPropagation(bothRunners(Float.self, MaxOp<Double>.self).map { ("max \($0.0)", $0.1) })
    checkNaNPropagation(bothRunners(Float.self, MinOp<Double>.self).map { ("min \($0.0)", $0.1) })
  }

  func testLogAddExpNaNPropagatesFromTheFirstNaNOn() {
    checkNaNPropagation(chunkedOnly(Float.self, LogAddExpOp<Double>.self).map { ("logaddexp \($0.0)", $0.1) })
  }

  func testInfinityArithmeticExamples() {
    let inf = Float.infinity
    let sum = scan1D([inf, -inf], SumOp<Double>.self)
    XCTAssertEqual(sum[0], inf)
    XCTAssertTrue(sum[1].isNaN, "inf + -inf = \(sum[1]), expected NaN")
    let product = scan1D([0, inf], ProductOp<Double>.self)
    XCTAssertEqual(product[0].bitPattern, Float(0).bitPattern)
    XCTAssertTrue(product[1].isNaN, "0 * inf = \(product[1]), expected NaN")
  }

  // MARK: Ties and signed zeros

  func testMaxMinTiesTakeTheLaterElement() {
    for (name, run) in bothRunners(Float.self, MaxOp<Double>.self) + bothRunners(Float.self, MinOp<Double>.self) {
      XCTAssertEqual(scan1D([Float(0.0), -0.0], run: run).map(\.bitPattern), [Float(0.0).bitPattern, (-0.0 as Float).bitPattern], name)
      XCTAssertEqual(scan1D([Float(-0.0), 0.0], run: run).map(\.bitPattern), [(-0.0 as Float).bitPattern, Float(0.0).bitPattern], name)
      // Reverse: the later element in scan order is the one with the lower index.
      XCTAssertEqual(scan1D([Float(-0.0), 0.0], reverse: true, run: run).map(\.bitPattern),
                     [(-0.0 as Float).bitPattern, Float(0.0).bitPattern], name)
    }
    // All ties: each inclusive output is its own input, bit for bit, on long
    // lines too (chunks, vector lanes, tiles and blocks must all keep the later one).
    var rng = SplitMix64(seed: 3)
    let zeros = (0..<4200).map { _ in Bool.random(using: &rng) ? 0.0 : -0.0 as Double }
    func check<E: TestReal>(_: E.Type, _ runners: [(String, Runner)]) {
      let xs = zeros.map { E(rounding: $0) }
      for (name, run) in runners {
        for reverse in [false, true] {
          let out = scan1D(xs, reverse: reverse, run: run)
          let wrong = out.indices.filter { out[$0].wide.bitPattern != xs[$0].wide.bitPattern }
          XCTAssertTrue(wrong.isEmpty, "\(E.self) \(name) reverse \(reverse): outputs \(wrong.prefix(5)) are not their own input")
        }
      }
    }
    check(Float.self, bothRunners(Float.self, MaxOp<Double>.self) + bothRunners(Float.self, MinOp<Double>.self))
    check(Double.self, bothRunners(Double.self, MaxOp<Double>.self) + bothRunners(Double.self, MinOp<Double>.self))
    check(Half.self, bothRunners(Half.self, MaxOp<Float>.self) + bothRunners(Half.self, MinOp<Float>.self))
    check(BFloat16.self, bothRunners(BFloat16.self, MaxOp<Float>.self) + bothRunners(BFloat16.self, MinOp<Float>.self))
    // Complex: (±0, ±0) all tie under the lexicographic order.
    let complexZeros = (0..<2100).map { _ in
      Complex128(Bool.random(using: &rng) ? 0.0 : -0.0, Bool.random(using: &rng) ? 0.0 : -0.0)
    }
    for (name, run) in chunkedOnly(Complex128.self, MaxOp<Complex128>.self) + chunkedOnly(Complex128.self, MinOp<Complex128>.self) {
      let out = scan1D(complexZeros, run: run)
      let wrong = out.indices.filter {
        out[$0].real.bitPattern != complexZeros[$0].real.bitPattern
          || out[$0].imaginary.bitPattern != complexZeros[$0].imaginary.bitPattern
      }
      XCTAssertTrue(wrong.isEmpty, "complex128 \(name): outputs \(wrong.prefix(5)) are not their own input")
    }
  }

  func testSignedZeroSums() {
    let negativeZero = (-0.0 as Float).bitPattern, positiveZero = Float(0).bitPattern
    for (name, run) in bothRunners(Float.self, SumOp<Double>.self) {
      XCTAssertEqual(scan1D([Float(-0.0)], run: run).map(\.bitPattern), [negativeZero], "inclusive \(name)")
      XCTAssertEqual(scan1D([Float(-0.0)], inclusive: false, run: run).map(\.bitPattern), [positiveZero], "exclusive \(name)")
      for count in [2, 64, 2100, 5000] {
        let xs = [Float](repeating: -0.0, count: count)
        XCTAssertEqual(Set(scan1D(xs, run: run).map(\.bitPattern)), [negativeZero], "inclusive \(name) \(count)")
        XCTAssertEqual(Set(scan1D(xs, inclusive: false, run: run).map(\.bitPattern)), [positiveZero], "exclusive \(name) \(count)")
      }
    }
    // Every real type and complex, every layout kind, through the reference.
    let negativeZeros: (Int) -> Double = { _ in -0.0 }
    var geometries = [1, 2, 70, 2100].flatMap { Geometry.line($0).variants }
    geometries += Geometry.dense([70, 3], axis: 0).variants  // lanes
    geometries += Geometry.dense([70, 3], fortran: true, axis: nil).variants  // chained
    for geometry in geometries {
      func run<E: TestReal>(_: E.Type, _ runners: [(String, Runner)]) {
        for (name, runner) in runners {
          for failure in runAndCompare(E.self, .sum, .exact, geometry, name: "\(E.self) -0.0 sum \(name)", run: runner,
                                       input: { E(rounding: negativeZeros($0)) }) {
            XCTFail(failure)
          }
        }
      }
      run(Half.self, bothRunners(Half.self, SumOp<Float>.self))
      run(BFloat16.self, bothRunners(BFloat16.self, SumOp<Float>.self))
      run(Float.self, bothRunners(Float.self, SumOp<Double>.self))
      run(Double.self, bothRunners(Double.self, SumOp<Double>.self))
      for failure in runAndCompare(Complex128.self, .sum, .exact, geometry, name: "complex128 -0.0 sum",
                                   run: chunkedRunner(Complex128.self, SumOp<Complex128>.self),
                                   input: { _ in Complex128(-0.0, -0.0) }) {
        XCTFail(failure)
      }
    }
  }

  // MARK: Log-add-exp

  func testLogAddExpExamples() {
    let log2 = Foundation.log(2.0)
    for (name, out) in [("float32", scan1D([Float(1000), 1000], LogAddExpOp<Double>.self).map(Double.init)),
                        ("float64", scan1D([1000.0, 1000], LogAddExpOp<Double>.self))] {
      XCTAssertEqual(out[0], 1000, name)
      XCTAssertEqual(out[1], 1000 + log2, accuracy: 1e-4, name)
    }
    XCTAssertEqual(scan1D([Float(1000), 1000], LogAddExpOp<Double>.self)[1], Float(1000 + log2))
    XCTAssertEqual(scan1D([-Float.infinity, -.infinity], LogAddExpOp<Double>.self), [-.infinity, -.infinity])
    XCTAssertEqual(scan1D([Float.infinity, .infinity], LogAddExpOp<Double>.self), [.infinity, .infinity])
    XCTAssertEqual(scan1D([-Double.infinity, -.infinity], LogAddExpOp<Double>.self), [-.infinity, -.infinity])
    XCTAssertEqual(scan1D([Double.infinity, .infinity], LogAddExpOp<Double>.self), [.infinity, .infinity])
    // Exclusive starts from log 0 = -inf.
    XCTAssertEqual(scan1D([Float(5), 7], LogAddExpOp<Double>.self, inclusive: false), [-.infinity, 5])
  }

  // MARK: Complex

  func testComplexNaNAndInfinities() {
    let nan = Double.nan, inf = Double.infinity
    let inputs: [[(Double, Double)]] = [
      [(1, 2), (nan, 0), (3, 4)], [(1, 2), (0, nan), (inf, inf)], [(inf, 0), (-inf, 0)], [(nan, nan)],
      [(0, inf), (1, -inf)], [(-inf, -inf), (-inf, 1)],
    ]
    for (index, pairs) in inputs.enumerated() {
      let xs128 = pairs.map { Complex128($0.0, $0.1) }
      let xs64 = pairs.map { c64(Float($0.0), Float($0.1)) }
      checkValues(xs128, .sum, runners: chunkedOnly(Complex128.self, SumOp<Complex128>.self))
      checkValues(xs64, .sum, runners: chunkedOnly(Complex64Element.self, SumOp<Complex128>.self))
      checkValues(xs128, .maximum, runners: chunkedOnly(Complex128.self, MaxOp<Complex128>.self))
      checkValues(xs64, .minimum, runners: chunkedOnly(Complex64Element.self, MinOp<Complex128>.self))
      if index < 4 {  // (log-add-exp is not defined for infinite imaginary parts)
        checkValues(xs128, .logAddExp, .numeric(1e-12), runners: chunkedOnly(Complex128.self, LogAddExpOp<Complex128>.self))
      }
      let long = embed(xs128, at: 90 + index, count: 2100, kind: .max, seed: UInt64(index))
      checkValues(long, .maximum, runners: chunkedOnly(Complex128.self, MaxOp<Complex128>.self), label: "at \(90 + index)")
      checkValues(long, .minimum, runners: chunkedOnly(Complex128.self, MinOp<Complex128>.self), label: "at \(90 + index)")
      let longSum = embed(xs128, at: 90 + index, count: 2100, kind: .sum, seed: UInt64(index))
      checkValues(longSum, .sum, runners: chunkedOnly(Complex128.self, SumOp<Complex128>.self), label: "at \(90 + index)")
    }
  }

  func testComplexProductFirstOutputIsTheFirstInput() {
    // An inclusive scan's first output is its first input (NumPy's and MLX's
    // cumprod copy it), so the operation's neutral element must be neutral
    // bit for bit, as `ScanOperation` documents.
    let specials: [(Double, Double)] = [(-0.0, -0.0), (-0.0, 0.0), (.infinity, 0), (0, .infinity), (-.infinity, -0.0), (2, 3)]
    for (re, im) in specials {
      for count in [1, 3] {
        let xs = [Complex128(re, im)] + Array(repeating: Complex128(1, 0), count: count - 1)
        let out = scan1D(xs, ProductOp<Complex128>.self)
        XCTAssertTrue(
          out[0].real.bitPattern == re.bitPattern && out[0].imaginary.bitPattern == im.bitPattern,
          "cumprod of complex128 [\(CD(re, im))\(count > 1 ? ", 1, ..." : "")]: first output \(out[0].wide), expected \(CD(re, im))")
        let out64 = scan1D(xs.map { c64(Float($0.real), Float($0.imaginary)) }, ProductOp<Complex128>.self)
        XCTAssertTrue(
          out64[0].real.bitPattern == Float(re).bitPattern && out64[0].imaginary.bitPattern == Float(im).bitPattern,
          "cumprod of complex64 [\(CD(re, im))]: first output \(out64[0].wide), expected \(CD(re, im))")
      }
    }
  }

  // MARK: Bool

  func testBoolReadsAnyNonzeroByteAndWritesZeroOrOne() {
    let bytes: [UInt8] = [2, 0xff, 1, 0x80, 0, 7]
    let xs = bytes.map(boolByte)
    XCTAssertEqual(scan1D(xs, MaxOp<Bool>.self).map(\.byte), [1, 1, 1, 1, 1, 1])
    XCTAssertEqual(scan1D(xs, MinOp<Bool>.self).map(\.byte), [1, 1, 1, 1, 0, 0])
    XCTAssertEqual(scan1D(xs, ProductOp<Bool>.self).map(\.byte), [1, 1, 1, 1, 0, 0])
    XCTAssertEqual(scan1D(xs, MinOp<Bool>.self, inclusive: false).map(\.byte), [1, 1, 1, 1, 1, 0])
    XCTAssertEqual(scan1D(xs, MaxOp<Bool>.self, inclusive: false).map(\.byte), [0, 1, 1, 1, 1, 1])
    checkValues(xs, .or, runners: chunkedOnly(BoolByte.self, MaxOp<Bool>.self))
    checkValues(xs, .and, runners: chunkedOnly(BoolByte.self, MinOp<Bool>.self))
  }
}
