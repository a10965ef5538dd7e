/// Booleans: the product is logical and, the order is false < true, so a
/// running maximum is "any so far" and a running minimum "all so far".
/// (A sum of booleans is an `int32` sum; the Python layer casts first, as MLX does.)
extension Bool: ScanMultiplicable, ScanOrdered {
  @inline(__always) public static var one: Bool { true }
  @inline(__always) public static func product(_ a: Bool, _ b: Bool) -> Bool { a && b }
  @inline(__always) public static var lowest: Bool { false }
  @inline(__always) public static var highest: Bool { true }
  @inline(__always) public static func maximum(_ running: Bool, _ next: Bool) -> Bool {
    running || next
  }
  @inline(__always) public static func minimum(_ running: Bool, _ next: Bool) -> Bool {
    running && next
  }
}
