import VectorShims

/// The first touch of a large output's pages, placed where the kernel zeroes
/// them fastest, before the scan writes them.
///
/// A large result the result cache did not supply is fresh memory: Linux backs
/// it with 2 MiB huge pages (the cache madvises them, as NumPy does) and zeroes
/// each one on its first write. It zeroes the page's 4 KiB pieces in an order
/// that ends with the piece written, and the order costs: for 10^7 float32
/// written forward into fresh memory (one thread, `perf`), the zeroing took
/// 3.8 ms when each page was first written at its start, as a forward scan
/// does, against 1.4 ms when first written at its end, as memcpy into a
/// higher address does (backwards). A copy written forward after one touch at
/// the end of every huge page paid 1.3–1.5 ms more than into touched memory,
/// against 3–4 ms without the touches; and the touches, spread over the
/// threads, zero the pages in parallel.
///
/// On memory already there (a cached result, `out=`) a touch is one cache
/// miss per 2 MiB; it writes each byte back as it was, so it is harmless even
/// where the output is also the input.
enum FreshPages {
  /// The huge page size on x86-64 and on arm64 with 4 KiB pages.
  static var hugePage: Int { 1 << 21 }

  /// Below two huge pages there is nothing to order.
  static var minimumBytes: Int { 4 << 20 }

  /// Touches the last byte of each 2 MiB-aligned piece of `bytes`, the pieces
  /// split in order between up to `threads` workers.
  static func touch(_ bytes: UnsafeMutableRawBufferPointer, threads: Int) {
    guard bytes.count >= minimumBytes, let start = bytes.baseAddress else { return }
    let begin = Int(bitPattern: start), end = begin &+ bytes.count
    let firstPiece = begin / hugePage, pieces = (end &- 1) / hugePage &- firstPiece &+ 1
    let workers = max(1, min(threads, pieces / 2))
    ForkJoin.run(workers: workers) { worker in
      for piece in (pieces &* worker / workers)..<(pieces &* (worker &+ 1) / workers) {
        let last = min(end, (firstPiece &+ piece &+ 1) &* hugePage) &- 1
        mlxl_touch_byte(UnsafeMutableRawPointer(bitPattern: last))
      }
    }
  }
}

extension FreshPages {
  /// The bytes `dimensions` (counts and byte strides from `base`) cover when
  /// their elements tile them exactly, in any order or direction; nil otherwise.
  static func denseSpan(
    _ base: UnsafeMutableRawPointer, _ dimensions: [(count: Int, stride: Int)], elementSize: Int
  ) -> UnsafeMutableRawBufferPointer? {
    var low = 0, expectedStride = elementSize
    for dimension in dimensions.filter({ $0.count != 1 }).sorted(by: { abs($0.stride) < abs($1.stride) }) {
      guard dimension.count > 0, abs(dimension.stride) == expectedStride else { return nil }
      if dimension.stride < 0 { low &+= (dimension.count &- 1) &* dimension.stride }
      expectedStride &*= dimension.count
    }
    return UnsafeMutableRawBufferPointer(start: base + low, count: expectedStride)
  }
}

extension ScanGeometry {
  /// The bytes the output covers when its elements tile them exactly (a dense
  /// result, in any order or direction of its dimensions); nil otherwise.
  /// With the initial element and axis=None over lines that did not fold, the
  /// bytes of every element but that start (the walk from `output` does not
  /// include it): less than the whole output, never more.
  func denseOutput(elementSize: Int) -> UnsafeMutableRawBufferPointer? {
    let start = includesInitial && !carriesAcrossBatch ? 1 : 0
    let dimensions = [(count: scanned.count &+ start, stride: scanned.outputStride)]
      + batch.map { (count: $0.count, stride: $0.outputStride) }
    return FreshPages.denseSpan(output, dimensions, elementSize: elementSize)
  }
}
