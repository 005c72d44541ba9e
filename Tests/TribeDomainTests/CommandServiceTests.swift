import Dispatch
import EventLog
import Foundation
import Synchronization
import Testing
import TribeDomain

/// Runs the jobs of tasks that prefer it on a thread of its own. A gated command blocks
/// its thread while it waits; on the shared cooperative pool (one thread per core) a few
/// of those would starve everything else.
final class DedicatedThreadExecutor: TaskExecutor {
    private let jobs = Mutex<[UnownedJob]>([])
    private let available = DispatchSemaphore(value: 0)

    init() {
        Thread.detachNewThread { [self] in
            while true {
                available.wait()
                guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { return }  // woken empty: stop
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        available.signal()
    }

    /// Ends the thread once the queued jobs have run.
    func stop() { available.signal() }
}

/// Holds a command's first decision until the test has appended something in between,
/// so that its append meets a conflict deterministically.
final class DecisionGate: Sendable {
    private let decided = DispatchSemaphore(value: 0)
    private let proceed = DispatchSemaphore(value: 0)
    private let calls = Mutex(0)

    /// Called from `decide`: the first call waits (at most 10 s) until `open()`.
    func pass() {
        guard calls.withLock({ count -> Bool in count += 1; return count == 1 }) else { return }
        decided.signal()
        _ = proceed.wait(timeout: .now() + 10)
    }

    var decisions: Int { calls.withLock { $0 } }

    /// Waits until the gated command has made its first decision.
    func waitForFirstDecision() async throws {
        while decided.wait(timeout: .now()) != .success { try await Task.sleep(for: .milliseconds(1)) }
    }

    func open() { proceed.signal() }
}

/// Executes `command` behind a gate, on a thread of its own.
func gatedExecution<C: Command>(_ command: C, actor: MemberID, gate: DecisionGate,
                                on service: CommandService) -> Task<CommandOutcome, any Error> {
    let executor = DedicatedThreadExecutor()
    return Task(executorPreference: executor) {
        defer { executor.stop() }
        return try await service.execute(Gated(inner: command, gate: gate), actor: actor)
    }
}

struct Gated<Inner: Command>: Command {
    let inner: Inner
    let gate: DecisionGate

    func facts(actor: MemberID) -> [Fact] { inner.facts(actor: actor) }
    func stream(actor: MemberID) -> String { inner.stream(actor: actor) }

    func decide(_ state: DecisionState, actor: MemberID) throws(DomainError) -> [DomainEvent] {
        let events = try inner.decide(state, actor: actor)
        gate.pass()
        return events
    }
}

@Suite struct CommandServiceTests {
    /// m1 founded open tribe t1 and launched p1; m2 is a member of t1.
    static func setUp(_ service: CommandService) async throws {
        for member: MemberID in ["m1", "m2", "m3"] { _ = try await service.execute(RegisterMember(member: member, name: "\(member)"), actor: member) }
        _ = try await service.execute(CreateTribe(tribe: "t1", name: "Makers", privacy: .open), actor: "m1")
        _ = try await service.execute(ApplyToTribe(tribe: "t1"), actor: "m2")
        _ = try await service.execute(LaunchPartup(tribe: "t1", partup: "p1", title: "Café"), actor: "m1")
    }

    @Test func appendsTheDecisionWithTagsStreamAndMetadata() async throws {
        try await Stores.withService { service in
            try await Self.setUp(service)
            let time = Timestamp(microseconds: 1_262_304_000_000_000)  // 2010
            let options = CommandOptions(correlationID: "session-7", causationID: "click-3", time: time)
            let outcome = try await service.execute(JoinPartup(tribe: "t1", partup: "p1"), actor: "m2", options: options)
            #expect(outcome.events == [Events.joined("p1", in: "t1", "m2")])
            #expect(outcome.attempts == 1 && !outcome.alreadyApplied)
            let position = try #require(outcome.lastPosition)
            let recorded = try #require(try service.log.read(from: position, limit: 1).first)
            #expect(recorded.type == "PartnerJoined" && recorded.stream == "partup-p1")
            #expect(recorded.tags == ["tribe:t1", "partup:p1", "member:m2"])
            #expect(recorded.metadata == EventMetadata(actor: "m2", correlationID: "session-7", causationID: "click-3"))
            #expect(recorded.recordedAt == time)
            #expect(try DomainEvent(recorded: recorded) == outcome.events[0])
        }
    }

    @Test func aRefusedCommandAppendsNothing() async throws {
        try await Stores.withService { service in
            try await Self.setUp(service)
            let head = service.log.head
            await #expect(throws: DomainError.forbidden("member m2 is not an admin of tribe t1: only admins may remove members; ask an admin of the tribe")) {
                try await service.execute(RemoveMember(tribe: "t1", member: "m1"), actor: "m2")
            }
            #expect(service.log.head == head)
        }
    }

    @Test func aCommandIDMakesRetriesIdempotent() async throws {
        try await Stores.withService { service in
            try await Self.setUp(service)
            let options = CommandOptions(commandID: "leave-42")
            let first = try await service.execute(LeaveTribe(tribe: "t1"), actor: "m2", options: options)
            let head = service.log.head
            // Deciding again would be refused (m2 is no longer a member): the first answer comes back instead.
            let again = try await service.execute(LeaveTribe(tribe: "t1"), actor: "m2", options: options)
            #expect(again.alreadyApplied && again.positions == first.positions && again.eventIDs == first.eventIDs)
            #expect(again.events == first.events)
            #expect(service.log.head == head)
            // The ids are derived from the command id, so they are known before appending.
            let other = try await service.execute(UpdateProfile(skills: ["x"], regions: []), actor: "m2", options: CommandOptions(commandID: "leave-43"))
            #expect(Set(other.eventIDs).isDisjoint(with: first.eventIDs))
            #expect(first.eventIDs.allSatisfy { $0.uuidString.dropFirst(14).first == "8" })
        }
    }

    @Test func aConflictingAppendIsDecidedAgain() async throws {
        try await Stores.withService { service in
            try await Self.setUp(service)
            // The remove reads m2 with no partnerships; m2 joins p1 before the remove appends.
            let gate = DecisionGate()
            let removal = gatedExecution(RemoveMember(tribe: "t1", member: "m2"), actor: "m1", gate: gate, on: service)
            try await gate.waitForFirstDecision()
            _ = try await service.execute(JoinPartup(tribe: "t1", partup: "p1"), actor: "m2")
            gate.open()
            let outcome = try await removal.value
            #expect(outcome.attempts == 2 && gate.decisions == 2)
            #expect(outcome.events == [Events.removed("t1", "m2", by: "m1"), Events.partnerLeft("p1", in: "t1", "m2", .removedFromTribe)])
        }
    }

    @Test func aJoinOvertakenByARemovalIsRefused() async throws {
        try await Stores.withService { service in
            try await Self.setUp(service)
            let gate = DecisionGate()
            let join = gatedExecution(JoinPartup(tribe: "t1", partup: "p1"), actor: "m2", gate: gate, on: service)
            try await gate.waitForFirstDecision()
            _ = try await service.execute(RemoveMember(tribe: "t1", member: "m2"), actor: "m1")
            gate.open()
            await #expect(throws: DomainError.forbidden("member m2 was removed from tribe t1: an admin must invite them again before they can take part")) {
                try await join.value
            }
            #expect(LogAuditor.audit(try service.log.domainEvents()).isEmpty)
        }
    }

    @Test func retriesAreBounded() async throws {
        try await Stores.withService(maxAttempts: 1) { service in
            try await Self.setUp(service)
            let gate = DecisionGate()
            let update = gatedExecution(UpdatePartup(tribe: "t1", partup: "p1", title: "A"), actor: "m1", gate: gate, on: service)
            try await gate.waitForFirstDecision()
            _ = try await service.execute(UpdatePartup(tribe: "t1", partup: "p1", title: "B"), actor: "m1")
            let head = service.log.head
            gate.open()
            do {
                _ = try await update.value
                Issue.record("the update went through despite the conflict")
            } catch let contention as CommandContention {
                #expect(contention.attempts == 1)
                #expect(contention.description.hasPrefix("Gated<UpdatePartup> was not applied: its only attempt conflicted with concurrent changes (last: an event matching"))
            }
            #expect(service.log.head == head)
        }
    }
}
