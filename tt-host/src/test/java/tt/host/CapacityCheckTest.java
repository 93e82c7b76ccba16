package tt.host;

import org.junit.jupiter.api.Test;
import tt.api.Capacity;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapacityCheckTest {

    private static final CapacityCheck.Machine MACHINE = new CapacityCheck.Machine(24L << 20, 2, 80L << 20);

    @Test
    void memoryGivenInMibInsteadOfKibIsRefusedAsTooSmall() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CapacityCheck.check(new Capacity(2, 4096, 40L << 20), MACHINE));
        assertEquals("--mem-total 4096 KiB (4 MiB) is too small for any VM (each needs at least 64 MiB):"
                + " --mem-total is in KiB, e.g. $[4*1024*1024] for 4 GiB", e.getMessage());
    }

    @Test
    void memoryTheMachineDoesNotHaveIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CapacityCheck.check(new Capacity(2, 4294967296L, 40L << 20), MACHINE));
        assertTrue(e.getMessage().startsWith("--mem-total 4294967296 KiB (4 TiB) is more than this machine's memory"
                + " (24 GiB)"), e.getMessage());
    }

    @Test
    void moreCpusOrDiskThanTheMachineHasIsAllowedButSaid() {
        List<String> warnings = CapacityCheck.check(new Capacity(8, 4L << 20, 100L << 20), MACHINE);
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("--cpu-total 8 is more than this machine's 2 CPUs"), warnings.get(0));
        assertTrue(warnings.get(1).contains("100 GiB") && warnings.get(1).contains("80 GiB free"), warnings.get(1));
        assertEquals(List.of(), CapacityCheck.check(new Capacity(2, 4L << 20, 40L << 20), MACHINE),
                "the seed's own totals raise nothing here");
    }
}
