import Foundation

/// What `verify` found. `firstBadPosition` is nil when the log is intact.
public struct VerificationReport: Sendable, CustomStringConvertible {
    public init() {}

    public var events: Position = 0
    /// Up to where the engine's own index (if it keeps one) was checked against the events.
    public var indexedUpTo: Position = 0
    public var firstBadPosition: Position?
    public var problems: [String] = []
    public var chainHead: [UInt8] = []

    public var isIntact: Bool { problems.isEmpty }

    public var description: String {
        if isIntact {
            let hex = chainHead.map { String(format: "%02x", $0) }.joined()
            return "intact: \(events) events, hash chain head \(hex), index agrees up to \(indexedUpTo)"
        }
        return problems.joined(separator: "\n")
    }
}

extension VerificationReport {
    package mutating func fail(at position: Position, _ message: String) {
        if firstBadPosition == nil { firstBadPosition = position }
        problems.append(message)
    }
}
