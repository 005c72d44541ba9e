import Foundation
import Glibc
import Synchronization

/// Random bits for ids, 4 KiB at a time from glibc's arc4random (seeded by getrandom(2)):
/// one call per 256 ids instead of two system calls per id.
private let randomBits = Mutex<(words: [UInt64], next: Int)>(([UInt64](repeating: 0, count: 512), 512))

private func nextRandomPair() -> (UInt64, UInt64) {
    randomBits.withLock { pool in
        if pool.next + 2 > pool.words.count {
            pool.words.withUnsafeMutableBytes { raw in arc4random_buf(raw.baseAddress!, raw.count) }
            pool.next = 0
        }
        defer { pool.next += 2 }
        return (pool.words[pool.next], pool.words[pool.next + 1])
    }
}

extension UUID {
    /// A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, then random
    /// bits from the system generator. Events appended together get neighbouring ids, so
    /// the indexer's `ids` database grows mostly at its end instead of splitting pages all
    /// over, and it is cheaper than `UUID()`, which opens /dev/urandom on every call here.
    public static func v7(at time: Timestamp = .now()) -> UUID {
        let (a, b) = nextRandomPair()
        let milliseconds = UInt64(max(time.microseconds / 1000, 0)) & 0xFFFF_FFFF_FFFF
        let high = milliseconds << 16 | 0x7000 | (a & 0x0FFF)
        let low = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            raw.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return UUID(uuid: bytes)
    }
}
