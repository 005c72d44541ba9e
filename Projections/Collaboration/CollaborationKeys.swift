import ProjectionKit
import TribeDomain

/// Where the collaboration model keeps what. A pair is always stored with the smaller id
/// (in key order) first, so an undirected edge has exactly one key.
///
/// | key                                   | value          |
/// |---------------------------------------|----------------|
/// | `partup/<partup>`                     | CollabPartup (active part-ups only) |
/// | `paired/<partup>/<a>/<b>`             | empty: the pair is already counted for the part-up |
/// | `tribe-edge/<tribe>/<a>/<b>`          | weight: part-ups of the tribe shared |
/// | `edge/<a>/<b>`                        | weight: part-ups shared on the whole platform |
/// | `member-tribe/<member>/<tribe>`       | empty: the member has a collaborator in the tribe |
enum CollaborationKeys {
    /// Every key space above, for tools and tests that look at the whole model.
    static let spaces = ["partup", "paired", "tribe-edge", "edge", "member-tribe"]

    static func partup(_ partup: PartupID) -> ModelKey { ModelKey("partup").with(partup.rawValue) }

    static func paired(_ partup: PartupID, _ pair: MemberPair) -> ModelKey {
        ModelKey("paired").with(partup.rawValue).with(pair.first.rawValue).with(pair.second.rawValue)
    }

    static func tribeEdges(_ tribe: TribeID) -> ModelKey { ModelKey("tribe-edge").with(tribe.rawValue) }
    static func tribeEdge(_ tribe: TribeID, _ pair: MemberPair) -> ModelKey {
        tribeEdges(tribe).with(pair.first.rawValue).with(pair.second.rawValue)
    }

    static let edges = ModelKey("edge")
    static func edge(_ pair: MemberPair) -> ModelKey { edges.with(pair.first.rawValue).with(pair.second.rawValue) }

    static let memberTribes = ModelKey("member-tribe")
    static func memberTribe(_ member: MemberID, _ tribe: TribeID) -> ModelKey {
        memberTribes.with(member.rawValue).with(tribe.rawValue)
    }
}

/// Two members in key order.
struct MemberPair: Hashable {
    let first: MemberID
    let second: MemberID

    init(_ a: MemberID, _ b: MemberID) {
        (first, second) = KeyOrder.precedes(a.rawValue, b.rawValue) ? (a, b) : (b, a)
    }
}
