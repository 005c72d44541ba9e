import EventLog
import ProjectionKit
import TribeDomain

/// A projection of the tribe domain: it reads `DomainEvent`s, decoded once per event for
/// all the models of a batch (see `ProjectedEvent`).
public protocol DomainProjection: Projection {
    func apply(_ event: DomainEvent, at recorded: RecordedEvent, to model: ModelWriter) throws
}

extension DomainProjection {
    /// Decodes the event ahead of `apply` (a rebuild does it for the next chunk while it
    /// writes the current one); a payload that does not decode is reported by `apply`.
    public func prepare(_ event: ProjectedEvent) {
        _ = try? event.decoded { try DomainEvent(recorded: $0) }
    }

    public func apply(_ event: ProjectedEvent, to model: ModelWriter) throws {
        let domain = try event.decoded { try DomainEvent(recorded: $0) }
        try apply(domain, at: event.recorded, to: model)
    }
}
