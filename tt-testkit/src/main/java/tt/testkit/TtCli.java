package tt.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code bin/tt} as a user would, with its own config file, and captures what it prints. */
public final class TtCli {

    /** What a tt command printed and its exit code. */
    public record Result(int exitCode, String out, String err) {
    }

    private final Path configHome;

    public TtCli(Path configHome) {
        this.configHome = configHome;
    }

    public Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Checkout.root().resolve("bin/tt").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("XDG_CONFIG_HOME", configHome.toString());
        pb.environment().put("XDG_STATE_HOME", configHome.resolve("state").toString());
        pb.environment().remove("TT_SERVER");
        pb.environment().remove("TT_TOKEN");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("tt " + String.join(" ", args) + " did not finish in 10 minutes");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
