import ArgumentParser
import Foundation
import TribeDomain
import TribelogServer

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a bearer token for a member.",
        discussion: """
            Signs an HS256 JWT (sub = the member id) with the server's secret: \
            TRIBELOG_JWT_SECRET, or DIR/secrets/jwt.key (made when missing, mode 0600). Safe \
            beside a running server: it reads only the secret.

            Examples:
              tribelog token --member ann --data ./data
              curl -H "Authorization: Bearer $(tribelog token --member ann --data ./data)" localhost:8080/members/me/feed
            """)

    @Option(help: "The member the token speaks for.") var member: String
    @Option(help: "How long the token is valid: 90s, 15m, 1h, 7d.") var expires: String = "1h"
    @Option(help: "The data folder (its secrets/jwt.key).") var data: String

    func run() async throws {
        let id: MemberID
        do { id = try MemberID(member) } catch { throw ValidationError(error.description) }
        guard let lifetime = TokenLifetime.parse(expires) else {
            throw ValidationError("--expires \(expires) is not a duration: write e.g. 90s, 15m, 1h or 7d")
        }
        let secret = try JWTSecret.load(data: URL(fileURLWithPath: data))
        print(try await TokenAuthority(secret: secret).issue(member: id, lifetime: lifetime))
    }
}
