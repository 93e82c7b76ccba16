package tt.backend;

import tt.api.ServerAddress;
import tt.server.ServerMain;
import tt.server.ServerTls;
import tt.server.TlsIdentity;
import tt.server.TokenFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The backend's settings, checked before anything starts. */
record BackendConfig(String listenAddress, int listenPort, List<String> servers, String token, String hostToken,
                     Path dataDir, String dbUrl, String dbUser, String dbPassword, int defaultLifetime,
                     int maxLifetime, int defaultMemMib, String metricsToken, TlsIdentity identity, ServerTls serving,
                     Path portFile) {

    static BackendConfig from(BackendMain f) throws IOException {
        String[] listen = splitHostPort("--proxy-addr", f.proxyAddr);
        List<String> servers = new ArrayList<>();
        for (String s : f.serverSet) {
            if (!s.isBlank()) {
                try {
                    ServerAddress.parse(s);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--server-set: " + e.getMessage(), e);
                }
                servers.add(s.strip());
            }
        }
        f.tokens.check();
        require(f.hostToken == null || f.hostTokenFile == null, "give --host-token or --host-token-file, not both");
        require(f.defaultLifetime > 0 && f.defaultLifetime <= f.maxLifetime,
                "--default-lifetime must be positive and at most --max-lifetime");
        require(f.defaultMemMib >= 64, "--default-mem must be at least 64 MiB");
        Path dataDir = (f.dataDir != null ? f.dataDir : ServerMain.defaultStateDir("backend"))
                .toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        String token = f.tokens.apiToken(dataDir.resolve("token"));
        String hostToken = TokenFiles.resolve(f.hostToken, f.hostTokenFile, TokenFiles.machinePoolTokenFile());
        TlsIdentity identity = f.tls.identity(dataDir, "tt-backend", listen[0]);
        String dbPassword = f.dbPasswordFile == null ? null
                : Files.readString(f.dbPasswordFile, StandardCharsets.UTF_8).strip();
        return new BackendConfig(listen[0], Integer.parseInt(listen[1]), servers, token, hostToken, dataDir, f.dbUrl,
                f.dbUser, dbPassword, f.defaultLifetime, f.maxLifetime, f.defaultMemMib,
                f.tokens.metricsToken(dataDir), identity,
                f.tls.serving(identity, false), f.portFile.path());
    }

    static String[] splitHostPort(String flag, String value) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        if (colon <= 0 || !value.substring(colon + 1).matches("\\d{1,5}")
                || Integer.parseInt(value.substring(colon + 1)) > 65535) {
            throw new IllegalArgumentException(flag + " needs ADDRESS:PORT, e.g. 127.0.0.1:20002, not '" + value + "'");
        }
        return new String[] {value.substring(0, colon), value.substring(colon + 1)};
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
