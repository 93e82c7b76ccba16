package tt.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TtMainTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = TtMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void everyCommandHasADescriptionAndAnExample() {
        List<String> missing = new ArrayList<>();
        walk(TtMain.commandLine(), missing);
        assertEquals(List.of(), missing, "commands without a description and an example");
        Run help = run("env", "add", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("tt env add TEST --os-prefix=cent,ubuntu2004"), help.out());
    }

    private static void walk(CommandLine cmd, List<String> missing) {
        boolean isHelp = cmd.getCommandName().equals("help");
        String footer = String.join("\n", cmd.getCommandSpec().usageMessage().footer());
        if (!isHelp && (cmd.getCommandSpec().usageMessage().description().length == 0 || !footer.contains("  tt "))) {
            missing.add(cmd.getCommandSpec().qualifiedName());
        }
        cmd.getSubcommands().values().forEach(c -> walk(c, missing));
    }

    @Test
    void configIsSavedAndShownAndOverriddenByFlags(@TempDir Path home) {
        String file = home.resolve("config.properties").toString();
        String pin = "SHA256:" + "A".repeat(43);
        Run saved = run("--config-file", file, "config", "--serv-addr", "10.1.2.3", "--serv-port", "20002", "--token", "s3",
                "--fingerprint", pin);
        assertEquals(0, saved.code(), saved.err());
        assertTrue(saved.out().contains("pinned the certificate " + pin + " for 10.1.2.3:20002"), saved.out());
        Run status = run("--config-file", file, "status");
        assertTrue(status.out().contains("server:  10.1.2.3:20002") && status.out().contains("token:   set"), status.out());
        Run shown = run("--config-file", file, "config");
        assertTrue(shown.out().contains("certificate: " + pin), shown.out());
        Run badPin = run("--config-file", file, "config", "--fingerprint", "abc");
        assertEquals(2, badPin.code());
        assertTrue(badPin.err().startsWith("tt: bad fingerprint 'abc'"), badPin.err());
        Run flagged = run("--config-file", file, "--endpoint", "127.0.0.9:1234", "status", "-o", "json");
        assertTrue(flagged.out().contains("\"server\" : \"127.0.0.9:1234\""), flagged.out());
    }

    @Test
    void badInputIsOneLineWithExitCode2AndAnUnreachableServerExits3(@TempDir Path home) {
        String file = home.resolve("c.properties").toString();
        Run badPort = run("--config-file", file, "config", "--serv-port", "70000");
        assertEquals(2, badPort.code());
        assertEquals("tt: --serv-port must be 1-65535", badPort.err().strip());
        Run badOutput = run("--config-file", file, "status", "-o", "yaml");
        assertEquals(2, badOutput.code());
        Run unknown = run("env", "frobnicate");
        assertEquals(2, unknown.code());
        Run unreachable = run("--config-file", file, "--endpoint", "127.0.0.1:1", "env", "list");
        assertEquals(3, unreachable.code(), unreachable.err());
        assertTrue(unreachable.err().startsWith("tt: cannot reach https://127.0.0.1:1"), unreachable.err());
        assertEquals(1, unreachable.err().strip().lines().count(), "no stack trace without --debug");
    }

    @Test
    void usageErrorsAreOneLinePlusAPointerToHelpWithTheRightSuggestion() {
        Run typo = run("env", "lst");
        assertEquals(2, typo.code());
        assertEquals(List.of("tt: 'lst' is not a 'tt env' command; did you mean 'list'?",
                "Try 'tt env --help' for more information."), typo.err().lines().toList());
        Run badFlag = run("env", "add", "X", "--os-prefx=cent");
        assertEquals(2, badFlag.code());
        assertEquals(List.of("tt: unknown option '--os-prefx' for 'tt env add'; did you mean '--os-prefix'?",
                "Try 'tt env add --help' for more information."), badFlag.err().lines().toList());
        Run missing = run("env", "show");
        assertEquals(2, missing.code());
        assertEquals(2, missing.err().lines().count(), missing.err());
        assertTrue(missing.err().startsWith("tt: Missing required parameter: 'NAME'"), missing.err());
    }

    @Test
    void completionScriptCoversTheCommands() {
        Run completion = run("completion");
        assertEquals(0, completion.code());
        assertTrue(completion.out().contains("env") && completion.out().contains("--os-prefix"), "bash completion");
    }
}
