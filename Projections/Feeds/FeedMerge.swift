import EventLog
import ProjectionKit

/// Merges several newest-first feeds into one by position (a k-way merge), reading each
/// feed in chunks only as far as the page needs. An event found in two feeds (a part-up's
/// event is in its tribe's feed and its own) is given once.
struct FeedMerge {
    private struct Source {
        let prefix: ModelKey
        var buffer: [FeedEntry] = []
        var index = 0
        /// Where the next chunk starts: below this position (nil: from the newest).
        var below: Position?
        var exhausted = false
    }

    private let model: ModelReader
    private var sources: [Source]
    private let chunk: Int

    init(_ model: ModelReader, prefixes: [ModelKey], before cursor: Position?, chunk: Int = 64) {
        self.model = model
        self.sources = prefixes.map { Source(prefix: $0, below: cursor) }
        self.chunk = chunk
    }

    /// The newest `limit` entries `keep` accepts, and whether more follow.
    mutating func newest(_ limit: Int, where keep: (FeedEntry) throws -> Bool) throws -> (values: [FeedEntry], more: Bool) {
        var values: [FeedEntry] = []
        var last: Position?
        while let entry = try next() {
            guard entry.record.position != last else { continue }
            last = entry.record.position
            guard try keep(entry) else { continue }
            if values.count == limit { return (values, true) }
            values.append(entry)
        }
        return (values, false)
    }

    /// Takes the newest head among the sources.
    private mutating func next() throws -> FeedEntry? {
        var best: Int?
        for index in sources.indices {
            guard let head = try head(index) else { continue }
            if best.map({ head.record.position > sources[$0].buffer[sources[$0].index].record.position }) ?? true { best = index }
        }
        guard let best else { return nil }
        defer { sources[best].index += 1 }
        return sources[best].buffer[sources[best].index]
    }

    private mutating func head(_ index: Int) throws -> FeedEntry? {
        if sources[index].index == sources[index].buffer.count {
            guard !sources[index].exhausted else { return nil }
            let source = sources[index]
            let page = try ModelPages.read(model, prefix: source.prefix, from: ModelPages.start(below: source.below, in: source.prefix),
                                           limit: chunk, as: FeedEntry.self)
            sources[index].buffer = page.values
            sources[index].index = 0
            sources[index].exhausted = !page.more
            sources[index].below = page.values.last?.record.position
            if page.values.isEmpty { return nil }
        }
        return sources[index].buffer[sources[index].index]
    }
}
