import VectorShims

/// 16-bit floating-point storage: IEEE binary16 (NumPy's float16) and
/// bfloat16 (ml_dtypes'), both carried in `Float`.
///
/// The conversions are written out on the bits rather than taken from Swift's
/// `Float16`: on baseline x86-64 the compiler lowers `Float16` conversions to
/// a library call per element, and bfloat16 has no Swift type at all. (The
/// Haswell build, compiled with `MLX_LITE_HASWELL`, takes `Float16`'s: there
/// they are single F16C instructions.) These
/// are branch-free integer sequences on four lanes at a time. Both round to
/// nearest, ties to even, keep NaN a (quiet) NaN, and preserve signed zero,
/// infinities and subnormals; the Swift tests check them against `Float16`
/// on every one of the 65536 half values and on random floats.

@frozen
public struct Half: ScanElement {
  public var bits: UInt16

  @inlinable @inline(__always) public init(bits: UInt16) { self.bits = bits }

  /// One conversion, written once on vectors: a single value takes lane 0.
  @inlinable @inline(__always) public var widened: Float { Half.widen(SIMD4(repeating: bits))[0] }

  @inlinable @inline(__always) public init(narrowing value: Float) {
    bits = Half.narrow(SIMD4(repeating: value))[0]
  }

  /// binary16 → binary32 is exact: shift the exponent and mantissa into place,
  /// rebias the exponent, and renormalise subnormals with one float subtraction.
  /// All three cases are computed and one is selected, so the conversion has
  /// no branches and stays vector code.
  @inlinable @inline(__always)
  public static func widen(_ halves: SIMD4<UInt16>) -> SIMD4<Float> {
    #if MLX_LITE_HASWELL
    // Built for CPUs with F16C (setup.py's Haswell build): one vcvtph2ps.
    return mlxl_widen_half4(halves)
    #else
    let bits = SIMD4<UInt32>(truncatingIfNeeded: halves)
    let magnitude = (bits & 0x7fff) &<< 13
    let exponent = magnitude & (0x7c00 << 13)
    let normal = magnitude &+ ((127 - 15) << 23)
    // inf or NaN: the exponent is all ones.
    let special = normal &+ ((128 - 16) << 23)
    // Zero or subnormal: scale as a normal number with one extra exponent
    // step, then subtract the implicit bit that step invented.
    let scaled = unsafeBitCast(normal &+ (1 << 23), to: SIMD4<Float>.self) - Float(bitPattern: 113 << 23)
    let tiny = unsafeBitCast(scaled, to: SIMD4<UInt32>.self)
    var result = normal.replacing(with: special, where: exponent .== (0x7c00 << 13))
    result.replace(with: tiny, where: exponent .== 0)
    return unsafeBitCast(result | ((bits & 0x8000) &<< 16), to: SIMD4<Float>.self)
    #endif
  }

  /// binary32 → binary16, round to nearest even.
  @inlinable @inline(__always)
  public static func narrow(_ values: SIMD4<Float>) -> SIMD4<UInt16> {
    #if MLX_LITE_HASWELL
    // One vcvtps2ph, rounding to nearest even (the default rounding mode).
    return mlxl_narrow_half4(values)
    #else
    let pattern = unsafeBitCast(values, to: SIMD4<UInt32>.self)
    // Below 2^31, so the comparisons can be signed ones (SSE2 has no unsigned).
    let signless = unsafeBitCast(pattern & 0x7fff_ffff, to: SIMD4<Int32>.self)
    let sign = (pattern & 0x8000_0000) &>> 16
    // Too large for binary16 (or inf/NaN): inf, or a quiet NaN.
    let overflow = SIMD4<Int32>(repeating: 0x7c00).replacing(with: 0x7e00, where: signless .> 0x7f80_0000)
    // Subnormal or zero in binary16: adding 0.5 aligns the ten mantissa bits
    // at the bottom, and the float addition itself rounds to nearest even.
    let aligned = unsafeBitCast(signless, to: SIMD4<Float>.self) + Float(bitPattern: 126 << 23)
    let tiny = unsafeBitCast(aligned, to: SIMD4<Int32>.self) &- (126 << 23)
    // Normal: rebias, add just under half an ulp, plus one when the kept
    // mantissa is odd: that is round-half-to-even on the 13 dropped bits.
    let mantissaOdd = (signless &>> 13) & 1
    let normal = (signless &+ ((15 - 127) << 23) &+ 0xfff &+ mantissaOdd) &>> 13
    // Every case is computed and one selected: no branches.
    var result = normal.replacing(with: tiny, where: signless .< 113 << 23)
    result.replace(with: overflow, where: signless .>= (127 + 16) << 23)
    return SIMD4<UInt16>(truncatingIfNeeded: unsafeBitCast(result, to: SIMD4<UInt32>.self) | sign)
    #endif
  }
}

#if MLX_LITE_HASWELL
extension Half {
  /// Eight lanes in one vcvtph2ps / vcvtps2ph on a 256-bit register.
  @inlinable @inline(__always)
  public static func widen(_ halves: SIMD8<UInt16>) -> SIMD8<Float> {
    mlxl_widen_half8(halves)
  }
  @inlinable @inline(__always)
  public static func narrow(_ values: SIMD8<Float>) -> SIMD8<UInt16> {
    mlxl_narrow_half8(values)
  }
}
#endif

@frozen
public struct BFloat16: ScanElement {
  public var bits: UInt16

  @inlinable @inline(__always) public init(bits: UInt16) { self.bits = bits }

  @inlinable @inline(__always) public var widened: Float { BFloat16.widen(SIMD4(repeating: bits))[0] }

  @inlinable @inline(__always) public init(narrowing value: Float) {
    bits = BFloat16.narrow(SIMD4(repeating: value))[0]
  }

  /// bfloat16 is the upper half of a binary32: widening is a shift.
  /// Narrowing keeps the upper 16 bits, rounding the lower 16 to nearest
  /// even; NaN stays NaN (its quiet bit set, so truncation cannot turn it into
  /// infinity). Both are VectorShims' C vector expressions: in Swift, the NaN
  /// test is a lane loop, and 1-D bfloat16 sums ran at 6x a copy's time.
  @inlinable @inline(__always)
  public static func widen(_ halves: SIMD4<UInt16>) -> SIMD4<Float> { mlxl_widen_bfloat4(halves) }

  @inlinable @inline(__always)
  public static func narrow(_ values: SIMD4<Float>) -> SIMD4<UInt16> { mlxl_narrow_bfloat4(values) }

  @inlinable @inline(__always)
  public static func widen(_ halves: SIMD8<UInt16>) -> SIMD8<Float> { mlxl_widen_bfloat8(halves) }

  @inlinable @inline(__always)
  public static func narrow(_ values: SIMD8<Float>) -> SIMD8<UInt16> { mlxl_narrow_bfloat8(values) }
}
