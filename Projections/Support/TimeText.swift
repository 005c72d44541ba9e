import EventLog
import Foundation

/// Times as JSON clients and audit lines read them: ISO-8601 in UTC with microseconds,
/// the form the NDJSON export writes, so every reader and every rebuild gives the same
/// text (no locale, no local time zone).
public enum TimeText {
    /// `2025-03-02T14:05:07.123456Z`.
    public static func iso(_ time: Timestamp) -> String {
        // Floor division, so times before 1970 keep a positive fraction.
        let micros = (time.microseconds % 1_000_000 + 1_000_000) % 1_000_000
        let seconds = (time.microseconds - micros) / 1_000_000
        let whole = Date(timeIntervalSince1970: Double(seconds)).formatted(.iso8601)  // …T14:05:07Z
        let fraction = String(micros)
        return "\(whole.dropLast()).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)Z"
    }
}
