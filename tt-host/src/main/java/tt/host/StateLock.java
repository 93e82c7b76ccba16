package tt.host;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The lock a running tt-host holds on its state folder, released by the kernel however the daemon
 * ends: two daemons never share a state folder, and a sweep never touches a running daemon's VMs.
 */
final class StateLock implements AutoCloseable {

    private final FileChannel channel;

    private StateLock(FileChannel channel) {
        this.channel = channel;
    }

    /** The lock, or empty if another process holds it. */
    static Optional<StateLock> tryTake(Path stateDir) throws IOException {
        FileChannel channel = FileChannel.open(stateDir.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        return Optional.of(new StateLock(channel));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
