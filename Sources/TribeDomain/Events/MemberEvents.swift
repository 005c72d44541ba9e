/// A person joined the platform under a client-chosen id.
public struct MemberRegistered: EventBody {
    public static let typeName = "MemberRegistered"
    public var member: MemberID
    public var name: String

    public init(member: MemberID, name: String) {
        self.member = member
        self.name = name
    }

    public var subjects: EventSubjects { EventSubjects(member: member) }
    public var event: DomainEvent { .memberRegistered(self) }

    func write(to payload: inout PayloadWriter) {
        payload.set("member", member)
        payload.set("name", name)
    }

    init(reading payload: PayloadReader) throws(EventDecodingError) {
        member = try payload.required("member")
        name = try payload.value("name", default: "")
    }
}

/// A member's skills and regions, replaced as a whole.
public struct MemberProfileUpdated: EventBody {
    public static let typeName = "MemberProfileUpdated"
    public var member: MemberID
    public var skills: [String]
    public var regions: [String]

    public init(member: MemberID, skills: [String], regions: [String]) {
        self.member = member
        self.skills = skills
        self.regions = regions
    }

    public var subjects: EventSubjects { EventSubjects(member: member) }
    public var event: DomainEvent { .memberProfileUpdated(self) }

    func write(to payload: inout PayloadWriter) {
        payload.set("member", member)
        payload.set("skills", skills)
        payload.set("regions", regions)
    }

    init(reading payload: PayloadReader) throws(EventDecodingError) {
        member = try payload.required("member")
        skills = try payload.value("skills", default: [])
        regions = try payload.value("regions", default: [])
    }
}
