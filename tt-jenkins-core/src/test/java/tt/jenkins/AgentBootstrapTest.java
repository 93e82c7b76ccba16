package tt.jenkins;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AgentBootstrapTest {

    @Test
    void theJavaVersionComesFromTheRuntimesReleaseFile() {
        assertEquals("17.0.15", AgentBootstrap.javaVersion("JAVA_VERSION=\"17.0.15\"\n"));
        assertEquals("21", AgentBootstrap.javaVersion("JAVA_VERSION=21"));
        assertNull(AgentBootstrap.javaVersion(""));
        assertEquals(17, AgentBootstrap.majorVersion("17.0.15"));
        assertEquals(21, AgentBootstrap.majorVersion("21"));
        assertEquals(8, AgentBootstrap.majorVersion("1.8.0_392"));
    }

    @Test
    void unsafeFoldersAndJvmOptionsAreRefusedBeforeAnyConnection() {
        AgentBootstrap bootstrap = new AgentBootstrap(AgentKeys.generate("t").privateKey(), Duration.ofSeconds(1));
        AgentBootstrap.Target nowhere = new AgentBootstrap.Target("127.0.0.1", 1, "root");
        PrintStream log = new PrintStream(new ByteArrayOutputStream());
        for (String dir : new String[] {"relative", "/a b", "/a/../etc", "/a;reboot", "/$(id)"}) {
            assertThrows(IllegalArgumentException.class, () -> bootstrap.launch(nowhere, new byte[0], dir, "", log), dir);
        }
        for (String opts : new String[] {"-Xmx1g;reboot", "-Dx=$(id)", "-Xmx1g  -Xms1g", "`id`"}) {
            assertThrows(IllegalArgumentException.class, () -> bootstrap.launch(nowhere, new byte[0], "/root/a", opts, log),
                    opts);
        }
    }
}
