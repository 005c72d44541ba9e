import CZstd

/// Error from libzstd with a message that says what happened and what to do.
///
/// `code` is libzstd's `ZSTD_ErrorCode` (for example 20, corruption detected), or 0 when
/// Tribelog refused the input itself before libzstd saw it.
public struct ZstdError: Error, CustomStringConvertible {
    public let operation: String
    public let code: Int
    public let description: String

    init(operation: String, code: Int, description: String) {
        self.operation = operation
        self.code = code
        self.description = description
    }

    /// A stored frame that cannot be turned back into the event it was made from.
    static func damaged(_ operation: String, code: Int = 0, _ why: String) -> ZstdError {
        ZstdError(
            operation: operation, code: code,
            description: "compressed event could not be decompressed (\(why)): the record is damaged "
                + "or was read with the wrong dictionary; run `tribelog verify` to find where")
    }

    /// libzstd only fails to allocate a context or dictionary when memory runs out.
    static func outOfMemory(_ operation: String) -> ZstdError {
        ZstdError(
            operation: operation, code: 0,
            description: "\(operation) could not allocate memory: free memory on this machine and retry")
    }
}

/// libzstd returns an error as `(size_t)-code` (size_t is imported as Int), so the same
/// value answers both "did it fail" and "which code". zstd_errors.h is not in the module
/// map, so the code is recovered by negation, exactly as `ZSTD_getErrorCode` does.
@inline(__always)
func zstdErrorCode(_ result: Int) -> Int? {
    ZSTD_isError(result) != 0 ? -result : nil
}

@inline(__always)
func zstdErrorName(_ result: Int) -> String {
    String(cString: ZSTD_getErrorName(result))
}

/// Checks a call that can only fail through a programming mistake (such as an invalid
/// parameter) or a broken libzstd; the message names the call so it can be reported.
@inline(__always)
func zstdCheck(_ result: Int, _ operation: StaticString) throws(ZstdError) {
    guard let code = zstdErrorCode(result) else { return }
    throw ZstdError(
        operation: "\(operation)", code: code,
        description: "\(operation) failed: \(zstdErrorName(result)); this is a bug in tribelog or "
            + "an incompatible libzstd (\(String(cString: ZSTD_versionString()))): report it")
}
