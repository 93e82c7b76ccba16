package tt.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tt.api.EnvState;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The backend client's own repeated calls, against a real HTTP server. */
class BackendClientTest {

    private static final String CREATING = "{\"name\":\"b\",\"state\":\"CREATING\"}";
    private AnsweringServer server;
    private BackendClient backend;

    @BeforeEach
    void serve() throws IOException {
        server = new AnsweringServer();
        backend = new BackendClient(server.base(), "t");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void awaitSettledAsksAgainWhileTheEnvIsBeingMade() throws Exception {
        server.answer(200, CREATING, CREATING, "{\"name\":\"b\",\"state\":\"READY\"}");

        assertEquals(EnvState.READY, backend.awaitSettled("b", Duration.ofMinutes(5)).state());

        assertEquals(3, server.received().size());
        assertEquals("GET /api/v1/envs/b?waitSeconds=30 Bearer t ", server.received().get(0));
    }

    @Test
    void awaitSettledGivesTheEnvAsItIsOnceTheTimeIsUp() throws Exception {
        server.answer(200, CREATING);

        assertEquals(EnvState.CREATING, backend.awaitSettled("b", Duration.ZERO).state());

        assertEquals(List.of("GET /api/v1/envs/b?waitSeconds=1 Bearer t "), server.received());
    }
}
