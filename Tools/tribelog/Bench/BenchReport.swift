import Foundation

/// What one bench run measured, and how it is printed: one JSON object (`--json`) or a
/// table with the ratios against the C ceiling and the targets of DESIGN.md.
struct BenchReport {
    var events = 0
    var batch = 0
    var valueBytes = 0
    var concurrentWriters = 0
    var concurrentEvents = 0
    var singleFsyncEvents = 0
    var appendBatchedEPS = 0.0
    var ceilingBatchedEPS = 0.0
    var appendConcurrentEPS = 0.0
    /// Requests per durable commit in the concurrent run: how well group commit batches.
    var concurrentRequestsPerCommit = 0.0
    var ceilingSingleFsyncEPS = 0.0
    var indexEPS = 0.0
    var scanDecodeEPS = 0.0
    var ceilingScanEPS = 0.0
    var exportEPS = 0.0
    /// Events of the demo history the read models were rebuilt from.
    var rebuildEvents = 0
    /// A full rebuild of every read model, in events of the log per second.
    var rebuildEPS = 0.0
    /// How long after a commit every read model had applied it, while the log takes writes.
    var lagSamples = 0
    var lagP50Milliseconds = 0.0
    var lagP99Milliseconds = 0.0
    var bytesPerEvent = 0.0
    var ndjsonBytesPerEvent = 0.0
    var machine = Machine.current()

    var appendBatchedRatio: Double { appendBatchedEPS / ceilingBatchedEPS }
    var appendConcurrentRatio: Double { appendConcurrentEPS / ceilingSingleFsyncEPS }
    var sizeRatio: Double { bytesPerEvent / ndjsonBytesPerEvent }

    /// DESIGN.md's performance targets: name, measured value, bound, and whether the
    /// bound is a minimum (throughput) or a maximum (size).
    var targets: [(name: String, value: Double, bound: Double, atLeast: Bool)] {
        [("append_batched_ratio", appendBatchedRatio, 0.25, true),
         ("append_concurrent_ratio", appendConcurrentRatio, 20, true),
         ("index_eps", indexEPS, 300_000, true),
         ("scan_decode_eps", scanDecodeEPS, 1_500_000, true),
         ("rebuild_eps", rebuildEPS, 300_000, true),
         ("projection_lag_p99_ms", lagP99Milliseconds, 50, false),
         ("size_ratio", sizeRatio, 0.6, false)]
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
            ("concurrent_writers", "\(concurrentWriters)"), ("concurrent_events", "\(concurrentEvents)"),
            ("append_concurrent_eps", rate(appendConcurrentEPS)),
            ("concurrent_requests_per_commit", String(format: "%.1f", concurrentRequestsPerCommit)),
            ("ceiling_single_fsync_events", "\(singleFsyncEvents)"),
            ("ceiling_single_fsync_eps", rate(ceilingSingleFsyncEPS)),
            ("append_concurrent_ratio", fixed(appendConcurrentRatio, 2)),
            ("index_eps", rate(indexEPS)),
            ("scan_decode_eps", rate(scanDecodeEPS)), ("ceiling_scan_eps", rate(ceilingScanEPS)),
            ("ndjson_export_eps", rate(exportEPS)),
            ("rebuild_events", "\(rebuildEvents)"), ("rebuild_eps", rate(rebuildEPS)),
            ("projection_lag_samples", "\(lagSamples)"), ("projection_lag_p50_ms", fixed(lagP50Milliseconds, 2)),
            ("projection_lag_p99_ms", fixed(lagP99Milliseconds, 2)),
            ("bytes_per_event", fixed(bytesPerEvent, 1)), ("ndjson_bytes_per_event", fixed(ndjsonBytesPerEvent, 1)),
            ("size_ratio", fixed(sizeRatio, 3)),
        ]
        let met = targets.map { "\(quoted($0.name)):\(self.met($0))" }.joined(separator: ",")
        fields.append(("targets_met", "{\(met)}"))
        fields.append(("machine", "{\"nproc\":\(machine.processors),\"memory_bytes\":\(machine.memoryBytes),\"cpu\":\(quoted(machine.cpu))}"))
        return "{" + fields.map { "\(quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    private func rate(_ value: Double) -> String { value.isFinite ? String(format: "%.0f", value) : "null" }
    private func fixed(_ value: Double, _ digits: Int) -> String { value.isFinite ? String(format: "%.\(digits)f", value) : "null" }

    private func quoted(_ text: String) -> String {
        let data = try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
        // ["…"] → "…": JSONSerialization escapes the text as JSON requires.
        return data.map { String(decoding: $0.dropFirst().dropLast(), as: UTF8.self) } ?? "\"\""
    }

    // MARK: Table

    var table: String {
        func row(_ cells: [String]) -> String {
            zip(cells, [26, 14, 14, 10, 12]).map { cell, width in
                cell.count >= width ? cell : cell + String(repeating: " ", count: width - cell.count)
            }.joined(separator: " ")
        }
        func eps(_ value: Double) -> String { value >= 1e6 ? String(format: "%.2fM/s", value / 1e6) : String(format: "%.1fk/s", value / 1e3) }
        func mark(_ name: String) -> String { targets.first { $0.name == name }.map { met($0) ? "ok" : "MISSED" } ?? "" }
        var lines = [
            "Tribelog bench: \(events) events, batch \(batch), stored record \(valueBytes) B; "
                + "\(machine.processors) cores, \(machine.memoryBytes >> 30) GiB, \(machine.cpu)",
            "",
            row(["measurement", "tribelog", "C ceiling", "ratio", "target"]),
            row(["batched durable append", eps(appendBatchedEPS), eps(ceilingBatchedEPS), fixed(appendBatchedRatio, 3),
                 "≥ 0.25× " + mark("append_batched_ratio")]),
            row(["\(concurrentWriters) concurrent single", eps(appendConcurrentEPS), eps(ceilingSingleFsyncEPS),
                 fixed(appendConcurrentRatio, 1) + "×", "≥ 20× " + mark("append_concurrent_ratio")]),
            row(["index", eps(indexEPS), "", "", "≥ 300k/s " + mark("index_eps")]),
            row(["scan + decode (2 tasks)", eps(scanDecodeEPS), eps(ceilingScanEPS), fixed(scanDecodeEPS / ceilingScanEPS, 3),
                 "≥ 1.5M/s " + mark("scan_decode_eps")]),
            row(["NDJSON render", eps(exportEPS), "", "", ""]),
            row(["rebuild read models", eps(rebuildEPS), "", "", "≥ 300k/s " + mark("rebuild_eps")]),
            row(["read-model lag p99 (p50)", fixed(lagP99Milliseconds, 1) + " ms (" + fixed(lagP50Milliseconds, 1) + ")", "", "",
                 "≤ 50 ms " + mark("projection_lag_p99_ms")]),
            row(["bytes per event", fixed(bytesPerEvent, 1) + " B", fixed(ndjsonBytesPerEvent, 1) + " B NDJSON",
                 fixed(sizeRatio, 3), "≤ 0.6× " + mark("size_ratio")]),
        ]
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
