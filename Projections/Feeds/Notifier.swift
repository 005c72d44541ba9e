import EventLog
import ProjectionKit
import TribeDomain

/// Decides who is told of an event, from the feeds' state *before* the event is folded in:
/// only current members of the tribe (or partners of the part-up) at that moment hear of
/// it, so a member who left hears nothing more from the tribe.
///
/// Nobody is told of what they did themselves (a member admitted by an open tribe's rules
/// is the actor of their own admission).
struct Notifier {
    let state: FeedState
    let model: ModelWriter
    /// The event's record, encoded (`EventRecord.modelBytes`): each notification is its
    /// kind and these bytes, as `Notification` encodes them.
    let recordBytes: [UInt8]

    func notify(_ event: DomainEvent, _ record: EventRecord) throws {
        switch event {
        case .partupLaunched(let e): try partupLaunched(e, record)
        case .partnerJoined(let e): try partnerJoined(e, record)
        case .memberApplied(let e):
            let tribe = try state.tribe(e.tribe.rawValue)
            // Closed tribes wait for an admin's decision; invite-only ones admit the invited
            // at once, and admins hear who accepted. Open tribes admit anyone: no news.
            guard tribe.privacy != .open else { return }
            send(.applicationToYourTribe, to: tribe.admins, record)
        case .memberAdmitted(let e): send(.youWereAdmitted, to: [e.member.rawValue], record)
        case .memberInvited(let e): send(.youWereInvited, to: [e.member.rawValue], record)
        case .memberRejected(let e): send(.yourApplicationWasRejected, to: [e.member.rawValue], record)
        case .memberRemoved(let e): send(.youWereRemoved, to: [e.member.rawValue], record)
        default: break
        }
    }

    /// Members of the tribe with one of the wanted skills. A partners-only part-up is
    /// visible to the tribe's admins only (besides its partners), so only they hear of it.
    private func partupLaunched(_ e: PartupLaunched, _ record: EventRecord) throws {
        var matching = Set<String>()
        for skill in Set(e.wantedSkills.map(SkillText.normalised)) {
            matching.formUnion(try state.skillSet(e.tribe.rawValue, skill))
        }
        if e.privacy == .partnersOnly { matching.formIntersection(try state.tribe(e.tribe.rawValue).admins) }
        send(.partupWantsYourSkills, to: matching, record)
    }

    /// The part-up's partners, and its launcher if they still belong to the tribe.
    private func partnerJoined(_ e: PartnerJoined, _ record: EventRecord) throws {
        guard let partup = try state.partup(e.partup.rawValue) else { return }
        var told = partup.partners
        if try state.member(partup.launcher).tribes.contains(partup.tribe) { told.insert(partup.launcher) }
        told.remove(e.member.rawValue)
        send(.partnerJoinedYourPartup, to: told, record)
    }

    /// Puts are keyed, so the order members are visited in does not matter.
    /// Every recipient gets the same bytes (shared, not copied).
    private func send(_ kind: NotificationKind, to members: Set<String>, _ record: EventRecord) {
        let actor = record.actor?.rawValue
        guard members.contains(where: { $0 != actor }) else { return }
        var bytes = ByteWriter(capacity: recordBytes.count + 1)
        bytes.write(kind.rawValue)
        bytes.write(contentsOf: recordBytes)
        let notification = bytes.bytes
        for member in members where member != actor {
            let key = FeedKeys.notifications(member).with(descending: record.position).with(UInt64(kind.rawValue))
            model.put(key, notification)
        }
    }
}
