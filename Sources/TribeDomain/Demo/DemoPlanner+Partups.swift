import EventLog

extension DemoPlanner {
    /// Part-ups go to tribes in proportion to their size; each recruits partners who are
    /// in the tribe at the time (those with a wanted skill first, an outsider now and then
    /// where the tribe is open and the part-up public), gathers supporters, and most
    /// dissolve after three weeks to nine months.
    mutating func planPartups() {
        let weights = tribes.map { $0.memberships.count + 1 }
        for index in 0..<size.partups {
            let tribeIndex = weighted(weights)
            let tribe = tribes[tribeIndex]
            let partup: PartupID = Self.id("p", index + 1, digits: 5)
            let launched = tribe.created + time((3 * Self.day)...max(3 * Self.day + 1, end - tribe.created - 7 * Self.day))
            // Where only admins launch, the founder does (other admins may not be admins yet).
            let launchers = tribe.onlyAdminsLaunch ? [] : tribe.memberships.filter { $0.isIn(at: launched) }
            let launcher = launchers.isEmpty ? tribe.memberships[0] : pick(launchers)
            let theme = DemoVocabulary.themes[tribe.theme]
            var wanted: [String] = []
            for _ in 0..<int(1...3) {
                let skill = pick(theme.skills)
                if !wanted.contains(skill) { wanted.append(skill) }
            }
            let privacy: PartupPrivacy = [.public, .tribeMembers, .partnersOnly][weighted([65, 25, 10])]
            let duration = time((21 * Self.day)...(270 * Self.day))
            let dissolves: Int64? = launched + duration < end ? launched + duration : nil
            add(launched, members[launcher.member].id, LaunchPartup(
                tribe: tribe.id, partup: partup, title: pick(theme.partupTitles), goal: pick(DemoVocabulary.goals),
                wantedSkills: wanted, privacy: privacy, endDate: Timestamp(microseconds: launched + duration)))
            let closes = dissolves ?? end
            planPartners(partup, tribeIndex, launcher: launcher.member, wanted: wanted, privacy: privacy, from: launched, until: closes)
            if let dissolves {
                // The launcher dissolves it while still in the tribe; otherwise the founder does.
                let by = tribe.memberships.first { $0.member == launcher.member }?.isIn(at: dissolves) == true
                    ? members[launcher.member].id : members[tribe.founder].id
                add(dissolves, by, DissolvePartup(tribe: tribe.id, partup: partup, outcome: chance(75) ? .completed : .abandoned,
                                                  note: "Handed over after \(duration / Self.day) days."))
            }
        }
    }

    private mutating func planPartners(_ partup: PartupID, _ tribeIndex: Int, launcher: Int, wanted: [String],
                                       privacy: PartupPrivacy, from launched: Int64, until closes: Int64) {
        let tribe = tribes[tribeIndex]
        let skilled = tribe.memberships.filter { m in m.member != launcher && members[m.member].skills.contains(where: wanted.contains) }
        let others = tribe.memberships.filter { m in m.member != launcher && !skilled.contains { $0.member == m.member } }
        // The launcher is the first partner (the domain's rule), so never joins.
        var partners: [Int] = [launcher]
        for _ in 0..<int(1...5) {
            let pool = !skilled.isEmpty && chance(80) ? skilled : others
            guard !pool.isEmpty else { continue }
            let candidate = pick(pool)
            let at = launched + time(Self.hour...(21 * Self.day))
            guard at < closes, candidate.isIn(at: at), !partners.contains(candidate.member) else { continue }
            partners.append(candidate.member)
            add(at, members[candidate.member].id, JoinPartup(tribe: tribe.id, partup: partup))
            if chance(8) {
                let leaves = at + time(Self.day...(30 * Self.day))
                if leaves < closes { add(leaves, members[candidate.member].id, LeavePartup(tribe: tribe.id, partup: partup)) }
            }
        }
        if tribe.privacy == .open && privacy == .public && chance(25) {
            let outsider = int(0...(members.count - 1))
            let at = launched + time(Self.day...(14 * Self.day))
            if at < closes, members[outsider].registered < at, !tribe.memberships.contains(where: { $0.member == outsider }) {
                add(at, members[outsider].id, JoinPartup(tribe: tribe.id, partup: partup))
            }
        }
        for _ in 0..<int(0...2) {
            guard let supporter = tribe.memberships.randomElement(using: &random) else { break }
            let at = launched + time(Self.hour...(30 * Self.day))
            guard at < closes, supporter.isIn(at: at), !partners.contains(supporter.member) else { continue }
            add(at, members[supporter.member].id, SupportPartup(tribe: tribe.id, partup: partup))
        }
    }
}
