/// The algebra a scan needs from the values it carries.
///
/// Each protocol names one family of operations; a type conforms to the ones
/// that make sense for it (a `Bool` can be multiplied, in the sense of logical
/// and, and ordered, but not summed). The scan operations in
/// `ScanOperation.swift` are written once over these protocols and the
/// compiler specialises them per type.
///
/// They are public only because the public vector protocols of VectorTiles.swift
/// refine them (so their witnesses on standard types are public too); this
/// module's one Swift client is its tests, through `@testable import`.

/// Values with an addition that never traps: integers wrap in two's complement,
/// floating-point values follow IEEE 754 (`inf + -inf` is NaN).
public protocol ScanSummable {
  /// `+0`: where an exclusive sum starts (MLX starts from +0.0).
  static var zero: Self { get }
  /// The neutral element of `sum`: `-0.0` for floating point, since
  /// `-0.0 + x == x` for every `x` including `-0.0`, while `+0.0 + -0.0 == +0.0`.
  static var sumNeutral: Self { get }
  static func sum(_ a: Self, _ b: Self) -> Self
}

/// Values with a multiplication that never traps (integers wrap).
public protocol ScanMultiplicable {
  static var one: Self { get }
  static func product(_ a: Self, _ b: Self) -> Self
}

/// Values with a total order, extended with NaN: a NaN on either side wins,
/// so a running maximum or minimum stays NaN from the first NaN on, as in MLX.
public protocol ScanOrdered {
  /// Below every value: `-inf` for floating point, `.min` for integers, `false`.
  static var lowest: Self { get }
  /// Above every value: `+inf`, `.max`, `true`.
  static var highest: Self { get }
  /// The larger of `running` and `next`; `next` on ties, as MLX does
  /// (so a running maximum of `[0.0, -0.0]` ends in `-0.0`).
  static func maximum(_ running: Self, _ next: Self) -> Self
  /// The smaller of `running` and `next`; `next` on ties.
  static func minimum(_ running: Self, _ next: Self) -> Self
}

/// Values with a stable `log(exp(a) + exp(b))`.
public protocol ScanLogAddExp {
  /// `log(0) = -inf`, the neutral element of `logAddExp`.
  static var logZero: Self { get }
  /// `log(exp(a) + exp(b))` without overflow: the larger argument is factored
  /// out, so `logAddExp(1000, 1000) = 1000 + log 2`. Exact when one side is
  /// `-inf`; `+inf` on either side gives `+inf`; NaN propagates.
  static func logAddExp(_ a: Self, _ b: Self) -> Self
}
