/// Integers: sums and products wrap in two's complement (`&+`, `&*`), as in
/// MLX and NumPy; they never trap and are never undefined behaviour.
extension ScanSummable where Self: FixedWidthInteger {
  @inline(__always) public static var zero: Self { 0 }
  @inline(__always) public static var sumNeutral: Self { 0 }
  @inline(__always) public static func sum(_ a: Self, _ b: Self) -> Self { a &+ b }
}

extension ScanMultiplicable where Self: FixedWidthInteger {
  @inline(__always) public static var one: Self { 1 }
  @inline(__always) public static func product(_ a: Self, _ b: Self) -> Self { a &* b }
}

extension ScanOrdered where Self: FixedWidthInteger {
  @inline(__always) public static var lowest: Self { .min }
  @inline(__always) public static var highest: Self { .max }
  @inline(__always) public static func maximum(_ running: Self, _ next: Self) -> Self {
    running > next ? running : next
  }
  @inline(__always) public static func minimum(_ running: Self, _ next: Self) -> Self {
    running < next ? running : next
  }
}

extension Int8: ScanSummable, ScanMultiplicable, ScanOrdered {}
extension Int16: ScanSummable, ScanMultiplicable, ScanOrdered {}
extension Int32: ScanSummable, ScanMultiplicable, ScanOrdered {}
extension Int64: ScanSummable, ScanMultiplicable, ScanOrdered {}
extension UInt8: ScanSummable, ScanMultiplicable, ScanOrdered {}
extension UInt16: ScanSummable, ScanMultiplicable, ScanOrdered {}
extension UInt32: ScanSummable, ScanMultiplicable, ScanOrdered {}
extension UInt64: ScanSummable, ScanMultiplicable, ScanOrdered {}
