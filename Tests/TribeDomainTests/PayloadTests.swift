import EventLog
import Testing
import TribeDomain

@Suite struct PayloadTests {
    typealias E = Events

    /// One event of every type, optional fields filled in.
    static let samples: [DomainEvent] = [
        E.registered("m1"),
        MemberProfileUpdated(member: "m1", skills: ["Swift", "Design"], regions: ["Utrecht"]).event,
        E.tribe("t1", founder: "m1", privacy: .invite, onlyAdminsLaunch: true),
        TribeRulesChanged(tribe: "t1", rules: "ship weekly", onlyAdminsLaunch: false).event,
        TribePrivacyChanged(tribe: "t1", privacy: .closed).event,
        MemberApplied(tribe: "t1", member: "m2", motivation: "I fix bikes").event,
        E.invited("t1", "m2", by: "m1"),
        E.admitted("t1", "m2", by: "m1"),
        E.rejected("t1", "m2", by: "m1", reason: "full"),
        E.left("t1", "m2"),
        E.removed("t1", "m2", by: "m1", reason: "spam"),
        E.granted("t1", "m2", by: "m1"),
        E.revoked("t1", "m2", by: "m1"),
        PartupLaunched(partup: "p1", tribe: "t1", launcher: "m1", title: "Café", goal: "Fix bikes", wantedSkills: ["welding"],
                       privacy: .partnersOnly, endDate: Timestamp(microseconds: -5)).event,
        PartupUpdated(partup: "p1", tribe: "t1", by: "m1", title: "T", goal: "G", wantedSkills: [], privacy: .tribeMembers,
                      endDate: Timestamp(microseconds: 1_900_000_000_000_000)).event,
        E.joined("p1", in: "t1", "m2"),
        E.partnerLeft("p1", in: "t1", "m2", .removedFromTribe),
        E.supported("p1", in: "t1", "m3"),
        PartupDissolved(partup: "p1", tribe: "t1", outcome: .abandoned, by: "m1", note: "no funding").event,
        NotificationsRead(member: "m1", upTo: 42).event,
    ]

    @Test func everyTypeHasItsCaseNameAndRoundTrips() throws {
        #expect(Self.samples.map(\.typeName) == DomainEvent.typeNames)
        for event in Self.samples {
            let label = String(describing: event).prefix { $0 != "(" }
            #expect(event.typeName == label.prefix(1).uppercased() + label.dropFirst())
            let bytes = event.payload.encoded
            let decoded = try bytes.withUnsafeBytes { try PayloadValue.decode($0) }
            #expect(try DomainEvent(type: event.typeName, payload: decoded) == event)
        }
    }

    @Test func eventsAreTaggedWithEveryEntityTheyConcern() {
        #expect(E.joined("p1", in: "t1", "m2").tags == ["tribe:t1", "partup:p1", "member:m2"])
        #expect(E.tribe("t1", founder: "m1").tags == ["tribe:t1", "member:m1"])
        #expect(E.admitted("t1", "m2", by: "m1").tags == ["tribe:t1", "member:m2"])
        #expect(E.launched("p1", in: "t1", by: "m1").tags == ["tribe:t1", "partup:p1", "member:m1"])
        #expect(E.dissolved("p1", in: "t1", by: "m1").tags == ["tribe:t1", "partup:p1"])
        #expect(E.registered("m1").tags == ["member:m1"])
    }

    private func object(_ fields: [(String, PayloadValue)]) -> PayloadValue {
        .object(fields.map { PayloadField(key: $0.0, value: $0.1) })
    }

    @Test func oldEventsWithoutLaterFieldsStillRead() throws {
        let profile = try DomainEvent(type: "MemberProfileUpdated", payload: object([("member", .string("m1")), ("skills", .array([.string("Swift")]))]))
        #expect(profile == MemberProfileUpdated(member: "m1", skills: ["Swift"], regions: []).event)
        let tribe = try DomainEvent(type: "TribeCreated", payload: object([
            ("tribe", .string("t1")), ("name", .string("Makers")), ("founder", .string("m1")), ("privacy", .string("closed")),
        ]))
        #expect(tribe == TribeCreated(tribe: "t1", name: "Makers", founder: "m1", privacy: .closed, rules: "", onlyAdminsLaunch: false).event)
        let launched = try DomainEvent(type: "PartupLaunched", payload: object([
            ("partup", .string("p1")), ("tribe", .string("t1")), ("launcher", .string("m1")), ("title", .string("Café")),
        ]))
        #expect(launched == PartupLaunched(partup: "p1", tribe: "t1", launcher: "m1", title: "Café", goal: "", wantedSkills: [],
                                           privacy: .public, endDate: nil).event)
        let left = try DomainEvent(type: "PartnerLeft", payload: object([("partup", .string("p1")), ("tribe", .string("t1")), ("member", .string("m2"))]))
        #expect(left == E.partnerLeft("p1", in: "t1", "m2", .left))
    }

    @Test func newerEventsWithExtraFieldsStillRead() throws {
        let joined = try DomainEvent(type: "PartnerJoined", payload: object([
            ("partup", .string("p1")), ("hoursPerWeek", .int(8)), ("tribe", .string("t1")), ("member", .string("m2")),
            ("via", .object([PayloadField(key: "channel", value: .string("matching"))])),
        ]))
        #expect(joined == E.joined("p1", in: "t1", "m2"))
    }

    @Test func unreadableEventsSayWhy() {
        #expect(throws: EventDecodingError("a PartnerJoined payload has no \"member\" field")) {
            try DomainEvent(type: "PartnerJoined", payload: self.object([("partup", .string("p1")), ("tribe", .string("t1"))]))
        }
        #expect(throws: EventDecodingError("the \"privacy\" field of a TribePrivacyChanged payload holds an unexpected value: int(3)")) {
            try DomainEvent(type: "TribePrivacyChanged", payload: self.object([("tribe", .string("t1")), ("privacy", .int(3))]))
        }
        #expect(throws: EventDecodingError("a MemberLeft payload is not an object")) {
            try DomainEvent(type: "MemberLeft", payload: .string("m1"))
        }
        #expect(throws: EventDecodingError.self) { try DomainEvent(type: "MemberTeleported", payload: .object([])) }
    }

    @Test func identifiersAreValidated() throws {
        for good in ["m1", "ada-lovelace_1815", "Émile", String(repeating: "x", count: 64)] {
            #expect(try MemberID(good).tag == "member:\(good)")
        }
        #expect(throws: DomainError.invalidInput("member id \"\" is not valid: it is empty; ids are 1–64 bytes without whitespace, control characters or ':'")) {
            try MemberID(String())  // a variable: `MemberID("")` would be a literal, which traps
        }
        #expect(throws: DomainError.invalidInput("tribe id \"a:b\" is not valid: it contains ':'; ids are 1–64 bytes without whitespace, control characters or ':'")) {
            try TribeID(String("a:b"))
        }
        for bad in ["a b", "a\tb", "a\u{7}", "a\u{200B}", "a\u{A0}b", String(repeating: "é", count: 33)] {
            #expect(throws: DomainError.self) { try PartupID(bad) }
        }
        let generated = PartupID.generate()
        #expect(try PartupID(generated.rawValue) == generated)
        #expect(generated.stream == "partup-\(generated.rawValue)")
    }
}
