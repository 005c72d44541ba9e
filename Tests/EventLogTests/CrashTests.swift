import Foundation
import Testing

@testable import EventLog

/// "Acknowledged means durable": a writer process killed with SIGKILL in the middle of
/// appending loses nothing it acknowledged, and the log it leaves verifies.
@Suite struct CrashTests {
    @Test func killedWriterLosesNothingItAcknowledged() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let child = try ChildProcess(try TribelogTool.executable(), ["append-loop", "--data", folder.url.path, "--writers", "8"])
        let started = Date()
        // Let it acknowledge appends for a while; kill it no later than 2.5 s after start.
        while Date().timeIntervalSince(started) < 2.5 {
            if Date().timeIntervalSince(started) > 1.2 && child.stdout.text.contains("\n") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        child.kill()
        let (_, timedOut) = await child.wait(seconds: 2)
        #expect(!timedOut)
        #expect(child.process.terminationReason == .uncaughtSignal, "stderr: \(child.stderr.text)")

        // Only whole lines: each acknowledgement is written with one write(2).
        let output = child.stdout.text
        let complete = output.hasSuffix("\n") ? output : String(output[..<(output.lastIndex(of: "\n") ?? output.startIndex)])
        let acknowledged = complete.split(separator: "\n").compactMap { Position($0) }
        try #require(!acknowledged.isEmpty, "append-loop acknowledged nothing; stderr: \(child.stderr.text)")
        #expect(Set(acknowledged).count == acknowledged.count, "a position acknowledged twice")

        var readOnly = Fixtures.options()
        readOnly.readOnly = true
        let head: Position
        do {
            let store = try EventStore.open(directory: folder.url, options: readOnly)
            defer { store.close() }
            head = store.head
            #expect(head >= acknowledged.max()!)
            let stored = try store.all()
            #expect(stored.map(\.position) == Array(1...head))
            for position in acknowledged {
                #expect(stored[Int(position) - 1].type == "CrashProbe", "acknowledged position \(position) is missing")
            }
            for writer in 0..<8 {
                let versions = stored.filter { $0.stream == "probe-\(writer)" }.map(\.streamVersion)
                #expect(versions == (0..<versions.count).map { UInt64($0) + 1 }, "stream probe-\(writer)")
            }
            let report = try store.verify()
            #expect(report.isIntact, "\(report)")
        }

        // The lock died with the process: a new writer opens, verifies and appends.
        let store = try EventStore.open(directory: folder.url, options: Fixtures.options(autoIndex: false))
        defer { store.close() }
        #expect(store.head == head)
        #expect(try store.verify().isIntact)
        let version = UInt64(try store.read(stream: "probe-0").count)
        let result = try await store.append([Fixtures.event()], to: "probe-0", expected: .exact(version))
        #expect(result.positions == [head + 1])
        try store.indexNow()
        #expect(try store.verify().isIntact)
    }
}
