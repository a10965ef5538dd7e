/// The algebra of a first-order linear recurrence, `h[t] = a[t]·h[t−1] + b[t]`.
///
/// One step is the affine map `h ↦ a·h + b`, written as the pair `(a, b)`.
/// Doing `(a₁, b₁)` and then `(a₂, b₂)` is again affine:
///
///     (a₁, b₁) ∘ (a₂, b₂) = (a₁·a₂, a₂·b₁ + b₂)
///
/// and this composition is associative with identity `(1, 0)`: the pairs are
/// a monoid, so a recurrence is a scan over them, which the engine can cut
/// into blocks at fixed positions (each block's pairs composed from the
/// identity, then applied to the carry that reaches it), exactly as it does
/// for sums. A reverse recurrence is the same scan of the mirrored sequence
/// (`h[t] = a[t]·h[t+1] + b[t]`): the steps are applied from the last one to
/// the first, which is what a negated stride gives.
///
/// In exact arithmetic every grouping gives the same `h`; in floating point
/// the grouping is fixed by positions alone (never by the number of threads),
/// so results are bitwise the same for every thread count.
protocol RecurrenceValue {
  static var zero: Self { get }
  static var one: Self { get }
  /// The value of a constant `a` (or of ewma's scale), given as real and imaginary parts.
  init(constant real: Double, _ imaginary: Double)
  static func times(_ a: Self, _ b: Self) -> Self
  static func plus(_ a: Self, _ b: Self) -> Self
}

extension RecurrenceValue {
  /// `a·h + b`: one step. Not fused, so the baseline build (no FMA) and the
  /// Haswell build give the same bits.
  @inline(__always) static func step(_ a: Self, _ h: Self, _ b: Self) -> Self { plus(times(a, h), b) }
}

extension Float: RecurrenceValue {
  @inline(__always) init(constant real: Double, _ imaginary: Double) { self = Float(real) }
  @inline(__always) static func times(_ a: Float, _ b: Float) -> Float { a * b }
  @inline(__always) static func plus(_ a: Float, _ b: Float) -> Float { a + b }
}

extension Double: RecurrenceValue {
  @inline(__always) init(constant real: Double, _ imaginary: Double) { self = real }
  @inline(__always) static func times(_ a: Double, _ b: Double) -> Double { a * b }
  @inline(__always) static func plus(_ a: Double, _ b: Double) -> Double { a + b }
}

/// Complex steps use the schoolbook product of `ScanMultiplicable` (with its
/// exact factor of one), as NumPy multiplies.
extension ScanComplex: RecurrenceValue where RealType == Double {
  @inline(__always) init(constant real: Double, _ imaginary: Double) { self.init(real, imaginary) }
  @inline(__always) static func times(_ a: Self, _ b: Self) -> Self { product(a, b) }
  @inline(__always) static func plus(_ a: Self, _ b: Self) -> Self { sum(a, b) }
}

/// A composed run of steps, `h ↦ a·h + b`: the pair monoid above.
struct AffineStep<Value: RecurrenceValue> {
  var a: Value
  var b: Value

  @inline(__always) static var identity: AffineStep { AffineStep(a: .one, b: .zero) }

  /// `self` first, then `next`.
  @inline(__always) func then(_ next: AffineStep) -> AffineStep {
    AffineStep(a: Value.times(a, next.a), b: Value.step(next.a, b, next.b))
  }

  /// The value after these steps, starting from `h`.
  @inline(__always) func applied(to h: Value) -> Value { Value.step(a, h, b) }
}
