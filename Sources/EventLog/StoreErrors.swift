import Foundation

/// The data folder cannot be opened as a Tribelog log. Nothing in it was changed.
public struct DataFolderError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}

/// An append was written, but the disk did not confirm it was flushed: it is in the log
/// now, and may or may not be after a crash.
public struct AppendNotConfirmed: Error, Sendable, CustomStringConvertible {
    public let cause: any Error

    public var description: String {
        "the append was written but the disk did not confirm it (\(cause)): it may not survive a crash; "
            + "check the disk, then retry with the same event ids: a stored event returns its position"
    }
}
