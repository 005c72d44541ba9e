import Logging
import PostgresNIO

/// The log's tables, made on first connect and checked on every connect.
///
/// - `tribelog_head`: one row, the last position and its chain value. Every append
///   transaction locks it first, so positions are handed out one transaction at a time and
///   in commit order (a sequence would hand out numbers that commit out of order, and leave
///   gaps on rollback: a follower reading `position > checkpoint` would skip events).
/// - `tribelog_events`: position → the canonical envelope (`EventBody`) and its chain value,
///   with the id (idempotent appends), the stream and version (expected versions, stream
///   reads) and the type (queries by type) beside it.
/// - `tribelog_tags`: (tag, position) with the type alongside, so "anything with this tag
///   (and one of these types) after P" is a range scan of one index.
enum Schema {
    static let version: Int32 = 1

    /// Serializes two servers that create the schema of one empty database at once.
    private static let creationLock: Int64 = 0x7472_6962_656C_6F67  // "tribelog"

    static let statements: [PostgresQuery] = [
        """
        CREATE TABLE tribelog_head (
            one boolean PRIMARY KEY DEFAULT true CHECK (one),
            schema_version integer NOT NULL,
            position bigint NOT NULL,
            chain bytea NOT NULL)
        """,
        "INSERT INTO tribelog_head (schema_version, position, chain) VALUES (\(version), 0, decode(repeat('00', 32), 'hex'))",
        """
        CREATE TABLE tribelog_events (
            position bigint PRIMARY KEY,
            id uuid NOT NULL UNIQUE,
            stream text NOT NULL,
            stream_version bigint NOT NULL,
            type text NOT NULL,
            body bytea NOT NULL,
            chain bytea NOT NULL,
            UNIQUE (stream, stream_version))
        """,
        "CREATE INDEX tribelog_events_type ON tribelog_events (type, position)",
        // INCLUDE (type): a query item with tags and types is answered from the index alone.
        """
        CREATE TABLE tribelog_tags (
            tag text NOT NULL,
            position bigint NOT NULL,
            type text NOT NULL,
            PRIMARY KEY (tag, position) INCLUDE (type))
        """,
    ]

    /// Checks that `connection` reaches a primary whose database holds this schema version,
    /// creating the schema in an empty database. Returns the head position.
    static func prepare(_ connection: PostgresConnection, at location: PostgresLocation, endpoint: PostgresLocation.Endpoint,
                        logger: Logger) async throws -> Int64 {
        let rows = try await connection.query(
            "SELECT pg_is_in_recovery(), current_setting('server_encoding'), to_regclass('tribelog_head') IS NOT NULL",
            logger: logger)
        var standby = false, encoding = "", exists = false
        for try await (inRecovery, serverEncoding, found) in rows.decode((Bool, String, Bool).self) {
            (standby, encoding, exists) = (inRecovery, serverEncoding, found)
        }
        if standby {
            throw PostgresLogError("postgres://\(location.user)@\(endpoint)/\(location.database) is a standby (pg_is_in_recovery): give the primary's address", isStandby: true)
        }
        guard encoding == "UTF8" else {
            throw PostgresLogError("the database \(location.database) has encoding \(encoding); the log stores UTF-8 names: use a database created with ENCODING 'UTF8'")
        }
        if !exists { try await create(connection, at: location, logger: logger) }
        let head = try await connection.query("SELECT schema_version, position FROM tribelog_head", logger: logger)
        for try await (found, position) in head.decode((Int32, Int64).self) {
            guard found == version else {
                throw PostgresLogError("the database \(location.database) holds a Tribelog log of schema version \(found); this build reads version \(version): use a tribelog build of that version, or another database")
            }
            return position
        }
        throw PostgresLogError("the table tribelog_head in \(location.database) has no row: the log's schema is damaged; restore the database from a backup")
    }

    private static func create(_ connection: PostgresConnection, at location: PostgresLocation, logger: Logger) async throws {
        do {
            try await connection.query("BEGIN", logger: logger)
            try await connection.query("SELECT pg_advisory_xact_lock(\(creationLock))", logger: logger)
            // Another server may have made it while this one waited for the lock.
            let rows = try await connection.query("SELECT to_regclass('tribelog_head') IS NOT NULL", logger: logger)
            var exists = false
            for try await found in rows.decode(Bool.self) { exists = found }
            if !exists {
                for statement in statements { try await connection.query(statement, logger: logger) }
                logger.notice("created the log's tables", metadata: ["database": "\(location.database)"])
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            if DatabaseErrorText.sqlState(error) == "42501" {
                throw PostgresLogError("the user \(location.user) may not create the log's tables in \(location.database) (\(DatabaseErrorText.describe(error))): grant it CREATE on the schema, or let the database's owner connect once")
            }
            throw PostgresLogError("creating the log's tables in \(location.database) failed: \(DatabaseErrorText.describe(error))")
        }
    }
}
