import EventLog
import ProjectionKit
import TribeDomain

/// The names of members and tribes and the titles of part-ups, kept in a model so that
/// entries need only carry ids and words are made when an entry is read. Member and tribe
/// names never change in the domain; a part-up's title does, and entries then read with
/// its current title.
///
/// Keys: `names · m|t|p · id` → name.
public enum NameIndex {
    static func key(_ space: String, _ id: String) -> ModelKey {
        ModelKey("names").with(space).with(id)
    }

    /// Records the name an event gives, if any: one put, no read.
    public static func record(_ event: DomainEvent, to model: ModelWriter) {
        switch event {
        case .memberRegistered(let e): model.put(key("m", e.member.rawValue), e.name)
        case .tribeCreated(let e): model.put(key("t", e.tribe.rawValue), e.name)
        case .partupLaunched(let e): model.put(key("p", e.partup.rawValue), e.title)
        case .partupUpdated(let e): if let title = e.title { model.put(key("p", e.partup.rawValue), title) }
        default: break
        }
    }
}

/// Names looked up while reading one page, each at most once.
public final class NameBook {
    private let model: ModelReader
    private var cache: [ModelKey: String] = [:]

    public init(_ model: ModelReader) { self.model = model }

    private func name(_ space: String, _ id: String) throws -> String {
        let key = NameIndex.key(space, id)
        if let known = cache[key] { return known }
        // An id whose naming event is not in the log (yet) reads as itself.
        let found = try model.get(key, as: String.self) ?? id
        cache[key] = found
        return found
    }

    public func member(_ id: MemberID) throws -> String { try name("m", id.rawValue) }
    public func tribe(_ id: TribeID) throws -> String { try name("t", id.rawValue) }
    public func partup(_ id: PartupID) throws -> String { try name("p", id.rawValue) }
}
