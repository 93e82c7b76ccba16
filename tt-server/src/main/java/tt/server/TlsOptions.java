package tt.server;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The TLS flags tt-host and tt-backend share (a picocli mixin). */
public final class TlsOptions {

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "The server certificate to serve with (PEM, then its chain), with --tls-key (default: one"
                    + " made on first start and kept in the state folder's tls/).")
    Path certFile;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The private key of --tls-cert (PEM, unencrypted).")
    Path keyFile;

    @Option(names = "--insecure-http",
            description = "Serve plain HTTP instead of HTTPS: tokens cross the network readable (trusted networks only).")
    boolean insecureHttp;

    /** How to serve with {@code identity}: null (plain HTTP) with --insecure-http. */
    public ServerTls serving(TlsIdentity identity, boolean asksClientCertificate) {
        return insecureHttp ? null : new ServerTls(identity, asksClientCertificate);
    }

    /**
     * The daemon's TLS identity (its server certificate, and a tt-backend's client certificate even
     * when it serves plain HTTP): the certificate given, else the one kept in {@code stateDir/tls}
     * (made there on first start, naming the listen address and this machine).
     */
    public TlsIdentity identity(Path stateDir, String commonName, String listenAddress) throws IOException {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("give --tls-cert and --tls-key together");
        }
        if (insecureHttp && certFile != null) {
            throw new IllegalArgumentException("--insecure-http serves without TLS: drop --tls-cert and --tls-key");
        }
        if (certFile != null) {
            return TlsIdentity.fromFiles(certFile, keyFile);
        }
        List<String> names = new ArrayList<>(List.of(listenAddress, "localhost", "127.0.0.1"));
        names.add(InetAddress.getLocalHost().getHostName());
        return TlsIdentity.keptIn(stateDir.resolve("tls"), commonName, names);
    }
}
