package tt.api;

/**
 * An image a host can boot; {@code diskKib} is the virtual size of its disk. {@code slowdown} is
 * how many times slower than its host the image's guests run (emulated architectures), as the host
 * measured it (null until measured): scale timeouts by it.
 */
public record ImageInfo(String name, String engine, String os, String arch, long diskKib, int minMemMib,
                        Double slowdown) {
}
