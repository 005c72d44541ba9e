import EventLog

/// Times as people and JSON clients read them, always in UTC so that every reader and
/// every rebuild writes the same text (no locale, no time zone database).
public enum TimeText {
    /// `2025-03-02T14:05:07.123456Z`, the form the NDJSON export uses.
    public static func iso(_ time: Timestamp) -> String {
        let (date, seconds, micros) = parts(time)
        let clock = "\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
        return "\(date)T\(clock).\(pad(micros, 6))Z"
    }

    /// (yyyy-mm-dd, seconds of the day, microseconds of the second).
    private static func parts(_ time: Timestamp) -> (String, Int64, Int64) {
        let perDay: Int64 = 86_400_000_000
        // Floor division, so times before 1970 land on the previous day.
        let days = time.microseconds >= 0 ? time.microseconds / perDay : -((-time.microseconds - 1) / perDay) - 1
        let ofDay = time.microseconds - days * perDay
        let (year, month, day) = civil(days)
        return ("\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))", ofDay / 1_000_000, ofDay % 1_000_000)
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func civil(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
