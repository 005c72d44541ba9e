/// The words a demo history is made of: themes with real skills, names, places and rules,
/// so that matching, dashboards and feeds have something true-to-life to work on.
enum DemoVocabulary {
    struct Theme {
        let name: String
        let skills: [String]
        let partupTitles: [String]
    }

    static let themes: [Theme] = [
        Theme(name: "Design", skills: ["UX research", "Interaction design", "Figma", "Visual design", "Typography", "Prototyping", "Accessibility"],
              partupTitles: ["Redesign the onboarding flow", "Design system for a cooperative", "Accessibility audit", "Brand identity for a bakery"]),
        Theme(name: "Software", skills: ["Swift", "Kotlin", "TypeScript", "PostgreSQL", "Rust", "Go", "DevOps", "Testing", "Security"],
              partupTitles: ["Build a booking app", "Migrate to PostgreSQL", "Harden the API", "Open-source the scheduler"]),
        Theme(name: "Data", skills: ["Python", "Statistics", "Machine learning", "Data engineering", "SQL", "Visualisation"],
              partupTitles: ["Forecast energy demand", "Dashboard for a food bank", "Clean up the member survey", "Churn analysis"]),
        Theme(name: "Marketing", skills: ["Copywriting", "SEO", "Social media", "Content strategy", "Email campaigns", "Market research"],
              partupTitles: ["Launch campaign for a festival", "Newsletter relaunch", "Content plan for a library", "Market study: second-hand bikes"]),
        Theme(name: "Sustainability", skills: ["Circular design", "Energy transition", "Life-cycle assessment", "Urban farming", "Sustainability reporting"],
              partupTitles: ["Solar panels for the community centre", "Zero-waste office pilot", "Repair café network", "CO2 report for an SME"]),
        Theme(name: "Finance", skills: ["Bookkeeping", "Financial modelling", "Fundraising", "Tax", "Crowdfunding"],
              partupTitles: ["Crowdfunding for a cargo-bike fleet", "Business plan for a co-op", "Grant application", "Bookkeeping for freelancers"]),
        Theme(name: "Education", skills: ["Curriculum design", "Coaching", "Workshop facilitation", "E-learning", "Mentoring"],
              partupTitles: ["Coding workshop for teenagers", "Mentoring programme", "E-learning module on privacy", "Summer school"]),
        Theme(name: "Media", skills: ["Video editing", "Photography", "Podcasting", "Storytelling", "Animation"],
              partupTitles: ["Documentary on local makers", "Podcast season two", "Photo series for a museum", "Animated explainer"]),
        Theme(name: "Legal", skills: ["Contract law", "Privacy law", "GDPR", "Intellectual property", "Mediation"],
              partupTitles: ["GDPR check for a web shop", "Model contracts for freelancers", "Mediation training", "Licence review"]),
        Theme(name: "Health", skills: ["Nursing", "Physiotherapy", "Nutrition", "Mental health", "Care innovation"],
              partupTitles: ["Healthy lunch programme", "Care app for neighbourhoods", "Burn-out prevention workshop", "Walking group pilot"]),
    ]

    static let cities = ["Amsterdam", "Utrecht", "Rotterdam", "Eindhoven", "Groningen", "Zwolle", "Gent", "Antwerpen", "Berlin", "Lisbon"]
    static let tribeNouns = ["Collective", "Guild", "Network", "Circle", "Lab", "Crew", "Society", "Hub"]
    static let firstNames = ["Anna", "Bram", "Chloé", "Daan", "Eva", "Finn", "Guus", "Hanna", "Iris", "Jesse", "Kim", "Lars",
                             "Mila", "Noah", "Olga", "Pim", "Quinn", "Ruben", "Sara", "Tess", "Umut", "Vera", "Wout", "Yara", "Zoë"]
    static let lastNames = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "de Boer", "Bos", "Vos",
                            "Peeters", "Maes", "Fischer", "Silva", "Kowalski", "Öztürk", "Nguyen", "Haddad"]
    static let rules = [
        "Members deliver what they promise and say so early when they cannot.",
        "New members are introduced by an existing member; we meet monthly.",
        "Rates are shared openly; part-ups split income by agreed shares.",
        "We review each other's work before it goes to a client.",
        "Anyone may launch a part-up; admins check it fits the tribe.",
    ]
    static let goals = [
        "Deliver a first version within six weeks and hand it over.",
        "Find out whether this works before we invest more.",
        "A result the client can maintain without us.",
        "Learn together and publish what we learn.",
    ]
}
