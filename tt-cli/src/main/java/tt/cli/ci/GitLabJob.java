package tt.cli.ci;

import tt.api.Validation;

import java.util.Locale;
import java.util.Map;

/**
 * What the GitLab Runner tells a custom executor about the job, read from the environment as its
 * contract says (job variables come prefixed with {@code CUSTOM_ENV_}), and what TT makes of it:
 * the ENV's name, its OS prefix, sizes, lease, and the exit codes for a failed build or system.
 */
record GitLabJob(String envName, String runnerTag, String jobId, String osPrefix, Integer cpu, Integer memMib,
                 Integer diskMib, int leaseSeconds, int buildFailureExitCode, int systemFailureExitCode) {

    static final int DEFAULT_LEASE_SECONDS = 600;

    static GitLabJob from(Map<String, String> env) {
        String jobId = env.getOrDefault("CUSTOM_ENV_CI_JOB_ID", "");
        if (!jobId.matches("[0-9]{1,20}")) {
            throw new IllegalArgumentException("no job id in CUSTOM_ENV_CI_JOB_ID: run this as a GitLab Runner custom"
                    + " executor stage (see README: GitLab)");
        }
        String runner = env.getOrDefault("CUSTOM_ENV_CI_RUNNER_ID", "0").replaceAll("[^A-Za-z0-9]", "");
        String envName = Validation.name("ENV name", "gl-" + (runner.isEmpty() ? "0" : runner) + "-" + jobId);
        return new GitLabJob(envName, "gitlab-runner-" + (runner.isEmpty() ? "0" : runner), jobId, osPrefix(env),
                integer(env, "CUSTOM_ENV_TT_CPU"), integer(env, "CUSTOM_ENV_TT_MEM_MIB"),
                integer(env, "CUSTOM_ENV_TT_DISK_MIB"),
                env.containsKey("CUSTOM_ENV_TT_LEASE_SECONDS") ? integer(env, "CUSTOM_ENV_TT_LEASE_SECONDS")
                        : DEFAULT_LEASE_SECONDS,
                exitCode(env, "BUILD_FAILURE_EXIT_CODE", 1), exitCode(env, "SYSTEM_FAILURE_EXIT_CODE", 2));
    }

    /**
     * The OS prefix: the job variable {@code TT_OS}, else the job's image name ({@code image:} in
     * .gitlab-ci.yml) with its tag, e.g. {@code debian:12} gives {@code debian12}, which matches
     * {@code debian-12}. Null when the job says neither.
     */
    static String osPrefix(Map<String, String> env) {
        String os = env.get("CUSTOM_ENV_TT_OS");
        if (os != null && !os.isBlank()) {
            return os.strip();
        }
        String image = env.get("CUSTOM_ENV_CI_JOB_IMAGE");
        if (image == null || image.isBlank()) {
            return null;
        }
        String name = image.strip();
        name = name.substring(name.lastIndexOf('/') + 1);
        return name.replace(":latest", "").replaceAll("[^A-Za-z0-9.-]", "").toLowerCase(Locale.ROOT);
    }

    private static Integer integer(Map<String, String> env, String key) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        if (!v.strip().matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException(key + " must be a number, not '" + Validation.printable(v) + "'");
        }
        return Integer.parseInt(v.strip());
    }

    private static int exitCode(Map<String, String> env, String key, int fallback) {
        Integer code = integer(env, key);
        return code == null ? fallback : code;
    }
}
