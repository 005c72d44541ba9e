import EventLog
import ProjectionKit
import TribeDomain

@testable import TribeProjections

/// One history told with real commands (~35), shared by the feed and history tests:
///
/// Ann founds Designers (closed). Bob applies and is admitted; Cat is invited, applies and
/// is admitted; Dan applies and is turned down. Eve founds Makers (open), Bob joins it.
/// Bob launches "Logo" (wants design) in Designers, Cat joins it; Ann launches "Secret"
/// (partners only, wants swift); Eve launches "App" (wants swift) in Makers and Dan, who
/// is in no tribe of hers, partners it from outside. Ann removes Cat (ending her Logo
/// partnership) after changing the rules; Bob launches "API" (wants design and swift),
/// dissolves Logo, supports App, then leaves Makers, where Eve launches "Site" (wants
/// swift) afterwards. Designers becomes invite-only last.
struct TribeStory {
    static let ann: MemberID = "ann", bob: MemberID = "bob", cat: MemberID = "cat", dan: MemberID = "dan", eve: MemberID = "eve"
    static let designers: TribeID = "designers", makers: TribeID = "makers"
    static let logo: PartupID = "logo", secret: PartupID = "secret", app: PartupID = "app", api: PartupID = "api", site: PartupID = "site"

    let scenario: Scenario
    /// The position of each step, by a name used in the tests.
    private(set) var at: [String: Position] = [:]

    static func told(_ projections: [any Projection] = TribelogProjections.all()) async throws -> TribeStory {
        var story = TribeStory(scenario: try Scenario(projections))
        try await story.tell()
        return story
    }

    private mutating func step<C: Command>(_ name: String, _ command: C, as actor: MemberID) async throws {
        let outcome = try await scenario.run(command, as: actor)
        at[name] = outcome.positions.first
    }

    private mutating func tell() async throws {
        typealias S = TribeStory
        for (member, name, skills) in [(S.ann, "Ann", ["Design"]), (S.bob, "Bob", ["Swift"]), (S.cat, "Cat", ["swift", "design"]),
                                       (S.dan, "Dan", ["Marketing"]), (S.eve, "Eve", ["Swift"])] {
            try await step("register \(member)", RegisterMember(member: member, name: name), as: member)
            try await step("profile \(member)", UpdateProfile(skills: skills, regions: ["Utrecht"]), as: member)
        }
        try await step("designers created", CreateTribe(tribe: S.designers, name: "Designers", privacy: .closed, rules: "Be kind"), as: S.ann)
        try await step("bob applied", ApplyToTribe(tribe: S.designers, motivation: "I code"), as: S.bob)
        try await step("bob admitted", AdmitMember(tribe: S.designers, member: S.bob), as: S.ann)
        try await step("cat invited", InviteMember(tribe: S.designers, member: S.cat), as: S.ann)
        try await step("cat applied", ApplyToTribe(tribe: S.designers), as: S.cat)
        try await step("cat admitted", AdmitMember(tribe: S.designers, member: S.cat), as: S.ann)
        try await step("dan applied", ApplyToTribe(tribe: S.designers), as: S.dan)
        try await step("dan rejected", RejectApplication(tribe: S.designers, member: S.dan, reason: "not now"), as: S.ann)
        try await step("makers created", CreateTribe(tribe: S.makers, name: "Makers", privacy: .open), as: S.eve)
        try await step("bob joined makers", ApplyToTribe(tribe: S.makers), as: S.bob)
        try await step("logo launched", LaunchPartup(tribe: S.designers, partup: S.logo, title: "Logo", wantedSkills: ["design"]), as: S.bob)
        try await step("cat joined logo", JoinPartup(tribe: S.designers, partup: S.logo), as: S.cat)
        try await step("secret launched", LaunchPartup(tribe: S.designers, partup: S.secret, title: "Secret", wantedSkills: ["swift"],
                                                       privacy: .partnersOnly), as: S.ann)
        try await step("app launched", LaunchPartup(tribe: S.makers, partup: S.app, title: "App", wantedSkills: ["SWIFT"]), as: S.eve)
        try await step("dan joined app", JoinPartup(tribe: S.makers, partup: S.app), as: S.dan)
        try await step("rules changed", ChangeTribeRules(tribe: S.designers, rules: "Be kind and brief", onlyAdminsLaunch: false), as: S.ann)
        try await step("cat removed", RemoveMember(tribe: S.designers, member: S.cat, reason: "inactive"), as: S.ann)
        try await step("api launched", LaunchPartup(tribe: S.designers, partup: S.api, title: "API", wantedSkills: ["design", "swift"]), as: S.bob)
        try await step("logo dissolved", DissolvePartup(tribe: S.designers, partup: S.logo, outcome: .completed), as: S.bob)
        try await step("bob supports app", SupportPartup(tribe: S.makers, partup: S.app), as: S.bob)
        try await step("bob left makers", LeaveTribe(tribe: S.makers), as: S.bob)
        try await step("site launched", LaunchPartup(tribe: S.makers, partup: S.site, title: "Site", wantedSkills: ["swift"]), as: S.eve)
        try await step("designers private", ChangeTribePrivacy(tribe: S.designers, privacy: .invite), as: S.ann)
    }

    func position(_ step: String) -> Position { at[step]! }

    func read<T>(_ projection: String, _ body: (ModelReader) throws -> T) throws -> T {
        try scenario.host.read(projection, body)
    }
}

/// Every key and value of a model, space by space, for "rebuilt equals followed" checks;
/// fails when the spaces named do not cover the whole model.
func modelDump(_ model: ModelReader, spaces: [String]) throws -> [[UInt8]] {
    var dump: [[UInt8]] = []
    for space in spaces {
        try model.scan(prefix: ModelKey(space)) { key, value in
            dump.append(Array(key))
            dump.append(Array(value))
            return true
        }
    }
    guard dump.count / 2 == (try model.count()) else {
        throw ProjectionError("the model holds keys outside the spaces \(spaces): \(try model.count()) keys, \(dump.count / 2) dumped")
    }
    return dump
}
