import ArgumentParser
import EventLog
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TribeDomain
import TribelogServer
import TribelogSupport

/// `tribelog soak`: a server under mixed load for a while (commands, reads, event streams
/// that come and go, slow readers), then SIGTERM, which must stop it within 10 s.
struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Load a server with commands, reads and event streams for a while, then check it stops on SIGTERM (Tools/soak).",
        discussion: """
            Seeds DIR with a small demo history and starts `tribelog serve` on it (this \
            executable, port 0 of 127.0.0.1). For --seconds, --writers clients send commands \
            (found a tribe, join it, launch a part-up, join it; each with an Idempotency-Key), \
            --readers clients GET mixed read routes (health, a tribe's feed, dashboard and \
            members, the member's dashboard, feed and matches; half with ?after= a position a \
            writer was answered with), and --subscribers clients open tribes' event streams, \
            read and leave, again and again; every third one is slow (one line, a pause, a \
            line…); --stalled-readers clients open a hot tribe's stream and stop reading after \
            its first line, still connected at SIGTERM. A thread of its own probes GET /health every 200 ms. Then SIGTERM, with \
            the load still running. Passes (exit 0) when the server exited 0 within 10 s, no \
            answer was a 5xx other than 503 with Retry-After, no request went unanswered, no \
            /health probe took over 1 s, and `verify --read-models` passes. When the server \
            does not answer /health for 5 s, or does not stop, its threads' stacks (gdb) are \
            printed and kept in DIR-stacks.txt; its log is DIR-serve.log.
            """,
        shouldDisplay: false)

    @Option(help: "The data folder (a fresh one: the soak writes into it).") var data: String
    @Option(help: "How long the load runs, in seconds.") var seconds = 60
    @Option(help: "Clients sending commands.") var writers = 4
    @Option(help: "Clients sending reads.") var readers = 4
    @Option(help: "Clients subscribing to event streams (every third one slow).") var subscribers = 6
    @Option(help: "Clients that open a hot tribe's event stream, read one line and then nothing, still connected at SIGTERM.")
    var stalledReaders = 0
    @Flag(help: "Print the result as JSON.") var json = false

    /// SIGTERM must stop the server within this.
    static let stopLimit = 10.0
    /// A /health probe waiting this long means the server hangs: its stacks are taken then.
    static let hangAfter = Duration.seconds(5)

    func validate() throws {
        guard (1...86_400).contains(seconds) else { throw ValidationError("--seconds must be 1–86400") }
        guard (1...64).contains(writers) else { throw ValidationError("--writers must be 1–64") }
        guard (0...64).contains(readers) else { throw ValidationError("--readers must be 0–64") }
        guard (0...64).contains(subscribers) else { throw ValidationError("--subscribers must be 0–64") }
        guard (0...16).contains(stalledReaders) else { throw ValidationError("--stalled-readers must be 0–16") }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let members = try await seedHistory()
        let secret = try JWTSecret.load(data: URL(fileURLWithPath: data))
        let authority = await TokenAuthority(secret: secret)
        var tokens: [String] = []
        for member in members { tokens.append(try await authority.issue(member: try MemberID(member), lifetime: 24 * 3600)) }

        let server = try await ServeChild.start(data: URL(fileURLWithPath: data), logFile: URL(fileURLWithPath: data + "-serve.log"))
        guard let port = server.base.split(separator: ":").last.flatMap({ Int($0) }) else {
            await server.crash()
            throw CLIError("tribelog serve printed an address without a port: \(server.base)")
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = writers + readers + 4
        let session = URLSession(configuration: configuration)
        defer { session.invalidateAndCancel() }
        let run = String(UInt64.random(in: 0..<(1 << 40)), radix: 36)
        let hotTribes = (0..<2).map { "hot-\(run)-\($0)" }
        for tribe in hotTribes {
            try await createHotTribe(tribe, server: server, token: tokens[0], session: session)
        }

        let world = SoakWorld(base: server.base, port: port, run: run, hotTribes: hotTribes, members: members, tokens: tokens)
        let ledger = SoakLedger()
        let http = SoakHTTP(session: session, world: world, ledger: ledger)
        let sockets = OpenSockets()
        let probe = HealthProbe(port: port, ledger: ledger)
        let probing = Task { await BlockingWorker(label: "tribelog.soak.health").run { probe.run() } }
        let (writers, readers, subscribers, stalled) = (self.writers, self.readers, self.subscribers, self.stalledReaders)
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for number in 0..<writers { group.addTask { await SoakWriter(number: number, http: http).run() } }
                for _ in 0..<readers { group.addTask { await SoakReader(http: http).run() } }
                for number in 0..<(subscribers + stalled) {
                    let pace: SoakSubscriber.Pace = number >= subscribers ? .stalled : number % 3 == 2 ? .slow : .fast
                    group.addTask { await SoakSubscriber(number: number, pace: pace, world: world, ledger: ledger, sockets: sockets).run() }
                }
            }
        }

        // The load runs; a /health probe that waits 5 s means the server hangs: its stacks now.
        let progress = Progress("soak seconds")
        let end = ContinuousClock.now + .seconds(seconds)
        var hangStacks: String?
        while ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(250))
            progress.update(UInt64(seconds) - UInt64(max(0, (end - .now).soakSeconds)), of: UInt64(seconds))
            if hangStacks == nil && probe.waiting >= Self.hangAfter {
                let stacks = await ThreadStacks.of(pid: server.process.processIdentifier)
                hangStacks = stacks
                report("tribelog serve (pid \(server.process.processIdentifier)) has not answered GET /health for \(probe.waiting.soakSeconds) s; its threads:\n\(stacks)")
            }
        }
        progress.finish()

        // SIGTERM with the load still running: requests in flight, streams open, slow readers paused.
        ledger.startStopping()
        let stopping = ContinuousClock.now
        var stopStacks: String?
        let status = try await server.stop(timeout: Self.stopLimit) {
            let stacks = await ThreadStacks.of(pid: server.process.processIdentifier)
            stopStacks = stacks
            report("tribelog serve (pid \(server.process.processIdentifier)) did not stop within \(Self.stopLimit) s of SIGTERM; its threads:\n\(stacks)")
        }
        let stopSeconds = (ContinuousClock.now - stopping).soakSeconds
        ledger.finish()
        sockets.shutdownAll()
        await load.value
        await probing.value

        let (verified, models) = try await BlockingWorker(label: "tribelog.soak.verify").run { [data] in
            try VerifyCommand.check(data: data, readModels: true)
        }
        let result = SoakResult(
            seconds: seconds, writers: writers, readers: readers, subscribers: subscribers, stalledReaders: stalled, counts: ledger.snapshot,
            stopSeconds: stopSeconds, exitStatus: status, stopLimit: Self.stopLimit, hangStacks: hangStacks, stopStacks: stopStacks,
            verifyProblems: verified.problems, verifyIntact: verified.isIntact, modelProblems: models, events: verified.events,
            totalSeconds: (ContinuousClock.now - started).soakSeconds)
        print(json ? try result.json() : result.line)
        if !json || !result.passed { for line in result.details { FileHandle.standardError.write(Data((line + "\n").utf8)) } }
        if !result.passed { throw ExitCode(1) }
    }

    /// Stacks go to standard error as soon as they are taken, and to DIR-stacks.txt.
    private func report(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
        let path = data + "-stacks.txt"
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        if let file = FileHandle(forWritingAtPath: path) {
            file.seekToEndOfFile()
            file.write(Data((text + "\n\n").utf8))
            try? file.close()
        }
    }

    /// A small demo history, so that the read models hold more than the soak's commands;
    /// the soak's members are among its members.
    private func seedHistory() async throws -> [String] {
        var options = EventStoreOptions()
        options.durability = .noSync
        options.logger = ReadModels.logger(label: "tribelog.soak")
        let store = try EventStore.open(directory: URL(fileURLWithPath: data), options: options)
        defer { store.close() }
        let count = 1 + 2 * writers + 20
        let size = DemoSize(tribes: 10, members: max(300, count), partups: 60, seed: 1)
        _ = try await DemoGenerator(size: size, logger: options.logger).run(into: store)
        return (1...count).map { String(format: "m-%05d", $0) }
    }

    /// An open tribe every writer's members join, founded by the first member.
    private func createHotTribe(_ tribe: String, server: ServeChild, token: String, session: URLSession) async throws {
        var request = URLRequest(url: URL(string: server.base + "/tribes")!, timeoutInterval: 30)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"id":"\#(tribe)","name":"Hot tribe \#(tribe)","privacy":"open"}"#.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("create-\(tribe)", forHTTPHeaderField: "Idempotency-Key")
        let (body, response) = try await session.data(for: request)
        guard let status = (response as? HTTPURLResponse)?.statusCode, (200..<300).contains(status) else {
            await server.crash()
            throw CLIError("creating the hot tribe \(tribe) answered \((response as? HTTPURLResponse)?.statusCode ?? 0): \(String(decoding: body.prefix(300), as: UTF8.self))")
        }
    }
}
