import Foundation
import PostgresNIO

/// Where the log lives, read from a `postgres://user:password@host:port/database` URL (the
/// form `Tools/postgres url` prints and `--log` takes), with `?sslmode=disable|prefer|require`
/// as libpq spells it (default `prefer`, libpq's too).
struct PostgresLocation: Sendable {
    enum TLSMode: String, Sendable { case disable, prefer, require }

    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String
    var tls: TLSMode

    /// The URL without its password, for messages and logs.
    var redacted: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    init(url text: String) throws(PostgresLogError) {
        let usage = "give it as postgres://user:password@host:port/database (Tools/postgres url primary prints one)"
        guard let schemeEnd = text.range(of: "://"),
              ["postgres", "postgresql"].contains(text[..<schemeEnd.lowerBound].lowercased()) else {
            throw PostgresLogError("'\(Self.withoutPassword(text))' is not a PostgreSQL URL: \(usage)")
        }
        // libpq accepts several hosts (host1:port1,host2:port2) and tries them in turn;
        // finding the primary among them after a failover is not built yet.
        let authority = text[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" }
        if authority.split(separator: "@").last?.contains(",") == true {
            throw PostgresLogError("'\(Self.withoutPassword(text))' names several hosts; the log takes one: give the primary's URL alone")
        }
        guard let parts = URLComponents(string: text), let host = parts.host, !host.isEmpty else {
            throw PostgresLogError("cannot read the URL '\(Self.withoutPassword(text))': \(usage)")
        }
        // URLComponents' user, password and path come percent-decoded already.
        guard let user = parts.user, !user.isEmpty else {
            throw PostgresLogError("the URL '\(Self.withoutPassword(text))' names no user: \(usage)")
        }
        let database = String(parts.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresLogError("the URL '\(Self.withoutPassword(text))' names no database (the path after the port): \(usage)")
        }
        var tls = TLSMode.prefer
        for item in parts.queryItems ?? [] {
            guard item.name == "sslmode" else {
                throw PostgresLogError("the URL parameter '\(item.name)' is not supported; only sslmode=disable|prefer|require is")
            }
            guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw PostgresLogError("sslmode=\(item.value ?? "") is not supported: use disable, prefer or require")
            }
            tls = mode
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = parts.port ?? 5432
        self.user = user
        self.password = parts.password
        self.database = database
        self.tls = tls
    }

    /// The same place with another database (tests make one per case).
    func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    var connectionConfiguration: PostgresConnection.Configuration {
        get throws {
            let tls: PostgresConnection.Configuration.TLS
            switch self.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            return PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                    database: database, tls: tls)
        }
    }

    func clientConfiguration(maximumConnections: Int) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password,
                                                         database: database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        return configuration
    }

    /// The text with anything between "://user:" and "@" blanked, for messages about a URL
    /// that could not be read.
    static func withoutPassword(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://"),
              let at = text[schemeEnd.upperBound...].firstIndex(of: "@"),
              let colon = text[schemeEnd.upperBound..<at].firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":…" + String(text[at...])
    }
}
