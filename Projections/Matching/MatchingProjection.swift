import EventLog
import ProjectionKit
import TribeDomain

/// Members ↔ part-ups matching (see `MatchingKeys` for the layout, `MatchingModel` for the
/// ranked reads and `MatchScore` for how a pair is scored). The model keeps only facts;
/// scores are computed when read, from event times, so nothing depends on the wall clock.
public struct MatchingProjection: DomainProjection {
    public let name = "matching"
    /// 2: `skill-partup` marks carry the part-up's tribe and privacy (see `SkillPartupMark`).
    public let version: UInt32 = 2
    public let eventTypes: Set<String>? = [
        MemberRegistered.typeName, MemberProfileUpdated.typeName, TribeCreated.typeName, TribePrivacyChanged.typeName,
        MemberApplied.typeName, MemberInvited.typeName, MemberAdmitted.typeName, MemberLeft.typeName,
        MemberRemoved.typeName, RoleGranted.typeName, RoleRevoked.typeName, PartupLaunched.typeName,
        PartupUpdated.typeName, PartnerJoined.typeName, PartnerLeft.typeName, SupporterJoined.typeName,
        PartupDissolved.typeName,
    ]

    public init() {}

    public func apply(_ event: DomainEvent, at recorded: RecordedEvent, to model: ModelWriter) throws {
        let time = recorded.recordedAt
        switch event {
        case .memberRegistered(let e):
            try updateMember(e.member, model) { $0.isRegistered = true }
        case .memberProfileUpdated(let e):
            try updateSkills(of: e.member, to: SkillNames.normalised(e.skills), model)
        case .tribeCreated(let e):
            model.put(MatchingKeys.tribe(e.tribe), MatchTribe(privacy: e.privacy))
            try join(e.founder, to: e.tribe, model)
            try updateMember(e.founder, model) { $0.adminOf.insert(e.tribe) }
        case .tribePrivacyChanged(let e):
            model.put(MatchingKeys.tribe(e.tribe), MatchTribe(privacy: e.privacy))
        case .memberInvited(let e):
            try updateMember(e.member, model) { $0.barredFrom.remove(e.tribe) }
        case .memberAdmitted(let e):
            try join(e.member, to: e.tribe, model)
        case .memberLeft(let e):
            try leave(e.member, from: e.tribe, barred: false, model)
        case .memberRemoved(let e):
            try leave(e.member, from: e.tribe, barred: true, model)
        case .roleGranted(let e):
            try updateMember(e.member, model) { $0.adminOf.insert(e.tribe) }
        case .roleRevoked(let e):
            try updateMember(e.member, model) { $0.adminOf.remove(e.tribe) }
        case .partupLaunched(let e):
            try launch(e, at: time, model)
        case .partupUpdated(let e):
            try update(e, at: time, model)
        case .partnerJoined(let e):
            try updatePartup(e.partup, at: time, model) { $0.partners.insert(e.member) }
            try updateMember(e.member, model) { $0.joined += 1 }
        case .partnerLeft(let e):
            try updatePartup(e.partup, at: time, model) { $0.partners.remove(e.member) }
        case .supporterJoined(let e):
            try updatePartup(e.partup, at: time, model) { _ in }
        case .partupDissolved(let e):
            try dissolve(e, model)
        case .memberApplied, .memberRejected, .tribeRulesChanged, .notificationsRead:
            break
        }
        // The actor is any registered member; the raw string is the key, no need to re-validate it.
        let actor = recorded.metadata.actor
        if !actor.isEmpty {
            try model.update(MatchingKeys.member(actor), default: MatchMember()) { $0.lastActive = max($0.lastActive, time) }
        }
    }

    // MARK: Members

    private func updateSkills(of member: MemberID, to skills: [String], _ model: ModelWriter) throws {
        try updateMember(member, model) { stored in
            let (old, new) = (Set(stored.skills), Set(skills))
            for skill in old.subtracting(new) { model.delete(MatchingKeys.skillMember(skill, member)) }
            for skill in new.subtracting(old) { model.mark(MatchingKeys.skillMember(skill, member)) }
            stored.skills = skills
        }
    }

    private func join(_ member: MemberID, to tribe: TribeID, _ model: ModelWriter) throws {
        model.mark(MatchingKeys.tribeMember(tribe, member))
        try updateMember(member, model) {
            $0.tribes.insert(tribe)
            $0.barredFrom.remove(tribe)
        }
    }

    private func leave(_ member: MemberID, from tribe: TribeID, barred: Bool, _ model: ModelWriter) throws {
        model.delete(MatchingKeys.tribeMember(tribe, member))
        try updateMember(member, model) {
            $0.tribes.remove(tribe)
            $0.adminOf.remove(tribe)
            if barred { $0.barredFrom.insert(tribe) }
        }
    }

    // MARK: Part-ups

    private func launch(_ e: PartupLaunched, at time: Timestamp, _ model: ModelWriter) throws {
        let partup = MatchPartup(tribe: e.tribe, title: e.title, wantedSkills: SkillNames.normalised(e.wantedSkills),
                                 privacy: e.privacy, partners: [e.launcher], lastActivity: time)
        model.put(MatchingKeys.partup(e.partup), partup)
        model.mark(MatchingKeys.tribePartup(e.tribe, e.partup))
        let mark = SkillPartupMark(tribe: e.tribe, privacy: e.privacy)
        for skill in partup.wantedSkills { model.put(MatchingKeys.skillPartup(skill, e.partup), mark) }
        try updateMember(e.launcher, model) { $0.joined += 1 }
    }

    private func update(_ e: PartupUpdated, at time: Timestamp, _ model: ModelWriter) throws {
        try updatePartup(e.partup, at: time, model) { partup in
            if let title = e.title { partup.title = title }
            let (oldSkills, oldPrivacy) = (Set(partup.wantedSkills), partup.privacy)
            if let privacy = e.privacy { partup.privacy = privacy }
            if let wanted = e.wantedSkills.map(SkillNames.normalised) { partup.wantedSkills = wanted }
            let newSkills = Set(partup.wantedSkills)
            for skill in oldSkills.subtracting(newSkills) { model.delete(MatchingKeys.skillPartup(skill, e.partup)) }
            // A changed privacy rewrites every mark; otherwise only the new skills get one.
            let marked = partup.privacy == oldPrivacy ? newSkills.subtracting(oldSkills) : newSkills
            let mark = SkillPartupMark(tribe: partup.tribe, privacy: partup.privacy)
            for skill in marked { model.put(MatchingKeys.skillPartup(skill, e.partup), mark) }
        }
    }

    /// A dissolved part-up leaves the indexes (nobody can join it any more); its partners
    /// at that moment are credited when it was completed.
    private func dissolve(_ e: PartupDissolved, _ model: ModelWriter) throws {
        guard var partup = try model.get(MatchingKeys.partup(e.partup), as: MatchPartup.self), !partup.isDissolved else { return }
        if e.outcome == .completed {
            for partner in partup.partners.sorted() { try updateMember(partner, model) { $0.completed += 1 } }
        }
        model.delete(MatchingKeys.tribePartup(partup.tribe, e.partup))
        for skill in partup.wantedSkills { model.delete(MatchingKeys.skillPartup(skill, e.partup)) }
        partup.isDissolved = true
        partup.partners = []
        model.put(MatchingKeys.partup(e.partup), partup)
    }

    // MARK: Values

    private func updateMember(_ member: MemberID, _ model: ModelWriter, _ change: (inout MatchMember) throws -> Void) throws {
        try model.update(MatchingKeys.member(member.rawValue), default: MatchMember(), change)
    }

    /// Changes a part-up that is still active and moves its activity time forward.
    private func updatePartup(_ id: PartupID, at time: Timestamp, _ model: ModelWriter,
                              _ change: (inout MatchPartup) throws -> Void) throws {
        let key = MatchingKeys.partup(id)
        // Checked in a scope of its own, then changed where it lies in the batch: a copy
        // changed and put back copies its partners.
        let tribe: TribeID? = try {
            guard let partup = try model.get(key, as: MatchPartup.self), !partup.isDissolved else { return nil }
            return partup.tribe
        }()
        guard let tribe else { return }
        try model.update(key, default: MatchPartup(tribe: tribe, title: "", wantedSkills: [], privacy: .public,
                                                   partners: [], lastActivity: time)) { partup in
            try change(&partup)
            partup.lastActivity = max(partup.lastActivity, time)
        }
    }
}
