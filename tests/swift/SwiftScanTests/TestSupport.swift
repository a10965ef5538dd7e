// Shared machinery of the scan engine tests: a seeded random source, a
// reference model of every storage type (the value it holds, in a wide type,
// and how a reference result rounds back to it), plain sequential reference
// scans, and one harness that runs the engine on a hand-made strided buffer
// and compares every output element with the reference.
//
// The references never call into the engine: half precision goes through
// Swift's own `Float16`, bfloat16 through a rounding written on `Double`,
// integers through wrapping `&+` / `&*`, and each scan is one loop in order.

import Foundation
import XCTest
@testable import SwiftScan
import ScanABI
import Glibc  // Linux only (README: what is supported)

/// The engine's dimension, not Foundation's unit of measure.
typealias Dimension = SwiftScan.Dimension

// MARK: - Random numbers

/// SplitMix64: small, fast and seeded, so every failure reproduces.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// True with probability `p`.
  mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
}

// MARK: - Reference values

/// Which scan a random input is meant for: each type draws values that keep
/// that scan exact (or, for log-add-exp, well conditioned) in any association.
enum SampleKind { case sum, product, max, min, logAddExp }

enum Comparison {
  /// The reference rounded to the storage type, bit for bit (any NaN matches any NaN).
  case exact
  /// |got - reference| <= tolerance * max(1, |reference|), per real component;
  /// NaN matches NaN and an infinity only itself. Signed zeros compare equal.
  case numeric(Double)
}

/// A storage type as the tests see it: its value in a wide reference type,
/// how to compare an engine output with a reference result, and random inputs.
protocol TestElement: ScanElement {
  associatedtype Wide
  /// The stored value, exactly.
  var wide: Wide { get }
  func matches(_ expected: Wide, _ comparison: Comparison) -> Bool
  static func sample(_ kind: SampleKind, _ rng: inout SplitMix64) -> Self
  var text: String { get }
}

func numericMatch(_ got: Double, _ expected: Double, _ tolerance: Double) -> Bool {
  if expected.isNaN { return got.isNaN }
  if expected.isInfinite { return got == expected }
  guard got.isFinite else { return false }
  return abs(got - expected) <= tolerance * max(1, abs(expected))
}

/// A random real input for scan `kind`, before rounding to the storage type.
/// Sums: quarter integers in [-8, 8] (and some -0.0), exact in every
/// accumulator at these lengths. Products: mostly +-1, sometimes +-2 or +-1/2
/// or a signed zero, so every partial product is an exact power of two.
/// Max/min: small integers with many ties, signed zeros, a few infinities.
/// Log-add-exp: uniform in [-6, 6], some -inf.
func realSample(_ kind: SampleKind, _ rng: inout SplitMix64) -> Double {
  switch kind {
  case .sum:
    if rng.chance(0.05) { return -0.0 }
    return Double(Int.random(in: -32...32, using: &rng)) / 4
  case .product:
    let sign: Double = Bool.random(using: &rng) ? 1 : -1
    let u = Double.random(in: 0..<1, using: &rng)
    if u < 0.003 { return sign * 0 }
    if u < 0.02 { return sign * 2 }
    if u < 0.04 { return sign * 0.5 }
    return sign
  case .max, .min:
    if rng.chance(0.01) { return Bool.random(using: &rng) ? .infinity : -.infinity }
    let k = Int.random(in: -4...4, using: &rng)
    if k == 0 { return Bool.random(using: &rng) ? 0.0 : -0.0 }
    return Double(k)
  case .logAddExp:
    if rng.chance(0.02) { return -.infinity }
    return Double.random(in: -6...6, using: &rng)
  }
}

/// Real storage types, whose reference type is `Double`.
protocol TestReal: TestElement where Wide == Double {
  /// The storage value nearest `value`, ties to even, by a path that does not use the engine.
  init(rounding value: Double)
}

extension TestReal {
  func matches(_ expected: Double, _ comparison: Comparison) -> Bool {
    switch comparison {
    case .exact:
      let rounded = Self(rounding: expected).wide
      if rounded.isNaN { return wide.isNaN }
      return wide.bitPattern == rounded.bitPattern
    case .numeric(let tolerance):
      return numericMatch(wide, expected, tolerance)
    }
  }
  static func sample(_ kind: SampleKind, _ rng: inout SplitMix64) -> Self {
    Self(rounding: realSample(kind, &rng))
  }
  var text: String { "\(wide)" }
}

extension Half: TestReal {
  init(rounding value: Double) { self.init(bits: Float16(value).bitPattern) }
  var wide: Double { Double(Float(Float16(bitPattern: bits))) }
  var text: String { "\(wide) (0x\(String(bits, radix: 16)))" }
}

extension BFloat16: TestReal {
  init(rounding value: Double) { self.init(bits: bfloat16Nearest(value)) }
  var wide: Double { Double(Float(bitPattern: UInt32(bits) << 16)) }
  var text: String { "\(wide) (0x\(String(bits, radix: 16)))" }
}

extension Float: TestReal {
  init(rounding value: Double) { self = Float(value) }
  var wide: Double { Double(self) }
}

extension Double: TestReal {
  init(rounding value: Double) { self = value }
  var wide: Double { self }
}

/// The value of a non-negative bfloat16 bit pattern, with 0x7f80 standing for
/// 2^128 (where rounding up past the largest finite value lands: infinity).
private func bfloat16Magnitude(_ bits: UInt16) -> Double {
  bits >= 0x7f80 ? 0x1p128 : Double(Float(bitPattern: UInt32(bits) << 16))
}

/// `value` rounded to bfloat16, nearest, ties to even: the two neighbouring
/// bfloat16 values are found by bisection on the bit patterns and compared in
/// `Double`, where both distances are exact.
func bfloat16Nearest(_ value: Double) -> UInt16 {
  if value.isNaN { return 0x7fc0 }
  let sign: UInt16 = value.sign == .minus ? 0x8000 : 0
  let magnitude = abs(value)
  if magnitude >= 0x1p128 { return sign | 0x7f80 }
  // Largest pattern in 0...0x7f7f whose value is <= magnitude.
  var low: UInt16 = 0, high: UInt16 = 0x7f7f
  while low < high {
    let middle = low + (high - low + 1) / 2
    if bfloat16Magnitude(middle) <= magnitude { low = middle } else { high = middle - 1 }
  }
  let below = bfloat16Magnitude(low)
  if below == magnitude { return sign | low }
  let above = bfloat16Magnitude(low + 1)
  let downDistance = magnitude - below, upDistance = above - magnitude
  if downDistance < upDistance { return sign | low }
  if upDistance < downDistance { return sign | (low + 1) }
  return sign | (low % 2 == 0 ? low : low + 1)
}

/// Integers are their own reference type: sums and products wrap.
protocol TestInteger: TestElement, FixedWidthInteger where Wide == Self {}

extension TestInteger {
  var wide: Self { self }
  func matches(_ expected: Self, _ comparison: Comparison) -> Bool { self == expected }
  static func sample(_ kind: SampleKind, _ rng: inout SplitMix64) -> Self {
    switch kind {
    case .product:
      // Mostly odd factors, so that products do not collapse to zero.
      let value = Self.random(in: .min ... .max, using: &rng)
      return rng.chance(0.9) ? value | 1 : value
    case .max, .min:
      // Half the time from a small range, for ties.
      if Bool.random(using: &rng) { return Self.random(in: .min ... .max, using: &rng) }
      return Self(truncatingIfNeeded: Int.random(in: 0...6, using: &rng)) &- (Self.isSigned ? 3 : 0)
    default:
      return Self.random(in: .min ... .max, using: &rng)
    }
  }
  var text: String { "\(self)" }
}

extension Int8: TestInteger {}
extension Int16: TestInteger {}
extension Int32: TestInteger {}
extension Int64: TestInteger {}
extension UInt8: TestInteger {}
extension UInt16: TestInteger {}
extension UInt32: TestInteger {}
extension UInt64: TestInteger {}

extension BoolByte: TestElement {
  var wide: Bool { byte != 0 }
  /// Outputs are normalised to 0 or 1.
  func matches(_ expected: Bool, _ comparison: Comparison) -> Bool { byte == (expected ? 1 : 0) }
  /// Products and minima see mostly true, maxima mostly false; a true input
  /// is sometimes a byte other than 1.
  static func sample(_ kind: SampleKind, _ rng: inout SplitMix64) -> BoolByte {
    let truth = kind == .max ? rng.chance(0.05) : !rng.chance(0.05)
    let trueBytes: [UInt8] = [1, 1, 1, 2, 0x80, 0xff]
    return boolByte(truth ? trueBytes.randomElement(using: &rng)! : 0)
  }
  var text: String { "BoolByte(\(byte))" }
}

/// The reference type of both complex storage types.
struct CD: CustomStringConvertible {
  var re: Double
  var im: Double
  init(_ re: Double, _ im: Double) { self.re = re; self.im = im }
  var hasNaN: Bool { re.isNaN || im.isNaN }
  var description: String { "(\(re), \(im))" }
}

func complexSample(_ kind: SampleKind, _ rng: inout SplitMix64) -> CD {
  switch kind {
  case .sum:
    return CD(realSample(.sum, &rng), realSample(.sum, &rng))
  case .product:
    // A unit (1, -1, i, -i) times 1, 2 or 1/2: all products exact.
    let scale: Double = rng.chance(0.04) ? (Bool.random(using: &rng) ? 2 : 0.5) : 1
    switch Int.random(in: 0..<4, using: &rng) {
    case 0: return CD(scale, 0)
    case 1: return CD(-scale, 0)
    case 2: return CD(0, scale)
    default: return CD(0, -scale)
    }
  case .max, .min:
    func part() -> Double {
      let k = Int.random(in: -2...2, using: &rng)
      return k == 0 ? (Bool.random(using: &rng) ? 0.0 : -0.0) : Double(k)
    }
    return CD(part(), part())
  case .logAddExp:
    return CD(Double.random(in: -4...4, using: &rng), Double.random(in: -0.5...0.5, using: &rng))
  }
}

private func componentsMatch(_ got: CD, _ expected: CD, _ comparison: Comparison) -> Bool {
  switch comparison {
  case .exact:
    func same(_ a: Double, _ b: Double) -> Bool { b.isNaN ? a.isNaN : a.bitPattern == b.bitPattern }
    return same(got.re, expected.re) && same(got.im, expected.im)
  case .numeric(let tolerance):
    // A NaN result may carry its NaN in either part.
    if expected.hasNaN { return got.hasNaN }
    return numericMatch(got.re, expected.re, tolerance) && numericMatch(got.im, expected.im, tolerance)
  }
}

extension Complex64Element: TestElement {
  var wide: CD { CD(Double(real), Double(imaginary)) }
  func matches(_ expected: CD, _ comparison: Comparison) -> Bool {
    if case .exact = comparison {
      return componentsMatch(wide, CD(Double(Float(expected.re)), Double(Float(expected.im))), .exact)
    }
    return componentsMatch(wide, expected, comparison)
  }
  static func sample(_ kind: SampleKind, _ rng: inout SplitMix64) -> Complex64Element {
    let value = complexSample(kind, &rng)
    return c64(Float(value.re), Float(value.im))
  }
  var text: String { "\(wide)" }
}

extension ScanComplex: TestElement where RealType == Double {
  var wide: CD { CD(real, imaginary) }
  func matches(_ expected: CD, _ comparison: Comparison) -> Bool {
    componentsMatch(wide, expected, comparison)
  }
  static func sample(_ kind: SampleKind, _ rng: inout SplitMix64) -> ScanComplex<Double> {
    let value = complexSample(kind, &rng)
    return ScanComplex(value.re, value.im)
  }
  var text: String { "\(wide)" }
}

/// A complex64 element from its two parts.
func c64(_ re: Float, _ im: Float) -> Complex64Element {
  var element = Complex64Element(narrowing: Complex128(0, 0))
  element.real = re
  element.imaginary = im
  return element
}

/// A bool element holding `byte` (NumPy reads any nonzero byte as true).
func boolByte(_ byte: UInt8) -> BoolByte {
  var element = BoolByte(narrowing: false)
  element.byte = byte
  return element
}

// MARK: - Reference operations

/// A scan operation in the reference type: where an exclusive scan starts,
/// and one step of the fold (`running`, then the next element in scan order).
struct RefOp<W> {
  let name: String
  let exclusiveStart: W
  let combine: (W, W) -> W
}

extension RefOp where W == Double {
  static var sum: RefOp { RefOp(name: "sum", exclusiveStart: 0.0, combine: { $0 + $1 }) }
  static var product: RefOp { RefOp(name: "prod", exclusiveStart: 1.0, combine: { $0 * $1 }) }
  /// NaN wins (the first one); otherwise the larger, the later one on ties.
  static var maximum: RefOp {
    RefOp(name: "max", exclusiveStart: -.infinity) { a, b in
      if a.isNaN { return a }
      if b.isNaN { return b }
      return a > b ? a : b
    }
  }
  static var minimum: RefOp {
    RefOp(name: "min", exclusiveStart: .infinity) { a, b in
      if a.isNaN { return a }
      if b.isNaN { return b }
      return a < b ? a : b
    }
  }
  static var logAddExp: RefOp {
    RefOp(name: "logaddexp", exclusiveStart: -.infinity) { a, b in
      if a.isNaN || b.isNaN { return .nan }
      let high = Swift.max(a, b), low = Swift.min(a, b)
      if high == -.infinity { return -.infinity }
      if high == .infinity { return .infinity }
      return high + log1p(exp(low - high))
    }
  }
}

extension RefOp where W: FixedWidthInteger {
  static var wrappingSum: RefOp { RefOp(name: "sum", exclusiveStart: 0, combine: { $0 &+ $1 }) }
  static var wrappingProduct: RefOp { RefOp(name: "prod", exclusiveStart: 1, combine: { $0 &* $1 }) }
  static var maximum: RefOp { RefOp(name: "max", exclusiveStart: W.min, combine: { Swift.max($0, $1) }) }
  static var minimum: RefOp { RefOp(name: "min", exclusiveStart: W.max, combine: { Swift.min($0, $1) }) }
}

extension RefOp where W == Bool {
  static var and: RefOp { RefOp(name: "and", exclusiveStart: true, combine: { $0 && $1 }) }
  static var or: RefOp { RefOp(name: "or", exclusiveStart: false, combine: { $0 || $1 }) }
}

extension RefOp where W == CD {
  static var sum: RefOp { RefOp(name: "sum", exclusiveStart: CD(0, 0)) { CD($0.re + $1.re, $0.im + $1.im) } }
  static var product: RefOp {
    RefOp(name: "prod", exclusiveStart: CD(1, 0)) { a, b in
      CD(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }
  }
  /// Lexicographic (real part, then imaginary part); NaN wins; later on ties.
  static var maximum: RefOp {
    RefOp(name: "max", exclusiveStart: CD(-.infinity, -.infinity)) { a, b in
      if a.hasNaN { return a }
      if b.hasNaN { return b }
      return (a.re > b.re || (a.re == b.re && a.im > b.im)) ? a : b
    }
  }
  static var minimum: RefOp {
    RefOp(name: "min", exclusiveStart: CD(.infinity, .infinity)) { a, b in
      if a.hasNaN { return a }
      if b.hasNaN { return b }
      return (a.re < b.re || (a.re == b.re && a.im < b.im)) ? a : b
    }
  }
  /// log(exp(a) + exp(b)) with complex exp and log written out on Double.
  static var logAddExp: RefOp {
    RefOp(name: "logaddexp", exclusiveStart: CD(-.infinity, 0)) { a, b in
      if a.hasNaN || b.hasNaN { return CD(.nan, .nan) }
      let (high, low) = a.re >= b.re ? (a, b) : (b, a)
      if low.re == -.infinity || high.re == .infinity { return high }
      let magnitude = exp(low.re - high.re), angle = low.im - high.im
      let w = CD(1 + magnitude * cos(angle), magnitude * sin(angle))
      return CD(high.re + log(hypot(w.re, w.im)), high.im + atan2(w.im, w.re))
    }
  }
}

/// The scan of `xs` (already in scan order), one step at a time. Inclusive:
/// the first output is the first input; exclusive: the first output is the
/// operation's start, then each output folds one more input into it.
func referenceScan<W>(_ xs: [W], _ op: RefOp<W>, inclusive: Bool) -> [W] {
  guard let first = xs.first else { return [] }
  var out: [W] = []
  out.reserveCapacity(xs.count)
  if inclusive {
    var acc = first
    out.append(acc)
    for x in xs.dropFirst() {
      acc = op.combine(acc, x)
      out.append(acc)
    }
  } else {
    var acc = op.exclusiveStart
    out.append(acc)
    for x in xs.dropLast() {
      acc = op.combine(acc, x)
      out.append(acc)
    }
  }
  return out
}

// MARK: - Geometry

/// A scan problem in element units: shape, input and output strides (in
/// elements, any sign), axis (nil: flattened in C order into a dense 1-D
/// output, whatever `outputStrides` says), direction, inclusiveness, threads.
struct Geometry: CustomStringConvertible {
  var shape: [Int]
  var inputStrides: [Int]
  var outputStrides: [Int]
  var axis: Int?
  var reverse = false
  var inclusive = true
  var threads = 1

  var description: String {
    "shape \(shape) in-strides \(inputStrides) out-strides \(outputStrides) axis \(axis.map(String.init) ?? "nil")"
      + " \(reverse ? "reverse" : "forward") \(inclusive ? "inclusive" : "exclusive") threads \(threads)"
  }

  static func cStrides(_ shape: [Int]) -> [Int] {
    var strides = Array(repeating: 1, count: shape.count)
    var step = 1
    for d in shape.indices.reversed() {
      strides[d] = step
      step *= max(shape[d], 1)
    }
    return strides
  }

  static func fStrides(_ shape: [Int]) -> [Int] {
    var strides = Array(repeating: 1, count: shape.count)
    var step = 1
    for d in shape.indices {
      strides[d] = step
      step *= max(shape[d], 1)
    }
    return strides
  }

  /// A dense 1-D line of `count` elements.
  static func line(_ count: Int, axis: Int? = 0) -> Geometry {
    Geometry(shape: [count], inputStrides: [1], outputStrides: [1], axis: axis)
  }

  /// A dense array in C (`fortran: false`) or Fortran order, output laid out alike.
  static func dense(_ shape: [Int], fortran: Bool = false, axis: Int?) -> Geometry {
    let strides = fortran ? fStrides(shape) : cStrides(shape)
    return Geometry(shape: shape, inputStrides: strides, outputStrides: strides, axis: axis)
  }

  func with(reverse: Bool, inclusive: Bool) -> Geometry {
    var copy = self
    copy.reverse = reverse
    copy.inclusive = inclusive
    return copy
  }

  /// The four direction/inclusiveness variants.
  var variants: [Geometry] {
    [(false, true), (false, false), (true, true), (true, false)].map { with(reverse: $0.0, inclusive: $0.1) }
  }
}

/// Calls `body` with every multi-index of `shape`, in C order.
func forEachIndex(_ shape: [Int], _ body: ([Int]) -> Void) {
  if shape.contains(0) { return }
  var index = Array(repeating: 0, count: shape.count)
  while true {
    body(index)
    var d = shape.count - 1
    while d >= 0 {
      index[d] += 1
      if index[d] < shape[d] { break }
      index[d] = 0
      d -= 1
    }
    if d < 0 { return }
  }
}

func offset(_ index: [Int], _ strides: [Int]) -> Int {
  zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }
}

/// Lowest and highest element offsets `strides` reach over `shape` (0, 0 when empty).
func extent(_ shape: [Int], _ strides: [Int]) -> (low: Int, high: Int) {
  if shape.contains(0) { return (0, 0) }
  var low = 0, high = 0
  for (count, stride) in zip(shape, strides) {
    let reach = (count - 1) * stride
    if reach < 0 { low += reach } else { high += reach }
  }
  return (low, high)
}

// MARK: - The harness

/// Runs `ScanEngine<E, Op>` on `geometry` over an input buffer whose element
/// slot `i` (counting from the lowest address the strides reach) holds
/// `input(i)`, and compares every output with the reference scan. Also checks
/// that the engine returns `.done`, leaves the input alone, and writes nothing
/// outside the output elements (the output buffer has guard elements around
/// it and, for strided outputs, gaps). Returns the failures, at most a few.
func runAndCompare<E: TestElement>(
  _: E.Type, _ ref: RefOp<E.Wide>, _ comparison: Comparison,
  _ geometry: Geometry, name: String, run: Runner, input: (Int) -> E
) -> [String] {
  let elementSize = MemoryLayout<E>.stride
  let shape = geometry.shape
  let total = shape.reduce(1, *)
  var failures: [String] = []
  func fail(_ message: String) {
    if failures.count < 6 { failures.append("\(name), \(geometry): \(message)") }
  }

  let inExtent = extent(shape, geometry.inputStrides)
  let inCount = inExtent.high - inExtent.low + 1
  let inputBuffer = UnsafeMutablePointer<E>.allocate(capacity: inCount)
  defer { inputBuffer.deallocate() }
  for i in 0..<inCount { (inputBuffer + i).initialize(to: input(i)) }
  let inputCopy = Data(bytes: inputBuffer, count: inCount * elementSize)
  let inputBase = inputBuffer + (-inExtent.low)

  let guardElements = 3
  let outStrides = geometry.axis == nil ? Geometry.cStrides(shape) : geometry.outputStrides
  let outExtent = geometry.axis == nil
    ? (low: 0, high: max(total - 1, 0)) : extent(shape, outStrides)
  let outCount = outExtent.high - outExtent.low + 1 + 2 * guardElements
  let outputBuffer = UnsafeMutableRawPointer.allocate(byteCount: outCount * elementSize, alignment: 16)
  defer { outputBuffer.deallocate() }
  let sentinel: UInt8 = 0xA5
  outputBuffer.initializeMemory(as: UInt8.self, repeating: sentinel, count: outCount * elementSize)
  let outputBase = outputBuffer + (guardElements - outExtent.low) * elementSize

  let dimensions = shape.indices.map {
    Dimension(
      count: shape[$0], inputStride: geometry.inputStrides[$0] * elementSize,
      outputStride: geometry.outputStrides[$0] * elementSize)
  }
  let problem = Problem(
    input: UnsafeRawPointer(inputBase), output: outputBase, dimensions: dimensions,
    axis: geometry.axis, reverse: geometry.reverse, inclusive: geometry.inclusive, elementSize: elementSize,
    threads: geometry.threads)
  if let outcome = run(problem) { fail("outcome \(outcome)") }

  if Data(bytes: inputBuffer, count: inCount * elementSize) != inputCopy { fail("the input was modified") }

  // The lines in scan order: (input offsets, output offsets), in elements.
  var lines: [([Int], [Int])] = []
  if let axis = geometry.axis {
    var batchShape = shape
    batchShape[axis] = 1
    let length = shape[axis]
    forEachIndex(batchShape) { start in
      var index = start
      var ins: [Int] = [], outs: [Int] = []
      for step in 0..<length {
        index[axis] = geometry.reverse ? length - 1 - step : step
        ins.append(offset(index, geometry.inputStrides))
        outs.append(offset(index, outStrides))
      }
      lines.append((ins, outs))
    }
  } else {
    var ins: [Int] = []
    forEachIndex(shape) { ins.append(offset($0, geometry.inputStrides)) }
    var outs = Array(0..<ins.count)
    if geometry.reverse {
      ins.reverse()
      outs.reverse()
    }
    if !ins.isEmpty { lines.append((ins, outs)) }
  }

  var written = Array(repeating: false, count: outCount)
  for (lineNumber, (ins, outs)) in lines.enumerated() {
    let xs = ins.map { inputBase[$0].wide }
    let expected = referenceScan(xs, ref, inclusive: geometry.inclusive)
    for step in ins.indices {
      let slot = outs[step] - outExtent.low + guardElements
      if written[slot] { fail("the test's output layout overlaps itself at element \(outs[step])") }
      written[slot] = true
      let got = outputBase.load(fromByteOffset: outs[step] * elementSize, as: E.self)
      if !got.matches(expected[step], comparison) {
        fail("line \(lineNumber) step \(step) (output element \(outs[step])): got \(got.text), expected \(expected[step])")
      }
    }
  }
  let bytes = outputBuffer.assumingMemoryBound(to: UInt8.self)
  for slot in 0..<outCount where !written[slot] {
    if (0..<elementSize).contains(where: { bytes[slot * elementSize + $0] != sentinel }) {
      fail("wrote outside the output: element slot \(slot - guardElements + outExtent.low)")
    }
  }
  return failures
}

/// One (storage type, operation) pair with its reference, random inputs and comparison.
struct ScanCase {
  let name: String
  let byteSize: Int
  /// Runs the case on a geometry with random inputs from the seed; returns failures.
  let check: (Geometry, UInt64) -> [String]
}

/// A scan as the engine's callers describe it: byte strides, an axis or nil.
struct Problem {
  var input: UnsafeRawPointer
  var output: UnsafeMutableRawPointer
  var dimensions: [Dimension]
  var axis: Int?
  var reverse: Bool
  var inclusive: Bool
  var elementSize: Int
  var threads: Int

  var geometry: ScanGeometry {
    ScanGeometry(
      input: input, output: output, dimensions: dimensions, axis: axis, reverse: reverse, inclusive: inclusive,
      elementSize: elementSize)
  }
}

/// Runs a scan: nil when it completes, otherwise what it returned.
typealias Runner = (Problem) -> String?

/// The engine with the scalar (chunked) tile scanner, the public `ScanEngine`.
func chunkedRunner<E: ScanElement, Op: ScanOperation>(_: E.Type, _: Op.Type) -> Runner
where Op.Value == E.Accumulator {
  { problem in
    let outcome = ScanEngine<E, Op>.run(problem.geometry, threads: problem.threads)
    return outcome == .done ? nil : "\(outcome)"
  }
}

/// The engine with the vector tile scanner (what the C entry point uses for
/// integers and real types with sum, product, max and min).
func vectorRunner<E: VectorScanElement, Op: VectorScanOperation>(_: E.Type, _: Op.Type) -> Runner
where Op.Value == E.Accumulator {
  { problem in
    let outcome = TiledScanEngine<VectorTiles<E, Op>>.run(problem.geometry, threads: problem.threads)
    return outcome == .done ? nil : "\(outcome)"
  }
}

/// The C entry point `mlxl_scan` (threads as the engine chooses).
func cRunner(op: mlxl_op, dtype: mlxl_dtype) -> Runner {
  { problem in
    var c = mlxl_scan_problem()
    c.op = Int32(op.rawValue)
    c.dtype = Int32(dtype.rawValue)
    c.ndim = Int32(problem.dimensions.count)
    c.axis = problem.axis.map(Int32.init) ?? -1
    c.reverse = problem.reverse ? 1 : 0
    c.inclusive = problem.inclusive ? 1 : 0
    c.input = problem.input
    c.output = problem.output
    // Flattened (axis -1), the output is dense: output_strides[0] = 0 says so
    // (a nonzero one would be a strided 1-D output).
    setDimensions(&c, problem.axis == nil
      ? problem.dimensions.map { Dimension(count: $0.count, inputStride: $0.inputStride, outputStride: 0) }
      : problem.dimensions)
    let status = mlxl_scan(&c)
    return status == Int32(MLXL_STATUS_OK.rawValue) ? nil : "status \(status)"
  }
}

/// Writes shape and strides into the fixed-size arrays of a C problem.
func setDimensions(_ problem: inout mlxl_scan_problem, _ dimensions: [Dimension]) {
  withUnsafeMutableBytes(of: &problem.shape) { shape in
    for (index, dimension) in dimensions.enumerated() {
      shape.storeBytes(of: Int64(dimension.count), toByteOffset: index * 8, as: Int64.self)
    }
  }
  withUnsafeMutableBytes(of: &problem.input_strides) { strides in
    for (index, dimension) in dimensions.enumerated() {
      strides.storeBytes(of: Int64(dimension.inputStride), toByteOffset: index * 8, as: Int64.self)
    }
  }
  withUnsafeMutableBytes(of: &problem.output_strides) { strides in
    for (index, dimension) in dimensions.enumerated() {
      strides.storeBytes(of: Int64(dimension.outputStride), toByteOffset: index * 8, as: Int64.self)
    }
  }
}

func makeCase<E: TestElement>(
  _: E.Type, _ ref: RefOp<E.Wide>, _ kind: SampleKind, _ comparison: Comparison, suffix: String = "",
  run: @escaping Runner
) -> ScanCase {
  let name = "\(E.self) \(kind)\(suffix)"
  return ScanCase(name: name, byteSize: MemoryLayout<E>.stride) { geometry, seed in
    var rng = SplitMix64(seed: seed)
    return runAndCompare(E.self, ref, comparison, geometry, name: name, run: run) { _ in E.sample(kind, &rng) }
  }
}

func scanCase<E: TestElement, Op: ScanOperation>(
  _: E.Type, _: Op.Type, _ ref: RefOp<E.Wide>, _ kind: SampleKind, _ comparison: Comparison = .exact
) -> ScanCase where Op.Value == E.Accumulator {
  makeCase(E.self, ref, kind, comparison, run: chunkedRunner(E.self, Op.self))
}

func vectorCase<E: TestElement & VectorScanElement, Op: VectorScanOperation>(
  _: E.Type, _: Op.Type, _ ref: RefOp<E.Wide>, _ kind: SampleKind, _ comparison: Comparison = .exact
) -> ScanCase where Op.Value == E.Accumulator {
  makeCase(E.self, ref, kind, comparison, suffix: " [vector]", run: vectorRunner(E.self, Op.self))
}

func integerCases<I>(_: I.Type) -> [ScanCase]
where I: TestInteger & VectorScanElement & ScanVectorSummable & ScanVectorMultiplicable & ScanVectorOrdered, I.Accumulator == I {
  [
    scanCase(I.self, SumOp<I>.self, .wrappingSum, .sum),
    scanCase(I.self, ProductOp<I>.self, .wrappingProduct, .product),
    scanCase(I.self, MaxOp<I>.self, .maximum, .max),
    scanCase(I.self, MinOp<I>.self, .minimum, .min),
    vectorCase(I.self, SumOp<I>.self, .wrappingSum, .sum),
    vectorCase(I.self, ProductOp<I>.self, .wrappingProduct, .product),
    vectorCase(I.self, MaxOp<I>.self, .maximum, .max),
    vectorCase(I.self, MinOp<I>.self, .minimum, .min),
  ]
}

func realCases<E: TestReal & VectorScanElement>(_: E.Type, logTolerance: Double) -> [ScanCase]
where E.Accumulator: ScanVectorSummable & ScanVectorMultiplicable & ScanVectorOrdered & ScanLogAddExp {
  [
    scanCase(E.self, SumOp<E.Accumulator>.self, .sum, .sum),
    scanCase(E.self, ProductOp<E.Accumulator>.self, .product, .product),
    scanCase(E.self, MaxOp<E.Accumulator>.self, .maximum, .max),
    scanCase(E.self, MinOp<E.Accumulator>.self, .minimum, .min),
    scanCase(E.self, LogAddExpOp<E.Accumulator>.self, .logAddExp, .logAddExp, .numeric(logTolerance)),
    vectorCase(E.self, SumOp<E.Accumulator>.self, .sum, .sum),
    vectorCase(E.self, ProductOp<E.Accumulator>.self, .product, .product),
    vectorCase(E.self, MaxOp<E.Accumulator>.self, .maximum, .max),
    vectorCase(E.self, MinOp<E.Accumulator>.self, .minimum, .min),
  ]
}

func complexCases<E: TestElement>(_: E.Type, logTolerance: Double) -> [ScanCase]
where E.Wide == CD, E.Accumulator == Complex128 {
  [
    scanCase(E.self, SumOp<Complex128>.self, .sum, .sum),
    // Exact values, but the sign of a zero part depends on the association.
    scanCase(E.self, ProductOp<Complex128>.self, .product, .product, .numeric(0)),
    scanCase(E.self, MaxOp<Complex128>.self, .maximum, .max),
    scanCase(E.self, MinOp<Complex128>.self, .minimum, .min),
    scanCase(E.self, LogAddExpOp<Complex128>.self, .logAddExp, .logAddExp, .numeric(logTolerance)),
  ]
}

/// Every supported (storage type, operation) pair with the scalar tile
/// scanner (62 cases), and again with the vector one where it exists (48).
let allCases: [ScanCase] = {
  var cases: [ScanCase] = [
    scanCase(BoolByte.self, ProductOp<Bool>.self, .and, .product),
    scanCase(BoolByte.self, MaxOp<Bool>.self, .or, .max),
    scanCase(BoolByte.self, MinOp<Bool>.self, .and, .min),
  ]
  cases += integerCases(Int8.self)
  cases += integerCases(Int16.self)
  cases += integerCases(Int32.self)
  cases += integerCases(Int64.self)
  cases += integerCases(UInt8.self)
  cases += integerCases(UInt16.self)
  cases += integerCases(UInt32.self)
  cases += integerCases(UInt64.self)
  cases += realCases(Half.self, logTolerance: 1e-3)
  cases += realCases(BFloat16.self, logTolerance: 8e-3)
  cases += realCases(Float.self, logTolerance: 2.5e-7)
  cases += realCases(Double.self, logTolerance: 1e-11)
  cases += complexCases(Complex64Element.self, logTolerance: 2.5e-7)
  cases += complexCases(Complex128.self, logTolerance: 1e-11)
  return cases
}()

/// A few cases covering every element size (1, 2, 4, 8, 16 bytes) and every
/// operation, for the geometry tests.
let geometryCases: [ScanCase] = {
  let names: Set = [
    "BoolByte max", "Int8 sum", "Half sum", "BFloat16 min", "UInt16 max", "Int32 product", "Float sum",
    "Double logAddExp", "Int64 max", "Complex64Element sum", "ScanComplex<Double> product",
    "Int8 sum [vector]", "Half max [vector]", "Int32 product [vector]", "Float sum [vector]", "Double min [vector]",
  ]
  return allCases.filter { names.contains($0.name) }
}()

/// Runs `cases` on every geometry, reporting failures at the caller's line.
func check(
  _ cases: [ScanCase], _ geometries: [Geometry], seed: UInt64 = 1,
  file: StaticString = #filePath, line: UInt = #line
) {
  var seed = seed
  for geometry in geometries {
    for scanCase in cases {
      seed &+= 1
      for failure in scanCase.check(geometry, seed) { XCTFail(failure, file: file, line: line) }
    }
  }
}

// MARK: - Small direct scans

/// The scan of a dense 1-D array by `run`.
func scan1D<E: ScanElement>(
  _ input: [E], reverse: Bool = false, inclusive: Bool = true, threads: Int = 1, run: Runner,
  file: StaticString = #filePath, line: UInt = #line
) -> [E] {
  guard !input.isEmpty else { return [] }
  var output = input
  let size = MemoryLayout<E>.stride
  let outcome: String? = input.withUnsafeBytes { inBytes in
    output.withUnsafeMutableBytes { outBytes in
      run(Problem(
        input: inBytes.baseAddress!, output: outBytes.baseAddress!,
        dimensions: [Dimension(count: input.count, inputStride: size, outputStride: size)],
        axis: 0, reverse: reverse, inclusive: inclusive, elementSize: size, threads: threads))
    }
  }
  XCTAssertNil(outcome, file: file, line: line)
  return output
}

/// The scan of a dense 1-D array by the public `ScanEngine<E, Op>`.
func scan1D<E: ScanElement, Op: ScanOperation>(
  _ input: [E], _: Op.Type, reverse: Bool = false, inclusive: Bool = true, threads: Int = 1,
  file: StaticString = #filePath, line: UInt = #line
) -> [E] where Op.Value == E.Accumulator {
  scan1D(input, reverse: reverse, inclusive: inclusive, threads: threads, run: chunkedRunner(E.self, Op.self),
         file: file, line: line)
}

/// Runs `values` as a dense line, in all four direction/inclusiveness
/// variants, through every runner, and compares with the reference.
func checkValues<E: TestElement>(
  _ values: [E], _ ref: RefOp<E.Wide>, _ comparison: Comparison = .exact, runners: [(String, Runner)],
  label: String = "", file: StaticString = #filePath, line: UInt = #line
) {
  for (runnerName, run) in runners {
    for geometry in Geometry.line(values.count).variants {
      let name = "\(E.self) \(ref.name) \(runnerName) \(label) input \(values.count <= 8 ? values.map(\.text).description : "")"
      for failure in runAndCompare(E.self, ref, comparison, geometry, name: name, run: run, input: { values[$0] }) {
        XCTFail(failure, file: file, line: line)
      }
    }
  }
}

/// Runs `body` with `MLX_LITE_NUM_THREADS` set, so that thread counts above
/// the machine's CPU count are honoured, then restores the variable.
func withThreadLimit<T>(_ limit: Int, _ body: () throws -> T) rethrows -> T {
  let name = "MLX_LITE_NUM_THREADS"
  let previous = getenv(name).map { String(cString: $0) }
  setenv(name, String(limit), 1)
  defer {
    if let previous { setenv(name, previous, 1) } else { unsetenv(name) }
  }
  return try body()
}
