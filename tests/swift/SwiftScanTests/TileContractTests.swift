// The contract the blocked engine stands on: every path's total is the fold
// its scan writes, bit for bit. A tile scanner's `tileTotal` equals what
// `scanTile` (and `streamTile`) returns for the same tile; a lane block's
// `reduceBlock` equals what `scanBlock` adds to its carry; and an
// interleaved walk's totals without an output equal those it returns while
// writing. If any pair differed, a scan shared by several threads (which take
// totals from the reduce) would differ from one thread's (which take them from
// the scan) in the last bits.

import XCTest
@testable import SwiftScan

final class TileContractTests: XCTestCase {
  /// Bits of a value, for bitwise comparison of any accumulator.
  func bits<V>(_ value: V) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }

  /// scanTile, streamTile and tileTotal of `Tiles` agree on every count and path.
  func checkTiles<Tiles: TileScanner>(
    _: Tiles.Type, _ name: String, lastOutputIsTotal: Bool = true,
    random: (inout SystemRandomNumberGenerator) -> Tiles.Element
  ) {
    typealias Value = Tiles.Element.Accumulator
    var rng = SystemRandomNumberGenerator()
    let size = MemoryLayout<Tiles.Element>.stride
    let capacity = 2 * tileElements + 8
    let input = UnsafeMutableRawPointer.allocate(byteCount: capacity * size, alignment: 64)
    let output = UnsafeMutableRawPointer.allocate(byteCount: capacity * size, alignment: 64)
    let scratch = UnsafeMutablePointer<Value>.allocate(capacity: tileElements)
    defer { input.deallocate(); output.deallocate(); scratch.deallocate() }
    for index in 0..<capacity { input.storeBytes(of: random(&rng), toByteOffset: index * size, as: Tiles.Element.self) }
    // (input start, input stride, output start, output stride) in elements: forward,
    // backward (a reverse scan), strided, an odd start (misaligned octets), and
    // opposite directions (a reversed view scanned forward, and the converse).
    let paths: [(Int, Int, Int, Int)] = [
      (0, 1, 0, 1), (capacity - 1, -1, capacity - 1, -1), (0, 2, 0, 2), (1, 1, 3, 1),
      (capacity - 1, -1, 0, 1), (1, 1, capacity - 2, -1),
    ]
    for count in [1, 5, 8, 9, 31, 64, 65, 100, 1000, tileElements] {
      for (inStart, inStride, outStart, outStride) in paths {
        let source = UnsafeRawPointer(input + inStart * size)
        let target = output + outStart * size
        let carry = Tiles.Operation.neutral
        let scanned = Tiles.scanTile(source, inStride * size, target, outStride * size, count: count, carry: carry, scratch: scratch)
        let streamed = Tiles.streamTile(source, inStride * size, target, outStride * size, count: count, carry: carry, scratch: scratch)
        let total = Tiles.tileTotal(source, inStride * size, outputStride: outStride * size, count: count)
        let label = "\(name) count \(count) strides \(inStride)/\(outStride)"
        XCTAssertEqual(bits(scanned), bits(total), "\(label): tileTotal differs from scanTile's total")
        XCTAssertEqual(bits(streamed), bits(total), "\(label): streamTile's total differs")
        // From the neutral element, the last output is the total, rounded once.
        if !lastOutputIsTotal { continue }
        let last = target.load(fromByteOffset: (count - 1) * outStride * size, as: Tiles.Element.self)
        XCTAssertEqual(bits(last), bits(Tiles.Element(narrowing: total)), "\(label): the last output is not the total")
      }
    }
  }

  func testEveryTileScannerAndAccumulator() {
    checkTiles(VectorTiles<Float, SumOp<Double>>.self, "vector f32 sum") { Float.random(in: -1...1, using: &$0) }
    checkTiles(VectorTiles<Double, SumOp<Double>>.self, "vector f64 sum") { Double.random(in: -1...1, using: &$0) }
    checkTiles(VectorTiles<Half, SumOp<Float>>.self, "vector f16 sum") { Half(narrowing: Float.random(in: -1...1, using: &$0)) }
    checkTiles(VectorTiles<BFloat16, ProductOp<Float>>.self, "vector bf16 product") {
      BFloat16(narrowing: Float.random(in: 0.99...1.01, using: &$0))
    }
    checkTiles(VectorTiles<ExactFloat, MaxOp<Float>>.self, "vector f32 max") { ExactFloat(narrowing: Float.random(in: -1...1, using: &$0)) }
    checkTiles(VectorTiles<Float, NaNSkippingSumOp<Double>>.self, "vector f32 nansum") {
      Bool.random(using: &$0) ? .nan : Float.random(in: -1...1, using: &$0)
    }
    checkTiles(VectorTiles<Double, NaNSkippingMinOp<Double>>.self, "vector f64 nanmin") {
      Bool.random(using: &$0) ? .nan : Double.random(in: -1...1, using: &$0)
    }
    checkTiles(VectorTiles<Int32, SumOp<Int32>>.self, "vector i32 sum") { Int32.random(in: -1000...1000, using: &$0) }
    checkTiles(VectorTiles<Int64, MinOp<Int64>>.self, "vector i64 min") { Int64.random(in: -1000...1000, using: &$0) }
    checkTiles(VectorTiles<Int8, ProductOp<Int8>>.self, "vector i8 product") { Int8.random(in: -3...3, using: &$0) }
    checkTiles(ChunkedTiles<Float, SumOp<Double>>.self, "chunked f32 sum") { Float.random(in: -1...1, using: &$0) }
    checkTiles(ChunkedTiles<Complex64Element, SumOp<Complex128>>.self, "chunked c64 sum") {
      Complex64Element(narrowing: Complex128(Double(Float.random(in: -1...1, using: &$0)), 0.5))
    }
    checkTiles(ChunkedTiles<Double, LogAddExpOp<Double>>.self, "chunked f64 logaddexp") { Double.random(in: -5...5, using: &$0) }
    // A tile whose outputs would cancel keeps the scalar chain's outputs and
    // its own rescaled total (LogSumExpTiles): float64 shows the last bit where they differ.
    checkTiles(LogSumExpTiles<Double>.self, "log-sum-exp f64", lastOutputIsTotal: false) {
      Double.random(in: -30...30, using: &$0)
    }
    checkTiles(LogSumExpTiles<Float>.self, "log-sum-exp f32") { Float.random(in: -30...30, using: &$0) }
    checkTiles(ChunkedTiles<BoolByte, MaxOp<Bool>>.self, "chunked bool max") { BoolByte(narrowing: Bool.random(using: &$0)) }
  }

  /// `reduceBlock` of a lane tile of `Tiles` equals the fold `scanBlock` adds
  /// to its carry `start`, for every block, forward and backward.
  func checkLaneBlocks<Tiles: TileScanner>(
    _: Tiles.Type, rows: Int, lanes: Int, input: [Tiles.Element], start: Tiles.Element.Accumulator, _ label: String
  ) {
    typealias Lanes = LaneScan<Tiles>
    typealias Value = Tiles.Element.Accumulator
    let size = MemoryLayout<Tiles.Element>.stride
    var output = input
    input.withUnsafeBytes { inBytes in
      output.withUnsafeMutableBytes { outBytes in
        for reverse in [false, true] {
          let rowStride = (reverse ? -lanes : lanes) * size
          let first = reverse ? (rows - 1) * lanes * size : 0
          let tile = Lanes.Tile(
            input: inBytes.baseAddress! + first, output: outBytes.baseAddress! + first,
            scanned: Dimension(count: rows, inputStride: rowStride, outputStride: rowStride),
            lane: Dimension(count: lanes, inputStride: size, outputStride: size), lanes: 0..<lanes)
          let carry = UnsafeMutablePointer<Value>.allocate(capacity: lanes)
          let total = UnsafeMutablePointer<Value>.allocate(capacity: lanes)
          let scratch = UnsafeMutablePointer<Value>.allocate(capacity: Lanes.width)
          defer { carry.deallocate(); total.deallocate(); scratch.deallocate() }
          for block in 0..<tile.blockCount {
            carry.update(repeating: start, count: lanes)
            Lanes.reduceBlock(tile, block, total: total)
            Lanes.scanBlock(tile, block, carry: carry, scratch: scratch)
            for lane in 0..<lanes {
              XCTAssertEqual(
                bits(carry[lane]), bits(Tiles.Operation.combine(start, total[lane])),
                "\(label) \(lanes) lanes, reverse \(reverse), block \(block), lane \(lane)")
            }
          }
        }
      }
    }
  }

  /// The log-sum-exp lane blocks (rescaled per lane, in chunks of rows, with
  /// quads that fall back), for lanes in quads and remainders.
  func checkLogSumExpLanes<Element: LogSumExpElement & BinaryFloatingPoint>(_: Element.Type)
  where Element.Accumulator == Double {
    var rng = SystemRandomNumberGenerator()
    for (rows, lanes) in [(1000, 5), (5000, 8), (1000, 13), (1000, 300)] {
      var input = (0..<(rows * lanes)).map { _ in Element(Double.random(in: -30...30, using: &rng)) }
      input[7 * lanes + 2] = -.infinity  // a quad falling back (its first term or maximum)
      input[3] = Element(-800)
      checkLaneBlocks(LogSumExpTiles<Element>.self, rows: rows, lanes: lanes, input: input, start: 12.5, "\(Element.self)")
    }
  }

  func testLogSumExpLaneBlocksReduceToWhatTheyScan() {
    checkLogSumExpLanes(Float.self)
    checkLogSumExpLanes(Double.self)
  }

  /// `reduceBlock` of a lane tile equals the fold `scanBlock` adds to its carry,
  /// for wide tiles (rows at full vector width, 8 to 32 lanes in registers) and
  /// interleaved ones (2 to 7 lanes).
  func testLaneBlocksReduceToWhatTheyScan() {
    var rng = SystemRandomNumberGenerator()
    for lanes in [2, 3, 5, 7, 8, 13, 16, 24, 32, 300] {
      let rows = 1000
      let input = (0..<(rows * lanes)).map { _ in Float.random(in: -1...1, using: &rng) }
      checkLaneBlocks(VectorTiles<Float, SumOp<Double>>.self, rows: rows, lanes: lanes, input: input, start: 0.25, "f32 sum")
    }
  }
}
