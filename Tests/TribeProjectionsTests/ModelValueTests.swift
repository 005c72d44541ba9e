import EventLog
import ProjectionKit
import Testing
import TribeDomain

@testable import TribeProjections

@Suite struct ModelValueTests {
    private func roundTrip<V: ModelValue & Equatable>(_ value: V) throws -> V {
        try V.decode(modelBytes: value.modelBytes, key: ModelKey("test"))
    }

    @Test func valuesReadBackAsWritten() throws {
        #expect(try roundTrip("Ünïcode ✓") == "Ünïcode ✓")
        #expect(try roundTrip(UInt64.max) == UInt64.max)
        #expect(try roundTrip(Int64.min) == Int64.min)
        #expect(try roundTrip(Timestamp(microseconds: -5)) == Timestamp(microseconds: -5))
        #expect(try roundTrip(["a", "", "c"]) == ["a", "", "c"])
        #expect(try roundTrip(Set(["b", "a"])) == Set(["a", "b"]))
        #expect(try roundTrip(Optional<String>.none) == nil)
        #expect(try roundTrip(MemberID("m-1")) == MemberID("m-1"))
    }

    @Test func setsAreStoredInOneOrderSoRebuiltModelsCompareEqual() {
        #expect(Set(["x", "y", "z"]).modelBytes == Set(["z", "y", "x"]).modelBytes)
    }

    @Test func damagedBytesGiveAnErrorThatSaysToRebuild() {
        #expect {
            _ = try [String].decode(modelBytes: [200, 1], key: ModelKey("test"))
        } throws: { error in
            "\(error)".contains("tribelog rebuild")
        }
    }
}
