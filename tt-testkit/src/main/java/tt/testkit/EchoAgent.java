package tt.system;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** A stand-in agent for the bootstrap test: answers each line on stdin with "echo: " and the line. */
public final class EchoAgent {

    private EchoAgent() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready " + System.getProperty("java.version") + " " + System.getProperty("os.arch"));
        System.out.flush();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            System.out.println("echo: " + line);
            System.out.flush();
        }
    }
}
