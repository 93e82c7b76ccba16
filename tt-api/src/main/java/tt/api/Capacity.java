package tt.api;

/** An amount of host resources: vCPUs, memory and disk in KiB (the seed's units). */
public record Capacity(int cpu, long memKib, long diskKib) {

    public static final Capacity ZERO = new Capacity(0, 0, 0);

    public Capacity plus(Capacity o) {
        return new Capacity(cpu + o.cpu, memKib + o.memKib, diskKib + o.diskKib);
    }

    public Capacity minus(Capacity o) {
        return new Capacity(cpu - o.cpu, memKib - o.memKib, diskKib - o.diskKib);
    }

    /** Whether every dimension of {@code need} fits in this amount. */
    public boolean fits(Capacity need) {
        return need.cpu <= cpu && need.memKib <= memKib && need.diskKib <= diskKib;
    }
}
