import EventLog
import Foundation
import Logging

/// Where the log is: the embedded LMDB log in the data folder (the default), or a
/// PostgreSQL database that several servers share.
public enum LogLocation: Sendable, Equatable {
    case dataFolder
    case postgres(url: String)

    /// `--log` or `TRIBELOG_LOG_URL`: nothing or empty is the data folder's log.
    public init(argument: String?) throws {
        guard let argument, !argument.isEmpty else {
            self = .dataFolder
            return
        }
        guard argument.hasPrefix("postgres://") || argument.hasPrefix("postgresql://") else {
            throw LogLocationError("the log location '\(argument.prefix(60))' is not a postgres:// URL: give postgres://USER:PASSWORD@HOST:PORT/DATABASE, or leave --log and TRIBELOG_LOG_URL out to use the data folder's own log")
        }
        self = .postgres(url: argument)
    }
}

/// A log location that cannot be used, and what to give instead.
public struct LogLocationError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// How `tribelog serve` (and the tests) run the server.
public struct ServerSettings: Sendable {
    /// The data folder: log (unless `log` is elsewhere), indexes, read models and
    /// `secrets/jwt.key`. Created when new.
    public var data: URL
    /// The log the server appends to and follows. Servers sharing one log share
    /// `TRIBELOG_JWT_SECRET`, so each accepts the tokens the others issue.
    public var log: LogLocation
    public var host: String
    /// 0 picks a free port (tests); the bound port is in the "serving" log line.
    public var port: Int
    /// The HS256 secret; nil: `TRIBELOG_JWT_SECRET`, else `DIR/secrets/jwt.key` (made on first start).
    public var jwtSecret: String?
    /// Registrations (`POST /members`, the only unauthenticated write) per client address per minute.
    public var registrationsPerMinute: Int
    /// How long a read with `?after=POSITION` waits for the read models before answering 503.
    public var readWait: Duration
    /// Largest request body accepted (larger: 413).
    public var maxBodyBytes: Int
    /// How often an idle event stream sends a comment line, so dead clients are noticed.
    public var heartbeat: Duration
    /// Durable (fsync per group commit) unless a test asks for `.noSync`.
    public var durability: EventStoreOptions.Durability
    public var logger: Logger

    public init(data: URL, log: LogLocation = .dataFolder, host: String = "127.0.0.1", port: Int = 8080, jwtSecret: String? = nil,
                registrationsPerMinute: Int = 10, readWait: Duration = .seconds(2), maxBodyBytes: Int = 64 * 1024,
                heartbeat: Duration = .seconds(15), durability: EventStoreOptions.Durability = .durable,
                logger: Logger = Logger(label: "tribelog.server")) {
        self.data = data
        self.log = log
        self.host = host
        self.port = port
        self.jwtSecret = jwtSecret
        self.registrationsPerMinute = registrationsPerMinute
        self.readWait = readWait
        self.maxBodyBytes = maxBodyBytes
        self.heartbeat = heartbeat
        self.durability = durability
        self.logger = logger
    }
}
