import ArgumentParser

@main
struct Tribelog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tribelog",
        abstract: "Tribelog: the event log of tribes and part-ups.",
        subcommands: [DemoCommand.self, ExportCommand.self, ImportCommand.self, RebuildCommand.self, ReplayCommand.self, AnalyseCommand.self, VerifyCommand.self, BenchCommand.self, AppendLoopCommand.self, FollowLoopCommand.self, ServeCommand.self, TokenCommand.self])
}
