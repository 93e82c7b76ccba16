package tt.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a tt-host has left on this machine, seen from outside the daemon (/proc and /sys/fs/cgroup):
 * QEMU processes of its state folder, VM folders (with their overlays), VM cgroups and listening
 * ports other than its API's. Once every VM of the host is deleted there must be none; once the
 * host has stopped, not even its parent cgroup.
 */
public final class HostLeftovers {

    private static final Path PROC = Path.of("/proc");
    private static final Path CGROUP_FS = Path.of("/sys/fs/cgroup");
    private static final String LISTEN = "0A";

    private HostLeftovers() {
    }

    /** Each thing left, one line each ("QEMU pid 123: ..."); empty when nothing is. */
    public static List<String> of(HostProcess host) throws IOException {
        String stateDir = host.stateDir().toString();
        List<String> found = new ArrayList<>();
        Map<Long, Integer> listening = listeningSocketInodes();
        for (Map.Entry<Long, String> p : processesMentioning(stateDir).entrySet()) {
            String cmd = p.getValue();
            if (cmd.contains("qemu-system")) {
                found.add("QEMU pid " + p.getKey() + ": " + cmd);
            }
            for (int port : portsOf(p.getKey(), listening)) {
                if (port != host.port()) {
                    found.add("port " + port + " listening, held by pid " + p.getKey() + ": " + cmd);
                }
            }
        }
        Path vms = host.stateDir().resolve("vms");
        if (Files.isDirectory(vms)) {
            try (Stream<Path> dirs = Files.list(vms)) {
                dirs.forEach(d -> found.add("VM folder " + d + contents(d)));
            }
        }
        String group = "tt-host-" + host.port();
        for (Path parent : cgroupParents(group)) {
            if (!host.isAlive()) {
                found.add("cgroup " + parent + " of a stopped host");
            }
            try (Stream<Path> children = Files.list(parent)) {
                children.filter(Files::isDirectory).forEach(c -> found.add("cgroup " + c));
            }
        }
        return found;
    }

    private static String contents(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return " " + files.map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return "";
        }
    }

    /** The daemon's parent group in each hierarchy (v2: the root; v1: each controller's). */
    private static List<Path> cgroupParents(String group) throws IOException {
        List<Path> parents = new ArrayList<>();
        if (Files.isDirectory(CGROUP_FS.resolve(group))) {
            parents.add(CGROUP_FS.resolve(group));
        }
        try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(CGROUP_FS, Files::isDirectory)) {
            for (Path h : hierarchies) {
                if (Files.isDirectory(h.resolve(group))) {
                    parents.add(h.resolve(group));
                }
            }
        }
        return parents;
    }

    /** Every process whose command line mentions {@code text}, by pid. */
    private static Map<Long, String> processesMentioning(String text) throws IOException {
        Map<Long, String> found = new HashMap<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path pid : pids) {
                cmdline(pid).filter(c -> c.contains(text))
                        .ifPresent(c -> found.put(Long.parseLong(pid.getFileName().toString()), c));
            }
        }
        return found;
    }

    private static Optional<String> cmdline(Path pid) {
        try {
            return Optional.of(new String(Files.readAllBytes(pid.resolve("cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ').strip());
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    /** The local port of every listening TCP socket, by the socket's inode. */
    private static Map<Long, Integer> listeningSocketInodes() throws IOException {
        Map<Long, Integer> ports = new HashMap<>();
        for (String table : List.of("net/tcp", "net/tcp6")) {
            Path file = PROC.resolve(table);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                String[] f = line.strip().split("\\s+");
                if (f.length > 9 && f[3].equals(LISTEN) && f[1].contains(":")) {
                    String local = f[1];
                    ports.put(Long.parseLong(f[9]), Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }

    private static List<Integer> portsOf(long pid, Map<Long, Integer> listening) {
        List<Integer> ports = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
            for (Path fd : fds) {
                String target = Files.readSymbolicLink(fd).toString();
                if (target.startsWith("socket:[")) {
                    Integer port = listening.get(Long.parseLong(target.substring(8, target.length() - 1)));
                    if (port != null) {
                        ports.add(port);
                    }
                }
            }
        } catch (IOException gone) {
            return ports;
        }
        return ports;
    }
}
