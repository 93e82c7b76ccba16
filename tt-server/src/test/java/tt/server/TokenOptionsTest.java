package tt.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenOptionsTest {

    /** A daemon's command as picocli sees it: the mixin and nothing else. */
    @Command(name = "daemon")
    static final class Daemon {
        @Mixin
        TokenOptions tokens = new TokenOptions();
    }

    private static TokenOptions parse(String... args) {
        Daemon daemon = new Daemon();
        new CommandLine(daemon).parseArgs(args);
        return daemon.tokens;
    }

    @Test
    void contradictoryFlagsAreRefusedByCheck() {
        assertEquals("give --token or --token-file, not both", assertThrows(IllegalArgumentException.class,
                () -> parse("--token", "t", "--token-file", "/f").check()).getMessage());
        assertEquals("--open serves without a token: drop --token", assertThrows(IllegalArgumentException.class,
                () -> parse("--open", "--token-file", "/f").check()).getMessage());
        parse("--token", "t").check();
    }

    @Test
    void theApiTokenComesFromTheFlagTheFileOrTheKeptFile(@TempDir Path dir) throws IOException {
        Path kept = dir.resolve("state/token");
        assertEquals("t1", parse("--token", "t1").apiToken(kept));
        assertEquals("token from --token", parse("--token", "t1").apiTokenSource("the kept token", kept));

        Path file = Files.writeString(dir.resolve("given"), "t2\n");
        assertEquals("t2", parse("--token-file", file.toString()).apiToken(kept));
        assertEquals("token from " + file, parse("--token-file", file.toString()).apiTokenSource("the kept token", kept));
        assertTrue(Files.notExists(kept), "a token given makes no kept one");

        String made = parse().apiToken(kept);
        assertTrue(made.matches("[0-9a-f]{48}"), made);
        assertEquals(made, parse().apiToken(kept), "made once, then read");
        assertEquals("the kept token in " + kept, parse().apiTokenSource("the kept token", kept));
    }

    @Test
    void openServesWithoutAToken(@TempDir Path dir) throws IOException {
        TokenOptions open = parse("--open");
        assertNull(open.apiToken(dir.resolve("token")));
        assertEquals("OPEN, no token", open.apiTokenSource("the kept token", dir.resolve("token")));
        assertTrue(Files.notExists(dir.resolve("token")));
        assertThrows(IllegalArgumentException.class, () -> parse("--open", "--token", "t").apiToken(dir.resolve("token")));
    }

    @Test
    void theMetricsTokenComesFromItsFileOrIsKeptInTheStateFolder(@TempDir Path dir) throws IOException {
        String made = parse().metricsToken(dir);
        assertEquals(made, Files.readString(dir.resolve("metrics-token")).strip());
        Path file = Files.writeString(dir.resolve("scraper"), "m1\n");
        assertEquals("m1", parse("--metrics-token-file", file.toString()).metricsToken(dir));
    }
}
