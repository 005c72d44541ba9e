import Foundation
import Synchronization

/// Starting child processes and waiting for them without holding a cooperative thread.
///
/// Foundation's `Process.run()` on Linux is not safe to call from two threads at once: a
/// test process once crashed inside it (a bad pointer in memcpy) while several tests
/// started children at the same moment. Every child of Tribelog's tools and tests is
/// started through `start`, which takes one lock around the spawn (not around the wait).
public enum Spawn {
    private static let spawning = Mutex(())

    /// Starts `process`, one spawn at a time in this process.
    public static func start(_ process: Process) throws {
        try spawning.withLock { _ in try process.run() }
    }

    /// Waits until `process` has exited, checking every few milliseconds from a task that
    /// sleeps in between (`waitUntilExit` would block a thread for the whole wait). With a
    /// `timeout`, returns false if it is still running then.
    @discardableResult
    public static func exit(of process: Process, timeout: Duration? = nil) async -> Bool {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        var pause = Duration.milliseconds(1)
        while process.isRunning {
            if let deadline, clock.now >= deadline { return false }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(20))
        }
        // The status is read once the monitor has recorded it; returns at once by now.
        process.waitUntilExit()
        return true
    }

    /// Waits for `process` to exit within `timeout`, killing it (SIGKILL) if it does not;
    /// true when it exited by itself.
    public static func exit(of process: Process, killingAfter timeout: Duration) async -> Bool {
        if await exit(of: process, timeout: timeout) { return true }
        kill(process.processIdentifier, SIGKILL)
        await exit(of: process)
        return false
    }
}
