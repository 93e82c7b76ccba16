package tt.cli;

import tt.api.ServerAddress;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

/**
 * Where the client talks to: the config file ($XDG_CONFIG_HOME/tt/config.properties), overridden by
 * the environment (TT_SERVER, TT_TOKEN), overridden by flags. A server is reached over HTTPS unless
 * it is set as plain HTTP (a server started with --insecure-http).
 */
record ClientConfig(Path file, String servAddr, int servPort, String token, boolean plainHttp) {

    static final String DEFAULT_ADDR = "127.0.0.1";
    static final int DEFAULT_PORT = 20002;

    static Path defaultFile(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("tt").resolve("config.properties");
    }

    static ClientConfig load(Path file, Map<String, String> env) throws IOException {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        ClientConfig c = new ClientConfig(file, p.getProperty("serv-addr", DEFAULT_ADDR),
                Integer.parseInt(p.getProperty("serv-port", Integer.toString(DEFAULT_PORT))), p.getProperty("token"),
                Boolean.parseBoolean(p.getProperty("insecure-http", "false")));
        String server = env.get("TT_SERVER");
        if (server != null && !server.isBlank()) {
            c = c.with(ServerAddress.parse(server));
        }
        String envToken = env.get("TT_TOKEN");
        return envToken != null && !envToken.isBlank() ? c.withToken(envToken.strip()) : c;
    }

    ClientConfig with(ServerAddress server) {
        return new ClientConfig(file, server.address(), server.port(), token, server.plainHttp());
    }

    ClientConfig withToken(String newToken) {
        return new ClientConfig(file, servAddr, servPort, newToken, plainHttp);
    }

    void save() throws IOException {
        Files.createDirectories(file.getParent());
        Properties p = new Properties();
        p.setProperty("serv-addr", servAddr);
        p.setProperty("serv-port", Integer.toString(servPort));
        if (plainHttp) {
            p.setProperty("insecure-http", "true");
        }
        if (token != null) {
            p.setProperty("token", token);
        }
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "tt client settings (tt config)");
        }
    }

    ServerAddress server() {
        return new ServerAddress(plainHttp, servAddr, servPort);
    }

    URI baseUri() {
        return server().uri();
    }

    /** Where the certificates of the servers this user trusts are pinned, next to the config file. */
    Path knownServersFile() {
        return file.resolveSibling("known_servers");
    }
}
