import EventLogCore
import PostgresNIO

/// The PostgreSQL log cannot be used as given (a wrong URL, an unreachable server, a standby,
/// a database holding another schema). Nothing in the database was changed.
public struct PostgresLogError: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// The server is a standby: another of the URL's hosts may be the primary.
    let isStandby: Bool

    init(_ description: String, isStandby: Bool = false) {
        self.description = description
        self.isStandby = isStandby
    }
}

/// What PostgresNIO's errors say, in one line. `PSQLError.description` is deliberately
/// generic ("Database error", to keep data out of logs); the server's message, SQLSTATE and
/// hint are what tell an operator what happened, and they carry no event data here, since
/// every statement of this engine binds its values instead of inlining them.
enum DatabaseErrorText {
    static func describe(_ error: any Error) -> String {
        if let transaction = error as? PostgresTransactionError {
            let inner = transaction.closureError ?? transaction.commitError ?? transaction.beginError ?? transaction.rollbackError
            return inner.map(describe) ?? "transaction failed"
        }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let server = error.serverInfo, let message = server[.message] {
            var text = message
            if let state = server[.sqlState] { text += " (SQLSTATE \(state))" }
            if let detail = server[.detail] { text += "; \(detail)" }
            if let hint = server[.hint] { text += "; hint: \(hint)" }
            return text
        }
        let cause = error.underlying.map { ": \(String(describing: $0))" } ?? ""
        switch error.code {
        case .connectionError: return "could not connect\(cause)"
        case .serverClosedConnection: return "the server closed the connection\(cause)"
        case .clientClosedConnection: return "the connection was closed\(cause)"
        case .poolClosed: return "the log is shut down"
        case .queryCancelled: return "the query was cancelled"
        default: return "\(error.code)\(cause)"
        }
    }

    /// Whether the error means the server is gone or no longer takes writes (the
    /// connection died, the server is shutting down, or it is a standby now), rather
    /// than that it refused one statement.
    static func lostServer(_ error: any Error) -> Bool {
        if let transaction = error as? PostgresTransactionError {
            return (transaction.closureError ?? transaction.commitError ?? transaction.beginError).map(lostServer) ?? true
        }
        guard let state = sqlState(error) else {
            // No SQLSTATE: the server did not answer (the connection was closed or refused,
            // or the pool gave up connecting: ConnectionPoolError). A refused statement
            // always carries one.
            return !(error is CancellationError || error is StoredEventUnreadable || error is RecordDecodingError)
        }
        // 08: connection exceptions; 57P01–57P03: shutting down, crashed, cannot connect now;
        // 25006: a read-only transaction, the server is a standby.
        return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "25006"].contains(state)
    }

    /// The server's SQLSTATE, when the server answered with an error.
    static func sqlState(_ error: any Error) -> String? {
        if let transaction = error as? PostgresTransactionError {
            return (transaction.closureError ?? transaction.commitError ?? transaction.beginError).flatMap(sqlState)
        }
        return (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
