package tt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tt} command. */
@Command(name = "tt", mixinStandardHelpOptions = true, versionProvider = TtMain.Version.class,
        description = "TT client: VMs on demand from a TT pool.",
        subcommands = {ImageCommand.class, CommandLine.HelpCommand.class})
public final class TtMain {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TtMain());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("tt: " + e.getMessage());
            return 1;
        });
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = TtMain.class.getPackage().getImplementationVersion();
            return new String[] {"tt " + (v == null ? "dev" : v)};
        }
    }
}
