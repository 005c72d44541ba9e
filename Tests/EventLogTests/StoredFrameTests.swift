import CZstd
import Foundation
import Testing

@testable import EventLog

/// Stored frames leave out zstd's 4-byte magic number: what remains is a standard frame
/// once the magic is put back, and anything else is refused as damaged, never a crash.
@Suite struct StoredFrameTests {
    private static let body = Array(String(repeating: "tribe:t1 member:m2 joined the part-up; ", count: 12).utf8)

    private static func frame(_ source: [UInt8]) throws -> [UInt8] {
        var frame: [UInt8] = []
        try source.withUnsafeBytes { try ZstdCompressor().compress($0, dictionary: nil, appendingTo: &frame) }
        return frame
    }

    @Test func framesAreStandardOnceTheMagicIsBack() throws {
        let frame = try Self.frame(Self.body)
        #expect(Array(frame.prefix(4)) != zstdFrameMagic)
        let standard = zstdFrameMagic + frame
        var output = [UInt8](repeating: 0, count: Self.body.count)
        let written = output.withUnsafeMutableBytes { out in
            standard.withUnsafeBytes { ZSTD_decompress(out.baseAddress, out.count, $0.baseAddress, $0.count) }
        }
        #expect(written == Self.body.count && output == Self.body)
        // Frames are appended, not overwritten: two in one buffer, each without magic.
        var two = frame
        try Self.body.withUnsafeBytes { try ZstdCompressor().compress($0, dictionary: nil, appendingTo: &two) }
        #expect(two.count == 2 * frame.count && Array(two[frame.count...]) == frame)
    }

    @Test func framesThatAreNotOursAreDamaged() throws {
        let frame = try Self.frame(Self.body)
        let decompressor = ZstdDecompressor()
        for bad in [zstdFrameMagic + frame, [], Array(frame.prefix(3)), Array(frame.dropLast(5)), [UInt8](repeating: 0xFF, count: 40)] {
            #expect(throws: ZstdError.self) {
                _ = try bad.withUnsafeBytes { try decompressor.decompress($0, dictionary: nil) }
            }
        }
        // The same decompressor still reads a good frame afterwards, also larger ones: one
        // past the 1 MiB it keeps, after which its buffer is given back.
        let large = Array(repeating: Self.body, count: 40).flatMap { $0 }
        let huge = Array(repeating: large, count: 90).flatMap { $0 }
        for source in [Self.body, large, Self.body, huge, Self.body, large] {
            let frame = try Self.frame(source)
            let output = try frame.withUnsafeBytes { try Array(decompressor.decompress($0, dictionary: nil)) }
            #expect(output == source)
        }
    }
}
