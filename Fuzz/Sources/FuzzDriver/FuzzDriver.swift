import CFuzzDriver
import Foundation

/// Runs libFuzzer with the program's arguments on the target's `LLVMFuzzerTestOneInput`,
/// then exits with libFuzzer's status. Only fuzz targets (built with `-sanitize=fuzzer`,
/// which links libFuzzer) may call it.
///
/// The test goes by its C name rather than as a Swift function value: in a debug build a
/// `@_cdecl` function referenced from another file gets its C entry point emitted twice.
public func runFuzzer() -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput))
}
