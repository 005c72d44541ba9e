/// Skills as read models compare them: lowercased, each once, sorted in key order
/// (the domain already drops case-insensitive duplicates but keeps the member's spelling).
enum SkillNames {
    static func normalised(_ skills: [String]) -> [String] {
        Array(Set(skills.map { $0.lowercased() })).sorted(by: KeyOrder.precedes)
    }
}
