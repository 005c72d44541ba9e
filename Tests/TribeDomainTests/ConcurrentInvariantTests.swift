import EventLog
import PropertyBased
import Synchronization
import Testing
import TribeDomain

/// Random commands from many actors at once against one real store, then the whole log
/// replayed by `LogAuditor`: every invariant must hold however the commands interleaved.
@Suite struct ConcurrentInvariantTests {
    struct Tally: Sendable {
        var applied = 0, refused = 0, contended = 0, retried = 0
        var types: [String: Int] = [:]

        mutating func add(_ other: Tally) {
            (applied, refused, contended, retried) = (applied + other.applied, refused + other.refused, contended + other.contended, retried + other.retried)
            types.merge(other.types, uniquingKeysWith: +)
        }
    }

    /// Runs `plan` in `lanes` concurrent tasks (step i goes to lane i % lanes).
    static func run(_ plan: [RandomCommands.Step], lanes: Int, on service: CommandService) async throws -> Tally {
        try await withThrowingTaskGroup(of: Tally.self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var tally = Tally()
                    for step in stride(from: lane, to: plan.count, by: lanes).map({ plan[$0] }) {
                        do {
                            let outcome = try await service.execute(step.command, actor: step.actor)
                            tally.applied += 1
                            if outcome.attempts > 1 { tally.retried += 1 }
                        } catch is DomainError {
                            tally.refused += 1
                        } catch is CommandContention {
                            tally.contended += 1
                        }
                    }
                    return tally
                }
            }
            return try await group.reduce(into: Tally()) { total, lane in
                total.add(lane)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func invariantsHoldUnderConcurrentRandomCommands() async throws {
        let totals = Mutex(Tally())
        await propertyCheck(count: 30, input: RandomCommands.plans(steps: 200)) { plan in
            try await Stores.withService { service in
                var tally = try await Self.run(plan.setup, lanes: 1, on: service)
                let concurrent = try await Self.run(plan.steps, lanes: 12, on: service)
                tally.add(concurrent)
                let log = try service.log.domainEvents()
                let violations = LogAuditor.audit(log)
                #expect(violations.isEmpty, "\(violations.prefix(10).joined(separator: "\n"))")
                for (_, event) in log { tally.types[event.typeName, default: 0] += 1 }
                totals.withLock { total in
                    total.add(tally)
                }
            }
        }
        // The runs must have reached the interesting states, or the audit proved little.
        let total = totals.withLock { $0 }
        for type in ["MemberAdmitted", "MemberRemoved", "MemberLeft", "PartnerJoined", "PartnerLeft", "PartupDissolved", "RoleGranted"] {
            #expect(total.types[type, default: 0] > 0, "no \(type) in any run")
        }
        #expect(total.applied > 300 && total.contended < total.applied / 10, "applied \(total.applied), contended \(total.contended)")
        #expect(total.retried > 0, "no command ever had to decide again: the lanes did not overlap")
    }
}
