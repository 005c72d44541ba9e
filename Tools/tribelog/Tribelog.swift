import ArgumentParser

@main
struct Tribelog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tribelog",
        abstract: "Tribelog: the event log of tribes and part-ups.",
        subcommands: [
            ServeCommand.self, TokenCommand.self, DemoCommand.self, ExportCommand.self, ImportCommand.self,
            AuditCommand.self, ReplayCommand.self, AnalyseCommand.self, RebuildCommand.self, VerifyCommand.self,
            BenchCommand.self, AppendLoopCommand.self, FollowLoopCommand.self, CrashTestCommand.self,
            SoakCommand.self,
        ])
}
