// Every storage type with every operation it supports, forward and reverse,
// inclusive and exclusive, on short and tile-sized dense lines.

import XCTest
@testable import SwiftScan

final class ElementMatrixTests: XCTestCase {
  func testCaseListCoversEverySupportedPair() {
    XCTAssertEqual(allCases.count, 3 + 8 * 4 + 4 * 5 + 2 * 5 + 8 * 4 + 4 * 4)
    XCTAssertEqual(Set(allCases.map(\.name)).count, allCases.count)
    XCTAssertEqual(geometryCases.count, 16)
  }

  func testShortLines() {
    let geometries = [1, 2, 5, 63].flatMap { Geometry.line($0).variants }
    check(allCases, geometries, seed: 100)
  }

  func testChunkedTiles() {
    // 64 and more elements: a tile folds as four chains; 2049 spans two tiles.
    let geometries = [64, 301, 2049].flatMap { Geometry.line($0).variants }
    check(allCases, geometries, seed: 200)
  }
}
