package tt.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

/**
 * A stand-in for a Jenkins agent: prints "ready" with its Java version, its architecture and the
 * class loader that loaded it (AppClassLoader under {@code java -jar}, URLClassLoader in a guest's
 * pre-started JVM), and "echo agent started" on stderr; then answers each line on stdin with
 * "echo: " and the line, so a test can prove it talks to a jar started in a VM.
 */
public final class EchoAgent {

    private EchoAgent() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready " + System.getProperty("java.version") + " " + System.getProperty("os.arch")
                + " loader=" + EchoAgent.class.getClassLoader().getClass().getSimpleName());
        System.out.flush();
        System.err.println("echo agent started");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            System.out.println("echo: " + line);
            System.out.flush();
        }
    }

    /** A runnable jar of this class, padded with {@code paddingBytes} of incompressible data. */
    public static byte[] jar(int paddingBytes) throws IOException {
        byte[] padding = new byte[paddingBytes];
        new Random(1).nextBytes(padding);
        return ClassJar.of(EchoAgent.class, true, paddingBytes > 0 ? Map.of("padding.bin", padding) : Map.of());
    }
}
