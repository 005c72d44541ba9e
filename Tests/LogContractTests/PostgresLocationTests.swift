import Testing

@testable import EventLogPostgres

/// URLs as `Tools/postgres url` prints them and as people type them; no server needed.
@Suite struct PostgresLocationTests {
    @Test func readsEveryPartPercentDecodedOnce() throws {
        let location = try PostgresLocation(url: "postgresql://us%40er:a%25b%3Ac@127.0.0.1:55432/my%20log?sslmode=require")
        #expect(location.user == "us@er" && location.password == "a%b:c")
        #expect(location.endpoints == [.init(host: "127.0.0.1", port: 55432)] && location.database == "my log")
        #expect(location.tls == .require)
        #expect(location.redacted == "postgres://us@er@127.0.0.1:55432/my log", "no password in messages")

        let plain = try PostgresLocation(url: "postgres://tribelog:tribelog@[::1]/tribelog")
        #expect(plain.endpoints == [.init(host: "::1", port: 5432)] && plain.tls == .prefer)
    }

    @Test func readsSeveralHostsAsLibpqDoes() throws {
        let location = try PostgresLocation(url: "postgres://tribelog:p%40ss@127.0.0.1:54320,db2:54321,[::1]/tribelog?sslmode=disable")
        #expect(location.endpoints == [.init(host: "127.0.0.1", port: 54320), .init(host: "db2", port: 54321), .init(host: "::1", port: 5432)])
        #expect(location.user == "tribelog" && location.password == "p@ss" && location.database == "tribelog" && location.tls == .disable)
        #expect(location.redacted == "postgres://tribelog@127.0.0.1:54320,db2:54321,[::1]:5432/tribelog")
    }

    @Test func refusesWhatItCannotUseSayingWhy() {
        func refusal(_ url: String) -> String {
            do { _ = try PostgresLocation(url: url); return "accepted" } catch { return error.description }
        }
        #expect(refusal("http://a:b@h/db").contains("is not a PostgreSQL URL"))
        #expect(refusal("postgres://a:secret@h/db?sslmode=verify-full").contains("sslmode=verify-full is not supported"))
        #expect(refusal("postgres://a:secret@h/db?application_name=x").contains("only sslmode"))
        #expect(refusal("postgres://a:secret@h1,/db").contains("cannot read the host"))
        #expect(!refusal("postgres://a:secret@h1,/db").contains("secret"))
        #expect(refusal("postgres://h/db").contains("names no user"))
    }
}
