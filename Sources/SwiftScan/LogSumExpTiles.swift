import RealModule
import VectorShims

/// logcumsumexp on float storage, rescaled per tile, in vectors of four doubles.
///
/// The scalar path (`ChunkedTiles` with `LogAddExpOp`) spends an `exp` and a
/// `log1p` on every element in one dependent chain: 1-D float32 10^7 took
/// about 170 ms, 45-90 times a copy (float64, which took it until it had a
/// `LogSumExpElement` conformance, 151-218 ms, 20-27 times a copy). Here a tile of up to `tileElements`
/// elements takes two passes over data already in L1:
///
/// 1. `m`, the tile's maximum (NaN kept);
/// 2. `P_i = Σ_{j≤i} exp(x_j - m)`, summed in double (an in-vector prefix,
///    then a running total), and each output
///    `M + log(exp(carry - M) + P_i exp(m - M))` with `M = max(carry, m)`:
///    that is `carry ⊕ log-sum-exp(x_0…x_i)`, one FMA, one exp and one log per
///    element, the exps and logs four at a time (VectorShims' vector_math.h).
///
/// The tile's total is `m + log(P_last)`: it does not depend on the carry, so
/// `tileTotal` gets the same bits from the same pass 2 without the outputs.
///
/// When the rescaling could lose the answer, the tile is the scalar path's
/// (its outputs and total, bit for bit): `m` not finite (NaN, +inf, or all
/// -inf), or `P_0 < 2^-960` (the first element more than about 660 below the
/// tile's maximum: P_0, and so the sums after it, would be subnormal or zero;
/// from 2^-960 on they keep full precision, and terms flushed to zero below
/// e^-708 change them by less than 2^-100 relative). The choice depends on the
/// tile's data alone, so it is the same for every thread count.
///
/// Only tiles contiguous forward or backward take the vector path (the others,
/// in `scanTile` and `tileTotal` alike, go to `ChunkedTiles`).
public enum LogSumExpTiles<Element: LogSumExpElement>: TileScanner {
  public typealias Operation = LogAddExpOp<Element.Accumulator>
  public typealias Value = Element.Accumulator
  typealias Scalar = ChunkedTiles<Element, Operation>
  typealias Quad = SIMD4<Double>

  static var size: Int { MemoryLayout<Element>.stride }

  /// 2^-960: the least first term of a tile's sum that keeps every sum after it a normal number.
  static var smallestFirstTerm: Double { 0x1p-960 }

  /// Quads per stretch of `walk`'s two phases: 2 KiB staged on the stack, in
  /// L1 beside the tile. (A lane chunk stages a whole row: `scanChunk`.)
  static var stagedQuads: Int { 64 }

  @inline(__always)
  static func direction(_ inputStride: Int, _ outputStride: Int) -> Int {
    if inputStride == size && outputStride == size { return 1 }
    if inputStride == -size && outputStride == -size { return -1 }
    return 0
  }

  /// Four elements in scan order from `index`, or fewer (`count` of them,
  /// the rest `fill`) at a tile's end.
  @inline(__always)
  static func load(_ base: UnsafeRawPointer, _ index: Int, step: Int, count: Int = 4, fill: Double = -.infinity) -> Quad {
    if count == 4 {
      if step > 0 { return Element.load4(base + index &* size) }
      return mlxl_reversed_double4(Element.load4(base - (index &+ 3) &* size))
    }
    var quad = Quad(repeating: fill)
    for lane in 0..<count {
      quad[lane] = Element.double(base.load(fromByteOffset: (index &+ lane) &* step &* size, as: Element.self).widened)
    }
    return quad
  }

  @inline(__always)
  static func store(_ quad: Quad, _ base: UnsafeMutableRawPointer, _ index: Int, step: Int, count: Int = 4) {
    if count == 4 {
      if step > 0 {
        Element.store4(quad, base + index &* size)
      } else {
        Element.store4(mlxl_reversed_double4(quad), base - (index &+ 3) &* size)
      }
      return
    }
    for lane in 0..<count {
      base.storeBytes(
        of: Element(narrowing: Element.accumulator(quad[lane])), toByteOffset: (index &+ lane) &* step &* size,
        as: Element.self)
    }
  }

  /// The tile's maximum, NaN if it holds one.
  @inline(__always)
  static func maximum(_ source: UnsafeRawPointer, count: Int, step: Int) -> Double {
    // Two running maxima, each a chain of a compare and a blend per quad:
    // with one, this pass took a tenth of the tile's time (perf).
    var running = Quad(repeating: -.infinity), other = running
    var index = 0
    while index &+ 8 <= count {
      running = mlxl_max_nan_double4(running, load(source, index, step: step))
      other = mlxl_max_nan_double4(other, load(source, index &+ 4, step: step))
      index &+= 8
    }
    running = mlxl_max_nan_double4(running, other)
    while index < count {
      running = mlxl_max_nan_double4(running, load(source, index, step: step, count: min(4, count &- index)))
      index &+= 4
    }
    var result = running[0]
    for lane in 1..<4 where running[lane] > result || running[lane].isNaN { result = running[lane] }
    return result
  }

  /// Pass 2 of a tile whose maximum `m` is finite: the sums `P_i` and, when
  /// there is a target, the outputs from `carry`. Returns the tile's total,
  /// or nil (before writing anything) when `P_0` is too small (see above).
  /// Inlined with a literal nil target, the same sums give `tileTotal`'s bits.
  ///
  /// `nearZero` is set when an output is below `2^-24 (|M| + 8)` in
  /// magnitude: `M + log(s)` then cancels, and its absolute error (a few
  /// ulps of M) is more than a float32 ulp of the output. The scalar path,
  /// whose log1p starts from the running value rather than the tile's
  /// maximum, keeps those exact (logaddexp(0, -25) = 1.4e-11: 700 ulps off
  /// here against the scalar path's 0), so `scanTile` rewrites such tiles with it.
  @inline(__always)
  static func walk(
    _ source: UnsafeRawPointer, _ target: UnsafeMutableRawPointer?, count: Int, maximum m: Double,
    carry: Double, step: Int, nearZero: inout Bool
  ) -> Double? {
    let high = max(carry, m)
    // One of the two is exp(0) = 1; a -inf carry gives 0.
    let carryTerm = Quad(repeating: carry == -.infinity ? 0 : .exp(carry - high))
    let tileScale = Quad(repeating: .exp(m - high))
    let shift = Quad(repeating: m)
    let highs = Quad(repeating: high)
    // A stretch of `stagedQuads` quads at a time in phases: their exps, their
    // sums (staged as `exp(c - H) + P_i exp(m - H)`), then their logs.
    // One loop doing all per quad was latency-bound: an exp's chain, then
    // the log's, on every quad left the out-of-order window too few quads to
    // overlap. The same operations on the same values: the same bits.
    let walked = withUnsafeTemporaryAllocation(of: Quad.self, capacity: stagedQuads) { buffer -> (Quad, Quad)? in
      let staged = buffer.baseAddress!
      var running = Quad(repeating: 0)
      var smallest = Quad(repeating: .infinity)
      var start = 0
      while start < count {
        let end = min(count, start &+ stagedQuads &* 4)
        var index = start, quad = 0
        while index < end {
          let terms = mlxl_exp_nonpositive_double4(
            mlxl_difference_double4(load(source, index, step: step, count: min(4, count &- index)), shift),
            Element.precisionBits)
          if index == 0 && !(terms[0] >= smallestFirstTerm) { return nil }
          staged[quad] = terms
          index &+= 4
          quad &+= 1
        }
        // The sums in a loop of their own: beside the exp's constants the
        // running total was spilled, a store and a load in the chain from
        // each quad to the next (perf). A quad's own prefix, then the running
        // total added: the chain is one addition (running + local[3] is the
        // last lane of running + local, the same bits).
        for staging in 0..<quad {
          let local = mlxl_prefix_sum_double4(staged[staging], Quad(repeating: 0))
          let sums = mlxl_sum_double4(running, local)
          running = mlxl_sum_double4(running, mlxl_last_lane_double4(local))
          if target != nil { staged[staging] = mlxl_fma_double4(sums, tileScale, carryTerm) }
        }
        if let target {
          index = start
          quad = 0
          while index < end {
            let outputs = mlxl_sum_double4(highs, mlxl_log_double4(staged[quad], Element.precisionBits))
            store(outputs, target, index, step: step, count: min(4, count &- index))
            smallest = mlxl_min_magnitude_double4(smallest, outputs)
            index &+= 4
            quad &+= 1
          }
        }
        start = end
      }
      return (running, smallest)
    }
    guard let (running, smallest) = walked else { return nil }
    if target != nil {
      let limit = Element.cancellation * (high.magnitude + Element.cancellationOffset)
      nearZero = smallest[0] < limit || smallest[1] < limit || smallest[2] < limit || smallest[3] < limit
    }
    // The vector log, as the outputs have it: from the neutral element the
    // last output is this total, bit for bit (glibc's log differed from it in
    // the last bit of float64 outputs).
    return mlxl_sum_double4(Quad(repeating: m), mlxl_log_double4(running, Element.precisionBits))[0]
  }

  public static func scanTile(
    _ input: UnsafeRawPointer, _ inputStride: Int,
    _ output: UnsafeMutableRawPointer, _ outputStride: Int,
    count: Int, carry: Value, scratch: UnsafeMutablePointer<Value>
  ) -> Value {
    let step = direction(inputStride, outputStride)
    if step != 0 && count > 0 && UnsafeRawPointer(output) == input {
      // In place (a cast input is converted into the result, then scanned
      // there): the fallbacks below read the tile again after outputs are
      // written, so they read a copy of it. The same bits as out of place.
      let low = step > 0 ? input : input - (count &- 1) &* size
      return withUnsafeTemporaryAllocation(byteCount: count &* size, alignment: 16) { copy in
        copy.baseAddress!.copyMemory(from: low, byteCount: count &* size)
        let source = UnsafeRawPointer(copy.baseAddress!) + (step > 0 ? 0 : (count &- 1) &* size)
        return scanTile(source, inputStride, output, outputStride, count: count, carry: carry, scratch: scratch)
      }
    }
    if step != 0 && count > 0 {
      let m = maximum(input, count: count, step: step)
      var nearZero = false
      if m.isFinite {
        let wide = Element.double(carry)
        if !(wide < .infinity) {
          // A NaN or +inf carry is every output (the tile holds no NaN), as in the scalar path.
          let saturated = Element(narrowing: carry)
          for index in 0..<count { output.storeBytes(of: saturated, toByteOffset: index &* step &* size, as: Element.self) }
          if let total = step > 0
            ? walk(input, nil, count: count, maximum: m, carry: -.infinity, step: 1, nearZero: &nearZero)
            : walk(input, nil, count: count, maximum: m, carry: -.infinity, step: -1, nearZero: &nearZero)
          { return Element.accumulator(total) }
        } else if let total = step > 0
          ? walk(input, output, count: count, maximum: m, carry: wide, step: 1, nearZero: &nearZero)
          : walk(input, output, count: count, maximum: m, carry: wide, step: -1, nearZero: &nearZero)
        {
          if nearZero {
            // The outputs are the scalar path's; the total stays this path's, as `tileTotal` has it.
            _ = Scalar.scanTile(input, inputStride, output, outputStride, count: count, carry: carry, scratch: scratch)
          }
          return Element.accumulator(total)
        }
      }
    }
    return Scalar.scanTile(input, inputStride, output, outputStride, count: count, carry: carry, scratch: scratch)
  }

  public static func tileTotal(
    _ input: UnsafeRawPointer, _ inputStride: Int, outputStride: Int, count: Int
  ) -> Value {
    let step = direction(inputStride, outputStride)
    if step != 0 && count > 0 {
      let m = maximum(input, count: count, step: step)
      var nearZero = false
      if m.isFinite,
        let total = step > 0
          ? walk(input, nil, count: count, maximum: m, carry: -.infinity, step: 1, nearZero: &nearZero)
          : walk(input, nil, count: count, maximum: m, carry: -.infinity, step: -1, nearZero: &nearZero)
      {
        return Element.accumulator(total)
      }
    }
    return Scalar.tileTotal(input, inputStride, outputStride: outputStride, count: count)
  }

  /// A lane scan's step, four lanes at a time: `local ⊕= input`, then
  /// `output = carry ⊕ local`, each a vector log-add-exp in double
  /// (`mlxl_logaddexp_double4`: the same rules as `ScanLogAddExp`); the last
  /// `count % 4` lanes take the scalar combine. Lanes sit at fixed positions,
  /// so every lane always takes the same one: the same bits for every thread count.
  public static func accumulateRow(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer?,
    local: UnsafeMutablePointer<Value>, carry: UnsafePointer<Value>, count: Int
  ) {
    var index = 0
    while index &+ 4 <= count {
      let value = mlxl_logaddexp_double4(Element.loadAccumulators(local + index), Element.load4(input + index &* size))
      Element.storeAccumulators(value, local + index)
      if let output {
        Element.store4(mlxl_logaddexp_double4(Element.loadAccumulators(carry + index), value), output + index &* size)
      }
      index &+= 4
    }
    while index < count {
      let value = Operation.combine(local[index], input.load(fromByteOffset: index &* size, as: Element.self).widened)
      local[index] = value
      output?.storeBytes(
        of: Element(narrowing: Operation.combine(carry[index], value)), toByteOffset: index &* size, as: Element.self)
      index &+= 1
    }
  }
}

/// A float storage type whose logcumsumexp `LogSumExpTiles` computes: four
/// elements at a time as doubles, and its accumulator to and from a double.
/// (float32 carries in `Double`, float16 and bfloat16 in `Float`; the tiles
/// compute in double either way: an exp and a log in float would be too
/// coarse for outputs near zero, where their absolute error is what counts.)
public protocol LogSumExpElement: ScanElement where Accumulator: ScanLogAddExp & Real & BinaryFloatingPoint {
  static func load4(_ address: UnsafeRawPointer) -> SIMD4<Double>
  /// Rounded to the accumulator, then to storage (one rounding for float32).
  static func store4(_ values: SIMD4<Double>, _ address: UnsafeMutableRawPointer)
  static func loadAccumulators(_ address: UnsafePointer<Accumulator>) -> SIMD4<Double>
  static func storeAccumulators(_ values: SIMD4<Double>, _ address: UnsafeMutablePointer<Accumulator>)
  static func double(_ value: Accumulator) -> Double
  static func accumulator(_ value: Double) -> Accumulator
  /// Outputs below `cancellation * (|M| + cancellationOffset)` in magnitude
  /// are the scalar path's: there `M + log(s)`, whose absolute error is a few
  /// double ulps of `|M|` plus a few of 1 (the log's and the sums'), would be
  /// more than about an ulp of the output.
  static var cancellation: Double { get }
  static var cancellationOffset: Double { get }
  /// The precision of the vector exps and logs (VectorShims' `MLXL_BITS_*`):
  /// what this type's outputs need, and no more (fewer polynomial terms).
  static var precisionBits: Int32 { get }
}

extension LogSumExpElement {
  /// 2^-24 (|M| + 8): a double ulp of `|M| + 8` is 2^-29 float32 ulps of an output that large.
  @inline(__always) public static var cancellation: Double { 0x1p-24 }
  @inline(__always) public static var cancellationOffset: Double { 8 }
}

/// Accumulators that are doubles already (float32's and float64's).
extension LogSumExpElement where Accumulator == Double {
  @inline(__always) public static func loadAccumulators(_ address: UnsafePointer<Double>) -> SIMD4<Double> {
    UnsafeRawPointer(address).loadUnaligned(as: SIMD4<Double>.self)
  }
  @inline(__always)
  public static func storeAccumulators(_ values: SIMD4<Double>, _ address: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(address).storeBytes(of: values, as: SIMD4<Double>.self)
  }
  @inline(__always) public static func double(_ value: Double) -> Double { value }
  @inline(__always) public static func accumulator(_ value: Double) -> Double { value }
}

extension Float: LogSumExpElement {
  @inline(__always) public static var precisionBits: Int32 { MLXL_BITS_SINGLE }
  @inline(__always) public static func load4(_ address: UnsafeRawPointer) -> SIMD4<Double> {
    mlxl_widen_float4(address.loadUnaligned(as: SIMD4<Float>.self))
  }
  @inline(__always) public static func store4(_ values: SIMD4<Double>, _ address: UnsafeMutableRawPointer) {
    address.storeBytes(of: mlxl_narrow_double4(values), as: SIMD4<Float>.self)
  }
}

extension SixteenBitFloat {
  @inline(__always) public static var precisionBits: Int32 { MLXL_BITS_HALF }
  @inline(__always) public static func load4(_ address: UnsafeRawPointer) -> SIMD4<Double> {
    mlxl_widen_float4(widen(address.loadUnaligned(as: SIMD4<UInt16>.self)))
  }
  @inline(__always) public static func store4(_ values: SIMD4<Double>, _ address: UnsafeMutableRawPointer) {
    address.storeBytes(of: narrow(mlxl_narrow_double4(values)), as: SIMD4<UInt16>.self)
  }
  @inline(__always) public static func loadAccumulators(_ address: UnsafePointer<Float>) -> SIMD4<Double> {
    mlxl_widen_float4(UnsafeRawPointer(address).loadUnaligned(as: SIMD4<Float>.self))
  }
  @inline(__always)
  public static func storeAccumulators(_ values: SIMD4<Double>, _ address: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(address).storeBytes(of: mlxl_narrow_double4(values), as: SIMD4<Float>.self)
  }
  @inline(__always) public static func double(_ value: Float) -> Double { Double(value) }
  @inline(__always) public static func accumulator(_ value: Double) -> Float { Float(value) }
}

/// float64 in float64: the sums in double lose nothing against the scalar
/// chain (an exp and a log1p per element, each rounded, the error of every step
/// carried to the next). Measured on 2 * 10^5 elements against a long-double
/// sequential reference: the tiles' largest error is 1.9 ulps (uniform in
/// [-30, 30]) and 2.6 (standard normal), NumPy's `logaddexp.accumulate`'s 540 and 125.
extension Double: LogSumExpElement {
  @inline(__always) public static func load4(_ address: UnsafeRawPointer) -> SIMD4<Double> {
    address.loadUnaligned(as: SIMD4<Double>.self)
  }
  @inline(__always) public static func store4(_ values: SIMD4<Double>, _ address: UnsafeMutableRawPointer) {
    address.storeBytes(of: values, as: SIMD4<Double>.self)
  }
  /// (|M| + 1) / 2: an output that large is within a few ulps. With
  /// (|M| + 8) / 16, lanes of uniform [-30, 30] values 300 rows long were 16
  /// ulps off (against 6.7 for the scalar chain) where the first outputs are
  /// small against the lane's maximum. Below, the scalar chain's error (of its
  /// earlier, larger values) is no smaller in absolute terms, but it keeps
  /// outputs such as logaddexp(0, -25) = 1.4e-11 exact. Outputs near their
  /// maximum, as in long scans, stay on this path.
  @inline(__always) public static var cancellation: Double { 0.5 }
  @inline(__always) public static var cancellationOffset: Double { 1 }
  @inline(__always) public static var precisionBits: Int32 { MLXL_BITS_DOUBLE }
}

extension Half: LogSumExpElement {}
extension BFloat16: LogSumExpElement {}

/// The log-sum-exp tiles for `LogAddExpOp` on float64, float32, float16 and bfloat16,
/// nil for every other pair: called from the generic `kernel(_:_:)` overload
/// (EntryPoints.swift), where the metatype comparisons fold away once specialised.
func logSumExpKernel<Element: ScanElement, Operation: ScanOperation>(_: Element.Type, _: Operation.Type) -> Kernel? {
  if Operation.self == LogAddExpOp<Double>.self {
    if Element.self == Float.self { return kernel(LogSumExpTiles<Float>.self) }
    if Element.self == Double.self { return kernel(LogSumExpTiles<Double>.self) }
  }
  if Operation.self == LogAddExpOp<Float>.self {
    if Element.self == Half.self { return kernel(LogSumExpTiles<Half>.self) }
    if Element.self == BFloat16.self { return kernel(LogSumExpTiles<BFloat16>.self) }
  }
  return nil
}
