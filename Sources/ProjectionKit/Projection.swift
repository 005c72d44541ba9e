import EventLog

/// A read model kept from the log: it names the events it reads and turns each into
/// changes of its own key-value database. The host stores those changes together with the
/// projection's checkpoint, in one transaction, so a read model never runs ahead of or
/// behind its checkpoint, whatever happens to the process.
///
/// `apply` must be deterministic: a rebuild from position 1 has to give the same model as
/// following the log live did.
public protocol Projection: Sendable {
    /// Stable name: lowercase letters, digits and '-'. Its databases are named after it.
    var name: String { get }
    /// Bump it when the model's layout or meaning changes: the host then rebuilds the
    /// model from the log when it starts.
    var version: UInt32 { get }
    /// The event types `apply` reads; nil for every event.
    var eventTypes: Set<String>? { get }
    /// Folds one event into the model. `event.decoded` shares one decoding of the event
    /// among the projections of a batch.
    func apply(_ event: ProjectedEvent, to model: ModelWriter) throws
    /// Does, ahead of `apply`, the work on an event that needs no model, such as decoding
    /// it into `event.decoded`: a rebuild prepares the next chunk on another thread while
    /// it writes the current one. Errors are left for `apply` to report. Does nothing by
    /// default.
    func prepare(_ event: ProjectedEvent)
}

extension Projection {
    public func prepare(_ event: ProjectedEvent) {}

    func handles(_ type: String) -> Bool {
        eventTypes?.contains(type) ?? true
    }
}

/// The name rule for projections, checked when a host is made.
enum ProjectionName {
    static func check(_ name: String) throws(ProjectionError) {
        let allowed = name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
        guard !name.isEmpty, name.utf8.count <= 64, allowed else {
            throw ProjectionError("projection name '\(name)' is not valid: use 1–64 lowercase letters, digits and '-'")
        }
    }
}

/// A projection could not be loaded, applied or read; the message says what to do.
public struct ProjectionError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
