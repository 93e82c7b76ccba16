package tt.jenkins;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A cloud's log that keeps its lines for a test to read. */
final class RecordedLog implements CloudLog {

    final List<String> infos = new CopyOnWriteArrayList<>();
    final List<String> warnings = new CopyOnWriteArrayList<>();

    @Override
    public void info(String line) {
        infos.add(line);
    }

    @Override
    public void warning(String line) {
        warnings.add(line);
    }
}
