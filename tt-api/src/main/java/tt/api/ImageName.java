package tt.api;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image name in the seed's form {@code engine:os-version:kernel.arch}, for example
 * {@code qemu:tinylinux-1.0:6.1.x86_64} or {@code bhyve:freebsd-14.1:amd64}.
 */
public record ImageName(String engine, String os, String kernelArch) {

    private static final Pattern ENGINE = Pattern.compile("[a-z][a-z0-9]{0,15}");
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

    public static ImageName parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("image name is missing");
        }
        String[] parts = text.split(":", -1);
        if (parts.length != 3 || !ENGINE.matcher(parts[0]).matches()
                || !PART.matcher(parts[1]).matches() || !PART.matcher(parts[2]).matches()) {
            throw new IllegalArgumentException("bad image name '" + Validation.printable(text)
                    + "': expected engine:os-version:kernel.arch, e.g. qemu:tinylinux-1.0:6.1.x86_64");
        }
        return new ImageName(parts[0], parts[1], parts[2]);
    }

    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** This machine's CPU architecture, named as images name it (x86_64, aarch64, ...). */
    public static String hostArch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            default -> arch;
        };
    }

    /** The CPU architecture: what follows the last dot of the third part, or all of it. */
    public String arch() {
        int dot = kernelArch.lastIndexOf('.');
        return dot < 0 ? kernelArch : kernelArch.substring(dot + 1);
    }

    /**
     * Whether the OS part starts with the given prefix, ignoring case and the separators
     * {@code - . _}, so that {@code ubuntu2004} matches {@code ubuntu-20.04} and {@code cent}
     * matches {@code centos-7.3}.
     */
    public boolean osMatches(String prefix) {
        String p = normalize(prefix);
        return !p.isEmpty() && normalize(os).startsWith(p);
    }

    private static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[-._]", "");
    }

    @Override
    public String toString() {
        return engine + ":" + os + ":" + kernelArch;
    }
}
