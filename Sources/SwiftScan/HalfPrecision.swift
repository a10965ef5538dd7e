/// 16-bit floating-point storage: IEEE binary16 (NumPy's float16) and
/// bfloat16 (ml_dtypes'), both carried in `Float`.
///
/// The conversions are written out on the bits rather than taken from Swift's
/// `Float16`: on baseline x86-64 the compiler lowers `Float16` conversions to
/// a library call per element, and bfloat16 has no Swift type at all. These
/// are branch-light integer sequences the vectorizer handles. Both round to
/// nearest, ties to even, keep NaN a (quiet) NaN, and preserve signed zero,
/// infinities and subnormals; the Swift tests check them against `Float16`
/// on every one of the 65536 half values and on random floats.

@frozen
public struct Half: ScanElement {
  public var bits: UInt16

  @inlinable @inline(__always) public init(bits: UInt16) { self.bits = bits }

  /// binary16 → binary32 is exact: shift the exponent and mantissa into place,
  /// rebias the exponent, and renormalise subnormals with one float subtraction.
  /// All three cases are computed and one is selected, so the conversion has
  /// no branches and vectorizes.
  @inlinable @inline(__always) public var widened: Float {
    let magnitude = UInt32(bits & 0x7fff) << 13
    let exponent = magnitude & (0x7c00 << 13)
    let normal = magnitude &+ ((127 - 15) << 23)
    // inf or NaN: the exponent is all ones.
    let special = normal &+ ((128 - 16) << 23)
    // Zero or subnormal: scale as a normal number with one extra exponent
    // step, then subtract the implicit bit that step invented.
    let tiny = (Float(bitPattern: normal &+ (1 << 23)) - Float(bitPattern: 113 << 23)).bitPattern
    let result = exponent == (0x7c00 << 13) ? special : (exponent == 0 ? tiny : normal)
    return Float(bitPattern: result | (UInt32(bits & 0x8000) << 16))
  }

  /// binary32 → binary16, round to nearest even.
  @inlinable @inline(__always) public init(narrowing value: Float) {
    let signless = value.bitPattern & 0x7fff_ffff
    let sign = UInt16(truncatingIfNeeded: (value.bitPattern & 0x8000_0000) >> 16)
    // Too large for binary16 (or inf/NaN): inf, or a quiet NaN.
    let overflow: UInt32 = signless > 0x7f80_0000 ? 0x7e00 : 0x7c00
    // Subnormal or zero in binary16: adding 0.5 aligns the ten mantissa bits
    // at the bottom, and the float addition itself rounds to nearest even.
    let aligned = Float(bitPattern: signless) + Float(bitPattern: 126 << 23)
    let tiny = aligned.bitPattern &- (126 << 23)
    // Normal: rebias, add just under half an ulp, plus one when the kept
    // mantissa is odd: that is round-half-to-even on the 13 dropped bits.
    let mantissaOdd = (signless >> 13) & 1
    let normal = (signless &+ (UInt32(bitPattern: Int32(15 - 127)) << 23) &+ 0xfff &+ mantissaOdd) >> 13
    // Every case is computed and one selected: no branches, so it vectorizes.
    let result = signless >= (127 + 16) << 23 ? overflow : (signless < 113 << 23 ? tiny : normal)
    bits = UInt16(truncatingIfNeeded: result) | sign
  }
}

@frozen
public struct BFloat16: ScanElement {
  public var bits: UInt16

  @inlinable @inline(__always) public init(bits: UInt16) { self.bits = bits }

  /// bfloat16 is the upper half of a binary32: widening is a shift.
  @inlinable @inline(__always) public var widened: Float {
    Float(bitPattern: UInt32(bits) << 16)
  }

  /// Keep the upper 16 bits, rounding the lower 16 to nearest even; NaN stays
  /// NaN (its quiet bit set, so truncation cannot turn it into infinity).
  @inlinable @inline(__always) public init(narrowing value: Float) {
    let pattern = value.bitPattern
    if value.isNaN {
      bits = UInt16(truncatingIfNeeded: pattern >> 16) | 0x0040
    } else {
      let rounded = pattern &+ 0x7fff &+ ((pattern >> 16) & 1)
      bits = UInt16(truncatingIfNeeded: rounded >> 16)
    }
  }
}
