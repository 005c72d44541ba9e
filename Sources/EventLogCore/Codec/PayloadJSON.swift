/// JSON is how payloads leave and enter Tribelog (export, the API, NDJSON import);
/// it is never what is stored. Rendering is canonical: compact, keys in stored order,
/// so JSON that was itself rendered here (as exports are) comes back byte-identical
/// after an import. Both directions work on UTF-8 bytes because they sit on the
/// import and export hot paths.

/// Why a JSON text was rejected, with the byte offset into the input (counted from 0).
public struct PayloadJSONError: Error, CustomStringConvertible {
    public let offset: Int
    public let description: String

    package init(_ message: String, at offset: Int, found: String? = nil) {
        self.offset = offset
        description = "\(message) at byte \(offset)" + (found.map { ", found \($0)" } ?? "")
    }
}

// MARK: - Rendering

extension PayloadValue {
    public func writeJSON(into output: inout [UInt8]) {
        switch self {
        case .null:
            output.append(contentsOf: JSONBytes.null)
        case .bool(let flag):
            output.append(contentsOf: flag ? JSONBytes.true : JSONBytes.false)
        case .int(let number):
            Self.writeJSONInteger(number, into: &output)
        case .double(let number):
            // JSON has no NaN or infinity; null is what JavaScript's JSON.stringify writes.
            guard number.isFinite else { return output.append(contentsOf: JSONBytes.null) }
            // Swift's description is the shortest text that reads back to the same bits,
            // and always has a '.' or an exponent for finite values ("1.0", "1e+16"), so
            // the parser reads it back as a double rather than an int.
            output.append(contentsOf: number.description.utf8)
        case .string(let text):
            Self.writeJSONString(text, into: &output)
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                item.writeJSON(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let fields):
            output.append(UInt8(ascii: "{"))
            for (index, field) in fields.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeJSONString(field.key, into: &output)
                output.append(UInt8(ascii: ":"))
                field.value.writeJSON(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    public var jsonString: String {
        var output: [UInt8] = []
        writeJSON(into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private static func writeJSONInteger(_ number: Int64, into output: inout [UInt8]) {
        if number < 0 { output.append(UInt8(ascii: "-")) }
        // magnitude, because -Int64.min does not fit in Int64
        writeDecimal(number.magnitude, into: &output)
    }

    /// Digits straight into the output: `description` would allocate a String per number.
    package static func writeDecimal(_ number: UInt64, into output: inout [UInt8]) {
        var rest = number
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest != 0
            output.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// Copies runs of bytes that need no escaping in one go; only '"', '\' and control
    /// characters are escaped, as RFC 8259 requires, so non-ASCII text stays as UTF-8.
    private static func writeJSONString(_ text: String, into output: inout [UInt8]) {
        var text = text
        output.append(UInt8(ascii: "\""))
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                case 0x09: output.append(UInt8(ascii: "t"))
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                default:
                    output.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, JSONBytes.hex[Int(byte >> 4)], JSONBytes.hex[Int(byte & 0xF)]])
                }
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }
}

package enum JSONBytes {
    package static let null = Array("null".utf8)
    package static let `true` = Array("true".utf8)
    package static let `false` = Array("false".utf8)
    /// Lowercase, as JavaScript's JSON.stringify writes control characters.
    package static let hex = Array("0123456789abcdef".utf8)
}

// MARK: - Parsing

extension PayloadValue {
    /// Parses exactly one JSON value (whitespace around it allowed) from UTF-8 bytes.
    public static func parseJSON(_ bytes: UnsafeRawBufferPointer) throws(PayloadJSONError) -> PayloadValue {
        var parser = PayloadJSONParser(bytes.bindMemory(to: UInt8.self))
        return try parser.parseDocument()
    }

    public static func parseJSON(_ text: String) throws(PayloadJSONError) -> PayloadValue {
        var text = text
        // withUTF8 only rethrows untyped errors, so the typed error travels in a Result.
        return try text.withUTF8 { utf8 in
            Result { () throws(PayloadJSONError) in try parseJSON(UnsafeRawBufferPointer(utf8)) }
        }.get()
    }
}
