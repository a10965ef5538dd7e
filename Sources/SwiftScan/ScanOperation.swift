/// An associative operation with a neutral element: what a scan folds.
///
/// The inclusive scan of x₀, x₁, … is yᵢ = x₀ ⊕ x₁ ⊕ … ⊕ xᵢ; the exclusive one
/// is the same sequence shifted by one place, starting from `exclusiveStart`.
/// Kernels may reassociate ⊕ (that is what makes them blocked and parallel),
/// so an operation must be associative up to rounding.
///
/// Adding a scan is one type here and rows in scripts/scan_table.py (see
/// SwiftScan/README.md).
///
/// Sum, product, maximum and minimum are public only because VectorTiles.swift
/// gives them public vector forms; nothing outside this module uses them.
public protocol ScanOperation {
  associatedtype Value
  /// `neutral ⊕ x == x` bit for bit, for every `x`.
  static var neutral: Value { get }
  /// The first element of an exclusive scan: the identity as MLX writes it
  /// (`+0.0` for sums, where the bitwise neutral element is `-0.0`).
  static var exclusiveStart: Value { get }
  /// What an exclusive scan's second output starts from: `exclusiveStart ⊕ x₀`
  /// for sums (so `[-0.0]` gives `+0.0` there, as in MLX), but the neutral
  /// element where the start is not one (the NaN-skipping maximum starts from
  /// -inf, yet its exclusive scan is the inclusive one shifted).
  static var exclusiveSeed: Value { get }
  static func combine(_ running: Value, _ next: Value) -> Value
  /// An element as the scan reads it, before any combine: itself, but for the
  /// NaN-skipping scans, which read a NaN as nothing (0 for sums, 1 for products).
  static func lift(_ element: Value) -> Value
}

extension ScanOperation {
  @inline(__always) public static var exclusiveStart: Value { neutral }
  @inline(__always) public static var exclusiveSeed: Value { exclusiveStart }
  @inline(__always) public static func lift(_ element: Value) -> Value { element }
}

/// Running sum: `cumsum`.
public enum SumOp<Value: ScanSummable>: ScanOperation {
  @inline(__always) public static var neutral: Value { Value.sumNeutral }
  @inline(__always) public static var exclusiveStart: Value { Value.zero }
  @inline(__always) public static func combine(_ a: Value, _ b: Value) -> Value {
    Value.sum(a, b)
  }
}

/// Running product: `cumprod`.
public enum ProductOp<Value: ScanMultiplicable>: ScanOperation {
  @inline(__always) public static var neutral: Value { Value.one }
  @inline(__always) public static func combine(_ a: Value, _ b: Value) -> Value {
    Value.product(a, b)
  }
}

/// Running maximum: `cummax`.
public enum MaxOp<Value: ScanOrdered>: ScanOperation {
  @inline(__always) public static var neutral: Value { Value.lowest }
  @inline(__always) public static func combine(_ a: Value, _ b: Value) -> Value {
    Value.maximum(a, b)
  }
}

/// Running minimum: `cummin`.
public enum MinOp<Value: ScanOrdered>: ScanOperation {
  @inline(__always) public static var neutral: Value { Value.highest }
  @inline(__always) public static func combine(_ a: Value, _ b: Value) -> Value {
    Value.minimum(a, b)
  }
}

/// Operations whose combine selects one of its arguments (a running maximum or
/// minimum): the baseline build scans floating-point ones on the scalar tiles
/// (see `kernel(_:_:)` in EntryPoints.swift).
protocol SelectingOperation {}
extension MaxOp: SelectingOperation {}
extension MinOp: SelectingOperation {}

/// Running log-sum-exp: `logcumsumexp`. (Public because LogSumExpTiles' public
/// tile-scanner conformance names it.)
public enum LogAddExpOp<Value: ScanLogAddExp>: ScanOperation {
  @inline(__always) public static var neutral: Value { Value.logZero }
  @inline(__always) public static func combine(_ a: Value, _ b: Value) -> Value {
    Value.logAddExp(a, b)
  }
}
