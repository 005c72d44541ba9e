import Foundation

/// wrk, the HTTP load generator, run on loopback against a served folder; and what its
/// `--latency` report says.
struct Wrk {
    struct Result {
        var requestsPerSecond: Double
        var requests: Int
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        /// Answers that were neither 2xx nor 3xx.
        var failed: Int
    }

    let executable: URL
    let threads: Int
    let connections: Int
    let seconds: Int

    /// wrk from PATH, or an error saying how to get it.
    static func find(threads: Int, connections: Int, seconds: Int) throws -> Wrk {
        guard let executable = ChildProcess.find("wrk") else {
            throw BenchError("wrk is not installed: the bench's HTTP part drives the server with it: run Tools/setup "
                             + "(or apt-get install wrk), or leave the HTTP part out with --only log,rebuild,lag")
        }
        return Wrk(executable: executable, threads: threads, connections: connections, seconds: seconds)
    }

    /// Runs wrk against `url` with `arguments` before it (headers, `-s script`).
    func run(_ url: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> Result {
        let all = ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency"] + arguments + [url]
        let (status, output) = try ChildProcess.run(executable, all, environment: environment)
        guard status == 0, let result = Self.parse(output) else {
            throw BenchError("wrk \(all.joined(separator: " ")) failed (exit \(status)): \(output.suffix(600))")
        }
        return result
    }

    static func parse(_ report: String) -> Result? {
        var rps: Double?
        var requests: Int?
        var percentiles: [String: Double] = [:]
        var failed = 0
        for line in report.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let first = words.first else { continue }
            if first == "Requests/sec:", words.count == 2 {
                rps = Double(words[1])
            } else if words.count >= 2, words[1] == "requests", let count = Int(first) {
                requests = count
            } else if first.hasSuffix("%"), words.count == 2, let value = milliseconds(words[1]) {
                percentiles[String(first)] = value
            } else if line.contains("Non-2xx or 3xx responses:"), let count = words.last.flatMap({ Int($0) }) {
                failed = count
            }
        }
        guard let rps, let requests, let p50 = percentiles["50%"], let p99 = percentiles["99%"] else { return nil }
        return Result(requestsPerSecond: rps, requests: requests, p50Milliseconds: p50, p99Milliseconds: p99, failed: failed)
    }

    /// wrk's durations: `812.00us`, `1.66ms`, `2.01s`, `1.50m`.
    static func milliseconds(_ text: Substring) -> Double? {
        for (unit, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)] where text.hasSuffix(unit) {
            return Double(text.dropLast(unit.count)).map { $0 * scale }
        }
        return nil
    }
}
