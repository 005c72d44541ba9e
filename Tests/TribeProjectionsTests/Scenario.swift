import EventLog
import Foundation
import Logging
import ProjectionKit
import TribeDomain

/// A scratch log driven through the command service, with projections over it: the
/// domain's real deciders produce the events the read models are tested on.
final class Scenario {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tribelog-models-\(UUID().uuidString)")
    let store: EventStore
    let service: CommandService
    let views: ViewStore
    let host: ProjectionHost
    /// Commands run one simulated hour apart unless a time is given, so time-based models
    /// (weeks, lifetimes, recency) see a history rather than one instant.
    private(set) var clock = Timestamp(microseconds: 1_700_000_000_000_000)

    init(_ projections: [any Projection]) throws {
        var options = EventStoreOptions()
        options.durability = .noSync
        var logger = Logger(label: "scenario")
        logger.logLevel = .warning
        options.logger = logger
        store = try EventStore.open(directory: url, options: options)
        service = CommandService(store: store, logger: logger)
        views = try ViewStore.open(directory: store.viewsDirectory, logger: logger)
        host = try ProjectionHost(store: store, views: views, projections: projections, logger: logger)
        try host.rebuild(host.outdated)
    }

    deinit {
        store.close()
        try? FileManager.default.removeItem(at: url)
    }

    /// Runs `command` as `actor` and brings the read models up to date.
    @discardableResult
    func run<C: Command>(_ command: C, as actor: MemberID, at time: Timestamp? = nil) async throws -> CommandOutcome {
        if let time { clock = time } else { clock.microseconds += 3_600_000_000 }
        let outcome = try await service.execute(command, actor: actor, options: CommandOptions(time: clock))
        try host.catchUp()
        return outcome
    }

    /// Registers members with skills.
    func register(_ members: [MemberID], skills: [String] = []) async throws {
        for member in members {
            try await run(RegisterMember(member: member, name: "Member \(member)"), as: member)
            if !skills.isEmpty { try await run(UpdateProfile(skills: skills, regions: ["Utrecht"]), as: member) }
        }
    }

    /// The model rebuilt from the whole log must equal the followed one.
    func rebuildAndRead<T: Equatable>(_ projection: String, _ read: (ModelReader) throws -> T) throws -> (followed: T, rebuilt: T) {
        let followed = try host.read(projection, read)
        try host.rebuild([projection])
        return (followed, try host.read(projection, read))
    }
}
