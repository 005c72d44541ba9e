import ArgumentParser
import EventLog
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TribeDomain
import TribelogServer

/// `tribelog crash-test`: serve, load, kill -9, restart, N times; then check that no
/// acknowledged command was lost, the log verifies and every read model equals a rebuild.
struct CrashTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-test",
        abstract: "Kill a loaded server with SIGKILL round after round, then check nothing acknowledged was lost (Tools/crashtest).",
        discussion: """
            Seeds DIR with a small demo history, then each round starts `tribelog serve` on it \
            (this executable, port 0 of 127.0.0.1), drives --clients concurrent clients over HTTP \
            and kills the server with SIGKILL after a random delay. A command left without an \
            answer is sent again in the next round with the same Idempotency-Key. At the end the \
            server runs once more until its read models caught up, and is stopped with SIGTERM. \
            Passes (exit 0) when every 2xx answer is in the log at the positions it named, verify \
            passes and every read model equals a rebuild. Acknowledgements are kept in \
            DIR-acks.ndjson, the server's log in DIR-serve.log.
            """,
        shouldDisplay: false)

    @Option(help: "The data folder (a fresh one: the test writes into it).") var data: String
    @Option(help: "Rounds of load and kill.") var rounds = 20
    @Option(help: "Concurrent HTTP clients.") var clients = 16
    @Option(help: "Seed of the kill delays (default: random, printed with --json).") var seed: UInt64?
    @Option(help: "Longest load before a kill, in seconds (each delay is random between 0.05 and this).") var maxDelay = 2.0
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard (1...200).contains(clients) else { throw ValidationError("--clients must be 1–200") }
        guard maxDelay >= 0.05 else { throw ValidationError("--max-delay must be at least 0.05 s") }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let seed = self.seed ?? UInt64.random(in: 1...UInt64(Int64.max))
        var random = SplitMix64(seed: seed)
        let members = try await seedHistory()
        let secret = try JWTSecret.load(data: URL(fileURLWithPath: data))
        let authority = await TokenAuthority(secret: secret)
        var tokens: [String] = []
        for member in members { tokens.append(try await authority.issue(member: try MemberID(member), lifetime: 24 * 3600)) }
        let ledger = try CrashLedger(path: data + "-acks.ndjson")
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = clients * 2
        let session = URLSession(configuration: configuration)
        defer { session.invalidateAndCancel() }

        let run = String(UInt64.random(in: 0..<(1 << 40)), radix: 36)
        var scripts = (0..<clients).map { ClientScript(client: $0, run: run) }
        let progress = Progress("crash rounds")
        for round in 1...rounds {
            let server = try await ServeChild.start(data: URL(fileURLWithPath: data), logFile: URL(fileURLWithPath: data + "-serve.log"))
            let delay = Double.random(in: 0.05...maxDelay, using: &random)
            let crashRound = CrashRound(number: round, server: server, session: session, members: members, tokens: tokens, ledger: ledger)
            scripts = await crashRound.run(scripts, killAfter: .milliseconds(Int(delay * 1000)))
            progress.update(UInt64(round), of: UInt64(rounds))
        }
        progress.finish()

        let final = try await finalRun(session: session)
        let counts = ledger.snapshot
        let lost = try AcknowledgementCheck.lost(counts.acknowledged, data: data)
        let (report, models) = try VerifyCommand.check(data: data, readModels: true)
        let result = CrashTestResult(
            rounds: rounds, clients: clients, seed: seed, counts: counts, lost: lost, verifyProblems: report.problems,
            verifyIntact: report.isIntact, modelProblems: models, events: report.events, finalExit: final,
            seconds: (ContinuousClock.now - started).seconds)
        print(json ? try result.json() : result.line)
        if !json { for line in result.details { FileHandle.standardError.write(Data((line + "\n").utf8)) } }
        if !result.passed { throw ExitCode(1) }
    }

    /// A small demo history, so the read models hold more than the test's own commands;
    /// the members the clients act as (three each) are among its members.
    private func seedHistory() async throws -> [String] {
        var options = EventStoreOptions()
        options.durability = .noSync
        options.logger = ReadModels.logger(label: "tribelog.crash-test")
        let store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        defer { store.close() }
        let size = DemoSize(tribes: 10, members: max(300, clients * 3), partups: 60, seed: 1)
        _ = try await DemoGenerator(size: size, logger: options.logger).run(into: store)
        return (1...clients * 3).map { String(format: "m-%05d", $0) }
    }

    /// The server once more, without a kill: its read models catch up with what the
    /// crashes left, then SIGTERM. Its exit status (nil: it did not stop, or never caught up).
    private func finalRun(session: URLSession) async throws -> Int32? {
        let server = try await ServeChild.start(data: URL(fileURLWithPath: data), logFile: URL(fileURLWithPath: data + "-serve.log"))
        guard try await server.waitUntilModelsCaughtUp(timeout: 120, session: session) else {
            await server.crash()
            return nil
        }
        return try await server.stop()
    }
}

private extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
