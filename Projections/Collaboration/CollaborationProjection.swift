import EventLog
import ProjectionKit
import TribeDomain

/// A part-up's current partners, while it is active.
struct CollabPartup: ModelValue, Equatable {
    var tribe: TribeID
    var partners: Set<MemberID>

    func encode(into writer: inout ByteWriter) {
        tribe.encode(into: &writer)
        partners.encode(into: &writer)
    }

    static func decode(from reader: inout ByteReader) throws(RecordDecodingError) -> CollabPartup {
        CollabPartup(tribe: try .decode(from: &reader), partners: try .decode(from: &reader))
    }
}

/// The co-partner graph (see `CollaborationKeys`, `CollaborationModel`): two members are
/// linked once for every part-up in which both were partners at the same time. A pair is
/// counted when the second of them joins, and only the first time for a part-up: the
/// `paired` marker remembers it through leaves and rejoins.
public struct CollaborationProjection: DomainProjection {
    public let name = "collaboration"
    public let version: UInt32 = 1
    public let eventTypes: Set<String>? = [
        PartupLaunched.typeName, PartnerJoined.typeName, PartnerLeft.typeName, PartupDissolved.typeName,
    ]

    public init() {}

    public func apply(_ event: DomainEvent, at recorded: RecordedEvent, to model: ModelWriter) throws {
        switch event {
        case .partupLaunched(let e):
            model.put(CollaborationKeys.partup(e.partup), CollabPartup(tribe: e.tribe, partners: [e.launcher]))
        case .partnerJoined(let e):
            try join(e.member, e.partup, model)
        case .partnerLeft(let e):
            guard var partup = try model.get(CollaborationKeys.partup(e.partup), as: CollabPartup.self) else { return }
            partup.partners.remove(e.member)
            model.put(CollaborationKeys.partup(e.partup), partup)
        case .partupDissolved(let e):
            // Nobody joins a dissolved part-up: its partner set is no longer needed.
            model.delete(CollaborationKeys.partup(e.partup))
        default:
            break
        }
    }

    private func join(_ member: MemberID, _ id: PartupID, _ model: ModelWriter) throws {
        guard var partup = try model.get(CollaborationKeys.partup(id), as: CollabPartup.self),
              partup.partners.insert(member).inserted else { return }
        model.put(CollaborationKeys.partup(id), partup)
        for other in partup.partners where other != member {
            let pair = MemberPair(member, other)
            guard try !model.isMarked(CollaborationKeys.paired(id, pair)) else { continue }
            model.mark(CollaborationKeys.paired(id, pair))
            try model.adjustCount(CollaborationKeys.tribeEdge(partup.tribe, pair), by: 1)
            try model.adjustCount(CollaborationKeys.edge(pair), by: 1)
            for end in [pair.first, pair.second] where try !model.isMarked(CollaborationKeys.memberTribe(end, partup.tribe)) {
                model.mark(CollaborationKeys.memberTribe(end, partup.tribe))
            }
        }
    }
}
