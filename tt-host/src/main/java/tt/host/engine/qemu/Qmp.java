package tt.host.engine.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A QEMU Machine Protocol client on the VM's unix socket: one command at a time. */
final class Qmp implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private Qmp(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /** Connects and leaves capabilities negotiation mode; QEMU's main loop is running after this. */
    static Qmp connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            Qmp qmp = new Qmp(ch);
            JsonNode greeting = qmp.readMessage();
            if (!greeting.has("QMP")) {
                throw new IOException("not a QMP greeting: " + greeting);
            }
            qmp.execute("qmp_capabilities");
            return qmp;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    synchronized JsonNode execute(String command) throws IOException {
        return execute(command, null);
    }

    /** Runs a command with its arguments (a JSON object, or null for none); returns its answer. */
    synchronized JsonNode execute(String command, JsonNode arguments) throws IOException {
        ObjectNode request = JSON.createObjectNode().put("execute", command);
        if (arguments != null) {
            request.set("arguments", arguments);
        }
        out.write(JSON.writeValueAsBytes(request));
        out.flush();
        while (true) {
            JsonNode msg = readMessage();
            if (msg.has("return")) {
                return msg.get("return");
            }
            if (msg.has("error")) {
                throw new IOException("QMP " + command + " failed: " + msg.get("error").path("desc").asText());
            }
        }
    }

    private JsonNode readMessage() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("QMP connection closed");
        }
        return JSON.readTree(line);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
