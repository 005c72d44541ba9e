import EventLog

/// The ISO 8601 week (Monday to Sunday, week 1 holds the year's first Thursday) of an
/// event time, in UTC. Computed by calendar arithmetic rather than Foundation's Calendar:
/// it runs for every admission in a rebuild, and must not depend on the host's time zone.
struct ISOWeek: Hashable, Sendable {
    /// Days since 1970-01-01 of the week's Monday; sorts weeks in time order.
    let monday: Int64

    init(_ time: Timestamp) {
        let day = Self.floorDivide(time.microseconds, 86_400_000_000)
        // 1970-01-01 was a Thursday: with Monday = 0 it is weekday 3.
        let weekday = Self.floorModulo(day + 3, 7)
        monday = day - weekday
    }

    init(monday: Int64) { self.monday = monday }

    /// "2023-W46".
    var label: String {
        let thursday = monday + 3
        let year = Self.civil(fromDays: thursday).year
        let week = (thursday - Self.days(fromYear: year, month: 1, day: 1)) / 7 + 1
        return "\(year)-W\(week < 10 ? "0" : "")\(week)"
    }

    /// The Monday as "2023-11-13".
    var startDate: String {
        let (year, month, day) = Self.civil(fromDays: monday)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    /// A key part that sorts like `monday` (signed days mapped onto unsigned order).
    var keyNumber: UInt64 { UInt64(bitPattern: monday) ^ (1 << 63) }

    init(keyNumber: UInt64) { monday = Int64(bitPattern: keyNumber ^ (1 << 63)) }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    private static func floorModulo(_ a: Int64, _ b: Int64) -> Int64 {
        a - floorDivide(a, b) * b
    }

    private static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let (year, month, day) = CivilDate.from(daysSince1970: days)
        return (year, Int64(month), Int64(day))
    }

    private static func days(fromYear year: Int64, month: Int64, day: Int64) -> Int64 {
        CivilDate.daysSince1970(year: year, month: month, day: day)
    }
}
