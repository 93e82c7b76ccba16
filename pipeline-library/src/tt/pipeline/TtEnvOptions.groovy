package tt.pipeline

import com.cloudbees.groovy.cps.NonCPS

/**
 * The options of the ttEnv steps, checked before anything is made: unknown options, a missing or
 * malformed OS list and out-of-range sizes fail with a message that says what to write instead.
 * Also turns options into the TT cloud's dynamic labels (tt-OS, tt-image:IMAGE, --cpuN --memMiB --diskMiB).
 */
class TtEnvOptions implements Serializable {

    private static final long serialVersionUID = 1L
    static final List<String> AGENT_OPTIONS = ['os', 'cpu', 'memMib', 'diskMib', 'timeoutMinutes', 'failFast',
                                               'perImage', 'cloud']
    static final List<String> RUN_OPTIONS = ['os', 'cmd', 'cpu', 'memMib', 'diskMib', 'timeoutSeconds', 'cloud']
    private static final String OS_PATTERN = /[a-z0-9][a-z0-9._-]{0,63}/

    List<String> os
    Integer cpu
    Integer memMib
    Integer diskMib
    int timeoutMinutes
    int timeoutSeconds
    boolean failFast
    boolean perImage
    String cloud
    String cmd

    /** Options of ttEnv(...) { os -> ... }. */
    @NonCPS
    static TtEnvOptions forAgents(Map args) {
        TtEnvOptions o = common('ttEnv', args, AGENT_OPTIONS)
        o.timeoutMinutes = number('ttEnv', args, 'timeoutMinutes', 1, 10080) ?: 60
        o.failFast = flag('ttEnv', args, 'failFast')
        o.perImage = flag('ttEnv', args, 'perImage')
        return o
    }

    /** Options of ttEnv.run(os: ..., cmd: ...). */
    @NonCPS
    static TtEnvOptions forRun(Map args) {
        TtEnvOptions o = common('ttEnv.run', args, RUN_OPTIONS)
        if (!(args.cmd instanceof CharSequence) || args.cmd.toString().trim().isEmpty()) {
            throw new IllegalArgumentException("ttEnv.run: give the command to run, as cmd: 'uname -a'")
        }
        o.cmd = args.cmd.toString()
        o.timeoutSeconds = number('ttEnv.run', args, 'timeoutSeconds', 1, 86400) ?: 600
        return o
    }

    /** The dynamic label of an agent of this OS prefix, with the sizes asked for. */
    @NonCPS
    String osLabel(String osPrefix) {
        return 'tt-' + osPrefix + sizes()
    }

    /** The dynamic label of an agent of exactly this image, with the sizes asked for. */
    @NonCPS
    String imageLabel(String image) {
        return 'tt-image:' + image + sizes()
    }

    /** The arguments of ttEnvCreate for these options (nothing unset is passed). */
    @NonCPS
    Map createArgs() {
        Map m = [os: os]
        if (cpu != null) { m.cpu = cpu }
        if (memMib != null) { m.memMib = memMib }
        if (diskMib != null) { m.diskMib = diskMib }
        if (cloud != null) { m.cloud = cloud }
        return m
    }

    /** One line per OS (or image) with how its branch ended. */
    @NonCPS
    static String summary(List<String> targets, Map results) {
        StringBuilder s = new StringBuilder('ttEnv summary:')
        for (String t : targets) {
            s.append('\n  ').append(t).append(': ').append(results.containsKey(t) ? results[t] : 'not finished')
        }
        return s.toString()
    }

    @NonCPS
    private String sizes() {
        return (cpu != null ? "--cpu${cpu}" : '') + (memMib != null ? "--mem${memMib}" : '') +
                (diskMib != null ? "--disk${diskMib}" : '')
    }

    @NonCPS
    private static TtEnvOptions common(String step, Map args, List<String> known) {
        if (args == null) {
            args = [:]
        }
        List<String> unknown = args.keySet().collect { it.toString() }.findAll { !known.contains(it) }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("${step}: unknown option(s) ${unknown.join(', ')}; the options are ${known.join(', ')}")
        }
        TtEnvOptions o = new TtEnvOptions()
        o.os = osList(step, args.os)
        o.cpu = number(step, args, 'cpu', 1, 64)
        o.memMib = number(step, args, 'memMib', 64, 1048576)
        o.diskMib = number(step, args, 'diskMib', 1, 16777216)
        if (args.cloud != null && !(args.cloud instanceof CharSequence)) {
            throw new IllegalArgumentException("${step}: cloud must be the name of a TT cloud, as cloud: 'tt'")
        }
        o.cloud = args.cloud?.toString()
        return o
    }

    @NonCPS
    private static List<String> osList(String step, Object value) {
        List<String> list = value instanceof CharSequence ? [value.toString()] :
                value instanceof Collection ? value.collect { it?.toString() } : null
        if (list == null || list.isEmpty()) {
            throw new IllegalArgumentException("${step}: give the OSes to test on, as os: ['centos', 'ubuntu2004'] (OS prefixes of the pool's images)")
        }
        List<String> out = []
        for (String os : list) {
            String o = os?.trim()?.toLowerCase()
            if (o == null || !(o ==~ OS_PATTERN) || o.contains('--') || o.endsWith('-')) {
                throw new IllegalArgumentException("${step}: bad OS prefix '${os}': use letters, digits, '.', '-' or '_'")
            }
            if (out.contains(o)) {
                throw new IllegalArgumentException("${step}: the OS prefix '${o}' is given twice")
            }
            out << o
        }
        return out
    }

    @NonCPS
    private static Integer number(String step, Map args, String key, int min, int max) {
        Object v = args[key]
        if (v == null) {
            return null
        }
        if (!(v instanceof Integer) || (int) v < min || (int) v > max) {
            throw new IllegalArgumentException("${step}: ${key} must be a whole number from ${min} to ${max}, not '${v}'")
        }
        return (Integer) v
    }

    @NonCPS
    private static boolean flag(String step, Map args, String key) {
        Object v = args[key]
        if (v != null && !(v instanceof Boolean)) {
            throw new IllegalArgumentException("${step}: ${key} must be true or false, not '${v}'")
        }
        return v == Boolean.TRUE
    }
}
