import EventLog
import Foundation
import Prometheus
import ProjectionKit

/// The server's Prometheus metrics, in its own registry (no process-wide bootstrap, so
/// several servers, e.g. in tests, keep theirs apart).
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    static let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]

    public init() {}

    /// One answered request: counted and timed by route (the pattern, e.g. `/tribes/{id}`),
    /// method and status.
    func request(route: String, method: String, status: Int, duration: Duration) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "tribelog", subsystem: "http", metricName: "requests", unitName: "total",
                                             helpText: "HTTP requests answered, by route, method and status"),
            labels: labels
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "tribelog", subsystem: "http", metricName: "request_duration",
                                             unitName: "seconds", helpText: "Time to answer HTTP requests, by route, method and status"),
            labels: labels, buckets: Self.buckets
        ).record(duration)
    }

    /// Events one command appends: most append one or two; a batch larger than this is a surprise worth seeing.
    static let eventBuckets: [Double] = [0, 1, 2, 3, 5, 8, 13, 21]

    /// One executed command: how long deciding and the durable append took, and (when it
    /// appended) how many events it wrote in its one append.
    func command(_ name: String, outcome: String, duration: Duration, events: Int? = nil) {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "tribelog", subsystem: "command", metricName: "append_duration",
                                             unitName: "seconds", helpText: "Time to decide and durably append a command, by command and outcome"),
            labels: [("command", name), ("outcome", outcome)], buckets: Self.buckets
        ).record(duration)
        guard let events else { return }
        registry.makeValueHistogram(
            descriptor: MetricNameDescriptor(namespace: "tribelog", subsystem: "command", metricName: "append_batch",
                                             unitName: "events", helpText: "Events one command appended, by command"),
            labels: [("command", name)], buckets: Self.eventBuckets
        ).record(Double(events))
    }

    /// The text exposition, with the log head, the writer's group commits and each
    /// projection's position and lag read now.
    func render(head: Position, writer: WriterStatistics, projections: [ProjectionStatus]) -> [UInt8] {
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "tribelog", subsystem: "log", metricName: "head",
                                                            unitName: "position", helpText: "Last committed log position"))
            .set(Double(head))
        // Gauges set from the writer's own running totals (it counts; the registry only shows them).
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "tribelog", subsystem: "log", metricName: "commits",
                                                            unitName: "total", helpText: "Write transactions the log committed since it opened (one fsync each when durable)"))
            .set(Double(writer.commits))
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "tribelog", subsystem: "log", metricName: "append_requests",
                                                            unitName: "total", helpText: "Append requests those commits carried"))
            .set(Double(writer.requests))
        // Above 1 when group commit shares one transaction (and fsync) among concurrent appends.
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "tribelog", subsystem: "log", metricName: "requests_per_commit",
                                                            unitName: "ratio", helpText: "Append requests per committed transaction since the log opened"))
            .set(writer.commits == 0 ? 0 : Double(writer.requests) / Double(writer.commits))
        for status in projections {
            let labels = [("projection", status.name)]
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "tribelog", subsystem: "projection", metricName: "position",
                                                                unitName: "position", helpText: "Last log position a read model applied"),
                               labels: labels).set(Double(status.position))
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "tribelog", subsystem: "projection", metricName: "lag",
                                                                unitName: "events", helpText: "Committed events a read model has not applied yet"),
                               labels: labels).set(Double(status.lagEvents))
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "tribelog", subsystem: "projection", metricName: "lag",
                                                                unitName: "seconds", helpText: "Age of the oldest event a read model has not applied yet"),
                               labels: labels).set(Double(status.lagMilliseconds) / 1_000)
            let failed: Double = if case .failed = status.state { 1 } else { 0 }
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "tribelog", subsystem: "projection", metricName: "failed",
                                                                unitName: "state", helpText: "1 when a read model stopped at an event it could not apply"),
                               labels: labels).set(failed)
        }
        return registry.emitToBuffer()
    }
}
