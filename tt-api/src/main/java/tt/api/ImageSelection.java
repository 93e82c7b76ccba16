package tt.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Which images an ENV gets: every image matching an OS prefix, plus images named exactly. */
public final class ImageSelection {

    private ImageSelection() {
    }

    public static List<String> select(Collection<String> available, List<String> osPrefixes, List<String> exact) {
        List<String> prefixes = osPrefixes == null ? List.of() : osPrefixes;
        List<String> named = exact == null ? List.of() : exact;
        if (prefixes.isEmpty() && named.isEmpty()) {
            throw new IllegalArgumentException("say which VMs to make: give --os-prefix (e.g. cent,ubuntu2004) or --image");
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String prefix : prefixes) {
            List<String> hits = matching(available, checkPrefix(prefix));
            if (hits.isEmpty()) {
                throw new IllegalArgumentException("OS prefix '" + prefix + "' matches no image in the pool; images: "
                        + available.stream().sorted().toList());
            }
            chosen.addAll(hits);
        }
        for (String name : named) {
            if (!available.contains(name)) {
                throw new IllegalArgumentException("image '" + Validation.printable(name) + "' is not in the pool; images: "
                        + available.stream().sorted().toList());
            }
            chosen.add(name);
        }
        return new ArrayList<>(chosen);
    }

    /** The images matching any of the prefixes, sorted, each once; empty when none does. */
    public static List<String> matchingAny(Collection<String> available, List<String> osPrefixes) {
        return osPrefixes.stream().map(ImageSelection::checkPrefix).flatMap(p -> matching(available, p).stream())
                .distinct().sorted().toList();
    }

    private static String checkPrefix(String prefix) {
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("bad OS prefix '" + Validation.printable(prefix)
                    + "': use letters, digits, '.', '-' or '_'");
        }
        return prefix;
    }

    /** The images whose OS part starts with the prefix (case and {@code -._} ignored), sorted by name. */
    public static List<String> matching(Collection<String> available, String osPrefix) {
        return available.stream().sorted()
                .filter(n -> ImageName.isValid(n) && ImageName.parse(n).osMatches(osPrefix)).toList();
    }
}
