package tt.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the TT checkout is, and its shared caches. */
public final class Checkout {

    private Checkout() {
    }

    /** The checkout's root: the first folder upwards from the working folder that holds bin/tt-host. */
    public static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("bin/tt-host"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("not inside a TT checkout (no bin/tt-host above " + Path.of("").toAbsolutePath() + ")");
        }
        return p;
    }

    /** The image folder tests share: $TT_TEST_IMAGE_PATH or .cache/images in the checkout (git ignores it). */
    public static Path imagePath() {
        String env = System.getenv("TT_TEST_IMAGE_PATH");
        return env != null && !env.isBlank() ? Path.of(env) : root().resolve(".cache/images");
    }
}
