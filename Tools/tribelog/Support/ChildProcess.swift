import Foundation
import TribelogSupport

/// Running other programs: finding them on PATH and running one to completion.
enum ChildProcess {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The program `name` on PATH, or nil.
    static func find(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").lazy
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// This very tribelog executable, to start another command of it as a child.
    static func tribelog() throws -> URL {
        do {
            return URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        } catch {
            throw Failure(description: "cannot find this tribelog's own executable (/proc/self/exe): \(error.localizedDescription)")
        }
    }

    /// Runs a program to completion and returns its status and its output. Standard output
    /// and error share one pipe, drained before waiting, so a chatty program cannot fill
    /// one pipe while this waits on the other.
    static func run(_ program: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try Spawn.start(process)
        } catch {
            throw Failure(description: "cannot run \(program.path): \(error.localizedDescription)")
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
