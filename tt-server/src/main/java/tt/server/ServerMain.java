package tt.server;

import picocli.CommandLine;
import tt.local.LocalDaemons;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** What tt-host's and tt-backend's main classes share: start-up, stop on a signal, state folder. */
public final class ServerMain {

    private ServerMain() {
    }

    /** Runs a picocli command with JUL routed to SLF4J, failures as one line, and exits with its code. */
    public static void run(Object command, String name, String[] args) {
        JulBridge.install();
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(name + ": " + e.getMessage());
            return 1;
        });
        System.exit(cli.execute(args));
    }

    /** Blocks until the process is told to stop (SIGTERM, Ctrl-C), then closes the server. */
    public static void serveUntilStopped(AutoCloseable server) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("error while stopping: " + e.getMessage());
            }
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }

    /** {@code $XDG_STATE_HOME/tt/LEAF}, or {@code ~/.local/state/tt/LEAF}. */
    public static Path defaultStateDir(String leaf) {
        return LocalDaemons.stateRoot(System.getenv()).resolve(leaf);
    }

    /** The version of TT this build is, for {@code --version}. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ServerMain.class.getPackage().getImplementationVersion();
            return new String[] {"TT " + (v == null ? "dev" : v)};
        }
    }
}
