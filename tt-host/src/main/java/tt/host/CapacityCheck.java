package tt.host;

import tt.api.Capacity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the totals a host offers (--cpu-total, --mem-total, --disk-total, in the seed's KiB)
 * against the machine: memory it does not have, or too little for any VM, is refused (a KiB/MiB
 * mix-up is the usual cause); more vCPUs or disk than it has is allowed (VMs share CPUs, disks are
 * thin) but said.
 */
final class CapacityCheck {

    /** The least memory any VM gets, in KiB. */
    static final long MIN_VM_MEM_KIB = 64 * 1024;

    /** What this machine has: memory in KiB, CPUs, free disk in KiB where the VMs' disks go. */
    record Machine(long memKib, int cpus, long diskFreeKib) {

        static Machine of(Path stateDir) throws IOException {
            long memKib = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("MemTotal:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).orElse(Long.MAX_VALUE);
            return new Machine(memKib, Runtime.getRuntime().availableProcessors(),
                    Files.getFileStore(stateDir).getUsableSpace() / 1024);
        }
    }

    private CapacityCheck() {
    }

    /** Refuses impossible totals (IllegalArgumentException); returns warnings for generous ones. */
    static List<String> check(Capacity total, Machine machine) {
        if (total.memKib() > machine.memKib()) {
            throw new IllegalArgumentException("--mem-total " + total.memKib() + " KiB (" + human(total.memKib())
                    + ") is more than this machine's memory (" + human(machine.memKib()) + "): --mem-total is in KiB,"
                    + " e.g. $[4*1024*1024] for 4 GiB");
        }
        if (total.memKib() < MIN_VM_MEM_KIB) {
            throw new IllegalArgumentException("--mem-total " + total.memKib() + " KiB (" + human(total.memKib())
                    + ") is too small for any VM (each needs at least 64 MiB): --mem-total is in KiB,"
                    + " e.g. $[4*1024*1024] for 4 GiB");
        }
        List<String> warnings = new ArrayList<>();
        if (total.cpu() > machine.cpus()) {
            warnings.add("--cpu-total " + total.cpu() + " is more than this machine's " + machine.cpus()
                    + " CPUs: VMs will share them");
        }
        if (total.diskKib() > machine.diskFreeKib()) {
            warnings.add("--disk-total " + total.diskKib() + " KiB (" + human(total.diskKib()) + ") is more than the "
                    + human(machine.diskFreeKib()) + " free where VM disks go: VM disks are thin, but if they fill"
                    + " up, VMs fail writing (--disk-total is in KiB)");
        }
        return warnings;
    }

    /** KiB as MiB, GiB or TiB with one decimal. */
    static String human(long kib) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = kib;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(v == Math.floor(v) ? "%.0f %s" : "%.1f %s", v, units[u]);
    }
}
