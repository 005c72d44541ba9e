import EventLog

extension DemoPlanner {
    var end: Int64 { Self.start + Self.span }

    /// Members join 1–6 tribes (most join one or two), preferring tribes of their themes;
    /// how they get in follows each tribe's privacy. Some later leave or are removed.
    mutating func planMemberships() {
        let byTheme = Dictionary(grouping: tribes.indices, by: { tribes[$0].theme })
        for (memberIndex, member) in members.enumerated() {
            let wanted = weighted([40, 25, 15, 10, 6, 4]) + 1
            var chosen: [Int] = []
            for _ in 0..<(wanted * 2) where chosen.count < wanted {
                let ownTheme = byTheme[pick(member.themes)] ?? []
                let tribe = chance(70) && !ownTheme.isEmpty ? pick(ownTheme) : int(0...(tribes.count - 1))
                if !chosen.contains(tribe) && tribes[tribe].founder != memberIndex { chosen.append(tribe) }
            }
            for tribe in chosen { planJoining(memberIndex, tribe) }
        }
        for tribe in tribes.indices { planAdminsAndDepartures(tribe) }
    }

    private mutating func planJoining(_ memberIndex: Int, _ tribeIndex: Int) {
        let member = members[memberIndex], tribe = tribes[tribeIndex]
        let founder = members[tribe.founder].id
        let first = max(member.registered, tribe.created) + time(Self.hour...(90 * Self.day))
        guard first < end - 2 * Self.day else { return }
        var admitted: Int64?
        switch tribe.privacy {
        case .open:
            add(first, member.id, ApplyToTribe(tribe: tribe.id, motivation: "I work in \(member.skills[0])."))
            admitted = first
        case .invite:
            let accepted = first + time(Self.hour...(48 * Self.hour))
            add(first, founder, InviteMember(tribe: tribe.id, member: member.id))
            add(accepted, member.id, ApplyToTribe(tribe: tribe.id))
            admitted = accepted
        case .closed:
            let decided = first + time(Self.hour...(72 * Self.hour))
            add(first, member.id, ApplyToTribe(tribe: tribe.id, motivation: "Experienced in \(member.skills.joined(separator: ", "))."))
            if chance(85) {
                add(decided, founder, AdmitMember(tribe: tribe.id, member: member.id))
                admitted = decided
            } else {
                add(decided, founder, RejectApplication(tribe: tribe.id, member: member.id, reason: "We are full for now."))
            }
        }
        if let admitted { tribes[tribeIndex].memberships.append(Membership(member: memberIndex, admitted: admitted)) }
    }

    /// A few members become admins; about one in twenty leaves, one in a hundred is removed.
    private mutating func planAdminsAndDepartures(_ tribeIndex: Int) {
        let founder = members[tribes[tribeIndex].founder].id
        let tribeID = tribes[tribeIndex].id
        for index in tribes[tribeIndex].memberships.indices.dropFirst() {
            let membership = tribes[tribeIndex].memberships[index]
            let member = members[membership.member].id
            if chance(3) {
                add(membership.admitted + time(Self.day...(60 * Self.day)), founder, GrantAdmin(tribe: tribeID, member: member))
                tribes[tribeIndex].memberships[index].isAdmin = true
                continue
            }
            let departure = membership.admitted + time((30 * Self.day)...(500 * Self.day))
            guard departure < end else { continue }
            if chance(5) {
                add(departure, member, LeaveTribe(tribe: tribeID))
                tribes[tribeIndex].memberships[index].leaves = departure
            } else if chance(1) {
                add(departure, founder, RemoveMember(tribe: tribeID, member: member, reason: "Did not follow the tribe's rules."))
                tribes[tribeIndex].memberships[index].leaves = departure
            }
        }
    }
}
