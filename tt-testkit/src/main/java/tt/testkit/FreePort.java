package tt.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A TCP port nobody listens on at the moment of asking; another program may take it before the
 * caller binds it. Only for programs that must be told a port before they listen and cannot pick
 * one and say which: PostgreSQL, bare QEMU's forwarded ports. TT's daemons take port 0 instead and
 * write the port they listen on to their {@code --port-file} (see {@link PortFile}).
 */
public final class FreePort {

    private FreePort() {
    }

    public static int get() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
