import Foundation

/// What a soak found: one summary line (or a JSON object) and, on failure, what failed.
struct SoakResult {
    let seconds: Int
    let writers: Int
    let readers: Int
    let subscribers: Int
    let stalledReaders: Int
    let counts: SoakLedger.Counts
    /// Seconds from SIGTERM to the server's exit (to its kill when it did not exit).
    let stopSeconds: Double
    /// The exit status after SIGTERM; nil when it did not exit within the limit.
    let exitStatus: Int32?
    let stopLimit: Double
    /// Thread stacks taken while the server hung (a /health probe waiting 5 s) or did not stop.
    let hangStacks: String?
    let stopStacks: String?
    let verifyProblems: [String]
    let verifyIntact: Bool
    let modelProblems: [String]
    let events: UInt64
    let totalSeconds: Double

    var commandTotal: SoakTally { counts.commands.values.reduce(into: SoakTally()) { $0.add($1) } }
    var readTotal: SoakTally { counts.reads.values.reduce(into: SoakTally()) { $0.add($1) } }
    var stoppedCleanly: Bool { exitStatus == 0 && stopSeconds <= stopLimit }
    var verifyOK: Bool { verifyIntact && verifyProblems.isEmpty && modelProblems.isEmpty }

    /// Why the soak failed; empty when it passed.
    var failures: [String] {
        var found: [String] = []
        let all = [commandTotal, readTotal, counts.stream]
        let serverErrors = all.map(\.serverErrors).reduce(0, +) + counts.duringStop.serverErrors
        if serverErrors > 0 { found.append("\(serverErrors) answers were 5xx other than 503 with Retry-After") }
        let unanswered = all.map(\.unanswered).reduce(0, +)
        if unanswered > 0 { found.append("\(unanswered) requests got no answer before SIGTERM") }
        if counts.healthMaxSeconds > 1 { found.append(String(format: "a /health probe took %.2f s (limit 1 s)", counts.healthMaxSeconds)) }
        if counts.healthFailures > 0 { found.append("\(counts.healthFailures) /health probes did not answer 200") }
        if exitStatus == nil {
            found.append(String(format: "the server did not exit within %.0f s of SIGTERM", stopLimit))
        } else if exitStatus != 0 {
            found.append("the server exited \(exitStatus!) after SIGTERM")
        }
        if hangStacks != nil { found.append("the server stopped answering /health for 5 s or more during the load") }
        if !verifyOK { found.append("verify failed") }
        if commandTotal.ok == 0 { found.append("no command was acknowledged") }
        if writers > 0 && counts.commands.count < 4 { found.append("not every kind of command was sent") }
        if readers > 0 && readTotal.ok == 0 { found.append("no read was answered") }
        if subscribers > 0 && counts.stream.ok == 0 { found.append("no event stream was opened") }
        return found
    }

    var passed: Bool { failures.isEmpty }

    var line: String {
        let commands = commandTotal, reads = readTotal
        let perKind: ([String: SoakTally]) -> String = { tallies in
            tallies.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.sent)" }.joined(separator: ", ")
        }
        var parts = [
            "soak \(seconds) s (\(writers) writers, \(readers) readers, \(subscribers) subscribers\(stalledReaders > 0 ? ", \(stalledReaders) stalled readers" : ""))",
            "commands \(commands.sent) (\(perKind(counts.commands)); \(commands.ok) acknowledged, \(commands.refused) refused, \(commands.unavailable) 503)",
            "reads \(reads.sent) (\(perKind(counts.reads)); \(reads.unavailable) 503)",
            "event streams \(counts.sessions) sessions (\(counts.slowSessions) slow), \(counts.events) events streamed",
            String(format: "max /health %.0f ms over %d probes", counts.healthMaxSeconds * 1000, counts.healthProbes),
            exitStatus.map { String(format: "stopped in %.2f s (exit %d)", stopSeconds, $0) }
                ?? String(format: "DID NOT STOP within %.0f s of SIGTERM", stopLimit),
            verifyOK ? "verify ok, read models equal a rebuild" : "verify FAILED",
        ]
        if !passed { parts.append("FAILED") }
        return parts.joined(separator: ", ") + String(format: " (%d events, %.0f s)", events, totalSeconds)
    }

    /// For standard error: what failed and the first problems seen.
    var details: [String] {
        var lines = failures.map { "failed: " + $0 }
        lines += counts.problems.map { "problem: " + $0 }
        if counts.problemCount > counts.problems.count { lines.append("… and \(counts.problemCount - counts.problems.count) more problems") }
        lines += verifyProblems.map { "verify: " + $0 } + modelProblems.map { "read model: " + $0 }
        if let hangStacks { lines.append("the server's threads while /health went unanswered:\n" + hangStacks) }
        if let stopStacks { lines.append("the server's threads when it had not stopped \(Int(stopLimit)) s after SIGTERM:\n" + stopStacks) }
        return lines
    }

    func json() throws -> String {
        var object: [String: Any] = [
            "seconds": seconds, "writers": writers, "readers": readers, "subscribers": subscribers, "stalled_readers": stalledReaders,
            "commands": counts.commands.mapValues(\.json), "reads": counts.reads.mapValues(\.json),
            "commands_total": commandTotal.json, "reads_total": readTotal.json,
            "sse": [
                "sessions": counts.sessions, "slow_sessions": counts.slowSessions, "stalled_sessions": counts.stalledSessions, "events": counts.events, "bytes": counts.streamBytes,
                "ended_by_server": counts.sessionsEndedByServer, "answers": counts.stream.json,
            ] as [String: Any],
            "health": ["probes": counts.healthProbes, "max_ms": Int((counts.healthMaxSeconds * 1000).rounded()), "failures": counts.healthFailures],
            "during_stop": counts.duringStop.json,
            "stop_seconds": stopSeconds, "stop_limit_seconds": stopLimit,
            "exit_status": exitStatus.map { Int($0) as Any } ?? NSNull(), "stopped_cleanly": stoppedCleanly,
            "verify": verifyOK ? "ok" : "failed", "verify_problems": verifyProblems + modelProblems,
            "events": events, "total_seconds": totalSeconds,
            "problems": counts.problems, "failures": failures, "passed": passed,
        ]
        if let hangStacks { object["hang_stacks"] = hangStacks }
        if let stopStacks { object["stop_stacks"] = stopStacks }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
