package tt.host.vm;

import tt.server.InsufficientResourcesException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out host ports for forwards from a range, in turn from a random one, skipping ports held by
 * VMs and ports some other program is listening on. A port stays held until released.
 */
public final class PortAllocator {

    private final InetAddress bindAddress;
    private final int first;
    private final int last;
    private final Set<Integer> held = new HashSet<>();
    private int next;

    public PortAllocator(InetAddress bindAddress, int first, int last) {
        if (first < 1024 || last > 65535 || first > last) {
            throw new IllegalArgumentException("bad port range " + first + "-" + last + ": use e.g. 30000-32767");
        }
        this.bindAddress = bindAddress;
        this.first = first;
        this.last = last;
        // a random first pick: hosts sharing a machine and a range (the demo pool's two) would
        // otherwise both try its first port, and the QEMU that binds it second fails
        this.next = first + ThreadLocalRandom.current().nextInt(last - first + 1);
    }

    /**
     * A warning when [first, last] overlaps the machine's ephemeral range (as in
     * /proc/sys/net/ipv4/ip_local_port_range, e.g. "32768\t60999"): the kernel hands those ports to
     * outgoing connections, so one may take a port between its check here and QEMU's bind.
     */
    public static Optional<String> ephemeralOverlap(int first, int last, String ipLocalPortRange) {
        String[] range = ipLocalPortRange.trim().split("\\s+");
        if (range.length != 2 || !range[0].matches("\\d{1,5}") || !range[1].matches("\\d{1,5}")) {
            return Optional.empty();
        }
        int ephemeralFirst = Integer.parseInt(range[0]);
        int ephemeralLast = Integer.parseInt(range[1]);
        if (last < ephemeralFirst || first > ephemeralLast) {
            return Optional.empty();
        }
        return Optional.of("--port-range " + first + "-" + last + " overlaps this machine's ephemeral ports "
                + ephemeralFirst + "-" + ephemeralLast + " (net.ipv4.ip_local_port_range), which outgoing"
                + " connections take: a VM's forward may then fail to bind. Pick a range outside it (the default"
                + " 30000-32767 is below Linux's), or reserve yours with net.ipv4.ip_local_reserved_ports");
    }

    public synchronized List<Integer> allocate(int count) {
        List<Integer> ports = new ArrayList<>(count);
        int size = last - first + 1;
        for (int tried = 0; tried < size && ports.size() < count; tried++) {
            int port = next;
            next = next == last ? first : next + 1;
            if (!held.contains(port) && isFree(bindAddress, port)) {
                held.add(port);
                ports.add(port);
            }
        }
        if (ports.size() < count) {
            held.removeAll(ports);
            throw new InsufficientResourcesException("no free host ports left in " + first + "-" + last
                    + ": delete VMs or widen --port-range");
        }
        return ports;
    }

    public synchronized void release(Iterable<Integer> ports) {
        ports.forEach(held::remove);
    }

    /** True if nothing listens on {@code port} of {@code address} now. */
    static boolean isFree(InetAddress address, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port));
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
