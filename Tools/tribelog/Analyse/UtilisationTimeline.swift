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
        let (year, month, _) = CivilDate.from(daysSince1970: CivilDate.day(of: time))
        return (year, month)
    }
}
