import Foundation

/// A one-line progress display on standard error, shown only when it is a terminal so
/// pipes and CI logs stay clean.
final class Progress: @unchecked Sendable {
    private let label: String
    private let enabled = isatty(STDERR_FILENO) == 1
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let lock = NSLock()

    init(_ label: String) { self.label = label }

    func update(_ done: UInt64, of total: UInt64) {
        guard enabled else { return }
        lock.withLock {
            let now = Date()
            guard now.timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
            lastDraw = now
            let percent = total > 0 ? Double(done) / Double(total) * 100 : 100
            let rate = Double(done) / max(now.timeIntervalSince(start), 0.001)
            FileHandle.standardError.write(Data(String(format: "\r%@ %llu/%llu (%.0f%%, %.0f/s)   ", label, done, total, percent, rate).utf8))
        }
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
