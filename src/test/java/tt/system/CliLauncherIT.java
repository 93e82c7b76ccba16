package tt.system;

import org.junit.jupiter.api.Test;
import tt.testkit.Checkout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/tt's class-data-sharing archive: a jar of the client changed after the archive was made (an
 * upgrade, a rebuild of one module) makes it again, and the JVM's notes on the archive never reach
 * stdout, where they would spoil {@code tt ... -o json}.
 */
class CliLauncherIT {

    private static final Path TARGET = Checkout.root().resolve("tt-cli/target");

    @Test
    void aJarNewerThanTheArchiveMakesItAgainAndStdoutStaysTheCommandsOwn() throws Exception {
        String version = stdoutOf("--version");
        assertTrue(version.matches("tt \\S+\n"), "only the version: '" + version + "'");
        assertEquals(version, stdoutOf("--version"), "with the archive in use");

        Path lib;
        try (Stream<Path> jars = Files.list(TARGET.resolve("lib"))) {
            lib = jars.filter(p -> p.getFileName().toString().startsWith("tt-api-")).findFirst().orElseThrow();
        }
        Path archive = TARGET.resolve("tt.jsa");
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().minusSeconds(60)));
        Files.setLastModifiedTime(lib, FileTime.from(Instant.now().minusSeconds(30)));
        assertEquals(version, stdoutOf("--version"), "a lib jar newer than the archive: nothing but the version");
        assertTrue(Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(lib)) > 0,
                "the archive was made again after the jar changed");
        assertEquals(version, stdoutOf("--version"), "with the new archive in use");
    }

    private static String stdoutOf(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Checkout.root().resolve("bin/tt").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tt " + String.join(" ", args) + " did not end");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
