package tt.guest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A jar's main for PrestartedJvmTest: answers one line of stdin on stdout and on stderr, then
 * returns; with the line "throw" it throws instead.
 */
public final class StdioProbe {

    private StdioProbe() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("probe started in " + Thread.currentThread().getContextClassLoader().getClass().getSimpleName());
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if ("throw".equals(line)) {
            throw new IllegalStateException("asked to throw");
        }
        System.out.println("out: " + line);
        System.err.println("err: " + line);
    }
}
