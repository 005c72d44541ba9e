import Crypto

/// Tamper evidence: chain(n) = SHA-256(chain(n−1) ‖ SHA-256(body(n)) ‖ u64be(stream version(n))),
/// chain(0) = 32 zero bytes. The body digest needs nothing from the writer, so callers
/// compute it in parallel; only the cheap chaining step runs in the serial writer. The
/// stream version is chained here because it is assigned by the writer.
package enum HashChain {
    package static let genesis = [UInt8](repeating: 0, count: 32)

    package static func digest(body: UnsafeRawBufferPointer) -> SHA256.Digest {
        SHA256.hash(data: body)
    }

    package static func next(previous: [UInt8], digest: SHA256.Digest, streamVersion: UInt64) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        digest.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        withUnsafeBytes(of: streamVersion.bigEndian) { hasher.update(bufferPointer: $0) }
        return Array(hasher.finalize())
    }
}
