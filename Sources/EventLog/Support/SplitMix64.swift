/// SplitMix64: a tiny seeded generator that gives the same sequence on every machine and
/// Swift release (the standard library's seeded APIs promise neither), for benchmarks and
/// tests that must store the same events every run. Its finalizer doubles as a cheap,
/// well-spread 64-bit mix, which `verify` uses to fingerprint posting lists.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.mix(state)
    }

    /// The SplitMix64 finalizer.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
