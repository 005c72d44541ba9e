/// A tribe was founded. The founder is its first member and first admin (no separate
/// MemberAdmitted / RoleGranted), so the event is tagged with the founder too.
public struct TribeCreated: EventBody {
    public static let typeName = "TribeCreated"
    public var tribe: TribeID
    public var name: String
    public var founder: MemberID
    public var privacy: TribePrivacy
    public var rules: String
    /// When true only admins may launch part-ups in the tribe.
    public var onlyAdminsLaunch: Bool

    public init(tribe: TribeID, name: String, founder: MemberID, privacy: TribePrivacy, rules: String, onlyAdminsLaunch: Bool) {
        self.tribe = tribe
        self.name = name
        self.founder = founder
        self.privacy = privacy
        self.rules = rules
        self.onlyAdminsLaunch = onlyAdminsLaunch
    }

    public var subjects: EventSubjects { EventSubjects(tribe: tribe, member: founder) }
    public var event: DomainEvent { .tribeCreated(self) }

    func write(to payload: inout PayloadWriter) {
        payload.set("tribe", tribe)
        payload.set("name", name)
        payload.set("founder", founder)
        payload.set("privacy", privacy)
        payload.set("rules", rules)
        payload.set("onlyAdminsLaunch", onlyAdminsLaunch)
    }

    init(reading payload: PayloadReader) throws(EventDecodingError) {
        tribe = try payload.required("tribe")
        name = try payload.value("name", default: "")
        founder = try payload.required("founder")
        privacy = try payload.required("privacy")
        rules = try payload.value("rules", default: "")
        onlyAdminsLaunch = try payload.value("onlyAdminsLaunch", default: false)
    }
}

/// The tribe's rules text and its launch setting, replaced together.
public struct TribeRulesChanged: EventBody {
    public static let typeName = "TribeRulesChanged"
    public var tribe: TribeID
    public var rules: String
    public var onlyAdminsLaunch: Bool

    public init(tribe: TribeID, rules: String, onlyAdminsLaunch: Bool) {
        self.tribe = tribe
        self.rules = rules
        self.onlyAdminsLaunch = onlyAdminsLaunch
    }

    public var subjects: EventSubjects { EventSubjects(tribe: tribe) }
    public var event: DomainEvent { .tribeRulesChanged(self) }

    func write(to payload: inout PayloadWriter) {
        payload.set("tribe", tribe)
        payload.set("rules", rules)
        payload.set("onlyAdminsLaunch", onlyAdminsLaunch)
    }

    init(reading payload: PayloadReader) throws(EventDecodingError) {
        tribe = try payload.required("tribe")
        rules = try payload.value("rules", default: "")
        onlyAdminsLaunch = try payload.value("onlyAdminsLaunch", default: false)
    }
}

public struct TribePrivacyChanged: EventBody {
    public static let typeName = "TribePrivacyChanged"
    public var tribe: TribeID
    public var privacy: TribePrivacy

    public init(tribe: TribeID, privacy: TribePrivacy) {
        self.tribe = tribe
        self.privacy = privacy
    }

    public var subjects: EventSubjects { EventSubjects(tribe: tribe) }
    public var event: DomainEvent { .tribePrivacyChanged(self) }

    func write(to payload: inout PayloadWriter) {
        payload.set("tribe", tribe)
        payload.set("privacy", privacy)
    }

    init(reading payload: PayloadReader) throws(EventDecodingError) {
        tribe = try payload.required("tribe")
        privacy = try payload.required("privacy")
    }
}
