package tt.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The guest images the tests boot, built by {@code images/build-image.sh} when missing. */
public final class TinyImage {

    public static final String X86_64 = "qemu:tinylinux-1.0:6.1.x86_64";
    public static final String RECIPE_X86_64 = "tinylinux-x86_64";
    public static final String AARCH64 = "qemu:tinylinux-1.0:6.1.aarch64";
    public static final String RECIPE_AARCH64 = "tinylinux-aarch64";

    private static final Set<Path> CHECKED = new HashSet<>();

    private TinyImage() {
    }

    /**
     * Makes sure the recipe's image is in {@code imagePath} and built from the current recipe;
     * builds it (minutes when cold) if not. Checked once per JVM.
     */
    public static synchronized Path ensure(Path imagePath, String recipe, String imageName) throws IOException {
        Path dir = imagePath.resolve(imageName);
        if (CHECKED.contains(dir) && Files.isRegularFile(dir.resolve("image.json"))) {
            return dir;
        }
        Files.createDirectories(imagePath);
        Path log = imagePath.resolve(".build-" + recipe + ".log");
        Process p = new ProcessBuilder(List.of("bash", Checkout.root().resolve("images/build-image.sh").toString(), recipe,
                imagePath.toString())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("building image " + imageName + " failed; see " + log);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while building " + imageName, e);
        }
        if (!Files.isRegularFile(dir.resolve("image.json"))) {
            throw new IOException("image build finished but " + dir + " has no image.json; see " + log);
        }
        CHECKED.add(dir);
        return dir;
    }

    /**
     * An image folder holding only the x86_64 tiny image ({@link DebianImages#linkInto}: hard links
     * into the shared cache), for tests whose OS prefix must match exactly one image.
     */
    public static Path x86Only(Path dir) throws IOException {
        DebianImages.linkInto(Files.createDirectories(dir), ensure(Checkout.imagePath(), RECIPE_X86_64, X86_64));
        return dir;
    }
}
