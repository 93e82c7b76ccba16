package tt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Option;
import tt.api.Json;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** {@code --output text|json} for read commands, and plain aligned tables. */
final class OutputFormat {

    private static final ObjectMapper JSON = Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json",
            description = "Print as aligned text (default) or JSON.")
    String format;

    boolean json() {
        if (!"text".equals(format) && !"json".equals(format)) {
            throw new IllegalArgumentException("--output must be text or json, not '" + format + "'");
        }
        return "json".equals(format);
    }

    /** Prints {@code items} as JSON, or as a table: the header, then one row per item. */
    <T> void list(PrintWriter out, List<T> items, List<String> header, Function<T, List<String>> row)
            throws IOException {
        if (json()) {
            printJson(out, items);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        items.forEach(i -> rows.add(row.apply(i)));
        table(out, rows);
    }

    static void printJson(PrintWriter out, Object value) throws IOException {
        out.println(JSON.writeValueAsString(value));
        out.flush();
    }

    /** Prints rows as columns padded to the widest cell; the first row is the header. */
    static void table(PrintWriter out, List<List<String>> rows) {
        List<Integer> widths = new ArrayList<>();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                int w = row.get(i) == null ? 1 : row.get(i).length();
                if (widths.size() <= i) {
                    widths.add(w);
                } else {
                    widths.set(i, Math.max(widths.get(i), w));
                }
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i) == null ? "-" : row.get(i);
                line.append(i == row.size() - 1 ? cell : String.format("%-" + (widths.get(i) + 2) + "s", cell));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }
}
