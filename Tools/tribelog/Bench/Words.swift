/// Vocabulary for the bench's payloads: real words rather than random bytes, so zstd and
/// its trained dictionaries see text like the platform's (profiles, goals, motivations).
enum Words {
    static let firstNames = [
        "Anna", "Bram", "Chloé", "Daan", "Emma", "Femke", "Gijs", "Hanna", "Iris", "Jasper", "Kofi", "Lotte",
        "Mila", "Noah", "Olga", "Pieter", "Quinten", "Rosa", "Sem", "Tess", "Umar", "Vera", "Wout", "Xiu",
        "Yara", "Zoë", "Ahmed", "Bea", "Carlos", "Dewi", "Elif", "Finn", "Greta", "Hugo", "Ines", "Joris",
    ]
    static let lastNames = [
        "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos",
        "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
        "de Graaf", "van der Meer", "Kok", "Jacobs", "Haddou", "Yilmaz", "Santos", "Nguyen", "Okafor",
    ]
    static let skills = [
        "facilitation", "ux design", "copywriting", "swift", "python", "data analysis", "fundraising",
        "project management", "illustration", "video editing", "community building", "sociocracy",
        "accounting", "legal advice", "marketing", "photography", "public speaking", "research",
        "product strategy", "coaching", "translation", "event planning", "web development", "sales",
        "service design", "circular economy", "energy transition", "urban farming", "education", "mediation",
    ]
    static let regions = [
        "Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Antwerpen", "Gent",
        "Brussel", "Berlin", "Lisbon", "Barcelona", "London", "Nairobi", "Remote",
    ]
    static let adjectives = [
        "Open", "Circular", "Green", "Civic", "Creative", "Digital", "Local", "Social", "Fair", "Bold",
        "Shared", "Urban", "Rural", "Future", "Kind", "Brave",
    ]
    static let nouns = [
        "Makers", "Commons", "Collective", "Guild", "Network", "Lab", "Studio", "Circle", "Cooperative",
        "Garden", "Workshop", "Academy", "Hub", "Alliance", "Village", "Foundry",
    ]
    static let verbs = [
        "Launch", "Design", "Build", "Map", "Fund", "Host", "Grow", "Document", "Prototype", "Organise",
        "Rethink", "Connect",
    ]
    static let openers = [
        "We want to", "I would like to", "The goal is to", "Looking to", "Together we will", "Happy to",
        "Our plan is to", "Time to",
    ]
    static let text = [
        "help", "the", "tribe", "with", "a", "new", "approach", "to", "shared", "work", "and", "learn",
        "from", "each", "other", "while", "we", "build", "something", "useful", "for", "our", "neighbourhood",
        "members", "who", "care", "about", "sustainable", "projects", "in", "city", "region", "next", "months",
        "open", "source", "tools", "design", "sessions", "weekly", "meetings", "workshop", "budget", "plan",
        "experience", "skills", "partners", "goal", "deliver", "prototype", "feedback", "users", "energy",
        "food", "housing", "mobility", "education", "health", "culture", "data", "platform", "community",
    ]
}
