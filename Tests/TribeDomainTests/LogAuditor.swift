import EventLog
import TribeDomain

/// Replays a whole log and lists every broken invariant. Written from the rules, not from
/// the deciders (it shares no code with them), so that it can catch a decider or a query
/// that lets a race through. The events of one command share a causation id and are
/// contiguous; rules about "the same append" are checked per such batch.
struct LogAuditor {
    private struct Key: Hashable { let tribe: TribeID; let member: MemberID }
    private struct Seat: Hashable { let partup: PartupID; let member: MemberID }
    private struct Partup { let tribe: TribeID; let launcher: MemberID; var privacy: PartupPrivacy; var dissolved = false }

    private var registered = Set<MemberID>()
    private var privacy: [TribeID: TribePrivacy] = [:]
    private var onlyAdminsLaunch: [TribeID: Bool] = [:]
    private var members = Set<Key>()
    private var admins = Set<Key>()
    private var applications = Set<Key>()
    private var invitations = Set<Key>()
    private var barred = Set<Key>()
    private var partups: [PartupID: Partup] = [:]
    private var partners = Set<Seat>()
    private var supporters = Set<Seat>()
    private(set) var violations: [String] = []

    static func audit(_ log: [(recorded: RecordedEvent, event: DomainEvent)]) -> [String] {
        var auditor = LogAuditor()
        auditor.replay(log)
        return auditor.violations
    }

    mutating func replay(_ log: [(recorded: RecordedEvent, event: DomainEvent)]) {
        var start = 0
        while start < log.count {
            let cause = log[start].recorded.metadata.causationID
            let end = log[start...].firstIndex { $0.recorded.metadata.causationID != cause } ?? log.count
            check(batch: log[start..<end].map { ($0.recorded, $0.event) })
            start = end
        }
    }

    private mutating func check(batch: [(RecordedEvent, DomainEvent)]) {
        for (recorded, event) in batch {
            let actor = try? MemberID(recorded.metadata.actor)
            var broken: [String] = []
            func require(_ condition: Bool, _ rule: String) { if !condition { broken.append(rule) } }
            if case .memberRegistered = event {} else { require(actor.map(registered.contains) == true, "actor is registered") }
            if let tribe = event.subjects.tribe, let actor {
                require(!barred.contains(Key(tribe: tribe, member: actor)), "a removed member takes no part in the tribe")
            }
            apply(event, actor: actor, batch: batch.map(\.1), require: require)
            violations += broken.map { "position \(recorded.position) \(event.typeName) by \(recorded.metadata.actor): \($0)" }
        }
        // The last admin never goes.
        for tribe in privacy.keys { if !admins.contains(where: { $0.tribe == tribe }) { violations.append("tribe \(tribe) has no admin") } }
        // Whoever left or was removed in this batch works in none of the tribe's active part-ups.
        for case let .memberLeft(e as any MembershipDecisionEvent) in batch.map(\.1) { checkNoActivePartnership(e) }
        for case let .memberRemoved(e as any MembershipDecisionEvent) in batch.map(\.1) { checkNoActivePartnership(e) }
    }

    private mutating func checkNoActivePartnership(_ e: any MembershipDecisionEvent) {
        for seat in partners where seat.member == e.member {
            if let partup = partups[seat.partup], partup.tribe == e.tribe, !partup.dissolved {
                violations.append("\(e.member) left tribe \(e.tribe) but is still partner of \(seat.partup)")
            }
        }
    }

    private func isAdmin(_ actor: MemberID?, _ tribe: TribeID) -> Bool { actor.map { admins.contains(Key(tribe: tribe, member: $0)) } ?? false }
    private func isMember(_ member: MemberID?, _ tribe: TribeID) -> Bool { member.map { members.contains(Key(tribe: tribe, member: $0)) } ?? false }

    private mutating func apply(_ event: DomainEvent, actor: MemberID?, batch: [DomainEvent], require: (Bool, String) -> Void) {
        switch event {
        case .memberRegistered(let e):
            require(registered.insert(e.member).inserted, "registered once")
        case .memberProfileUpdated(let e):
            require(actor == e.member, "members update their own profile")
        case .tribeCreated(let e):
            require(privacy[e.tribe] == nil, "tribe created once")
            privacy[e.tribe] = e.privacy
            onlyAdminsLaunch[e.tribe] = e.onlyAdminsLaunch
            members.insert(Key(tribe: e.tribe, member: e.founder))
            admins.insert(Key(tribe: e.tribe, member: e.founder))
        case .tribeRulesChanged(let e):
            require(isAdmin(actor, e.tribe), "only admins change rules")
            onlyAdminsLaunch[e.tribe] = e.onlyAdminsLaunch
        case .tribePrivacyChanged(let e):
            require(isAdmin(actor, e.tribe), "only admins change privacy")
            privacy[e.tribe] = e.privacy
        case .memberApplied(let e):
            let key = Key(tribe: e.tribe, member: e.member)
            require(actor == e.member && !members.contains(key) && !applications.contains(key), "members apply for themselves, once, as non-members")
            require(privacy[e.tribe] != .invite || invitations.contains(key), "invite-only tribes take applications from the invited only")
            applications.insert(key)
        case .memberInvited(let e):
            let key = Key(tribe: e.tribe, member: e.member)
            require(isAdmin(actor, e.tribe) && registered.contains(e.member) && !members.contains(key), "admins invite registered non-members")
            invitations.insert(key)
            barred.remove(key)
        case .memberAdmitted(let e):
            let key = Key(tribe: e.tribe, member: e.member)
            require(!members.contains(key) && applications.contains(key), "only pending applications are admitted, once")
            if e.by == e.member {
                let tribePrivacy = privacy[e.tribe]
                require(tribePrivacy == .open || (tribePrivacy == .invite && invitations.contains(key)),
                        "a member admits themselves only to open tribes or by accepting an invitation to an invite-only one")
            } else {
                require(isAdmin(actor, e.tribe) && actor == e.by, "admissions by decision come from admins")
            }
            members.insert(key)
            applications.remove(key)
            invitations.remove(key)
            barred.remove(key)
        case .memberRejected(let e):
            let key = Key(tribe: e.tribe, member: e.member)
            require(isAdmin(actor, e.tribe) && applications.contains(key), "admins reject pending applications only")
            applications.remove(key)
        case .memberLeft(let e):
            let key = Key(tribe: e.tribe, member: e.member)
            require(actor == e.member && members.contains(key), "members leave for themselves")
            members.remove(key)
            admins.remove(key)
        case .memberRemoved(let e):
            let key = Key(tribe: e.tribe, member: e.member)
            require(isAdmin(actor, e.tribe) && members.contains(key), "admins remove members")
            members.remove(key)
            admins.remove(key)
            barred.insert(key)
        case .roleGranted(let e):
            require(isAdmin(actor, e.tribe) && isMember(e.member, e.tribe), "admins make members admins")
            admins.insert(Key(tribe: e.tribe, member: e.member))
        case .roleRevoked(let e):
            require(isAdmin(actor, e.tribe) && isAdmin(e.member, e.tribe), "admins revoke admins")
            admins.remove(Key(tribe: e.tribe, member: e.member))
        default:
            applyPartupEvent(event, actor: actor, batch: batch, require: require)
        }
    }

    private mutating func applyPartupEvent(_ event: DomainEvent, actor: MemberID?, batch: [DomainEvent], require: (Bool, String) -> Void) {
        guard let id = event.subjects.partup else { return }
        if case .partupLaunched(let e) = event {
            require(partups[id] == nil, "part-up launched once")
            require(actor == e.launcher && isMember(e.launcher, e.tribe), "only admitted members launch part-ups")
            require(onlyAdminsLaunch[e.tribe] != true || isAdmin(actor, e.tribe), "only admins launch where the tribe says so")
            partups[id] = Partup(tribe: e.tribe, launcher: e.launcher, privacy: e.privacy)
            partners.insert(Seat(partup: id, member: e.launcher))
            return
        }
        guard var partup = partups[id] else { return require(false, "part-up exists") }
        require(!partup.dissolved, "nothing happens in a dissolved part-up")
        require(event.subjects.tribe == partup.tribe, "events name the part-up's own tribe")
        let steward = isAdmin(actor, partup.tribe) || (actor == partup.launcher && isMember(actor, partup.tribe))
        switch event {
        case .partupUpdated(let e):
            require(steward, "only the launcher or admins update a part-up")
            partup.privacy = e.privacy ?? partup.privacy
        case .partupDissolved:
            require(steward, "only the launcher or admins dissolve a part-up")
            partup.dissolved = true
        case .partnerJoined(let e):
            let outsiderMayJoin = privacy[partup.tribe] == .open && partup.privacy == .public
            require(actor == e.member && (isMember(e.member, partup.tribe) || outsiderMayJoin), "externals partner only in public part-ups of open tribes")
            require(partners.insert(Seat(partup: id, member: e.member)).inserted, "no double join")
        case .partnerLeft(let e):
            require(partners.remove(Seat(partup: id, member: e.member)) != nil, "only partners leave")
            switch e.reason {
            case .left: require(actor == e.member, "partners leave for themselves")
            case .leftTribe: require(batch.contains { if case .memberLeft(let l) = $0 { l.member == e.member } else { false } }, "left with the tribe")
            case .removedFromTribe: require(batch.contains { if case .memberRemoved(let r) = $0 { r.member == e.member } else { false } }, "removed with the tribe")
            }
        case .supporterJoined(let e):
            let seat = Seat(partup: id, member: e.member)
            require(actor == e.member && !partners.contains(seat), "members support for themselves, partners do not")
            require(isMember(e.member, partup.tribe) || partup.privacy == .public, "outsiders support public part-ups only")
            require(supporters.insert(seat).inserted, "no double support")
        default:
            break
        }
        partups[id] = partup
    }

    /// Whether `member` is partner of `partup` at the end of the log.
    func isPartner(_ member: MemberID, of partup: PartupID) -> Bool { partners.contains(Seat(partup: partup, member: member)) }
}
