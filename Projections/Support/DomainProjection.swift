import EventLog
import ProjectionKit
import TribeDomain

/// A projection of the tribe domain: it reads `DomainEvent`s, decoded once per event for
/// all the models of a batch (see `ProjectedEvent`).
public protocol DomainProjection: Projection {
    func apply(_ event: DomainEvent, at recorded: RecordedEvent, to model: ModelWriter) throws
}

extension DomainProjection {
    public func apply(_ event: ProjectedEvent, to model: ModelWriter) throws {
        let domain = try event.decoded { try DomainEvent(recorded: $0) }
        try apply(domain, at: event.recorded, to: model)
    }
}
