import Foundation
import Glibc
import JWTKit
import TribeDomain

/// The claims of a Tribelog bearer token: `sub` is the member acting, `exp` when it stops working.
struct TribelogClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// Signs and checks HS256 tokens with the server's secret.
public struct TokenAuthority: Sendable {
    let keys: JWTKeyCollection

    public init(secret: [UInt8]) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
    }

    /// A token for `member`, valid for `lifetime` seconds.
    public func issue(member: MemberID, lifetime: TimeInterval, now: Date = Date()) async throws -> String {
        let claims = TribelogClaims(sub: SubjectClaim(value: member.rawValue), exp: ExpirationClaim(value: now.addingTimeInterval(lifetime)),
                                    iat: IssuedAtClaim(value: now))
        return try await keys.sign(claims)
    }

    /// The member a token speaks for; throws 401 for a bad, expired or foreign token.
    func member(of token: String) async throws -> MemberID {
        let claims: TribelogClaims
        do {
            claims = try await keys.verify(token, as: TribelogClaims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw APIError.unauthorized("the token has expired: get a new one")
        } catch {
            throw APIError.unauthorized("the token is not valid (\(Self.reason(error))): send a token this server issued")
        }
        do {
            return try MemberID(claims.sub.value)
        } catch {
            throw APIError.unauthorized("the token's subject is not a member id: send a token this server issued")
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? JWTError { return error.reason ?? "\(error.errorType)" }
        return "malformed"
    }
}

/// Where the signing secret comes from: `TRIBELOG_JWT_SECRET`, or `DIR/secrets/jwt.key`,
/// made with 32 random bytes and mode 0600 on first use.
public enum JWTSecret {
    public static let environmentVariable = "TRIBELOG_JWT_SECRET"
    public static let minimumLength = 32  // HS256 wants a key at least as long as its hash

    public static func load(data: URL, explicit: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [UInt8] {
        if let secret = explicit ?? environment[environmentVariable], !secret.isEmpty {
            guard secret.utf8.count >= minimumLength else {
                throw SecretError("\(environmentVariable) is \(secret.utf8.count) bytes: use at least \(minimumLength) random bytes (e.g. `openssl rand -hex 32`)")
            }
            return Array(secret.utf8)
        }
        return try fileSecret(data: data)
    }

    static func fileSecret(data: URL) throws -> [UInt8] {
        let folder = data.appendingPathComponent("secrets")
        let file = folder.appendingPathComponent("jwt.key")
        if let existing = try? String(contentsOf: file, encoding: .utf8) {
            let trimmed = existing.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.utf8.count >= minimumLength else {
                throw SecretError("\(file.path) holds \(trimmed.utf8.count) bytes: delete it to have a new secret made, or put at least \(minimumLength) in it")
            }
            return Array(trimmed.utf8)
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SecretError("cannot create \(folder.path) (\(error.localizedDescription)): check that the data folder is writable")
        }
        var random = [UInt8](repeating: 0, count: 32)
        for index in random.indices { random[index] = UInt8.random(in: 0...255) }
        let text = random.map { String(format: "%02x", $0) }.joined()
        // O_EXCL: two processes starting at once must not both write a secret.
        let descriptor = Glibc.open(file.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if descriptor < 0 {
            if errno == EEXIST { return try fileSecret(data: data) }
            throw SecretError("cannot create \(file.path) (\(String(cString: strerror(errno)))): check that the data folder is writable")
        }
        defer { Glibc.close(descriptor) }
        let bytes = Array((text + "\n").utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw SecretError("cannot write \(file.path) (\(String(cString: strerror(errno)))): check the disk")
        }
        return Array(text.utf8)
    }
}

public struct SecretError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Token lifetimes written as `90s`, `15m`, `1h`, `7d` (or plain seconds).
public enum TokenLifetime {
    public static func parse(_ text: String) -> TimeInterval? {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        guard let last = text.last else { return nil }
        if let unit = units[last], let value = Double(text.dropLast()), value > 0 { return value * unit }
        if let value = Double(text), value > 0 { return value }
        return nil
    }
}
