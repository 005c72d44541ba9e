import Foundation
import Synchronization

/// How the requests of one kind ended ("join part-up", "tribe feed", …).
struct SoakTally: Sendable {
    var sent = 0
    /// 2xx.
    var ok = 0
    /// 4xx: the domain or the server said no (a tribe joined twice, a token not allowed).
    var refused = 0
    /// 503 with Retry-After: the server asked to come back (a read model behind `?after=`).
    var unavailable = 0
    /// Any other 5xx: a failure of the soak.
    var serverErrors = 0
    /// No answer within the request's timeout.
    var unanswered = 0
    var maxSeconds = 0.0

    mutating func add(_ other: SoakTally) {
        sent += other.sent
        ok += other.ok
        refused += other.refused
        unavailable += other.unavailable
        serverErrors += other.serverErrors
        unanswered += other.unanswered
        maxSeconds = max(maxSeconds, other.maxSeconds)
    }

    var json: [String: Any] {
        ["sent": sent, "ok": ok, "refused": refused, "unavailable": unavailable, "server_errors": serverErrors,
         "unanswered": unanswered, "max_ms": Int((maxSeconds * 1000).rounded())]
    }
}

/// What one Server-Sent Events session did.
struct StreamSession: Sendable {
    var slow: Bool
    var stalled = false
    /// The HTTP status, 0 when none came.
    var status = 0
    var retryAfter = false
    var events = 0
    var bytes = 0
    /// True when the server ended the stream (shutdown, access ended), false when the client left.
    var endedByServer = false
    /// Why it failed (connect, a bad answer, a deadline before the first byte), or nil.
    var failure: String?
}

/// Counts of the whole soak, shared by its tasks and threads.
final class SoakLedger: Sendable {
    enum Phase: Sendable { case load, stopping }

    struct Counts: Sendable {
        var commands: [String: SoakTally] = [:]
        var reads: [String: SoakTally] = [:]
        var sessions = 0
        var slowSessions = 0
        var stalledSessions = 0
        var sessionsEndedByServer = 0
        var events = 0
        var streamBytes = 0
        var stream = SoakTally()
        var healthProbes = 0
        var healthMaxSeconds = 0.0
        var healthFailures = 0
        /// Requests answered or left unanswered after SIGTERM: refusals and silence are
        /// expected then, a 5xx other than 503 is not.
        var duringStop = SoakTally()
        /// What went wrong, for the report (at most 50 lines kept).
        var problems: [String] = []
        var problemCount = 0
    }

    private let counts = Mutex(Counts())
    private let phaseFlag = Atomic<Int>(0)

    var phase: Phase { phaseFlag.load(ordering: .acquiring) == 0 ? .load : .stopping }
    /// SIGTERM is being sent: what is answered from now on counts as `duringStop`.
    func startStopping() { phaseFlag.store(1, ordering: .releasing) }
    /// The server has exited (or was killed): every client ends.
    var finished: Bool { phaseFlag.load(ordering: .acquiring) == 2 }
    func finish() { phaseFlag.store(2, ordering: .releasing) }

    /// Files one HTTP answer (status 0: none came) of a command or a read.
    func record(command: Bool, kind: String, status: Int, retryAfter: Bool, seconds: Double, detail: @autoclosure () -> String) {
        var tally = SoakTally(sent: 1, maxSeconds: seconds)
        classify(&tally, status: status, retryAfter: retryAfter)
        let stopping = phase == .stopping
        counts.withLock { c in
            if stopping {
                c.duringStop.add(tally)
            } else if command {
                c.commands[kind, default: SoakTally()].add(tally)
            } else {
                c.reads[kind, default: SoakTally()].add(tally)
            }
            if tally.serverErrors > 0 {
                Self.note(&c, "\(kind): \(status)\(stopping ? " (after SIGTERM)" : "") \(detail())")
            } else if tally.unanswered > 0 && !stopping {
                Self.note(&c, "\(kind): no answer within the timeout \(detail())")
            }
        }
    }

    func record(_ session: StreamSession, tribe: String) {
        var tally = SoakTally(sent: 1)
        classify(&tally, status: session.status, retryAfter: session.retryAfter)
        let stopping = phase == .stopping
        counts.withLock { c in
            c.sessions += 1
            if session.slow { c.slowSessions += 1 }
            if session.stalled { c.stalledSessions += 1 }
            if session.endedByServer { c.sessionsEndedByServer += 1 }
            c.events += session.events
            c.streamBytes += session.bytes
            if stopping && tally.serverErrors == 0 {
                c.duringStop.add(tally)
            } else {
                c.stream.add(tally)
            }
            if tally.serverErrors > 0 {
                Self.note(&c, "events of \(tribe): \(session.status)")
            } else if let failure = session.failure, !stopping {
                Self.note(&c, "events of \(tribe)\(session.slow ? " (slow reader)" : ""): \(failure)")
            }
        }
    }

    func recordHealth(seconds: Double, ok: Bool) {
        counts.withLock { c in
            c.healthProbes += 1
            c.healthMaxSeconds = max(c.healthMaxSeconds, seconds)
            if !ok { c.healthFailures += 1 }
            if seconds > 1 { Self.note(&c, String(format: "GET /health took %.2f s", seconds)) }
        }
    }

    func problem(_ text: String) { counts.withLock { Self.note(&$0, text) } }

    var snapshot: Counts { counts.withLock { $0 } }

    private func classify(_ tally: inout SoakTally, status: Int, retryAfter: Bool) {
        switch status {
        case 0: tally.unanswered = 1
        case 200..<300: tally.ok = 1
        case 503 where retryAfter: tally.unavailable = 1
        case 500...: tally.serverErrors = 1
        default: tally.refused = 1
        }
    }

    private static func note(_ counts: inout Counts, _ text: String) {
        counts.problemCount += 1
        if counts.problems.count < 50 { counts.problems.append(text) }
    }
}
