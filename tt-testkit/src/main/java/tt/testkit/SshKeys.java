package tt.testkit;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import com.jcraft.jsch.Session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** A user's SSH key pair made in memory, and a real SSH login with it (jsch). */
public final class SshKeys {

    private final byte[] privateKey;
    private final String publicKey;

    private SshKeys(byte[] privateKey, String publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    public static SshKeys generate() throws JSchException {
        KeyPair kp = KeyPair.genKeyPair(new JSch(), KeyPair.ECDSA, 256);
        ByteArrayOutputStream priv = new ByteArrayOutputStream();
        kp.writePrivateKey(priv);
        ByteArrayOutputStream pub = new ByteArrayOutputStream();
        kp.writePublicKey(pub, "tt-test");
        kp.dispose();
        return new SshKeys(priv.toByteArray(), pub.toString(StandardCharsets.US_ASCII).strip());
    }

    public String publicKey() {
        return publicKey;
    }

    public byte[] privateKey() {
        return privateKey.clone();
    }

    /** What a command printed on stdout and its exit code. */
    public record Result(int exitCode, String stdout) {
    }

    /** Logs in and runs one command; fails if login fails. */
    public Result run(String host, int port, String user, String command) throws JSchException, IOException,
            InterruptedException {
        JSch jsch = new JSch();
        jsch.addIdentity("user", privateKey, null, null);
        Session session = jsch.getSession(user, host, port);
        session.setConfig("StrictHostKeyChecking", "no");
        session.connect(20_000);
        try {
            ChannelExec ch = (ChannelExec) session.openChannel("exec");
            ch.setCommand(command);
            InputStream out = ch.getInputStream();
            ch.connect(10_000);
            byte[] bytes = out.readAllBytes();
            while (!ch.isClosed()) {
                Thread.sleep(10);
            }
            int exit = ch.getExitStatus();
            ch.disconnect();
            return new Result(exit, new String(bytes, StandardCharsets.UTF_8));
        } finally {
            session.disconnect();
        }
    }
}
