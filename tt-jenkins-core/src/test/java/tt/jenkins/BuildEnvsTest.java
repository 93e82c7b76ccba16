package tt.jenkins;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import tt.api.EnvCreateRequest;
import tt.client.BackendClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BuildEnvsTest {

    @Test
    void anOsTheBackendRefusesEndsTheStepWithItsOwnOneLineMessage() throws Exception {
        // the backend's refusal, from memory: as tt-backend answers an OS prefix that matches no image
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/api/v1/envs", exchange -> {
            byte[] body = "{\"error\":\"OS prefix 'ubuntu' matches no image in the pool; images: [qemu:tinylinux-1.0:6.1.x86_64]\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        try {
            BuildEnvs envs = new BuildEnvs(new BackendClient(URI.create("http://127.0.0.1:" + backend.getAddress().getPort()),
                    "t"));
            BuildEnvs.Failure f = assertThrows(BuildEnvs.Failure.class, () -> envs.createReady(
                    EnvCreateRequest.builder("b-1").osPrefix("ubuntu").cpu(1).lifetimeMinutes(60).build(), Duration.ofSeconds(5),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
            assertEquals("tt: cannot make ENV b-1: OS prefix 'ubuntu' matches no image in the pool; images:"
                    + " [qemu:tinylinux-1.0:6.1.x86_64]", f.getMessage());
        } finally {
            backend.stop(0);
        }
    }
}
