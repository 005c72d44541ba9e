import EventLog
import Foundation

/// Times as JSON clients and audit lines read them: ISO-8601 in UTC with microseconds,
/// the form the NDJSON export writes, so every reader and every rebuild gives the same
/// text (no locale, no local time zone).
public enum TimeText {
    /// `2025-03-02T14:05:07.123456Z`.
    public static func iso(_ time: Timestamp) -> String {
        time.iso8601
    }
}
