// The C ABI: `mlxl_scan` (the Swift `scan(_:)`) on every element code with
// every operation code, its problem validation, `mlxl_element_size`, and
// whole layouts run through it against the reference.

import Foundation
import XCTest
@testable import SwiftScan
import ScanABI

/// One element code as the tests write and read it.
struct DTypeInfo {
  enum Family { case bool, signed, unsigned, real, complex }
  let code: mlxl_dtype
  let name: String
  let size: Int
  let family: Family
  let bits: Int
  /// Bytes of one element holding `re` (+ `im` i for complex).
  let encode: (Double, Double) -> [UInt8]
  /// One element's value (real part, imaginary part).
  let decode: (UnsafeRawPointer) -> CD
  /// Relative tolerance of a log-add-exp result.
  var logTolerance: Double = 1e-6

  var supportedOps: [mlxl_op] {
    switch family {
    case .bool: return [MLXL_OP_PROD, MLXL_OP_MAX, MLXL_OP_MIN]
    case .signed, .unsigned: return [MLXL_OP_SUM, MLXL_OP_PROD, MLXL_OP_MAX, MLXL_OP_MIN]
    // The NaN-skipping operations exist for floating point only: on bool and
    // integers the scan table runs the plain ones.
    case .real, .complex:
      return [MLXL_OP_SUM, MLXL_OP_PROD, MLXL_OP_MAX, MLXL_OP_MIN, MLXL_OP_LOGADDEXP,
              MLXL_OP_NANSUM, MLXL_OP_NANPROD, MLXL_OP_NANMAX, MLXL_OP_NANMIN]
    }
  }
}

func bytes<T>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

func integerInfo<I: FixedWidthInteger>(_ code: mlxl_dtype, _ name: String, _: I.Type) -> DTypeInfo {
  DTypeInfo(
    code: code, name: name, size: MemoryLayout<I>.size, family: I.isSigned ? .signed : .unsigned, bits: I.bitWidth,
    encode: { re, _ in bytes(I(re)) }, decode: { CD(Double($0.loadUnaligned(as: I.self)), 0) })
}

let dtypes: [DTypeInfo] = [
  DTypeInfo(code: MLXL_BOOL, name: "bool", size: 1, family: .bool, bits: 8,
            encode: { re, _ in [re != 0 ? 1 : 0] }, decode: { CD(Double($0.load(as: UInt8.self)), 0) }),
  integerInfo(MLXL_INT8, "int8", Int8.self),
  integerInfo(MLXL_INT16, "int16", Int16.self),
  integerInfo(MLXL_INT32, "int32", Int32.self),
  integerInfo(MLXL_INT64, "int64", Int64.self),
  integerInfo(MLXL_UINT8, "uint8", UInt8.self),
  integerInfo(MLXL_UINT16, "uint16", UInt16.self),
  integerInfo(MLXL_UINT32, "uint32", UInt32.self),
  integerInfo(MLXL_UINT64, "uint64", UInt64.self),
  DTypeInfo(code: MLXL_FLOAT16, name: "float16", size: 2, family: .real, bits: 16,
            encode: { re, _ in bytes(Float16(re).bitPattern) },
            decode: { CD(Double(Float(Float16(bitPattern: $0.loadUnaligned(as: UInt16.self)))), 0) },
            logTolerance: 1e-3),
  DTypeInfo(code: MLXL_BFLOAT16, name: "bfloat16", size: 2, family: .real, bits: 16,
            encode: { re, _ in bytes(bfloat16Nearest(re)) },
            decode: { CD(Double(Float(bitPattern: UInt32($0.loadUnaligned(as: UInt16.self)) << 16)), 0) },
            logTolerance: 8e-3),
  DTypeInfo(code: MLXL_FLOAT32, name: "float32", size: 4, family: .real, bits: 32,
            encode: { re, _ in bytes(Float(re)) }, decode: { CD(Double($0.loadUnaligned(as: Float.self)), 0) }),
  DTypeInfo(code: MLXL_FLOAT64, name: "float64", size: 8, family: .real, bits: 64,
            encode: { re, _ in bytes(re) }, decode: { CD($0.loadUnaligned(as: Double.self), 0) }),
  DTypeInfo(code: MLXL_COMPLEX64, name: "complex64", size: 8, family: .complex, bits: 64,
            encode: { re, im in bytes(Float(re)) + bytes(Float(im)) },
            decode: { CD(Double($0.loadUnaligned(as: Float.self)), Double($0.loadUnaligned(fromByteOffset: 4, as: Float.self))) }),
  DTypeInfo(code: MLXL_COMPLEX128, name: "complex128", size: 16, family: .complex, bits: 128,
            encode: { re, im in bytes(re) + bytes(im) },
            decode: { CD($0.loadUnaligned(as: Double.self), $0.loadUnaligned(fromByteOffset: 8, as: Double.self)) }),
]

let opCodes: [mlxl_op] = [
  MLXL_OP_SUM, MLXL_OP_PROD, MLXL_OP_MAX, MLXL_OP_MIN, MLXL_OP_LOGADDEXP,
  MLXL_OP_NANSUM, MLXL_OP_NANPROD, MLXL_OP_NANMAX, MLXL_OP_NANMIN,
]

final class CEntryPointTests: XCTestCase {
  let ok = Int32(MLXL_STATUS_OK.rawValue)
  let unsupported = Int32(MLXL_STATUS_UNSUPPORTED.rawValue)
  let badProblem = Int32(MLXL_STATUS_BAD_PROBLEM.rawValue)
  let interrupted = Int32(MLXL_STATUS_INTERRUPTED.rawValue)

  /// The reference operation on values of `info`'s type (bool as 0/1, the
  /// exclusive start of max/min being the type's lowest/highest value).
  func reference(_ op: mlxl_op, _ info: DTypeInfo) -> RefOp<CD> {
    // Without NaN in the data, a NaN-skipping scan is its plain one.
    let plain: [mlxl_op: mlxl_op] = [
      MLXL_OP_NANSUM: MLXL_OP_SUM, MLXL_OP_NANPROD: MLXL_OP_PROD, MLXL_OP_NANMAX: MLXL_OP_MAX, MLXL_OP_NANMIN: MLXL_OP_MIN,
    ]
    if let op = plain[op] { return reference(op, info) }
    let lift: (RefOp<Double>) -> RefOp<CD> = { real in
      RefOp(name: real.name, exclusiveStart: CD(real.exclusiveStart, 0)) { CD(real.combine($0.re, $1.re), 0) }
    }
    let signedLowest = -Foundation.pow(2, Double(info.bits - 1))
    switch (op, info.family) {
    case (MLXL_OP_PROD, .bool): return lift(RefOp(name: "and", exclusiveStart: 1, combine: { min($0, $1) }))
    case (MLXL_OP_MAX, .bool): return lift(RefOp(name: "or", exclusiveStart: 0, combine: { max($0, $1) }))
    case (MLXL_OP_MIN, .bool): return lift(RefOp(name: "and", exclusiveStart: 1, combine: { min($0, $1) }))
    case (MLXL_OP_SUM, .complex): return .sum
    case (MLXL_OP_PROD, .complex): return .product
    case (MLXL_OP_MAX, .complex): return .maximum
    case (MLXL_OP_MIN, .complex): return .minimum
    case (MLXL_OP_LOGADDEXP, .complex): return .logAddExp
    case (MLXL_OP_SUM, _): return lift(.sum)
    case (MLXL_OP_PROD, _): return lift(.product)
    case (MLXL_OP_LOGADDEXP, _): return lift(.logAddExp)
    case (MLXL_OP_MAX, .signed): return lift(RefOp(name: "max", exclusiveStart: signedLowest, combine: { max($0, $1) }))
    case (MLXL_OP_MIN, .signed): return lift(RefOp(name: "min", exclusiveStart: -signedLowest - 1, combine: { min($0, $1) }))
    case (MLXL_OP_MAX, .unsigned): return lift(RefOp(name: "max", exclusiveStart: 0, combine: { max($0, $1) }))
    case (MLXL_OP_MIN, .unsigned):
      return lift(RefOp(name: "min", exclusiveStart: Foundation.pow(2, Double(info.bits)) - 1, combine: { min($0, $1) }))
    case (MLXL_OP_MAX, _): return lift(.maximum)
    default: return lift(.minimum)
    }
  }

  func problem(
    op: Int32, dtype: Int32, shape: [Int], inputStrides: [Int], outputStrides: [Int], axis: Int32,
    reverse: Bool = false, inclusive: Bool = true, input: UnsafeRawPointer?, output: UnsafeMutableRawPointer?
  ) -> mlxl_scan_problem {
    var c = mlxl_scan_problem()
    c.op = op
    c.dtype = dtype
    c.ndim = Int32(shape.count)
    c.axis = axis
    c.reverse = reverse ? 1 : 0
    c.inclusive = inclusive ? 1 : 0
    c.input = input
    c.output = output
    setDimensions(&c, shape.indices.map {
      Dimension(count: shape[$0], inputStride: inputStrides[$0], outputStride: outputStrides[$0])
    })
    return c
  }

  func testElementSizes() {
    let expected: [mlxl_dtype: Int64] = [
      MLXL_BOOL: 1, MLXL_INT8: 1, MLXL_INT16: 2, MLXL_INT32: 4, MLXL_INT64: 8, MLXL_UINT8: 1, MLXL_UINT16: 2,
      MLXL_UINT32: 4, MLXL_UINT64: 8, MLXL_FLOAT16: 2, MLXL_BFLOAT16: 2, MLXL_FLOAT32: 4, MLXL_FLOAT64: 8,
      MLXL_COMPLEX64: 8, MLXL_COMPLEX128: 16,
    ]
    XCTAssertEqual(expected.count, Int(MLXL_DTYPE_COUNT.rawValue))
    for (code, size) in expected {
      XCTAssertEqual(elementSize(Int32(code.rawValue)), size, "dtype \(code.rawValue)")
      XCTAssertEqual(mlxl_element_size(Int32(code.rawValue)), size, "dtype \(code.rawValue) through C")
    }
    for info in dtypes { XCTAssertEqual(elementSize(Int32(info.code.rawValue)), Int64(info.size), info.name) }
    for bad: Int32 in [-1, Int32(MLXL_DTYPE_COUNT.rawValue), 100, .min, .max] {
      XCTAssertEqual(elementSize(bad), 0, "dtype \(bad)")
    }
    XCTAssertGreaterThanOrEqual(mlxl_available_cpus(), 1)
  }

  func testEveryElementCodeWithEveryOperationCode() {
    XCTAssertEqual(dtypes.count, Int(MLXL_DTYPE_COUNT.rawValue))
    XCTAssertEqual(opCodes.count, Int(MLXL_OP_COUNT.rawValue))
    for info in dtypes {
      let values: [CD]
      switch info.family {
      case .bool: values = [1, 0, 1, 1, 1].map { CD($0, 0) }
      case .unsigned: values = [3, 1, 2, 2, 5].map { CD($0, 0) }
      case .signed, .real: values = [3, -1, 2, 2, -4].map { CD($0, 0) }
      case .complex: values = [CD(3, 0.5), CD(-1, 1), CD(2, 0), CD(2, -0.5), CD(-4, 0.25)]
      }
      let input = values.flatMap { info.encode($0.re, $0.im) }
      for op in opCodes {
        let supported = info.supportedOps.contains(op)
        for (reverse, inclusive) in [(false, true), (false, false), (true, true), (true, false)] {
          var output = [UInt8](repeating: 0xA5, count: input.count)
          let status: Int32 = input.withUnsafeBytes { inBytes in
            output.withUnsafeMutableBytes { outBytes in
              var c = problem(
                op: Int32(op.rawValue), dtype: Int32(info.code.rawValue), shape: [values.count],
                inputStrides: [info.size], outputStrides: [info.size], axis: 0, reverse: reverse, inclusive: inclusive,
                input: inBytes.baseAddress, output: outBytes.baseAddress)
              return scan(&c)
            }
          }
          let label = "\(info.name) op \(op.rawValue) reverse \(reverse) inclusive \(inclusive)"
          guard supported else {
            XCTAssertEqual(status, unsupported, label)
            XCTAssertEqual(output, [UInt8](repeating: 0xA5, count: input.count), "\(label): wrote an output")
            continue
          }
          XCTAssertEqual(status, ok, label)
          let ref = reference(op, info)
          let inputs = (0..<values.count).map { index in
            input.withUnsafeBytes { info.decode($0.baseAddress! + index * info.size) }
          }
          let order = reverse ? Array(inputs.indices.reversed()) : Array(inputs.indices)
          let expected = referenceScan(order.map { inputs[$0] }, ref, inclusive: inclusive)
          for (step, index) in order.enumerated() {
            let got = output.withUnsafeBytes { info.decode($0.baseAddress! + index * info.size) }
            let tolerance = op == MLXL_OP_LOGADDEXP ? info.logTolerance : 0
            let matches = expected[step].hasNaN ? got.hasNaN
              : numericMatch(got.re, expected[step].re, tolerance) && numericMatch(got.im, expected[step].im, tolerance)
            XCTAssertTrue(matches, "\(label): element \(index) is \(got), expected \(expected[step])")
          }
        }
      }
    }
  }

  func testCodeTablesAgreeWithTheSwiftTypes() {
    // The same scan through the C entry point and through ScanEngine, byte for
    // byte (the random inputs keep every association exact).
    func compare<E: TestElement, Op: ScanOperation>(_: E.Type, _: Op.Type, _ kind: SampleKind, _ code: mlxl_dtype, _ op: mlxl_op)
    where Op.Value == E.Accumulator {
      var rng = SplitMix64(seed: UInt64(code.rawValue) * 10 + UInt64(op.rawValue))
      let xs = (0..<3000).map { _ in E.sample(kind, &rng) }
      let viaC = scan1D(xs, run: cRunner(op: op, dtype: code))
      let viaSwift = scan1D(xs, Op.self)
      let same = viaC.withUnsafeBytes { c in viaSwift.withUnsafeBytes { s in c.elementsEqual(s) } }
      XCTAssertTrue(same, "\(E.self) op \(op.rawValue): C and Swift results differ")
    }
    compare(BoolByte.self, MinOp<Bool>.self, .min, MLXL_BOOL, MLXL_OP_MIN)
    compare(Int8.self, SumOp<Int8>.self, .sum, MLXL_INT8, MLXL_OP_SUM)
    compare(Int16.self, MaxOp<Int16>.self, .max, MLXL_INT16, MLXL_OP_MAX)
    compare(Int32.self, ProductOp<Int32>.self, .product, MLXL_INT32, MLXL_OP_PROD)
    compare(Int64.self, MinOp<Int64>.self, .min, MLXL_INT64, MLXL_OP_MIN)
    compare(UInt8.self, ProductOp<UInt8>.self, .product, MLXL_UINT8, MLXL_OP_PROD)
    compare(UInt16.self, SumOp<UInt16>.self, .sum, MLXL_UINT16, MLXL_OP_SUM)
    compare(UInt32.self, MaxOp<UInt32>.self, .max, MLXL_UINT32, MLXL_OP_MAX)
    compare(UInt64.self, SumOp<UInt64>.self, .sum, MLXL_UINT64, MLXL_OP_SUM)
    compare(Half.self, SumOp<Float>.self, .sum, MLXL_FLOAT16, MLXL_OP_SUM)
    compare(BFloat16.self, MaxOp<Float>.self, .max, MLXL_BFLOAT16, MLXL_OP_MAX)
    compare(Float.self, ProductOp<Double>.self, .product, MLXL_FLOAT32, MLXL_OP_PROD)
    compare(Double.self, MinOp<Double>.self, .min, MLXL_FLOAT64, MLXL_OP_MIN)
    compare(Complex64Element.self, ProductOp<Complex128>.self, .product, MLXL_COMPLEX64, MLXL_OP_PROD)
    compare(Complex128.self, LogAddExpOp<Complex128>.self, .logAddExp, MLXL_COMPLEX128, MLXL_OP_LOGADDEXP)
    compare(Half.self, LogAddExpOp<Float>.self, .logAddExp, MLXL_FLOAT16, MLXL_OP_LOGADDEXP)
  }

  func testLayoutsThroughTheCEntryPoint() {
    let cases = [
      makeCase(Double.self, .sum, .sum, .exact, suffix: " (C)", run: cRunner(op: MLXL_OP_SUM, dtype: MLXL_FLOAT64)),
      makeCase(Int32.self, .wrappingProduct, .product, .exact, suffix: " (C)", run: cRunner(op: MLXL_OP_PROD, dtype: MLXL_INT32)),
      makeCase(Half.self, .maximum, .max, .exact, suffix: " (C)", run: cRunner(op: MLXL_OP_MAX, dtype: MLXL_FLOAT16)),
      makeCase(BoolByte.self, .and, .min, .exact, suffix: " (C)", run: cRunner(op: MLXL_OP_MIN, dtype: MLXL_BOOL)),
      makeCase(Complex64Element.self, .sum, .sum, .exact, suffix: " (C)", run: cRunner(op: MLXL_OP_SUM, dtype: MLXL_COMPLEX64)),
      makeCase(BFloat16.self, .logAddExp, .logAddExp, .numeric(8e-3), suffix: " (C)",
               run: cRunner(op: MLXL_OP_LOGADDEXP, dtype: MLXL_BFLOAT16)),
    ]
    var geometries: [Geometry] = []
    for axis in [0, 1, 2] as [Int?] + [nil] {
      geometries += Geometry.dense([3, 4, 70], axis: axis).variants
      geometries += Geometry.dense([3, 4, 70], fortran: true, axis: axis).variants
      geometries += Geometry.transposed([3, 4, 70], [2, 0, 1], axis: axis, outputLikeInput: true).flipped([1]).variants
    }
    geometries += Geometry.line(2049).variants
    geometries += [[0, 3], [3, 0], [1, 1]].flatMap { Geometry.dense($0, axis: nil).variants + Geometry.dense($0, axis: 1).variants }
    check(cases, geometries, seed: 600)
  }

  func testMaximalRankThroughTheCEntryPoint() {
    // 64 dimensions, all of length one but three.
    var shape = [Int](repeating: 1, count: Int(MLXL_MAX_DIMS))
    shape[0] = 3
    shape[40] = 2
    shape[63] = 5
    let cases = [makeCase(Float.self, .sum, .sum, .exact, run: cRunner(op: MLXL_OP_SUM, dtype: MLXL_FLOAT32))]
    check(cases, [0, 40, 63, 10].flatMap { Geometry.dense(shape, axis: $0).variants } + Geometry.dense(shape, fortran: true, axis: nil).variants,
          seed: 700)
  }

  func testInvalidProblems() {
    var input = [Float](repeating: 1, count: 8)
    var output = [Float](repeating: 0, count: 8)
    input.withUnsafeMutableBytes { inBytes in
      output.withUnsafeMutableBytes { outBytes in
        let inPointer = UnsafeRawPointer(inBytes.baseAddress!), outPointer = outBytes.baseAddress!
        func status(
          op: Int32 = Int32(MLXL_OP_SUM.rawValue), dtype: Int32 = Int32(MLXL_FLOAT32.rawValue), ndim: Int32 = 1,
          axis: Int32 = 0, shape: Int = 8, input: UnsafeRawPointer? = inPointer, output: UnsafeMutableRawPointer? = outPointer
        ) -> Int32 {
          var c = problem(op: op, dtype: dtype, shape: [shape], inputStrides: [4], outputStrides: [4], axis: axis,
                          input: input, output: output)
          c.ndim = ndim
          return scan(&c)
        }
        XCTAssertEqual(status(), ok)
        XCTAssertEqual(status(axis: -1), ok)
        XCTAssertEqual(status(ndim: 0), badProblem, "ndim 0")
        XCTAssertEqual(status(ndim: -1), badProblem, "ndim -1")
        XCTAssertEqual(status(ndim: Int32(MLXL_MAX_DIMS) + 1), badProblem, "ndim 65")
        XCTAssertEqual(status(ndim: .min), badProblem, "ndim Int32.min")
        XCTAssertEqual(status(axis: 1), badProblem, "axis == ndim")
        XCTAssertEqual(status(axis: -2), badProblem, "axis -2")
        XCTAssertEqual(status(axis: .max), badProblem, "axis Int32.max")
        XCTAssertEqual(status(shape: -1), badProblem, "negative extent")
        XCTAssertEqual(status(dtype: -1), badProblem, "dtype -1")
        XCTAssertEqual(status(dtype: Int32(MLXL_DTYPE_COUNT.rawValue)), badProblem, "dtype 15")
        XCTAssertEqual(status(input: nil), badProblem, "null input")
        XCTAssertEqual(status(output: nil), badProblem, "null output")
        // A bad problem is reported as such even when the operation is also unsupported.
        XCTAssertEqual(status(dtype: Int32(MLXL_BOOL.rawValue), ndim: 0), badProblem)
        XCTAssertEqual(status(op: Int32(MLXL_OP_SUM.rawValue), dtype: Int32(MLXL_BOOL.rawValue)), unsupported, "sum of bool")
        XCTAssertEqual(status(op: Int32(MLXL_OP_LOGADDEXP.rawValue), dtype: Int32(MLXL_INT32.rawValue)), unsupported,
                       "logaddexp of int32")
        // An empty array is fine.
        XCTAssertEqual(status(shape: 0), ok)
      }
    }
    XCTAssertEqual(output, [Float](repeating: 0, count: 8).enumerated().map { Float($0.offset + 1) }, "the OK scans ran")
  }

  func testOutOfRangeOperationCodeIsABadProblem() {
    // scan_abi.h: MLXL_STATUS_BAD_PROBLEM is for "codes, dimensions or axis out of range".
    var input = [Float](repeating: 1, count: 4)
    var output = [Float](repeating: 0, count: 4)
    for op: Int32 in [-1, Int32(MLXL_OP_COUNT.rawValue), 99] {
      let status: Int32 = input.withUnsafeMutableBytes { inBytes in
        output.withUnsafeMutableBytes { outBytes in
          var c = problem(op: op, dtype: Int32(MLXL_FLOAT32.rawValue), shape: [4], inputStrides: [4], outputStrides: [4],
                          axis: 0, input: inBytes.baseAddress, output: outBytes.baseAddress)
          return scan(&c)
        }
      }
      XCTAssertEqual(status, badProblem, "op code \(op) on float32: status \(status)")
    }
  }

  func testInterruptFlag() {
    let input = [Double](repeating: 1, count: 300)
    var output = [Double](repeating: 0, count: 300)
    for raised: Int32 in [1, 0] {
      var flag = raised
      let status: Int32 = input.withUnsafeBytes { inBytes in
        output.withUnsafeMutableBytes { outBytes in
          withUnsafePointer(to: &flag) { flagPointer in
            var c = problem(op: Int32(MLXL_OP_SUM.rawValue), dtype: Int32(MLXL_FLOAT64.rawValue), shape: [30, 10],
                            inputStrides: [80, 8], outputStrides: [80, 8], axis: 1,
                            input: inBytes.baseAddress, output: outBytes.baseAddress)
            c.interrupt = flagPointer
            return mlxl_scan(&c)
          }
        }
      }
      XCTAssertEqual(status, raised != 0 ? interrupted : ok, "flag \(raised)")
    }
    XCTAssertEqual(output[9], 10)
  }
}
