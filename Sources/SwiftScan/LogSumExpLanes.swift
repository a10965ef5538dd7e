import VectorShims

/// logcumsumexp along an outer axis (a lane scan's block), rescaled per lane.
///
/// `accumulateRow` row after row spends two vector log-add-exps per element
/// (`local ⊕= x`, then `carry ⊕ local`): two exps and two logs. Here the
/// block's rows are taken in chunks of up to `chunkRows`, and each lane of a
/// chunk as `LogSumExpTiles` takes a tile, two passes over the chunk's rows:
///
/// 1. `m`, each lane's maximum (NaN kept);
/// 2. `P_i = Σ_{j≤i} exp(x_j - m)` in double, and each output
///    `H + log(exp(c - H) + P_i exp(m - H))`, `H = max(c, m)`, `c` the lane's
///    carry: one exp and one log per element.
///
/// The lane's chunk total is `m + log(P_last)`, independent of `c`, so the
/// reduce pass (no output) gets the same bits. Chunks fold into `local` and
/// the carry with the scalar combine (`chunkRows` rows keep the sums' rounding
/// as short as a tile's; lane tiles of 64 lanes or more are one chunk).
///
/// A quad of lanes takes the row-by-row log-add-exps (`accumulateRow`, outputs
/// and total) when a lane's `m` is not finite (NaN, +inf, all -inf) or its
/// first term is below 2^-960 (see `LogSumExpTiles`); it keeps its total but
/// takes their outputs when a lane's carry is NaN or +inf, or an output is below
/// `Element.cancellation * (|H| + Element.cancellationOffset)` (cancellation). The choices depend on the
/// data and the lanes' fixed positions only: the same bits for every thread count.
extension LogSumExpTiles {
  static var chunkRows: Int { tileElements }

  public static func accumulateRows(
    _ input: UnsafeRawPointer, inputRowStride: Int, _ output: UnsafeMutableRawPointer?, outputRowStride: Int,
    rows: Int, local: UnsafeMutablePointer<Value>, carry: UnsafePointer<Value>, count: Int
  ) {
    let quads = count / 4
    if quads > 0 {
      withUnsafeTemporaryAllocation(of: Value.self, capacity: 2 &* quads &* 4) { buffer in
        let chunkCarry = buffer.baseAddress!, chunkTotal = chunkCarry + quads &* 4
        if output != nil { chunkCarry.update(from: carry, count: quads &* 4) }
        var start = 0
        while start < rows {
          let chunk = min(chunkRows, rows &- start)
          let chunkInput = input + start &* inputRowStride
          let chunkOutput = output.map { $0 + start &* outputRowStride }
          if let chunkOutput, UnsafeRawPointer(chunkOutput) == chunkInput && outputRowStride == inputRowStride {
            // In place (a cast input is converted into the result, then
            // scanned there): a quad whose outputs fall back reads its rows
            // again after they were written, so the chunk is read from a copy.
            let width = quads &* 4 &* size
            withUnsafeTemporaryAllocation(byteCount: chunk &* width, alignment: 32) { copy in
              let base = copy.baseAddress!
              for row in 0..<chunk {
                (base + row &* width).copyMemory(from: chunkInput + row &* inputRowStride, byteCount: width)
              }
              scanChunk(
                UnsafeRawPointer(base), width, chunkOutput, outputRowStride, rows: chunk, quads: quads,
                carry: chunkCarry, total: chunkTotal)
            }
          } else {
            scanChunk(
              chunkInput, inputRowStride, chunkOutput, outputRowStride, rows: chunk, quads: quads,
              carry: chunkCarry, total: chunkTotal)
          }
          for lane in 0..<(quads &* 4) {
            local[lane] = Operation.combine(local[lane], chunkTotal[lane])
            if output != nil && start &+ chunk < rows {
              chunkCarry[lane] = Operation.combine(chunkCarry[lane], chunkTotal[lane])
            }
          }
          start &+= chunk
        }
      }
    }
    let done = quads &* 4
    if done < count {
      // The last count % 4 lanes: the scalar combine (`accumulateRow` below four lanes).
      for row in 0..<rows {
        accumulateRow(
          input + row &* inputRowStride + done &* size, output.map { $0 + row &* outputRowStride + done &* size },
          local: local + done, carry: carry + done, count: count &- done)
      }
    }
  }

  /// One chunk of `rows` rows, `quads` quads of lanes: outputs from `carry`
  /// (when `output` is not nil), each lane's total from the neutral element to `total`.
  static func scanChunk(
    _ input: UnsafeRawPointer, _ inputRowStride: Int, _ output: UnsafeMutableRawPointer?, _ outputRowStride: Int,
    rows: Int, quads: Int, carry: UnsafePointer<Value>, total: UnsafeMutablePointer<Value>
  ) {
    // Per quad: m, P, H, exp(m - H), exp(c - H), the least output magnitude,
    // the row's staged sum; then a flag.
    withUnsafeTemporaryAllocation(of: Quad.self, capacity: 7 &* quads) { buffer in
      withUnsafeTemporaryAllocation(of: UInt8.self, capacity: quads) { flagBuffer in
        let maxima = buffer.baseAddress!, sums = maxima + quads, highs = sums + quads
        let scales = highs + quads, carryTerms = scales + quads, smallest = carryTerms + quads
        let staged = smallest + quads
        // 0: rescaled; 1: the row-by-row path (outputs and total); 2: its outputs only.
        let flags = flagBuffer.baseAddress!
        maxima.update(repeating: Quad(repeating: -.infinity), count: quads)
        for row in 0..<rows {
          let rowInput = input + row &* inputRowStride
          for quad in 0..<quads {
            maxima[quad] = mlxl_max_nan_double4(maxima[quad], Element.load4(rowInput + quad &* 4 &* size))
          }
        }
        for quad in 0..<quads {
          let m = maxima[quad]
          sums[quad] = Quad(repeating: 0)
          smallest[quad] = Quad(repeating: .infinity)
          // `m - m` is 0 for finite lanes, NaN for NaN and infinite ones.
          let check = m - m
          flags[quad] = check[0] == 0 && check[1] == 0 && check[2] == 0 && check[3] == 0 ? 0 : 1
          if flags[quad] == 0, output != nil {
            let c = Element.loadAccumulators(carry + quad &* 4)
            if !(c[0] < .infinity && c[1] < .infinity && c[2] < .infinity && c[3] < .infinity) { flags[quad] = 2 }
            let high = mlxl_max_nan_double4(c, m)
            highs[quad] = high
            // One of the two is exp(0) = 1; a -inf carry gives exp(-inf) = 0.
            scales[quad] = mlxl_exp_nonpositive_double4(mlxl_difference_double4(m, high), Element.precisionBits)
            carryTerms[quad] = mlxl_exp_nonpositive_double4(mlxl_difference_double4(c, high), Element.precisionBits)
          }
        }
        for row in 0..<rows {
          let rowInput = input + row &* inputRowStride
          let rowOutput = output.map { $0 + row &* outputRowStride }
          for quad in 0..<quads where flags[quad] != 1 {
            let terms = mlxl_exp_nonpositive_double4(
              mlxl_difference_double4(Element.load4(rowInput + quad &* 4 &* size), maxima[quad]), Element.precisionBits)
            if row == 0 && !(terms[0] >= smallestFirstTerm && terms[1] >= smallestFirstTerm
              && terms[2] >= smallestFirstTerm && terms[3] >= smallestFirstTerm)
            {
              flags[quad] = 1
              continue
            }
            let running = sums[quad] + terms
            sums[quad] = running
            if output != nil && flags[quad] == 0 {
              staged[quad] = mlxl_fma_double4(running, scales[quad], carryTerms[quad])
            }
          }
          // The logs in a second loop over the row, as `walk` takes them
          // (there: why): the same operations, the same bits.
          if let rowOutput {
            for quad in 0..<quads where flags[quad] == 0 {
              let outputs = mlxl_sum_double4(highs[quad], mlxl_log_double4(staged[quad], Element.precisionBits))
              Element.store4(outputs, rowOutput + quad &* 4 &* size)
              smallest[quad] = mlxl_min_magnitude_double4(smallest[quad], outputs)
            }
          }
        }
        for quad in 0..<quads {
          let lanes = quad &* 4
          if flags[quad] != 1 {
            let totals = mlxl_sum_double4(maxima[quad], mlxl_log_double4(sums[quad], Element.precisionBits))
            for lane in 0..<4 { total[lanes &+ lane] = Element.accumulator(totals[lane]) }
          }
          if output != nil && flags[quad] == 0 {
            let high = highs[quad], least = smallest[quad]
            for lane in 0..<4
            where !(least[lane] >= Element.cancellation * (high[lane].magnitude + Element.cancellationOffset)) {
              flags[quad] = 2
            }
          }
          if flags[quad] == 0 { continue }
          // The row-by-row log-add-exps for these four lanes; their total only where flagged 1.
          var fold = (Value, Value, Value, Value)(Operation.neutral, Operation.neutral, Operation.neutral, Operation.neutral)
          withUnsafeMutableBytes(of: &fold) { raw in
            let chain = raw.baseAddress!.assumingMemoryBound(to: Value.self)
            for row in 0..<rows {
              accumulateRow(
                input + row &* inputRowStride + lanes &* size,
                output.map { $0 + row &* outputRowStride + lanes &* size },
                local: chain, carry: carry + lanes, count: 4)
            }
            if flags[quad] == 1 { (total + lanes).update(from: chain, count: 4) }
          }
        }
      }
    }
  }
}
