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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SshBannerTest {

    /**
     * A forwarded port as QEMU's user networking makes it: every connection is accepted; the first
     * {@code closed} are closed at once (nothing listens in the guest yet), the next {@code silent}
     * get nothing (a SYN lost before the guest's network was up), the later ones get the banner
     * {@code bannerDelayMs} after they were accepted (a server slow to start each session).
     */
    private static final class ForwardedPort implements AutoCloseable {

        final ServerSocket server;
        final AtomicInteger accepted = new AtomicInteger();
        private final Thread thread;
        final List<Socket> sockets = new CopyOnWriteArrayList<>();

        ForwardedPort(int closed, int silent, long bannerDelayMs) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        sockets.add(s);
                        int n = accepted.incrementAndGet();
                        if (n <= closed) {
                            s.close();
                        } else if (n > closed + silent) {
                            Thread answer = new Thread(() -> banner(s, bannerDelayMs));
                            answer.setDaemon(true);
                            answer.start();
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            thread.start();
        }

        private static void banner(Socket s, long delayMs) {
            try {
                Thread.sleep(delayMs);
                OutputStream out = s.getOutputStream();
                out.write("SSH-2.0-OpenSSH_10.0\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
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

    /** Probes as tt-host does (a pause of 50 ms between calls) until the banner or {@code calls} calls. */
    private static boolean probe(SshBanner.Probe probe, int calls) throws Exception {
        for (int i = 0; i < calls; i++) {
            if (probe.answers(60_000)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static int portNothingListensOn() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aServerSlowToStartEachSessionGetsAtMostMaxOpenConnectionsNotOneASecond() throws Exception {
        long slow = (SshBanner.Probe.MAX_OPEN + 4) * SshBanner.Probe.NEW_CONNECTION_EVERY_MS;
        try (ForwardedPort port = new ForwardedPort(1, 0, slow);
             SshBanner.Probe probe = new SshBanner.Probe("127.0.0.1", port.port())) {
            assertTrue(probe(probe, 100), "the slow server's banner is waited for");
            assertTrue(port.accepted.get() <= 1 + SshBanner.Probe.MAX_OPEN, "connections: " + port.accepted.get());
        }
    }

    @Test
    void connectionsAreReplacedWhileTheGuestHasAnsweredNone() throws Exception {
        int silent = SshBanner.Probe.MAX_OPEN + 1;
        try (ForwardedPort port = new ForwardedPort(0, silent, 0);
             // as QEMU's networking says while the guest's network is down: none of them answered
             SshBanner.Probe probe = new SshBanner.Probe("127.0.0.1", port.port(),
                     () -> port.accepted.get() <= silent ? SshBanner.Probe.MAX_OPEN : 0)) {
            assertTrue(probe(probe, 100), "the banner of the connection opened after the silent ones");
            assertEquals(silent + 1, port.accepted.get());
            assertEquals(2, probe.replaced(), "the oldest replaced twice: the fifth connection was silent too");
            assertTrue(probe.open() <= SshBanner.Probe.MAX_OPEN, "open: " + probe.open());
        }
    }

    @Test
    void connectionsAreNotReplacedWhenTheGuestMayHaveAnsweredThemOrNobodyKnows() throws Exception {
        long slow = (SshBanner.Probe.MAX_OPEN + 4) * SshBanner.Probe.NEW_CONNECTION_EVERY_MS;
        for (SshBanner.Unanswered unanswered : List.<SshBanner.Unanswered>of(() -> 1, () -> {
            throw new IOException("QEMU's monitor is gone");
        })) {
            try (ForwardedPort port = new ForwardedPort(1, 0, slow);
                 SshBanner.Probe probe = new SshBanner.Probe("127.0.0.1", port.port(), unanswered)) {
                assertTrue(probe(probe, 100), "the slow server's banner is waited for");
                assertTrue(port.accepted.get() <= 1 + SshBanner.Probe.MAX_OPEN, "connections: " + port.accepted.get());
                assertEquals(0, probe.replaced());
            }
        }
    }

    @Test
    void aSilentConnectionDoesNotHoldUpTheNextOne() throws Exception {
        try (ForwardedPort port = new ForwardedPort(0, 1, 0);
             SshBanner.Probe probe = new SshBanner.Probe("127.0.0.1", port.port())) {
            assertTrue(probe(probe, 100), "the second connection's banner");
            assertEquals(2, port.accepted.get());
        }
    }

    @Test
    void aConnectionTheGuestClosesIsFollowedByANewOneAtOnce() throws Exception {
        try (ForwardedPort port = new ForwardedPort(3, 0, 0);
             SshBanner.Probe probe = new SshBanner.Probe("127.0.0.1", port.port())) {
            // three closed connections, then the banner: four calls, not a second's wait after each close
            assertTrue(probe(probe, 4 + 1), "connections: " + port.accepted.get());
            assertEquals(4, port.accepted.get());
        }
    }

    @Test
    void aProbeIsBackWithinTheTimeItIsGivenAndClosesItsConnections() throws Exception {
        try (ForwardedPort port = new ForwardedPort(0, 0, 60_000)) {
            SshBanner.Probe probe = new SshBanner.Probe("127.0.0.1", port.port());
            assertFalse(probe.answers(200), "no banner within the time given");
            assertEquals(1, probe.open());
            probe.close();
            assertEquals(0, probe.open());
        }
    }

    @Test
    void aProbeThatHasTheBannerClosesEveryConnection() throws Exception {
        try (ForwardedPort port = new ForwardedPort(0, 1, 0);
             SshBanner.Probe probe = new SshBanner.Probe("127.0.0.1", port.port())) {
            assertTrue(probe(probe, 100), "the second connection's banner");
            assertEquals(0, probe.open());
            assertEquals(2, port.sockets.size());
            for (Socket s : port.sockets) {
                s.setSoTimeout(10_000);
                assertEquals(-1, s.getInputStream().read(), "the server sees the probe's connection closed");
            }
        }
    }

    @Test
    void aPortNothingListensOnIsNoAnswer() throws Exception {
        int free = portNothingListensOn();
        try (SshBanner.Probe probe = new SshBanner.Probe("127.0.0.1", free)) {
            assertFalse(probe.answers(60_000));
            assertEquals(0, probe.open());
        }
    }

    @Test
    void awaitIsTrueOnceTheServerAnswersAfterRefusals() throws Exception {
        try (ForwardedPort port = new ForwardedPort(2, 0, 0);
             SshBanner.Probe probe = new SshBanner.Probe("127.0.0.1", port.port())) {
            assertTrue(probe.await(System.nanoTime() + TimeUnit.MINUTES.toNanos(1), () -> true));
            assertEquals(3, port.accepted.get());
        }
    }

    @Test
    void awaitStopsAsSoonAsTheVmIsNoLongerWaitedFor() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        try (ForwardedPort port = new ForwardedPort(0, 0, 600_000);
             SshBanner.Probe probe = new SshBanner.Probe("127.0.0.1", port.port())) {
            assertFalse(probe.await(System.nanoTime() + TimeUnit.MINUTES.toNanos(10), () -> asked.incrementAndGet() <= 2));
            assertEquals(3, asked.get(), "asked before each of two probes, then once more: stop");
        }
    }

    @Test
    void awaitIsFalseAtTheDeadline() throws Exception {
        int free = portNothingListensOn();
        try (SshBanner.Probe probe = new SshBanner.Probe("127.0.0.1", free)) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            assertFalse(probe.await(deadline, () -> true));
            assertTrue(System.nanoTime() >= deadline, "it gave up at the deadline, not before");
        }
    }
}
