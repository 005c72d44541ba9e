/// Who may join a tribe. Stored by raw value: never rename a raw value.
public enum TribePrivacy: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Anyone registered who applies is admitted at once.
    case open
    /// Only members an admin invited are admitted (by accepting, i.e. applying).
    case invite
    /// Every application waits for an admin's decision.
    case closed

    public var description: String {
        switch self {
        case .open: "open"
        case .invite: "invite-only"
        case .closed: "closed"
        }
    }
}

/// Who may see and join a part-up; it can be stricter than its tribe. Stored by raw value.
public enum PartupPrivacy: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Visible to everyone; in an open tribe registered members outside the tribe may partner.
    case `public`
    /// Visible to and joinable by members of the tribe only.
    case tribeMembers = "tribe"
    /// Visible to its partners (and the tribe's admins) only; joinable by tribe members.
    case partnersOnly = "partners"

    public var description: String {
        switch self {
        case .public: "public"
        case .tribeMembers: "tribe members only"
        case .partnersOnly: "partners only"
        }
    }
}

/// Roles inside a tribe. One for now; a role is granted and revoked by events so more can come.
public enum TribeRole: String, Sendable, Hashable, CaseIterable {
    case admin
}

/// Why a partner stopped being one.
public enum PartnerLeaveReason: String, Sendable, Hashable, CaseIterable {
    /// They left the part-up.
    case left
    /// They left the part-up's tribe, which ends their partnerships there.
    case leftTribe
    /// An admin removed them from the part-up's tribe.
    case removedFromTribe
}

/// How a part-up ended.
public enum PartupOutcome: String, Sendable, Hashable, CaseIterable {
    case completed
    case abandoned
}
