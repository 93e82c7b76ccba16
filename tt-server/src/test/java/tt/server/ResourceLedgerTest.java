package tt.server;

import org.junit.jupiter.api.Test;
import tt.api.Capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourceLedgerTest {

    @Test
    void reservesUntilFullThenNamesWhatIsShort() {
        ResourceLedger ledger = new ResourceLedger(new Capacity(2, 1024, 4096));
        ledger.reserve(new Capacity(1, 512, 1000));
        ledger.reserve(new Capacity(1, 256, 1000));
        InsufficientResourcesException e = assertThrows(InsufficientResourcesException.class,
                () -> ledger.reserve(new Capacity(1, 512, 100)));
        assertTrue(e.getMessage().contains("cpu: need 1, free 0 of 2"), e.getMessage());
        assertTrue(e.getMessage().contains("memory: need 512 KiB, free 256 KiB of 1024 KiB"), e.getMessage());
        assertTrue(!e.getMessage().contains("disk"), e.getMessage());
        assertEquals(new Capacity(2, 768, 2000), ledger.used(), "a refused reservation changes nothing");
    }

    @Test
    void releaseGivesBackExactly() {
        ResourceLedger ledger = new ResourceLedger(new Capacity(4, 4096, 4096));
        Capacity vm = new Capacity(2, 1024, 2048);
        ledger.reserve(vm);
        ledger.release(vm);
        assertEquals(Capacity.ZERO, ledger.used());
        assertThrows(IllegalStateException.class, () -> ledger.release(vm));
    }
}
