package tt.host.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Whether an SSH server answers on a port. A forwarded port accepts connections before the guest
 * listens (QEMU's user networking accepts, then drops them), so only the server's banner counts.
 */
public final class SshBanner {

    private static final byte[] BANNER = "SSH-".getBytes(StandardCharsets.US_ASCII);

    private SshBanner() {
    }

    /** How many connections to the probed port the guest has not answered yet, as its VM's networking knows. */
    @FunctionalInterface
    public interface Unanswered {
        int count() throws IOException;
    }

    /**
     * Repeated probes of one VM's SSH port that do not pile up on a slow server. A connection the
     * guest keeps silent is either lost (its SYN went out before the guest's network was up) or held
     * by a server still starting (a systemd socket until sshd runs; OpenSSH 9.8+ execs
     * {@code sshd-session} for each, seconds under TCG); the probe cannot tell which. So it keeps
     * every silent connection open for its banner and opens a new one each second beside them, up
     * to {@link #MAX_OPEN}: a lost one is made up for at once, and a slow server gets at most that
     * many sessions to start. A connection the guest closes (nothing listens yet) is dropped and the
     * next one opened at once. Once {@link #MAX_OPEN} are open, while the VM's networking says that
     * the guest has answered none of them (all made before its network was up; QEMU retries them
     * only some 6 s later), the oldest is replaced each second, so the first connection after the
     * network comes up is answered at once. No faster than one a second, to stay clear of
     * dropbear's limit: it refuses a login while 5 connections from one address are not logged in,
     * and all of QEMU's come from 10.0.2.2.
     */
    public static final class Probe implements AutoCloseable {

        static final int MAX_OPEN = 4;
        static final long NEW_CONNECTION_EVERY_MS = 1000;
        static final long PAUSE_MS = 50;

        private final InetSocketAddress address;
        private final Unanswered unanswered;
        private final Selector selector;
        /** The open connections, oldest first. */
        private final Deque<SelectionKey> opened = new ArrayDeque<>();
        /** When the last connection was opened; null when the next one may be opened at once. */
        private Long lastOpened;
        private int replaced;
        /** The guest answered a connection (its network is up), or its networking cannot say: one a second then. */
        private boolean guestAnswers;

        /** A probe that does not know which connections the guest has answered. */
        public Probe(String host, int port) throws IOException {
            this(host, port, () -> 0);
        }

        public Probe(String host, int port, Unanswered unanswered) throws IOException {
            this.address = new InetSocketAddress(host, port);
            this.unanswered = unanswered;
            this.selector = Selector.open();
        }

        /**
         * Waits up to {@code maxWaitMs} (at most a second, so the caller can look at its VM between
         * calls): true once one of the connections has the server's banner, and then every
         * connection is closed, so the server's logins are left to its users: dropbear refuses one
         * while 5 connections from an address are not logged in, and QEMU's all come from 10.0.2.2.
         */
        boolean answers(long maxWaitMs) throws IOException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(Math.max(maxWaitMs, 1),
                    NEW_CONNECTION_EVERY_MS));
            while (true) {
                long now = System.nanoTime();
                long since = lastOpened == null ? Long.MAX_VALUE : now - lastOpened;
                if (open() < MAX_OPEN && since >= TimeUnit.MILLISECONDS.toNanos(NEW_CONNECTION_EVERY_MS)) {
                    lastOpened = connect() ? now : null;
                } else if (!guestAnswers && since >= TimeUnit.MILLISECONDS.toNanos(NEW_CONNECTION_EVERY_MS)) {
                    if (noneAnswered()) {
                        close(opened.peekFirst());
                        replaced++;
                        lastOpened = connect() ? now : null;
                    } else {
                        guestAnswers = true;
                    }
                }
                long waitMs = TimeUnit.NANOSECONDS.toMillis(end - now);
                if (open() == 0 || waitMs <= 0) {
                    // refused, or every connection closed by the guest: the caller pauses, then probes anew
                    return false;
                }
                selector.select(waitMs);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (readBanner(key)) {
                        closeConnections();
                        return true;
                    }
                }
                selector.selectedKeys().clear();
                if (open() == 0) {
                    return false;
                }
            }
        }

        /**
         * Probes until the server answers (true), or {@code deadlineNanos} (a {@link System#nanoTime()})
         * passes or {@code stillWanted} turns false (false). {@code stillWanted} is asked at least once
         * a second; after a round in which every connection was refused or closed, the probe pauses
         * {@link #PAUSE_MS}.
         */
        public boolean await(long deadlineNanos, BooleanSupplier stillWanted) throws IOException, InterruptedException {
            while (System.nanoTime() < deadlineNanos && stillWanted.getAsBoolean()) {
                if (answers(TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()))) {
                    return true;
                }
                Thread.sleep(PAUSE_MS);
            }
            return false;
        }

        /** The connections open now. */
        int open() {
            return opened.size();
        }

        /** How many connections were replaced because the guest had answered none of them. */
        public int replaced() {
            return replaced;
        }

        /** True if the VM's networking says that the guest answered none of the open connections (false: unknown). */
        private boolean noneAnswered() {
            try {
                return unanswered.count() >= open();
            } catch (IOException e) {
                return false;
            }
        }

        /** Opens a connection; false if it was refused at once (nothing listens on the port yet). */
        private boolean connect() throws IOException {
            SocketChannel channel = SocketChannel.open();
            try {
                channel.configureBlocking(false);
                boolean connected = channel.connect(address);
                opened.addLast(channel.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT,
                        ByteBuffer.allocate(BANNER.length)));
                return true;
            } catch (IOException e) {
                channel.close();
                return false;
            }
        }

        /** True if the key's connection has the banner; drops a connection that failed or closed. */
        private boolean readBanner(SelectionKey key) {
            SocketChannel channel = (SocketChannel) key.channel();
            ByteBuffer buf = (ByteBuffer) key.attachment();
            try {
                if (key.isConnectable()) {
                    channel.finishConnect();
                    key.interestOps(SelectionKey.OP_READ);
                    return false;
                }
                if (channel.read(buf) >= 0 && buf.hasRemaining()) {
                    return false;
                }
                if (!buf.hasRemaining() && Arrays.equals(buf.array(), BANNER)) {
                    return true;
                }
            } catch (IOException e) {
                // refused or reset
            }
            close(key);
            lastOpened = null;
            return false;
        }

        private void close(SelectionKey key) {
            opened.remove(key);
            key.cancel();
            try {
                key.channel().close();
            } catch (IOException e) {
                // closing anyway
            }
        }

        private void closeConnections() {
            for (SelectionKey key : List.copyOf(opened)) {
                close(key);
            }
        }

        /** Closes every connection. */
        @Override
        public void close() {
            closeConnections();
            try {
                selector.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
