import Foundation
import Synchronization

/// At most `limit` requests per key (a client address) in any `window`.
final class RateLimiter: Sendable {
    let limit: Int
    let window: Duration
    private let recent = Mutex<[String: [ContinuousClock.Instant]]>([:])

    init(limit: Int, window: Duration = .seconds(60)) {
        self.limit = limit
        self.window = window
    }

    /// nil when allowed (and counted); otherwise the seconds until the next one is.
    func check(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        recent.withLock { recent in
            if recent.count > 10_000 {
                recent = recent.filter { _, times in times.last.map { now - $0 < window } ?? false }
            }
            var times = recent[key, default: []].filter { now - $0 < window }
            defer { recent[key] = times }
            guard times.count < limit else {
                let wait = window - (now - times[0])
                return max(1, Int(wait.components.seconds) + 1)
            }
            times.append(now)
            return nil
        }
    }
}
