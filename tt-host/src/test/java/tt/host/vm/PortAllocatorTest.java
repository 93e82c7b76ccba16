package tt.host.vm;

import tt.server.InsufficientResourcesException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortAllocatorTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void skipsPortsInUseAndHeldOnes() throws IOException {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(LOOPBACK, 0));
            int taken = busy.getLocalPort();
            PortAllocator ports = new PortAllocator(LOOPBACK, taken, Math.min(taken + 40, 65535));
            List<Integer> got = ports.allocate(2);
            assertFalse(got.contains(taken));
            assertEquals(2, got.stream().distinct().count());
            List<Integer> more = ports.allocate(1);
            assertFalse(got.contains(more.get(0)));
        }
    }

    @Test
    void refusesWhenTheRangeIsExhaustedAndReleasesWork() {
        int first = twoFreePortsInARow();
        PortAllocator ports = new PortAllocator(LOOPBACK, first, first + 1);
        List<Integer> both = ports.allocate(2);
        assertThrows(InsufficientResourcesException.class, () -> ports.allocate(1));
        ports.release(both);
        assertEquals(2, ports.allocate(2).size());
    }

    @Test
    void saysWhenTheRangeOverlapsTheEphemeralPorts() {
        assertEquals(Optional.empty(), PortAllocator.ephemeralOverlap(30000, 32767, "32768\t60999\n"));
        assertEquals(Optional.empty(), PortAllocator.ephemeralOverlap(61000, 61999, "32768\t60999\n"));
        String warning = PortAllocator.ephemeralOverlap(30000, 39999, "32768\t60999\n").orElseThrow();
        assertTrue(warning.contains("--port-range 30000-39999 overlaps this machine's ephemeral ports 32768-60999"),
                warning);
        assertTrue(PortAllocator.ephemeralOverlap(60999, 61010, "32768 60999").isPresent());
        assertEquals(Optional.empty(), PortAllocator.ephemeralOverlap(30000, 39999, "garbage"));
    }

    /**
     * The first of two free ports in a row below Linux's ephemeral range (32768 and up), where no
     * outgoing connection of another program can take one of them while the test runs.
     */
    static int twoFreePortsInARow() {
        for (int port = 20000; port < 32767; port += 2) {
            if (PortAllocator.isFree(LOOPBACK, port) && PortAllocator.isFree(LOOPBACK, port + 1)) {
                return port;
            }
        }
        throw new IllegalStateException("no two free ports in a row in 20000-32767 on loopback");
    }

    @Test
    void refusesBadRanges() {
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(LOOPBACK, 80, 90));
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(LOOPBACK, 5000, 4000));
    }
}
