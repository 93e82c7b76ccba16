package tt.jenkins;

import tt.api.ImageName;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dynamic labels, which need no template, so any OS in the pool is one label away:
 * <ul>
 *   <li>{@code tt-<os-prefix>}: a VM of the first image (by name) whose OS part starts with the
 *       prefix, as {@code tt env add --os-prefix}, of the controller's CPU architecture if the pool
 *       has one;</li>
 *   <li>{@code tt-image:<image>}: a VM of exactly that image;</li>
 *   <li>either followed by sizes: {@code --cpu<n>}, {@code --mem<MiB>}, {@code --disk<MiB>}, and
 *       after an OS prefix by {@code --arch-<arch>}, for example
 *       {@code tt-ubuntu2004--arch-aarch64--cpu2--mem4096}.</li>
 * </ul>
 */
public final class TtLabel {

    public static final String PREFIX = "tt-";
    public static final String IMAGE_PREFIX = "tt-image:";
    private static final Pattern OS_PREFIX = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern SIZE = Pattern.compile("(cpu|mem|disk)([0-9]{1,7})");
    private static final Pattern ARCH = Pattern.compile("arch-([a-z0-9_]{1,16})");

    /** What a dynamic label asks for: an OS prefix (and arch) or an exact image, and sizes (null: the defaults). */
    public record Dynamic(String osPrefix, String image, String arch, Integer cpu, Integer memMib, Integer diskMib) {
    }

    private TtLabel() {
    }

    /** What a label asks for, if it is a valid dynamic TT label. */
    public static Optional<Dynamic> parse(String label) {
        if (label == null) {
            return Optional.empty();
        }
        String l = label.strip();
        String lower = l.toLowerCase(Locale.ROOT);
        boolean byImage = lower.startsWith(IMAGE_PREFIX);
        if (!byImage && !lower.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = (byImage ? l.substring(IMAGE_PREFIX.length()) : lower.substring(PREFIX.length())).split("--", -1);
        String what = parts[0];
        if (byImage ? !ImageName.isValid(what) : !OS_PREFIX.matcher(what).matches() || what.endsWith("-")) {
            return Optional.empty();
        }
        Integer[] sizes = new Integer[3];
        String arch = null;
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].toLowerCase(Locale.ROOT);
            Matcher a = ARCH.matcher(part);
            if (a.matches() && arch == null && !byImage) {
                arch = a.group(1);
                continue;
            }
            Matcher m = SIZE.matcher(part);
            if (!m.matches()) {
                return Optional.empty();
            }
            int slot = switch (m.group(1)) {
                case "cpu" -> 0;
                case "mem" -> 1;
                default -> 2;
            };
            int value = Integer.parseInt(m.group(2));
            if (sizes[slot] != null || value < 1) {
                return Optional.empty();
            }
            sizes[slot] = value;
        }
        return Optional.of(new Dynamic(byImage ? null : what, byImage ? what : null, arch, sizes[0], sizes[1],
                sizes[2]));
    }
}
