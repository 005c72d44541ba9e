import ArgumentParser
import Foundation
import Hummingbird
import Logging
import TribelogServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API on a data folder.",
        discussion: """
            Opens the data folder (creating it when new), builds the read models that are \
            outdated, follows the log and serves the API (GET /openapi.json lists it). Tokens \
            are HS256 JWTs signed with TRIBELOG_JWT_SECRET, or with DIR/secrets/jwt.key, made on \
            first start; `tribelog token --member ID --data DIR` issues one. SIGTERM or SIGINT \
            stop accepting, finish the requests in flight, then close the log. LOG_LEVEL=debug \
            logs more (default info).

            Examples:
              tribelog serve --data ./data --port 8080
              tribelog serve --data ./data --port 0 --host 0.0.0.0
            """)

    @Option(help: "The data folder.") var data: String
    @Option(help: "The port to listen on (0: any free one).") var port: Int = 8080
    @Option(help: "The address to listen on.") var host: String = "127.0.0.1"

    func run() async throws {
        var logger = Logger(label: "tribelog.server", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let settings = ServerSettings(data: URL(fileURLWithPath: data), host: host, port: port, logger: logger)
        let host = self.host
        let app = try await buildApplication(settings) { port in
            FileHandle.standardOutput.write(Data("tribelog serving http://\(host):\(port)\n".utf8))
        }
        try await app.runService()
    }
}
