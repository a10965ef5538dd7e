import ScanABI

/// The C entry points, and the one table from (operation, element type) to a
/// specialised engine.

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
func kernel<Element: VectorScanElement, Operation: VectorScanOperation>(
  _: Element.Type, _: Operation.Type
) -> Kernel where Operation.Value == Element.Accumulator {
  kernel(VectorTiles<Element, Operation>.self)
}

/// The operations an element type supports, by what its accumulator can do.
/// (Overloads are chosen where these generic functions are compiled, so the
/// vector-capable accumulators have functions of their own.)
func orderedKernel<E: ScanElement>(_ element: E.Type, _ op: Int32) -> Kernel?
where E.Accumulator: ScanMultiplicable & ScanOrdered {
  switch op {
  case Int32(MLXL_OP_PROD.rawValue): return kernel(element, ProductOp<E.Accumulator>.self)
  case Int32(MLXL_OP_MAX.rawValue): return kernel(element, MaxOp<E.Accumulator>.self)
  case Int32(MLXL_OP_MIN.rawValue): return kernel(element, MinOp<E.Accumulator>.self)
  default: return nil
  }
}

func inexactKernel<E: ScanElement>(_ element: E.Type, _ op: Int32) -> Kernel?
where E.Accumulator: ScanSummable & ScanMultiplicable & ScanOrdered & ScanLogAddExp {
  switch op {
  case Int32(MLXL_OP_SUM.rawValue): return kernel(element, SumOp<E.Accumulator>.self)
  case Int32(MLXL_OP_LOGADDEXP.rawValue): return kernel(element, LogAddExpOp<E.Accumulator>.self)
  default: return orderedKernel(element, op)
  }
}

func vectorArithmeticKernel<E: VectorScanElement>(_ element: E.Type, _ op: Int32) -> Kernel?
where E.Accumulator: ScanVectorSummable & ScanVectorMultiplicable & ScanVectorOrdered {
  switch op {
  case Int32(MLXL_OP_SUM.rawValue): return kernel(element, SumOp<E.Accumulator>.self)
  case Int32(MLXL_OP_PROD.rawValue): return kernel(element, ProductOp<E.Accumulator>.self)
  case Int32(MLXL_OP_MAX.rawValue): return kernel(element, MaxOp<E.Accumulator>.self)
  case Int32(MLXL_OP_MIN.rawValue): return kernel(element, MinOp<E.Accumulator>.self)
  default: return nil
  }
}

/// Floating-point maximum and minimum: in the Haswell build, vector code
/// (their NaN-keeping selects are C vector expressions from VectorShims, one
/// blend each); in the baseline build, the chunked scalar tiles, because
/// SSE2 has no blend and four scalar chains are faster there (1-D float32 in
/// cache: 0.80 against 1.13 ns per element; Haswell: 0.64 against 0.67, and
/// rows of eight 3.0 against 0.50).
func vectorInexactKernel<E: VectorScanElement>(_ element: E.Type, _ op: Int32) -> Kernel?
where E.Accumulator: ScanVectorSummable & ScanVectorMultiplicable & ScanVectorOrdered & ScanLogAddExp {
  switch op {
  case Int32(MLXL_OP_LOGADDEXP.rawValue): return kernel(element, LogAddExpOp<E.Accumulator>.self)
  #if !MLX_LITE_HASWELL
  case Int32(MLXL_OP_MAX.rawValue), Int32(MLXL_OP_MIN.rawValue): return orderedKernel(element, op)
  #endif
  default: return vectorArithmeticKernel(element, op)
  }
}

/// The dtype table: each storage type and the family of operations it has.
/// Integers have no log-add-exp and bool no sum: the Python layer casts
/// those first (to float32 and int32), as MLX does.
func kernel(op: Int32, dtype: Int32) -> Kernel? {
  switch UInt32(bitPattern: dtype) {
  case MLXL_BOOL.rawValue: return orderedKernel(BoolByte.self, op)
  case MLXL_INT8.rawValue: return vectorArithmeticKernel(Int8.self, op)
  case MLXL_INT16.rawValue: return vectorArithmeticKernel(Int16.self, op)
  case MLXL_INT32.rawValue: return vectorArithmeticKernel(Int32.self, op)
  case MLXL_INT64.rawValue: return vectorArithmeticKernel(Int64.self, op)
  case MLXL_UINT8.rawValue: return vectorArithmeticKernel(UInt8.self, op)
  case MLXL_UINT16.rawValue: return vectorArithmeticKernel(UInt16.self, op)
  case MLXL_UINT32.rawValue: return vectorArithmeticKernel(UInt32.self, op)
  case MLXL_UINT64.rawValue: return vectorArithmeticKernel(UInt64.self, op)
  case MLXL_FLOAT16.rawValue: return vectorInexactKernel(Half.self, op)
  case MLXL_BFLOAT16.rawValue: return vectorInexactKernel(BFloat16.self, op)
  case MLXL_FLOAT32.rawValue: return vectorInexactKernel(Float.self, op)
  case MLXL_FLOAT64.rawValue: return vectorInexactKernel(Double.self, op)
  case MLXL_COMPLEX64.rawValue: return inexactKernel(Complex64Element.self, op)
  case MLXL_COMPLEX128.rawValue: return inexactKernel(Complex128.self, op)
  default: return nil
  }
}

/// Bytes per element of each storage type (0 for an unknown code).
@_cdecl("mlxl_element_size")
public func elementSize(_ dtype: Int32) -> Int64 {
  switch UInt32(bitPattern: dtype) {
  case MLXL_BOOL.rawValue, MLXL_INT8.rawValue, MLXL_UINT8.rawValue: return 1
  case MLXL_INT16.rawValue, MLXL_UINT16.rawValue, MLXL_FLOAT16.rawValue, MLXL_BFLOAT16.rawValue: return 2
  case MLXL_INT32.rawValue, MLXL_UINT32.rawValue, MLXL_FLOAT32.rawValue: return 4
  case MLXL_INT64.rawValue, MLXL_UINT64.rawValue, MLXL_FLOAT64.rawValue, MLXL_COMPLEX64.rawValue: return 8
  case MLXL_COMPLEX128.rawValue: return 16
  default: return 0
  }
}

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
  let geometry = ScanGeometry(
    input: input, output: output, dimensions: dimensions,
    axis: problem.axis == -1 ? nil : Int(problem.axis),
    reverse: problem.reverse != 0, inclusive: problem.inclusive != 0, elementSize: Int(size))
  let interrupt = problem.interrupt.map { UnsafeRawPointer($0).assumingMemoryBound(to: Int32.self) }
  return Int32(kernel(geometry, interrupt).rawValue)
}
