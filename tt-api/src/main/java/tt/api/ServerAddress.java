package tt.api;

import java.net.URI;

/**
 * A TT daemon's address as users write it: {@code ADDR:PORT} (HTTPS, the default), or
 * {@code http://ADDR:PORT} for a daemon started with --insecure-http; {@code https://} may be written.
 */
public record ServerAddress(boolean plainHttp, String address, int port) {

    public static ServerAddress parse(String text) {
        String s = text == null ? "" : text.strip().replaceFirst("/$", "");
        boolean plain = s.startsWith("http://");
        s = s.replaceFirst("^https?://", "");
        int colon = s.lastIndexOf(':');
        String port = colon < 0 ? "" : s.substring(colon + 1);
        if (colon <= 0 || !port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("bad server address '" + text + "': give ADDRESS:PORT, e.g."
                    + " 127.0.0.1:20002 (or http://ADDRESS:PORT for a server started with --insecure-http)");
        }
        String address = s.substring(0, colon).replaceAll("^\\[(.*)]$", "$1");
        return new ServerAddress(plain, address, Integer.parseInt(port));
    }

    public URI uri() {
        return URI.create((plainHttp ? "http://" : "https://") + (address.contains(":") ? "[" + address + "]" : address)
                + ":" + port);
    }

    /** {@code ADDR:PORT}, with {@code http://} in front for plain HTTP. */
    @Override
    public String toString() {
        return (plainHttp ? "http://" : "") + address + ":" + port;
    }
}
