import ProjectionKit

/// Every read model the server keeps and `tribelog rebuild`/`replay` build, in one list so
/// that they are always built and followed together.
public enum TribelogProjections {
    public static func all() -> [any Projection] {
        [
            DirectoryProjection(),
            FeedsProjection(),
            DashboardsProjection(),
            MatchingProjection(),
            HistoryProjection(),
            CollaborationProjection(),
        ]
    }
}
