package tt.server;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sends java.util.logging (Jersey's and Grizzly's) to SLF4J, so that every line has TT's format and
 * levels ({@code simplelogger.properties}), also where a server runs inside a test.
 */
public final class JulBridge {

    private JulBridge() {
    }

    public static synchronized void install() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
