import ArgumentParser
import EventLog
import Foundation

/// For crash tests: appends single events durably until killed, printing each
/// acknowledged position on its own line (flushed) so the test knows what was promised.
struct AppendLoopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append-loop", abstract: "Append events until killed, printing acknowledged positions (crash tests).",
        shouldDisplay: false)

    @Option(help: "The data folder.") var data: String
    @Option(help: "Concurrent appenders.") var writers = 8

    func run() async throws {
        let store = try EventStore.open(directory: URL(fileURLWithPath: data))
        await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var i = 0
                    while true {
                        i += 1
                        let event = NewEvent(type: "CrashProbe", tags: ["writer:\(writer)"],
                                             payload: PayloadValue.object([PayloadField(key: "n", value: .int(Int64(i)))]).encoded)
                        let result = try await store.append([event], to: "probe-\(writer)")
                        // One write(2) per acknowledgement: nothing sits in a buffer when the kill comes.
                        FileHandle.standardOutput.write(Data("\(result.positions[0])\n".utf8))
                    }
                }
            }
        }
    }
}
