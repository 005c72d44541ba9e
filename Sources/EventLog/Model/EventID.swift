import Foundation

extension UUID {
    /// A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, then random
    /// bits from the system generator. Events appended together get neighbouring ids, so
    /// the indexer's `ids` database grows mostly at its end instead of splitting pages all
    /// over, and it is cheaper than `UUID()`, which opens /dev/urandom on every call here.
    public static func v7(at time: Timestamp = .now()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(time.microseconds / 1000, 0)) & 0xFFFF_FFFF_FFFF
        let high = milliseconds << 16 | 0x7000 | (generator.next() & 0x0FFF)
        let low = (generator.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            raw.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return UUID(uuid: bytes)
    }
}
