import ArgumentParser
import EventLog
import Foundation
import ProjectionKit
import TribeDomain
import TribeProjections

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Who did what, when: a tribe's or a member's timeline, and a tribe's state at any moment.",
        discussion: """
            The timeline is built from the log itself (into a scratch folder), so it is exact \
            whatever state the server's read models are in; the log is only read.

            Examples:
              tribelog audit --data ./data --tribe t-0007
              tribelog audit --data ./data --tribe t-0007 --at 2024-06-30 --json
              tribelog audit --data ./data --member m-00042
            """)

    @Option(help: "The data folder.") var data: String
    @Option(help: "The tribe to audit.") var tribe: String?
    @Option(help: "The member to audit: everything they did and had done to them, across tribes.") var member: String?
    @Option(help: "Show the timeline up to, and the tribe's state at, this position (a number) or time (ISO 8601).")
    var at: Moment?
    @Flag(help: "Print JSON: {\"timeline\":[…],\"state\":{…}}.") var json = false

    func validate() throws {
        guard (tribe == nil) != (member == nil) else { throw ValidationError("give either --tribe or --member") }
        if member != nil && at != nil { throw ValidationError("--at goes with --tribe: a member has a timeline, not a state") }
    }

    struct Report: Encodable {
        let timeline: [EventItem]
        let state: TribeSnapshot?
    }

    func run() throws {
        let models = try AnalysisModels(data: data, until: nil, views: nil, projections: [TribeHistoryModel.projection])
        defer { models.close() }
        let bound = try at.map { try models.position(at: $0) } ?? models.position
        let report = try models.read(TribeHistoryModel.projection) { model -> Report in
            if let member {
                let id = try MemberID(member)
                return Report(timeline: try Self.all { try TribeHistoryModel.memberTimeline(model, member: id, from: $0, limit: 1_000) }, state: nil)
            }
            let id = try TribeID(tribe ?? "")
            let timeline = try Self.all { try TribeHistoryModel.timeline(model, tribe: id, from: $0, limit: 1_000) }.filter { $0.position <= bound }
            guard let state = try TribeHistoryModel.state(model, tribe: id, at: .position(bound)) else {
                throw CLIError("tribe \(id) did not exist at position \(bound)\(at == nil ? "" : " (\(at!))"): check the id, or choose a later moment")
            }
            return Report(timeline: timeline, state: state)
        }
        if json { try JSONOutput.print(report) } else { print(Self.text(report, title: tribe.map { "tribe \($0)" } ?? "member \(member ?? "")")) }
    }

    /// Every page of a timeline.
    static func all(_ page: (TimelineCursor) throws -> TimelinePage) throws -> [EventItem] {
        var entries: [EventItem] = []
        var cursor = TimelineCursor.oldest
        while true {
            let found = try page(cursor)
            entries += found.entries
            guard let next = found.next else { return entries }
            cursor = .after(next)
        }
    }

    static func text(_ report: Report, title: String) -> String {
        var lines = ["\(title): \(report.timeline.count) events"]
        lines += report.timeline.map { "\($0.line)  (#\($0.position)\($0.actor.map { ", by \($0)" } ?? ""))" }
        guard let state = report.state else { return lines.joined(separator: "\n") }
        lines.append("")
        lines.append("\(state.name) as of position \(state.position) (\(state.time)): \(state.privacy), founded by \(state.founder)")
        lines.append("  rules: \(state.rules.isEmpty ? "-" : state.rules)\(state.onlyAdminsLaunch ? " (only admins launch part-ups)" : "")")
        lines.append("  admins (\(state.admins.count)): \(state.admins.joined(separator: ", "))")
        lines.append("  members (\(state.members.count)): \(state.members.joined(separator: ", "))")
        if !state.pendingApplications.isEmpty { lines.append("  applications pending: \(state.pendingApplications.joined(separator: ", "))") }
        if !state.pendingInvitations.isEmpty { lines.append("  invitations pending: \(state.pendingInvitations.joined(separator: ", "))") }
        lines.append("  part-ups (\(state.partups.count)):")
        for partup in state.partups {
            let status = partup.dissolved ? "dissolved (\(partup.outcome ?? "?"))" : "active"
            lines.append("    \(partup.partup) \"\(partup.title)\" \(partup.privacy), \(status); partners: \(partup.partners.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }
}
