package tt.backend.placement;

import tt.api.Capacity;
import tt.server.InsufficientResourcesException;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Places all VMs of an ENV at once, or none: each VM goes to the host that has its image, fits
 * it, and has the most free memory left (spread), largest VMs first.
 */
public final class Placement {

    /** One VM to place. */
    public record Demand(String vm, String image, Capacity need) {
    }

    /** A host that may take VMs: what it has free and which images it has. */
    public record Candidate(String host, Capacity free, Set<String> images) {
    }

    private Placement() {
    }

    /** VM name to host id, or an exception naming the VM that does not fit and why. */
    public static Map<String, String> place(List<Demand> demands, List<Candidate> candidates) {
        Map<String, Capacity> free = new HashMap<>();
        candidates.forEach(c -> free.put(c.host(), c.free()));
        Map<String, String> result = new LinkedHashMap<>();
        List<Demand> biggestFirst = demands.stream()
                .sorted((a, b) -> Long.compare(b.need().memKib(), a.need().memKib())).toList();
        for (Demand d : biggestFirst) {
            Candidate best = null;
            boolean anyHasImage = false;
            for (Candidate c : candidates) {
                if (!c.images().contains(d.image())) {
                    continue;
                }
                anyHasImage = true;
                Capacity left = free.get(c.host());
                if (left.fits(d.need()) && (best == null || left.memKib() > free.get(best.host()).memKib())) {
                    best = c;
                }
            }
            if (best == null) {
                throw new InsufficientResourcesException(anyHasImage
                        ? "the pool cannot fit VM " + d.vm() + " (" + d.need().cpu() + " cpu, " + d.need().memKib()
                        + " KiB memory, " + d.need().diskKib() + " KiB disk) after placing " + result.size() + " of "
                        + demands.size() + " VMs; most free on a host with " + d.image() + ": " + mostFree(d.image(),
                        candidates, free) + ". Ask for fewer or smaller VMs, or delete ENVs"
                        : "no online host has image " + d.image() + ": check 'tt status --server'");
            }
            free.put(best.host(), free.get(best.host()).minus(d.need()));
            result.put(d.vm(), best.host());
        }
        return result;
    }

    private static String mostFree(String image, List<Candidate> candidates, Map<String, Capacity> free) {
        return candidates.stream().filter(c -> c.images().contains(image))
                .map(c -> free.get(c.host()))
                .max((a, b) -> Long.compare(a.memKib(), b.memKib()))
                .map(c -> c.cpu() + " cpu, " + c.memKib() + " KiB memory, " + c.diskKib() + " KiB disk").orElse("none");
    }
}
