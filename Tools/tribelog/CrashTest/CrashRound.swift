import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// One round: the clients send their scripts to a running server until it is killed.
struct CrashRound: Sendable {
    let number: Int
    let server: ServeChild
    let session: URLSession
    /// Member ids and their bearer tokens: three per client.
    let members: [String]
    let tokens: [String]
    let ledger: CrashLedger

    /// Runs every client until the server is killed `delay` seconds after the load began;
    /// the scripts as they stand then, each with the command it waits to send.
    func run(_ scripts: [ClientScript], killAfter delay: Duration) async -> [ClientScript] {
        let killed = KillSwitch()
        return await withTaskGroup(of: ClientScript.self) { group in
            for script in scripts {
                group.addTask { await drive(script, killed: killed) }
            }
            try? await Task.sleep(for: delay)
            // Set first: a request failing from here on failed because of the kill.
            killed.flag.store(true, ordering: .sequentiallyConsistent)
            await server.crash()
            var ended: [ClientScript] = []
            for await script in group { ended.append(script) }
            return ended.sorted { $0.client < $1.client }
        }
    }

    private func drive(_ start: ClientScript, killed: KillSwitch) async -> ClientScript {
        var script = start
        while true {
            let command = script.command
            let member = script.client * 3 + command.actor
            let token = tokens[member]
            guard let (status, body) = await send(command, key: script.key, token: token) else {
                // Without an answer nothing was promised. After the kill the command waits
                // for the next round; before it (a timeout) it is sent again now.
                if killed.flag.load(ordering: .sequentiallyConsistent) { return script }
                ledger.unanswered()
                try? await Task.sleep(for: .milliseconds(50))
                continue
            }
            switch status {
            case 200..<300:
                guard let ack = acknowledgement(command, key: script.key, status: status, body: body, actor: members[member]) else {
                    ledger.serverError(status, command.name + " (unreadable answer)")
                    script.advance()
                    continue
                }
                try? ledger.acknowledge(ack)
                script.advance()
            case 400..<500:
                ledger.refused(status, command.name)
                script.advance()
            default:
                ledger.serverError(status, command.name)
                script.serverErrors += 1
                if script.serverErrors >= 3 { script.advance() }
            }
        }
    }

    private func acknowledgement(_ command: ScriptedCommand, key: String, status: Int, body: Data, actor: String) -> Acknowledgement? {
        guard let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let positions = (json["positions"] as? [NSNumber])?.map(\.uint64Value),
              let events = json["events"] as? [String] else { return nil }
        return Acknowledgement(key: key, actor: actor, method: command.method, path: command.path, status: status,
                               positions: positions, events: events, replayed: json["replayed"] as? Bool ?? false, round: number)
    }

    /// The status and body, or nil when no answer came (refused connection, reset, timeout).
    private func send(_ command: ScriptedCommand, key: String, token: String) async -> (Int, Data)? {
        var request = URLRequest(url: URL(string: server.base + command.path)!, timeoutInterval: 10)
        request.httpMethod = command.method
        request.httpBody = command.body.map { Data($0.utf8) }
        if command.body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue(key, forHTTPHeaderField: "Idempotency-Key")
        guard let (body, response) = try? await session.data(for: request),
              let status = (response as? HTTPURLResponse)?.statusCode else { return nil }
        return (status, body)
    }
}

/// Set once the round's server is killed.
final class KillSwitch: Sendable {
    let flag = Atomic(false)
}
