import EventLog
import Foundation

/// The files the targets share, in Fuzz/Data (or `$TRIBELOG_FUZZ_DATA`).
public enum FuzzData {
    public static var folder: URL {
        if let path = ProcessInfo.processInfo.environment["TRIBELOG_FUZZ_DATA"] { return URL(fileURLWithPath: path) }
        // Sources/FuzzChecks/FuzzData.swift → Fuzz/Data
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Data")
    }

    /// Where the demo log's compression dictionary is kept: the seed records that name
    /// dictionary 1 were compressed with it.
    public static func dictionaryFile(in folder: URL = folder) -> URL {
        folder.appendingPathComponent("zstd-dictionary-1")
    }

    /// The dictionaries the record target decodes with; a fuzz run without them would
    /// only ever see "unknown dictionary" for half of the seeds, so their absence stops it.
    public static func dictionaries() -> [CompressionDictionary] {
        let file = dictionaryFile()
        do {
            return [try CompressionDictionary(id: 1, bytes: Array(try Data(contentsOf: file)))]
        } catch {
            FileHandle.standardError.write(Data("cannot load \(file.path): \(error); run Tools/fuzz corpus\n".utf8))
            exit(2)
        }
    }
}
