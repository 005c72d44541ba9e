import Foundation
import TribelogSupport

/// Every thread's stack of a running process, from gdb: what a server that does not
/// answer or does not stop is doing.
enum ThreadStacks {
    /// `gdb -p PID -batch -ex "thread apply all bt 30"`, at most 20 s (a gdb that hangs is
    /// killed), reduced to the thread and frame lines; or why there are none.
    static func of(pid: Int32) async -> String {
        guard let gdb = ["/usr/bin/gdb", "/usr/local/bin/gdb"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
            ?? ChildProcess.find("gdb")?.path else {
            return "(no gdb to show them: apt-get install gdb)"
        }
        let dump = Process()
        dump.executableURL = URL(fileURLWithPath: gdb)
        dump.arguments = ["-p", "\(pid)", "-batch", "-nx", "-ex", "set pagination off", "-ex", "thread apply all bt 30"]
        let output = Pipe()
        dump.standardOutput = output
        dump.standardError = FileHandle.nullDevice
        guard (try? Spawn.start(dump)) != nil else { return "(gdb did not start)" }
        // Read on a thread of its own; a gdb that hangs is killed, which ends the read.
        let reading = Task { await BlockingWorker(label: "tribelog.soak.gdb").run { output.fileHandleForReading.readDataToEndOfFile() } }
        let finished = await Spawn.exit(of: dump, killingAfter: .seconds(20))
        let text = String(decoding: await reading.value, as: UTF8.self)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("Thread ") || $0.hasPrefix("#") }.map { String($0.prefix(300)) }
        if lines.isEmpty { return finished ? "(gdb printed no stacks: is ptrace allowed here?)" : "(gdb did not finish within 20 s)" }
        return lines.joined(separator: "\n")
    }
}
