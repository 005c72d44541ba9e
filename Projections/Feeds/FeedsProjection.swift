import EventLog
import ProjectionKit
import TribeDomain

/// Tribe feeds, part-up feeds and notifications (read them with `FeedsModel`).
///
/// Each tribe event is written once, to its tribe's feed (and part-up events to the
/// part-up's feed too); a member's feed merges the feeds of their tribes when read rather
/// than copying every event to every member. Applying an event costs a few point reads of
/// small values (the member, tribe or part-up concerned) and a put per feed entry and per
/// notification sent.
public struct FeedsProjection: DomainProjection {
    public let name = "feeds"
    public let version: UInt32 = 1
    /// Every domain event: all feed a tribe's feed, a name, a member's skills or read marks.
    public let eventTypes: Set<String>? = Set(DomainEvent.typeNames)

    public init() {}

    public func apply(_ event: DomainEvent, at recorded: RecordedEvent, to model: ModelWriter) throws {
        NameIndex.record(event, to: model)
        let record = EventRecord(event, at: recorded)
        let state = FeedState(model)
        // Notifications go to who is in the tribe or part-up *before* the event changes
        // that (a joiner does not hear of their own joining; a removed member hears of it).
        // The record is encoded once for every entry and notification that carries it
        // (they are only written while applying, never read back).
        let recordBytes = record.modelBytes
        try Notifier(state: state, model: model, recordBytes: recordBytes).notify(event, record)
        let partupPrivacy = try state.apply(event)
        guard record.tribe != nil || record.partup != nil else { return }
        // The bytes of `FeedEntry(record:partupPrivacy:)`, shared by both feeds.
        var entry = ByteWriter(capacity: recordBytes.count + 16)
        entry.write(contentsOf: recordBytes)
        partupPrivacy.encode(into: &entry)
        if let tribe = record.tribe {
            model.put(FeedKeys.tribeFeed(tribe.rawValue).with(descending: record.position), entry.bytes)
        }
        if let partup = record.partup {
            model.put(FeedKeys.partupFeed(partup.rawValue).with(descending: record.position), entry.bytes)
        }
    }
}

/// The members, tribes and part-ups as the feeds keep them, changed event by event.
struct FeedState {
    let model: ModelWriter

    init(_ model: ModelWriter) { self.model = model }

    func member(_ id: String) throws -> FeedMember { try model.get(FeedKeys.member(id)) ?? FeedMember() }
    func tribe(_ id: String) throws -> FeedTribe { try model.get(FeedKeys.tribe(id)) ?? FeedTribe() }
    func partup(_ id: String) throws -> FeedPartup? { try model.get(FeedKeys.partup(id)) }

    /// Folds `event` in and returns the privacy of its part-up after it (nil: no part-up).
    func apply(_ event: DomainEvent) throws -> PartupPrivacy? {
        switch event {
        case .memberProfileUpdated(let e): try changeSkills(of: e.member.rawValue, to: e.skills)
        case .tribeCreated(let e):
            model.put(FeedKeys.tribe(e.tribe.rawValue), FeedTribe(privacy: e.privacy, admins: [e.founder.rawValue]))
            try join(e.founder.rawValue, e.tribe.rawValue)
        case .tribePrivacyChanged(let e): try updateTribe(e.tribe.rawValue) { $0.privacy = e.privacy }
        case .memberAdmitted(let e): try join(e.member.rawValue, e.tribe.rawValue)
        case .memberLeft(let e): try leave(e.member.rawValue, e.tribe.rawValue)
        case .memberRemoved(let e): try leave(e.member.rawValue, e.tribe.rawValue)
        case .roleGranted(let e): try updateTribe(e.tribe.rawValue) { $0.admins.insert(e.member.rawValue) }
        case .roleRevoked(let e): try updateTribe(e.tribe.rawValue) { $0.admins.remove(e.member.rawValue) }
        case .partupLaunched(let e):
            let launcher = e.launcher.rawValue
            model.put(FeedKeys.partup(e.partup.rawValue),
                      FeedPartup(tribe: e.tribe.rawValue, launcher: launcher, privacy: e.privacy, partners: [launcher]))
            try updateMember(launcher) { $0.partups.insert(e.partup.rawValue) }
            return e.privacy
        case .partupUpdated(let e): return try updatePartup(e.partup.rawValue) { $0.privacy = e.privacy ?? $0.privacy }
        case .partnerJoined(let e):
            try updateMember(e.member.rawValue) { $0.partups.insert(e.partup.rawValue) }
            return try updatePartup(e.partup.rawValue) { $0.partners.insert(e.member.rawValue) }
        case .partnerLeft(let e):
            try updateMember(e.member.rawValue) { $0.partups.remove(e.partup.rawValue) }
            return try updatePartup(e.partup.rawValue) { $0.partners.remove(e.member.rawValue) }
        case .notificationsRead(let e): try updateMember(e.member.rawValue) { $0.readUpTo = max($0.readUpTo, e.upTo) }
        case .supporterJoined(let e): return try partup(e.partup.rawValue)?.privacy
        case .partupDissolved(let e): return try partup(e.partup.rawValue)?.privacy
        case .memberRegistered, .tribeRulesChanged, .memberApplied, .memberInvited, .memberRejected: break
        }
        return nil
    }

    private func updateMember(_ id: String, _ change: (inout FeedMember) -> Void) throws {
        try model.update(FeedKeys.member(id), default: FeedMember()) { change(&$0) }
    }

    private func updateTribe(_ id: String, _ change: (inout FeedTribe) -> Void) throws {
        try model.update(FeedKeys.tribe(id), default: FeedTribe()) { change(&$0) }
    }

    /// Changes a known part-up and returns its privacy; events of an unknown one change nothing.
    private func updatePartup(_ id: String, _ change: (inout FeedPartup) -> Void) throws -> PartupPrivacy? {
        let key = FeedKeys.partup(id)
        guard try model.contains(key) else { return nil }
        var privacy: PartupPrivacy?
        try model.update(key, default: FeedPartup(tribe: "", launcher: "", privacy: .public, partners: [])) {
            change(&$0)
            privacy = $0.privacy
        }
        return privacy
    }

    /// The member is in the tribe now: listed under each of their skills there. Values
    /// are changed where they lie in the batch (`update`): a copy that is changed and put
    /// back copies its sets.
    private func join(_ id: String, _ tribe: String) throws {
        var skills: Set<String> = []
        try model.update(FeedKeys.member(id), default: FeedMember()) { member in
            if member.tribes.insert(tribe).inserted { skills = member.skills }
        }
        for skill in skills { try changeSkillSet(tribe, skill) { $0.insert(id) } }
    }

    private func leave(_ id: String, _ tribe: String) throws {
        // Only a member of the tribe is changed (an unknown one is not made up).
        guard try member(id).tribes.contains(tribe) else { return }
        var skills: Set<String> = []
        try model.update(FeedKeys.member(id), default: FeedMember()) { member in
            member.tribes.remove(tribe)
            skills = member.skills
        }
        for skill in skills { try changeSkillSet(tribe, skill) { $0.remove(id) } }
        try updateTribe(tribe) { $0.admins.remove(id) }
    }

    /// Moves the member between skill sets in each of their tribes: only the skills that
    /// changed, so an unchanged profile costs one read.
    private func changeSkills(of id: String, to skills: [String]) throws {
        let new = Set(skills.map(SkillText.normalised))
        let (gone, added, tribes): (Set<String>, Set<String>, Set<String>) = try {
            let member = try member(id)
            return (member.skills.subtracting(new), new.subtracting(member.skills), member.tribes)
        }()
        guard !gone.isEmpty || !added.isEmpty else { return }
        for tribe in tribes {
            for skill in gone { try changeSkillSet(tribe, skill) { $0.remove(id) } }
            for skill in added { try changeSkillSet(tribe, skill) { $0.insert(id) } }
        }
        try model.update(FeedKeys.member(id), default: FeedMember()) { $0.skills = new }
    }

    /// The tribe's members with one skill (a set of raw member ids); `skill` normalised.
    func skillSet(_ tribe: String, _ skill: String) throws -> Set<String> {
        try model.get(FeedKeys.skill(tribe, normalised: skill), as: Set<String>.self) ?? []
    }

    /// Changes a skill set in place; an emptied (or never filled) set is deleted.
    private func changeSkillSet(_ tribe: String, _ skill: String, _ change: (inout Set<String>) -> Void) throws {
        let key = FeedKeys.skill(tribe, normalised: skill)
        var isEmpty = false
        try model.update(key, default: Set<String>()) {
            change(&$0)
            isEmpty = $0.isEmpty
        }
        if isEmpty { model.delete(key) }
    }
}
