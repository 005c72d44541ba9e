import Foundation
import Synchronization
import Testing
import TribelogSupport
@testable import tribelog

/// The server's cooperative pool stays free while the log and the read models take
/// durable writes on a machine whose other core is busy: `GET /health` answers within a
/// second the whole time. Before the read-model follower ran its durable commits on a
/// thread of its own, they held one of the pool's two threads, and HTTP handlers and
/// timers waited behind them.
@Suite struct PoolResponsivenessTests {
    @Test(.timeLimit(.minutes(2))) func healthAnswersWithinASecondWhileDurableWritesRunBesideABusyCore() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.path("data")
        let (server, token) = try await ServeChild.startWithMember(data: data, "ann")

        // One core busy for the test's length (a plain thread, bounded by the flag and 60 s).
        let busy = CPUHog(seconds: 60)
        defer { busy.stop() }
        let created = AcknowledgedCount()
        // Stopped by a flag, not by cancelling: cancelling a task while its URLSession
        // request completes deadlocks corelibs Foundation (the cancel handler waits for the
        // session's queue, which waits to resume that task); seen once in a full run.
        let stop = StopFlag()
        let writers = Task {
            await withTaskGroup(of: Void.self) { group in
                for client in 0..<4 {
                    group.addTask {
                        for n in 0..<10_000 where !stop.isSet {
                            let body = #"{"id":"t-\#(client)-\#(n)","name":"Tribe \#(n)","privacy":"open"}"#
                            if let answer = await server.send("POST", "/tribes", json: body, token: token), answer.status == 201 {
                                created.add()
                            }
                        }
                    }
                }
            }
        }
        defer { stop.set() }

        // Measured from a thread of the test's own, so that other tests holding this
        // process's pool do not count against the server.
        let latencies = try await Task(executorPreference: DedicatedThread.shared) {
            let loaded = ContinuousClock.now + .seconds(30)
            while created.value < 50 && ContinuousClock.now < loaded { try await Task.sleep(for: .milliseconds(10)) }
            var latencies: [Duration] = []
            for _ in 0..<40 {
                let started = ContinuousClock.now
                let health = await server.send("GET", "/health", timeout: 10)
                latencies.append(ContinuousClock.now - started)
                #expect(health?.status == 200)
                try await Task.sleep(for: .milliseconds(50))
            }
            return latencies
        }.value
        let before = created.value
        stop.set()
        await writers.value
        #expect(before >= 50, "the writers created only \(before) tribes: no load to speak of")
        #expect(latencies.max()! < .seconds(1), "GET /health took up to \(latencies.max()!) under durable writes: \(latencies)")
        #expect(try await server.terminate(timeout: 30))
    }
}

/// A flag the test sets once for its client loops to end.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}

/// Spins on one thread until stopped or `seconds` have passed: a busy core.
final class CPUHog: Sendable {
    private let running = Atomic<Bool>(true)

    init(seconds: Double) {
        let until = Date().addingTimeInterval(seconds)
        Thread.detachNewThread { [self] in
            var x: UInt64 = 1
            while running.load(ordering: .relaxed) && Date() < until {
                for _ in 0..<100_000 { x = x &* 6364136223846793005 &+ 1 }
            }
            if x == 0 { print(x) }  // keeps the loop from being optimised away
        }
    }

    func stop() { running.store(false, ordering: .relaxed) }
}

/// A task executor with a thread of its own, for measurements that must not wait for
/// the tests sharing the cooperative pool.
final class DedicatedThread: TaskExecutor {
    static let shared = DedicatedThread()
    private let queue = DispatchQueue(label: "tribelog.tests.dedicated")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
