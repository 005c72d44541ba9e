import ArgumentParser
import EventLog
import Foundation
import ProjectionKit
import TribeDomain
import TribeProjections

struct AnalyseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyse",
        abstract: "Study how members collaborate, as of now or any moment.",
        subcommands: [CollaborationAnalysis.self, SummaryAnalysis.self])
}

/// Options every analysis takes.
struct AnalysisOptions: ParsableArguments {
    @Option(help: "The data folder.") var data: String
    @Option(help: "Analyse the history up to this position (a number) or time (ISO 8601, e.g. 2024-12-31).")
    var until: Moment?
    @Option(help: "Read the read models of a `tribelog replay --out` folder instead of building them.")
    var views: String?
}

struct CollaborationAnalysis: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collaboration",
        abstract: "The co-partner graph: an edge for every part-up two members were partners in together.",
        discussion: """
            Weight = the number of part-ups both were partner in at the same time. CSV has the \
            header source,target,weight and one row per unordered pair (source < target); \
            GraphML opens in Gephi and networkx; JSON is {"edges":[…],"bridges":[…]}.

            Examples:
              tribelog analyse collaboration --data ./data --format csv > edges.csv
              tribelog analyse collaboration --data ./data --tribe t-0007 --until 2024-12-31 --format graphml
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, graphml, json }

    @OptionGroup var options: AnalysisOptions
    @Option(help: "Only part-ups of this tribe.") var tribe: String?
    @Option(help: "csv, graphml or json.") var format: Format = .csv

    func run() throws {
        let tribeID = try tribe.map { try TribeID($0) }
        let models = try AnalysisModels(data: options.data, until: options.until, views: options.views, projections: ["collaboration"])
        defer { models.close() }
        let (edges, bridges) = try models.read("collaboration") { model in
            (try CollaborationModel.edges(model, tribe: tribeID), try CollaborationModel.bridges(model))
        }
        switch format {
        case .csv: FileHandle.standardOutput.write(Data(CollaborationModel.csv(edges).utf8))
        case .graphml: FileHandle.standardOutput.write(Data(CollaborationModel.graphML(edges).utf8))
        case .json: try JSONOutput.print(CollaborationJSON(position: models.position, tribe: tribe, edges: edges, bridges: bridges))
        }
    }

    struct CollaborationJSON: Encodable {
        let position: Position
        let tribe: String?
        let edges: [CollaborationEdge]
        let bridges: [Bridge]
    }
}

enum JSONOutput {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // One naming for every JSON the CLI prints (verify, bench and demo write theirs by hand).
        encoder.keyEncodingStrategy = .convertToSnakeCase
        FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
    }
}
