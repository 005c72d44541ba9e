import Testing
@testable import tribelog

/// The bench reads wrk's `--latency` report; these are reports as wrk 4.1 prints them.
@Suite struct WrkReportTests {
    static let report = """
        Running 10s test @ http://127.0.0.1:40411/health
          2 threads and 64 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency     1.88ms    1.22ms  29.01ms   90.12%
            Req/Sec    17.26k     1.59k   20.09k    71.50%
          Latency Distribution
             50%  812.00us
             75%    2.19ms
             90%    2.90ms
             99%    1.02s
          343553 requests in 10.01s, 57.01MB read
          Non-2xx or 3xx responses: 12
        Requests/sec:  34330.97
        Transfer/sec:      5.70MB
        """

    @Test func readsThroughputPercentilesInAnyUnitAndFailures() throws {
        let result = try #require(Wrk.parse(Self.report))
        #expect(result.requestsPerSecond == 34330.97)
        #expect(result.requests == 343_553)
        #expect(abs(result.p50Milliseconds - 0.812) < 1e-9)
        #expect(result.p99Milliseconds == 1020)
        #expect(result.failed == 12)
    }

    @Test func aReportWithoutItsFiguresIsNotRead() {
        #expect(Wrk.parse("unable to connect to 127.0.0.1:1 Connection refused") == nil)
        let withoutPercentiles = Self.report.split(separator: "\n").filter { !$0.contains("%  ") && !$0.contains("%    ") }
        #expect(Wrk.parse(withoutPercentiles.joined(separator: "\n")) == nil)
    }

    @Test func readsDurationsInEveryUnit() {
        #expect(Wrk.milliseconds("250.00us") == 0.25)
        #expect(Wrk.milliseconds("3.50ms") == 3.5)
        #expect(Wrk.milliseconds("1.50s") == 1500)
        #expect(Wrk.milliseconds("2.00m") == 120_000)
        #expect(Wrk.milliseconds("fast") == nil)
    }
}
