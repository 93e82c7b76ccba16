package tt.api;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks for everything a user can send: names, keys, ports, sizes, commands. */
public final class Validation {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
    private static final Pattern SSH_KEY = Pattern.compile(
            "(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\\.com"
                    + "|sk-ecdsa-sha2-nistp256@openssh\\.com) [A-Za-z0-9+/]+={0,3}( [\\x20-\\x7e]{0,200})?");
    public static final int MAX_COMMAND_LENGTH = 64 * 1024;
    public static final int MAX_PORTS = 16;
    public static final int MAX_KEYS = 32;

    private Validation() {
    }

    /** A name of an ENV or a VM: letters, digits, '-' and '_', starting with a letter or digit. */
    public static String name(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("bad " + what + " '" + printable(value)
                    + "': use 1-63 letters, digits, '-' or '_', starting with a letter or digit");
        }
        return value;
    }

    public static List<String> sshKeys(List<String> keys) {
        if (keys == null) {
            return List.of();
        }
        if (keys.size() > MAX_KEYS) {
            throw new IllegalArgumentException("too many SSH keys: " + keys.size() + " (at most " + MAX_KEYS + ")");
        }
        for (String key : keys) {
            if (key == null || !SSH_KEY.matcher(key.strip()).matches()) {
                throw new IllegalArgumentException("bad SSH public key '" + printable(key)
                        + "': give one OpenSSH public key line, e.g. the content of ~/.ssh/id_ed25519.pub");
            }
        }
        return keys.stream().map(String::strip).toList();
    }

    /** Tags of an ENV or a VM: at most 16, each a name to up to 256 printable characters. */
    public static Map<String, String> tags(Map<String, String> tags) {
        if (tags == null) {
            return Map.of();
        }
        if (tags.size() > 16) {
            throw new IllegalArgumentException("too many tags: at most 16");
        }
        tags.forEach((k, v) -> {
            name("tag name", k);
            if (v == null || v.length() > 256 || !v.equals(printable(v))) {
                throw new IllegalArgumentException("bad value for tag " + k + ": use up to 256 printable characters");
            }
        });
        return Map.copyOf(tags);
    }

    /** Guest ports to forward; 22 is always forwarded and may be listed again. */
    public static List<Integer> guestPorts(List<Integer> ports) {
        if (ports == null) {
            return List.of();
        }
        if (ports.size() > MAX_PORTS) {
            throw new IllegalArgumentException("too many ports: " + ports.size() + " (at most " + MAX_PORTS + ")");
        }
        for (Integer port : ports) {
            if (port == null || port < 1 || port > 65535) {
                throw new IllegalArgumentException("bad guest port " + port + ": use 1-65535");
            }
        }
        return ports.stream().filter(p -> p != 22).distinct().sorted().toList();
    }

    public static long range(String what, long value, long min, long max, String unit) {
        if (value < min || value > max) {
            String u = unit.isEmpty() ? "" : " " + unit;
            throw new IllegalArgumentException(what + " " + value + u + " is out of range: use " + min + " to " + max + u);
        }
        return value;
    }

    public static String command(String cmd) {
        if (cmd == null || cmd.isBlank()) {
            throw new IllegalArgumentException("command is missing: give the shell command to run in the guest");
        }
        if (cmd.length() > MAX_COMMAND_LENGTH || cmd.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("command is too long or contains a NUL byte");
        }
        return cmd;
    }

    /** The value, cut short and with control characters escaped, safe to quote in a message. */
    public static String printable(String value) {
        if (value == null) {
            return "";
        }
        String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        StringBuilder out = new StringBuilder();
        cut.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
