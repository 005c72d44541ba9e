import Foundation
import PostgresNIO

/// Where the log lives, read from a `postgres://user:password@host:port/database` URL (the
/// form `Tools/postgres url` prints and `--log` takes), with `?sslmode=disable|prefer|require`
/// as libpq spells it (default `prefer`, libpq's too). Like libpq, it takes several hosts,
/// `host1:port1,host2:port2`: the primary and its standbys, of which the log uses the one
/// that is primary, and looks again when that one stops being it (`Primary`).
struct PostgresLocation: Sendable {
    enum TLSMode: String, Sendable { case disable, prefer, require }

    struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        var host: String
        var port: Int

        var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    var endpoints: [Endpoint]
    var user: String
    var password: String?
    var database: String
    var tls: TLSMode

    /// The URL without its password, for messages and logs.
    var redacted: String { "postgres://\(user)@\(endpoints.map(\.description).joined(separator: ","))/\(database)" }

    init(url text: String) throws(PostgresLogError) {
        let usage = "give it as postgres://user:password@host:port/database (Tools/postgres url primary prints one)"
        guard let schemeEnd = text.range(of: "://"),
              ["postgres", "postgresql"].contains(text[..<schemeEnd.lowerBound].lowercased()) else {
            throw PostgresLogError("'\(Self.withoutPassword(text))' is not a PostgreSQL URL: \(usage)")
        }
        // URLComponents reads one host: it is given the URL with the first host only, and
        // the hosts are read from the authority here.
        let authorityRange = schemeEnd.upperBound..<(text[schemeEnd.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? text.endIndex)
        let authority = text[authorityRange]
        let at = authority.lastIndex(of: "@")
        let hostList = at.map { authority[authority.index(after: $0)...] } ?? authority
        let hostTexts = hostList.split(separator: ",", omittingEmptySubsequences: false)
        var single = text
        if hostTexts.count > 1 {
            single.replaceSubrange(hostList.startIndex..<hostList.endIndex, with: hostTexts[0])
        }
        guard let parts = URLComponents(string: single), let firstHost = parts.host, !firstHost.isEmpty else {
            throw PostgresLogError("cannot read the URL '\(Self.withoutPassword(text))': \(usage)")
        }
        var endpoints: [Endpoint] = []
        for hostText in hostTexts {
            guard let host = URLComponents(string: "postgres://\(hostText)"), let name = host.host, !name.isEmpty else {
                throw PostgresLogError("cannot read the host '\(hostText)' of '\(Self.withoutPassword(text))': \(usage)")
            }
            endpoints.append(Endpoint(host: name.hasPrefix("[") ? String(name.dropFirst().dropLast()) : name, port: host.port ?? 5432))
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
        self.endpoints = endpoints
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

    func connectionConfiguration(at endpoint: Endpoint) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(host: endpoint.host, port: endpoint.port, username: user, password: password,
                                                database: database, tls: tls)
    }

    func clientConfiguration(at endpoint: Endpoint, maximumConnections: Int) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: endpoint.host, port: endpoint.port, username: user, password: password,
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
