package tt.host.snapshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.local.FileTrees;
import tt.api.Json;
import tt.host.image.Image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The snapshots of booted images this host keeps, one folder each under {@code STATE/snapshots}:
 * the disk as the guest left it (a qcow2 over the image's disk), the guest RAM file and the
 * device state. A snapshot is for one image as it is now (its files' sizes and times, its
 * manifest), one VM size (vCPUs, memory, disk) and one QEMU version; a change of any of them makes
 * another key, and old snapshots beyond {@link #KEEP} are removed, least recently used first.
 */
public final class SnapshotStore {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    /** Bumped when what a snapshot holds changes, so that older ones are not used. */
    private static final int FORMAT = 1;
    static final int KEEP = 8;
    private static final String META = "snapshot.json";

    /** What a snapshot is of; its key names its folder. */
    public record Size(int cpu, int memMib, int diskMib) {
    }

    /** A finished snapshot. */
    public record Snapshot(Path dir, String image, Size size, Instant builtAt, long bootMillis) {

        public Path disk() {
            return dir.resolve("disk.qcow2");
        }

        public Path ram() {
            return dir.resolve("ram");
        }

        public Path state() {
            return dir.resolve("state");
        }
    }

    /** What is written next to a snapshot's files. */
    record Meta(String image, int cpu, int memMib, int diskMib, Instant builtAt, long bootMillis) {
    }

    private final Path root;
    private final String engineVersion;
    private final ObjectMapper json = Json.mapper();

    public SnapshotStore(Path root, String engineVersion) throws IOException {
        this.root = Files.createDirectories(root);
        this.engineVersion = engineVersion;
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.filter(d -> d.getFileName().toString().startsWith(".building-")).toList()) {
                FileTrees.delete(d);
            }
        }
    }

    /** The snapshot of this image and size, if there is one for the image as it is now. */
    public Optional<Snapshot> find(Image image, Size size) {
        Path dir = root.resolve(key(image, size));
        Path meta = dir.resolve(META);
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        try {
            Meta m = json.readValue(meta.toFile(), Meta.class);
            Files.setLastModifiedTime(meta, FileTime.from(Instant.now()));
            return Optional.of(new Snapshot(dir, m.image(), size, m.builtAt(), m.bootMillis()));
        } catch (IOException e) {
            LOG.warn("snapshot {} of {} unreadable ({}): removed", dir.getFileName(), image.name(), e.getMessage());
            forget(dir);
            return Optional.empty();
        }
    }

    /** A fresh folder to build the snapshot of this image and size in. */
    public Path startBuilding(Image image, Size size) throws IOException {
        Path dir = root.resolve(".building-" + key(image, size));
        FileTrees.delete(dir);
        return Files.createDirectories(dir);
    }

    /** Makes a built folder the snapshot of this image and size; keeps at most {@link #KEEP}. */
    public Snapshot finish(Path building, Image image, Size size, long bootMillis) throws IOException {
        Meta meta = new Meta(image.name().toString(), size.cpu(), size.memMib(), size.diskMib(), Instant.now(), bootMillis);
        json.writeValue(building.resolve(META).toFile(), meta);
        Path dir = root.resolve(key(image, size));
        FileTrees.delete(dir);
        Files.move(building, dir, StandardCopyOption.ATOMIC_MOVE);
        prune();
        return new Snapshot(dir, meta.image(), size, meta.builtAt(), bootMillis);
    }

    /** Removes a snapshot that failed to restore, so that the next VM boots cold and it is built again. */
    public void forget(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            LOG.warn("snapshot {} not removed: {}", dir, e.getMessage());
        }
    }

    private void prune() throws IOException {
        List<Path> finished;
        try (Stream<Path> dirs = Files.list(root)) {
            finished = dirs.filter(d -> Files.isRegularFile(d.resolve(META)))
                    .sorted(Comparator.comparing(SnapshotStore::lastUsed).reversed()).toList();
        }
        for (Path old : finished.subList(Math.min(KEEP, finished.size()), finished.size())) {
            LOG.info("snapshot {} removed: the least recently used of more than {}", old.getFileName(), KEEP);
            FileTrees.delete(old);
        }
    }

    private static long lastUsed(Path dir) {
        try {
            return Files.getLastModifiedTime(dir.resolve(META)).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** A digest of everything the snapshot depends on. */
    String key(Image image, Size size) {
        StringBuilder what = new StringBuilder().append(FORMAT).append('|').append(engineVersion).append('|')
                .append(image.name()).append('|').append(size).append('|');
        try {
            what.append(Files.readString(image.dir().resolve("image.json"), StandardCharsets.UTF_8));
            for (Path file : Stream.of(image.kernel(), image.initrd(), image.disk()).filter(p -> p != null).toList()) {
                what.append('|').append(file.getFileName()).append(':').append(Files.size(file)).append('@')
                        .append(Files.getLastModifiedTime(file).toMillis());
            }
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(what.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot read image " + image.name() + " for its snapshot key", e);
        }
    }
}
