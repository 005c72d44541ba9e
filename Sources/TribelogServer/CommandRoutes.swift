import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import TribeDomain
import TribeProjections

/// What a command answers: the log positions it wrote (pass `position` as `?after=` to
/// read the change), the event types, and the ids it concerns.
struct CommandResult: Encodable {
    var position: Position
    var positions: [Position]
    var events: [String]
    /// True when the Idempotency-Key had been used: nothing new was appended.
    var replayed: Bool
    var member: String?
    var tribe: String?
    var partup: String?
    /// For applications: "member" (admitted) or "applied" (waiting for an admin).
    var status: String?
}

/// Every command of the domain as a REST route. The actor is always the token's subject.
struct CommandRoutes {
    let server: TribelogServer

    func addRoutes(to router: Router<TribelogContext>) {
        router.post("/members", use: register)
        router.put("/members/me/profile", use: updateProfile)
        router.post("/members/me/notifications/read", use: markNotificationsRead)
        router.post("/tribes", use: createTribe)
        router.put("/tribes/{id}/rules", use: changeRules)
        router.put("/tribes/{id}/privacy", use: changePrivacy)
        router.post("/tribes/{id}/applications", use: apply)
        router.post("/tribes/{id}/invitations", use: invite)
        router.post("/tribes/{id}/members", use: admit)
        router.post("/tribes/{id}/rejections", use: reject)
        router.delete("/tribes/{id}/members/me", use: leave)
        router.delete("/tribes/{id}/members/{member}", use: remove)
        router.put("/tribes/{id}/admins/{member}", use: grantAdmin)
        router.delete("/tribes/{id}/admins/{member}", use: revokeAdmin)
        router.post("/tribes/{id}/partups", use: launch)
        router.patch("/partups/{id}", use: updatePartup)
        router.post("/partups/{id}/partners", use: join)
        router.delete("/partups/{id}/partners/me", use: leavePartup)
        router.post("/partups/{id}/supporters", use: support)
        router.post("/partups/{id}/dissolution", use: dissolve)
    }

    var limit: Int { server.settings.maxBodyBytes }

    // MARK: Members

    @Sendable func register(_ request: Request, context: TribelogContext) async throws -> Response {
        if let wait = server.registrations.check(context.clientAddress) {
            throw APIError(.tooManyRequests, code: "rate_limited",
                           "too many registrations from \(context.clientAddress): at most \(server.settings.registrationsPerMinute) a minute; retry in \(wait) s",
                           headers: [.retryAfter: "\(wait)"])
        }
        let body = try await JSON.body(RegisterBody.self, request, limit: limit)
        let member = try body.id.map { try Self.id(MemberID.self, $0, field: "id") } ?? MemberID.generate()
        // Without a chosen id, a retry must not register a second generated id: the key alone names the command.
        let scope = body.id == nil ? "register" : member.rawValue
        return try await execute(RegisterMember(member: member, name: body.name), actor: member, request, context,
                                 created: true, scope: scope)
    }

    @Sendable func updateProfile(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSON.body(ProfileBody.self, request, limit: limit)
        guard body.skills != nil || body.regions != nil else {
            throw APIError.badRequest("give skills, regions or both (lists of strings)")
        }
        // An omitted list keeps the profile's: the command reads it from the log's facts.
        return try await execute(UpdateProfile(skills: body.skills, regions: body.regions), actor: actor, request, context)
    }

    @Sendable func markNotificationsRead(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSON.body(ReadMarkBody.self, request, limit: limit)
        // Past the head, the mark would also cover notifications that do not exist yet.
        var head = server.store.head
        if body.upTo > head { head = try await server.store.latestHead() }
        guard body.upTo <= head else {
            throw APIError(.unprocessableContent, code: "position_not_in_log",
                           "the field 'upTo' is \(body.upTo), past the log's head (\(head)): pass the position of the newest notification read, at most \(head)")
        }
        return try await execute(MarkNotificationsRead(upTo: body.upTo), actor: actor, request, context)
    }

    // MARK: Tribes

    @Sendable func createTribe(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSON.body(CreateTribeBody.self, request, limit: limit)
        let tribe = try body.id.map { try Self.id(TribeID.self, $0, field: "id") } ?? TribeID.generate()
        let command = CreateTribe(tribe: tribe, name: body.name, privacy: try Self.tribePrivacy(body.privacy), rules: body.rules ?? "",
                                  onlyAdminsLaunch: body.onlyAdminsLaunch ?? false)
        return try await execute(command, actor: actor, request, context, created: true)
    }

    @Sendable func changeRules(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let tribe = try context.tribeParameter()
        let body = try await JSON.body(RulesBody.self, request, limit: limit)
        // Omitted onlyAdminsLaunch keeps the tribe's setting, which the command reads from the log.
        return try await execute(ChangeTribeRules(tribe: tribe, rules: body.rules, onlyAdminsLaunch: body.onlyAdminsLaunch),
                                 actor: actor, request, context)
    }

    @Sendable func changePrivacy(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let tribe = try context.tribeParameter()
        let body = try await JSON.body(PrivacyBody.self, request, limit: limit)
        return try await execute(ChangeTribePrivacy(tribe: tribe, privacy: try Self.tribePrivacy(body.privacy)), actor: actor, request, context)
    }

    @Sendable func apply(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let tribe = try context.tribeParameter()
        let body = try await JSON.optionalBody(ApplyBody.self, request, limit: limit) ?? ApplyBody()
        return try await execute(ApplyToTribe(tribe: tribe, motivation: body.motivation ?? ""), actor: actor, request, context,
                                 created: true) { outcome in
            outcome.events.contains { $0.typeName == "MemberAdmitted" } ? "member" : "applied"
        }
    }

    @Sendable func invite(_ request: Request, context: TribelogContext) async throws -> Response {
        try await aboutMember(request, context) { InviteMember(tribe: $0, member: $1) }
    }

    @Sendable func admit(_ request: Request, context: TribelogContext) async throws -> Response {
        try await aboutMember(request, context) { AdmitMember(tribe: $0, member: $1) }
    }

    /// An admin's command about the member named in the body, in the tribe of the path.
    private func aboutMember<C: Command>(_ request: Request, _ context: TribelogContext,
                                         _ command: (TribeID, MemberID) -> C) async throws -> Response {
        let actor = try context.requireActor()
        let tribe = try context.tribeParameter()
        let body = try await JSON.body(MemberBody.self, request, limit: limit)
        let member = try Self.id(MemberID.self, body.member, field: "member")
        return try await execute(command(tribe, member), actor: actor, request, context, created: true)
    }

    @Sendable func reject(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let tribe = try context.tribeParameter()
        let body = try await JSON.body(RejectBody.self, request, limit: limit)
        let member = try Self.id(MemberID.self, body.member, field: "member")
        return try await execute(RejectApplication(tribe: tribe, member: member, reason: body.reason ?? ""),
                                 actor: actor, request, context, created: true)
    }

    @Sendable func leave(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        return try await execute(LeaveTribe(tribe: try context.tribeParameter()), actor: actor, request, context)
    }

    @Sendable func remove(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let tribe = try context.tribeParameter()
        let member = try context.memberParameter("member")
        if member == actor { return try await execute(LeaveTribe(tribe: tribe), actor: actor, request, context) }
        let reason = request.uri.queryParameters.get("reason") ?? ""
        return try await execute(RemoveMember(tribe: tribe, member: member, reason: reason), actor: actor, request, context)
    }

    @Sendable func grantAdmin(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let command = GrantAdmin(tribe: try context.tribeParameter(), member: try context.memberParameter("member"))
        return try await execute(command, actor: actor, request, context)
    }

    @Sendable func revokeAdmin(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let command = RevokeAdmin(tribe: try context.tribeParameter(), member: try context.memberParameter("member"))
        return try await execute(command, actor: actor, request, context)
    }

    // MARK: Part-ups

    @Sendable func launch(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let tribe = try context.tribeParameter()
        let body = try await JSON.body(LaunchBody.self, request, limit: limit)
        let partup = try body.id.map { try Self.id(PartupID.self, $0, field: "id") } ?? PartupID.generate()
        let command = LaunchPartup(tribe: tribe, partup: partup, title: body.title, goal: body.goal ?? "",
                                   wantedSkills: body.wantedSkills ?? [], privacy: try body.privacy.map(Self.partupPrivacy) ?? .public,
                                   endDate: try body.endDate.map { try Self.time($0, field: "endDate") })
        return try await execute(command, actor: actor, request, context, created: true)
    }

    @Sendable func updatePartup(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let partup = try context.partupParameter()
        let body = try await JSON.body(UpdatePartupBody.self, request, limit: limit)
        let tribe = try await tribe(of: partup, actor: actor)
        let command = UpdatePartup(tribe: tribe, partup: partup, title: body.title, goal: body.goal, wantedSkills: body.wantedSkills,
                                   privacy: try body.privacy.map(Self.partupPrivacy),
                                   endDate: try body.endDate.map { try Self.time($0, field: "endDate") })
        return try await execute(command, actor: actor, request, context)
    }

    @Sendable func join(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let partup = try context.partupParameter()
        let tribe = try await tribe(of: partup, actor: actor)
        return try await execute(JoinPartup(tribe: tribe, partup: partup), actor: actor, request, context, created: true)
    }

    @Sendable func leavePartup(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let partup = try context.partupParameter()
        let tribe = try await tribe(of: partup, actor: actor)
        return try await execute(LeavePartup(tribe: tribe, partup: partup), actor: actor, request, context)
    }

    @Sendable func support(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let partup = try context.partupParameter()
        let tribe = try await tribe(of: partup, actor: actor)
        return try await execute(SupportPartup(tribe: tribe, partup: partup), actor: actor, request, context, created: true)
    }

    @Sendable func dissolve(_ request: Request, context: TribelogContext) async throws -> Response {
        let actor = try context.requireActor()
        let partup = try context.partupParameter()
        let body = try await JSON.body(DissolveBody.self, request, limit: limit)
        guard let outcome = PartupOutcome(rawValue: body.outcome) else {
            throw APIError.invalid("the field 'outcome' is \"\(body.outcome.prefix(40))\": write one of completed, abandoned")
        }
        let tribe = try await tribe(of: partup, actor: actor)
        return try await execute(DissolvePartup(tribe: tribe, partup: partup, outcome: outcome, note: body.note ?? ""),
                                 actor: actor, request, context, created: true)
    }

    // MARK: Execution

    /// Executes `command` for `actor`: the Idempotency-Key header becomes the command id
    /// (scoped to the actor and path, so two clients' keys never meet), a refusal becomes
    /// its status, and the answer carries the positions written.
    func execute<C: Command>(_ command: C, actor: MemberID, _ request: Request, _ context: TribelogContext, created: Bool = false,
                             scope: String? = nil, status: (CommandOutcome) -> String? = { _ in nil }) async throws -> Response {
        var options = CommandOptions()
        if let key = request.headers[.idempotencyKey] {
            guard (1...200).contains(key.utf8.count) else {
                throw APIError.badRequest("the Idempotency-Key header must be 1–200 characters: send a unique value per command, e.g. a UUID")
            }
            options.commandID = "\(scope ?? actor.rawValue) \(request.method.rawValue) \(request.uri.path) \(key)"
        }
        let started = ContinuousClock.now
        let outcome: CommandOutcome
        do {
            outcome = try await server.commands.execute(command, actor: actor, options: options)
        } catch {
            server.metrics.command(C.name, outcome: error is DomainError ? "refused" : "failed", duration: ContinuousClock.now - started)
            throw error
        }
        server.metrics.command(C.name, outcome: outcome.alreadyApplied ? "replayed" : "applied", duration: ContinuousClock.now - started,
                               events: outcome.alreadyApplied ? nil : outcome.events.count)
        let subjects = outcome.events.first?.subjects
        let result = CommandResult(position: outcome.lastPosition ?? server.store.head, positions: outcome.positions,
                                   events: outcome.events.map(\.typeName), replayed: outcome.alreadyApplied,
                                   member: subjects?.member?.rawValue, tribe: subjects?.tribe?.rawValue,
                                   partup: subjects?.partup?.rawValue, status: status(outcome))
        return try JSON.response(result, status: created && !outcome.alreadyApplied ? .created : .ok)
    }

    /// The tribe of a part-up, from the log's facts (a read model may not have the part-up
    /// yet, e.g. when another server launched it a moment ago). 404 when the part-up is
    /// unknown or its tribe is closed to the actor, as the read routes answer.
    func tribe(of partup: PartupID, actor: MemberID) async throws -> TribeID {
        guard let tribe = try await server.commands.state(of: [.partup(partup)]).partup(partup).launched?.tribe else {
            throw APIError.notFound("there is no part-up \(partup)")
        }
        let standing = try await server.commands.state(of: [.tribe(tribe), .membership(tribe, actor)])
        if standing.tribe(tribe).privacy == .closed && !standing.membership(tribe, actor).isMember {
            throw APIError.notFound("there is no part-up \(partup)")
        }
        return tribe
    }
}
