import EventLog

/// A member started a part-up in a tribe. The launcher is its first partner (no separate
/// PartnerJoined), so the event is tagged with the launcher too.
public struct PartupLaunched: EventBody {
    public static let typeName = "PartupLaunched"
    public var partup: PartupID
    public var tribe: TribeID
    public var launcher: MemberID
    public var title: String
    public var goal: String
    public var wantedSkills: [String]
    public var privacy: PartupPrivacy
    public var endDate: Timestamp?

    public init(partup: PartupID, tribe: TribeID, launcher: MemberID, title: String, goal: String,
                wantedSkills: [String], privacy: PartupPrivacy, endDate: Timestamp?) {
        self.partup = partup
        self.tribe = tribe
        self.launcher = launcher
        self.title = title
        self.goal = goal
        self.wantedSkills = wantedSkills
        self.privacy = privacy
        self.endDate = endDate
    }

    public var subjects: EventSubjects { EventSubjects(tribe: tribe, partup: partup, member: launcher) }
    public var event: DomainEvent { .partupLaunched(self) }

    func write(to payload: inout PayloadWriter) {
        payload.set("partup", partup)
        payload.set("tribe", tribe)
        payload.set("launcher", launcher)
        payload.set("title", title)
        payload.set("goal", goal)
        payload.set("wantedSkills", wantedSkills)
        payload.set("privacy", privacy)
        payload.setIfPresent("endDate", endDate)
    }

    init(reading payload: PayloadReader) throws(EventDecodingError) {
        partup = try payload.required("partup")
        tribe = try payload.required("tribe")
        launcher = try payload.required("launcher")
        title = try payload.value("title", default: "")
        goal = try payload.value("goal", default: "")
        wantedSkills = try payload.value("wantedSkills", default: [])
        privacy = try payload.value("privacy", default: .public)
        endDate = try payload.optional("endDate")
    }
}

/// Some of a part-up's details changed; a nil field did not change.
public struct PartupUpdated: EventBody {
    public static let typeName = "PartupUpdated"
    public var partup: PartupID
    public var tribe: TribeID
    public var by: MemberID
    public var title: String?
    public var goal: String?
    public var wantedSkills: [String]?
    public var privacy: PartupPrivacy?
    public var endDate: Timestamp?

    public init(partup: PartupID, tribe: TribeID, by: MemberID, title: String? = nil, goal: String? = nil,
                wantedSkills: [String]? = nil, privacy: PartupPrivacy? = nil, endDate: Timestamp? = nil) {
        self.partup = partup
        self.tribe = tribe
        self.by = by
        self.title = title
        self.goal = goal
        self.wantedSkills = wantedSkills
        self.privacy = privacy
        self.endDate = endDate
    }

    public var subjects: EventSubjects { EventSubjects(tribe: tribe, partup: partup) }
    public var event: DomainEvent { .partupUpdated(self) }

    func write(to payload: inout PayloadWriter) {
        payload.set("partup", partup)
        payload.set("tribe", tribe)
        payload.set("by", by)
        payload.setIfPresent("title", title)
        payload.setIfPresent("goal", goal)
        payload.setIfPresent("wantedSkills", wantedSkills)
        payload.setIfPresent("privacy", privacy)
        payload.setIfPresent("endDate", endDate)
    }

    init(reading payload: PayloadReader) throws(EventDecodingError) {
        partup = try payload.required("partup")
        tribe = try payload.required("tribe")
        by = try payload.required("by")
        title = try payload.optional("title")
        goal = try payload.optional("goal")
        wantedSkills = try payload.optional("wantedSkills")
        privacy = try payload.optional("privacy")
        endDate = try payload.optional("endDate")
    }
}

/// The part-up ended; nobody joins, leaves or supports it afterwards.
public struct PartupDissolved: EventBody {
    public static let typeName = "PartupDissolved"
    public var partup: PartupID
    public var tribe: TribeID
    public var outcome: PartupOutcome
    public var by: MemberID
    public var note: String

    public init(partup: PartupID, tribe: TribeID, outcome: PartupOutcome, by: MemberID, note: String = "") {
        self.partup = partup
        self.tribe = tribe
        self.outcome = outcome
        self.by = by
        self.note = note
    }

    public var subjects: EventSubjects { EventSubjects(tribe: tribe, partup: partup) }
    public var event: DomainEvent { .partupDissolved(self) }

    func write(to payload: inout PayloadWriter) {
        payload.set("partup", partup)
        payload.set("tribe", tribe)
        payload.set("outcome", outcome)
        payload.set("by", by)
        if !note.isEmpty { payload.set("note", note) }
    }

    init(reading payload: PayloadReader) throws(EventDecodingError) {
        partup = try payload.required("partup")
        tribe = try payload.required("tribe")
        outcome = try payload.value("outcome", default: .completed)
        by = try payload.required("by")
        note = try payload.value("note", default: "")
    }
}
