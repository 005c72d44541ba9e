import CFuzzDriver
import Foundation

/// Runs libFuzzer with the program's arguments on `test`, then exits with libFuzzer's status.
/// Only fuzz targets (built with `-sanitize=fuzzer`, which links libFuzzer) may call it.
public func runFuzzer(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, test))
}
