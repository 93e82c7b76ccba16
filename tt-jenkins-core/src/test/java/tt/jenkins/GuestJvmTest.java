package tt.jenkins;

import org.junit.jupiter.api.Test;
import tt.testkit.Checkout;

import java.nio.file.Files;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuestJvmTest {

    private static final String KEY = "0123456789abcdef0123456789abcdef";

    @Test
    void theReadyLineIsFoundInTheCheckCommandsOutput() {
        String output = "JAVA_VERSION=\"17.0.15\"\nport=41234 key=" + KEY + " dir=/root/agent options=-XX:+UseSerialGC"
                + " -XX:TieredStopAtLevel=1\n";
        assertEquals(Optional.of(new GuestJvm(41234, KEY, "/root/agent", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1")),
                GuestJvm.find(output));
        assertEquals("", GuestJvm.find("port=1 key=" + KEY + " dir=/a options=\n").orElseThrow().options());
    }

    @Test
    void noJvmWithoutAWellFormedReadyLine() {
        for (String output : new String[] {"", "JAVA_VERSION=\"17.0.15\"\n", "port=0 key=" + KEY + " dir=/a options=",
            "port=70000 key=" + KEY + " dir=/a options=", "port=22 key=XYZ dir=/a options=",
            "port=22 key=" + KEY + " dir=relative options=", "port=22 key=" + KEY + " dir=/a"}) {
            assertEquals(Optional.empty(), GuestJvm.find(output), output);
        }
    }

    @Test
    void anAgentFitsOnlyWithTheSameFolderAndOptions() {
        GuestJvm jvm = new GuestJvm(41234, KEY, "/root/agent", AgentBootstrap.DEFAULT_JVM_OPTIONS);
        assertTrue(jvm.fits("/root/agent", AgentBootstrap.DEFAULT_JVM_OPTIONS));
        assertFalse(jvm.fits("/home/jenkins", AgentBootstrap.DEFAULT_JVM_OPTIONS));
        assertFalse(jvm.fits("/root/agent", "-Xmx1g"));
        assertFalse(jvm.fits("/root/agent", ""));
    }

    /** The guest starts its JVM (images/guest/tt-jvm) with the plugin's defaults, or no agent would fit it. */
    @Test
    void theGuestsJvmHasThePluginsDefaultFolderAndOptions() throws Exception {
        String script = Files.readString(Checkout.root().resolve("images/guest/tt-jvm"));
        assertEquals(AgentBootstrap.DEFAULT_JVM_OPTIONS, assignment(script, "options"));
        assertEquals(AgentBootstrap.DEFAULT_REMOTE_DIR, assignment(script, "dir"));
    }

    private static String assignment(String script, String variable) {
        Matcher m = Pattern.compile("(?m)^" + variable + "=\"?([^\"\\n]*)\"?$").matcher(script);
        assertTrue(m.find(), "images/guest/tt-jvm sets no " + variable);
        return m.group(1);
    }
}
