package tt.backend.hosts;

import org.junit.jupiter.api.Test;
import tt.api.Capacity;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostLedgerTest {

    private static final Capacity TOTAL = new Capacity(8, 8L << 20, 100L << 20);
    private static final Capacity VM = new Capacity(1, 1L << 20, 10L << 20);

    @Test
    void eachKeyIsCountedOnceAndReleasedOnce() {
        HostLedger ledger = new HostLedger(TOTAL, Map.of());
        ledger.reserve("env-1/a", VM);
        ledger.reserve("env-1/a", VM);
        ledger.reserve("env-1/b", VM);
        assertEquals(VM.plus(VM), ledger.used());
        assertTrue(ledger.release("env-1/a"));
        assertFalse(ledger.release("env-1/a"), "a second release of the same VM changes nothing");
        assertEquals(VM, ledger.used());
        assertEquals(TOTAL.minus(VM), ledger.free());
    }

    @Test
    void aLedgerRebuiltWhileADeleteIsUnderWayNeverGoesBelowZero() {
        HostLedger rebuilt = new HostLedger(TOTAL, Map.of("env-1/b", VM));
        assertFalse(rebuilt.release("env-1/a"), "a VM the rebuild no longer saw is not released again");
        assertTrue(rebuilt.release("env-1/b"));
        assertEquals(Capacity.ZERO, rebuilt.used());
    }
}
