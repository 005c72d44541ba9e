import EventLog
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Requests over URLSession (commands and reads), filed in the ledger as they end.
struct SoakHTTP: Sendable {
    let session: URLSession
    let world: SoakWorld
    let ledger: SoakLedger
    /// Longer than any wait the server itself may take (`?after=` waits 2 s at most).
    static let timeout = 30.0

    /// The status (0: no answer) and body.
    @discardableResult
    func send(command: Bool, kind: String, method: String, path: String, body: String? = nil, token: String? = nil,
              key: String? = nil) async -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: world.base + path)!, timeoutInterval: Self.timeout)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let key { request.setValue(key, forHTTPHeaderField: "Idempotency-Key") }
        let started = ContinuousClock.now
        let answer = try? await session.data(for: request)
        let seconds = (ContinuousClock.now - started).soakSeconds
        let response = answer?.1 as? HTTPURLResponse
        let status = response?.statusCode ?? 0
        let retryAfter = response?.value(forHTTPHeaderField: "Retry-After") != nil
        let data = answer?.0 ?? Data()
        ledger.record(command: command, kind: kind, status: status, retryAfter: retryAfter, seconds: seconds,
                      detail: "\(method) \(path): \(String(decoding: data.prefix(200), as: UTF8.self))")
        return (status, data)
    }
}

/// One writer: two members (a founder and a joiner) who, over and over, found an open
/// tribe, join it, launch a part-up in it and join that, then launch a part-up in a hot
/// tribe and join that too. Every command carries an Idempotency-Key of its own. Hot
/// part-ups have goals of 2 000 characters, so that the hot tribes' streams grow fast and
/// a reader that falls behind soon has more coming than the sockets' buffers hold.
struct SoakWriter: Sendable {
    static let longGoal = String(repeating: "Keep the stream long for the readers who fall behind. ", count: 37)

    let number: Int
    let http: SoakHTTP
    var world: SoakWorld { http.world }

    private var founder: Int { 1 + 2 * number }
    private var joiner: Int { 2 + 2 * number }

    /// Runs until the soak finishes; after SIGTERM, until the first command that fails.
    func run() async {
        // Both members join every hot tribe first.
        for tribe in world.hotTribes {
            for member in [founder, joiner] {
                guard await send("join tribe", member, "POST", "/tribes/\(tribe)/applications",
                                 #"{"motivation":"soak"}"#, key: "join-\(tribe)-\(member)") else { return }
            }
        }
        for cycle in 0... {
            let tribe = "st-\(world.run)-\(number)-\(cycle)"
            let partup = "sp-\(world.run)-\(number)-\(cycle)"
            let hotPartup = "sh-\(world.run)-\(number)-\(cycle)"
            let hot = world.hotTribes[cycle % world.hotTribes.count]
            let steps: [(String, Int, String, String, String?)] = [
                ("create tribe", founder, "POST", "/tribes", #"{"id":"\#(tribe)","name":"Soak tribe \#(number) \#(cycle)","privacy":"open"}"#),
                ("join tribe", joiner, "POST", "/tribes/\(tribe)/applications", #"{"motivation":"cycle \#(cycle)"}"#),
                ("launch part-up", founder, "POST", "/tribes/\(tribe)/partups",
                 #"{"id":"\#(partup)","title":"Soak part-up \#(number) \#(cycle)","goal":"keep going","wantedSkills":["swift","lmdb"]}"#),
                ("join part-up", joiner, "POST", "/partups/\(partup)/partners", nil),
                ("launch part-up", founder, "POST", "/tribes/\(hot)/partups",
                 #"{"id":"\#(hotPartup)","title":"Hot part-up \#(number) \#(cycle)","goal":"\#(Self.longGoal) \#(cycle)","wantedSkills":["swift"]}"#),
                ("join part-up", joiner, "POST", "/partups/\(hotPartup)/partners", nil),
            ]
            for (step, (kind, member, method, path, body)) in steps.enumerated() {
                guard await send(kind, member, method, path, body, key: "soak-\(world.run)-\(number)-\(cycle)-\(step)") else { return }
                if kind == "create tribe" { world.addTribe(tribe) }
            }
        }
    }

    /// Sends one command (again, with the same key, after a 503 with Retry-After, up to
    /// three times); false when the writer should stop.
    private func send(_ kind: String, _ member: Int, _ method: String, _ path: String, _ body: String?, key: String) async -> Bool {
        for attempt in 1...3 {
            if http.ledger.finished { return false }
            let (status, data) = await http.send(command: true, kind: kind, method: method, path: path, body: body,
                                                 token: world.tokens[member], key: key)
            if (200..<300).contains(status) {
                if let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                   let position = (json["position"] as? NSNumber)?.uint64Value {
                    world.addPosition(position)
                }
                return true
            }
            if http.ledger.phase == .stopping { return false }
            guard status == 503, attempt < 3 else { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return true
    }
}

/// One reader: GETs of mixed read routes, half of them with `?after=` a position some
/// writer was answered with, as a client reads its own writes.
struct SoakReader: Sendable {
    static let kinds = ["health", "tribe feed", "tribe dashboard", "tribe members", "member dashboard", "member feed", "member matches"]

    let http: SoakHTTP
    var world: SoakWorld { http.world }

    func run() async {
        var n = 0
        while !http.ledger.finished {
            let kind = Self.kinds[n % Self.kinds.count]
            n += 1
            let member = world.anyMember()
            let tribe = world.tribe()
            let after = Bool.random() ? world.recentPosition().map { "after=\($0)" } : nil
            func path(_ base: String, _ query: String?) -> String {
                let parts = [query, after].compactMap { $0 }
                return parts.isEmpty ? base : base + "?" + parts.joined(separator: "&")
            }
            let route: String
            switch kind {
            case "health": route = "/health"
            case "tribe feed": route = path("/tribes/\(tribe)/feed", "limit=20")
            case "tribe dashboard": route = path("/tribes/\(tribe)/dashboard", nil)
            case "tribe members": route = path("/tribes/\(tribe)/members", "limit=50")
            case "member dashboard": route = path("/members/me/dashboard", nil)
            case "member feed": route = path("/members/me/feed", "limit=20")
            default: route = path("/members/me/matches", "limit=10")
            }
            let (status, _) = await http.send(command: false, kind: kind, method: "GET", path: route,
                                              token: kind == "health" ? nil : world.tokens[member])
            if http.ledger.phase == .stopping && !(200..<300).contains(status) { return }
        }
    }
}

extension Duration {
    var soakSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
