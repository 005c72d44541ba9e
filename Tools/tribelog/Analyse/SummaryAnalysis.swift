import ArgumentParser
import EventLog
import Foundation
import ProjectionKit
import TribeDomain
import TribeProjections

struct SummaryAnalysis: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Per tribe: collaborators, components, density, team size, lifetime, utilisation; bridges; utilisation per month.",
        discussion: """
            Examples:
              tribelog analyse summary --data ./data
              tribelog analyse summary --data ./data --until 2024-12-31 --json > summary.json
            """)

    @OptionGroup var options: AnalysisOptions
    @Flag(help: "Print JSON (with utilisation per month for every tribe).") var json = false

    struct TribeSummary: Encodable {
        let tribe: String
        let name: String
        let members: Int
        let collaborators: Int
        let edges: Int
        let components: Int
        let density: Double
        let averageTeamSize: Double?
        let averageLifetimeDays: Double?
        let talentUtilisation: Double
    }

    struct Summary: Encodable {
        let position: Position
        let tribes: [TribeSummary]
        let bridges: [Bridge]
        let utilisationByMonth: [UtilisationTimeline.Month]
    }

    func run() throws {
        let models = try AnalysisModels(data: options.data, until: options.until, views: options.views,
                                        projections: ["directory", "dashboards", "collaboration"])
        defer { models.close() }
        let tribes = try models.read("directory") { try DirectoryModel.allTribes($0) }
        var summaries: [TribeSummary] = []
        for record in tribes {
            let tribe = try TribeID(record.id)
            let graph = try models.read("collaboration") { try CollaborationModel.summary($0, tribe: tribe) }
            let dashboard = try models.read("dashboards") { try DashboardsModel.tribe($0, tribe: tribe) }
            summaries.append(TribeSummary(
                tribe: record.id, name: record.name, members: Int(record.members), collaborators: graph.members, edges: graph.edges,
                components: graph.components, density: graph.density, averageTeamSize: dashboard?.averageTeamSize,
                averageLifetimeDays: dashboard?.averageLifetimeSeconds.map { $0 / 86_400 },
                talentUtilisation: dashboard?.talentUtilisation ?? 0))
        }
        let bridges = try models.read("collaboration") { try CollaborationModel.bridges($0) }
        var timeline = UtilisationTimeline()
        try models.events { try timeline.add($0) }
        timeline.finish()
        let summary = Summary(position: models.position, tribes: summaries, bridges: bridges, utilisationByMonth: timeline.months)
        if json { try JSONOutput.print(summary) } else { print(Self.table(summary)) }
    }

    static func table(_ summary: Summary) -> String {
        var lines = ["as of position \(summary.position): \(summary.tribes.count) tribes, \(summary.bridges.count) members bridge tribes", ""]
        lines.append("tribe      members  collaborators  components  density  team size  lifetime (days)  utilisation  name")
        func number(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "-" }
        for tribe in summary.tribes {
            lines.append([
                tribe.tribe.padding(toLength: 10, withPad: " ", startingAt: 0), String(format: "%7d", tribe.members),
                String(format: "%14d", tribe.collaborators), String(format: "%11d", tribe.components),
                String(format: "%8.3f", tribe.density), number(tribe.averageTeamSize, "%9.1f").leftPad(9),
                number(tribe.averageLifetimeDays, "%.0f").leftPad(16), String(format: "%11.0f%%", tribe.talentUtilisation * 100), tribe.name,
            ].joined(separator: "  "))
        }
        lines.append("")
        lines.append("utilisation over all tribes, per month: "
            + summary.utilisationByMonth.map { String(format: "%@ %.0f%%", $0.month, $0.platform * 100) }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
