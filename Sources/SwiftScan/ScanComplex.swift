import ComplexModule
import RealModule

/// A complex number as NumPy and MLX store it: the real part, then the
/// imaginary part, with no canonicalisation.
///
/// ComplexModule's `Complex` deliberately treats every non-finite value as
/// one point at infinity (its `real` of `(inf, nan)` is NaN). A scan must
/// keep NaN and signed infinities apart component by component, as NumPy
/// does, so it carries this plain pair and borrows ComplexModule only for the
/// elementary functions, where that model is the right one.
struct ScanComplex<RealType: Real & BinaryFloatingPoint> {
  var real: RealType
  var imaginary: RealType

  @inline(__always)
  init(_ real: RealType, _ imaginary: RealType) {
    self.real = real
    self.imaginary = imaginary
  }

  @inline(__always) var hasNaN: Bool { real.isNaN || imaginary.isNaN }
}
