package tt.host.vm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The host's end of TT's guest agent (the guest's: images/guest/tt-agent), on the Unix socket QEMU
 * serves for the guest's virtio-serial port: waits for a guest that waits for its identity, and
 * gives it one. The protocol: docs/protocols/guest-agent.md.
 */
final class GuestAgent implements AutoCloseable {

    private static final String READY = "TT-AGENT READY";
    private static final String DONE = "TT-AGENT DONE";
    private static final String ERROR = "TT-AGENT ERROR";
    private final SocketChannel channel;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final SecureRandom random = new SecureRandom();

    private GuestAgent(SocketChannel channel) {
        this.channel = channel;
        // The channel's own read and write, not Channels.newInputStream/newOutputStream: those two
        // share the channel's blocking lock, so a write would wait for the pending read forever.
        Thread reader = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(4096);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try {
                while (channel.read(buf) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        byte b = buf.get();
                        if (b == '\n') {
                            lines.add(line.toString(StandardCharsets.UTF_8).strip());
                            line.reset();
                        } else {
                            line.write(b);
                        }
                    }
                    buf.clear();
                }
                lines.add(ERROR + " the agent's channel closed");
            } catch (IOException closed) {
                lines.add(ERROR + " the agent's channel closed: " + closed.getMessage());
            }
        }, "guest-agent");
        reader.setDaemon(true);
        reader.start();
    }

    static GuestAgent connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new GuestAgent(ch);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Sends one PING (the protocol document says why one) and waits until the guest's agent answers
     * READY, which it does once the guest waits for its identity.
     */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        send("PING\n");
        while (System.nanoTime() < deadline) {
            String line = lines.poll(500, TimeUnit.MILLISECONDS);
            if (line != null && line.equals(READY)) {
                return;
            }
            if (line != null && line.startsWith(ERROR)) {
                throw new IOException(line.substring(ERROR.length()).strip());
            }
        }
        throw new IOException("the guest's agent did not answer within " + timeout.toSeconds() + " s");
    }

    /** Gives the guest its own hostname, clock, randomness and SSH keys; returns once it has applied them. */
    void giveIdentity(String hostname, List<String> keys, Duration timeout) throws IOException, InterruptedException {
        byte[] seed = new byte[64];
        random.nextBytes(seed);
        StringBuilder block = new StringBuilder("IDENTITY\n");
        block.append("hostname ").append(hostname).append('\n');
        block.append("time ").append(Instant.now().getEpochSecond()).append('\n');
        block.append("random ").append(Base64.getEncoder().encodeToString(seed)).append('\n');
        for (String key : keys) {
            block.append("key ").append(Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.US_ASCII)))
                    .append('\n');
        }
        block.append("END\n");
        send(block.toString());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            if (line.equals(DONE)) {
                return;
            }
            if (line.startsWith(ERROR)) {
                throw new IOException("the guest could not take its identity: " + line.substring(ERROR.length()).strip());
            }
        }
        throw new IOException("the guest did not take its identity within " + timeout.toSeconds() + " s");
    }

    private synchronized void send(String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
