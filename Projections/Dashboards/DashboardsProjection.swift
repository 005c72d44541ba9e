import EventLog
import ProjectionKit
import TribeDomain

/// Tribe and member dashboards (see `DashboardsKeys` for the layout, `DashboardsModel` for
/// reading). Team size of a part-up is its largest number of simultaneous partners so far:
/// partners often leave before a part-up is dissolved, so the count at dissolution would
/// understate the team; the tribe average is over every part-up launched, active ones
/// included, so a young tribe has a figure too.
public struct DashboardsProjection: DomainProjection {
    public let name = "dashboards"
    public let version: UInt32 = 2
    /// Every domain event but read marks: any event of a tribe counts as its actor's activity.
    public let eventTypes: Set<String>? = Set(DomainEvent.typeNames).subtracting([NotificationsRead.typeName])

    public init() {}

    public func apply(_ event: DomainEvent, at recorded: RecordedEvent, to model: ModelWriter) throws {
        let time = recorded.recordedAt
        switch event {
        case .memberRegistered(let e):
            try model.update(DashboardsKeys.member(e.member), default: MemberProfile()) { $0.name = e.name }
        case .memberProfileUpdated(let e):
            try updateSkills(of: e.member, to: SkillNames.normalised(e.skills), model)
        case .tribeCreated(let e):
            try model.update(DashboardsKeys.tribe(e.tribe), default: TribeTotals()) {
                $0.name = e.name
                $0.privacy = e.privacy.rawValue
            }
            try admit(e.founder, to: e.tribe, at: time, countsAsJoin: false, model)
            try changeAdmin(e.founder, of: e.tribe, to: true, model)
        case .tribePrivacyChanged(let e):
            try updateTotals(e.tribe, model) { $0.privacy = e.privacy.rawValue }
        case .memberApplied(let e):
            try setPendingApplication(e.member, of: e.tribe, to: true, model)
        case .memberAdmitted(let e):
            try setPendingApplication(e.member, of: e.tribe, to: false, model)
            try admit(e.member, to: e.tribe, at: time, countsAsJoin: true, model)
        case .memberRejected(let e):
            try setPendingApplication(e.member, of: e.tribe, to: false, model)
        case .memberLeft(let e):
            try release(e.member, from: e.tribe, model)
        case .memberRemoved(let e):
            try release(e.member, from: e.tribe, model)
        case .roleGranted(let e):
            try changeAdmin(e.member, of: e.tribe, to: true, model)
        case .roleRevoked(let e):
            try changeAdmin(e.member, of: e.tribe, to: false, model)
        case .partupLaunched(let e):
            model.put(DashboardsKeys.partup(e.partup), PartupTeam(tribe: e.tribe, launchedAt: time))
            try updateTotals(e.tribe, model) { $0.activePartups += 1 }
            try startPartnership(e.launcher, in: e.partup, model)
        case .partnerJoined(let e):
            try startPartnership(e.member, in: e.partup, model)
        case .partnerLeft(let e):
            try endPartnership(e.member, in: e.partup, model)
        case .partupDissolved(let e):
            try dissolve(e.partup, at: time, model)
        case .tribeRulesChanged, .memberInvited, .partupUpdated, .supporterJoined, .notificationsRead:
            break
        }
        if let tribe = event.subjects.tribe, !recorded.metadata.actor.isEmpty {
            try countAction(of: recorded.metadata.actor, in: tribe, model)
        }
    }

    // MARK: Membership

    private func admit(_ member: MemberID, to tribe: TribeID, at time: Timestamp, countsAsJoin: Bool, _ model: ModelWriter) throws {
        var state = try memberState(member.rawValue, in: tribe, model)
        guard !state.isMember else { return }
        state.isMember = true
        let utilised = state.isUtilised
        model.put(DashboardsKeys.memberIn(tribe, member.rawValue), state)
        try updateTotals(tribe, model) {
            $0.members += 1
            if utilised { $0.utilisedMembers += 1 }
        }
        if countsAsJoin { try model.adjustCount(DashboardsKeys.week(tribe, ISOWeek(time)), by: 1) }
        // Changed where it lies in the batch (`update`): a copy changed and put back copies its set.
        var skills: [String] = []
        try model.update(DashboardsKeys.member(member), default: MemberProfile()) {
            $0.tribes.insert(tribe)
            skills = $0.skills
        }
        for skill in skills { try model.adjustCount(DashboardsKeys.skill(tribe, skill), by: 1) }
    }

    /// The member left or was removed: they no longer count as member, admin, utilised
    /// talent or skill holder. Their partnerships end with the PartnerLeft events the
    /// domain appends right after.
    private func release(_ member: MemberID, from tribe: TribeID, _ model: ModelWriter) throws {
        var state = try memberState(member.rawValue, in: tribe, model)
        guard state.isMember else { return }
        let (wasAdmin, wasUtilised) = (state.isAdmin, state.isUtilised)
        state.isMember = false
        state.isAdmin = false
        model.put(DashboardsKeys.memberIn(tribe, member.rawValue), state)
        try updateTotals(tribe, model) {
            $0.members -= 1
            if wasAdmin { $0.admins -= 1 }
            if wasUtilised { $0.utilisedMembers -= 1 }
        }
        var skills: [String] = []
        try model.update(DashboardsKeys.member(member), default: MemberProfile()) {
            $0.tribes.remove(tribe)
            skills = $0.skills
        }
        for skill in skills { try model.adjustCount(DashboardsKeys.skill(tribe, skill), by: -1) }
    }

    private func setPendingApplication(_ member: MemberID, of tribe: TribeID, to pending: Bool, _ model: ModelWriter) throws {
        try setFlag(\.hasPendingApplication, counted: \.pendingApplications, of: member, in: tribe, to: pending, model)
    }

    private func changeAdmin(_ member: MemberID, of tribe: TribeID, to admin: Bool, _ model: ModelWriter) throws {
        try setFlag(\.isAdmin, counted: \.admins, of: member, in: tribe, to: admin, model)
    }

    /// Sets one of the member's flags in the tribe and keeps the tribe's count of members
    /// with that flag in step; setting a flag to what it is changes nothing.
    private func setFlag(_ flag: WritableKeyPath<TribeMemberState, Bool>, counted counter: WritableKeyPath<TribeTotals, UInt64>,
                         of member: MemberID, in tribe: TribeID, to value: Bool, _ model: ModelWriter) throws {
        var state = try memberState(member.rawValue, in: tribe, model)
        guard state[keyPath: flag] != value else { return }
        state[keyPath: flag] = value
        model.put(DashboardsKeys.memberIn(tribe, member.rawValue), state)
        try updateTotals(tribe, model) { $0[keyPath: counter] = value ? $0[keyPath: counter] + 1 : $0[keyPath: counter] - 1 }
    }

    /// Moves the member's skill counts in each of their tribes from the old skills to the new.
    private func updateSkills(of member: MemberID, to skills: [String], _ model: ModelWriter) throws {
        var profile = try model.get(DashboardsKeys.member(member), as: MemberProfile.self) ?? MemberProfile()
        let (old, new) = (Set(profile.skills), Set(skills))
        for tribe in profile.tribes.sorted() {
            for skill in old.subtracting(new) { try model.adjustCount(DashboardsKeys.skill(tribe, skill), by: -1) }
            for skill in new.subtracting(old) { try model.adjustCount(DashboardsKeys.skill(tribe, skill), by: 1) }
        }
        profile.skills = skills
        model.put(DashboardsKeys.member(member), profile)
    }

    // MARK: Part-ups

    private func startPartnership(_ member: MemberID, in partup: PartupID, _ model: ModelWriter) throws {
        let key = DashboardsKeys.partup(partup)
        // Read in a scope of its own: no copy outlives it, so the update below changes the
        // team where it lies instead of copying its partners.
        let tribe: TribeID? = try {
            guard let team = try model.get(key, as: PartupTeam.self), !team.isDissolved,
                  !team.partners.contains(member) else { return nil }
            for other in team.partners where try !model.isMarked(DashboardsKeys.workedWith(member, other)) {
                model.mark(DashboardsKeys.workedWith(member, other))
                model.mark(DashboardsKeys.workedWith(other, member))
            }
            return team.tribe
        }()
        guard let tribe else { return }
        var grewPeak = false
        try model.update(key, default: PartupTeam(tribe: tribe, launchedAt: Timestamp(microseconds: 0))) { team in
            team.partners.insert(member)
            grewPeak = UInt64(team.partners.count) > team.peakPartners
            if grewPeak { team.peakPartners += 1 }
        }
        if grewPeak { try updateTotals(tribe, model) { $0.peakTeamSizes += 1 } }
        model.put(DashboardsKeys.memberPartup(member, partup), MemberPartup(tribe: tribe, isActive: true))
        try adjustActivePartnerships(of: member, in: tribe, by: 1, model)
    }

    private func endPartnership(_ member: MemberID, in partup: PartupID, _ model: ModelWriter) throws {
        let key = DashboardsKeys.partup(partup)
        let tribe: TribeID? = try {
            guard let team = try model.get(key, as: PartupTeam.self), team.partners.contains(member) else { return nil }
            return team.tribe
        }()
        guard let tribe else { return }
        try model.update(key, default: PartupTeam(tribe: tribe, launchedAt: Timestamp(microseconds: 0))) { _ = $0.partners.remove(member) }
        model.put(DashboardsKeys.memberPartup(member, partup), MemberPartup(tribe: tribe, isActive: false))
        try adjustActivePartnerships(of: member, in: tribe, by: -1, model)
    }

    private func dissolve(_ partup: PartupID, at time: Timestamp, _ model: ModelWriter) throws {
        guard var team = try model.get(DashboardsKeys.partup(partup), as: PartupTeam.self), !team.isDissolved else { return }
        for partner in team.partners.sorted() {
            model.put(DashboardsKeys.memberPartup(partner, partup), MemberPartup(tribe: team.tribe, isActive: false))
            try adjustActivePartnerships(of: partner, in: team.tribe, by: -1, model)
        }
        let lifetime = UInt64(max(0, time.microseconds - team.launchedAt.microseconds))
        try updateTotals(team.tribe, model) {
            $0.activePartups -= 1
            $0.dissolvedPartups += 1
            $0.lifetimeMicroseconds += lifetime
        }
        team.partners = []
        team.isDissolved = true
        model.put(DashboardsKeys.partup(partup), team)
    }

    /// Utilisation changes only when a member's count of active partnerships crosses 0↔1.
    private func adjustActivePartnerships(of member: MemberID, in tribe: TribeID, by delta: Int64, _ model: ModelWriter) throws {
        var (wasUtilised, isUtilised) = (false, false)
        try model.update(DashboardsKeys.memberIn(tribe, member.rawValue), default: TribeMemberState()) { state in
            wasUtilised = state.isUtilised
            state.activePartnerships = delta < 0 ? state.activePartnerships - min(state.activePartnerships, 1) : state.activePartnerships + 1
            isUtilised = state.isUtilised
        }
        if wasUtilised != isUtilised {
            try updateTotals(tribe, model) { $0.utilisedMembers = wasUtilised ? $0.utilisedMembers - 1 : $0.utilisedMembers + 1 }
        }
    }

    // MARK: Activity

    /// Counts one action of the actor in the tribe. No ranking is kept: a second key per
    /// action (delete the old rank, put the new) was a third of a rebuild, while ranking a
    /// tribe's few hundred members when a dashboard is read costs less than a millisecond.
    private func countAction(of actor: String, in tribe: TribeID, _ model: ModelWriter) throws {
        try model.update(DashboardsKeys.memberIn(tribe, actor), default: TribeMemberState()) { $0.actions += 1 }
    }

    // MARK: Values

    private func memberState(_ member: String, in tribe: TribeID, _ model: ModelWriter) throws -> TribeMemberState {
        try model.get(DashboardsKeys.memberIn(tribe, member), as: TribeMemberState.self) ?? TribeMemberState()
    }

    private func updateTotals(_ tribe: TribeID, _ model: ModelWriter, _ change: (inout TribeTotals) -> Void) throws {
        try model.update(DashboardsKeys.tribe(tribe), default: TribeTotals(), change)
    }
}
