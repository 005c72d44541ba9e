import PropertyBased

@testable import EventLog

/// Random payloads for property tests. Hand-rolled on the generator's random source
/// because `PayloadValue` is recursive; weighted towards the values codecs get wrong:
/// escapes, astral characters, integer extremes, -0.0, subnormals and NaN payloads.
extension PayloadValueTests {
    static func values(finiteOnly: Bool) -> Generator<PayloadValue, Shrink.None<PayloadValue>> {
        Generator { rng in value(&rng, levels: 4, finiteOnly: finiteOnly) }
    }

    static func value(_ rng: inout some RandomNumberGenerator, levels: Int, finiteOnly: Bool) -> PayloadValue {
        switch Int.random(in: 0..<(levels > 0 ? 8 : 6), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .int(integer(&rng))
        case 3: return .double(double(&rng, finiteOnly: finiteOnly))
        case 4, 5: return .string(string(&rng))
        case 6:
            let count = Int.random(in: 0...4, using: &rng)
            return .array((0..<count).map { _ in value(&rng, levels: levels - 1, finiteOnly: finiteOnly) })
        default:
            var fields: [PayloadField] = []
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let key = string(&rng)
                guard !fields.contains(where: { $0.key == key }) else { continue }
                fields.append(PayloadField(key: key, value: value(&rng, levels: levels - 1, finiteOnly: finiteOnly)))
            }
            return .object(fields)
        }
    }

    static func integer(_ rng: inout some RandomNumberGenerator) -> Int64 {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return Int64.random(in: -300...300, using: &rng)
        case 1: return [Int64.min, .max, .min + 1, .max - 1, 0, -1][Int.random(in: 0..<6, using: &rng)]
        default: return Int64.random(in: .min ... .max, using: &rng)
        }
    }

    static func double(_ rng: inout some RandomNumberGenerator, finiteOnly: Bool) -> Double {
        let special: [Double] = [
            0, -0.0, 1, -1, 0.1, 1e16, 1e22, 1e23, 9007199254740992, 9007199254740994, .leastNonzeroMagnitude, .leastNormalMagnitude,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 123456789.125,
        ]
        let nonFinite: [Double] = [.nan, -.nan, .infinity, -.infinity, Double(bitPattern: 0x7FF0_0000_0000_0ABC)]
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return special[Int.random(in: 0..<special.count, using: &rng)]
        case 1: return finiteOnly ? 2.5 : nonFinite[Int.random(in: 0..<nonFinite.count, using: &rng)]
        case 2: return Double(Int32.random(in: .min ... .max, using: &rng))  // integral: "42.0", not "42"
        case 3: return Double.random(in: -1e6...1e6, using: &rng)
        default:
            // Any bit pattern: every exponent, subnormals, long shortest forms.
            while true {
                let number = Double(bitPattern: UInt64.random(in: .min ... .max, using: &rng))
                if number.isFinite || !finiteOnly { return number }
            }
        }
    }

    static func string(_ rng: inout some RandomNumberGenerator) -> String {
        let pools: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0x20...0x7E, 0x00...0x1F, 0x7F...0x7F, 0xA0...0x7FF, 0x800...0xD7FF,
            0xE000...0xFFFD, 0x1F300...0x1FAFF, 0x10000...0x10FFFF,
        ]
        let escaped: [Unicode.Scalar] = ["\"", "\\", "/", "\u{2028}"]
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...10, using: &rng) {
            if Int.random(in: 0..<6, using: &rng) == 0 {
                text.append(escaped[Int.random(in: 0..<escaped.count, using: &rng)])
            } else {
                let pool = pools[Int.random(in: 0..<pools.count, using: &rng)]
                text.append(Unicode.Scalar(UInt32.random(in: pool, using: &rng))!)
            }
        }
        return String(text)
    }

    /// Equality that tells -0.0 from 0.0 and compares NaNs by bit pattern, which is
    /// what "round trip" has to mean for stored data.
    static func identical(_ lhs: PayloadValue, _ rhs: PayloadValue) -> Bool {
        switch (lhs, rhs) {
        case (.double(let a), .double(let b)):
            return a.bitPattern == b.bitPattern
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { identical($0, $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && identical($0.value, $1.value) }
        default:
            return lhs == rhs
        }
    }

    static func parseError(_ json: [UInt8]) -> PayloadJSONError? {
        json.withUnsafeBytes { raw -> PayloadJSONError? in
            do throws(PayloadJSONError) {
                _ = try PayloadValue.parseJSON(raw)
                return nil
            } catch {
                return error
            }
        }
    }

    static func decodeError(_ bytes: [UInt8]) -> RecordDecodingError? {
        bytes.withUnsafeBytes { raw -> RecordDecodingError? in
            do throws(RecordDecodingError) {
                _ = try PayloadValue.decode(raw)
                return nil
            } catch {
                return error
            }
        }
    }
}
