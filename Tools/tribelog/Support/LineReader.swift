import Foundation

/// Reads a file line by line in large chunks: imports read files far larger than memory
/// would like. Lines come without their newline (or a Windows carriage return); blank
/// lines are skipped but counted, so line numbers match an editor's.
final class LineReader {
    let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var number = 0
    private var atEnd = false

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CLIError("cannot read \(path): check that the file exists and is readable")
        }
        self.path = path
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// Bytes in the file, for progress.
    var size: UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// Bytes read so far, for progress.
    private(set) var consumed: UInt64 = 0

    /// The next non-blank line with its number (from 1), or nil at the end.
    func next() throws -> (number: Int, bytes: ArraySlice<UInt8>)? {
        while true {
            if let end = buffer[start...].firstIndex(of: 10) {
                let line = buffer[start..<end]
                start = end + 1
                if let found = take(line) { return found }
                continue
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                return take(line)
            }
            buffer.removeFirst(start)
            start = 0
            if let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
                buffer.append(contentsOf: chunk)
            } else {
                atEnd = true
            }
        }
    }

    private func take(_ line: ArraySlice<UInt8>) -> (number: Int, bytes: ArraySlice<UInt8>)? {
        number += 1
        consumed += UInt64(line.count + 1)
        let trimmed = line.last == 13 ? line.dropLast() : line
        return trimmed.allSatisfy({ $0 == 32 || $0 == 9 }) ? nil : (number, trimmed)
    }

    /// Calls `body` for every non-blank line.
    func forEachLine(_ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws {
        while let (number, bytes) = try next() {
            try bytes.withUnsafeBytes { try body(number, $0) }
        }
    }
}
