@testable import EventLog
import HTTPTypes
import Testing
@testable import TribelogServer

/// What a client hears when the log cannot confirm or take a command: 503 with
/// Retry-After and a message that says whether retrying with the same key is safe.
@Suite struct StorageErrorAnswerTests {
    struct FlushFailed: Error, CustomStringConvertible {
        var description: String { "fdatasync: input/output error" }
    }

    @Test func anUnconfirmedCommandIsA503ThatSaysToRetryWithTheSameKey() {
        let answer = APIError.from(AppendNotConfirmed(cause: FlushFailed()))
        #expect(answer.status == .serviceUnavailable)
        #expect(answer.code == "unavailable")
        #expect(answer.headers[.retryAfter] == "30")
        #expect(answer.message.contains("the same Idempotency-Key"))
        #expect(answer.message.contains("fdatasync: input/output error"))
    }

    @Test func aClosedLogIsA503TooNotAnInternalError() {
        let answer = APIError.from(EventStoreUnavailable(description: "the event store is closed: reopen it to append"))
        #expect(answer.status == .serviceUnavailable)
        #expect(answer.headers[.retryAfter] == "30")
    }
}
