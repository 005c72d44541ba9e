import Crypto
import EventLogCore
import Foundation

/// An event encoded on its caller's task, before it joins the queue: the envelope and its
/// digest are the expensive part and need nothing from the appender, which only chains.
struct EncodedEvent: Sendable {
    let id: UUID
    let type: String
    let tags: [String]
    let body: [UInt8]
    let digest: SHA256.Digest

    init(_ event: NewEvent, stream: String, recordedAt: Timestamp) {
        id = event.id
        type = event.type
        tags = event.tags
        body = EventBody.encode(id: event.id, stream: stream, event: event, recordedAt: recordedAt)
        digest = body.withUnsafeBytes { HashChain.digest(body: $0) }
    }
}

/// One caller's append, checked and in NFC, waiting for the appender.
struct PendingAppend: Sendable {
    let stream: String
    let expected: ExpectedVersion
    let condition: AppendCondition?
    let events: [EncodedEvent]
    let reply: CheckedContinuation<AppendResult, any Error>

    /// Roughly what it adds to the INSERT: bounds how much one transaction carries.
    var bytes: Int { events.reduce(0) { $0 + $1.body.count + 64 } }
}
