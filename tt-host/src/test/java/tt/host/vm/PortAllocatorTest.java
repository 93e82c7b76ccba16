package tt.host.vm;

import tt.server.InsufficientResourcesException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        PortAllocator ports = new PortAllocator(LOOPBACK, 41000, 41001);
        List<Integer> both = ports.allocate(2);
        assertThrows(InsufficientResourcesException.class, () -> ports.allocate(1));
        ports.release(both);
        assertEquals(2, ports.allocate(2).size());
    }

    @Test
    void refusesBadRanges() {
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(LOOPBACK, 80, 90));
        assertThrows(IllegalArgumentException.class, () -> new PortAllocator(LOOPBACK, 5000, 4000));
    }
}
