package tt.host.vm;

import tt.api.Capacity;
import tt.server.InsufficientResourcesException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The host's resource totals and what is held of them; reserving never over-commits. A user's VM
 * comes before the host's own work: room held by work that yields (a snapshot build, a warm VM no
 * one has taken) is taken from it in the same step that reserves the VM's room, so a user's VM is
 * never refused while such work holds what it needs, whatever the timing. Yielding work is told
 * (its {@code onYield} runs once, outside the ledger's lock) and must stop; its room is already
 * the VM's.
 */
public final class ResourceLedger {

    /** What holds room: a user's VM, or work that gives its room to one. */
    private enum Kind {
        VM(false, true), WARM_VM(true, true), HOST_WORK(true, false);

        final boolean yields;
        final boolean isVm;

        Kind(boolean yields, boolean isVm) {
            this.yields = yields;
            this.isVm = isVm;
        }
    }

    private final Capacity total;
    private final Set<Hold> holds = new LinkedHashSet<>();
    private long serials;

    public ResourceLedger(Capacity total) {
        this.total = total;
    }

    /**
     * Room for a user's VM: free room, or room that yielding work gives up (the host's own work
     * before warm VMs, the newest first). Throws, saying which resources are short, only when even
     * all yielding work together does not hold enough; then nothing yields.
     */
    public Hold reserve(Capacity need) {
        List<Hold> yielding;
        Hold hold;
        synchronized (this) {
            Capacity free = total.minus(heldBy(h -> true));
            yielding = free.fits(need) ? List.of() : chooseToYield(need, free);
            yielding.forEach(holds::remove);
            hold = add(need, Kind.VM, null);
        }
        yielding.forEach(h -> h.onYield.run());
        return hold;
    }

    /** Room for a VM kept warm for whoever asks next: free room only; it yields to a user's VM. */
    public synchronized Hold reserveWarm(Capacity need, Runnable onYield) {
        return reserveFree(need, Kind.WARM_VM, onYield);
    }

    /** Room for the host's own work (not a VM): free room only; it yields to a user's VM first. */
    public synchronized Hold reserveHostWork(Capacity need, Runnable onYield) {
        return reserveFree(need, Kind.HOST_WORK, onYield);
    }

    private Hold reserveFree(Capacity need, Kind kind, Runnable onYield) {
        Capacity free = total.minus(heldBy(h -> true));
        if (!free.fits(need)) {
            throw shortOf(need, free);
        }
        return add(need, kind, onYield);
    }

    private Hold add(Capacity need, Kind kind, Runnable onYield) {
        Hold hold = new Hold(need, kind, onYield);
        holds.add(hold);
        return hold;
    }

    /** The yielding holds that free enough room for {@code need}, or an exception if all of them would not. */
    private List<Hold> chooseToYield(Capacity need, Capacity free) {
        List<Hold> candidates = new ArrayList<>(holds.stream().filter(h -> h.kind.yields).toList());
        candidates.sort(Comparator.comparing((Hold h) -> h.kind != Kind.HOST_WORK).thenComparing(h -> -h.serial));
        List<Hold> chosen = new ArrayList<>();
        Capacity room = free;
        for (Hold h : candidates) {
            if (room.fits(need)) {
                break;
            }
            chosen.add(h);
            room = room.plus(h.share);
        }
        if (!room.fits(need)) {
            throw shortOf(need, free);
        }
        return chosen;
    }

    private InsufficientResourcesException shortOf(Capacity need, Capacity free) {
        StringBuilder shortOf = new StringBuilder();
        if (need.cpu() > free.cpu()) {
            shortOf.append(String.format("cpu: need %d, free %d of %d; ", need.cpu(), free.cpu(), total.cpu()));
        }
        if (need.memKib() > free.memKib()) {
            shortOf.append(String.format("memory: need %d KiB, free %d KiB of %d KiB; ",
                    need.memKib(), free.memKib(), total.memKib()));
        }
        if (need.diskKib() > free.diskKib()) {
            shortOf.append(String.format("disk: need %d KiB, free %d KiB of %d KiB; ",
                    need.diskKib(), free.diskKib(), total.diskKib()));
        }
        return new InsufficientResourcesException("not enough resources on this host (" + shortOf.toString()
                .replaceAll("; $", "") + "): delete VMs or ask for less");
    }

    private Capacity heldBy(Predicate<Hold> which) {
        return holds.stream().filter(which).map(h -> h.share).reduce(Capacity.ZERO, Capacity::plus);
    }

    public Capacity total() {
        return total;
    }

    /** What VMs hold (users' and warm ones); the host's own work is not counted: it yields. */
    public synchronized Capacity used() {
        return heldBy(h -> h.kind.isVm);
    }

    /** Everything held, the host's own work too. */
    public synchronized Capacity held() {
        return heldBy(h -> true);
    }

    /** One reservation. Releasing it twice, or after it yielded, changes nothing. */
    public final class Hold {

        private final Capacity share;
        private final long serial;
        private final Runnable onYield;
        private Kind kind;

        private Hold(Capacity share, Kind kind, Runnable onYield) {
            this.share = share;
            this.kind = kind;
            this.onYield = onYield;
            this.serial = ++serials;
        }

        public Capacity share() {
            return share;
        }

        /** Gives the room back. */
        public void release() {
            synchronized (ResourceLedger.this) {
                holds.remove(this);
            }
        }

        /** A warm VM taken by a user becomes a user's VM: it yields no more. False if it yielded already. */
        public boolean keep() {
            synchronized (ResourceLedger.this) {
                if (!holds.contains(this)) {
                    return false;
                }
                kind = Kind.VM;
                return true;
            }
        }
    }
}
