import PostgresNIO

/// The PostgreSQL log cannot be used as given (a wrong URL, an unreachable server, a standby,
/// a database holding another schema). Nothing in the database was changed.
public struct PostgresLogError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
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

    /// The server's SQLSTATE, when the server answered with an error.
    static func sqlState(_ error: any Error) -> String? {
        if let transaction = error as? PostgresTransactionError {
            return (transaction.closureError ?? transaction.commitError ?? transaction.beginError).flatMap(sqlState)
        }
        return (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
