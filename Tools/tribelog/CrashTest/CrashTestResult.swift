import Foundation

/// What a crash test found: the one summary line (or JSON object) and, on a failure, the
/// lines that say what went wrong.
struct CrashTestResult {
    let rounds: Int
    let clients: Int
    let seed: UInt64
    let counts: CrashLedger.Counts
    /// Acknowledged commands the log does not hold as answered.
    let lost: [String]
    let verifyProblems: [String]
    let verifyIntact: Bool
    /// Read models ahead of the log or differing from a rebuild.
    let modelProblems: [String]
    let events: UInt64
    /// The last, clean run's exit status after SIGTERM (nil: it never caught up or did not stop).
    let finalExit: Int32?
    let seconds: Double

    var refused: Int { counts.refused.values.reduce(0, +) }
    var verifyOK: Bool { verifyIntact && verifyProblems.isEmpty }
    var passed: Bool { lost.isEmpty && verifyOK && modelProblems.isEmpty && finalExit == 0 && !counts.acknowledged.isEmpty }

    var line: String {
        var parts = [
            "rounds \(rounds)", "acknowledged \(counts.acknowledged.count) (\(counts.replayed) replayed after a kill)",
            "refused \(refused)", "lost \(lost.count)", "verify \(verifyOK ? "ok" : "FAILED")",
            modelProblems.isEmpty ? "read models equal a rebuild" : "\(modelProblems.count) read models DIFFER from a rebuild",
        ]
        if finalExit != 0 { parts.append(finalExit.map { "the last server exited \($0)" } ?? "the last server never caught up or stopped") }
        return parts.joined(separator: ", ") + String(format: " (%d events, %.0f s)", events, seconds)
    }

    /// For standard error: what failed, at most 20 lines of each kind, then the unusual answers.
    var details: [String] {
        var lines = lost.prefix(20).map { "lost: " + $0 } + verifyProblems.map { "verify: " + $0 } + modelProblems.map { "read model: " + $0 }
        if !passed || refused > 0 {
            lines += counts.refused.sorted { $0.key < $1.key }.map { "refused: \($0.value) × \($0.key)" }
        }
        lines += counts.serverErrors.sorted { $0.key < $1.key }.map { "server error: \($0.value) × \($0.key)" }
        return lines
    }

    func json() throws -> String {
        let object: [String: Any] = [
            "rounds": rounds, "clients": clients, "seed": seed, "acknowledged": counts.acknowledged.count,
            "replayed": counts.replayed, "refused": refused, "refusals": counts.refused, "server_errors": counts.serverErrors,
            "unanswered_before_kill": counts.unanswered, "lost": lost.count, "lost_examples": Array(lost.prefix(20)),
            "verify": verifyOK ? "ok" : "failed", "verify_problems": verifyProblems,
            "read_models_equal_rebuild": modelProblems.isEmpty, "read_model_problems": modelProblems,
            "events": events, "final_exit_status": finalExit.map { Int($0) as Any } ?? NSNull(), "seconds": seconds, "passed": passed,
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
