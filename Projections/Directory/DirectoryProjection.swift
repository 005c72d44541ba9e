import EventLog
import ProjectionKit
import TribeDomain

/// Tribes, members, memberships and part-ups as they are now: what the API shows as
/// "the tribe", "the member", "the part-up", and what it decides privacy with.
public struct DirectoryProjection: DomainProjection {
    public let name = "directory"
    public let version: UInt32 = 1
    public let eventTypes: Set<String>? = Set(DomainEvent.typeNames).subtracting([NotificationsRead.typeName])

    public init() {}

    public func apply(_ event: DomainEvent, at recorded: RecordedEvent, to model: ModelWriter) throws {
        let time = recorded.recordedAt.microseconds
        switch event {
        case .memberRegistered(let e):
            let known = try model.get(DirectoryKey.member(e.member), as: MemberRecord.self)
            model.put(DirectoryKey.member(e.member), MemberRecord(id: e.member.rawValue, name: e.name, skills: known?.skills ?? [],
                                                                 regions: known?.regions ?? [], registeredAt: time))
        case .memberProfileUpdated(let e):
            try model.update(DirectoryKey.member(e.member), default: MemberRecord(id: e.member.rawValue, name: "", skills: [], regions: [], registeredAt: time)) {
                $0.skills = e.skills
                $0.regions = e.regions
            }
        case .tribeCreated(let e):
            model.put(DirectoryKey.tribe(e.tribe), TribeRecord(
                id: e.tribe.rawValue, name: e.name, founder: e.founder.rawValue, privacy: e.privacy.rawValue, rules: e.rules,
                onlyAdminsLaunch: e.onlyAdminsLaunch, createdAt: time, members: 0, admins: 0, activePartups: 0, dissolvedPartups: 0))
            try setStatus(.admin, e.tribe, e.founder, recorded, model)
        case .tribeRulesChanged(let e):
            try updateTribe(e.tribe, model) {
                $0.rules = e.rules
                $0.onlyAdminsLaunch = e.onlyAdminsLaunch
            }
        case .tribePrivacyChanged(let e):
            try updateTribe(e.tribe, model) { $0.privacy = e.privacy.rawValue }
        case .memberApplied(let e): try setStatus(.applied, e.tribe, e.member, recorded, model)
        case .memberInvited(let e): try setStatus(.invited, e.tribe, e.member, recorded, model)
        case .memberAdmitted(let e): try setStatus(.member, e.tribe, e.member, recorded, model)
        case .memberRejected(let e): try setStatus(.rejected, e.tribe, e.member, recorded, model)
        case .memberLeft(let e): try setStatus(.left, e.tribe, e.member, recorded, model)
        case .memberRemoved(let e): try setStatus(.removed, e.tribe, e.member, recorded, model)
        case .roleGranted(let e): try setStatus(.admin, e.tribe, e.member, recorded, model)
        case .roleRevoked(let e): try setStatus(.member, e.tribe, e.member, recorded, model)
        case .partupLaunched(let e):
            model.put(DirectoryKey.partup(e.partup), PartupRecord(
                id: e.partup.rawValue, tribe: e.tribe.rawValue, launcher: e.launcher.rawValue, title: e.title, goal: e.goal,
                wantedSkills: e.wantedSkills, privacy: e.privacy.rawValue, endDate: e.endDate?.microseconds, launchedAt: time,
                // The domain makes the launcher the part-up's first partner.
                partners: [e.launcher.rawValue], supporters: [], outcome: nil, dissolvedAt: nil))
            model.put(DirectoryKey.tribePartup(e.tribe, e.partup), [])
            try updateTribe(e.tribe, model) { $0.activePartups += 1 }
        case .partupUpdated(let e):
            try updatePartup(e.partup, model) { record in
                if let title = e.title { record.title = title }
                if let goal = e.goal { record.goal = goal }
                if let skills = e.wantedSkills { record.wantedSkills = skills }
                if let privacy = e.privacy { record.privacy = privacy.rawValue }
                if let end = e.endDate { record.endDate = end.microseconds }
            }
        case .partnerJoined(let e):
            try updatePartup(e.partup, model) { $0.partners = Self.inserting(e.member.rawValue, into: $0.partners) }
        case .partnerLeft(let e):
            try updatePartup(e.partup, model) { $0.partners.removeAll { $0 == e.member.rawValue } }
        case .supporterJoined(let e):
            try updatePartup(e.partup, model) { $0.supporters = Self.inserting(e.member.rawValue, into: $0.supporters) }
        case .partupDissolved(let e):
            var wasActive = false
            try updatePartup(e.partup, model) { record in
                wasActive = !record.isDissolved
                record.outcome = e.outcome.rawValue
                record.dissolvedAt = time
            }
            if wasActive {
                try updateTribe(e.tribe, model) {
                    $0.activePartups -= min($0.activePartups, 1)
                    $0.dissolvedPartups += 1
                }
            }
        case .notificationsRead:
            break
        }
    }

    /// Moves a member to `status` in a tribe, keeping the tribe's member and admin counts
    /// and the member's list of tribes in step.
    private func setStatus(_ status: MembershipRecord.Status, _ tribe: TribeID, _ member: MemberID,
                           _ recorded: RecordedEvent, _ model: ModelWriter) throws {
        let key = DirectoryKey.membership(tribe, member)
        let old = try model.get(key, as: MembershipRecord.self)
        let new = MembershipRecord(tribe: tribe.rawValue, member: member.rawValue, status: status,
                                   since: recorded.recordedAt.microseconds, position: recorded.position)
        model.put(key, new)
        let (wasMember, wasAdmin) = (old?.isMember ?? false, old?.status == .admin)
        let (isMember, isAdmin) = (new.isMember, status == .admin)
        if isMember {
            model.put(DirectoryKey.memberOf(member, tribe), Array(status.rawValue.utf8))
        } else if wasMember {
            model.delete(DirectoryKey.memberOf(member, tribe))
        }
        guard wasMember != isMember || wasAdmin != isAdmin else { return }
        try updateTribe(tribe, model) { record in
            record.members = Self.adjust(record.members, from: wasMember, to: isMember)
            record.admins = Self.adjust(record.admins, from: wasAdmin, to: isAdmin)
        }
    }

    private static func adjust(_ count: UInt64, from was: Bool, to now: Bool) -> UInt64 {
        switch (was, now) {
        case (false, true): count + 1
        case (true, false): count - min(count, 1)
        default: count
        }
    }

    /// Sorted and unique, so that the stored list is the same however it was reached.
    private static func inserting(_ id: String, into list: [String]) -> [String] {
        guard !list.contains(id) else { return list }
        return (list + [id]).sorted()
    }

    /// Events about a tribe or part-up the directory has not seen cannot occur in a log the
    /// domain wrote; they are skipped rather than invented.
    private func updateTribe(_ tribe: TribeID, _ model: ModelWriter, _ change: (inout TribeRecord) -> Void) throws {
        guard var record = try model.get(DirectoryKey.tribe(tribe), as: TribeRecord.self) else { return }
        change(&record)
        model.put(DirectoryKey.tribe(tribe), record)
    }

    private func updatePartup(_ partup: PartupID, _ model: ModelWriter, _ change: (inout PartupRecord) -> Void) throws {
        guard var record = try model.get(DirectoryKey.partup(partup), as: PartupRecord.self) else { return }
        change(&record)
        model.put(DirectoryKey.partup(partup), record)
    }
}

/// The directory's key layout.
enum DirectoryKey {
    static func tribe(_ tribe: TribeID) -> ModelKey { ModelKey("tribe").with(tribe.rawValue) }
    static func membership(_ tribe: TribeID, _ member: MemberID) -> ModelKey { ModelKey("membership").with(tribe.rawValue).with(member.rawValue) }
    /// Present while the member is in the tribe; the value is "member" or "admin".
    static func memberOf(_ member: MemberID, _ tribe: TribeID) -> ModelKey { ModelKey("member-of").with(member.rawValue).with(tribe.rawValue) }
    static func member(_ member: MemberID) -> ModelKey { ModelKey("member").with(member.rawValue) }
    static func partup(_ partup: PartupID) -> ModelKey { ModelKey("partup").with(partup.rawValue) }
    static func tribePartup(_ tribe: TribeID, _ partup: PartupID) -> ModelKey { ModelKey("tribe-partup").with(tribe.rawValue).with(partup.rawValue) }
}
