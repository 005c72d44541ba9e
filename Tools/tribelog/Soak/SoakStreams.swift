import Foundation
import Synchronization
import TribelogSupport

/// One subscriber to tribes' event streams (`GET /tribes/{id}/events`): it connects,
/// reads for a while and leaves, again and again, until SIGTERM; the session running then
/// goes on until the server ends it or its own time is up. A slow subscriber reads one
/// line, pauses, reads the next…, on a socket with a small receive buffer, so that the
/// server's writes to it back up. A stalled one (`--stalled-readers`) opens one hot
/// tribe's stream from its first event, reads one line and then nothing, until the soak
/// is over: a client that stopped reading, still connected at SIGTERM. The reads block,
/// on a thread of the subscriber's own.
struct SoakSubscriber: Sendable {
    enum Pace: Sendable { case fast, slow, stalled }

    let number: Int
    let pace: Pace
    var slow: Bool { pace == .slow }
    let world: SoakWorld
    let ledger: SoakLedger
    let sockets: OpenSockets

    /// How a session goes: what it asks for and when it leaves.
    struct Plan: Sendable {
        var port: Int
        var path: String
        var headers: [String: String]
        var slow: Bool
        /// Reads one line, then nothing until the soak has finished.
        var stalled = false
        /// The client leaves after this long, or after `maxEvents` events.
        var length: Duration
        var maxEvents: Int
    }

    func run() async {
        let worker = BlockingWorker(label: "tribelog.soak.events-\(number)")
        if pace == .stalled {
            let tribe = world.hotTribes[number % world.hotTribes.count]
            let plan = Plan(port: world.port, path: "/tribes/\(tribe)/events",
                            headers: ["Authorization": "Bearer \(world.tokens[0])", "Accept": "text/event-stream"],
                            slow: false, stalled: true, length: .seconds(86_400 * 2), maxEvents: .max)
            let session = await worker.run { [sockets, ledger] in Self.session(plan, sockets: sockets, ledger: ledger) }
            ledger.record(session, tribe: tribe)
            return
        }
        while ledger.phase == .load {
            let tribe = world.tribe(hotShare: 60)
            var headers = ["Authorization": "Bearer \(world.tokens[world.anyMember()])", "Accept": "text/event-stream"]
            var path = "/tribes/\(tribe)/events"
            switch Int.random(in: 0..<100) {
            case 0..<15: path += "?from=now"
            case 15..<30: if let position = world.recentPosition() { headers["Last-Event-ID"] = "\(position)" }
            default: break  // from the tribe's first event
            }
            let plan = Plan(port: world.port, path: path, headers: headers, slow: slow,
                            length: .milliseconds(slow ? Int.random(in: 2_000...6_000) : Int.random(in: 300...5_000)),
                            maxEvents: slow ? Int.max : [20, 200, 2_000, Int.max].randomElement()!)
            let session = await worker.run { [sockets, ledger] in Self.session(plan, sockets: sockets, ledger: ledger) }
            ledger.record(session, tribe: tribe)
            try? await Task.sleep(for: .milliseconds(Int.random(in: 10...200)))
        }
    }

    /// One session, blocking: connect, ask, read the head (within 10 s), then lines until
    /// the plan says leave or the server ends the stream.
    static func session(_ plan: Plan, sockets: OpenSockets, ledger: SoakLedger) -> StreamSession {
        var result = StreamSession(slow: plan.slow, stalled: plan.stalled)
        let end = ContinuousClock.now + plan.length
        let socket: LoopbackSocket
        do {
            socket = try LoopbackSocket(port: plan.port, receiveBuffer: plan.slow ? 4_096 : nil)
        } catch {
            result.failure = "\(error)"
            return result
        }
        sockets.add(socket)
        defer {
            sockets.remove(socket)
            socket.close()
        }
        let reader = LoopbackResponseReader(socket: socket, readSize: plan.slow ? 512 : 65_536)
        do {
            try socket.write(LoopbackResponseReader.request(plan.path, headers: plan.headers), deadline: .now + .seconds(5))
            try reader.readHead(deadline: .now + .seconds(10))
            result.status = reader.status
            result.retryAfter = reader.headers["retry-after"] != nil
            guard reader.status == 200 else {
                _ = try? reader.bodyToEnd(deadline: .now + .seconds(5))
                result.bytes = reader.bytesReceived
                return result
            }
            while ContinuousClock.now < end && result.events < plan.maxEvents {
                guard let line = try reader.bodyLine(deadline: end) else {
                    result.endedByServer = true
                    break
                }
                if line.hasPrefix("id:") { result.events += 1 }
                if plan.stalled {
                    // Connected, reading nothing, until the server has exited or was killed.
                    while !ledger.finished { Thread.sleep(forTimeInterval: 0.1) }
                    break
                }
                if plan.slow && !line.isEmpty {
                    let pause = min(Double.random(in: 0.2...1.5), max(0, (end - .now).soakSeconds))
                    Thread.sleep(forTimeInterval: pause)
                }
            }
        } catch is LoopbackSocket.Timeout {
            // Past the head, the deadline is the client leaving; before it, no answer came.
            if result.status == 0 { result.failure = "no answer within 10 s" }
        } catch {
            result.failure = "\(error)"
        }
        result.bytes = reader.bytesReceived
        return result
    }
}

/// `GET /health` on a fresh connection every 200 ms, timed from a thread of its own, so
/// that the soak's own tasks do not count against the server.
final class HealthProbe: Sendable {
    let port: Int
    let ledger: SoakLedger
    /// When the probe in progress started (nil between probes): a watchdog looks at it.
    private let inFlight = Mutex<ContinuousClock.Instant?>(nil)

    init(port: Int, ledger: SoakLedger) {
        self.port = port
        self.ledger = ledger
    }

    /// How long the probe in progress has been waiting, or zero.
    var waiting: Duration { inFlight.withLock { $0.map { .now - $0 } } ?? .zero }

    /// Probes until SIGTERM is about to be sent (blocking: run it on a worker).
    func run() {
        while ledger.phase == .load {
            let started = ContinuousClock.now
            inFlight.withLock { $0 = started }
            let ok = probe()
            inFlight.withLock { $0 = nil }
            ledger.recordHealth(seconds: (ContinuousClock.now - started).soakSeconds, ok: ok)
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    /// One probe: true when it answered 200 within 30 s.
    private func probe() -> Bool {
        guard let socket = try? LoopbackSocket(port: port) else { return false }
        defer { socket.close() }
        let reader = LoopbackResponseReader(socket: socket)
        let deadline = ContinuousClock.now + .seconds(30)
        do {
            try socket.write(LoopbackResponseReader.request("/health", headers: ["Connection": "close"]), deadline: deadline)
            try reader.readHead(deadline: deadline)
            _ = try reader.bodyToEnd(deadline: deadline)
            return reader.status == 200
        } catch {
            return false
        }
    }
}
