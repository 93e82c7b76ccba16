package tt.jenkins;

import tt.api.EnvCreateRequest;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * What the {@code ttEnvCreate} step is given: OS prefixes or images (at least one of either), an
 * optional ENV name, the VMs' size (memory and disk 0 or less: the backend's defaults), the ENV's
 * lifetime, and how long to wait for it to be ready.
 */
public record EnvCreateArguments(List<String> os, List<String> images, String name, int cpu, int memMib, int diskMib,
                                 int lifetimeMinutes, int timeoutSeconds) {

    public EnvCreateArguments {
        os = os == null ? List.of() : List.copyOf(os);
        images = images == null ? List.of() : List.copyOf(images);
    }

    /**
     * The request for the backend: the ENV named as given, or after the build that makes it.
     *
     * @param jobFullName the full name of the build's job
     * @throws BuildEnvs.Failure when neither OS prefixes nor images are given
     */
    public EnvCreateRequest request(String jobFullName, int buildNumber, Clock clock) throws BuildEnvs.Failure {
        if (os.isEmpty() && images.isEmpty()) {
            throw new BuildEnvs.Failure("ttEnvCreate needs os: ['<os prefix>', ...] or images: ['<image>', ...]");
        }
        String envName = name != null && !name.isBlank() ? name
                : AgentNames.forBuild(jobFullName, buildNumber, clock.millis() % 100_000);
        return EnvCreateRequest.builder(envName).osPrefix(os.isEmpty() ? null : os)
                .images(images.isEmpty() ? null : images).cpu(cpu).memMib(memMib > 0 ? memMib : null)
                .diskMib(diskMib > 0 ? diskMib : null).lifetimeMinutes(lifetimeMinutes).build();
    }

    public Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }
}
