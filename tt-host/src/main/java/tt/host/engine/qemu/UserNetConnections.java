package tt.host.engine.qemu;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads QEMU's user networking (slirp) table, as the monitor's {@code info usernet} prints it: one
 * line per socket, e.g. {@code TCP[SYN_SENT] 16 127.0.0.1 31999 10.0.2.15 22 0 0}, where a
 * connection made to a forwarded host port shows that port as its source and the guest's port as
 * its destination.
 */
final class UserNetConnections {

    /** A TCP socket's line (state, FD, source address and port, destination address and port, queues). */
    private static final Pattern TCP = Pattern.compile(
            "^\\s*TCP\\[([A-Z_]+)]\\s+\\d+\\s+\\S+\\s+\\d+\\s+\\S+\\s+(\\d+)\\s+\\d+\\s+\\d+\\s*$",
            Pattern.MULTILINE);

    private UserNetConnections() {
    }

    /**
     * The connections to {@code guestPort} that slirp has sent on to the guest without an answer
     * yet (state SYN_SENT): the guest has not seen them, or not while its network was up.
     */
    static int unanswered(String infoUsernet, int guestPort) {
        Matcher m = TCP.matcher(infoUsernet);
        int count = 0;
        while (m.find()) {
            if (m.group(1).equals("SYN_SENT") && Integer.parseInt(m.group(2)) == guestPort) {
                count++;
            }
        }
        return count;
    }
}
