import EventLog

/// How big a demo history is, and the seed that makes it the same every time.
public struct DemoSize: Sendable, Hashable {
    public var tribes: Int
    public var members: Int
    public var partups: Int
    public var seed: UInt64

    /// The size of the platform Tribelog follows: 200 tribes, 5000 members, 2000 part-ups.
    public init(tribes: Int = 200, members: Int = 5_000, partups: Int = 2_000, seed: UInt64 = 1) {
        self.tribes = tribes
        self.members = members
        self.partups = partups
        self.seed = seed
    }
}

/// One command of the demo history, at its moment, by its actor.
struct DemoAction {
    let time: Int64
    let actor: MemberID
    let command: any Command
}

/// Plans a three-year history: members register, found and join tribes (by the rules of
/// each tribe's privacy, with some rejections), launch part-ups that recruit partners with
/// matching skills, and dissolve most of them after weeks to months; a few leave or are
/// removed. Everything follows from the seed. The plan is only a wish list: the runner
/// sends each action through the deciders, which refuse what the rules forbid.
struct DemoPlanner {
    static let start: Int64 = 1_672_617_600_000_000  // 2023-01-02T00:00:00Z
    static let span: Int64 = 3 * 365 * day
    static let day: Int64 = 86_400_000_000
    static let hour: Int64 = 3_600_000_000

    struct PlannedMember {
        let id: MemberID
        let registered: Int64
        let themes: [Int]
        let skills: [String]
    }

    struct Membership {
        let member: Int
        let admitted: Int64
        var leaves: Int64?
        var isAdmin = false

        func isIn(at time: Int64) -> Bool { admitted < time && (leaves.map { time < $0 } ?? true) }
    }

    struct PlannedTribe {
        let id: TribeID
        let created: Int64
        let founder: Int
        let theme: Int
        let privacy: TribePrivacy
        let onlyAdminsLaunch: Bool
        var memberships: [Membership] = []
    }

    let size: DemoSize
    var random: SplitMix64
    var members: [PlannedMember] = []
    var tribes: [PlannedTribe] = []
    private(set) var actions: [DemoAction] = []

    init(size: DemoSize) {
        self.size = size
        random = SplitMix64(seed: size.seed)
    }

    /// The whole history in time order (ties keep the order they were planned in).
    mutating func plan() -> [DemoAction] {
        planMembers()
        planTribes()
        planMemberships()
        planPartups()
        return actions.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    mutating func add(_ time: Int64, _ actor: MemberID, _ command: any Command) {
        actions.append(DemoAction(time: time, actor: actor, command: command))
    }

    /// `m-00042`-style ids: readable, sorted like their numbers, valid by construction.
    static func id<Kind>(_ prefix: String, _ number: Int, digits: Int) -> Identifier<Kind> {
        let text = String(number)
        do {
            return try Identifier("\(prefix)-\(String(repeating: "0", count: max(0, digits - text.count)))\(text)")
        } catch {
            preconditionFailure("demo ids are valid by construction: \(error)")
        }
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func time(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &random) }
    mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// Picks an index by weight.
    mutating func weighted(_ weights: [Int]) -> Int {
        var roll = int(1...weights.reduce(0, +))
        for (index, weight) in weights.enumerated() {
            roll -= weight
            if roll <= 0 { return index }
        }
        return weights.count - 1
    }

    private mutating func planMembers() {
        let registrations = (0..<size.members).map { _ in Self.start + time(0...(Self.span * 7 / 10)) }.sorted()
        for (index, registered) in registrations.enumerated() {
            let id: MemberID = Self.id("m", index + 1, digits: 5)
            let themes = chance(60) ? [int(0...9)] : [int(0...9), int(0...9)]
            let themeSkills = themes.flatMap { DemoVocabulary.themes[$0].skills }
            var skills: [String] = []
            for _ in 0..<int(2...5) {
                let skill = pick(themeSkills)
                if !skills.contains(skill) { skills.append(skill) }
            }
            let name = "\(pick(DemoVocabulary.firstNames)) \(pick(DemoVocabulary.lastNames))"
            members.append(PlannedMember(id: id, registered: registered, themes: themes, skills: skills))
            add(registered, id, RegisterMember(member: id, name: name))
            add(registered + 10 * 60_000_000, id, UpdateProfile(skills: skills, regions: [pick(DemoVocabulary.cities)]))
        }
    }

    private mutating func planTribes() {
        for index in 0..<size.tribes {
            var created = Self.start + time((Self.span / 50)...(Self.span * 3 / 4))
            // The founder registered before founding; the log's first members found early tribes.
            let registeredBefore = members.prefix { $0.registered < created - Self.day }.count
            let founder = registeredBefore > 0 ? int(0...(registeredBefore - 1)) : 0
            created = max(created, members[founder].registered + Self.day)
            let theme = members[founder].themes[0]
            let privacy: TribePrivacy = [.open, .invite, .closed][weighted([50, 30, 20])]
            let name = "\(pick(DemoVocabulary.cities)) \(DemoVocabulary.themes[theme].name) \(pick(DemoVocabulary.tribeNouns))"
            var tribe = PlannedTribe(id: Self.id("t", index + 1, digits: 4), created: created, founder: founder, theme: theme,
                                     privacy: privacy, onlyAdminsLaunch: chance(25))
            tribe.memberships.append(Membership(member: founder, admitted: created, isAdmin: true))
            tribes.append(tribe)
            add(created, members[founder].id, CreateTribe(tribe: tribe.id, name: name, privacy: privacy,
                                                          rules: pick(DemoVocabulary.rules), onlyAdminsLaunch: tribe.onlyAdminsLaunch))
        }
    }
}
