import ScanABI

/// The C entry points, and the engine each (element type, operation) pair gets.

/// A scan specialised for one operation and element type.
typealias Kernel = (ScanGeometry, UnsafePointer<Int32>?) -> mlxl_status

func kernel<Tiles: TileScanner>(_: Tiles.Type) -> Kernel {
  { geometry, interrupt in
    switch TiledScanEngine<Tiles>.run(geometry, interrupt: interrupt) {
    case .done: return MLXL_STATUS_OK
    case .noMemory: return MLXL_STATUS_NO_MEMORY
    case .interrupted: return MLXL_STATUS_INTERRUPTED
    }
  }
}

/// The engine for an operation without a vector form (complex, bool, log-add-exp;
/// log-add-exp on float32 and half types has tiles of its own: LogSumExpTiles.swift).
func kernel<Element: ScanElement, Operation: ScanOperation>(
  _: Element.Type, _: Operation.Type
) -> Kernel where Operation.Value == Element.Accumulator {
  logSumExpKernel(Element.self, Operation.self) ?? kernel(ChunkedTiles<Element, Operation>.self)
}

/// The engine for an operation with a vector form: a more specific overload,
/// so the compiler picks it wherever the accumulator allows.
///
/// One exception, decided once per call: floating-point maximum and minimum
/// use vector code only in the Haswell build (their NaN-keeping selects are C
/// vector expressions from VectorShims, one blend each). In the baseline
/// build they use the chunked scalar tiles, because SSE2 has no blend and four
/// scalar chains are faster there (1-D float32 in cache: 0.80 against 1.13 ns
/// per element; Haswell: 0.64 against 0.67, and rows of eight 3.0 against 0.50).
func kernel<Element: VectorScanElement, Operation: VectorScanOperation>(
  _: Element.Type, _: Operation.Type
) -> Kernel where Operation.Value == Element.Accumulator {
  #if !MLX_LITE_HASWELL
  if Operation.self is any SelectingOperation.Type, Operation.Value.self is any BinaryFloatingPoint.Type {
    return kernel(ChunkedTiles<Element, Operation>.self)
  }
  #endif
  return kernel(VectorTiles<Element, Operation>.self)
}

// `kernel(op:dtype:)`, the table from ABI codes to these, and `elementSize`
// are generated from scripts/scan_table.py: Kernels+Generated.swift.

/// Runs one scan described by a C `mlxl_scan_problem`.
@_cdecl("mlxl_scan")
public func scan(_ problem: UnsafePointer<mlxl_scan_problem>) -> Int32 {
  let problem = problem.pointee
  let ndim = Int(problem.ndim)
  let size = elementSize(problem.dtype)
  guard (1...Int(MLXL_MAX_DIMS)).contains(ndim), size > 0,
    (0..<Int32(MLXL_OP_COUNT.rawValue)).contains(problem.op),
    problem.axis == -1 || (0..<problem.ndim).contains(problem.axis)
  else { return Int32(MLXL_STATUS_BAD_PROBLEM.rawValue) }
  guard let kernel = kernel(op: problem.op, dtype: problem.dtype)
  else { return Int32(MLXL_STATUS_UNSUPPORTED.rawValue) }
  guard let input = problem.input, let output = problem.output
  else { return Int32(MLXL_STATUS_BAD_PROBLEM.rawValue) }
  var dimensions: [Dimension] = []
  dimensions.reserveCapacity(ndim)
  withUnsafeBytes(of: problem.shape) { shape in
    withUnsafeBytes(of: problem.input_strides) { inputStrides in
      withUnsafeBytes(of: problem.output_strides) { outputStrides in
        for index in 0..<ndim {
          dimensions.append(Dimension(
            count: Int(shape.load(fromByteOffset: index * 8, as: Int64.self)),
            inputStride: Int(inputStrides.load(fromByteOffset: index * 8, as: Int64.self)),
            outputStride: Int(outputStrides.load(fromByteOffset: index * 8, as: Int64.self))))
        }
      }
    }
  }
  guard dimensions.allSatisfy({ $0.count >= 0 }) else { return Int32(MLXL_STATUS_BAD_PROBLEM.rawValue) }
  var axis = problem.axis == -1 ? nil : Int(problem.axis)
  var flatOutputStride = problem.axis == -1 && problem.output_strides.0 != 0 ? Int(problem.output_strides.0) : nil
  var elementBytes = Int(size)
  var chosen = kernel
  if let real = realPartsOfComplexSum(problem, dimensions: &dimensions, axis: &axis, flatOutputStride: &flatOutputStride) {
    chosen = real
    elementBytes /= 2
  }
  let geometry = ScanGeometry(
    input: input, output: output, dimensions: dimensions, axis: axis,
    reverse: problem.reverse != 0, inclusive: problem.inclusive != 0, elementSize: elementBytes,
    includeInitial: problem.include_initial != 0, flatOutputStride: flatOutputStride)
  let interrupt = problem.interrupt.map { UnsafeRawPointer($0).assumingMemoryBound(to: Int32.self) }
  return Int32(chosen(geometry, interrupt).rawValue)
}

/// A complex sum is two real sums side by side: the real and imaginary parts
/// as a last axis of two lanes, scanned by the real kernel (an interleaved
/// pair of sequences along a 1-D array), with the same per-part sums and
/// signed zeros as the complex kernel, in vectors instead of scalar chains
/// (1-D complex64 was 1.3x a copy's time). Rewrites the problem and returns
/// the real kernel when the sum is a complex one along an axis (or a 1-D
/// array flattened); nil otherwise.
func realPartsOfComplexSum(
  _ problem: mlxl_scan_problem, dimensions: inout [Dimension], axis: inout Int?, flatOutputStride: inout Int?
) -> Kernel? {
  // complex64 only: its parts are float32 carried in float64, exact in any
  // grouping of the lanes; complex128's would be float64 carried in float64
  // (see VectorTiles.keepsAccuracyInterleaved).
  let real = MLXL_FLOAT32
  guard problem.dtype == Int32(MLXL_COMPLEX64.rawValue) else { return nil }
  guard problem.op == Int32(MLXL_OP_SUM.rawValue), dimensions.count < Int(MLXL_MAX_DIMS) else { return nil }
  if axis == nil {
    guard dimensions.count == 1 else { return nil }
    // A 1-D array flattened is its one axis, written to a 1-D output.
    let size = Int(elementSize(problem.dtype))
    dimensions[0].outputStride = flatOutputStride ?? size
    axis = 0
    flatOutputStride = nil
  }
  let part = Int(elementSize(Int32(real.rawValue)))
  dimensions.append(Dimension(count: 2, inputStride: part, outputStride: part))
  return kernel(op: problem.op, dtype: Int32(real.rawValue))
}
