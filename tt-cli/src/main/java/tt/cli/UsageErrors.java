package tt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One line for a command line picocli cannot take, with a "did you mean" from the words the
 * command really has (closest by edit distance, so {@code tt env lst} suggests {@code list}).
 */
final class UsageErrors {

    private static final int MAX_DISTANCE = 2;

    private UsageErrors() {
    }

    static String describe(ParameterException e) {
        if (!(e instanceof UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            return e.getMessage();
        }
        CommandLine cmd = e.getCommandLine();
        String word = u.getUnmatched().get(0);
        String name = cmd.getCommandSpec().qualifiedName();
        if (word.startsWith("-")) {
            List<String> options = new ArrayList<>();
            for (OptionSpec o : cmd.getCommandSpec().options()) {
                options.addAll(List.of(o.names()));
            }
            String flag = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
            return "unknown option '" + flag + "' for '" + name + "'" + didYouMean(flag, options);
        }
        if (!cmd.getSubcommands().isEmpty()) {
            return "'" + word + "' is not a '" + name + "' command" + didYouMean(word,
                    List.copyOf(cmd.getSubcommands().keySet()));
        }
        return "unexpected argument '" + word + "' for '" + name + "'";
    }

    private static String didYouMean(String word, List<String> candidates) {
        Optional<String> best = candidates.stream()
                .filter(c -> distance(word, c) <= MAX_DISTANCE || c.startsWith(word))
                .min(Comparator.comparingInt((String c) -> distance(word, c)).thenComparing(c -> c));
        return best.map(c -> "; did you mean '" + c + "'?").orElse("");
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int swap = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + swap);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
