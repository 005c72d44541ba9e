import Foundation
import Synchronization

/// A plain TCP connection to 127.0.0.1, for what corelibs URLSession cannot do on Linux:
/// read a response as it streams (Server-Sent Events), and time a request from a thread
/// of its own. Every call blocks, so it is used only from a `BlockingWorker`'s thread.
/// Reads wait in slices of 250 ms and give up at their deadline; `shutdown` from any
/// other thread ends a read at once (with end of file), and `close` frees the socket.
final class LoopbackSocket: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The descriptor, -1 once closed: `shutdown` and `close` may race from two threads.
    private let descriptor: Mutex<Int32>

    /// Connects to 127.0.0.1:`port`. `receiveBuffer` shrinks the kernel's receive buffer
    /// (before connecting, so the window offered is small too): a slow reader's server
    /// then backs up sooner.
    init(port: Int, receiveBuffer: Int? = nil) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        if var size = receiveBuffer.map({ Int32($0) }) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        // A read or write returns EAGAIN after 250 ms without progress, so that the caller
        // checks its deadline; connect is bounded by the send timeout too.
        var slice = timeval(tv_sec: 0, tv_usec: 250_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &slice, socklen_t(MemoryLayout<timeval>.size))
        var connectLimit = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &connectLimit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port): \(message)")
        }
        descriptor = Mutex(fd)
    }

    deinit { close() }

    /// Ends every read and write in progress (they see end of file); safe from any thread.
    func shutdown() {
        descriptor.withLock { fd in if fd >= 0 { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) } }
    }

    func close() {
        descriptor.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    /// The descriptor for a blocking call, or nil once closed. The call itself runs
    /// outside the lock (a blocked read must not keep `shutdown` out).
    private var fd: Int32? {
        let fd = descriptor.withLock { $0 }
        return fd >= 0 ? fd : nil
    }

    /// Writes all of `bytes` (MSG_NOSIGNAL: a closed peer is an error, not a SIGPIPE).
    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws {
        var sent = 0
        while sent < bytes.count {
            guard let fd else { throw Failure(description: "socket closed") }
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                sent += n
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) && .now < deadline {
                continue
            } else {
                throw Failure(description: n < 0 ? "send: \(String(cString: strerror(errno)))" : "send: nothing written")
            }
        }
    }

    /// Up to `limit` bytes, waiting until some arrive: empty at end of file (or after
    /// `shutdown`); throws `Timeout` at the deadline.
    func read(limit: Int, deadline: ContinuousClock.Instant) throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: limit)
        while true {
            guard let fd else { return [] }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, limit, 0) }
            if n > 0 { return Array(chunk[0..<n]) }
            if n == 0 { return [] }
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                if ContinuousClock.now >= deadline { throw Timeout() }
                continue
            }
            if errno == ECONNRESET || errno == EBADF || errno == ENOTCONN { return [] }
            throw Failure(description: "recv: \(String(cString: strerror(errno)))")
        }
    }

    struct Timeout: Error, CustomStringConvertible {
        var description: String { "no answer before the deadline" }
    }
}

/// An HTTP/1.1 response read from a `LoopbackSocket`: the status line and headers, then
/// the body (chunked, sized or up to end of file) a line or all at once.
final class LoopbackResponseReader {
    let socket: LoopbackSocket
    /// Bytes read per `recv`: small for a slow reader, so it takes little off the kernel.
    let readSize: Int
    private var raw: [UInt8] = []
    private var rawStart = 0
    private var body: [UInt8] = []
    private var bodyStart = 0
    private var chunked = false
    private var chunkLeft = 0
    private var contentLeft: Int?
    private var bodyEnded = false
    private(set) var bytesReceived = 0
    private(set) var status = 0
    private(set) var headers: [String: String] = [:]

    init(socket: LoopbackSocket, readSize: Int = 65_536) {
        self.socket = socket
        self.readSize = readSize
    }

    /// Sends a request: `GET path` with the headers given, on a connection it keeps open.
    static func request(_ path: String, headers: [String: String]) -> [UInt8] {
        var text = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: tribelog-soak\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// Reads the status line and the headers (names lowercased).
    func readHead(deadline: ContinuousClock.Instant) throws {
        guard let statusLine = try rawLine(deadline: deadline) else { throw LoopbackSocket.Failure(description: "connection closed before an answer") }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]) else {
            throw LoopbackSocket.Failure(description: "not an HTTP status line: \(statusLine.prefix(100))")
        }
        status = code
        while let line = try rawLine(deadline: deadline), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        chunked = headers["transfer-encoding"]?.lowercased().contains("chunked") == true
        contentLeft = chunked ? nil : headers["content-length"].flatMap { Int($0) }
        if contentLeft == 0 { bodyEnded = true }
    }

    /// The body's next line without its line end, or nil at the body's end.
    func bodyLine(deadline: ContinuousClock.Instant) throws -> String? {
        while true {
            if let newline = body[bodyStart...].firstIndex(of: 10) {
                var line = body[bodyStart..<newline]
                bodyStart = newline + 1
                if line.last == 13 { line = line.dropLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard try moreBody(deadline: deadline) else {
                guard bodyStart < body.count else { return nil }
                defer { bodyStart = body.count }
                return String(decoding: body[bodyStart...], as: UTF8.self)
            }
        }
    }

    /// The rest of the body, at most `limit` bytes kept.
    func bodyToEnd(deadline: ContinuousClock.Instant, limit: Int = 1 << 20) throws -> [UInt8] {
        while try moreBody(deadline: deadline) {}
        return Array(body[bodyStart...].prefix(limit))
    }

    /// Decodes more of the body into `body`; false at its end.
    private func moreBody(deadline: ContinuousClock.Instant) throws -> Bool {
        if bodyStart > 65_536 {
            body.removeFirst(bodyStart)
            bodyStart = 0
        }
        if bodyEnded { return false }
        if chunked {
            if chunkLeft == 0 {
                guard var sizeLine = try rawLine(deadline: deadline) else { bodyEnded = true; return false }
                if sizeLine.isEmpty {
                    // The CRLF that closes the previous chunk's data.
                    guard let next = try rawLine(deadline: deadline) else { bodyEnded = true; return false }
                    sizeLine = next
                }
                let hex = sizeLine.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                guard let size = Int(hex, radix: 16) else { throw LoopbackSocket.Failure(description: "bad chunk size line: \(sizeLine.prefix(40))") }
                if size == 0 {
                    bodyEnded = true
                    return false
                }
                chunkLeft = size
            }
            let taken = try rawBytes(upTo: chunkLeft, deadline: deadline)
            guard !taken.isEmpty else { bodyEnded = true; return false }
            chunkLeft -= taken.count
            body += taken
            return true
        }
        if let left = contentLeft {
            let taken = try rawBytes(upTo: left, deadline: deadline)
            guard !taken.isEmpty else { bodyEnded = true; return false }
            contentLeft = left - taken.count
            if contentLeft == 0 { bodyEnded = true }
            body += taken
            return true
        }
        let taken = try rawBytes(upTo: readSize, deadline: deadline)
        guard !taken.isEmpty else { bodyEnded = true; return false }
        body += taken
        return true
    }

    /// A CRLF- (or LF-) terminated line of the raw stream, nil at end of file.
    private func rawLine(deadline: ContinuousClock.Instant) throws -> String? {
        while true {
            if let newline = raw[rawStart...].firstIndex(of: 10) {
                var line = raw[rawStart..<newline]
                rawStart = newline + 1
                if line.last == 13 { line = line.dropLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard try receive(deadline: deadline) else { return nil }
        }
    }

    /// Up to `count` raw bytes (at least one unless at end of file).
    private func rawBytes(upTo count: Int, deadline: ContinuousClock.Instant) throws -> ArraySlice<UInt8> {
        if rawStart == raw.count { guard try receive(deadline: deadline) else { return [] } }
        let end = min(raw.count, rawStart + count)
        defer { rawStart = end }
        return raw[rawStart..<end]
    }

    private func receive(deadline: ContinuousClock.Instant) throws -> Bool {
        if rawStart > 65_536 {
            raw.removeFirst(rawStart)
            rawStart = 0
        }
        let chunk = try socket.read(limit: readSize, deadline: deadline)
        bytesReceived += chunk.count
        raw += chunk
        return !chunk.isEmpty
    }
}

/// Open sockets of the soak, so that the end of the run can end every read at once.
final class OpenSockets: Sendable {
    private let sockets = Mutex<[ObjectIdentifier: LoopbackSocket]>([:])

    func add(_ socket: LoopbackSocket) { sockets.withLock { $0[ObjectIdentifier(socket)] = socket } }
    func remove(_ socket: LoopbackSocket) { _ = sockets.withLock { $0.removeValue(forKey: ObjectIdentifier(socket)) } }
    func shutdownAll() { for socket in sockets.withLock({ Array($0.values) }) { socket.shutdown() } }
}
