/// The order of strings in keys (UTF-8 bytes), used wherever results must come out in the
/// same order as a scan would give them.
enum KeyOrder {
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
