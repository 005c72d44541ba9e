import EventLog

/// A stored event could not be turned back into a `DomainEvent`.
public struct EventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}

/// A value that is stored as one `PayloadValue` field.
protocol PayloadConvertible {
    var payloadValue: PayloadValue { get }
    init?(payloadValue: PayloadValue)
}

extension String: PayloadConvertible {
    var payloadValue: PayloadValue { .string(self) }
    init?(payloadValue: PayloadValue) {
        guard case .string(let text) = payloadValue else { return nil }
        self = text
    }
}

extension Bool: PayloadConvertible {
    var payloadValue: PayloadValue { .bool(self) }
    init?(payloadValue: PayloadValue) {
        guard case .bool(let flag) = payloadValue else { return nil }
        self = flag
    }
}

/// Microseconds since 1970 as an integer: exact, unlike a double.
extension Timestamp: PayloadConvertible {
    var payloadValue: PayloadValue { .int(microseconds) }
    init?(payloadValue: PayloadValue) {
        guard case .int(let microseconds) = payloadValue else { return nil }
        self.init(microseconds: microseconds)
    }
}

extension Identifier: PayloadConvertible {
    var payloadValue: PayloadValue { .string(rawValue) }
    /// An id that no longer validates (rules tightened later) fails to decode loudly
    /// rather than turning into a different id.
    init?(payloadValue: PayloadValue) {
        guard case .string(let text) = payloadValue, let id = try? Self(text) else { return nil }
        self = id
    }
}

extension Array: PayloadConvertible where Element: PayloadConvertible {
    var payloadValue: PayloadValue { .array(map(\.payloadValue)) }
    init?(payloadValue: PayloadValue) {
        guard case .array(let items) = payloadValue else { return nil }
        var result: [Element] = []
        for item in items {
            guard let element = Element(payloadValue: item) else { return nil }
            result.append(element)
        }
        self = result
    }
}

/// Enumerations are stored by their raw string, so renaming a Swift case does not change
/// the log as long as the raw value stays.
protocol PayloadEnumeration: PayloadConvertible, RawRepresentable where RawValue == String {}

extension PayloadEnumeration {
    var payloadValue: PayloadValue { .string(rawValue) }
    init?(payloadValue: PayloadValue) {
        guard case .string(let text) = payloadValue, let value = Self(rawValue: text) else { return nil }
        self = value
    }
}

extension TribePrivacy: PayloadEnumeration {}
extension PartupPrivacy: PayloadEnumeration {}
extension TribeRole: PayloadEnumeration {}
extension PartnerLeaveReason: PayloadEnumeration {}
extension PartupOutcome: PayloadEnumeration {}

/// Builds an event's payload object field by field; nil optionals are left out, which
/// readers treat the same as a field an older writer never wrote.
struct PayloadWriter {
    private(set) var fields: [PayloadField] = []

    mutating func set(_ key: String, _ value: some PayloadConvertible) {
        fields.append(PayloadField(key: key, value: value.payloadValue))
    }

    mutating func setIfPresent(_ key: String, _ value: (some PayloadConvertible)?) {
        if let value { set(key, value) }
    }

    var payload: PayloadValue { .object(fields) }
}

/// Reads named fields of an event's payload object. Fields it is not asked for are
/// ignored, so events written by a newer version (with more fields) stay readable;
/// optional fields may be missing, so events written before a field existed do too.
struct PayloadReader {
    let type: String
    let payload: PayloadValue

    init(type: String, payload: PayloadValue) throws(EventDecodingError) {
        guard case .object = payload else { throw EventDecodingError("a \(type) payload is not an object") }
        self.type = type
        self.payload = payload
    }

    func required<Value: PayloadConvertible>(_ key: String) throws(EventDecodingError) -> Value {
        guard let value: Value = try optional(key) else {
            throw EventDecodingError("a \(type) payload has no \"\(key)\" field")
        }
        return value
    }

    /// nil when the field is missing or null; an error when it holds the wrong kind of value.
    func optional<Value: PayloadConvertible>(_ key: String) throws(EventDecodingError) -> Value? {
        guard let raw = payload[key], raw != .null else { return nil }
        guard let value = Value(payloadValue: raw) else {
            throw EventDecodingError("the \"\(key)\" field of a \(type) payload holds an unexpected value: \(raw)")
        }
        return value
    }

    func value<Value: PayloadConvertible>(_ key: String, default fallback: Value) throws(EventDecodingError) -> Value {
        try optional(key) ?? fallback
    }
}
