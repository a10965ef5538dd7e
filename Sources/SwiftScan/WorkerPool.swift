import ScanABI
import Synchronization
import Glibc

/// Worker threads started once and kept for the life of the process, so that
/// a parallel scan costs a wake-up rather than a `pthread_create` and a
/// `pthread_join` per phase (about 50 µs each here: a quarter of a 10^6-element
/// scan, which has two phases).
///
/// One job runs at a time: `run` returns false, and `ForkJoin` starts threads
/// of its own, when another call holds the pool (scans from several Python
/// threads at once, or a nested fork-join). Results never depend on which
/// path ran: the bodies are the same.
///
/// Waiting is a short spin, then a condition variable: back-to-back phases
/// and calls find the workers awake, and idle workers cost no CPU.
/// The workers block every signal, so a Ctrl-C reaches the thread that the
/// interpreter watches. After `fork()` the child has none of the parent's
/// workers: a handler forgets them, and the child starts its own when it
/// needs them.
final class WorkerPool {
  static let shared = WorkerPool()

  /// Held by the caller whose job the pool runs.
  private let owner = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  /// Guards the sleeps and wake-ups of the workers and the caller.
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let workReady = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  private let workDone = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

  /// The job's number and its worker count, `number << 16 | workers`, in one
  /// word so that a worker reads both at once: workers 1..<workers take part.
  /// Stored (releasing) once per job, after `body` is set; written only by
  /// the owner.
  private let job = Atomic<Int>(0)
  /// Pool threads of the current job that have not finished their share.
  private let pending = Atomic<Int>(0)
  /// The current job: a pointer to the caller's `(Int) -> Void`, valid until
  /// `pending` reaches zero. Raw, so that no reference outlives the job.
  private var body: UnsafeRawPointer?
  /// Pool threads started in this process; thread `k` is worker `k`.
  private var started = 0

  /// The most pool threads kept: beyond this, `ForkJoin` starts its own.
  static let capacity = 255

  private init() {
    initializeLocks()
    pthread_atfork(nil, nil, { WorkerPool.shared.forgetThreadsAfterFork() })
  }

  private func initializeLocks() {
    pthread_mutex_init(owner, nil)
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(workReady, nil)
    pthread_cond_init(workDone, nil)
  }

  /// In the child of `fork()`: only the forking thread exists, and any lock
  /// may have been held by a thread that is gone.
  private func forgetThreadsAfterFork() {
    initializeLocks()
    started = 0
    body = nil
    job.store(0, ordering: .relaxed)
    pending.store(0, ordering: .relaxed)
  }

  /// Runs `body(worker)` for every worker in `0..<count`, worker 0 on the
  /// calling thread, and returns true when all are done; returns false at
  /// once, having run nothing, if the pool is busy.
  func run(workers count: Int, _ body: (Int) -> Void) -> Bool {
    guard pthread_mutex_trylock(owner) == 0 else { return false }
    defer { pthread_mutex_unlock(owner) }
    startThreads(upTo: min(count &- 1, Self.capacity))
    let helpers = min(count &- 1, started)
    withoutActuallyEscaping(body) { body in
      withUnsafePointer(to: body) { pointer in
        self.body = UnsafeRawPointer(pointer)
        pending.store(helpers, ordering: .relaxed)
        let number = (job.load(ordering: .relaxed) >> 16) &+ 1
        pthread_mutex_lock(mutex)
        job.store(number << 16 | (helpers &+ 1), ordering: .releasing)
        pthread_cond_broadcast(workReady)
        pthread_mutex_unlock(mutex)

        body(0)
        // Workers no pool thread could be started for run here.
        for worker in (helpers &+ 1)..<max(count, helpers &+ 1) { body(worker) }

        if !spin(until: { pending.load(ordering: .acquiring) == 0 }) {
          pthread_mutex_lock(mutex)
          while pending.load(ordering: .acquiring) != 0 { pthread_cond_wait(workDone, mutex) }
          pthread_mutex_unlock(mutex)
        }
        self.body = nil
      }
    }
    return true
  }

  /// Spins for at most about 100 µs; returns whether `done()` became true.
  private func spin(until done: () -> Bool) -> Bool {
    var start = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    while true {
      for _ in 0..<64 {
        if done() { return true }
        mlxl_cpu_relax()
      }
      var now = timespec()
      clock_gettime(CLOCK_MONOTONIC, &now)
      let elapsed = (now.tv_sec &- start.tv_sec) &* 1_000_000_000 &+ (now.tv_nsec &- start.tv_nsec)
      if elapsed > 100_000 { return false }
    }
  }

  /// The loop of pool thread `worker`: wait for a new job, take part if the
  /// job has that many workers, report, repeat.
  /// `seen` is the job current when the thread was started.
  private func serve(worker: Int, seen initial: Int) -> Never {
    var seen = initial
    while true {
      if !spin(until: { job.load(ordering: .acquiring) != seen }) {
        pthread_mutex_lock(mutex)
        while job.load(ordering: .acquiring) == seen { pthread_cond_wait(workReady, mutex) }
        pthread_mutex_unlock(mutex)
      }
      seen = job.load(ordering: .acquiring)
      // A worker that takes part holds the job open (`pending`), so `body`
      // is this job's; one that does not never reads it.
      guard worker < seen & 0xffff, let body else { continue }
      body.assumingMemoryBound(to: ((Int) -> Void).self).pointee(worker)
      if pending.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(workDone)
        pthread_mutex_unlock(mutex)
      }
    }
  }

  private final class Start {
    let pool: WorkerPool
    let worker: Int
    let seen: Int
    init(_ pool: WorkerPool, _ worker: Int, _ seen: Int) {
      self.pool = pool
      self.worker = worker
      self.seen = seen
    }
  }

  /// Starts pool threads until there are `count` (fewer if the system refuses).
  /// Called with `owner` held, so no job is running.
  private func startThreads(upTo count: Int) {
    guard started < count else { return }
    var blocked = sigset_t(), previous = sigset_t()
    sigfillset(&blocked)
    pthread_sigmask(SIG_SETMASK, &blocked, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    while started < count {
      let start = Unmanaged.passRetained(Start(self, started &+ 1, job.load(ordering: .relaxed)))
      var thread = pthread_t()
      let status = pthread_create(&thread, nil, { context in
        let start = Unmanaged<Start>.fromOpaque(context!).takeRetainedValue()
        start.pool.serve(worker: start.worker, seen: start.seen)
      }, start.toOpaque())
      guard status == 0 else {
        start.release()
        return
      }
      pthread_detach(thread)
      started &+= 1
    }
  }
}
