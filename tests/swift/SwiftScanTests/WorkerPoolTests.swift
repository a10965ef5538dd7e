// The worker pool and fork-join on their own, without a scan around them: many
// back-to-back jobs (the pool's publish / complete handshake), callers on
// several threads at once (one holds the pool, the others start threads of
// their own) and nested fork-joins. Each worker writes plain memory that the
// caller reads after `run` returns, and reads memory the caller wrote before:
// under `swift test --sanitize=thread` (scripts/tsan.sh) a missing
// happens-before edge in the pool is a report, not just a rare wrong value.

import XCTest
@testable import SwiftScan

final class WorkerPoolTests: XCTestCase {
  /// Runs `body` for every job in `0..<jobs` and checks that each worker of
  /// each job saw the caller's input and left its output for the caller.
  private func checkJobs(jobs: Int, workers: (Int) -> Int, file: StaticString = #filePath, line: UInt = #line) {
    let slots = 8
    let input = UnsafeMutableBufferPointer<Int>.allocate(capacity: slots)
    let output = UnsafeMutableBufferPointer<Int>.allocate(capacity: slots)
    defer { input.deallocate(); output.deallocate() }
    for job in 0..<jobs {
      let count = workers(job)
      for slot in 0..<slots { input[slot] = job &* 31 &+ slot; output[slot] = -1 }
      ForkJoin.run(workers: count) { worker in output[worker] = input[worker] &* 2 }
      for worker in 0..<count where output[worker] != (job &* 31 &+ worker) &* 2 {
        XCTFail("job \(job) of \(count) workers: worker \(worker) wrote \(output[worker])", file: file, line: line)
        return
      }
    }
  }

  func testBackToBackJobsOfChangingSizes() {
    // Sizes 2...8: the pool starts threads as it needs them, and threads
    // beyond a job's size sit it out and must still see the next one.
    checkJobs(jobs: 3000, workers: { 2 &+ $0 % 7 })
  }

  func testSeveralCallersAtOnce() {
    // Four callers: one at a time holds the pool, the others run on threads
    // started for their call alone; every job is still complete.
    ForkJoin.runOnNewThreads(workers: 4) { caller in
      self.checkJobs(jobs: 300, workers: { 2 &+ ($0 &+ caller) % 3 })
    }
  }

  func testNestedForkJoin() {
    // The outer job holds the pool; each inner fork-join starts its own threads.
    let cells = UnsafeMutableBufferPointer<Int>.allocate(capacity: 3 * 4)
    defer { cells.deallocate() }
    for round in 0..<50 {
      cells.initialize(repeating: 0)
      ForkJoin.run(workers: 3) { outer in
        ForkJoin.run(workers: 4) { inner in cells[outer &* 4 &+ inner] = round &+ outer &* 4 &+ inner }
      }
      for cell in 0..<12 where cells[cell] != round &+ cell {
        XCTFail("round \(round): cell \(cell) holds \(cells[cell])")
        return
      }
    }
  }
}
