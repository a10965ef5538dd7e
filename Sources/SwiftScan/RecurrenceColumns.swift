import VectorShims

/// A varying step's `WideLine` as columns: chunks 0–3 and 4–7 are two quads,
/// four elements of each of a quad's chunks loaded and transposed, so that a
/// vector holds one row of four chunks and composing rows is lane-wise
/// arithmetic, with no shifts inside a vector. Element `e` of four is row
/// `e / lanes` of lane `e % lanes`.
///
/// (One float32 line of 2^20 elements in the cache, one thread, both passes:
/// 1.32 ns an element with four rows composed in place, by shifted
/// multiply-adds, against 0.91 with pass one as columns; 10^7 elements
/// 2.03 → 1.39 with the next block prefetched too.)
extension WideLine {
  /// Pass one: each chunk's composed steps (`totals`' layout).
  func columnTotals(_ a: UnsafeRawPointer, _ totalA: UnsafeMutablePointer<Double>, _ totalB: UnsafeMutablePointer<Double>) {
    var low = WideColumns<P>(), high = WideColumns<P>()
    for g in 0..<vectors {
      let offset = g &* vector
      prefetchNextBlock(a, g)
      prefetchNextBlock(b, g)
      low.compose(columns(a, quad: 0, offset), columns(b, quad: 0, offset))
      high.compose(columns(a, quad: 1, offset), columns(b, quad: 1, offset))
    }
    low.store(totalA, totalB, scale: scale)
    high.store(totalA + 4 &* P.lanes, totalB + 4 &* P.lanes, scale: scale)
  }

  /// Pass two: chunk `c`'s lanes from `start[c·lanes ..< (c+1)·lanes]`.
  /// Four rows' outputs all come from the values reaching them, through
  /// their prefixes (`WideColumns.outputs`): one multiply-add a row on the
  /// chain, not four one after another.
  func scanColumns(_ a: UnsafeRawPointer, from start: UnsafePointer<Double>, into output: UnsafeMutableRawPointer) {
    let gap = self.gap, scale4 = mlxl_splat_double4(scale)
    @inline(__always) func reaching(_ quad: Int, _ lane: Int) -> SIMD4<Double> {
      let s = start + (4 &* quad &* P.lanes &+ lane)
      return SIMD4(s[0], s[P.lanes], s[2 &* P.lanes], s[3 &* P.lanes])
    }
    var low = (reaching(0, 0), reaching(0, P.lanes &- 1)), high = (reaching(1, 0), reaching(1, P.lanes &- 1))
    for g in 0..<vectors {
      let offset = g &* vector
      prefetchNextBlock(output: output, g)
      @inline(__always) func quad(_ q: Int, _ h: inout (SIMD4<Double>, SIMD4<Double>)) {
        let x = columns(b, quad: q, offset)
        let o = WideColumns<P>.outputs(
          columns(a, quad: q, offset), (mul(scale4, x.0), mul(scale4, x.1), mul(scale4, x.2), mul(scale4, x.3)), &h)
        let m = D.backward ? P.mirrored(o) : o
        let c = transposed(m.0, m.1, m.2, m.3)
        let chunk = 4 &* q &* gap &+ offset
        E.store4(c.0, output + at(chunk))
        E.store4(c.1, output + at(chunk &+ gap))
        E.store4(c.2, output + at(chunk &+ 2 &* gap))
        E.store4(c.3, output + at(chunk &+ 3 &* gap))
      }
      quad(0, &low)
      quad(1, &high)
    }
  }

  /// Four elements, from `offset` on, of each of quad `quad`'s chunks of
  /// `line`, as rows (in row order: a downward line's transposed rows mirrored).
  @inline(__always) func columns(_ line: UnsafeRawPointer, quad: Int, _ offset: Int) -> DoubleQuad {
    let chunk = 4 &* quad &* gap &+ offset
    let rows = transposed(
      E.load4(line + at(chunk)), E.load4(line + at(chunk &+ gap)), E.load4(line + at(chunk &+ 2 &* gap)),
      E.load4(line + at(chunk &+ 3 &* gap)))
    return D.backward ? P.mirrored(rows) : rows
  }
}

/// Four chunks' steps composed from the identity, one chunk a vector lane,
/// for each lane of the line (`P.lanes`: `first`, and `second` for two).
struct WideColumns<P: WidePeriod> {
  typealias Four = DoubleQuad
  typealias Step = (a: SIMD4<Double>, b: SIMD4<Double>)
  var first: Step = (mlxl_splat_double4(1), mlxl_splat_double4(0))
  var second: Step = (mlxl_splat_double4(1), mlxl_splat_double4(0))

  /// `AffineStep.then`, lane-wise.
  @inline(__always) static func then(_ s: Step, _ next: Step) -> Step {
    (mul(s.a, next.a), add(mul(next.a, s.b), next.b))
  }

  @inline(__always) static func applied(_ s: Step, _ h: SIMD4<Double>) -> SIMD4<Double> { add(mul(s.a, h), s.b) }

  /// The next four rows of steps `s` and inputs `x`. One lane's four rows
  /// are composed as a tree, `(0∘1)∘(2∘3)`, before they reach the running
  /// steps (one multiply-add on the chain per four rows).
  @inline(__always) mutating func compose(_ s: Four, _ x: Four) {
    if P.lanes == 1 {
      first = Self.then(first, Self.then(Self.then((s.0, x.0), (s.1, x.1)), Self.then((s.2, x.2), (s.3, x.3))))
    } else {
      first = Self.then(first, Self.then((s.0, x.0), (s.2, x.2)))
      second = Self.then(second, Self.then((s.1, x.1), (s.3, x.3)))
    }
  }

  /// The outputs of four rows from `h`, the values reaching them (a lane's
  /// in `h.0`, the second's in `h.1`), which are left at the last rows'
  /// outputs. A lane's first row is `s·h + x`, the sequential step's bits.
  @inline(__always) static func outputs(_ s: Four, _ x: Four, _ h: inout (SIMD4<Double>, SIMD4<Double>)) -> Four {
    if P.lanes == 1 {
      let p0: Step = (s.0, x.0)
      let p1 = then(p0, (s.1, x.1))
      let o = (
        applied(p0, h.0), applied(p1, h.0), applied(then(p1, (s.2, x.2)), h.0),
        applied(then(p1, then((s.2, x.2), (s.3, x.3))), h.0))
      h.0 = o.3
      return o
    }
    let p0: Step = (s.0, x.0), p1: Step = (s.1, x.1)
    let o = (applied(p0, h.0), applied(p1, h.1), applied(then(p0, (s.2, x.2)), h.0), applied(then(p1, (s.3, x.3)), h.1))
    h = (o.2, o.3)
    return o
  }

  /// Chunk `c`'s lane `l` at `[c·lanes + l]`, its `b` times `scale` (the
  /// composed `b` is linear in the inputs: one multiply a chunk, not one an element).
  @inline(__always) func store(_ totalA: UnsafeMutablePointer<Double>, _ totalB: UnsafeMutablePointer<Double>, scale: Double) {
    let firstB = mul(first.b, mlxl_splat_double4(scale)), secondB = mul(second.b, mlxl_splat_double4(scale))
    for c in 0..<4 {
      totalA[c &* P.lanes] = first.a[c]
      totalB[c &* P.lanes] = firstB[c]
      if P.lanes == 2 {
        totalA[c &* 2 &+ 1] = second.a[c]
        totalB[c &* 2 &+ 1] = secondB[c]
      }
    }
  }
}

/// `(v₀, v₁, v₂, v₃)` as columns: element `e` of result `r` is element `r` of `vₑ`.
@inline(__always) func transposed(
  _ v0: SIMD4<Double>, _ v1: SIMD4<Double>, _ v2: SIMD4<Double>, _ v3: SIMD4<Double>
) -> (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>) {
  let t0 = mlxl_even_double4(v0, v1), t1 = mlxl_odd_double4(v0, v1)
  let t2 = mlxl_even_double4(v2, v3), t3 = mlxl_odd_double4(v2, v3)
  return (
    mlxl_low_halves_double4(t0, t2), mlxl_low_halves_double4(t1, t3),
    mlxl_high_halves_double4(t0, t2), mlxl_high_halves_double4(t1, t3))
}

@inline(__always) private func add(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> { mlxl_sum_double4(a, b) }
@inline(__always) private func mul(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> { mlxl_product_double4(a, b) }
