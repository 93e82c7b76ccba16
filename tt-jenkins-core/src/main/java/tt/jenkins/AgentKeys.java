package tt.jenkins;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A fresh SSH key pair per agent VM: put in at create time, so users manage no SSH credentials. */
public record AgentKeys(byte[] privateKey, String publicKey) {

    public static AgentKeys generate(String comment) {
        try {
            KeyPair kp = KeyPair.genKeyPair(new JSch(), KeyPair.ECDSA, 256);
            ByteArrayOutputStream priv = new ByteArrayOutputStream();
            kp.writePrivateKey(priv);
            ByteArrayOutputStream pub = new ByteArrayOutputStream();
            kp.writePublicKey(pub, comment);
            kp.dispose();
            return new AgentKeys(priv.toByteArray(), pub.toString(StandardCharsets.US_ASCII).strip());
        } catch (JSchException e) {
            throw new IllegalStateException("cannot make an SSH key pair: " + e.getMessage(), e);
        }
    }
}
