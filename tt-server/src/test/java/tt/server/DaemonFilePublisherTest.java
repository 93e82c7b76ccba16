package tt.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tt.local.LocalDaemons;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class DaemonFilePublisherTest {

    @Test
    void filesPutBeforeTheDaemonListensAppearInItsPortsFolderWithThePortAndGoAtTheEnd(@TempDir Path dir)
            throws IOException {
        Map<String, String> env = Map.of("XDG_STATE_HOME", dir.toString());
        Path portFile = dir.resolve("run").resolve("port");
        DaemonFilePublisher publisher = new DaemonFilePublisher(portFile, env);
        publisher.put(LocalDaemons.FINGERPRINT, "AB:CD");
        assertFalse(Files.exists(portFile), "the port is not known before the daemon listens");
        publisher.listening(41234);
        assertEquals(Optional.of("AB:CD"), LocalDaemons.read(env, 41234, LocalDaemons.FINGERPRINT));
        assertEquals("41234\n", Files.readString(portFile));
        publisher.put(LocalDaemons.JOIN_TOKEN, "tok");
        assertEquals(Optional.of("tok"), LocalDaemons.read(env, 41234, LocalDaemons.JOIN_TOKEN));
        publisher.close();
        assertEquals(Optional.empty(), LocalDaemons.read(env, 41234, LocalDaemons.FINGERPRINT));
        assertFalse(Files.exists(portFile));
    }
}
