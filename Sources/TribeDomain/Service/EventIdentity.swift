import Crypto
import EventLog
import Foundation

/// Event ids derived from a caller's command id, so that sending the same command again
/// (after a timeout, a crash, a lost answer) produces the same ids, and the log, which
/// stores an id once, appends nothing twice.
enum EventIdentity {
    /// A name-based UUID (RFC 9562 version 8) from SHA-256 of the command id and the
    /// event's index in the command's result.
    static func id(command commandID: String, index: Int) -> UUID {
        var digest = Array(SHA256.hash(data: Array("tribelog-command\u{0}\(commandID)\u{0}\(index)".utf8)).prefix(16))
        digest[6] = (digest[6] & 0x0F) | 0x80  // version 8
        digest[8] = (digest[8] & 0x3F) | 0x80  // RFC 9562 variant
        return digest.withUnsafeBytes { UUID(uuid: $0.load(as: uuid_t.self)) }
    }
}
