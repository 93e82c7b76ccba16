package tt.host.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.ImageName;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The images in the image folder, kept current while the daemon runs: a watch on the folder
 * triggers a rescan whenever an image folder appears, disappears or is renamed.
 */
public final class ImageCatalog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImageCatalog.class);
    private static final String MANIFEST = "image.json";

    private final Path root;
    private final ObjectMapper json = new ObjectMapper();
    private volatile Map<String, Image> images = Map.of();
    private WatchService watcher;

    public ImageCatalog(Path root) {
        this.root = root;
    }

    /**
     * Refuses an image folder that lies under /tmp or is missing. /tmp is checked first, by name:
     * the daemon runs with a private /tmp (as in the seed), so a folder there, even one that exists,
     * is invisible to it.
     */
    public static Path checkRoot(Path imagePath) throws IOException {
        Path abs = imagePath.toAbsolutePath().normalize();
        if (underTmp(abs)) {
            throw new IOException("image path " + abs + " is under /tmp: tt-host runs with a private /tmp, so it"
                    + " cannot see anything there; keep images in a folder outside /tmp, e.g. /srv/tt/images");
        }
        if (!Files.isDirectory(abs)) {
            throw new IOException("image path " + abs + " is not a folder: create it and put images in it,"
                    + " e.g. with 'tt image build tinylinux-x86_64 --image-path " + abs + "'");
        }
        Path real = abs.toRealPath();
        if (underTmp(real)) {
            throw new IOException("image path " + abs + " leads to " + real + ", under /tmp: tt-host runs with a"
                    + " private /tmp, so it cannot see anything there; keep images outside /tmp, e.g. /srv/tt/images");
        }
        return real;
    }

    private static boolean underTmp(Path p) {
        return p.startsWith("/tmp");
    }

    public synchronized void start() throws IOException {
        rescan();
        watcher = root.getFileSystem().newWatchService();
        root.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        Thread watchThread = new Thread(this::watchLoop, "image-watch");
        watchThread.setDaemon(true);
        watchThread.start();
    }

    public Collection<Image> all() {
        return images.values();
    }

    public Optional<Image> find(String name) {
        return Optional.ofNullable(images.get(name));
    }

    /** Reads every image folder again; a broken folder is logged and left out. */
    public void rescan() {
        Map<String, Image> found = new TreeMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                String dirName = dir.getFileName().toString();
                if (!Files.isDirectory(dir) || !ImageName.isValid(dirName)) {
                    continue;
                }
                try {
                    found.put(dirName, load(dir));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("image {} skipped: {}", dirName, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.error("cannot read image path {}: {}", root, e.getMessage());
            return;
        }
        if (!found.keySet().equals(images.keySet())) {
            LOG.info("images in {}: {}", root, found.keySet());
        }
        images = Map.copyOf(found);
    }

    Image load(Path dir) throws IOException {
        ImageName name = ImageName.parse(dir.getFileName().toString());
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IOException("no " + MANIFEST);
        }
        ImageManifest m = json.readValue(manifestFile.toFile(), ImageManifest.class);
        if (m.disk() == null || !isPlainFile(dir, m.disk())) {
            throw new IOException(MANIFEST + " names a missing or unsafe disk '" + m.disk() + "'");
        }
        if (m.kernel() == null) {
            if (m.firmware() == null || !List.of("bios", "uefi").contains(m.firmware())) {
                throw new IOException(MANIFEST + " names no kernel and no firmware: give \"kernel\", or"
                        + " \"firmware\": \"bios\" or \"uefi\" for an image that boots from its disk");
            }
        } else if (!isPlainFile(dir, m.kernel())) {
            throw new IOException(MANIFEST + " names a missing or unsafe kernel '" + m.kernel() + "'");
        }
        if (m.seed() != null && !m.nocloudSeed()) {
            throw new IOException(MANIFEST + " names an unknown seed '" + m.seed() + "': use \"nocloud\" or none");
        }
        if (m.initrd() != null && !isPlainFile(dir, m.initrd())) {
            throw new IOException(MANIFEST + " names a missing or unsafe initrd '" + m.initrd() + "'");
        }
        if (m.arch() == null || !m.arch().equals(name.arch())) {
            throw new IOException("arch '" + m.arch() + "' in " + MANIFEST + " does not match the name's '"
                    + name.arch() + "'");
        }
        long diskKib = Qcow2.virtualSizeBytes(dir.resolve(m.disk())) / 1024;
        return new Image(name, dir, m, diskKib);
    }

    private static boolean isPlainFile(Path dir, String file) {
        Path p = dir.resolve(file).normalize();
        return p.getParent().equals(dir) && Files.isRegularFile(p);
    }

    private void watchLoop() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                // let a burst of events (a copy, a rename) settle before reading the folder
                TimeUnit.MILLISECONDS.sleep(200);
                key.pollEvents();
                rescan();
                if (!key.reset()) {
                    LOG.error("image path {} is gone; images are no longer watched", root);
                    return;
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (watcher != null) {
            watcher.close();
        }
    }
}
