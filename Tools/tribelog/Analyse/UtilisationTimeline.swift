import EventLog
import TribeDomain

/// Talent utilisation month by month: at the end of each month, the share of a tribe's
/// members who were partner in at least one of its active part-ups. Folded from the
/// events in log order, since a read model keeps only the present.
struct UtilisationTimeline {
    struct Month: Encodable {
        let month: String
        /// Over all tribes: member-tribe pairs with an active partnership / all pairs.
        let platform: Double
        let byTribe: [String: Double]
    }

    private var members: [TribeID: Set<MemberID>] = [:]
    /// Active part-ups each member is partner in, per tribe.
    private var partnerships: [TribeID: [MemberID: Int]] = [:]
    private var partners: [PartupID: (tribe: TribeID, members: Set<MemberID>)] = [:]
    private var currentMonth: (year: Int64, month: Int)?
    private(set) var months: [Month] = []

    mutating func add(_ recorded: RecordedEvent) throws {
        let month = Self.month(of: recorded.recordedAt)
        if let current = currentMonth, current != month { closeMonth(current) }
        currentMonth = month
        switch try DomainEvent(recorded: recorded) {
        case .tribeCreated(let e): members[e.tribe, default: []].insert(e.founder)
        case .memberAdmitted(let e): members[e.tribe, default: []].insert(e.member)
        case .memberLeft(let e): members[e.tribe]?.remove(e.member)
        case .memberRemoved(let e): members[e.tribe]?.remove(e.member)
        case .partupLaunched(let e):
            partners[e.partup] = (e.tribe, [e.launcher])
            partnerships[e.tribe, default: [:]][e.launcher, default: 0] += 1
        case .partnerJoined(let e):
            guard partners[e.partup]?.members.insert(e.member).inserted == true else { break }
            partnerships[e.tribe, default: [:]][e.member, default: 0] += 1
        case .partnerLeft(let e):
            guard partners[e.partup]?.members.remove(e.member) != nil else { break }
            partnerships[e.tribe]?[e.member]? -= 1
        case .partupDissolved(let e):
            for member in partners.removeValue(forKey: e.partup)?.members ?? [] { partnerships[e.tribe]?[member]? -= 1 }
        default: break
        }
    }

    /// Closes the last month.
    mutating func finish() {
        if let current = currentMonth { closeMonth(current) }
        currentMonth = nil
    }

    private mutating func closeMonth(_ month: (year: Int64, month: Int)) {
        var byTribe: [String: Double] = [:]
        var (busy, all) = (0, 0)
        for (tribe, people) in members where !people.isEmpty {
            let active = people.filter { (partnerships[tribe]?[$0] ?? 0) > 0 }.count
            byTribe[tribe.rawValue] = Double(active) / Double(people.count)
            busy += active
            all += people.count
        }
        let label = "\(month.year)-\(month.month < 10 ? "0" : "")\(month.month)"
        months.append(Month(month: label, platform: all == 0 ? 0 : Double(busy) / Double(all), byTribe: byTribe))
    }

    static func month(of time: Timestamp) -> (year: Int64, month: Int) {
        let perDay: Int64 = 86_400_000_000
        let days = time.microseconds >= 0 ? time.microseconds / perDay : -((-time.microseconds - 1) / perDay) - 1
        let (year, month, _) = CivilDate.from(daysSince1970: days)
        return (year, month)
    }
}

/// Calendar dates from day counts without Foundation's Calendar (Howard Hinnant's algorithm).
enum CivilDate {
    static func from(daysSince1970 days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
