package tt.backend.hosts;

import tt.api.Capacity;

import java.util.HashMap;
import java.util.Map;

/**
 * What the backend has handed out on one host: each VM's share under its own key (ENV id and VM
 * name). Reserving a key twice or releasing it twice changes nothing, so a delete that races
 * another delete, or a ledger rebuilt from the database while a delete is under way, can never
 * count a VM twice or release it twice.
 */
public final class HostLedger {

    private final Capacity total;
    private final Map<String, Capacity> held = new HashMap<>();
    private Capacity used = Capacity.ZERO;

    public HostLedger(Capacity total, Map<String, Capacity> heldNow) {
        this.total = total;
        heldNow.forEach(this::reserve);
    }

    /** The key of a VM's share: its ENV's id and its name. */
    public static String key(String envId, String vmName) {
        return envId + "/" + vmName;
    }

    public Capacity total() {
        return total;
    }

    public synchronized Capacity used() {
        return used;
    }

    public synchronized Capacity free() {
        return total.minus(used);
    }

    /** Records the VM's share; a key already held keeps its first share. */
    public synchronized void reserve(String key, Capacity share) {
        if (held.putIfAbsent(key, share) == null) {
            used = used.plus(share);
        }
    }

    /** Gives the VM's share back; false (and nothing changes) if the key holds nothing. */
    public synchronized boolean release(String key) {
        Capacity share = held.remove(key);
        if (share == null) {
            return false;
        }
        used = used.minus(share);
        return true;
    }
}
