package tt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tt.local.ExternalCommand;
import tt.local.FileTrees;
import tt.api.ImageName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Turns a cloud image a user downloaded (qcow2, raw, vmdk, ...; Ubuntu, Debian, Rocky, Alma,
 * openSUSE ...) into an image folder tt-host serves: the disk converted to a qcow2 of at least
 * {@link #MIN_VIRTUAL_BYTES} (thin), booted through its firmware, personalised by a cloud-init
 * NoCloud seed (hostname, keys for root, disk growth). The folder appears in the image path at
 * once, whole (made aside, then renamed).
 */
final class ImageImport {

    static final long MIN_VIRTUAL_BYTES = 8L << 30;
    private static final Set<String> ARCHES = Set.of("x86_64", "aarch64");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What to import and how the image is named and booted. */
    record Request(Path file, String os, String arch, String firmware, String name, int minMemMib, Path imagePath) {
    }

    private ImageImport() {
    }

    /** The image's name: the one given, or {@code qemu:OS:cloud.ARCH}. */
    static String nameOf(Request r) {
        return r.name() != null ? r.name() : "qemu:" + r.os() + ":cloud." + r.arch();
    }

    /** Checks the request before anything is written; returns the firmware to boot with. */
    static String check(Request r) {
        if (!Files.isRegularFile(r.file()) || !Files.isReadable(r.file())) {
            throw new IllegalArgumentException("no readable image file " + r.file());
        }
        if (!ARCHES.contains(r.arch())) {
            throw new IllegalArgumentException("--arch must be one of " + ARCHES.stream().sorted().toList()
                    + " (images of other architectures come from recipes: tt image recipes)");
        }
        if (r.os() == null || !r.os().matches("[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9][A-Za-z0-9._+]*)+")) {
            throw new IllegalArgumentException("--os must be NAME-VERSION, e.g. ubuntu-22.04 or rocky-9.4, not '"
                    + r.os() + "'");
        }
        ImageName name = ImageName.parse(nameOf(r));
        if (!name.engine().equals("qemu") || !name.arch().equals(r.arch())) {
            throw new IllegalArgumentException("--name must be qemu:OS:KERNEL." + r.arch() + ", not '" + nameOf(r) + "'");
        }
        String firmware = r.firmware() != null ? r.firmware() : r.arch().equals("aarch64") ? "uefi" : "bios";
        if (!Set.of("bios", "uefi").contains(firmware) || (firmware.equals("bios") && !r.arch().equals("x86_64"))) {
            throw new IllegalArgumentException("--firmware must be uefi" + (r.arch().equals("x86_64") ? " or bios" : "")
                    + " for " + r.arch() + " images");
        }
        if (r.minMemMib() < 128) {
            throw new IllegalArgumentException("--min-mem must be at least 128 MiB");
        }
        if (r.imagePath().toAbsolutePath().normalize().startsWith("/tmp")) {
            throw new IllegalArgumentException("--image-path is under /tmp, which tt-host cannot see (its /tmp is"
                    + " private): use a folder outside /tmp, e.g. /srv/tt/images");
        }
        return firmware;
    }

    /** Imports the image; returns its folder. */
    static Path run(Request r) throws IOException {
        String firmware = check(r);
        String name = nameOf(r);
        Path target = r.imagePath().resolve(name);
        if (Files.exists(target)) {
            throw new IllegalArgumentException("the image folder " + target + " exists: delete it first, or give"
                    + " another --name");
        }
        JsonNode info = JSON.readTree(ExternalCommand.run(List.of("qemu-img", "info", "--output=json",
                r.file().toAbsolutePath().toString()), Duration.ofMinutes(1)));
        if (info.hasNonNull("backing-filename")) {
            throw new IllegalArgumentException(r.file() + " has a backing file: import the whole image"
                    + " (qemu-img convert it first)");
        }
        Files.createDirectories(r.imagePath());
        Path stage = r.imagePath().resolve(".importing-" + name);
        FileTrees.delete(stage);
        Files.createDirectories(stage);
        try {
            Path disk = stage.resolve("disk.qcow2");
            ExternalCommand.run(List.of("qemu-img", "convert", "-q", "-O", "qcow2", r.file().toAbsolutePath().toString(),
                    disk.toString()), Duration.ofMinutes(30));
            if (info.path("virtual-size").asLong() < MIN_VIRTUAL_BYTES) {
                ExternalCommand.run(List.of("qemu-img", "resize", "-q", disk.toString(), Long.toString(MIN_VIRTUAL_BYTES)),
                        Duration.ofMinutes(1));
            }
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("name", name);
            manifest.put("arch", r.arch());
            manifest.put("disk", "disk.qcow2");
            manifest.put("firmware", firmware);
            manifest.put("seed", "nocloud");
            manifest.put("sshUser", "root");
            manifest.put("minMemMib", r.minMemMib());
            manifest.put("machine", r.arch().equals("x86_64") ? "q35" : "virt");
            if (r.arch().equals("aarch64")) {
                manifest.put("cpu", "max");
            }
            JSON.writeValue(stage.resolve("image.json").toFile(), manifest);
            Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            FileTrees.delete(stage);
        }
    }
}
