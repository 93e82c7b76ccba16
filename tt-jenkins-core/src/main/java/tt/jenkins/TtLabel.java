package tt.jenkins;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Dynamic labels: {@code tt-<os-prefix>} asks for a VM of any image whose OS part starts with the
 * prefix (as {@code tt env add --os-prefix}), so any OS in the pool is one label away without a
 * template.
 */
public final class TtLabel {

    public static final String PREFIX = "tt-";
    private static final Pattern OS_PREFIX = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private TtLabel() {
    }

    /** The OS prefix a label asks for, if it is a dynamic TT label. */
    public static Optional<String> osPrefix(String label) {
        if (label == null) {
            return Optional.empty();
        }
        String l = label.strip().toLowerCase(Locale.ROOT);
        if (!l.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String os = l.substring(PREFIX.length());
        return OS_PREFIX.matcher(os).matches() ? Optional.of(os) : Optional.empty();
    }

    /** The dynamic label for an OS prefix. */
    public static String forOs(String osPrefix) {
        String os = osPrefix.strip().toLowerCase(Locale.ROOT);
        if (!OS_PREFIX.matcher(os).matches()) {
            throw new IllegalArgumentException("bad OS prefix '" + osPrefix + "': use letters, digits, '.', '-' or '_'");
        }
        return PREFIX + os;
    }
}
