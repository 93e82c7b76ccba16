package tt.host.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The daemon's own SSH key: put into every VM next to the user's keys so that the exec API can
 * log in. Made once per state folder (ECDSA P-256, which dropbear and OpenSSH both accept).
 */
public final class HostSshKey {

    private final byte[] privateKey;
    private final String publicKey;

    private HostSshKey(byte[] privateKey, String publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    public static HostSshKey loadOrCreate(Path stateDir) throws IOException {
        Path priv = stateDir.resolve("host_ssh_key");
        Path pub = stateDir.resolve("host_ssh_key.pub");
        if (!Files.isRegularFile(priv) || !Files.isRegularFile(pub)) {
            try {
                KeyPair kp = KeyPair.genKeyPair(new JSch(), KeyPair.ECDSA, 256);
                ByteArrayOutputStream privOut = new ByteArrayOutputStream();
                kp.writePrivateKey(privOut);
                ByteArrayOutputStream pubOut = new ByteArrayOutputStream();
                kp.writePublicKey(pubOut, "tt-host");
                kp.dispose();
                Files.deleteIfExists(priv);
                Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(priv, privOut.toByteArray());
                Files.write(pub, pubOut.toByteArray());
            } catch (JSchException e) {
                throw new IOException("cannot make the host SSH key: " + e.getMessage(), e);
            }
        }
        return new HostSshKey(Files.readAllBytes(priv), Files.readString(pub, StandardCharsets.US_ASCII).strip());
    }

    public String publicKey() {
        return publicKey;
    }

    public void addTo(JSch jsch) throws JSchException {
        jsch.addIdentity("tt-host", privateKey, null, null);
    }
}
