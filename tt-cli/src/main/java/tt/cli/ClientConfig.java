package tt.cli;

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
 * the environment (TT_SERVER, TT_TOKEN), overridden by flags.
 */
record ClientConfig(Path file, String servAddr, int servPort, String token) {

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
        String addr = p.getProperty("serv-addr", DEFAULT_ADDR);
        int port = Integer.parseInt(p.getProperty("serv-port", Integer.toString(DEFAULT_PORT)));
        String token = p.getProperty("token");
        String server = env.get("TT_SERVER");
        if (server != null && !server.isBlank()) {
            String[] hp = splitServer(server);
            addr = hp[0];
            port = Integer.parseInt(hp[1]);
        }
        String envToken = env.get("TT_TOKEN");
        if (envToken != null && !envToken.isBlank()) {
            token = envToken.strip();
        }
        return new ClientConfig(file, addr, port, token);
    }

    ClientConfig with(String addr, Integer port, String newToken) {
        return new ClientConfig(file, addr != null ? addr : servAddr, port != null ? port : servPort,
                newToken != null ? newToken : token);
    }

    void save() throws IOException {
        Files.createDirectories(file.getParent());
        Properties p = new Properties();
        p.setProperty("serv-addr", servAddr);
        p.setProperty("serv-port", Integer.toString(servPort));
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

    URI baseUri() {
        return URI.create("http://" + (servAddr.contains(":") ? "[" + servAddr + "]" : servAddr) + ":" + servPort);
    }

    /** {@code ADDR:PORT} or {@code http://ADDR:PORT}. */
    static String[] splitServer(String server) {
        String s = server.strip().replaceFirst("^https?://", "").replaceFirst("/$", "");
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || !s.substring(colon + 1).matches("\\d{1,5}")) {
            throw new IllegalArgumentException("bad server '" + server + "': give ADDRESS:PORT, e.g. 127.0.0.1:20002");
        }
        return new String[] {s.substring(0, colon), s.substring(colon + 1)};
    }
}
