import Foundation

/// One HTTP command a crash-test client sends, as one of its three members.
struct ScriptedCommand: Sendable {
    /// 0: the founder of the client's tribes, 1: a member who joins them, 2: a supporter.
    var actor: Int
    var method: String
    var path: String
    var body: String?
    /// What it does, for the refusal counts ("join part-up").
    var name: String
}

/// What one client does, over and over: found an open tribe, have a second member join
/// it, launch a part-up, join it, support it from outside, update a profile, leave the
/// part-up, dissolve it, leave the tribe. Each step touches the client's own tribe, so the
/// domain accepts nearly all of them, and between them they feed every read model.
///
/// The script moves on only when a command was answered. A command the kill left without
/// an answer stays the next one, and is sent again in the next round with the same
/// Idempotency-Key, as a client retries: the server must then answer it once, with the
/// positions of the first execution if there was one.
struct ClientScript: Sendable {
    let client: Int
    /// Tells this run's ids and keys from an earlier run's in the same folder.
    let run: String
    var cycle = 0
    var step = 0
    /// 5xx answers to the current step: after a few the step is given up.
    var serverErrors = 0

    static let steps = 9

    var key: String { "crash-\(run)-\(client)-\(cycle)-\(step)" }
    private var tribe: String { "ct-\(run)-\(client)-\(cycle)" }
    private var partup: String { "cp-\(run)-\(client)-\(cycle)" }

    var command: ScriptedCommand {
        switch step {
        case 0:
            return ScriptedCommand(actor: 0, method: "POST", path: "/tribes",
                                   body: #"{"id":"\#(tribe)","name":"Crash tribe \#(client) \#(cycle)","privacy":"open"}"#, name: "create tribe")
        case 1:
            return ScriptedCommand(actor: 1, method: "POST", path: "/tribes/\(tribe)/applications",
                                   body: #"{"motivation":"round \#(cycle)"}"#, name: "join tribe")
        case 2:
            return ScriptedCommand(actor: 0, method: "POST", path: "/tribes/\(tribe)/partups",
                                   body: #"{"id":"\#(partup)","title":"Crash part-up \#(client) \#(cycle)","goal":"survive the kill","wantedSkills":["swift","lmdb"]}"#,
                                   name: "launch part-up")
        case 3: return ScriptedCommand(actor: 1, method: "POST", path: "/partups/\(partup)/partners", name: "join part-up")
        case 4: return ScriptedCommand(actor: 2, method: "POST", path: "/partups/\(partup)/supporters", name: "support part-up")
        case 5:
            return ScriptedCommand(actor: 1, method: "PUT", path: "/members/me/profile",
                                   body: #"{"skills":["swift","skill-\#(cycle)"],"regions":["region-\#(client)"]}"#, name: "update profile")
        case 6: return ScriptedCommand(actor: 1, method: "DELETE", path: "/partups/\(partup)/partners/me", name: "leave part-up")
        case 7:
            return ScriptedCommand(actor: 0, method: "POST", path: "/partups/\(partup)/dissolution",
                                   body: #"{"outcome":"completed","note":"cycle \#(cycle)"}"#, name: "dissolve part-up")
        default: return ScriptedCommand(actor: 1, method: "DELETE", path: "/tribes/\(tribe)/members/me", name: "leave tribe")
        }
    }

    mutating func advance() {
        step += 1
        serverErrors = 0
        if step == Self.steps {
            step = 0
            cycle += 1
        }
    }
}
