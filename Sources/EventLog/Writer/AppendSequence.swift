import Synchronization

/// Appends submitted one after the other that must land in that order or not at all, as
/// an import's batches must: once one of them fails (a full disk, a conflict), every later
/// one is refused with the same error instead of being committed once the writer has
/// recovered. So the log never holds a later append of the sequence without an earlier
/// one, and running the same import again appends exactly the rest, in order.
public final class AppendSequence: Sendable {
    private let failure = Mutex<(any Error)?>(nil)

    public init() {}

    /// The error of the first append of the sequence that failed.
    public var firstFailure: (any Error)? { failure.withLock { $0 } }

    func fail(_ error: any Error) {
        failure.withLock { if $0 == nil { $0 = error } }
    }
}
