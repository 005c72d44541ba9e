import EventLog
import ProjectionKit
import TribeDomain

/// The key spaces of the `feeds` model. Lists that reads page through are one key per
/// entry (newest first: positions stored descending); what applying an event must look
/// up is one small value per member, tribe, part-up or (tribe, skill).
///
/// Ids are taken and kept as raw strings: they were checked when the event was decided,
/// and checking them again on every read of a stored set costs more than the rest of
/// applying an event.
enum FeedKeys {
    /// `tribe-feed · tribe · ↓position` → FeedEntry: every event of the tribe.
    static func tribeFeed(_ tribe: String) -> ModelKey { ModelKey("tribe-feed").with(tribe) }
    /// `partup-feed · partup · ↓position` → FeedEntry: the part-up's events, for partners
    /// outside its tribe (externals of open tribes), whose member feed cannot use the tribe's.
    static func partupFeed(_ partup: String) -> ModelKey { ModelKey("partup-feed").with(partup) }
    /// `notifications · member · ↓position · kind` → Notification. Keyed by the event and
    /// the kind, so applying an event twice cannot notify twice.
    static func notifications(_ member: String) -> ModelKey { ModelKey("notifications").with(member) }
    /// `member · id` → FeedMember.
    static func member(_ member: String) -> ModelKey { ModelKey("member").with(member) }
    /// `tribe · id` → FeedTribe.
    static func tribe(_ tribe: String) -> ModelKey { ModelKey("tribe").with(tribe) }
    /// `partup · id` → FeedPartup.
    static func partup(_ partup: String) -> ModelKey { ModelKey("partup").with(partup) }
    /// `skill · tribe · lowercased skill` → Set<member id>: the tribe's current members with
    /// that skill, so a launch finds whom to notify with one read per wanted skill. Takes
    /// the skill already normalised (`SkillText.normalised`): callers hold it so already,
    /// and normalising again per key cost a string or two per read.
    static func skill(_ tribe: String, normalised skill: String) -> ModelKey {
        ModelKey("skill").with(tribe).with(skill)
    }
}

/// Skills match ignoring case (the domain drops duplicates ignoring case too).
enum SkillText {
    static func normalised(_ skill: String) -> String {
        // Key parts end with NUL, so a NUL inside free text must not reach a key.
        skill.lowercased().filter { $0 != "\0" }
    }
}
