package tt.api;

import java.util.List;
import java.util.Map;

/**
 * A request for an ENV: one VM per image whose OS part matches one of {@code osPrefix}
 * (case-insensitive, separators ignored), plus the {@code images} named exactly, each
 * {@code replicas} times; sizes apply to every VM. With {@code leaseSeconds}, the ENV lives only
 * while its client renews the lease; {@code tags} mark it for its client (e.g. the runner's id),
 * which can list its own ENVs by them. Any field but the name may be null: the server's default.
 * The record's components are the JSON body of {@code POST /envs}; {@link #builder(String)} sets
 * only the fields a caller needs.
 */
public record EnvCreateRequest(String name, List<String> osPrefix, List<String> images, Integer cpu, Integer memMib,
                               Integer diskMib, List<Integer> ports, List<String> sshKeys, Integer lifetimeMinutes,
                               Integer replicas, Integer leaseSeconds, Map<String, String> tags) {

    /** A request for the ENV {@code name}, every other field null until set. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Sets the fields of an {@link EnvCreateRequest} by name; a field left alone, or set to null, is null. */
    public static final class Builder {

        private final String name;
        private List<String> osPrefix;
        private List<String> images;
        private Integer cpu;
        private Integer memMib;
        private Integer diskMib;
        private List<Integer> ports;
        private List<String> sshKeys;
        private Integer lifetimeMinutes;
        private Integer replicas;
        private Integer leaseSeconds;
        private Map<String, String> tags;

        private Builder(String name) {
            this.name = name;
        }

        public Builder osPrefix(List<String> prefixes) {
            this.osPrefix = prefixes;
            return this;
        }

        public Builder osPrefix(String... prefixes) {
            return osPrefix(List.of(prefixes));
        }

        public Builder images(List<String> exactImages) {
            this.images = exactImages;
            return this;
        }

        public Builder images(String... exactImages) {
            return images(List.of(exactImages));
        }

        public Builder cpu(Integer vcpus) {
            this.cpu = vcpus;
            return this;
        }

        public Builder memMib(Integer mib) {
            this.memMib = mib;
            return this;
        }

        public Builder diskMib(Integer mib) {
            this.diskMib = mib;
            return this;
        }

        public Builder ports(List<Integer> guestPorts) {
            this.ports = guestPorts;
            return this;
        }

        public Builder sshKeys(List<String> publicKeys) {
            this.sshKeys = publicKeys;
            return this;
        }

        public Builder lifetimeMinutes(Integer minutes) {
            this.lifetimeMinutes = minutes;
            return this;
        }

        public Builder replicas(Integer perImage) {
            this.replicas = perImage;
            return this;
        }

        public Builder leaseSeconds(Integer seconds) {
            this.leaseSeconds = seconds;
            return this;
        }

        public Builder tags(Map<String, String> clientTags) {
            this.tags = clientTags;
            return this;
        }

        public EnvCreateRequest build() {
            return new EnvCreateRequest(name, osPrefix, images, cpu, memMib, diskMib, ports, sshKeys, lifetimeMinutes,
                    replicas, leaseSeconds, tags);
        }
    }
}
