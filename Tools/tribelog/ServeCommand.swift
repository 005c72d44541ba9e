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

            With --log postgres://… (or TRIBELOG_LOG_URL) the log is a PostgreSQL database \
            that several servers share: each keeps its own read models in its --data folder \
            and follows the shared log; give them all the same TRIBELOG_JWT_SECRET.

            Examples:
              tribelog serve --data ./data --port 8080
              tribelog serve --data ./data --port 0 --host 0.0.0.0
              TRIBELOG_JWT_SECRET=… tribelog serve --data ./server-a --log postgres://tribelog:secret@db:5432/tribelog
            """)

    @Option(help: "The data folder (with --log: this server's read models and secrets).") var data: String
    @Option(help: "The shared log, postgres://USER:PASSWORD@HOST:PORT/DATABASE (default: TRIBELOG_LOG_URL, else the data folder's own log).")
    var log: String?
    @Option(help: "The port to listen on (0: any free one).") var port: Int = 8080
    @Option(help: "The address to listen on.") var host: String = "127.0.0.1"

    func run() async throws {
        var logger = Logger(label: "tribelog.server", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let location = try LogLocation(argument: log ?? ProcessInfo.processInfo.environment["TRIBELOG_LOG_URL"])
        let settings = ServerSettings(data: URL(fileURLWithPath: data), log: location, host: host, port: port, logger: logger)
        let host = self.host
        let app = try await buildApplication(settings) { port in
            FileHandle.standardOutput.write(Data("tribelog serving http://\(host):\(port)\n".utf8))
        }
        try await app.runService()
    }
}
