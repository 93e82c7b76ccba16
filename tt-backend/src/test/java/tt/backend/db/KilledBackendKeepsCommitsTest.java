package tt.backend.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the embedded database said it committed is there after the backend's process is killed
 * the moment after (found by BackendIT in CI: an ENV accepted and SIGKILLed a few milliseconds
 * later was gone after the restart, since H2 writes committed changes in the background every
 * 500 ms unless told to write them at the commit). A real JVM killed with SIGKILL, five times
 * in a row on the same database.
 */
class KilledBackendKeepsCommitsTest {

    @Test
    void everyCommitSurvivesASigkillRightAfterIt(@TempDir Path dir) throws Exception {
        List<String> committed = new ArrayList<>();
        for (int round = 1; round <= 5; round++) {
            String hostId = "host-" + round;
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CommitThenWait.class.getName(),
                    dir.toString(), hostId).redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null && !line.equals(CommitThenWait.COMMITTED)) {
                    System.out.println("child: " + line);
                }
                assertEquals(CommitThenWait.COMMITTED, line, "the child committed " + hostId);
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed child ended");
            }
            committed.add(hostId);
            try (Database db = Database.open(dir, null, null, null)) {
                assertEquals(committed, new PoolStore(db).hosts().stream().map(PoolStore.Host::id).toList(),
                        "after round " + round + " every committed row is there");
            }
        }
    }

    /** Runs in the child JVM: adds one host row, says so, and waits to be killed. */
    public static final class CommitThenWait {
        static final String COMMITTED = "committed";

        public static void main(String[] args) throws InterruptedException {
            Database db = Database.open(Path.of(args[0]), null, null, null);
            new PoolStore(db).addHost(new PoolStore.Host(args[1], "127.0.0.1", 7001, true, null));
            System.out.println(COMMITTED);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
