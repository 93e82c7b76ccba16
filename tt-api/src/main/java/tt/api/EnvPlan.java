package tt.api;

import java.util.Map;

/**
 * Whether the pool could place an ENV now ({@code POST /envs?dryRun=true}), with nothing made:
 * where each VM would go, or what is short.
 */
public record EnvPlan(boolean fits, Map<String, String> hostOfVm, String problem) {
}
