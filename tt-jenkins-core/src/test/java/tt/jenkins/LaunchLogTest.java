package tt.jenkins;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LaunchLogTest {

    private long now = 1_000;

    @Test
    void everyLineStartsWithTheTimeSinceTheLaunchBegan() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(new LaunchLog(bytes, () -> now), true, StandardCharsets.UTF_8);
        log.println("tt: waiting for ENV x to boot");
        now += TimeUnit.MILLISECONDS.toNanos(12_345);
        log.print("This is a Unix agent\nAgent successfully ");
        now += TimeUnit.MILLISECONDS.toNanos(1_000);
        log.println("connected and online");
        assertEquals("[+0.000s] tt: waiting for ENV x to boot\n[+12.345s] This is a Unix agent\n"
                + "[+12.345s] Agent successfully connected and online\n", bytes.toString(StandardCharsets.UTF_8));
    }
}
