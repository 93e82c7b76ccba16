package tt.server;

import tt.api.Capacity;

/** The host's resource totals and what VMs hold of them; reserving never over-commits. */
public final class ResourceLedger {

    private final Capacity total;
    private Capacity used = Capacity.ZERO;

    public ResourceLedger(Capacity total) {
        this.total = total;
    }

    /** Takes {@code need}, or throws saying exactly which resources are short. */
    public synchronized void reserve(Capacity need) {
        Capacity free = total.minus(used);
        if (!free.fits(need)) {
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
            throw new InsufficientResourcesException("not enough resources on this host (" + shortOf.toString()
                    .replaceAll("; $", "") + "): delete VMs or ask for less");
        }
        used = used.plus(need);
    }

    public synchronized void release(Capacity held) {
        Capacity after = used.minus(held);
        if (after.cpu() < 0 || after.memKib() < 0 || after.diskKib() < 0) {
            throw new IllegalStateException("released more than reserved: " + held + " of " + used);
        }
        used = after;
    }

    public Capacity total() {
        return total;
    }

    public synchronized Capacity used() {
        return used;
    }
}
