import Foundation
import Logging
import PostgresNIO

/// A database of its own for one test on the test server, dropped afterwards.
public struct TestDatabase: Sendable {
    public let serverURL: String
    public let name: String
    /// postgres://… of the new database.
    public let url: String

    public static func create(serverURL: String) async throws -> TestDatabase {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        guard var parts = URLComponents(string: serverURL) else { throw TestSetupError("cannot read TRIBELOG_TEST_POSTGRES_URL") }
        parts.path = "/\(name)"
        guard let url = parts.string else { throw TestSetupError("cannot make a database URL from TRIBELOG_TEST_POSTGRES_URL") }
        let database = TestDatabase(serverURL: serverURL, name: String(name), url: url)
        try await database.admin(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        return database
    }

    /// Drops the database, closing whatever connections a failed test left open.
    public func drop() async {
        do {
            try await admin(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
        } catch {
            print("warning: could not drop the test database \(name): \(error)")
        }
    }

    /// Runs one statement in this database, on a connection of its own.
    public func execute(_ query: PostgresQuery) async throws {
        try await Self.withConnection(url) { try await $0.query(query, logger: TestDatabase.quietLogger) }
    }

    /// Runs one statement in the server's own database (CREATE/DROP DATABASE).
    private func admin(_ query: PostgresQuery) async throws {
        try await Self.withConnection(serverURL) { try await $0.query(query, logger: TestDatabase.quietLogger) }
    }

    public static func withConnection(_ url: String, _ body: (PostgresConnection) async throws -> Void) async throws {
        guard let parts = URLComponents(string: url), let host = parts.host else { throw TestSetupError("cannot read \(url)") }
        let configuration = PostgresConnection.Configuration(
            host: host, port: parts.port ?? 5432, username: parts.user ?? "", password: parts.password,
            database: String(parts.path.dropFirst()), tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: TestDatabase.quietLogger)
        do {
            try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}


extension TestDatabase {
    /// The test server Tools/test starts (TRIBELOG_TEST_POSTGRES_URL), nil when none runs.
    public static var serverURL: String? {
        ProcessInfo.processInfo.environment["TRIBELOG_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static let quietLogger: Logger = {
        var logger = Logger(label: "tribelog.test-database")
        logger.logLevel = .warning
        return logger
    }()
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
