import EventLog
import Foundation
import Logging

/// How `tribelog serve` (and the tests) run the server.
public struct ServerSettings: Sendable {
    /// The data folder: log, indexes, read models and `secrets/jwt.key`. Created when new.
    public var data: URL
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

    public init(data: URL, host: String = "127.0.0.1", port: Int = 8080, jwtSecret: String? = nil,
                registrationsPerMinute: Int = 10, readWait: Duration = .seconds(2), maxBodyBytes: Int = 64 * 1024,
                heartbeat: Duration = .seconds(15), durability: EventStoreOptions.Durability = .durable,
                logger: Logger = Logger(label: "tribelog.server")) {
        self.data = data
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
