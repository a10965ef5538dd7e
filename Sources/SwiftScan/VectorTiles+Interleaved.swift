/// A few channels along a long axis, `(n, c)` along axis 0 with `c` of 2 to 7:
/// one run of elements in which element `p` continues element `p - c`.
///
/// Eight elements at a time hold several rows' channels. Within the eight,
/// each lane folds the lanes `c`, `2c` and `4c` below it (the steps that stay
/// in the vector), from the neutral element; the vector then takes, per lane,
/// the last local value of its own sequence from the previous eight
/// (`periodCarry`), and writes `carry ⊕ local`, the carry laid out per lane
/// by a pattern that moves on by eight elements every step (`periodRotate`).
/// Row by row, the same scan is two short rows of scalar work per row, which
/// left `(2·10^6, 2)` float32 at 5x the time of a copy.
extension VectorTiles {
  public static func scanInterleaved(
    _ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer?, count: Int, period: Int, step: Int,
    carry: UnsafePointer<Value>, totals: UnsafeMutablePointer<Value>
  ) {
    if count >= 16, keepsAccuracyInterleaved, takesChannelRows(input, output, count: count, period: period, step: step) {
      scanChannelRows(input, output, count: count, period: period, step: step, carry: carry, totals: totals)
      return
    }
    guard step == 1, count >= 16, keepsAccuracyInterleaved else {
      Scalar.scanInterleaved(input, output, count: count, period: period, step: step, carry: carry, totals: totals)
      return
    }
    // Each case inlines the walk with a literal period, so every lane move is one shuffle.
    switch (period, output) {
    case (2, let output?): walkInterleaved(input, output, count: count, period: 2, carry: carry, totals: totals)
    case (3, let output?): walkInterleaved(input, output, count: count, period: 3, carry: carry, totals: totals)
    case (4, let output?): walkInterleaved(input, output, count: count, period: 4, carry: carry, totals: totals)
    case (5, let output?): walkInterleaved(input, output, count: count, period: 5, carry: carry, totals: totals)
    case (6, let output?): walkInterleaved(input, output, count: count, period: 6, carry: carry, totals: totals)
    case (7, let output?): walkInterleaved(input, output, count: count, period: 7, carry: carry, totals: totals)
    case (2, nil): walkInterleaved(input, nil, count: count, period: 2, carry: carry, totals: totals)
    case (3, nil): walkInterleaved(input, nil, count: count, period: 3, carry: carry, totals: totals)
    case (4, nil): walkInterleaved(input, nil, count: count, period: 4, carry: carry, totals: totals)
    case (5, nil): walkInterleaved(input, nil, count: count, period: 5, carry: carry, totals: totals)
    case (6, nil): walkInterleaved(input, nil, count: count, period: 6, carry: carry, totals: totals)
    case (7, nil): walkInterleaved(input, nil, count: count, period: 7, carry: carry, totals: totals)
    default:
      Scalar.scanInterleaved(input, output, count: count, period: period, step: step, carry: carry, totals: totals)
    }
  }

  /// Whether the interleaved walk's grouping (pairs of rows within eight
  /// elements, then the running value) costs no accuracy: integers and
  /// maximum/minimum are exact in any grouping, and a wider accumulator
  /// (float32 in float64) leaves each output one rounding from exact. A
  /// float64 sum carried in float64 is scanned row after row instead, in
  /// NumPy's own order within a block, so its error is never larger than
  /// NumPy's (SPEC §6; a (5000, 4) float64 column sum was 1.06x NumPy's error
  /// in vectors). Checked once per block.
  static var keepsAccuracyInterleaved: Bool {
    !(Value.self is any BinaryFloatingPoint.Type) || Operation.self is any SelectingOperation.Type
      || MemoryLayout<Value>.size > MemoryLayout<Element>.size
  }

  /// The walk of `scanInterleaved`, forward; `period` and whether `target` is
  /// nil are literals once inlined. With a nil target nothing is written and
  /// `carry` is not read: the same chain gives the reduce its totals' bits.
  @inline(__always)
  static func walkInterleaved(
    _ source: UnsafeRawPointer, _ target: UnsafeMutableRawPointer?, count: Int, period: Int,
    carry: UnsafePointer<Value>, totals: UnsafeMutablePointer<Value>
  ) {
    let n = Octet(repeating: Operation.neutral)
    var pattern = n
    if target != nil {
      for lane in 0..<8 { pattern[lane] = carry[lane % period] }
    }
    var previous = n
    var index = 0
    while index &+ 8 <= count {
      let v = lifted(loadOctet(source, index, step: 1))
      var local = Operation.combine(Value.shiftedUp(v, fill: n, by: period), v)
      if 2 &* period < 8 { local = Operation.combine(Value.shiftedUp(local, fill: n, by: 2 &* period), local) }
      local = Operation.combine(Value.periodCarry(previous, period: period), local)
      if let target {
        storeOctet(Operation.combine(pattern, local), target, index, step: 1)
        pattern = Value.periodRotate(pattern, period: period)
      }
      previous = local
      index &+= 8
    }
    // The last eight hold each sequence's latest local value.
    for lane in (8 &- period)..<8 { totals[(index &- 8 &+ lane) % period] = previous[lane] }
    while index < count {
      let sequence = index % period
      let offset = index &* size
      let value = Operation.combine(totals[sequence], Operation.lift(source.load(fromByteOffset: offset, as: Element.self).widened))
      totals[sequence] = value
      target?.storeBytes(
        of: Element(narrowing: Operation.combine(carry[sequence], value)), toByteOffset: offset, as: Element.self)
      index &+= 1
    }
  }
}
