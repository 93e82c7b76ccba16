package tt.backend.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;
import tt.api.EnvCreateRequest;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAPI document is valid OpenAPI 3 and lists every operation the backend's resources serve, with their bodies. */
class OpenApiResourceTest {

    private static final List<Class<?>> RESOURCES = List.of(EnvResource.class, PoolResource.class, TokenResource.class,
            PoolImagesResource.class, WarmResource.class, AuditResource.class);

    @Test
    void theDocumentIsValidOpenApiAndCoversEveryOperationOfTheResources() throws Exception {
        String document = OpenApiResource.of("test", RESOURCES).document();
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document);
        assertEquals(List.of(), parsed.getMessages(), "the document is valid OpenAPI 3");

        JsonNode paths = new ObjectMapper().readTree(document).get("paths");
        List<String> missing = new ArrayList<>();
        for (String operation : operations()) {
            String[] methodAndPath = operation.split(" ", 2);
            JsonNode path = paths.get(methodAndPath[1]);
            if (path == null || !path.has(methodAndPath[0])) {
                missing.add(operation);
            }
        }
        assertEquals(List.of(), missing, "operations of the resources missing from the document");

        JsonNode schema = new ObjectMapper().readTree(document).at("/components/schemas/EnvCreateRequest/properties");
        List<String> fields = Arrays.stream(EnvCreateRequest.class.getRecordComponents()).map(RecordComponent::getName)
                .sorted().toList();
        assertEquals(fields, new TreeSet<>(iterable(schema.fieldNames())).stream().toList(),
                "the create request's schema has exactly the record's fields");
        assertTrue(paths.at("/~1api~1v1~1envs/post/parameters").toString().contains("dryRun"),
                "query parameters are described: " + paths.at("/~1api~1v1~1envs/post"));
    }

    /** "get /api/v1/envs/{name}" for every resource method, from the JAX-RS annotations themselves. */
    private static TreeSet<String> operations() {
        TreeSet<String> out = new TreeSet<>();
        for (Class<?> resource : RESOURCES) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method m : resource.getMethods()) {
                String verb = m.isAnnotationPresent(GET.class) ? "get" : m.isAnnotationPresent(POST.class) ? "post"
                        : m.isAnnotationPresent(DELETE.class) ? "delete" : null;
                if (verb != null) {
                    Path sub = m.getAnnotation(Path.class);
                    out.add(verb + " " + (base + (sub == null ? "" : "/" + sub.value())).replaceAll("/+", "/"));
                }
            }
        }
        return out;
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
