import Foundation

/// What one bench run measured, and how it is printed: one JSON object (`--json`) or a
/// table with the ratios against the C ceiling and the targets of DESIGN.md. Figures of the
/// parts not run stay NaN: null in JSON, left out of the table and of the targets.
struct BenchReport {
    var events = 0
    var batch = 0
    var valueBytes = 0
    var concurrentWriters = 0
    var concurrentEvents = 0
    var singleFsyncEvents = 0
    var appendBatchedEPS = Double.nan
    var ceilingBatchedEPS = Double.nan
    var appendConcurrentEPS = Double.nan
    /// Requests per durable commit in the concurrent run: how well group commit batches.
    var concurrentRequestsPerCommit = Double.nan
    var ceilingSingleFsyncEPS = Double.nan
    var indexEPS = Double.nan
    var scanDecodeEPS = Double.nan
    var ceilingScanEPS = Double.nan
    /// The same work as the log in C, on the same bodies (`SameWorkCeiling`).
    var sameWorkAppendEPS = Double.nan
    var sameWorkScanEPS = Double.nan
    var exportEPS = Double.nan
    /// Events of the demo history the read models were rebuilt from and the server served.
    var demoEvents = 0
    /// A full rebuild of every read model, in events of the log per second.
    var rebuildEPS = Double.nan
    /// How long after a commit every read model had applied it, while the log takes writes.
    var lagSamples = 0
    var lagP50Milliseconds = Double.nan
    var lagP99Milliseconds = Double.nan
    var bytesPerEvent = Double.nan
    var ndjsonBytesPerEvent = Double.nan
    /// The server under wrk, on the demo history.
    var http: HTTPLoad.Figures?
    var httpConnections = 0
    var machine = Machine.current()

    var appendBatchedRatio: Double { appendBatchedEPS / ceilingBatchedEPS }
    var appendConcurrentRatio: Double { appendConcurrentEPS / ceilingSingleFsyncEPS }
    var appendSameWorkRatio: Double { appendBatchedEPS / sameWorkAppendEPS }
    var scanSameWorkRatio: Double { scanDecodeEPS / sameWorkScanEPS }
    var sizeRatio: Double { bytesPerEvent / ndjsonBytesPerEvent }
    var feedRatio: Double { http.map { $0.feed.requestsPerSecond / $0.health.requestsPerSecond } ?? .nan }
    var rebuildScanRatio: Double { rebuildEPS / scanDecodeEPS }
    /// The command route (a join) against `/health` in the same run.
    var commandRatio: Double { http.map { $0.join.requestsPerSecond / $0.health.requestsPerSecond } ?? .nan }

    /// DESIGN.md's performance targets: name, measured value, bound, and whether the
    /// bound is a minimum (throughput) or a maximum (size).
    var targets: [(name: String, value: Double, bound: Double, atLeast: Bool)] {
        [("append_samework_ratio", appendSameWorkRatio, 0.8, true),
         ("scan_samework_ratio", scanSameWorkRatio, 0.7, true),
         ("append_batched_ratio", appendBatchedRatio, 0.25, true),
         ("append_concurrent_ratio", appendConcurrentRatio, 20, true),
         ("index_eps", indexEPS, 300_000, true),
         ("scan_decode_eps", scanDecodeEPS, 1_500_000, true),
         ("rebuild_eps", rebuildEPS, 300_000, true),
         ("rebuild_scan_ratio", rebuildScanRatio, 0.25, true),
         ("projection_lag_p99_ms", lagP99Milliseconds, 50, false),
         ("size_ratio", sizeRatio, 0.6, false),
         ("http_feed_ratio", feedRatio, 0.5, true),
         ("http_command_ratio", commandRatio, 0.25, true),
         ("http_command_p99_ms", http?.join.p99Milliseconds ?? .nan, 20, false),
         ("http_command_appends_per_commit", http?.appendsPerCommit ?? .nan, 8, true)].filter { $0.value.isFinite }
    }

    func met(_ target: (name: String, value: Double, bound: Double, atLeast: Bool)) -> Bool {
        target.atLeast ? target.value >= target.bound : target.value <= target.bound
    }

    // MARK: JSON

    /// Written by hand so the keys keep a reading order and numbers a fixed precision.
    var json: String {
        var fields: [(String, String)] = [
            ("events", "\(events)"), ("batch", "\(batch)"), ("value_bytes", "\(valueBytes)"),
            ("append_batched_eps", rate(appendBatchedEPS)), ("ceiling_batched_eps", rate(ceilingBatchedEPS)),
            ("append_batched_ratio", fixed(appendBatchedRatio, 3)),
            ("append_samework_eps", rate(sameWorkAppendEPS)), ("append_samework_ratio", fixed(appendSameWorkRatio, 3)),
            ("concurrent_writers", "\(concurrentWriters)"), ("concurrent_events", "\(concurrentEvents)"),
            ("append_concurrent_eps", rate(appendConcurrentEPS)),
            ("concurrent_requests_per_commit", fixed(concurrentRequestsPerCommit, 1)),
            ("ceiling_single_fsync_events", "\(singleFsyncEvents)"),
            ("ceiling_single_fsync_eps", rate(ceilingSingleFsyncEPS)),
            ("append_concurrent_ratio", fixed(appendConcurrentRatio, 2)),
            ("index_eps", rate(indexEPS)),
            ("scan_decode_eps", rate(scanDecodeEPS)), ("ceiling_scan_eps", rate(ceilingScanEPS)),
            ("scan_samework_eps", rate(sameWorkScanEPS)), ("scan_samework_ratio", fixed(scanSameWorkRatio, 3)),
            ("ndjson_export_eps", rate(exportEPS)),
            ("demo_events", "\(demoEvents)"), ("rebuild_eps", rate(rebuildEPS)), ("rebuild_scan_ratio", fixed(rebuildScanRatio, 3)),
            ("projection_lag_samples", "\(lagSamples)"), ("projection_lag_p50_ms", fixed(lagP50Milliseconds, 2)),
            ("projection_lag_p99_ms", fixed(lagP99Milliseconds, 2)),
            ("bytes_per_event", fixed(bytesPerEvent, 1)), ("ndjson_bytes_per_event", fixed(ndjsonBytesPerEvent, 1)),
            ("size_ratio", fixed(sizeRatio, 3)),
        ] + httpFields
        let met = targets.map { "\(quoted($0.name)):\(self.met($0))" }.joined(separator: ",")
        fields.append(("targets_met", "{\(met)}"))
        fields.append(("machine", "{\"nproc\":\(machine.processors),\"memory_bytes\":\(machine.memoryBytes),\"cpu\":\(quoted(machine.cpu))}"))
        return "{" + fields.map { "\(quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    private var httpFields: [(String, String)] {
        guard let http else { return [] }
        return [("http_connections", "\(httpConnections)"),
                ("http_health_rps", rate(http.health.requestsPerSecond)), ("http_health_p99_ms", fixed(http.health.p99Milliseconds, 2)),
                ("http_feed_rps", rate(http.feed.requestsPerSecond)), ("http_feed_p99_ms", fixed(http.feed.p99Milliseconds, 2)),
                ("http_feed_ratio", fixed(feedRatio, 2)),
                ("http_reads_rps", rate(http.reads.requestsPerSecond)), ("http_reads_p99_ms", fixed(http.reads.p99Milliseconds, 2)),
                ("http_reads_failed", "\(http.reads.failed)"),
                ("http_join_rps", rate(http.join.requestsPerSecond)), ("http_join_p99_ms", fixed(http.join.p99Milliseconds, 2)),
                ("http_join_failed", "\(http.join.failed)"), ("http_join_eps", rate(http.joinEventsPerSecond)),
                ("http_appends_per_commit", fixed(http.appendsPerCommit, 1)),
                // The same run under the names the targets use: the command route is the join.
                ("http_command_rps", rate(http.join.requestsPerSecond)), ("http_command_ratio", fixed(commandRatio, 3)),
                ("http_command_p99_ms", fixed(http.join.p99Milliseconds, 2)),
                ("http_command_appends_per_commit", fixed(http.appendsPerCommit, 1)),
                ("http_stopped_cleanly", "\(http.stoppedCleanly)")]
    }

    private func rate(_ value: Double) -> String { value.isFinite ? String(format: "%.0f", value) : "null" }
    private func fixed(_ value: Double, _ digits: Int) -> String { value.isFinite ? String(format: "%.\(digits)f", value) : "null" }

    private func quoted(_ text: String) -> String {
        let data = try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
        // ["…"] → "…": JSONSerialization escapes the text as JSON requires.
        return data.map { String(decoding: $0.dropFirst().dropLast(), as: UTF8.self) } ?? "\"\""
    }

    // MARK: Table

    private func row(_ cells: [String]) -> String {
        zip(cells, [26, 14, 14, 10, 12]).map { cell, width in
            cell.count >= width ? cell : cell + String(repeating: " ", count: width - cell.count)
        }.joined(separator: " ")
    }
    private func eps(_ value: Double) -> String { value >= 1e6 ? String(format: "%.2fM/s", value / 1e6) : String(format: "%.1fk/s", value / 1e3) }
    private func mark(_ name: String) -> String { targets.first { $0.name == name }.map { met($0) ? "ok" : "MISSED" } ?? "" }

    private var header: String {
        var parts: [String] = []
        if appendBatchedEPS.isFinite { parts.append("\(events) events, batch \(batch), stored record \(valueBytes) B") }
        if demoEvents > 0 { parts.append("demo history \(demoEvents) events") }
        if http != nil { parts.append("wrk \(httpConnections) connections on loopback") }
        return "Tribelog bench: " + (parts + ["\(machine.processors) cores, \(machine.memoryBytes >> 30) GiB, \(machine.cpu)"]).joined(separator: "; ")
    }

    /// The server's rows: requests per second, then p50 / p99 latency in the second column.
    private var httpRows: [(Double, [String])] {
        guard let http else { return [] }
        func latency(_ result: Wrk.Result) -> String { fixed(result.p50Milliseconds, 1) + "/" + fixed(result.p99Milliseconds, 1) + " ms" }
        return [
            (1, ["server (wrk)", "throughput", "p50/p99", "× health", "target"]),
            (http.health.requestsPerSecond, ["GET /health", String(format: "%.0f rps", http.health.requestsPerSecond), latency(http.health), "", ""]),
            (http.feed.requestsPerSecond, ["GET a tribe's feed", String(format: "%.0f rps", http.feed.requestsPerSecond), latency(http.feed),
                                           fixed(feedRatio, 2) + "×", "≥ 0.5× " + mark("http_feed_ratio")]),
            (http.reads.requestsPerSecond, ["GET 8 read routes, mixed", String(format: "%.0f rps", http.reads.requestsPerSecond),
                                            latency(http.reads), "", "\(http.reads.failed) non-2xx"]),
            (http.join.requestsPerSecond, ["POST joins", String(format: "%.0f rps", http.join.requestsPerSecond), latency(http.join),
                                           fixed(commandRatio, 2) + "×",
                                           "≥ 0.25× " + mark("http_command_ratio") + ", p99 ≤ 20 ms " + mark("http_command_p99_ms")]),
            (http.joinEventsPerSecond, ["  appended", String(format: "%.0f ev/s", http.joinEventsPerSecond),
                                        fixed(http.appendsPerCommit, 1) + "/commit", "",
                                        "≥ 8/commit " + mark("http_command_appends_per_commit") + ", \(http.join.failed) non-2xx"]),
        ]
    }

    var table: String {
        // Each row with the figure it shows: a part that was not run leaves its rows out.
        let rows: [(Double, [String])] = [
            (appendBatchedEPS, ["batched durable append", eps(appendBatchedEPS), eps(ceilingBatchedEPS), fixed(appendBatchedRatio, 3),
                                "≥ 0.25× " + mark("append_batched_ratio")]),
            (sameWorkAppendEPS, ["batched, same work in C", eps(appendBatchedEPS), eps(sameWorkAppendEPS), fixed(appendSameWorkRatio, 3),
                                 "≥ 0.8× " + mark("append_samework_ratio")]),
            (appendConcurrentEPS, ["\(concurrentWriters) concurrent single", eps(appendConcurrentEPS), eps(ceilingSingleFsyncEPS),
                                   fixed(appendConcurrentRatio, 1) + "×", "≥ 20× " + mark("append_concurrent_ratio")]),
            (indexEPS, ["index", eps(indexEPS), "", "", "≥ 300k/s " + mark("index_eps")]),
            (scanDecodeEPS, ["scan + decode (2 tasks)", eps(scanDecodeEPS), eps(ceilingScanEPS), fixed(scanDecodeEPS / ceilingScanEPS, 3),
                             "≥ 1.5M/s " + mark("scan_decode_eps")]),
            (sameWorkScanEPS, ["scan + decode, same work in C", eps(scanDecodeEPS), eps(sameWorkScanEPS), fixed(scanSameWorkRatio, 3),
                               "≥ 0.7× " + mark("scan_samework_ratio")]),
            (exportEPS, ["NDJSON render", eps(exportEPS), "", "", ""]),
            (rebuildEPS, ["rebuild read models", eps(rebuildEPS), "", "", "≥ 300k/s " + mark("rebuild_eps")]),
            (rebuildScanRatio, ["rebuild ÷ scan + decode", eps(rebuildEPS), eps(scanDecodeEPS), fixed(rebuildScanRatio, 3),
                                "≥ 0.25× " + mark("rebuild_scan_ratio")]),
            (lagP99Milliseconds, ["read-model lag p99 (p50)", fixed(lagP99Milliseconds, 1) + " ms (" + fixed(lagP50Milliseconds, 1) + ")", "", "",
                                  "≤ 50 ms " + mark("projection_lag_p99_ms")]),
            (bytesPerEvent, ["bytes per event", fixed(bytesPerEvent, 1) + " B", fixed(ndjsonBytesPerEvent, 1) + " B NDJSON",
                             fixed(sizeRatio, 3), "≤ 0.6× " + mark("size_ratio")]),
        ]
        var lines = [header]
        let measured = rows.filter { $0.0.isFinite }.map { row($0.1) }
        if !measured.isEmpty { lines += ["", row(["measurement", "tribelog", "C ceiling", "ratio", "target"])] + measured }
        if http != nil { lines += [""] + httpRows.filter { $0.0.isFinite }.map { row($0.1) } }
        let missed = targets.filter { !met($0) }.map(\.name)
        lines.append("")
        lines.append(missed.isEmpty ? "All targets met." : "Missed: \(missed.joined(separator: ", ")).")
        return lines.joined(separator: "\n")
    }
}

/// The machine the figures belong to: they mean little without it.
struct Machine {
    var processors: Int
    var memoryBytes: UInt64
    var cpu: String

    static func current() -> Machine {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = info.split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces)
        return Machine(processors: ProcessInfo.processInfo.activeProcessorCount,
                       memoryBytes: ProcessInfo.processInfo.physicalMemory, cpu: model ?? "unknown")
    }
}
