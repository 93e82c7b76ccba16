package tt.cli.ci;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.api.EnvVm;
import tt.api.Json;
import tt.api.VmState;
import tt.client.BackendClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver against a backend answered from memory, raw HTTP over sockets, so that it can go away at an exact moment. */
class GitLabDriverTest {

    private static final Map<String, String> JOB = Map.of("CUSTOM_ENV_CI_JOB_ID", "5", "CUSTOM_ENV_CI_RUNNER_ID", "7",
            "CUSTOM_ENV_TT_OS", "tinylinux", "BUILD_FAILURE_EXIT_CODE", "42", "SYSTEM_FAILURE_EXIT_CODE", "43");

    /**
     * Found by ChaosIT: a backend killed while prepare awaited the job's VM made prepare end at once
     * with the CLI's exit code 3 (not the system failure's), though the backend was back within a minute.
     */
    @Test
    void prepareWaitsForABackendThatGoesAwayWhileTheVmBootsAndComesBack(@TempDir Path state) throws Exception {
        try (ServerSocket first = new ServerSocket()) {
            first.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = first.getLocalPort();
            CompletableFuture<Void> backend = CompletableFuture.runAsync(() -> {
                try {
                    try (Socket create = first.accept()) {
                        String request = readRequest(create.getInputStream());
                        assertTrue(request.startsWith("POST /api/v1/envs"), request);
                        first.close(); // the backend is killed just after it has answered the create
                        answer(create, 202, env(EnvState.CREATING, VmState.SCHEDULED));
                    }
                    Thread.sleep(1000);
                    try (ServerSocket restarted = new ServerSocket()) {
                        restarted.setReuseAddress(true);
                        restarted.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                        try (Socket await = restarted.accept()) {
                            String request = readRequest(await.getInputStream());
                            assertTrue(request.startsWith("GET /api/v1/envs/gl-7-5"), request);
                            answer(await, 200, env(EnvState.READY, VmState.READY));
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            ByteArrayOutputStream said = new ByteArrayOutputStream();
            GitLabDriver driver = new GitLabDriver(new BackendClient(URI.create("http://127.0.0.1:" + port), "t"), JOB,
                    state, new PrintStream(said, true, StandardCharsets.UTF_8));

            int exit = driver.prepare();

            backend.get();
            String log = said.toString(StandardCharsets.UTF_8);
            assertEquals(0, exit, log);
            assertTrue(log.contains("the TT backend does not answer") && log.contains("trying again"), log);
            assertTrue(log.contains("is ready on 127.0.0.1:1, SSH 127.0.0.1:2222"), log);
        }
    }

    private static String env(EnvState state, VmState vmState) throws IOException {
        Instant now = Instant.now();
        return Json.mapper().writeValueAsString(new EnvInfo("env-1", "gl-7-5", "admin", state, now, now.plusSeconds(3600),
                600, now.plusSeconds(600), Map.of(), List.of(), List.of(new EnvVm("gl-7-5-tinylinux", "qemu:tinylinux-1.0:6.1.x86_64",
                "127.0.0.1:1", "vm-1", vmState, "127.0.0.1", vmState == VmState.READY ? Map.of(22, 2222) : null, null))));
    }

    /** The request line and headers, and the body (its Content-Length). */
    private static String readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        String text = head.toString();
        int length = text.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .mapToInt(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElse(0);
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void answer(Socket s, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(("HTTP/1.1 " + status + " OK\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(body);
        s.getOutputStream().flush();
    }
}
