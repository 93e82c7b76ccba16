package tt.guest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tt.testkit.ClassJar;
import tt.testkit.EchoAgent;
import tt.testkit.Wait;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pre-started JVM as a real process on this machine, talked to over real sockets as the plugin does. */
class PrestartedJvmTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final String OPTIONS = "-XX:+UseSerialGC -Xmx64m";

    @TempDir
    Path tmp;
    private Path runDir;
    private Process jvm;
    private Path log;

    @BeforeEach
    void setUp() {
        runDir = tmp.resolve("run");
        log = tmp.resolve("jvm.log");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (jvm != null) {
            jvm.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void describesItselfInAFileOnlyRootReads() throws Exception {
        Map<String, String> ready = start();
        assertEquals(tmp.resolve("work").toString(), ready.get("dir"));
        assertEquals(OPTIONS, ready.get("options"));
        assertTrue(ready.get("key").matches("[0-9a-f]{32}"), ready.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runDir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runDir.resolve("ready"))));
    }

    @Test
    void runsAJarWithTheTwoConnectionsAsItsStdioAndEndsWithIt() throws Exception {
        Map<String, String> ready = start();
        Path jar = jarOf(StdioProbe.class);
        try (Socket err = connect(ready, "stderr"); Socket io = connect(ready, "run " + jar)) {
            assertEquals("STARTED", readLine(io.getInputStream()));
            assertEquals("probe started in URLClassLoader", readLine(io.getInputStream()));
            send(io, "hello\n");
            assertEquals("out: hello", readLine(io.getInputStream()));
            assertEquals("err: hello", readLine(err.getInputStream()));
            assertTrue(jvm.waitFor(30, TimeUnit.SECONDS), "the JVM ends when the jar's main returns");
            assertEquals(0, jvm.exitValue());
            assertFalse(Files.exists(runDir.resolve("ready")), "a used JVM is no longer offered");
            assertTrue(Files.exists(runDir.resolve("claimed")), "the ready file was claimed");
        }
    }

    @Test
    void aJarWhoseMainThrowsEndsTheJvmWithStatusOneAndItsTraceOnStderr() throws Exception {
        Map<String, String> ready = start();
        try (Socket err = connect(ready, "stderr"); Socket io = connect(ready, "run " + jarOf(StdioProbe.class))) {
            assertEquals("STARTED", readLine(io.getInputStream()));
            readLine(io.getInputStream());
            send(io, "throw\n");
            assertEquals("Exception in thread \"main\" java.lang.IllegalStateException: asked to throw",
                    readLine(err.getInputStream()));
            assertTrue(jvm.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, jvm.exitValue());
        }
    }

    @Test
    void refusesBadRequestsAndStillRunsTheNextGoodOne() throws Exception {
        Map<String, String> ready = start();
        Map<String, String> wrongKey = new HashMap<>(ready);
        wrongKey.put("key", "0".repeat(32));
        try (Socket s = connect(wrongKey, "stderr")) {
            assertEquals("ERROR bad key: read it from the ready file", readLine(s.getInputStream()));
        }
        try (Socket s = connect(ready, "run " + jarOf(StdioProbe.class))) {
            assertEquals("ERROR open the stderr connection first", readLine(s.getInputStream()));
        }
        Path notAJar = Files.writeString(tmp.resolve("not.jar"), "text");
        Path noMain = jarOf(null);
        try (Socket err = connect(ready, "stderr")) {
            for (String[] request : new String[][] {
                {"run relative.jar", "ERROR the jar's path must be absolute: relative.jar"},
                {"run " + notAJar, "ERROR cannot open " + notAJar + " as a jar: zip END header not found"},
                {"run " + noMain, "ERROR " + noMain + " has no Main-Class in its manifest"},
                {"start " + noMain, "ERROR unknown request: expected 'KEY stderr' or 'KEY run JAR'"},
            }) {
                try (Socket s = connect(ready, request[0])) {
                    assertEquals(request[1], readLine(s.getInputStream()));
                }
            }
            try (Socket io = connect(ready, "run " + jarOf(EchoAgent.class))) {
                assertEquals("STARTED", readLine(io.getInputStream()));
                assertTrue(readLine(io.getInputStream()).startsWith("ready " + System.getProperty("java.version")));
                send(io, "still here\n");
                assertEquals("echo: still here", readLine(io.getInputStream()));
            }
        }
    }

    /** The guest's expiry took the ready file (tt-jvm expire): the JVM no longer runs a jar, it is being ended. */
    @Test
    void aJvmWhoseReadyFileTheExpiryTookRunsNothing() throws Exception {
        Map<String, String> ready = start();
        Files.move(runDir.resolve("ready"), runDir.resolve("expired"));
        try (Socket err = connect(ready, "stderr"); Socket io = connect(ready, "run " + jarOf(StdioProbe.class))) {
            assertEquals("ERROR expired: this JVM is being ended", readLine(io.getInputStream()));
        }
        assertTrue(jvm.isAlive(), "it goes on waiting for the expiry's SIGKILL");
    }

    /** Starts the JVM as the guest's tt-jvm does; returns its ready file's fields. */
    private Map<String, String> start() throws Exception {
        Path classes = Path.of(PrestartedJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        jvm = new ProcessBuilder(java.toString(), "-XX:+UseSerialGC", "-Xmx64m", "-cp", classes.toString(),
                PrestartedJvm.class.getName(), runDir.toString(), tmp.resolve("work").toString(), OPTIONS)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path ready = runDir.resolve("ready");
        Wait.until("the pre-started JVM's ready file", START, () -> {
            if (!jvm.isAlive()) {
                throw new AssertionError("the JVM ended: " + Files.readString(log));
            }
            return Files.exists(ready);
        });
        Map<String, String> fields = new HashMap<>();
        String line = Files.readString(ready).strip();
        int options = line.indexOf(" options=");
        for (String field : line.substring(0, options).split(" ")) {
            fields.put(field.substring(0, field.indexOf('=')), field.substring(field.indexOf('=') + 1));
        }
        fields.put("options", line.substring(options + " options=".length()));
        return fields;
    }

    private static Socket connect(Map<String, String> ready, String request) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(ready.get("port")));
        s.setSoTimeout(30_000);
        send(s, ready.get("key") + " " + request + "\n");
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n' && b >= 0; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** A jar of one class of the tests, with it as Main-Class (none for null). */
    private Path jarOf(Class<?> main) throws IOException {
        Class<?> content = main == null ? StdioProbe.class : main;
        Path jar = tmp.resolve(content.getSimpleName() + (main == null ? "-no-main" : "") + ".jar");
        return Files.write(jar, ClassJar.of(content, main != null, Map.of()));
    }
}
