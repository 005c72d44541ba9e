import EventLog
import Foundation
import Logging

/// What a demo run did.
public struct DemoReport: Sendable, Hashable {
    /// Commands sent through the deciders.
    public var commands = 0
    /// Commands the deciders refused, by command name: the plan is a wish list and the
    /// rules win (e.g. a partner who left the tribe just before joining its part-up).
    public var refused: [String: Int] = [:]
    /// Commands found already applied (the same demo run again into the same folder).
    public var alreadyApplied = 0
    /// Events appended, by type.
    public var events: [String: Int] = [:]
    public var seconds = 0.0

    public var eventCount: Int { events.values.reduce(0, +) }
    public var eventsPerSecond: Double { seconds > 0 ? Double(eventCount) / seconds : 0 }
}

/// Generates a realistic history through the command service (never by writing events
/// directly, so every event obeys the domain's rules). Commands get ids derived from the
/// seed and their place in the plan: the same seed gives the same events, and running the
/// same demo again into the same folder appends nothing.
public struct DemoGenerator: Sendable {
    public let size: DemoSize
    public let logger: Logger

    public init(size: DemoSize, logger: Logger) {
        self.size = size
        self.logger = logger
    }

    /// Runs the plan against `store`; `progress` gets (done, total) commands.
    public func run(into store: EventStore, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> DemoReport {
        guard size.members > 0, size.tribes > 0, size.partups >= 0 else {
            throw DomainError.invalidInput("a demo needs at least one member and one tribe (got \(size.members) members, \(size.tribes) tribes)")
        }
        var planner = DemoPlanner(size: size)
        let actions = planner.plan()
        let service = CommandService(store: store, logger: logger)
        var report = DemoReport()
        let started = ContinuousClock.now
        for (index, action) in actions.enumerated() {
            let options = CommandOptions(commandID: "demo-\(size.seed)-\(index)", time: Timestamp(microseconds: action.time))
            do {
                let outcome = try await service.execute(action.command, actor: action.actor, options: options)
                if outcome.alreadyApplied {
                    report.alreadyApplied += 1
                } else {
                    for event in outcome.events { report.events[event.typeName, default: 0] += 1 }
                }
            } catch let refusal as DomainError {
                report.refused[type(of: action.command).name, default: 0] += 1
                logger.debug("demo command refused", metadata: ["command": "\(type(of: action.command).name)", "reason": "\(refusal)"])
            }
            report.commands += 1
            if index % 256 == 0 || index == actions.count - 1 { progress?(index + 1, actions.count) }
        }
        let elapsed = ContinuousClock.now - started
        report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return report
    }
}
