import EventLog
import Foundation

/// The second pass of an import: consecutive lines of one stream go into one append (up to
/// a batch), appends are queued in file order with a window in flight (so one fsync carries
/// many), and events whose id is already stored are skipped.
struct ImportAppender {
    let store: EventStore
    var batchSize = 1_000
    var window = 1_024

    struct Counts {
        var appended = 0
        var skipped = 0
    }

    func append(_ reader: LineReader, progress: (Int) -> Void) async throws -> Counts {
        var counts = Counts()
        var batch: [NewEvent] = []
        var stream = ""
        var inFlight: [AppendTicket] = []
        var lines = 0
        // After a failed batch the later ones, already queued, must not land: the log
        // keeps a prefix of the file and a second run appends the rest in order.
        let sequence = AppendSequence()

        func submitBatch() throws {
            guard !batch.isEmpty else { return }
            inFlight.append(try store.submit(batch, to: stream, sequence: sequence))
            batch.removeAll(keepingCapacity: true)
        }

        while let (_, line) = try reader.next() {
            let imported = try line.withUnsafeBytes { try NDJSONLine.parse($0) }
            lines += 1
            if try store.position(of: imported.event.id) != nil {
                counts.skipped += 1
                continue
            }
            if imported.stream != stream || batch.count >= batchSize {
                try submitBatch()
                stream = imported.stream
            }
            batch.append(imported.event)
            // Appends resolve in the order they were queued: waiting for the oldest keeps
            // `window` of them in flight, enough for group commit to share each fsync.
            while inFlight.count > window {
                _ = try await inFlight.removeFirst().result()
                progress(lines)
            }
        }
        try submitBatch()
        for ticket in inFlight { _ = try await ticket.result() }
        counts.appended = lines - counts.skipped
        progress(lines)
        return counts
    }
}
