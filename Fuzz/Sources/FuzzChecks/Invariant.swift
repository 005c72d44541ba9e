import Foundation

/// A property every decoded input must have. A broken one aborts, which libFuzzer reports
/// like a crash and saves the input for: a wrong round trip is as much a bug as a trap.
public func invariant(_ condition: Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
    guard !condition else { return }
    FileHandle.standardError.write(Data("invariant broken (\(file):\(line)): \(message())\n".utf8))
    abort()
}

/// The fuzzer's input as a buffer (libFuzzer may pass a null pointer with size 0).
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: size > 0 ? data : nil, count: size)
}

/// Bytes as an escaped, readable string for invariant messages.
func show(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self).debugDescription
}
