import ArgumentParser
import EventLog
import Foundation

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure the log against the raw LMDB ceiling on this machine.")

    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Keep the benchmark log in this folder instead of a scratch one.") var data: String?

    func run() async throws {
        throw ValidationError("bench is not built yet")
    }
}
