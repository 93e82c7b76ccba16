package tt.api;

/** An image a host can boot; {@code diskKib} is the virtual size of its disk. */
public record ImageInfo(String name, String engine, String os, String arch, long diskKib, int minMemMib) {
}
