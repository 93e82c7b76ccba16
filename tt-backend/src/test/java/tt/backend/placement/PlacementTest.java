package tt.backend.placement;

import org.junit.jupiter.api.Test;
import tt.api.Capacity;
import tt.server.InsufficientResourcesException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlacementTest {

    private static final String X86 = "qemu:tiny-1.0:6.1.x86_64";
    private static final String ARM = "qemu:tiny-1.0:6.1.aarch64";
    private static final Capacity VM = new Capacity(1, 512 * 1024, 100 * 1024);

    @Test
    void spreadsOverHostsThatHaveTheImage() {
        List<Placement.Candidate> hosts = List.of(
                new Placement.Candidate("a", new Capacity(2, 2048 * 1024, 10L << 20), Set.of(X86)),
                new Placement.Candidate("b", new Capacity(2, 2048 * 1024, 10L << 20), Set.of(X86, ARM)));
        Map<String, String> placed = Placement.place(List.of(
                new Placement.Demand("v1", X86, VM), new Placement.Demand("v2", X86, VM),
                new Placement.Demand("v3", ARM, VM)), hosts);
        assertEquals("b", placed.get("v3"), "only b has the arm image");
        assertEquals(3, placed.size());
        assertTrue(placed.values().containsAll(Set.of("a", "b")), "x86 VMs are spread: " + placed);
    }

    @Test
    void allOrNothingWithAMessageNamingWhatIsShort() {
        List<Placement.Candidate> hosts = List.of(
                new Placement.Candidate("a", new Capacity(1, 1024 * 1024, 10L << 20), Set.of(X86)));
        InsufficientResourcesException e = assertThrows(InsufficientResourcesException.class, () -> Placement.place(
                List.of(new Placement.Demand("v1", X86, VM), new Placement.Demand("v2", X86, VM)), hosts));
        assertTrue(e.getMessage().contains("after placing 1 of 2 VMs"), e.getMessage());
        assertTrue(e.getMessage().contains("0 cpu"), e.getMessage());
        InsufficientResourcesException none = assertThrows(InsufficientResourcesException.class, () -> Placement.place(
                List.of(new Placement.Demand("v1", ARM, VM)), hosts));
        assertTrue(none.getMessage().contains("no online host has image " + ARM), none.getMessage());
    }

    @Test
    void placesAThousandVmsOverFiftyHostsExactlyToCapacity() {
        List<Placement.Candidate> hosts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            hosts.add(new Placement.Candidate("h" + i, new Capacity(20, 20L * 512 * 1024, 1L << 30), Set.of(X86)));
        }
        List<Placement.Demand> demands = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            demands.add(new Placement.Demand("v" + i, X86, VM));
        }
        Map<String, String> placed = Placement.place(demands, hosts);
        Map<String, Integer> perHost = new HashMap<>();
        placed.values().forEach(h -> perHost.merge(h, 1, Integer::sum));
        assertEquals(50, perHost.size());
        assertTrue(perHost.values().stream().allMatch(n -> n == 20), perHost.toString());
        demands.add(new Placement.Demand("one-too-many", X86, VM));
        assertThrows(InsufficientResourcesException.class, () -> Placement.place(demands, hosts));
    }
}
