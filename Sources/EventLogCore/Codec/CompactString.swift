import Foundation

/// How the body stores its metadata strings (actor, correlation id, causation id), which
/// are mostly UUID texts or repeats of another field, both of which zstd handles badly
/// inside a ~450-byte frame: 36 hex characters compress to about 20 bytes where their 16
/// bytes of information would do, and a repeat still costs a match.
///
/// `varint h` then:
/// - `h` even: the string itself, `h / 2` bytes of UTF-8;
/// - `h == 1`: 16 bytes whose canonical lowercase UUID text (8-4-4-4-12 hex digits) is the string;
/// - `h == 3`: the same, uppercase;
/// - `h == 5 + 2i`: the same bytes as the `i`-th string field before it in the body
///   (see `CompactString.earlier`).
///
/// Only a string that renders back to exactly the same bytes takes a short form, so
/// decoding always reproduces the original string byte for byte.
package enum CompactString {
    package static func write(_ string: String, stream: String, type: String, tags: [String], actor: String? = nil,
                      correlation: String? = nil, into w: inout ByteWriter) {
        if let index = firstIndex(sameBytesAs: string, stream: stream, type: type, tags: tags, actor: actor, correlation: correlation) {
            w.writeVarint(5 + 2 * UInt64(index))
        } else if let (uuid, uppercase) = UUIDText.parse(string) {
            w.write(uppercase ? 3 : 1)
            withUnsafeBytes(of: uuid) { w.write(contentsOf: $0) }
        } else {
            w.writeVarint(UInt64(string.utf8.count) << 1)
            w.write(contentsOf: string.utf8)
        }
    }

    /// The earlier fields come as separate borrowed arguments, not in a struct: a scan
    /// reads three compact strings per event, and building a struct of the names would
    /// copy them (a retain and a release each). A repeat returns the earlier String
    /// itself: no allocation, one retain. UUID text stays bytes (see `MetadataText`).
    package static func read(_ r: inout ByteReader, stream: String, type: String, tags: [String], actor: String? = nil,
                     correlation: MetadataText? = nil, _ what: StaticString) throws(RecordDecodingError) -> MetadataText {
        let h = try r.readVarint(what)
        switch h {
        case _ where h & 1 == 0:
            guard h >> 1 <= UInt64(r.remaining) else { throw .truncated(what) }
            return .text(try ByteReader.string(try r.readBytes(count: Int(h >> 1), what), what))
        case 1, 3:
            return .uuid(UUID(uuid: try r.readBytes(count: 16, what).loadUnaligned(as: uuid_t.self)), uppercase: h == 3)
        default:
            let index = (h - 5) >> 1
            if let correlation, actor != nil, index == 3 + UInt64(tags.count) { return correlation }
            guard index < UInt64(Int.max),
                  let string = earlier(Int(index), stream: stream, type: type, tags: tags, actor: actor, correlation: nil) else {
                throw .malformed(what, "refers to a string field \(index) that comes after it")
            }
            return .text(string)
        }
    }

    /// The string fields a compact string may repeat, in body order: stream, type, the
    /// tags, then actor and correlation id once they are written (non-nil).
    package static func earlier(_ index: Int, stream: String, type: String, tags: [String], actor: String?, correlation: String?) -> String? {
        switch index {
        case 0: return stream
        case 1: return type
        case _ where index < 2 + tags.count: return tags[index - 2]
        case _ where index == 2 + tags.count: return actor
        case _ where index == 3 + tags.count && actor != nil: return correlation
        default: return nil
        }
    }

    /// Byte equality, not String equality: canonically equivalent spellings ("é" and
    /// "e\u{301}") are equal Strings with different bytes, and the bytes must survive.
    package static func firstIndex(sameBytesAs string: String, stream: String, type: String, tags: [String], actor: String?,
                           correlation: String?) -> Int? {
        let length = string.utf8.count
        var index = 0
        while let candidate = earlier(index, stream: stream, type: type, tags: tags, actor: actor, correlation: correlation) {
            if candidate.utf8.count == length && sameBytes(candidate, string) { return index }
            index += 1
        }
        return nil
    }

    /// Native strings are contiguous UTF-8: one memcmp, where comparing the UTF-8 views
    /// went byte by byte through their iterators.
    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        let contiguous = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
        // Bridged or otherwise non-native strings compare through their UTF-8 views.
        return (contiguous ?? nil) ?? a.utf8.elementsEqual(b.utf8)
    }
}

/// UUID text in the canonical 8-4-4-4-12 form, one case throughout.
package enum UUIDText {
    /// The 16 bytes and case of `string` if rendering them gives back exactly `string`.
    /// Text without letters (all digits) counts as lowercase: both render it the same.
    package static func parse(_ string: String) -> (uuid_t, uppercase: Bool)? {
        guard string.utf8.count == 36 else { return nil }
        let parsed = string.utf8.withContiguousStorageIfAvailable { text -> (uuid_t, Bool)? in
            var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var sawLower = false, sawUpper = false
            let ok = withUnsafeMutableBytes(of: &uuid) { out -> Bool in
                var at = 0
                for byte in 0..<16 {
                    if at == 8 || at == 13 || at == 18 || at == 23 {
                        guard text[at] == UInt8(ascii: "-") else { return false }
                        at += 1
                    }
                    guard let high = nibble(text[at], &sawLower, &sawUpper),
                          let low = nibble(text[at + 1], &sawLower, &sawUpper) else { return false }
                    out[byte] = high << 4 | low
                    at += 2
                }
                return true
            }
            return ok && !(sawLower && sawUpper) ? (uuid, sawUpper) : nil
        }
        return parsed ?? nil
    }

    package static func render(_ bytes: UnsafeRawBufferPointer, uppercase: Bool) -> String {
        String(unsafeUninitializedCapacity: 36) { text in
            write(bytes, uppercase: uppercase, into: text)
            return 36
        }
    }

    /// Appends the text's 36 bytes to `output` without making a String.
    package static func append(_ uuid: UUID, uppercase: Bool, to output: inout [UInt8]) {
        withUnsafeBytes(of: uuid.uuid) { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { text in
                write(bytes, uppercase: uppercase, into: text)
                output.append(contentsOf: text)
            }
        }
    }

    private static func write(_ bytes: UnsafeRawBufferPointer, uppercase: Bool, into text: UnsafeMutableBufferPointer<UInt8>) {
        // Arithmetic rather than a digit table: a table is a global array whose
        // reference counting showed up in scans.
        let letters: UInt8 = uppercase ? UInt8(ascii: "A") - 10 : UInt8(ascii: "a") - 10
        @inline(__always) func digit(_ n: UInt8) -> UInt8 { n < 10 ? n &+ UInt8(ascii: "0") : n &+ letters }
        var at = 0
        for byte in 0..<16 {
            if byte == 4 || byte == 6 || byte == 8 || byte == 10 {
                text[at] = UInt8(ascii: "-")
                at += 1
            }
            text[at] = digit(bytes[byte] >> 4)
            text[at + 1] = digit(bytes[byte] & 0x0F)
            at += 2
        }
    }

    private static func nibble(_ c: UInt8, _ sawLower: inout Bool, _ sawUpper: inout Bool) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): sawLower = true; return c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): sawUpper = true; return c &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }
}
