import EventLog
import Foundation

/// Draws for the event mix, on the log's seeded generator: every bench run stores the
/// same events.
extension SplitMix64 {
    /// 0..<bound; the modulo bias is irrelevant at these bounds.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// Skewed towards 0 (a few members and tribes do most of the work, as on the platform
    /// this follows), while every index stays possible.
    mutating func skewed(_ bound: Int) -> Int {
        let u = Double(next() >> 11) / Double(1 << 53)
        return min(bound - 1, Int(u * u * Double(bound)))
    }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// `count` different skills: a stride coprime with the list's length never repeats one.
    mutating func skills(_ count: Int) -> [String] {
        let start = below(Words.skills.count)
        return (0..<min(count, Words.skills.count)).map { Words.skills[(start + $0 * 7) % Words.skills.count] }
    }

    mutating func uuid() -> UUID {
        var bytes = (next(), next())
        return withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = raw[6] & 0x0F | 0x40  // version 4
            raw[8] = raw[8] & 0x3F | 0x80  // RFC 4122 variant
            return UUID(uuid: raw.load(as: uuid_t.self))
        }
    }

    /// A version 7 id (RFC 9562) shaped like `UUID.v7`, the log's default: the event's time
    /// in milliseconds, then seeded random bits. Real ids are time-ordered, so the index's
    /// `ids` tree grows at its end; random v4 ids here would make the bench measure a log
    /// no client writes. Two draws, like `uuid()`, so the rest of the mix stays the same.
    mutating func uuidV7(atMicroseconds time: Int64) -> UUID {
        let (a, b) = (next(), next())
        let milliseconds = UInt64(max(time / 1000, 0)) & 0xFFFF_FFFF_FFFF
        let halves = ((milliseconds << 16 | 0x7000 | a & 0x0FFF).bigEndian,
                      (b & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000).bigEndian)
        return withUnsafeBytes(of: halves) { UUID(uuid: $0.load(as: uuid_t.self)) }
    }

    /// A 17-character id in the alphabet Meteor uses, like the platform's own ids.
    mutating func entityID() -> String {
        let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz")
        return String((0..<17).map { _ in alphabet[below(alphabet.count)] })
    }
}

/// One generated event and the stream it naturally belongs to.
struct MixedEvent: Sendable {
    let stream: String
    let event: NewEvent
}

/// A deterministic stream of events shaped like the domain's: members registering and
/// joining tribes, part-ups launched, joined and dissolved, over a fixed population
/// (200 tribes, 5000 members, 2000 part-ups as on the platform this follows). Payloads are
/// PayloadValue objects of 200–400 encoded bytes made of names, skills, titles, goals and
/// dates, so compression and the index see realistic text and tag distributions.
struct EventMix {
    private var rng: SplitMix64
    private let tribes: [Tribe]
    private let members: [Member]
    private let partups: [Partup]
    private var clock: Int64 = 1_704_067_200_000_000  // 2024-01-01T00:00:00Z in microseconds
    private var previousID: UUID?

    private struct Tribe { let id: String; let name: String }
    private struct Member { let id: String; let name: String; let skills: [String]; let region: String }
    private struct Partup { let id: String; let tribe: Int; let title: String }

    /// Event types with their weight per 1000 events: activity dominates, creation is rare.
    private static let weights: [(String, Int)] = [
        ("MemberRegistered", 30), ("MemberProfileUpdated", 70), ("TribeCreated", 3), ("TribeRulesChanged", 7),
        ("MemberApplied", 120), ("MemberInvited", 50), ("MemberAdmitted", 120), ("MemberRejected", 20),
        ("MemberLeft", 30), ("RoleGranted", 10), ("PartupLaunched", 25), ("PartupUpdated", 80),
        ("PartnerJoined", 250), ("PartnerLeft", 50), ("SupporterJoined", 120), ("PartupDissolved", 15),
    ]

    init(seed: UInt64, tribes tribeCount: Int = 200, members memberCount: Int = 5_000, partups partupCount: Int = 2_000) {
        // The population comes from its own generator so that every seed shares it.
        var population = SplitMix64(seed: 0x7472_6962_656C_6F67)
        tribes = (0..<tribeCount).map { _ in
            Tribe(id: population.entityID(), name: "\(population.pick(Words.adjectives)) \(population.pick(Words.nouns))")
        }
        members = (0..<memberCount).map { _ in
            Member(id: population.entityID(), name: "\(population.pick(Words.firstNames)) \(population.pick(Words.lastNames))",
                   skills: population.skills(2 + population.below(5)), region: population.pick(Words.regions))
        }
        partups = (0..<partupCount).map { _ in
            Partup(id: population.entityID(), tribe: population.below(tribeCount),
                   title: "\(population.pick(Words.verbs)) \(population.pick(Words.adjectives).lowercased()) \(population.pick(Words.nouns).lowercased())")
        }
        rng = SplitMix64(seed: seed)
    }

    mutating func next() -> MixedEvent {
        var roll = rng.below(Self.weights.reduce(0) { $0 + $1.1 })
        let type = Self.weights.first { roll -= $0.1; return roll < 0 }!.0
        let member = members[rng.skewed(members.count)]
        let partup = partups[rng.skewed(partups.count)]
        // Part-up events happen in the part-up's tribe; membership events in any tribe.
        let tribe = type.hasPrefix("Partup") || type.hasPrefix("Partner") || type.hasPrefix("Supporter")
            ? tribes[partup.tribe] : tribes[rng.skewed(tribes.count)]
        let other = members[rng.below(members.count)]
        clock += Int64(rng.below(90_000_000))  // up to 90 s between events

        var fields: [PayloadField] = []
        func add(_ key: String, _ value: PayloadValue) { fields.append(PayloadField(key: key, value: value)) }
        func strings(_ base: [String]) -> PayloadValue { .array(base.map { .string($0) }) }
        let stream: String
        var tags: [String]
        let textKey: String
        switch type {
        case "MemberRegistered", "MemberProfileUpdated":
            stream = "member-\(member.id)"
            tags = ["member:\(member.id)"]
            add("name", .string(member.name))
            add("skills", strings(member.skills))
            add("regions", .array([.string(member.region), .string(rng.pick(Words.regions))]))
            add("available", .bool(rng.below(3) > 0))
            textKey = "bio"
        case "TribeCreated", "TribeRulesChanged":
            stream = "tribe-\(tribe.id)"
            tags = ["tribe:\(tribe.id)", "member:\(member.id)"]
            add("name", .string(tribe.name))
            add("privacy", .string(rng.pick(["open", "invite", "closed"])))
            add("rules", .object([
                PayloadField(key: "admission", value: .string(rng.pick(["anyone", "invited", "admin decision"]))),
                PayloadField(key: "launch", value: .string(rng.pick(["members", "admins"]))),
            ]))
            textKey = "description"
        case "PartupLaunched", "PartupUpdated", "PartupDissolved":
            stream = "partup-\(partup.id)"
            tags = ["tribe:\(tribe.id)", "partup:\(partup.id)", "member:\(member.id)"]
            add("title", .string(partup.title))
            if type == "PartupDissolved" {
                add("outcome", .string(rng.pick(["completed", "abandoned", "merged"])))
                add("partners", .int(Int64(1 + rng.below(12))))
            } else {
                add("wantedSkills", strings(rng.skills(1 + rng.below(4))))
                add("privacy", .string(rng.pick(["public", "tribe", "private"])))
                add("endDate", .string(date(daysAhead: 14 + rng.below(180))))
                add("budget", .int(Int64(rng.below(200) * 50)))
            }
            textKey = type == "PartupDissolved" ? "summary" : "goal"
        case "PartnerJoined", "PartnerLeft", "SupporterJoined":
            stream = "partup-\(partup.id)"
            tags = ["tribe:\(tribe.id)", "partup:\(partup.id)", "member:\(member.id)"]
            add("name", .string(member.name))
            add("role", .string(type == "SupporterJoined" ? "supporter" : rng.pick(["partner", "lead", "reviewer"])))
            add("skills", strings(Array(member.skills.prefix(3))))
            add("hoursPerWeek", .int(Int64(2 + rng.below(30))))
            textKey = type == "PartnerLeft" ? "reason" : "contribution"
        default:  // membership: applied, invited, admitted, rejected, left, role granted
            stream = "tribe-\(tribe.id)"
            tags = ["tribe:\(tribe.id)", "member:\(member.id)"]
            add("name", .string(member.name))
            add("decidedBy", .string(other.id))
            add("role", .string(type == "RoleGranted" ? "admin" : "member"))
            add("date", .string(date(daysAhead: 0)))
            textKey = type == "MemberApplied" ? "motivation" : "message"
        }
        if type == "MemberInvited" && other.id != member.id { tags.append("member:\(other.id)") }
        add(textKey, .string(text(filling: fields, key: textKey)))

        let id = rng.uuidV7(atMicroseconds: clock)
        let correlation = rng.uuid().uuidString.lowercased()
        // Most events answer a command; some are a policy's reaction to the previous event.
        let causation = rng.below(5) == 0 ? (previousID?.uuidString.lowercased() ?? correlation) : correlation
        previousID = id
        let event = NewEvent(id: id, type: type, tags: tags, payload: PayloadValue.object(fields).encoded,
                             metadata: EventMetadata(actor: "member:\(member.id)", correlationID: correlation, causationID: causation),
                             recordedAt: Timestamp(microseconds: clock))
        return MixedEvent(stream: stream, event: event)
    }

    /// Words until the whole payload reaches a size drawn from 200...400 encoded bytes.
    private mutating func text(filling fields: [PayloadField], key: String) -> String {
        let target = 200 + rng.below(201)
        // What the text field adds besides its bytes: key length, key, string tag, length.
        let fixed = PayloadValue.object(fields).encoded.count + 1 + key.utf8.count + 1
        func size(_ text: String) -> Int { fixed + (text.utf8.count < 128 ? 1 : 2) + text.utf8.count }
        var text = rng.pick(Words.openers)
        while size(text) < target {
            let word = rng.pick(Words.text)
            // The last word may overshoot the target, never the 400-byte bound.
            guard size(text) + 1 + word.utf8.count <= 400 else { break }
            text += " " + word
        }
        return text
    }

    /// A date in or a little after the event's year; day 28 at most, so every one is valid.
    private mutating func date(daysAhead: Int) -> String {
        let year = 2024 + Int(clock / 31_557_600_000_000 - 54) + (daysAhead + rng.below(60)) / 365
        return String(format: "%04d-%02d-%02d", year, 1 + rng.below(12), 1 + rng.below(28))
    }
}
