import ScanABI
import Glibc

/// Fork-join: `body(worker)` for every worker in `0..<workers`, worker 0 on
/// the calling thread, returning when all are done.
///
/// The workers are `WorkerPool`'s kept threads; when the pool is busy with
/// another call's job, threads are started for this call alone. If a thread
/// cannot be started, its share runs on the calling thread instead.
enum ForkJoin {
  final class Task {
    let body: (Int) -> Void
    let worker: Int
    init(body: @escaping (Int) -> Void, worker: Int) {
      self.body = body
      self.worker = worker
    }
  }

  static func run(workers: Int, _ body: (Int) -> Void) {
    guard workers > 1 else {
      if workers == 1 { body(0) }
      return
    }
    if WorkerPool.shared.run(workers: workers, body) { return }
    runOnNewThreads(workers: workers, body)
  }

  /// `run` on threads started for this call and joined before it returns.
  static func runOnNewThreads(workers: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
      var threads: [pthread_t] = []
      var inline: [Int] = []
      for worker in 1..<workers {
        let task = Unmanaged.passRetained(Task(body: body, worker: worker))
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { context in
          let task = Unmanaged<Task>.fromOpaque(context!).takeRetainedValue()
          task.body(task.worker)
          return nil
        }, task.toOpaque())
        if status == 0 {
          threads.append(thread)
        } else {
          task.release()
          inline.append(worker)
        }
      }
      body(0)
      for worker in inline { body(worker) }
      for thread in threads { pthread_join(thread, nil) }
    }
  }
}

/// How many threads a scan may use: `MLX_LITE_NUM_THREADS` when set to a
/// positive integer, otherwise the CPUs this process may run on.
enum ThreadBudget {
  static var maximum: Int {
    if let text = getenv("MLX_LITE_NUM_THREADS"), let value = Int(String(cString: text)), value > 0 {
      return min(value, 256)
    }
    return availableCPUs
  }

  static let availableCPUs = Int(mlxl_available_cpus())

  /// Threads worth starting for `elements` elements of work.
  static func threads(for elements: Int) -> Int {
    max(1, min(maximum, elements / minimumElementsPerThread))
  }

  /// Below this much work per thread, a thread costs more than it saves.
  static var minimumElementsPerThread: Int { 1 << 17 }
}
