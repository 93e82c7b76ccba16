package tt.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Debian images the system tests boot (recipes images/recipes/debian-*). They take minutes to
 * build, so the tests never build them: {@code bin/test-all} builds the default ones (and all with
 * {@code --all-images}) into {@link #path()}, a folder of their own (not {@link Checkout#imagePath()},
 * so that the tiny images' tests do not serve them), and a test of an image that is not there stops
 * with an assumption failure naming the command that builds it.
 */
public final class DebianImages {

    /** A recipe and the image it makes; {@code byDefault}: bin/test-all builds it without --all-images. */
    public record Recipe(String recipe, String image, boolean byDefault) {

        /** The OS part of the image's name (debian-12, ...). */
        public String os() {
            return image.split(":")[1];
        }

        /** The architecture part of the image's name. */
        public String arch() {
            return image.substring(image.lastIndexOf('.') + 1);
        }
    }

    public static final Recipe DEBIAN_12_X86_64 = new Recipe("debian-12-x86_64", "qemu:debian-12:6.1.x86_64", true);
    public static final Recipe DEBIAN_12_AARCH64 = new Recipe("debian-12-aarch64", "qemu:debian-12:6.1.aarch64", true);
    public static final Recipe DEBIAN_13_X86_64 = new Recipe("debian-13-x86_64", "qemu:debian-13:6.12.x86_64", false);
    public static final Recipe DEBIAN_13_AARCH64 = new Recipe("debian-13-aarch64", "qemu:debian-13:6.12.aarch64", false);
    public static final Recipe DEBIAN_13_RISCV64 = new Recipe("debian-13-riscv64", "qemu:debian-13:6.12.riscv64", false);
    /** debian-12-x86_64 personalised by cloud-init (as cloud images are) instead of tt-seed. */
    public static final Recipe DEBIAN_12_CLOUDINIT_X86_64 = new Recipe("debian-12-cloudinit-x86_64",
            "qemu:debian-12-cloudinit:6.1.x86_64", false);

    /**
     * debian-12-x86_64 as a cloud image: a partitioned disk that its firmware boots through GRUB,
     * personalised by cloud-init. Not in {@link #POOL}: the tests import its disk as a user does a
     * downloaded cloud image (tt image import).
     */
    public static final Recipe DEBIAN_12_CLOUDIMG_X86_64 = new Recipe("debian-12-cloudimg-x86_64",
            "qemu:debian-12-cloudimg:6.1.x86_64", false);

    /** The Debian recipes whose images the tests serve as they are, the defaults first. */
    public static final List<Recipe> POOL = List.of(DEBIAN_12_X86_64, DEBIAN_12_AARCH64, DEBIAN_13_X86_64,
            DEBIAN_13_AARCH64, DEBIAN_13_RISCV64, DEBIAN_12_CLOUDINIT_X86_64);

    /** Every Debian recipe: the pool's, then the cloud image. */
    public static final List<Recipe> ALL = Stream.concat(POOL.stream(), Stream.of(DEBIAN_12_CLOUDIMG_X86_64)).toList();

    private DebianImages() {
    }

    /** Where bin/test-all puts them: $TT_TEST_DEBIAN_IMAGE_PATH or .cache/debian-images in the checkout. */
    public static Path path() {
        String env = System.getenv("TT_TEST_DEBIAN_IMAGE_PATH");
        return env != null && !env.isBlank() ? Path.of(env) : Checkout.root().resolve(".cache/debian-images");
    }

    /** The recipe's image folder, if it is built (has its image.json). */
    public static Optional<Path> built(Recipe r) {
        Path dir = path().resolve(r.image());
        return Files.isRegularFile(dir.resolve("image.json")) ? Optional.of(dir) : Optional.empty();
    }

    /** The command that builds the recipe's image where the tests look for it. */
    public static String buildCommand(Recipe r) {
        return (r.byDefault() ? "bin/test-all (or " : "bin/test-all --all-images (or ")
                + "images/build-image.sh " + r.recipe() + " " + path() + ")";
    }

    /** Why a test of the recipe cannot run: its image is not built, and how to build it. */
    public static String missing(Recipe r) {
        return "image " + r.image() + " is not built in " + path() + ": run " + buildCommand(r)
                + "; a cold build takes minutes";
    }

    /**
     * Puts the image into {@code imageFolder} as hard links to the built files (no copy), linked
     * again where the image was rebuilt since; returns it.
     */
    public static Path linkInto(Path imageFolder, Path image) throws IOException {
        Path linked = imageFolder.resolve(image.getFileName());
        if (Files.isDirectory(linked)) {
            linkFiles(image, linked);
        } else {
            Path stage = imageFolder.resolve(".linking-" + image.getFileName());
            Files.createDirectories(stage);
            linkFiles(image, stage);
            Files.move(stage, linked);
        }
        return linked;
    }

    /** Hard links in {@code to} to each file of {@code from}, each made again (atomically) when it is another file. */
    private static void linkFiles(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path link = to.resolve(f.getFileName());
                if (!Files.exists(link) || !Files.isSameFile(link, f)) {
                    Path fresh = to.resolve(f.getFileName() + ".new");
                    Files.deleteIfExists(fresh);
                    Files.createLink(fresh, f);
                    Files.move(fresh, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
