package tt.host.ssh;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SshBannerTest {

    /**
     * A forwarded port as QEMU's user networking makes it: every connection is accepted; the first
     * {@code refused} are closed at once (nothing listens in the guest yet), the later ones get the
     * banner {@code bannerDelayMs} after they were accepted (a server slow to start its session).
     */
    private static final class ForwardedPort implements AutoCloseable {

        final ServerSocket server;
        final AtomicInteger accepted = new AtomicInteger();
        private final Thread thread;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        ForwardedPort(int refused, long bannerDelayMs) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        sockets.add(s);
                        int n = accepted.incrementAndGet();
                        Thread answer = new Thread(() -> answer(s, n <= refused, bannerDelayMs));
                        answer.setDaemon(true);
                        answer.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            thread.start();
        }

        private static void answer(Socket s, boolean refuse, long delayMs) {
            try (s; OutputStream out = s.getOutputStream()) {
                if (!refuse) {
                    Thread.sleep(delayMs);
                    out.write("SSH-2.0-OpenSSH_10.0\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.getInputStream().read();
                }
            } catch (IOException | InterruptedException e) {
                // the probe went away
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void aSlowServerBehindAGuestThatHasClosedAConnectionGetsOneConnectionNotOneASecond() throws Exception {
        try (ForwardedPort port = new ForwardedPort(1, 2 * SshBanner.Probe.FIRST_TIMEOUT_MS + 500)) {
            SshBanner.Probe probe = new SshBanner.Probe("127.0.0.1", port.port());
            assertFalse(probe.answers(60_000), "the first connection is closed: no server yet");
            assertTrue(probe.answers(60_000), "the slow server's banner is waited for");
            assertEquals(2, port.accepted.get(), "one connection for the slow server, not a new one each second");
        }
    }

    @Test
    void untilTheGuestHasClosedAConnectionASilentOneIsLeftAfterTheFirstTimeout() throws Exception {
        try (ForwardedPort port = new ForwardedPort(0, 5 * SshBanner.Probe.FIRST_TIMEOUT_MS)) {
            SshBanner.Probe probe = new SshBanner.Probe("127.0.0.1", port.port());
            // silent like a SYN lost while the guest's network is down: the next probe starts afresh
            assertFalse(probe.answers(60_000));
            assertEquals(1, port.accepted.get());
        }
    }

    @Test
    void aProbeWaitsNoLongerThanItIsGiven() throws Exception {
        try (ForwardedPort port = new ForwardedPort(1, 60_000)) {
            SshBanner.Probe probe = new SshBanner.Probe("127.0.0.1", port.port());
            assertFalse(probe.answers(60_000));
            assertFalse(probe.answers(200), "no banner within the time left");
        }
    }

    @Test
    void aPortNothingListensOnIsNotTakenForTheGuestsNetwork() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        assertEquals(SshBanner.Answer.NO_PORT, SshBanner.probe("127.0.0.1", free, 1000));
        assertEquals(SshBanner.Answer.BANNER, bannerOf(0));
        assertEquals(SshBanner.Answer.CLOSED, bannerOf(1));
    }

    private static SshBanner.Answer bannerOf(int refused) throws Exception {
        try (ForwardedPort port = new ForwardedPort(refused, 0)) {
            return SshBanner.probe("127.0.0.1", port.port(), 5000);
        }
    }
}
