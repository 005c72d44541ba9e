import Foundation
import Testing
@testable import EventLog

@Suite struct EventIDTests {
    @Test func v7HasVersionAndVariantBits() {
        let id = UUID.v7()
        let text = id.uuidString.lowercased()
        #expect(Array(text)[14] == "7")
        #expect(["8", "9", "a", "b"].contains(Array(text)[19]))
    }

    @Test func v7SortsByTimeAcrossMilliseconds() {
        let earlier = UUID.v7(at: Timestamp(microseconds: 1_700_000_000_000_000))
        let later = UUID.v7(at: Timestamp(microseconds: 1_700_000_000_001_000))
        #expect(earlier.bigEndianHalves < later.bigEndianHalves)
    }

    @Test func v7IsUniqueWithinOneMillisecond() {
        let time = Timestamp.now()
        let ids = Set((0..<10_000).map { _ in UUID.v7(at: time) })
        #expect(ids.count == 10_000)
    }
}
