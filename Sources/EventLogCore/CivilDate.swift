/// Calendar dates (proleptic Gregorian, UTC) from day counts and back, without
/// Foundation's Calendar: exports, imports, timelines and weekly figures all turn
/// microsecond timestamps into dates, millions of times in a rebuild, and must agree.
/// Howard Hinnant's `civil_from_days` and `days_from_civil`.
public enum CivilDate {
    public static let microsecondsPerDay: Int64 = 86_400_000_000

    /// The date of a day counted from 1970-01-01 (day 0; negative before).
    public static func from(daysSince1970 days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The day count of a date (the inverse of `from`).
    public static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day a timestamp falls on (floor division: times before 1970 land on the day before).
    public static func day(of time: Timestamp) -> Int64 {
        split(time).day
    }

    /// The day and the microsecond within it. Computed without negating or multiplying
    /// back, either of which overflows at the ends of the timestamp range.
    public static func split(_ time: Timestamp) -> (day: Int64, microsecond: Int64) {
        let (quotient, remainder) = time.microseconds.quotientAndRemainder(dividingBy: microsecondsPerDay)
        return remainder < 0 ? (quotient - 1, remainder + microsecondsPerDay) : (quotient, remainder)
    }
}

extension Timestamp {
    /// `2025-03-02T14:05:07.123456Z`: UTC with microseconds, as exports and the API write times.
    public var iso8601: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(28)
        NDJSON.writeTime(self, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
