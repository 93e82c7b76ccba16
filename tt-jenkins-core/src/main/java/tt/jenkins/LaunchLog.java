package tt.jenkins;

import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * An agent's launch log with the time since the launch began at the start of every line, e.g.
 * {@code [+12.345s] This is a Unix agent}: the plugin's own lines and Jenkins' alike, so the log
 * shows where a slow launch spends its time.
 */
public final class LaunchLog extends FilterOutputStream {

    private final LongSupplier nanoClock;
    private final long startNanos;
    private boolean atLineStart = true;

    public LaunchLog(OutputStream log, LongSupplier nanoClock) {
        super(log);
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (atLineStart) {
            long millis = (nanoClock.getAsLong() - startNanos) / 1_000_000;
            out.write(String.format(Locale.ROOT, "[+%d.%03ds] ", millis / 1000, millis % 1000)
                    .getBytes(StandardCharsets.US_ASCII));
        }
        out.write(b);
        atLineStart = b == '\n';
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }
}
