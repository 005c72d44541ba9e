import EventLog

/// Every fact the domain records. Projections switch over it; `init(recorded:)` reads one
/// back from the log, `typeName`, `tags` and `payload` are what gets stored.
public enum DomainEvent: Sendable, Hashable {
    case memberRegistered(MemberRegistered)
    case memberProfileUpdated(MemberProfileUpdated)
    case tribeCreated(TribeCreated)
    case tribeRulesChanged(TribeRulesChanged)
    case tribePrivacyChanged(TribePrivacyChanged)
    case memberApplied(MemberApplied)
    case memberInvited(MemberInvited)
    case memberAdmitted(MemberAdmitted)
    case memberRejected(MemberRejected)
    case memberLeft(MemberLeft)
    case memberRemoved(MemberRemoved)
    case roleGranted(RoleGranted)
    case roleRevoked(RoleRevoked)
    case partupLaunched(PartupLaunched)
    case partupUpdated(PartupUpdated)
    case partnerJoined(PartnerJoined)
    case partnerLeft(PartnerLeft)
    case supporterJoined(SupporterJoined)
    case partupDissolved(PartupDissolved)
    case notificationsRead(NotificationsRead)

    /// The event's struct, for code that needs what all events have in common.
    public var body: any DomainEventBody { codable }

    private var codable: any EventBody {
        switch self {
        case .memberRegistered(let e): e
        case .memberProfileUpdated(let e): e
        case .tribeCreated(let e): e
        case .tribeRulesChanged(let e): e
        case .tribePrivacyChanged(let e): e
        case .memberApplied(let e): e
        case .memberInvited(let e): e
        case .memberAdmitted(let e): e
        case .memberRejected(let e): e
        case .memberLeft(let e): e
        case .memberRemoved(let e): e
        case .roleGranted(let e): e
        case .roleRevoked(let e): e
        case .partupLaunched(let e): e
        case .partupUpdated(let e): e
        case .partnerJoined(let e): e
        case .partnerLeft(let e): e
        case .supporterJoined(let e): e
        case .partupDissolved(let e): e
        case .notificationsRead(let e): e
        }
    }

    /// The stored type name, e.g. "PartnerJoined" (the case name, capitalised).
    public var typeName: String { type(of: codable).typeName }

    /// Switched over per case rather than read through `codable`: projections ask for it
    /// on every event, and the existential boxed most events on the heap first.
    public var subjects: EventSubjects {
        switch self {
        case .memberRegistered(let e): e.subjects
        case .memberProfileUpdated(let e): e.subjects
        case .tribeCreated(let e): e.subjects
        case .tribeRulesChanged(let e): e.subjects
        case .tribePrivacyChanged(let e): e.subjects
        case .memberApplied(let e): e.subjects
        case .memberInvited(let e): e.subjects
        case .memberAdmitted(let e): e.subjects
        case .memberRejected(let e): e.subjects
        case .memberLeft(let e): e.subjects
        case .memberRemoved(let e): e.subjects
        case .roleGranted(let e): e.subjects
        case .roleRevoked(let e): e.subjects
        case .partupLaunched(let e): e.subjects
        case .partupUpdated(let e): e.subjects
        case .partnerJoined(let e): e.subjects
        case .partnerLeft(let e): e.subjects
        case .supporterJoined(let e): e.subjects
        case .partupDissolved(let e): e.subjects
        case .notificationsRead(let e): e.subjects
        }
    }

    /// `tribe:…`, `partup:…`, `member:…` for every entity the event concerns.
    public var tags: [String] { subjects.tags }

    /// The payload as an object of named fields.
    public var payload: PayloadValue {
        var writer = PayloadWriter()
        codable.write(to: &writer)
        return writer.payload
    }

    /// The event types in the order of the cases; the stored names never change.
    static let bodyTypes: [any EventBody.Type] = [
        MemberRegistered.self, MemberProfileUpdated.self, TribeCreated.self, TribeRulesChanged.self,
        TribePrivacyChanged.self, MemberApplied.self, MemberInvited.self, MemberAdmitted.self, MemberRejected.self,
        MemberLeft.self, MemberRemoved.self, RoleGranted.self, RoleRevoked.self, PartupLaunched.self,
        PartupUpdated.self, PartnerJoined.self, PartnerLeft.self, SupporterJoined.self, PartupDissolved.self,
        NotificationsRead.self,
    ]

    private static let bodyTypesByName: [String: any EventBody.Type] =
        Dictionary(uniqueKeysWithValues: bodyTypes.map { ($0.typeName, $0) })

    /// Every type name this version of the domain writes and reads.
    public static let typeNames: [String] = bodyTypes.map { $0.typeName }

    /// Reads an event from its stored type name and payload. Extra payload fields are
    /// ignored and missing optional ones take their defaults, so events written by older
    /// and newer versions both read.
    public init(type: String, payload: PayloadValue) throws(EventDecodingError) {
        guard let bodyType = Self.bodyTypesByName[type] else {
            throw EventDecodingError("\"\(type)\" is not a domain event type this version knows: \(Self.typeNames.joined(separator: ", "))")
        }
        self = try Self.read(bodyType, PayloadReader(type: type, payload: payload))
    }

    /// Reads a body of the concrete type `bodyType` opens to: through the existential
    /// (`bodyType.init(reading:).event`) every decoded event was boxed on the heap first.
    private static func read<Body: EventBody>(_ bodyType: Body.Type, _ reader: PayloadReader) throws(EventDecodingError) -> DomainEvent {
        try Body(reading: reader).event
    }

    /// Reads a recorded event back.
    public init(recorded: RecordedEvent) throws(EventDecodingError) {
        let payload: PayloadValue
        do {
            payload = try recorded.payload.withUnsafeBytes { bytes throws(RecordDecodingError) in try PayloadValue.decode(bytes) }
        } catch {
            throw EventDecodingError("the payload of the \(recorded.type) event at position \(recorded.position) does not decode: \(error)")
        }
        do {
            try self.init(type: recorded.type, payload: payload)
        } catch {
            throw EventDecodingError("the \(recorded.type) event at position \(recorded.position) does not read: \(error)")
        }
    }
}
