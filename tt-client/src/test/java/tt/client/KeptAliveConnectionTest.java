package tt.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tt.api.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request on a kept-alive connection that the server closes unanswered, over raw sockets so that the
 * server closes it at an exact moment: the server may have acted on the request, so a POST must fail
 * rather than make a second ENV, while the JDK may ask a GET again.
 */
class KeptAliveConnectionTest {

    private ClosingServer server;
    private RestTransport rest;

    @BeforeEach
    void serve() throws IOException {
        server = new ClosingServer();
        rest = new RestTransport(server.base(), "t", null, Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void aPostWhoseConnectionClosesUnansweredFailsAndIsSentOnce() throws IOException {
        assertNull(rest.send("DELETE", "/api/v1/envs/a", null));

        IOException e = assertThrows(IOException.class, () -> rest.send("POST", "/api/v1/envs", Map.of("name", "b")));

        assertTrue(e.getMessage().startsWith("cannot reach " + server.base()), e.getMessage());
        assertEquals(List.of("1 DELETE /api/v1/envs/a", "1 POST /api/v1/envs"), server.received());
    }

    @Test
    void aGetWhoseConnectionClosesUnansweredIsAskedAgainOnANewConnection() throws IOException {
        assertNull(rest.send("DELETE", "/api/v1/envs/a", null));

        assertEquals(Json.mapper().createObjectNode(), rest.send("GET", "/api/v1/status", null));

        assertEquals(List.of("1 DELETE /api/v1/envs/a", "1 GET /api/v1/status", "2 GET /api/v1/status"),
                server.received());
    }

    /**
     * Answers the first request of its first connection with 204, keeping the connection alive; reads
     * the next request on it and closes it unanswered (a server that goes away, or drops the connection
     * as idle, just then); answers every request on later connections with {@code {}}. Notes each
     * request line, after the number of its connection, before acting on it.
     */
    private static final class ClosingServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<String> received = new CopyOnWriteArrayList<>();
        private final Thread thread = new Thread(this::serve, "closing-server");
        private volatile Socket current;

        ClosingServer() throws IOException {
            thread.setDaemon(true);
            thread.start();
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        List<String> received() {
            return List.copyOf(received);
        }

        private void serve() {
            try {
                for (int connection = 1; ; connection++) {
                    try (Socket s = socket.accept()) {
                        current = s;
                        serve(connection, s.getInputStream(), s.getOutputStream());
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        private void serve(int connection, InputStream in, OutputStream out) throws IOException {
            for (int request = 1; ; request++) {
                String line = readRequest(in);
                if (line == null) {
                    return;
                }
                received.add(connection + " " + line);
                if (connection == 1 && request == 2) {
                    return;
                }
                out.write((connection == 1 ? "HTTP/1.1 204 No Content\r\n\r\n"
                        : "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }

        /** Reads a request, its body too (by its Content-Length); returns its first line, or null at the end. */
        private static String readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
            }
            String text = head.toString(StandardCharsets.US_ASCII);
            int length = text.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                    .mapToInt(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElse(0);
            in.readNBytes(length);
            String line = text.lines().findFirst().orElseThrow();
            return line.substring(0, line.lastIndexOf(' '));
        }

        @Override
        public void close() throws Exception {
            socket.close();
            Socket open = current;
            if (open != null) {
                open.close();
            }
            thread.join();
        }
    }
}
