extension Result where Failure == any Error {
    /// The value or the error of an async throwing body, to carry across a boundary that
    /// cannot throw (a semaphore's waiter, a cleanup that must run first).
    public init(awaiting body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
