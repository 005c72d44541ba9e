import EventLog
import Foundation
import Testing
@testable import tribelog

/// The crash test's verdict rests on this check: it must name an acknowledged command the
/// log does not hold as answered, not only pass when all is well.
@Suite struct AcknowledgementCheckTests {
    private func ack(_ key: String, _ positions: [Position], _ events: [String]) -> Acknowledgement {
        Acknowledgement(key: key, actor: "m-00001", method: "POST", path: "/tribes", status: 201,
                        positions: positions, events: events, replayed: false, round: 1)
    }

    @Test func namesTheCommandsTheLogDoesNotHoldAsAnswered() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.path("data")
        do {
            let store = try EventStore.open(directory: URL(fileURLWithPath: data))
            defer { store.close() }
            // As the server records a command: its id "ACTOR METHOD PATH KEY" is the
            // correlation id of each of its events.
            for (key, types) in [("crash-a", ["TribeCreated", "MemberAdmitted"]), ("crash-b", ["PartupLaunched"])] {
                let metadata = EventMetadata(actor: "m-00001", correlationID: "m-00001 POST /tribes \(key)")
                _ = try await store.append(types.map { NewEvent(type: $0, metadata: metadata) }, to: key)
            }
        }
        let kept = [ack("crash-a", [1, 2], ["TribeCreated", "MemberAdmitted"]), ack("crash-b", [3], ["PartupLaunched"])]
        #expect(try AcknowledgementCheck.lost(kept, data: data).isEmpty)

        let lost = try AcknowledgementCheck.lost([
            ack("crash-a", [1, 2], ["TribeCreated", "MemberAdmitted"]),
            ack("crash-never", [4], ["PartupLaunched"]),          // answered, never stored
            ack("crash-b", [4], ["PartupLaunched"]),               // stored elsewhere than answered
            ack("crash-a", [1], ["TribeCreated"]),                 // the log holds more than answered
        ], data: data)
        #expect(lost.count == 3, "\(lost)")
        #expect(lost.contains { $0.contains("key crash-never") && $0.contains("the log holds nothing") })
        #expect(lost.contains { $0.contains("key crash-b") && $0.contains("PartupLaunched at 3") })
    }
}
