import PropertyBased
import Testing

@testable import EventLog

@Suite struct PayloadValueTests {
    // MARK: Properties

    @Test func binaryRoundTripKeepsEveryValueBitForBit() async {
        await propertyCheck(count: 200, input: Self.values(finiteOnly: false)) { value in
            let bytes = value.encoded
            let decoded = try bytes.withUnsafeBytes { try PayloadValue.decode($0) }
            #expect(Self.identical(decoded, value))
        }
    }

    @Test func decodingFromAReaderStopsRightAfterTheValue() async {
        await propertyCheck(count: 200, input: Self.values(finiteOnly: false)) { value in
            var writer = ByteWriter()
            value.encode(into: &writer)
            writer.write(0xEE)  // the next field of an enclosing record
            let (decoded, offset) = try writer.bytes.withUnsafeBytes { raw in
                var reader = ByteReader(raw)
                return (try PayloadValue.decode(&reader), reader.offset)
            }
            #expect(Self.identical(decoded, value))
            #expect(offset == writer.bytes.count - 1)
        }
    }

    @Test func jsonRoundTripGivesBackTheValue() async {
        await propertyCheck(count: 200, input: Self.values(finiteOnly: true)) { value in
            var json: [UInt8] = []
            value.writeJSON(into: &json)
            let parsed = try json.withUnsafeBytes { try PayloadValue.parseJSON($0) }
            #expect(Self.identical(parsed, value), "\(value.jsonString)")
        }
    }

    @Test func renderingParsedJSONIsByteIdentical() async {
        // Non-finite doubles included: they render as null, and null must be stable too.
        await propertyCheck(count: 200, input: Self.values(finiteOnly: false)) { value in
            let rendered = value.jsonString
            let again = try PayloadValue.parseJSON(rendered).jsonString
            #expect(Array(again.utf8) == Array(rendered.utf8))
        }
    }

    // MARK: Rendering

    @Test func escapesWhatRFC8259RequiresAndNothingElse() throws {
        let value = PayloadValue.string("q\"b\\n\nr\rt\tb\u{08}f\u{0C}z\u{00}u\u{1F}/é\u{7F}\u{2028}😀👩‍👩‍👧")
        let expected = #""q\"b\\n\nr\rt\tb\bf\fz\u0000u\u001f/é"# + "\u{7F}\u{2028}😀👩‍👩‍👧\""
        #expect(value.jsonString == expected)
        #expect(try PayloadValue.parseJSON(expected) == value)
    }

    @Test func parsesEveryEscapeIncludingSurrogatePairs() throws {
        let json = #""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\uD83D\uDE00""#
        #expect(try PayloadValue.parseJSON(json) == .string("\"\\/\u{08}\u{0C}\n\r\tAé€😀"))
    }

    @Test(arguments: [
        (1.0, "1.0"), (-0.0, "-0.0"), (0.1, "0.1"), (100.0, "100.0"), (1e16, "1e+16"),
        (1e-7, "1e-07"), (.leastNonzeroMagnitude, "5e-324"), (-2.5, "-2.5"),
        (.nan, "null"), (.infinity, "null"), (-.infinity, "null"),
    ])
    func doublesRenderSoTheyReadBackAsDoubles(number: Double, json: String) throws {
        #expect(PayloadValue.double(number).jsonString == json)
        if number.isFinite {
            let parsed = try PayloadValue.parseJSON(json)
            #expect(Self.identical(parsed, .double(number)))
        }
    }

    @Test func integersAndDoublesStayDistinct() throws {
        #expect(try PayloadValue.parseJSON("1") == .int(1))
        #expect(try PayloadValue.parseJSON("1.0") == .double(1))
        #expect(try PayloadValue.parseJSON("1e2") == .double(100))
        #expect(try PayloadValue.parseJSON("-0") == .int(0))
        #expect(try PayloadValue.parseJSON("[1,1.0]").jsonString == "[1,1.0]")
    }

    @Test func bigIntegers() throws {
        #expect(PayloadValue.int(.max).jsonString == "9223372036854775807")
        #expect(PayloadValue.int(.min).jsonString == "-9223372036854775808")
        #expect(try PayloadValue.parseJSON("9223372036854775807") == .int(.max))
        #expect(try PayloadValue.parseJSON("-9223372036854775808") == .int(.min))
        // One past Int64 either way no longer fits, so it becomes the nearest double.
        #expect(try PayloadValue.parseJSON("9223372036854775808") == .double(9223372036854775808))
        #expect(try PayloadValue.parseJSON("-9223372036854775809") == .double(-9223372036854775808))
        #expect(try PayloadValue.parseJSON("123456789012345678901234567890") == .double(1.2345678901234568e29))
        for number in [Int64.min, .max, -1, 0, 1] {
            #expect(try PayloadValue.int(number).encoded.withUnsafeBytes { try PayloadValue.decode($0) } == .int(number))
        }
    }

    @Test func objectsKeepTheirKeyOrder() throws {
        let line = #"{"z":1,"a":[true,false,null],"m":{"":"x","b":-2.5}}"#
        let value = try PayloadValue.parseJSON(line)
        #expect(value.jsonString == line)
        #expect(value["a"] == .array([.bool(true), .bool(false), .null]))
        #expect(value["m"]?[""] == .string("x"))
        #expect(value["missing"] == nil)
        #expect(PayloadValue.int(1)["z"] == nil)
    }

    @Test func whitespaceBetweenTokensIsAllowed() throws {
        let value = try PayloadValue.parseJSON(" \t{ \"a\" :\r\n[ 1 , 2.5 ] , \"b\" : { } }\n")
        #expect(value.jsonString == #"{"a":[1,2.5],"b":{}}"#)
    }

    // MARK: Parser rejections

    @Test(arguments: [
        ("[1,2,]", 4, "trailing comma before ']'"),
        (#"{"a":1,}"#, 6, "trailing comma before '}'"),
        ("01", 0, "leading zeros"),
        ("[-012]", 2, "leading zeros"),
        (#""\uD800""#, 1, "lone high surrogate \\uD800"),
        (#""\uD83Dx""#, 1, "lone high surrogate"),
        (#""\uD83D\u0041""#, 1, "lone high surrogate"),
        (#""\uDE00""#, 1, "lone low surrogate \\uDE00"),
        (#"{"a":1,"b":2,"a":3}"#, 13, #"duplicate key "a""#),
        (#"{"a":"#, 5, "expected a value at byte 5, found end of input"),
        ("[1,2", 4, "expected ',' or ']' at byte 4, found end of input"),
        (#"{"a":1"#, 6, "expected ',' or '}' at byte 6, found end of input"),
        (#"{"a":1 "b":2}"#, 7, "expected ',' or '}' at byte 7, found '\"'"),
        (#"["abc"#, 5, "expected closing '\"'"),
        (#""ab\"#, 4, "expected an escape character"),
        (#""\u12"#, 5, "expected 4 hex digits"),
        ("tru", 0, "expected 'true'"),
        ("-", 1, "expected a digit"),
        ("1.", 2, "expected a digit after '.'"),
        ("1e+", 3, "expected a digit in the exponent"),
        ("", 0, "expected a value at byte 0, found end of input"),
        ("[1]x", 3, "expected end of input at byte 3, found 'x'"),
        ("[1 2]", 3, "expected ',' or ']'"),
        (#"{"a" 1}"#, 5, "expected ':'"),
        ("{1:2}", 1, "expected '\"' starting a key"),
        ("[.5]", 1, "expected a value"),
        ("// comment\n1", 0, "expected a value"),
        ("NaN", 0, "expected a value"),
        (#""\q""#, 1, #"invalid escape at byte 1, found '\q'"#),
        ("\"a\nb\"", 2, "control characters must be escaped"),
        ("1e400", 0, "out of range"),
    ])
    func parserRejects(json: String, offset: Int, message: String) {
        let error = Self.parseError(Array(json.utf8))
        #expect(error?.offset == offset, "\(json)")
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "accepted") for \(json)")
        #expect(error?.description.contains("at byte \(offset)") == true)
    }

    @Test func parserRejectsInvalidUTF8() {
        let error = Self.parseError([UInt8(ascii: "["), 0x22, 0x61, 0xC3, 0x28, 0x22, UInt8(ascii: "]")])
        #expect(error?.description == "invalid UTF-8 in the string that starts at byte 1")
    }

    @Test func parserLimitsNestingTo64() throws {
        let arrays = { (n: Int) in String(repeating: "[", count: n) + String(repeating: "]", count: n) }
        #expect(try PayloadValue.parseJSON(arrays(64)).depth == 64)
        let error = Self.parseError(Array(arrays(65).utf8))
        #expect(error?.offset == 64)
        #expect(error?.description == "containers nested deeper than 64 at byte 64")

        let objects = { (n: Int) in String(repeating: #"{"k":"#, count: n) + "1" + String(repeating: "}", count: n) }
        #expect(try PayloadValue.parseJSON(objects(64)).depth == 64)
        #expect(Self.parseError(Array(objects(65).utf8))?.offset == 64 * 5)
    }

    // MARK: Binary format

    @Test func tagNumbersAreFixed() {
        #expect(PayloadValue.null.encoded == [0])
        #expect(PayloadValue.bool(false).encoded == [1])
        #expect(PayloadValue.bool(true).encoded == [2])
        #expect(PayloadValue.int(-1).encoded == [3, 1])
        #expect(PayloadValue.double(1).encoded == [4, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0])
        #expect(PayloadValue.string("a").encoded == [5, 1, 0x61])
        #expect(PayloadValue.array([.null]).encoded == [6, 1, 0])
        #expect(PayloadValue.object([PayloadField(key: "a", value: .null)]).encoded == [7, 1, 1, 0x61, 0])
    }

    @Test func truncatedBinaryThrows() throws {
        let value = try PayloadValue.parseJSON(#"{"a":[1,2.5,"xyz",{"b":null}],"c":true}"#)
        let bytes = value.encoded
        for length in 0..<bytes.count {
            let error = Self.decodeError(Array(bytes[..<length]))
            #expect(error?.description.contains("ends in the middle of") == true, "prefix \(length)")
        }
    }

    @Test func unknownTagThrowsNamingIt() {
        let error = Self.decodeError([6, 2, 0, 42])
        #expect(error?.description.contains("unknown value tag 42 at byte 3") == true, "\(String(describing: error))")
    }

    @Test func otherDamageThrows() {
        #expect(Self.decodeError([0, 0])?.description.contains("1 unexpected bytes after the value at byte 1") == true)
        #expect(Self.decodeError([7, 2, 1, 0x61, 0, 1, 0x61, 1])?.description.contains(#"duplicate key "a""#) == true)
        #expect(Self.decodeError([6, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) != nil)  // count far beyond the buffer
        #expect(Self.decodeError([5, 2, 0xC3, 0x28])?.description.contains("not valid UTF-8") == true)
        let nested = { (n: Int) -> [UInt8] in Array(repeating: [6, 1], count: n).flatMap { $0 } + [0] }
        #expect(Self.decodeError(nested(64)) == nil)
        #expect(Self.decodeError(nested(65))?.description.contains("nested deeper than 64 at byte 128") == true)
    }

    @Test func wellFormednessMatchesWhatDecodingAccepts() {
        let duplicate = PayloadValue.object([PayloadField(key: "a", value: .null), PayloadField(key: "a", value: .null)])
        #expect(!duplicate.isWellFormed)
        #expect(Self.decodeError(duplicate.encoded) != nil)
        var deep = PayloadValue.null
        for _ in 0..<64 { deep = .array([deep]) }
        #expect(deep.isWellFormed)
        #expect(!PayloadValue.array([deep]).isWellFormed)
        let wide = PayloadValue.object((0..<40).map { PayloadField(key: "k\($0 % 39)", value: .int(Int64($0))) })
        #expect(!wide.isWellFormed)
    }
}
