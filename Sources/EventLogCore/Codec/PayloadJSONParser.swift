/// Strict RFC 8259 parser behind `PayloadValue.parseJSON`. Hand-written over UTF-8
/// bytes because it runs once per imported NDJSON line; anything RFC 8259 does not
/// allow (trailing commas, comments, leading zeros, lone surrogates, raw control
/// characters in strings) is rejected rather than guessed at, and so are duplicate
/// keys, which a stored object cannot hold.
package struct PayloadJSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// Reused across strings with escapes so that each one does not allocate a buffer.
    private var scratch: [UInt8] = []

    package init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    package mutating func parseDocument() throws(PayloadJSONError) -> PayloadValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard position == bytes.count else { throw unexpected("expected end of input") }
        return value
    }

    // MARK: Values

    /// `depth` counts the containers around the value, so the 64th nested container
    /// is read at depth 63 and the 65th is refused.
    private mutating func parseValue(depth: Int) throws(PayloadJSONError) -> PayloadValue {
        guard let byte = peek() else { throw unexpected("expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral(JSONBytes.true); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral(JSONBytes.false); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral(JSONBytes.null); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw unexpected("expected a value")
        }
    }

    private mutating func parseArray(depth: Int) throws(PayloadJSONError) -> PayloadValue {
        try enterContainer(depth: depth)
        var items: [PayloadValue] = []
        if peek() == UInt8(ascii: "]") { position += 1; return .array(items) }
        while true {
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: "]"): position += 1; return .array(items)
            case UInt8(ascii: ","): try skipComma(before: UInt8(ascii: "]"))
            default: throw unexpected("expected ',' or ']'")
            }
        }
    }

    private mutating func parseObject(depth: Int) throws(PayloadJSONError) -> PayloadValue {
        try enterContainer(depth: depth)
        var fields: [PayloadField] = []
        var keys = DuplicateKeyCheck()
        if peek() == UInt8(ascii: "}") { position += 1; return .object(fields) }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw unexpected("expected '\"' starting a key") }
            let keyOffset = position
            let key = try parseString()
            guard keys.insert(key) else {
                throw PayloadJSONError("duplicate key \(PayloadValue.string(key).jsonString)", at: keyOffset)
            }
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw unexpected("expected ':' after a key") }
            position += 1
            skipWhitespace()
            fields.append(PayloadField(key: key, value: try parseValue(depth: depth + 1)))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: "}"): position += 1; return .object(fields)
            case UInt8(ascii: ","): try skipComma(before: UInt8(ascii: "}"))
            default: throw unexpected("expected ',' or '}'")
            }
        }
    }

    /// Steps over the opening bracket once the depth limit allows another container.
    private mutating func enterContainer(depth: Int) throws(PayloadJSONError) {
        guard depth < PayloadValue.maxDepth else {
            throw PayloadJSONError("containers nested deeper than \(PayloadValue.maxDepth)", at: position)
        }
        position += 1
        skipWhitespace()
    }

    /// A comma directly followed by the closing bracket gets its own message, because
    /// trailing commas are the most common hand-edited JSON mistake.
    private mutating func skipComma(before closing: UInt8) throws(PayloadJSONError) {
        let commaOffset = position
        position += 1
        skipWhitespace()
        if peek() == closing {
            throw PayloadJSONError("trailing comma before '\(Character(Unicode.Scalar(closing)))'", at: commaOffset)
        }
    }

    private mutating func parseLiteral(_ literal: [UInt8]) throws(PayloadJSONError) {
        let start = position
        for expected in literal {
            guard peek() == expected else {
                throw PayloadJSONError("invalid literal, expected '\(String(decoding: literal, as: UTF8.self))'", at: start)
            }
            position += 1
        }
    }

    // MARK: Numbers

    /// Validates the RFC 8259 number grammar while accumulating the digits, so that
    /// the common cases (integers; doubles with few digits) need no second pass.
    private mutating func parseNumber() throws(PayloadJSONError) -> PayloadValue {
        let start = position
        let negative = peek() == UInt8(ascii: "-")
        if negative { position += 1 }
        var mantissa: UInt64 = 0
        var mantissaOverflowed = false
        var fractionDigits = 0
        func accumulate(_ digit: UInt8) {
            let (times10, overflow1) = mantissa.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit &- UInt8(ascii: "0")))
            mantissa = sum
            mantissaOverflowed = mantissaOverflowed || overflow1 || overflow2
        }

        guard let first = peek(), isDigit(first) else { throw unexpected("expected a digit") }
        position += 1
        accumulate(first)
        if first == UInt8(ascii: "0") {
            if let next = peek(), isDigit(next) {
                throw PayloadJSONError("leading zeros are not allowed in numbers", at: position - 1)
            }
        } else {
            while let digit = peek(), isDigit(digit) { accumulate(digit); position += 1 }
        }
        var isInteger = true
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard let digit = peek(), isDigit(digit) else { throw unexpected("expected a digit after '.'") }
            while let digit = peek(), isDigit(digit) { accumulate(digit); fractionDigits += 1; position += 1 }
        }
        var exponent = 0
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            let negativeExponent = peek() == UInt8(ascii: "-")
            if negativeExponent || peek() == UInt8(ascii: "+") { position += 1 }
            guard let digit = peek(), isDigit(digit) else { throw unexpected("expected a digit in the exponent") }
            while let digit = peek(), isDigit(digit) {
                // Saturates: anything this large is out of range anyway, and the slow path decides.
                if exponent < 100_000 { exponent = exponent * 10 + Int(digit - UInt8(ascii: "0")) }
                position += 1
            }
            if negativeExponent { exponent = -exponent }
        }

        if isInteger && !mantissaOverflowed {
            if !negative, mantissa <= UInt64(Int64.max) { return .int(Int64(mantissa)) }
            if negative, mantissa <= Int64.min.magnitude { return .int(Int64(truncatingIfNeeded: 0 &- mantissa)) }
        }
        // Clinger's fast path: a mantissa below 2^53 and a power of ten up to 1e22 are
        // both exact doubles, so one IEEE multiply or divide is correctly rounded.
        let scale = exponent - fractionDigits
        if !mantissaOverflowed, mantissa <= 1 << 53, abs(scale) <= 22 {
            let magnitude = scale < 0
                ? Double(mantissa) / Self.powersOfTen[-scale] : Double(mantissa) * Self.powersOfTen[scale]
            return .double(negative ? -magnitude : magnitude)
        }
        // Long or extreme numbers: the standard library's correctly rounded conversion.
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            // Storing infinity would export as null: refuse rather than lose the number.
            throw PayloadJSONError("number is out of range for a 64-bit double", at: start)
        }
        return .double(value)
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    // MARK: Strings

    /// Reads a string starting at its opening quote. Strings without escapes (nearly
    /// all keys and most values) become a String straight from the input bytes.
    private mutating func parseString() throws(PayloadJSONError) -> String {
        let start = position
        position += 1
        var runStart = position
        var escaped = false
        while true {
            guard let byte = peek() else { throw unexpected("expected closing '\"' of the string from byte \(start)") }
            switch byte {
            case UInt8(ascii: "\""):
                let decoded: String?
                if escaped {
                    scratch.append(contentsOf: bytes[runStart..<position])
                    decoded = String(validating: scratch, as: UTF8.self)
                } else {
                    decoded = String(validating: UnsafeBufferPointer(rebasing: bytes[runStart..<position]), as: UTF8.self)
                }
                position += 1
                guard let string = decoded else {
                    throw PayloadJSONError("invalid UTF-8 in the string that starts", at: start)
                }
                return string
            case UInt8(ascii: "\\"):
                if !escaped { scratch.removeAll(keepingCapacity: true); escaped = true }
                scratch.append(contentsOf: bytes[runStart..<position])
                try parseEscape()
                runStart = position
            case 0..<0x20:
                throw unexpected("control characters must be escaped in strings")
            default:
                position += 1
            }
        }
    }

    /// Decodes one escape at `position` (its backslash) into `scratch` as UTF-8.
    private mutating func parseEscape() throws(PayloadJSONError) {
        let start = position
        position += 1
        guard let letter = peek() else { throw unexpected("expected an escape character after '\\'") }
        position += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(letter)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try parseHex4())
            if (0xDC00...0xDFFF).contains(scalar) {
                throw PayloadJSONError("lone low surrogate \\u\(hex(scalar)) without a high surrogate before it", at: start)
            }
            if (0xD800...0xDBFF).contains(scalar) {
                // UTF-16 needs the low half right after; a lone half is not a character.
                let high = scalar
                guard peek() == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u")
                else { throw PayloadJSONError("lone high surrogate \\u\(hex(high)) not followed by a low surrogate", at: start) }
                position += 2
                let low = UInt32(try parseHex4())
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw PayloadJSONError("lone high surrogate \\u\(hex(high)) not followed by a low surrogate", at: start)
                }
                scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            scratch.append(contentsOf: Unicode.Scalar(scalar)!.utf8)
        default:
            throw PayloadJSONError("invalid escape", at: start, found: "'\\\(describe(letter))'")
        }
    }

    private mutating func parseHex4() throws(PayloadJSONError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = peek() else { throw unexpected("expected 4 hex digits after '\\u'") }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw unexpected("expected 4 hex digits after '\\u'")
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    // MARK: Helpers

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    /// An error at the current position that also says what was there instead.
    private func unexpected(_ expectation: String) -> PayloadJSONError {
        PayloadJSONError(expectation, at: position, found: peek().map { describe($0) }.map { "'\($0)'" } ?? "end of input")
    }

    private func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(Character(Unicode.Scalar(byte))) : "\\x" + hex(UInt32(byte), width: 2)
    }

    private func hex(_ value: UInt32, width: Int = 4) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
