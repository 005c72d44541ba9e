import CLMDB

/// A borrowed LMDB transaction handle. Byte views it returns point into the memory map
/// and are valid only until the transaction ends.
struct Transaction {
    let handle: OpaquePointer
    let path: String

    func get(_ dbi: MDB_dbi, key: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer? {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_get(handle, dbi, &k, &v)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_get", path: path)
        return UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)
    }

    func get(_ dbi: MDB_dbi, key: [UInt8]) throws -> UnsafeRawBufferPointer? {
        try key.withUnsafeBytes { (k) throws in try get(dbi, key: k) }
    }

    func put(_ dbi: MDB_dbi, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, flags: Int32 = 0) throws {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try check(mdb_put(handle, dbi, &k, &v, UInt32(flags)), "mdb_put", path: path)
    }

    func put(_ dbi: MDB_dbi, key: [UInt8], value: [UInt8], flags: Int32 = 0) throws {
        try key.withUnsafeBytes { (k) throws in
            try value.withUnsafeBytes { (v) throws in try put(dbi, key: k, value: v, flags: flags) }
        }
    }

    /// Reserves `count` bytes for the value and lets `fill` write them in place: one copy
    /// fewer on the append path.
    func reserve(_ dbi: MDB_dbi, key: UnsafeRawBufferPointer, count: Int, flags: Int32 = 0,
                 fill: (UnsafeMutableRawBufferPointer) -> Void) throws {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: count, mv_data: nil)
        try check(mdb_put(handle, dbi, &k, &v, UInt32(flags) | UInt32(MDB_RESERVE)), "mdb_put", path: path)
        fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: count))
    }

    @discardableResult
    func delete(_ dbi: MDB_dbi, key: [UInt8]) throws -> Bool {
        try key.withUnsafeBytes { (key) throws -> Bool in try delete(dbi, key: key) }
    }

    @discardableResult
    func delete(_ dbi: MDB_dbi, key: UnsafeRawBufferPointer) throws -> Bool {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        let rc = mdb_del(handle, dbi, &k, nil)
        if rc == MDB_NOTFOUND { return false }
        try check(rc, "mdb_del", path: path)
        return true
    }

    func drop(_ dbi: MDB_dbi) throws {
        try check(mdb_drop(handle, dbi, 0), "mdb_drop", path: path)
    }

    /// Deletes the database and closes its handle (mdb_drop with del = 1).
    func delete(database dbi: MDB_dbi) throws {
        try check(mdb_drop(handle, dbi, 1), "mdb_drop", path: path)
    }

    func withCursor<T>(_ dbi: MDB_dbi, _ body: (inout Cursor) throws -> T) throws -> T {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle, dbi, &cursor), "mdb_cursor_open", path: path)
        defer { mdb_cursor_close(cursor) }
        var wrapped = Cursor(handle: cursor!, path: path)
        return try body(&wrapped)
    }

    func entryCount(_ dbi: MDB_dbi) throws -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(handle, dbi, &stat), "mdb_stat", path: path)
        return stat.ms_entries
    }
}

/// A positioned cursor; each move returns the entry it lands on or nil past the end.
struct Cursor {
    typealias Entry = (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)
    let handle: OpaquePointer
    let path: String

    mutating func first() throws -> Entry? { try move(MDB_FIRST) }
    mutating func last() throws -> Entry? { try move(MDB_LAST) }
    mutating func next() throws -> Entry? { try move(MDB_NEXT) }
    mutating func previous() throws -> Entry? { try move(MDB_PREV) }

    /// The first entry whose key is >= `key`.
    mutating func seek(atLeast key: UnsafeRawBufferPointer) throws -> Entry? {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_cursor_get(handle, &k, &v, MDB_SET_RANGE)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_cursor_get", path: path)
        return (UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size), UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    mutating func seek(atLeast key: [UInt8]) throws -> Entry? {
        try key.withUnsafeBytes { (k) throws in try seek(atLeast: k) }
    }

    private mutating func move(_ op: MDB_cursor_op) throws -> Entry? {
        var k = MDB_val()
        var v = MDB_val()
        let rc = mdb_cursor_get(handle, &k, &v, op)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "mdb_cursor_get", path: path)
        return (UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size), UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }
}
