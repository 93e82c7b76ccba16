package tt.host.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Whether an SSH server answers on a port. A forwarded port accepts connections before the guest
 * listens (QEMU's user networking accepts, then drops them), so only the server's banner counts.
 */
public final class SshBanner {

    private SshBanner() {
    }

    /** One connection: true if the server's banner came within the timeout. */
    public static boolean answers(String host, int port, int timeoutMs) {
        return probe(host, port, timeoutMs) == Answer.BANNER;
    }

    /** What one connection to a forwarded SSH port got. */
    enum Answer {
        /** The server's banner. */
        BANNER,
        /** Nothing takes connections on the port (QEMU is not listening on it yet, or is gone). */
        NO_PORT,
        /** The connection was closed without a banner: nothing listens in the guest yet. */
        CLOSED,
        /** Nothing within the timeout: the guest's network is not up yet, or its server is slow to start. */
        SILENT
    }

    static Answer probe(String host, int port, int timeoutMs) {
        try (Socket s = new Socket()) {
            try {
                s.connect(new InetSocketAddress(host, port), timeoutMs);
            } catch (IOException e) {
                return Answer.NO_PORT;
            }
            s.setSoTimeout(timeoutMs);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4];
            int n = in.readNBytes(buf, 0, 4);
            return n == 4 && "SSH-".equals(new String(buf, StandardCharsets.US_ASCII)) ? Answer.BANNER : Answer.CLOSED;
        } catch (SocketTimeoutException e) {
            return Answer.SILENT;
        } catch (IOException e) {
            return Answer.CLOSED;
        }
    }

    /**
     * Repeated probes of one VM's SSH port that do not pile up on a slow server. Until the guest has
     * closed a connection, a silent one may mean its network is not up (the connection's SYN is
     * lost), so each probe gives up after a second and the next one starts afresh. Once the guest
     * has closed one, its network is up: a connection it keeps silent was accepted by a server still
     * starting its per-connection process (OpenSSH 9.8+ execs {@code sshd-session} for each, seconds
     * under TCG on a busy machine), so the probe waits on it for its banner instead of leaving it for
     * a new one, which would start yet another such process in the guest every second.
     */
    public static final class Probe {

        static final int FIRST_TIMEOUT_MS = 1000;
        static final int ACCEPTED_TIMEOUT_MS = 60_000;

        private final String host;
        private final int port;
        private boolean guestNetworkUp;

        public Probe(String host, int port) {
            this.host = host;
            this.port = port;
        }

        /** One probe, waiting at most {@code maxWaitMs}: true if the banner came. */
        public boolean answers(long maxWaitMs) {
            int timeout = (int) Math.max(1, Math.min(guestNetworkUp ? ACCEPTED_TIMEOUT_MS : FIRST_TIMEOUT_MS, maxWaitMs));
            Answer answer = probe(host, port, timeout);
            if (answer == Answer.CLOSED) {
                guestNetworkUp = true;
            }
            return answer == Answer.BANNER;
        }
    }
}
