package tt.cli;

import tt.local.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The servers whose certificates this user trusts, one {@code ADDR:PORT FINGERPRINT} per line (as
 * SSH's known_hosts): {@code $XDG_CONFIG_HOME/tt/known_servers}.
 */
record KnownServers(Path file) {

    Optional<String> fingerprint(String server) throws IOException {
        return lines().stream().map(l -> l.split("\\s+")).filter(f -> f.length == 2 && f[0].equals(server))
                .map(f -> f[1]).findFirst();
    }

    /** Pins {@code fingerprint} for {@code server}, replacing what was pinned for it. */
    void pin(String server, String fingerprint) throws IOException {
        List<String> kept = new ArrayList<>(lines().stream().filter(l -> !l.split("\\s+")[0].equals(server)).toList());
        kept.add(server + " " + fingerprint);
        PrivateFiles.write(file, String.join("\n", kept) + "\n");
    }

    private List<String> lines() throws IOException {
        return Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList() : List.of();
    }
}
