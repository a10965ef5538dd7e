import VectorShims

/// Vector forms of the scan operations: the lane moves and lane-wise
/// operations an accumulator provides (generated per type in
/// VectorOperations+Generated.swift) and each operation's vector `combine`.
/// The tile scanner that uses them is VectorTiles.swift.

/// The lane moves of `VectorTiles.prefix`: each result lane is one of `v`'s
/// or `fill`'s own (generated per type: see VectorOperations+Generated.swift).
public protocol ScanVectorLanes: SIMDScalar {
  /// `(f0, v0, f2, v2, f4, v4, f6, v6)`
  static func pairsShifted(_ v: SIMD8<Self>, fill: SIMD8<Self>) -> SIMD8<Self>
  /// `(f0, f1, v1, v1, f4, f5, v5, v5)`
  static func quadsShifted(_ v: SIMD8<Self>, fill: SIMD8<Self>) -> SIMD8<Self>
  /// `(f0, f1, f2, f3, v3, v3, v3, v3)`
  static func halvesShifted(_ v: SIMD8<Self>, fill: SIMD8<Self>) -> SIMD8<Self>
  /// `(a0, a2, b0, b2, a4, a6, b4, b6)`
  static func evenLanes(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
  /// `(a1, a3, b1, b3, a5, a7, b5, b7)`
  static func oddLanes(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
  /// `(v7, v7, v7, v7, v7, v7, v7, v7)`
  static func lastLane(_ v: SIMD8<Self>) -> SIMD8<Self>
  /// `(f0, …, f(k-1), v0, …, v(7-k))` for `k` in 1...7: every lane moved up `k` places.
  static func shiftedUp(_ v: SIMD8<Self>, fill: SIMD8<Self>, by k: Int) -> SIMD8<Self>
  /// Lane `j` is `v[8 - p + j % p]`, for `p` in 2...7: the last of `v`'s
  /// elements in the sequence of each lane of the next eight (`p` interleaved sequences).
  static func periodCarry(_ v: SIMD8<Self>, period p: Int) -> SIMD8<Self>
  /// Lane `j` is `v[(j + 8) % p]`: a per-sequence pattern moved on by eight elements.
  static func periodRotate(_ v: SIMD8<Self>, period p: Int) -> SIMD8<Self>
}

/// An operation with a lane-wise form on eight-, four- and two-lane vectors.
public protocol VectorScanOperation: ScanOperation where Value: ScanVectorLanes {
  /// `lift` lane by lane (the identity but for the NaN-skipping scans).
  static func lift(_ v: SIMD8<Value>) -> SIMD8<Value>
  static func lift(_ v: SIMD4<Value>) -> SIMD4<Value>
  static func lift(_ v: SIMD2<Value>) -> SIMD2<Value>
  /// `combine` applied lane by lane.
  static func combine(_ running: SIMD8<Value>, _ next: SIMD8<Value>) -> SIMD8<Value>
  static func combine(_ running: SIMD4<Value>, _ next: SIMD4<Value>) -> SIMD4<Value>
  static func combine(_ running: SIMD2<Value>, _ next: SIMD2<Value>) -> SIMD2<Value>
}

public protocol ScanVectorSummable: ScanSummable & ScanVectorLanes {
  static func sum(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
  static func sum(_ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMD4<Self>
  static func sum(_ a: SIMD2<Self>, _ b: SIMD2<Self>) -> SIMD2<Self>
}
public protocol ScanVectorMultiplicable: ScanMultiplicable & ScanVectorLanes {
  static func product(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
  static func product(_ a: SIMD4<Self>, _ b: SIMD4<Self>) -> SIMD4<Self>
  static func product(_ a: SIMD2<Self>, _ b: SIMD2<Self>) -> SIMD2<Self>
}
public protocol ScanVectorOrdered: ScanOrdered & ScanVectorLanes {
  static func maximum(_ running: SIMD8<Self>, _ next: SIMD8<Self>) -> SIMD8<Self>
  static func minimum(_ running: SIMD8<Self>, _ next: SIMD8<Self>) -> SIMD8<Self>
  static func maximum(_ running: SIMD4<Self>, _ next: SIMD4<Self>) -> SIMD4<Self>
  static func minimum(_ running: SIMD4<Self>, _ next: SIMD4<Self>) -> SIMD4<Self>
  static func maximum(_ running: SIMD2<Self>, _ next: SIMD2<Self>) -> SIMD2<Self>
  static func minimum(_ running: SIMD2<Self>, _ next: SIMD2<Self>) -> SIMD2<Self>
}

extension VectorScanOperation {
  @inline(__always) public static func lift(_ v: SIMD8<Value>) -> SIMD8<Value> { v }
  @inline(__always) public static func lift(_ v: SIMD4<Value>) -> SIMD4<Value> { v }
  @inline(__always) public static func lift(_ v: SIMD2<Value>) -> SIMD2<Value> { v }
}

// The conformances, and each type's lane-wise operations, are generated
// (VectorOperations+Generated.swift): written on the concrete vector type,
// `a &+ b` is one vector instruction; written once in a generic extension it
// is a lane-by-lane loop the compiler scalarises.


extension SumOp: VectorScanOperation where Value: ScanVectorSummable {
  @inline(__always) public static func combine(_ a: SIMD8<Value>, _ b: SIMD8<Value>) -> SIMD8<Value> {
    Value.sum(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> {
    Value.sum(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD2<Value>, _ b: SIMD2<Value>) -> SIMD2<Value> {
    Value.sum(a, b)
  }
}
extension ProductOp: VectorScanOperation where Value: ScanVectorMultiplicable {
  @inline(__always) public static func combine(_ a: SIMD8<Value>, _ b: SIMD8<Value>) -> SIMD8<Value> {
    Value.product(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> {
    Value.product(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD2<Value>, _ b: SIMD2<Value>) -> SIMD2<Value> {
    Value.product(a, b)
  }
}
extension MaxOp: VectorScanOperation where Value: ScanVectorOrdered {
  @inline(__always) public static func combine(_ a: SIMD8<Value>, _ b: SIMD8<Value>) -> SIMD8<Value> {
    Value.maximum(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> {
    Value.maximum(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD2<Value>, _ b: SIMD2<Value>) -> SIMD2<Value> {
    Value.maximum(a, b)
  }
}
extension MinOp: VectorScanOperation where Value: ScanVectorOrdered {
  @inline(__always) public static func combine(_ a: SIMD8<Value>, _ b: SIMD8<Value>) -> SIMD8<Value> {
    Value.minimum(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD4<Value>, _ b: SIMD4<Value>) -> SIMD4<Value> {
    Value.minimum(a, b)
  }
  @inline(__always) public static func combine(_ a: SIMD2<Value>, _ b: SIMD2<Value>) -> SIMD2<Value> {
    Value.minimum(a, b)
  }
}
