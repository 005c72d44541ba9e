import Foundation
import Testing

import EventLog

/// Inputs the fuzz targets (Fuzz/, `Tools/fuzz`) found to break a decoder, each kept
/// here as it was found and in the target's corpus under Fuzz/Corpus. Every one must now
/// end in the error that names what is wrong.
@Suite(.timeLimit(.minutes(1)))
struct FuzzRegressionTests {
    private static func bytes(_ base64: String) throws -> [UInt8] {
        Array(try #require(Data(base64Encoded: base64)))
    }

    /// fuzz-record: a record whose stream version (14131508380363128831) is above Int64.max
    /// decoded, and its export line then failed to import ("version" must be a whole number).
    /// Such a version is damage, so the record is refused before its frame is even read.
    @Test func aStreamVersionBeyondInt64IsDamage() throws {
        let record = try Self.bytes("""
            AQHaIERnL03Jvv///////8yOxAFgOgBlBgDDiSRYV4DC3V0AmlQJeqfNFE7oS7TlfKfQ5phROZacNneMJXeIPcFyUMOSTmgzKX13TF+v6DQ\
            JlTZfrBBDYM2ol1BYWDPpBX3yiEZzJJtJJ9iTOoU09IJNn9Mh5hLsQica0heIspijznLmUoqlxlDTg8bMpVQPcr5aRh8WFUadSpthRhfYVaE\
            AhgIX9C4QmUqgiGtJ5xT8GtV3eZbUClbPO2bpV3DFy8bvVQu6XYXhyeP6ggI7PRxlG6LVnowMzSxLEBFbhI2wkzCUohc=
            """)
        var decoder = StoredRecordDecoder(dictionaries: [])
        #expect(throws: RecordDecodingError.malformed("stream version", "14131508380363128831 out of range")) {
            _ = try record.withUnsafeBytes { try decoder.decode($0, position: 1) }
        }
    }
}
